import { createHash } from 'node:crypto';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { throttledWarning } from '@chorus/runtime';
import { createTransport, type Transporter } from 'nodemailer';
import type { EntityManager } from 'typeorm';
import { AddressLimitStore } from '../auth/address-limit-store';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { type KeptMail, MAIL_CLAIM_MS, MailOutbox } from './mail-outbox';

/** A discussion mail counted against its address's hour (`keepDiscussionMailsInTransaction`): where, and the hit's id (none under no limit). */
export interface CountedMail {
  key: string;
  id?: string;
}

/**
 * A mail Chorus sends: plain text, to one person. `account`: to an account's own email (its verification, a password
 * reset, a notice); `unsolicited`: to an address someone else chose (an invitation, a change of email to it). Each
 * kind is counted apart, so that invitations cannot use up what a password reset needs. `news`: a project's news to
 * an account that asked for it (written a batch at a time by the project news' `NewsDeliveries`, sent after every other
 * kind, and not counted against MAILS_PER_ADDRESS_PER_DAY: the reader chose it, one click ends it, and a project mails news at most once a day).
 * `discussion`: a reply to, or mention of, an account that asked to be mailed of them, kept in the comment's
 * transaction and sent after account mails as news is; counted apart, at most DISCUSSION_MAILS_PER_ADDRESS_PER_HOUR
 * (a project's team may comment without limit, and anyone may make a project).
 * `moderation`: to a project's moderators, of reports waiting for them, kept as a report is made, at most once an
 * hour per moderator and project (`ReportMails`), so not counted either.
 * `completion`: to a project's researchers, or a volunteer who asked for it, as a workflow completes (`CompletionMails`):
 * once per completion, sent after account mails, not counted either.
 * `headers`: of its own (a news mail's `List-Unsubscribe`).
 */
export interface Mail {
  kind: 'account' | 'unsolicited' | 'news' | 'discussion' | 'moderation' | 'completion' | 'volunteer-thanks';
  to: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
}

/** A news, discussion, moderation or completion mail, naming the account it is to: unsent, it follows the account to a new address. */
export interface ReaderMail extends Mail {
  kind: 'news' | 'discussion' | 'moderation' | 'completion' | 'volunteer-thanks';
  userId: string;
}

