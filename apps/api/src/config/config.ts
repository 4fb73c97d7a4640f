import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SUBJECT_UPLOAD_LIMITS } from '@chorus/client';
import { invalidConfiguration, mayCreateDatabase, parseEnv, serviceEnvFields } from '@chorus/runtime';
import { z } from 'zod';

const DEV_SECRET = 'chorus-development-secret-change-me';
/** Where the classifier's build is in a checkout. */
const BUILT_CLASSIFIER = resolve(__dirname, '../../../classifier/dist');
const PASSWORD_COST_RULE = "must be a power of two from 1024 to 131072 (scrypt's cost: a sign-in takes about N × 1 KiB of memory, and time in proportion)";
const HOW_TO_BUILD_THE_CLASSIFIER = 'build it (pnpm build, or pnpm --filter @chorus/classifier build) and point CLASSIFIER_DIR at its dist directory';

export const apiEnvSchema = z
  .object({
    ...serviceEnvFields,
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    AUTH_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(60 * 60 * 24 * 30),
    BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(SUBJECT_UPLOAD_LIMITS.bytes),
    JSON_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
    CLASSIFIER_DIR: z.string().min(1).optional(),
    DEMO_PROJECT: z.enum(['true', 'false']).default('true'),
    ASSIGNMENT_TTL_SECONDS: z.coerce.number().int().min(10).default(30 * 60),
    MAX_OUTSTANDING_ASSIGNMENTS: z.coerce.number().int().min(1).default(100),
    MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST: z.coerce.number().int().min(1).default(30),
    MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS: z.coerce.number().int().min(0).default(400),
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
    EXPORTS_AT_ONCE: z.coerce.number().int().min(1).default(2),
    EXPORT_IDLE_SECONDS: z.coerce.number().int().min(1).default(60),
    EXPORT_MIN_BYTES_PER_SECOND: z.coerce.number().int().min(0).default(16_384),
    NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).default(300),
    SIGN_INS_PER_ACCOUNT_PER_15_MINUTES: z.coerce.number().int().min(0).default(10),
    PASSWORD_SCRYPT_N: z.coerce.number({ error: PASSWORD_COST_RULE }).refine(isPasswordCost, PASSWORD_COST_RULE).default(16_384),
    FAILED_SIGN_INS_PER_ADDRESS_PER_15_MINUTES: z.coerce.number().int().min(0).default(50),
    PASSWORD_RESETS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).default(20),
    INVITATIONS_PER_ACCOUNT_PER_DAY: z.coerce.number().int().min(0).default(100),
    COMMENTS_PER_ACCOUNT_PER_HOUR: z.coerce.number().int().min(0).default(30),
    PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be the http(s):// address volunteers open Chorus at, e.g. https://chorus.example.org' }).optional(),
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.org:465' }).optional(),
    MAIL_FROM: z.string().min(3).default('Chorus <no-reply@chorus.invalid>'),
    MAILS_PER_ADDRESS_PER_DAY: z.coerce.number().int().min(0).default(20),
    DISCUSSION_MAILS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).default(10),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (a random string)').optional(),
    OPERATOR_IDS: z
      .string()
      .default('')
      .transform((list) => list.split(',').map((id) => id.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.uuid('must be user ids (the user.id of POST /api/v1/auth/login), separated by commas'))),
    TRUST_PROXY: z
      .string()
      .regex(
        /^(true|false|\d+|(loopback|linklocal|uniquelocal|[\d.]+(\/\d+)?|[\da-fA-F]*:[\da-fA-F:.]*(\/\d+)?)(\s*,\s*(loopback|linklocal|uniquelocal|[\d.]+(\/\d+)?|[\da-fA-F]*:[\da-fA-F:.]*(\/\d+)?))*)$/,
        'must be false, true, a number of proxies, or their addresses (IPv4 or IPv6, CIDR ranges, loopback) separated by commas',
      )
      .default('false'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.AUTH_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_SECRET'], message: 'is required in production (a random string of at least 16 characters; 32 or more is better)' });
    }
    if (env.CLASSIFIER_DIR !== undefined && !hasClassifier(resolve(env.CLASSIFIER_DIR))) {
      ctx.addIssue({ code: 'custom', path: ['CLASSIFIER_DIR'], message: `${resolve(env.CLASSIFIER_DIR)} holds no built classifier (no index.html); ${HOW_TO_BUILD_THE_CLASSIFIER}` });
    }
  });

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string;
  databasePoolSize: number;
  /** How long the API waits at start for a Postgres that does not answer yet before it gives up. */
  databaseWaitMs: number;
  /** Whether a database DATABASE_URL names that does not exist is created (`mayCreateDatabase`). */
  databaseCreate: boolean;
  /** A statement running longer is ended (0: never), so that a runaway one cannot hold a connection of the pool. */
  databaseStatementTimeoutMs: number;
  redisUrl: string;
  queuePrefix: string;
  authSecret: string;
  /** AUTH_SECRET was not set: tokens are signed with the development secret, which anyone can read in this file. */
  authSecretIsDefault: boolean;
  tokenTtlSeconds: number;
  /** The largest body a subject upload may have (a file of up to 10,000 subjects). */
  bodyLimitBytes: number;
  /** The largest body any other route may have (at most `bodyLimitBytes`): a classification, a workflow, sign-in. */
  jsonBodyLimitBytes: number;
  classifierDir: string;
  demoProject: boolean;
  assignmentTtlSeconds: number;
  /** Subjects one volunteer may hold unclassified in one workflow, so that nobody can reserve a whole workflow. */
  maxOutstandingAssignments: number;
  /**
   * The same for a guest (at most `maxOutstandingAssignments`): a guest token is had for the asking, so one address
   * making guests could otherwise hold a small workflow from everyone.
   */
  maxOutstandingAssignmentsPerGuest: number;
  /**
   * Subjects the guests made from one address (an IPv6 /64) may hold unclassified in one workflow together (0: no
   * limit): guests are free, so without it one address could make guests until it held a whole workflow.
   */
  maxOutstandingAssignmentsPerGuestAddress: number;
  /** Consensus downloads streaming at once; each holds a database connection until its client has read it all. */
  exportsAtOnce: number;
  /** A download whose client reads nothing for this long is ended, giving back its connection and its place. */
  exportIdleSeconds: number;
  /**
   * A download whose client, while data waits for it, takes less than this (bytes a second) over `exportIdleSeconds`
   * is ended too, and its caller starts no other for as long (0: no minimum): slow readers cannot hold every place.
   */
  exportMinBytesPerSecond: number;
  /** Guests and accounts one address may make in an hour (0: no limit); several volunteers may share an address. */
  newVolunteersPerAddressPerHour: number;
  /** Sign-in attempts at one account from one address in 15 minutes (0: no limit). */
  signInsPerAccountPerQuarterHour: number;
  /** scrypt's cost (N) for new password hashes; a hash made at another cost is made again at its account's next sign-in. */
  passwordScryptN: number;
  /** Sign-ins refused for a wrong email or password from one address in 15 minutes, whatever the account (0: no limit). */
  failedSignInsPerAddressPerQuarterHour: number;
  /** Password-reset links one address may ask for in an hour, whatever the email (0: no limit). */
  passwordResetsPerAddressPerHour: number;
  /** Where volunteers open Chorus (no trailing slash): the links in the mails it sends start with it. */
  publicUrl: string;
  /** `PUBLIC_URL` was not set: `publicUrl` is this machine's own address. */
  publicUrlIsDefault: boolean;
  /** How mail leaves (an SMTP server's URL); without one, each mail is written to the log instead. */
  smtpUrl?: string;
  /** The sender of the mails Chorus sends. */
  mailFrom: string;
  /**
   * Mails Chorus sends to one address in a day that others chose to send it, and a quarter of that in an hour of its
   * account's own, whoever asks (0: no limit); those over it are logged, not sent.
   */
  mailsPerAddressPerDay: number;
  /**
   * Mails of replies and mentions one address gets in an hour, and apart as many of new comments in the discussions it
   * follows (0: no limit); those over it are not kept (the in-app notification still is).
   */
  discussionMailsPerAddressPerHour: number;
  /** Invitations one account may send in a day (0: no limit): each is mailed to an address the sender chose. */
  invitationsPerAccountPerDay: number;
  /** Comments one account may post in subjects' discussions in an hour (0: no limit). */
  commentsPerAccountPerHour: number;
  /** Whether a webhook may be registered at a loopback, private, link-local or reserved address (`hostNotPublic`). */
  webhooksAllowPrivateAddresses: boolean;
  /** When set, `/metrics` answers only a scraper that sends it as a bearer token. */
  metricsToken?: string;
  /**
   * The accounts (by user id, which never changes hands as an email could) of the people who run this Chorus: the
   * queue board is theirs.
   */
  operatorIds: string[];
  /** Fastify's `trustProxy`: which proxies' `X-Forwarded-For` to believe for a request's address. */
  trustProxy: boolean | string | ((address: string, hop: number) => boolean);
  logLevel: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = parseEnv(apiEnvSchema, env);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseWaitMs: e.DATABASE_WAIT_SECONDS * 1000,
    databaseCreate: mayCreateDatabase(e),
    databaseStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    authSecret: e.AUTH_SECRET ?? DEV_SECRET,
    authSecretIsDefault: e.AUTH_SECRET === undefined,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    jsonBodyLimitBytes: Math.min(e.JSON_BODY_LIMIT_BYTES, e.BODY_LIMIT_BYTES),
    classifierDir: resolve(e.CLASSIFIER_DIR ?? BUILT_CLASSIFIER),
    demoProject: e.DEMO_PROJECT === 'true',
    assignmentTtlSeconds: e.ASSIGNMENT_TTL_SECONDS,
    maxOutstandingAssignments: e.MAX_OUTSTANDING_ASSIGNMENTS,
    maxOutstandingAssignmentsPerGuest: Math.min(e.MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST, e.MAX_OUTSTANDING_ASSIGNMENTS),
    maxOutstandingAssignmentsPerGuestAddress: e.MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS,
    exportsAtOnce: e.EXPORTS_AT_ONCE,
    exportIdleSeconds: e.EXPORT_IDLE_SECONDS,
    exportMinBytesPerSecond: e.EXPORT_MIN_BYTES_PER_SECOND,
    newVolunteersPerAddressPerHour: e.NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR,
    signInsPerAccountPerQuarterHour: e.SIGN_INS_PER_ACCOUNT_PER_15_MINUTES,
    passwordScryptN: e.PASSWORD_SCRYPT_N,
    failedSignInsPerAddressPerQuarterHour: e.FAILED_SIGN_INS_PER_ADDRESS_PER_15_MINUTES,
    passwordResetsPerAddressPerHour: e.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR,
    invitationsPerAccountPerDay: e.INVITATIONS_PER_ACCOUNT_PER_DAY,
    commentsPerAccountPerHour: e.COMMENTS_PER_ACCOUNT_PER_HOUR,
    webhooksAllowPrivateAddresses: e.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES === 'true',
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlIsDefault: e.PUBLIC_URL === undefined,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    mailsPerAddressPerDay: e.MAILS_PER_ADDRESS_PER_DAY,
    discussionMailsPerAddressPerHour: e.DISCUSSION_MAILS_PER_ADDRESS_PER_HOUR,
    metricsToken: e.METRICS_TOKEN,
    operatorIds: e.OPERATOR_IDS,
    trustProxy: proxiesTrusted(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
  };
}

