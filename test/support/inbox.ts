import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { until } from './waiting';

/** A mail as the inbox received it over SMTP. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

/** A real SMTP server on a free port that keeps every mail it receives, for tests to read the links Chorus mails. */
export interface Inbox {
  /** `smtp://…` for `SMTP_URL`. */
  url: string;
  /** Every mail received so far, oldest first. */
  mails: ReceivedMail[];
  /** The first mail to `to` (whose subject matches, if given) not yet taken; waits for it. */
  take(to: string, subject?: RegExp): Promise<ReceivedMail>;
  /** The token of the first link in the mail (what follows `#token=`). */
  linkToken(mail: ReceivedMail): string;
  stop(): Promise<void>;
}

export async function startInbox(): Promise<Inbox> {
  const mails: ReceivedMail[] = [];
  const taken = new Set<ReceivedMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        for (const recipient of session.envelope.rcptTo) mails.push({ to: recipient.address, subject: parsed.subject ?? '', text: parsed.text ?? '' });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const find = (to: string, subject?: RegExp) => mails.find((mail) => !taken.has(mail) && mail.to === to && (!subject || subject.test(mail.subject)));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async take(to, subject) {
      await until(async () => find(to, subject) !== undefined, `a mail to ${to}${subject ? ` about ${subject}` : ''}`, 10_000);
      const mail = find(to, subject)!;
      taken.add(mail);
      return mail;
    },
    linkToken(mail) {
      const token = /#token=([\w.-]+)/.exec(mail.text)?.[1];
      if (!token) throw new Error(`no link in the mail "${mail.subject}":\n${mail.text}`);
      return token;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