/** A discussion mail, naming the comment it tells of too: unsent, it is dropped when the comment or the account changes. */
export interface CommentMail extends ReaderMail {
  kind: 'discussion';
  commentId: string;
  /** It tells of a new comment in a discussion its reader follows: counted apart from replies and mentions. */
  followed: boolean;
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
/** Connections to the mail server, and so attempts at once, per API process. */
const MAIL_CONNECTIONS = 5;
/** The longest a process that is ending waits for its attempts: what they have not done by then, their claims undo. */
const SHUTDOWN_WAIT_MS = MAIL_ATTEMPT_MS + 10_000;

/** What an installation should be told as the API starts: mail settings that production must not run on. */
export function mailSettingsWarnings(config: AppConfig): string[] {
  if (config.env !== 'production') return [];
  return [
    ...(config.smtpUrl ? [] : ['SMTP_URL is not set: mails (email verification, password resets, invitations) go to the log, not to people']),
    ...(config.publicUrlIsDefault ? [`PUBLIC_URL is not set: the links in mails lead to ${config.publicUrl}`] : []),
  ];
}

/**
 * Sends Chorus's mails through `SMTP_URL` (a pool of `MAIL_CONNECTIONS` connections), or, without one, writes each to
 * the log (a development machine then shows the links it holds). A request never waits for the mail server: how long
 * a send takes would tell whether an email has an account, and a mail server that is down must not refuse the request.
 *
 * Each mail is kept in Postgres (`MailOutbox`) until the server takes it, and sent by whichever API process claims it
 * first (this one at once, if it has a connection free): one the server puts off (a 4xx answer, no connection, no
 * answer within `MAIL_ATTEMPT_MS`) is tried again after 1 s, 5 s, 30 s, 2, 10 and 30 minutes, after a restart too;
 * one it refuses, or still puts off after that, is logged and dropped.
 *
 * One address gets at most `MAILS_PER_ADDRESS_PER_DAY` mails a day that others chose to send it, and a quarter of that
 * an hour of its account's own, whoever asks for them (counted in Redis across the API's processes, as the limits per
 * address are): however many accounts, projects and invitations someone makes, Chorus cannot be made to fill an inbox,
 * and strangers asking for password resets hold up the owner's own for an hour at most.
 */
@Injectable()
export class Mailer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  /** Asked every second or so: while Postgres is away, said once in a while, with how many times. */
  private readonly warnOfLooking = throttledWarning((message) => this.logger.warn(message));
  private readonly transport: Transporter;
  private readonly sentToAddresses: AddressLimitStore;
  private readonly sending = new Set<Promise<void>>();
  /** Attempts under way or being claimed: at most one per connection, so an attempt's time starts with its connection. */
  private attempting = 0;
  /** Mails sent whose rows could not be deleted yet (Postgres was away): deleted again before anything is claimed. */
  private readonly sentNotForgotten = new Map<string, KeptMail>();
  /** Set as the process ends: mails are kept for whichever process looks next, not attempted here. */
  private closing = false;
  private lookForDueMails?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: MailOutbox,
  ) {
    // Each step of an attempt bounded well within MAIL_ATTEMPT_MS.
    const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
    this.transport = config.smtpUrl
      ? createTransport({ url: config.smtpUrl, pool: true, maxConnections: MAIL_CONNECTIONS, ...timeouts }, { from: config.mailFrom })
      : createTransport({ jsonTransport: true }, { from: config.mailFrom });
    this.sentToAddresses = new AddressLimitStore(config);
    for (const warning of mailSettingsWarnings(config)) this.logger.warn(warning);
  }

  send(mail: Mail): void {
    this.track(this.keepAndSend(mail).catch((error: Error) => this.logger.error(`could not keep "${mail.subject}" to ${maskedAddress(mail.to)}: ${error.message}`)));
  }

  /**
   * Keeps a notice in the caller's transaction (`manager`), so that what it tells of and the notice commit together, or
   * neither does; `sendKept` once it has committed (else the next look for mails due, within a second, sends it). Not
   * counted against MAILS_PER_ADDRESS_PER_DAY: strangers asking for password resets could otherwise use up the hour's
   * mails and keep the owner from hearing of what someone did with their account.
   */
  async keepInTransaction(manager: EntityManager, mail: Mail): Promise<void> {
    await this.outbox.keep(mail, manager);
  }

  /** Keeps many mails in the caller's transaction (a batch of a news item's), as `keepInTransaction` keeps one. */
  async keepAllInTransaction(manager: EntityManager, mails: ReaderMail[]): Promise<void> {
    await this.outbox.keepAll(mails, manager);
  }

  /**
   * Keeps the mails of a comment in its transaction, those to an address that has had
   * DISCUSSION_MAILS_PER_ADDRESS_PER_HOUR already left out: of discussions it follows, or of replies and mentions, each
   * counted apart, so that a busy discussion followed never crowds out a reply's mail. Each kept mail's count (in Redis, as it is kept, so that two
   * comments at once cannot both have an address's last one) is noted in `counted`, for `giveBackDiscussionMails` to take
   * out again if the transaction then fails (a comment refused after it told anyone must not use up its readers' hour).
   */
  async keepDiscussionMailsInTransaction(manager: EntityManager, mails: CommentMail[], counted: CountedMail[]): Promise<void> {
    const within = await Promise.all(mails.map((mail) => this.countedWithinLimit(mail, mail.followed ? 'followed-discussion' : mail.kind)));
    const kept = mails.filter((mail, index) => {
      const count = within[index];
      if (count) counted.push(count);
      else this.logger.warn(`not sent: "${mail.subject}" to ${maskedAddress(mail.to)}, which has had as many mails of discussions as it may this hour (DISCUSSION_MAILS_PER_ADDRESS_PER_HOUR)`);
      return count !== undefined;
    });
    await this.outbox.keepAll(kept, manager);
  }

  /** Takes out of their addresses' hours the mails `keepDiscussionMailsInTransaction` counted in a transaction that failed. */
  async giveBackDiscussionMails(counted: readonly CountedMail[]): Promise<void> {
    await Promise.all(counted.map(({ key, id }) => id && this.sentToAddresses.giveBack(key, id)));
  }

  /** Sends the mails kept in a transaction that has just committed. */
  sendKept(): void {
    this.sendDueMails();
  }

  /**
   * Makes a mail once the request's answer has gone (how long making it takes must not show in the answer's time),
   * and sends it; a process that is ending waits for it.
   */
  sendAfterAnswer(make: () => Promise<Mail | undefined>): void {
    this.afterAnswer('make or keep a mail', async () => {
      const mail = await make();
      if (mail) await this.keepAndSend(mail);
    });
  }

  /**
   * Does `work` (keeping mails, say) once the request's answer has gone, so that neither its time nor its failure
   * shows in the answer; a failure is logged (`could not <what>`), and a process that is ending waits for it.
   */
  afterAnswer(what: string, work: () => Promise<void>): void {
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(work);
    this.track(done.catch((error: Error) => this.logger.error(`could not ${what}: ${error.message}`)));
  }

  onApplicationBootstrap(): void {
    this.lookForDueMails = setInterval(() => {
      this.track(this.forgetSent());
      this.sendDueMails();
    }, LOOK_FOR_DUE_MAILS_EVERY_MS);
    this.lookForDueMails.unref();
  }

  private track(work: Promise<void>): void {
    this.sending.add(work);
    void work.finally(() => this.sending.delete(work));
  }

  private async keepAndSend(mail: Mail): Promise<void> {
    if (!(await this.withinLimit(mail))) {
      this.logger.warn(`not sent: "${mail.subject}" to ${maskedAddress(mail.to)}, which has had as many such mails from Chorus as it may (MAILS_PER_ADDRESS_PER_DAY)`);
      return;
    }
    await this.outbox.keep(mail);
    this.sendDueMails();
  }

  /**
   * Starts an attempt at the mail due longest (new, put off before, or left by a process that ended) if a connection
   * is free. Called every `LOOK_FOR_DUE_MAILS_EVERY_MS`, as a mail is kept, and as an attempt finds or ends one.
   */
  private sendDueMails(): void {
    if (this.closing || this.attempting >= MAIL_CONNECTIONS) return;
    this.attempting += 1;
    this.track(this.claimAndAttempt());
  }

  private async claimAndAttempt(): Promise<void> {
    let mail: KeptMail | undefined;
    try {
      mail = await this.outbox.claimDue();
      if (!mail) return;
      this.sendDueMails(); // the next mail due, on another connection
      await this.attempt(mail);
    } catch (error) {
      this.warnOfLooking(`could not look for mails to send: ${(error as Error).message}`);
    } finally {
      this.attempting -= 1;
    }
    if (mail) this.sendDueMails();
  }

  /**
   * One attempt at the mail: sent or refused, it is forgotten; put off, it waits for the next attempt, if any is left.
   * Logged by its id and a masked address (`maskedAddress`), but for the log that stands for the mail without SMTP_URL.
   */
  private async attempt(mail: KeptMail): Promise<void> {
    const { to, subject, text, headers } = mail;
    const which = `mail ${mail.id} ("${subject}" to ${maskedAddress(to)})`;
    const failure = await this.sendWithin({ to, subject, text, ...(headers ? { headers } : {}) }, MAIL_ATTEMPT_MS).then(
      (info: { message?: unknown }) => {
        if (typeof info.message === 'string') this.logger.log(`mail not sent (no SMTP_URL): to ${to}, "${subject}"\n${text}`);
        return undefined;
      },
      (error: SmtpError) => error,
    );
    const delay = failure && putOff(failure) ? MAIL_RETRY_DELAYS_MS[mail.attempts - 1] : undefined;
    if (failure && delay !== undefined) {
      this.logger.warn(`${which} put off (${failure.message}); trying again in ${delay / 1000} s`);
      await this.outbox.putOff(mail, delay);
      return;
    }
    if (failure) this.logger.error(`could not send ${which}, attempt ${mail.attempts}: ${failure.message}`);
    await this.outbox.forget(mail).catch((error: Error) => {
      this.logger.warn(`${which} ${failure ? 'given up on' : 'sent'}, but not yet forgotten (${error.message}): trying again`);
      this.sentNotForgotten.set(mail.id, mail);
    });
  }

  /** Deletes the rows of mails sent while Postgres was away, as soon as it is back (until then, nothing to do). */
  private async forgetSent(): Promise<void> {
    for (const mail of [...this.sentNotForgotten.values()]) {
      if (!(await this.outbox.forget(mail).then(() => true, () => false))) return;
      this.sentNotForgotten.delete(mail.id);
    }
  }

  /** The transport's answer, or, after `ms`, a timeout (which counts as put off: the server may take it next time). */
  private sendWithin(message: Omit<Mail, 'kind'>, ms: number): Promise<{ message?: unknown }> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: 'ETIMEDOUT' })), ms);
    });
    return Promise.race([this.transport.sendMail(message), deadline]).finally(() => clearTimeout(timer));
  }

  private async withinLimit(mail: Mail): Promise<boolean> {
    const { key, windowMs, limit } = this.limitOf(mail);
    if (limit === 0) return true;
    return !(await this.sentToAddresses.increment(key, windowMs, limit, 0, 'mailsTo')).isBlocked;
  }

  /** As `withinLimit`, the mail's count (its key, and its id for `giveBack`; none under no limit), or undefined over it. */
  private async countedWithinLimit(mail: Mail, countedAs: string): Promise<CountedMail | undefined> {
    const { key, windowMs, limit } = this.limitOf(mail, countedAs);
    if (limit === 0) return { key };
    const hit = await this.sentToAddresses.take(key, windowMs, limit);
    return 'id' in hit ? { key, id: hit.id } : undefined;
  }

  /** Where a mail is counted (by its kind, or `countedAs`, and address), over what window, and how many that window allows (0: any). */
  private limitOf({ kind, to }: Mail, countedAs: string = kind): { key: string; windowMs: number; limit: number } {
    const perDay = this.config.mailsPerAddressPerDay;
    const [windowMs, limit] =
      kind === 'discussion' ? [HOUR_MS, this.config.discussionMailsPerAddressPerHour] : kind === 'account' ? [HOUR_MS, Math.ceil(perDay / 4)] : [DAY_MS, perDay];
    return { key: `mails-to:${countedAs}:${createHash('sha256').update(to.toLowerCase()).digest('base64url')}`, windowMs, limit };
  }

  /**
   * Attempts under way end before the process does (and before its database connections close); mails put off, and
   * those asked for from now on, wait in the outbox for the next process.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.lookForDueMails);
    this.track(this.forgetSent());
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
    });
    const drained = (async () => {
      while (this.sending.size) await Promise.all([...this.sending]);
    })();
    await Promise.race([drained, waited]);
    clearTimeout(timer);
  }

  onApplicationShutdown(): void {
    this.transport.close();
    this.sentToAddresses.onModuleDestroy();
  }
}

/**
 * An address as the log may show it (`v***@example.org`): which mail it was is the mail's id; a volunteer's address
 * has no place in logs shipped elsewhere.
 */
export function maskedAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 1 ? '***' : `${address[0]}***${address.slice(at)}`;
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
