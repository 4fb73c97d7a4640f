import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { until } from './waiting';

/** A mail as the inbox received it over SMTP. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  /** Its headers, by lower-case name, as text. */
  headers: Record<string, string>;
}

/** A real SMTP server on a free port that keeps every mail it receives, for tests to read the links Chorus mails. */
export interface Inbox {
  /** `smtp://…` for `SMTP_URL`. */
  url: string;
  /** Every mail received so far, oldest first. */
  mails: ReceivedMail[];
  /** The first mail to `to` (whose subject matches, if given) not yet taken; waits for it. */
  take(to: string, subject?: RegExp): Promise<ReceivedMail>;
  /** The first mail to `to` not yet taken with a link to verify an email (a sign-up's, or a change of email's), in any language. */
  takeVerification(to: string): Promise<ReceivedMail>;
  /** Answers the next `count` mails with a temporary refusal (451), as a busy server does; answers how many it put off so far. */
  putOffNext(count: number): void;
  putOff: number;
  /** Takes each mail only `ms` after it has come in, as a slow server does (0: at once). */
  answerAfter(ms: number): void;
  /** The most mails the inbox was receiving at one moment. */
  mostAtOnce: number;
  /** SMTP connections opened to the inbox so far. */
  connections: number;
  /** The token of the first link in the mail (what follows `#token=`). */
  linkToken(mail: ReceivedMail): string;
  stop(): Promise<void>;
}

export async function startInbox(): Promise<Inbox> {
  const mails: ReceivedMail[] = [];
  const taken = new Set<ReceivedMail>();
  let toPutOff = 0;
  let answerAfterMs = 0;
  let receiving = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      inbox.connections += 1;
      callback();
    },
    onData(stream, session, callback) {
      inbox.mostAtOnce = Math.max(inbox.mostAtOnce, ++receiving);
      const answer = (error?: Error) => {
        receiving -= 1;
        callback(error);
      };
      simpleParser(stream).then(async (parsed) => {
        if (answerAfterMs) await new Promise((resolve) => setTimeout(resolve, answerAfterMs));
        if (toPutOff > 0) {
          toPutOff -= 1;
          inbox.putOff += 1;
          return answer(Object.assign(new Error('Busy: try again later'), { responseCode: 451 }));
        }
        for (const recipient of session.envelope.rcptTo) mails.push({ to: recipient.address, subject: parsed.subject ?? '', text: parsed.text ?? '', headers: headersOf(parsed.headerLines) });
        answer();
      }, answer);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const find = (to: string, subject?: RegExp, text?: RegExp) =>
    mails.find((mail) => !taken.has(mail) && mail.to === to && (!subject || subject.test(mail.subject)) && (!text || text.test(mail.text)));
  const takeFound = async (to: string, about: string, subject?: RegExp, text?: RegExp) => {
    await until(async () => find(to, subject, text) !== undefined, `a mail to ${to}${about}`, 10_000);
    const mail = find(to, subject, text)!;
    taken.add(mail);
    return mail;
  };
  const inbox: Inbox = {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    putOff: 0,
    putOffNext(count) {
      toPutOff = count;
    },
    mostAtOnce: 0,
    connections: 0,
    answerAfter(ms) {
      answerAfterMs = ms;
    },
    take: (to, subject) => takeFound(to, subject ? ` about ${subject}` : '', subject),
    takeVerification: (to) => takeFound(to, ' with a link to verify an email', undefined, /\/verify-email#token=/),
    linkToken(mail) {
      const token = /#token=([\w.-]+)/.exec(mail.text)?.[1];
      if (!token) throw new Error(`no link in the mail "${mail.subject}":\n${mail.text}`);
      return token;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return inbox;
}

/** A mail's headers as sent, by lower-case name (the value after the name's colon). */
function headersOf(lines: readonly { key: string; line: string }[]): Record<string, string> {
  return Object.fromEntries(lines.map(({ key, line }) => [key, line.slice(line.indexOf(':') + 1).trim()]));
}
