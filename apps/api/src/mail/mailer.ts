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
/** How long to wait before each new attempt at a mail the server put off (a 4xx answer, or no connection). */
const MAIL_RETRY_DELAYS_MS = [1_000, 5_000, 30_000];
const DAY_MS = 24 * HOUR_MS;

/**
 * Sends Chorus's mails through `SMTP_URL` (a pool of a few connections), or, without one, writes each to the log (a
 * development machine then shows the links it holds). A request never waits for the mail server: how long a send
 * takes would tell whether an email has an account, and a mail server that is down must not refuse the request. A
 * mail the server puts off (a 4xx answer, no connection) is tried again after 1, 5 and 30 s; one it refuses, or that
 * still fails, is logged.
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
  /** Set as the process ends: mails on their way get one more attempt, without waiting. */
  private closing = false;
  private readonly waiting = new Set<() => void>();

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
    const info = await this.sendWithRetries(message);
    if (typeof info.message === 'string') this.logger.log(`mail not sent (no SMTP_URL): to ${mail.to}, "${mail.subject}"\n${mail.text}`);
  }

  private async sendWithRetries(message: Omit<Mail, 'kind'>): Promise<{ message?: unknown }> {
    for (const delay of MAIL_RETRY_DELAYS_MS) {
      try {
        return await this.transport.sendMail(message);
      } catch (error) {
        if (this.closing || !putOff(error as SmtpError)) throw error;
        this.logger.warn(`"${message.subject}" to ${message.to} put off (${(error as Error).message}); trying again in ${delay / 1000} s`);
        await this.wait(delay);
      }
    }
    return this.transport.sendMail(message);
  }

  /** Waits, unless the process ends first. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiting.add(wake);
    });
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
    this.closing = true;
    for (const wake of [...this.waiting]) wake();
    await Promise.all(this.sending);
    this.transport.close();
    this.sentToAddresses.onModuleDestroy();
  }
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
}

/** Whether the server only put the mail off: a temporary refusal (4xx), or no connection to it at all. */
function putOff(error: SmtpError): boolean {
  if (error.responseCode !== undefined) return error.responseCode >= 400 && error.responseCode < 500;
  return error.code === 'ECONNECTION' || error.code === 'ETIMEDOUT' || error.code === 'ESOCKET' || error.code === 'EDNS';
}
