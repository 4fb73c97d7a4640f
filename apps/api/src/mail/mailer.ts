import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** A mail Chorus sends: plain text, to one person. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends Chorus's mails through `SMTP_URL`, or, without one, writes each to the log (a development machine then shows
 * the links it holds). A request never waits for the mail server: how long a send takes would tell whether an email
 * has an account, and a mail server that is down must not refuse the request. A mail that fails is logged.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport: Transporter;
  private readonly sending = new Set<Promise<void>>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.transport = config.smtpUrl ? createTransport(config.smtpUrl, { from: config.mailFrom }) : createTransport({ jsonTransport: true }, { from: config.mailFrom });
    if (!config.smtpUrl && config.env === 'production') this.logger.warn('SMTP_URL is not set: mails (email verification, password resets, invitations) go to the log, not to people');
  }

  send(mail: Mail): void {
    const sent = this.transport.sendMail(mail).then(
      (info: { message?: unknown }) => {
        if (typeof info.message === 'string') this.logger.log(`mail not sent (no SMTP_URL): to ${mail.to}, "${mail.subject}"\n${mail.text}`);
      },
      (error: Error) => this.logger.error(`could not send "${mail.subject}" to ${mail.to}: ${error.message}`),
    );
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  /** Mails on their way are sent before the process ends. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.sending);
    this.transport.close();
  }
}
