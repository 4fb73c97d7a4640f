import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AddressLimitStore } from '../auth/address-limit-store';
import { APP_CONFIG, type AppConfig } from '../config/config';

/**
 * A mail Chorus sends: plain text, to one person. `account`: to an account's own email (its verification, a password
 * reset, a notice); `unsolicited`: to an address someone else chose (an invitation, a change of email to it). Each
 * kind is counted apart, so that invitations cannot use up what a password reset needs.
 */
export interface Mail {
  kind: 'account' | 'unsolicited';
  to: string;
  subject: string;
  text: string;
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Sends Chorus's mails through `SMTP_URL` (a pool of a few connections), or, without one, writes each to the log (a
 * development machine then shows the links it holds). A request never waits for the mail server: how long a send
 * takes would tell whether an email has an account, and a mail server that is down must not refuse the request. A
 * mail that fails is logged.
 *
 * One address gets at most `MAILS_PER_ADDRESS_PER_DAY` mails a day that others chose to send it, and a quarter of that
 * an hour of its account's own, whoever asks for them (counted in Redis across the API's processes, as the limits per
 * address are): however many accounts, projects and invitations someone makes, Chorus cannot be made to fill an inbox,
 * and strangers asking for password resets hold up the owner's own for an hour at most.
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
    if (config.env !== 'production') return;
    if (!config.smtpUrl) this.logger.warn('SMTP_URL is not set: mails (email verification, password resets, invitations) go to the log, not to people');
    if (config.publicUrlIsDefault) this.logger.warn(`PUBLIC_URL is not set: the links in mails lead to ${config.publicUrl}`);
  }

  send(mail: Mail): void {
    const sent = this.deliver(mail).catch((error: Error) => this.logger.error(`could not send "${mail.subject}" to ${mail.to}: ${error.message}`));
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  private async deliver(mail: Mail): Promise<void> {
    if (!(await this.withinLimit(mail))) {
      this.logger.warn(`not sent: "${mail.subject}" to ${mail.to}, which has had as many such mails from Chorus as it may (MAILS_PER_ADDRESS_PER_DAY)`);
      return;
    }
    const { kind: _, ...message } = mail;
    const info: { message?: unknown } = await this.transport.sendMail(message);
    if (typeof info.message === 'string') this.logger.log(`mail not sent (no SMTP_URL): to ${mail.to}, "${mail.subject}"\n${mail.text}`);
  }

  private async withinLimit({ kind, to }: Mail): Promise<boolean> {
    const perDay = this.config.mailsPerAddressPerDay;
    if (perDay === 0) return true;
    const [windowMs, limit] = kind === 'account' ? [HOUR_MS, Math.ceil(perDay / 4)] : [DAY_MS, perDay];
    const key = `mails-to:${kind}:${createHash('sha256').update(to.toLowerCase()).digest('base64url')}`;
    return !(await this.sentToAddresses.increment(key, windowMs, limit, 0, 'mailsTo')).isBlocked;
  }

  /** Mails on their way are sent before the process ends. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.sending);
    this.transport.close();
    this.sentToAddresses.onModuleDestroy();
  }
}
