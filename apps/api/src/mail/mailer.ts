import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AddressLimitStore } from '../auth/address-limit-store';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** A mail Chorus sends: plain text, to one person. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

const DAY_MS = 24 * 3600_000;

/**
 * Sends Chorus's mails through `SMTP_URL` (a pool of a few connections), or, without one, writes each to the log (a
 * development machine then shows the links it holds). A request never waits for the mail server: how long a send
 * takes would tell whether an email has an account, and a mail server that is down must not refuse the request. A
 * mail that fails is logged.
 *
 * One address gets at most `MAILS_PER_ADDRESS_PER_DAY` mails, whoever asks for them (counted in Redis across the API's
 * processes, as the limits per address are): however many accounts, projects and invitations someone makes, Chorus
 * cannot be made to fill an inbox.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport: Transporter;
  private readonly sentToAddresses: AddressLimitStore;
  private readonly sending = new Set<Promise<void>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.transport = config.smtpUrl
      ? createTransport({ url: config.smtpUrl, pool: true }, { from: config.mailFrom })
      : createTransport({ jsonTransport: true }, { from: config.mailFrom });
    this.sentToAddresses = new AddressLimitStore(config);
    if (!config.smtpUrl && config.env === 'production') this.logger.warn('SMTP_URL is not set: mails (email verification, password resets, invitations) go to the log, not to people');
  }

  send(mail: Mail): void {
    const sent = this.deliver(mail).catch((error: Error) => this.logger.error(`could not send "${mail.subject}" to ${mail.to}: ${error.message}`));
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  private async deliver(mail: Mail): Promise<void> {
    if (!(await this.withinDailyLimit(mail.to))) {
      this.logger.warn(`not sent: "${mail.subject}" to ${mail.to}, which has had ${this.config.mailsPerAddressPerDay} mails from Chorus in the last day`);
      return;
    }
    const info: { message?: unknown } = await this.transport.sendMail(mail);
    if (typeof info.message === 'string') this.logger.log(`mail not sent (no SMTP_URL): to ${mail.to}, "${mail.subject}"\n${mail.text}`);
  }

  private async withinDailyLimit(address: string): Promise<boolean> {
    const limit = this.config.mailsPerAddressPerDay;
    if (limit === 0) return true;
    const key = `mails-to:${createHash('sha256').update(address.toLowerCase()).digest('base64url')}`;
    return !(await this.sentToAddresses.increment(key, DAY_MS, limit, 0, 'mailsTo')).isBlocked;
  }

  /** Mails on their way are sent before the process ends. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.sending);
    this.transport.close();
    this.sentToAddresses.onModuleDestroy();
  }
}