/** `TRUST_PROXY` as Fastify takes it: a boolean, addresses and ranges, or (for a number of proxies) a function of the hop. */
function proxiesTrusted(value: string): AppConfig['trustProxy'] {
  if (value === 'true' || value === 'false') return value === 'true';
  if (!/^\d+$/.test(value)) return value;
  const proxies = Number(value);
  return (_address, hop) => hop < proxies;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** A cost `PASSWORD_SCRYPT_N` may be, and a stored password hash may name: a power of two from 1024 to 131072. */
export function isPasswordCost(n: number): boolean {
  return Number.isInteger(n) && n >= 1_024 && n <= 131_072 && (n & (n - 1)) === 0;
}

/**
 * Why the API could not listen, as the bad variable that says where (`PORT` or `HOST`), which only listening can
 * check; any other failure as it is.
 */
export function listenFailure(error: Error & { code?: string }, config: Pick<AppConfig, 'port' | 'host'>): Error {
  const { port, host } = config;
  const anAddress = 'use an address of this machine: 0.0.0.0 (all of them), 127.0.0.1 (this machine only) or one of its own';
  switch (error.code) {
    case 'EADDRINUSE':
      return invalidConfiguration([{ variable: 'PORT', message: `${port} is taken on ${host} (another Chorus, or another server); choose another, e.g. PORT=${port + 1}` }]);
    case 'EACCES':
      return invalidConfiguration([{ variable: 'PORT', message: `${port} may not be listened on by this user (ports below 1024 need privileges); choose one above 1023` }]);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return invalidConfiguration([{ variable: 'HOST', message: `${host} is not a name this machine can resolve (${error.message}); ${anAddress}` }]);
    case 'EADDRNOTAVAIL':
      return invalidConfiguration([{ variable: 'HOST', message: `${host} is not an address of this machine; ${anAddress}` }]);
    default:
      return error;
  }
}

/** Whether `dir` holds a built classifier: its page, which the API serves at `/`. */
export function hasClassifier(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * What the API says at start when the classifier's build is missing where it looks by default (CLASSIFIER_DIR set to
 * a directory without one stops it instead): the API serves, but volunteers opening `/` would find no classifier.
 */
export function classifierWarnings(config: Pick<AppConfig, 'classifierDir'>): string[] {
  if (hasClassifier(config.classifierDir)) return [];
  return [`no built classifier in ${config.classifierDir} (no index.html): / serves no classifier, only the API under /api/v1; ${HOW_TO_BUILD_THE_CLASSIFIER}`];
}

/** Hosts only this machine can reach. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * What the API says at start about settings that leave it open: the development secret signs tokens anyone can forge
 * (a project's owner id is public), so on an address others can reach it gives away every account; and in production
 * `/metrics` (classifications submitted, the aggregation queue and its lag) answers anyone who reaches the port unless it asks for a token.
 */
export function securityWarnings(config: AppConfig): string[] {
  if (LOOPBACK.has(config.host)) return [];
  const warnings: string[] = [];
  if (config.authSecretIsDefault) {
    warnings.push(`AUTH_SECRET is not set while the API listens on ${config.host}: anyone who can reach it can sign tokens as any account; set AUTH_SECRET to a random string of 32 characters or more (pnpm start keeps one of its own in .data/auth-secret)`);
  }
  if (config.env === 'production' && !config.metricsToken) {
    warnings.push(`METRICS_TOKEN is not set while the API listens on ${config.host}: /metrics answers anyone who reaches this port; set METRICS_TOKEN (16 characters or more) and give it to the scraper, or keep the port on an internal network`);
  }
  return warnings;
}
