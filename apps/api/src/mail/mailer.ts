import { createHash } from 'node:crypto';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AddressLimitStore } from '../auth/address-limit-store';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { type KeptMail, MAIL_CLAIM_MS, MailOutbox } from './mail-outbox';

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
 * How long to wait before the next attempt at a mail the server put off (a 4xx answer, or no connection), after each
 * attempt; after the last, Chorus gives up. About 40 minutes in all: a password-reset link lasts an hour.
 */
const MAIL_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000];
/** How often each API process looks for mails due another attempt. */
const LOOK_FOR_DUE_MAILS_EVERY_MS = 1_000;
/**
 * The longest an attempt may take, whatever the server does (the transport's timeouts bound each step, not a server
 * trickling its answers): half the outbox's claim, so another process never takes over a mail still being sent.
 */
const MAIL_ATTEMPT_MS = MAIL_CLAIM_MS / 2;

/** What an installation should be told as the API starts: mail settings that production must not run on. */
export function mailSettingsWarnings(config: AppConfig): string[] {
  if (config.env !== 'production') return [];
  return [
    ...(config.smtpUrl ? [] : ['SMTP_URL is not set: mails (email verification, password resets, invitations) go to the log, not to people']),
    ...(config.publicUrlIsDefault ? [`PUBLIC_URL is not set: the links in mails lead to ${config.publicUrl}`] : []),
  ];
}

/**
 * Sends Chorus's mails through `SMTP_URL` (a pool of a few connections), or, without one, writes each to the log (a
 * development machine then shows the links it holds). A request never waits for the mail server: how long a send
 * takes would tell whether an email has an account, and a mail server that is down must not refuse the request.
 *
 * Each mail is kept in Postgres (`MailOutbox`) until the server takes it: one it puts off (a 4xx answer, no
 * connection) is tried again after 1 s, 5 s, 30 s, 2, 10 and 30 minutes, by whichever API process looks first, after
 * a restart too; one it refuses, or still puts off after that, is logged and dropped.
 *
 * One address gets at most `MAILS_PER_ADDRESS_PER_DAY` mails a day that others chose to send it, and a quarter of that
 * an hour of its account's own, whoever asks for them (counted in Redis across the API's processes, as the limits per
 * address are): however many accounts, projects and invitations someone makes, Chorus cannot be made to fill an inbox,
 * and strangers asking for password resets hold up the owner's own for an hour at most.
 */
@Injectable()
export class Mailer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport: Transporter;
  private readonly sentToAddresses: AddressLimitStore;
  private readonly sending = new Set<Promise<void>>();
  private looking = false;
  /** Set as the process ends: mails are kept for the next process, not attempted. */
  private closing = false;
  private lookForDueMails?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: MailOutbox,
  ) {
    // Each step of an attempt bounded well within MAIL_ATTEMPT_MS.
    const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
    this.transport = config.smtpUrl
      ? createTransport({ url: config.smtpUrl, pool: true, ...timeouts }, { from: config.mailFrom })
      : createTransport({ jsonTransport: true }, { from: config.mailFrom });
    this.sentToAddresses = new AddressLimitStore(config);
    for (const warning of mailSettingsWarnings(config)) this.logger.warn(warning);
  }

  send(mail: Mail): void {
    this.track(this.keepAndSend(mail).catch((error: Error) => this.logger.error(`could not send "${mail.subject}" to ${mail.to}: ${error.message}`)));
  }

  onApplicationBootstrap(): void {
    this.lookForDueMails = setInterval(() => this.track(this.sendDueMails()), LOOK_FOR_DUE_MAILS_EVERY_MS);
    this.lookForDueMails.unref();
  }

  private track(work: Promise<void>): void {
    this.sending.add(work);
    void work.finally(() => this.sending.delete(work));
  }

  private async keepAndSend(mail: Mail): Promise<void> {
    if (!(await this.withinLimit(mail))) {
      this.logger.warn(`not sent: "${mail.subject}" to ${mail.to}, which has had as many such mails from Chorus as it may (MAILS_PER_ADDRESS_PER_DAY)`);
      return;
    }
    if (this.closing) return this.outbox.keepForLater(mail);
    await this.attempt(await this.outbox.keep(mail));
  }

  /**
   * Another attempt at each mail due one (its server put it off, or the process attempting it ended), one at a time,
   * each claimed as its attempt starts.
   */
  private async sendDueMails(): Promise<void> {
    if (this.looking) return;
    this.looking = true;
    try {
      for (let mail = await this.nextDueMail(); mail; mail = await this.nextDueMail()) await this.attempt(mail);
    } catch (error) {
      this.logger.warn(`could not look for mails to send again: ${(error as Error).message}`);
    } finally {
      this.looking = false;
    }
  }

  private nextDueMail(): Promise<KeptMail | undefined> {
    return this.closing ? Promise.resolve(undefined) : this.outbox.claimDue();
  }

  /** One attempt at the mail: sent or refused, it is forgotten; put off, it waits for the next attempt, if any is left. */
  private async attempt(mail: KeptMail): Promise<void> {
    const { to, subject, text } = mail;
    const failure = await this.sendWithin({ to, subject, text }, MAIL_ATTEMPT_MS).then(
      (info: { message?: unknown }) => {
        if (typeof info.message === 'string') this.logger.log(`mail not sent (no SMTP_URL): to ${to}, "${subject}"\n${text}`);
        return undefined;
      },
      (error: SmtpError) => error,
    );
    const delay = failure && putOff(failure) ? MAIL_RETRY_DELAYS_MS[mail.attempts - 1] : undefined;
    if (failure && delay !== undefined) {
      this.logger.warn(`"${subject}" to ${to} put off (${failure.message}); trying again in ${delay / 1000} s`);
      await this.outbox.putOff(mail, delay);
      return;
    }
    if (failure) this.logger.error(`could not send "${subject}" to ${to}, attempt ${mail.attempts}: ${failure.message}`);
    await this.outbox.forget(mail);
  }

  /** The transport's answer, or, after `ms`, a timeout (which counts as put off: the server may take it next time). */
  private sendWithin(message: Omit<Mail, 'kind'>, ms: number): Promise<{ message?: unknown }> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: 'ETIMEDOUT' })), ms);
    });
    return Promise.race([this.transport.sendMail(message), deadline]).finally(() => clearTimeout(timer));
  }

  private async withinLimit({ kind, to }: Mail): Promise<boolean> {
    const perDay = this.config.mailsPerAddressPerDay;
    if (perDay === 0) return true;
    const [windowMs, limit] = kind === 'account' ? [HOUR_MS, Math.ceil(perDay / 4)] : [DAY_MS, perDay];
    const key = `mails-to:${kind}:${createHash('sha256').update(to.toLowerCase()).digest('base64url')}`;
    return !(await this.sentToAddresses.increment(key, windowMs, limit, 0, 'mailsTo')).isBlocked;
  }

  /**
   * Attempts under way end before the process does (and before its database connections close); mails put off, and
   * those asked for from now on, wait in the outbox for the next process.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.lookForDueMails);
    while (this.sending.size) await Promise.all([...this.sending]);
  }

  onApplicationShutdown(): void {
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
