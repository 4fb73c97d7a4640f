import 'reflect-metadata';
import fastifyStatic from '@fastify/static';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { type FastifyInstance, type FastifyReply, type FastifyRequest, errorCodes } from 'fastify';
import { PinoNestLogger, createLogger } from '@chorus/runtime';
import { type Stats, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { QueueBoard } from './admin/queue-board';
import { Tokens } from './auth/tokens';
import { AppModule } from './app.module';
import { ProblemException, problemBody, validationFailed } from './common/problem';
import { restOfRefusedBody } from './common/problem.filter';
import { collectRouteMethods, methodNotAllowed } from './common/route-methods';
import { RATE_LIMIT_HEADERS, documentRateLimitHeaders, rateLimitHeaders } from './common/rate-limits';
import { firstPrototypeKey, firstRepeatedKey } from './common/repeated-keys';
import { OTHER_BODY_TYPES, openApiComponents, uuidParam } from './common/zod';
import { loggedRequest } from './common/request-log';
import { bodyLimitOf, isSubjectUpload } from './common/body-limits';
import { MOST_NESTING, jsonNestsDeeperThan, unstorableErrors } from '@chorus/tasks';
import { SubjectSetsService } from './subject-sets/subject-sets.service';
import { SUBJECT_FILE_TYPES } from './subject-sets/subject-uploads';
import { NEXT_SINCE_HEADER } from './exports/export-streams';
import { IIIF_COUNT_HEADERS } from './exports/transcription-documents';
import { OTHER_VOLUNTEERS_HEADER } from './exports/contributor-rows';
import { type AppConfig, classifierWarnings } from './config/config';
import { API_PREFIX } from './common/routes';
import { API_TAGS } from './common/api-tags';
import { ONE_CLICK_ROUTES } from './unsubscriptions/unsubscribe-links';
import { PAGE_CONTENT_SECURITY_POLICY } from '@chorus/client';

export interface CreateAppOptions {
  /** Adds plain Fastify routes before the app starts (benchmarks add their same-server baseline this way). */
  configure?: (fastify: FastifyInstance) => void;
  /** More Nest modules, served with the app's own guards and filters (benchmarks add a baseline controller this way). */
  modules?: Type[];
}

/** Builds the whole HTTP application; `main.ts` listens, tests call this with their own configuration. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = createLogger(config.logLevel, 'api', { req: loggedRequest });
  // The limit of every route, of those no route answers (404) and of the queue board; subject uploads raise theirs.
  const adapter = new FastifyAdapter({ loggerInstance: logger, bodyLimit: config.jsonBodyLimitBytes, trustProxy: config.trustProxy, frameworkErrors: refuseUnreadableAddress });
  acceptOnlyJsonBodies(adapter.getInstance());
  limitBodiesByRoute(adapter.getInstance(), config);
  collectRouteMethods(adapter.getInstance());
  rateLimitHeaders(adapter.getInstance());
  refuseNulInAddress(adapter.getInstance());
  refuseFraming(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(config, options.modules), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics'] });
  app.enableShutdownHooks();
  // Headers `@chorus/client` reads (a workflow's version, when to try again, the server's clock, a download's file
  // name, what the IIIF transcriptions leave out, how many volunteers the contributors download counts without
  // naming them), and those of the rate limits and of a wrong method, which a page on
  // another site could not read otherwise.
  app.enableCors({ origin: true, exposedHeaders: ['ETag', 'Retry-After', 'Date', 'Content-Disposition', 'Allow', NEXT_SINCE_HEADER, OTHER_VOLUNTEERS_HEADER, ...Object.values(IIIF_COUNT_HEADERS), ...RATE_LIMIT_HEADERS] });
  setUpOpenApi(app);
  uploadsOnlyFromResearchers(app.getHttpAdapter().getInstance(), app.get(Tokens), app.get(SubjectSetsService));
  await app.get(QueueBoard).mount(app.getHttpAdapter().getInstance());
  await serveClassifier(app, config.classifierDir);
  options.configure?.(app.getHttpAdapter().getInstance());
  await app.init();
  return app;
}

/**
 * Bodies are JSON: Fastify's own JSON parser (an empty body is no body), without its text/plain one or Nest's form
 * parser, so that any other content type is refused with a 415 rather than misread as a string or a form. Only subject uploads may also be a
 * file: CSV, plain text or JSON-LD (a IIIF manifest).
 */
type Done = (error: Error | null, body?: unknown) => void;
type Parser<Body> = (request: FastifyRequest, body: Body, done: Done) => void;

function acceptOnlyJsonBodies(fastify: FastifyInstance): void {
  const onlyForUploads =
    <Body>(parse: Parser<Body>): Parser<Body> =>
    (request, body, done) => {
      if (!isSubjectUpload(request.routeOptions.url, request.method)) return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']));
      parse(request, body, done);
    };
  // Fastify's own JSON parser, with its guard against prototype poisoning, on the body read as UTF-8.
  const json = utf8(refusingUnstorable(fastify.getDefaultJsonParser('error', 'error') as Parser<string>));
  fastify.removeContentTypeParser('application/json');
  // A body-less POST (activate, pause, guest) from a client that labels every request JSON is a request without a body.
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => (body.length === 0 ? done(null, undefined) : json(request, body, done)));
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(Object.keys(SUBJECT_FILE_TYPES), { parseAs: 'buffer' }, onlyForUploads(utf8(withoutNul)));
  fastify.addContentTypeParser('application/ld+json', { parseAs: 'buffer' }, onlyForUploads(json));
  // Any other type: the upload says which four it reads (and a form, how to send its file instead); other routes read JSON
  // only, but for a mail client's one-click unsubscription (RFC 8058), which posts `List-Unsubscribe=One-Click` as a form
  // of any encoding: the route reads its token from the query, and the body is not read.
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (request, _body, done) => {
    if (ONE_CLICK_ROUTES.some((route) => request.routeOptions.url?.endsWith(`/${route}`))) return done(null, undefined);
    done(isSubjectUpload(request.routeOptions.url, request.method) ? uploadTypeRefused(request.headers['content-type']) : new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']));
  });
}

/** A multipart form's file (`curl -F file=@subjects.csv`), which uploads would read as its form, not the file. */
const MULTIPART = /^\s*multipart\/form-data\b/i;

/** Why a subject upload of another content type is refused; a form (as `curl -F` and HTML forms send) is told how to send its file. */
function uploadTypeRefused(contentType: string | undefined): ProblemException {
  const types = 'must be application/json, application/ld+json, text/csv or text/plain';
  if (MULTIPART.test(contentType ?? '')) {
    return new ProblemException(415, 'Send the file itself as the body, with its content type, not as a multipart form.', [
      {
        pointer: '/headers/content-type',
        message: `is multipart/form-data (a form, as curl -F sends); ${types}: send the file itself as the body with its content type, e.g. curl --data-binary @subjects.csv -H 'Content-Type: text/csv' …`,
      },
    ]);
  }
  return new ProblemException(415, 'Send subjects as JSON (application/json), a IIIF manifest (application/ld+json), a CSV file (text/csv) or a text corpus (text/plain).', [
    { pointer: '/headers/content-type', message: types },
  ]);
}

/**
 * A subject upload's body (up to `BODY_LIMIT_BYTES`) is read only for a researcher of the set's project: anyone else
 * (no token, a guest's, another project's account) is refused before the body is read, not after megabytes of it
 * are parsed. The route checks again, as every route does.
 */
function uploadsOnlyFromResearchers(fastify: FastifyInstance, tokens: Tokens, subjectSets: SubjectSetsService): void {
  const refuse = async (request: FastifyRequest, reply: FastifyReply, problem: ProblemException) => {
    await restOfRefusedBody(request);
    await reply.status(problem.body.status).header('content-type', 'application/problem+json').header('connection', 'close').send(problem.body);
  };
  fastify.addHook('preParsing', async (request, reply, payload) => {
    if (!isSubjectUpload(request.routeOptions.url, request.method)) return payload;
    const [scheme, token] = request.headers.authorization?.split(' ') ?? [];
    const user = scheme?.toLowerCase() === 'bearer' && token ? await tokens.verify(token) : undefined;
    if (user?.kind !== 'registered') {
      // A guest is who they say (403, as the route would answer); anyone else has not said who they are (401).
      await refuse(
        request,
        reply,
        new ProblemException(user ? 403 : 401, 'Subjects are uploaded by a project’s researchers: send the bearer token of your account (POST /api/v1/auth/login).', [
          { pointer: '/headers/authorization', message: user ? 'is a guest’s token' : 'is missing or not a valid token' },
        ]),
      );
      return payload;
    }
    try {
      // As the route reads its id (a bad one is refused as it would refuse it), then who may add to the set.
      await subjectSets.requireSetOfResearcher(uuidParam('id').transform((request.params as { id?: unknown }).id), user);
    } catch (error) {
      if (!(error instanceof ProblemException)) throw error;
      await refuse(request, reply, error);
    }
    return payload;
  });
}

/** Each route's body limit (`bodyLimitOf`), set as Fastify registers it. */
function limitBodiesByRoute(fastify: FastifyInstance, config: AppConfig): void {
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit = bodyLimitOf(route.url, route.method, config).bytes;
  });
}

/**
 * Fastify's own refusals of an address (a broken percent escape, a name in it too long) get a problem like every other
 * refusal, with Fastify's status.
 */
function refuseUnreadableAddress(error: Error & { code?: string; statusCode?: number }, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const detail =
    error.code === 'FST_ERR_BAD_URL'
      ? 'The address cannot be read: a percent escape in it is broken. Percent-encode names and values as UTF-8 (encodeURIComponent).'
      : `The address cannot be served: ${error.message}.`;
  void reply.status(status).header('content-type', 'application/problem+json').send(problemBody(status, detail, [{ pointer: '/params', message: error.message }]));
}

/** An address holding the NUL character (`%00`) is refused before routing: nothing could be stored or found by it. */
function refuseNulInAddress(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const nul = request.url.indexOf('%00');
    if (nul < 0) return done();
    const query = request.url.indexOf('?');
    const refusal = validationFailed([{ pointer: query >= 0 && nul > query ? '/query' : '/params', message: 'holds the NUL character (%00), which no name or value may contain; remove it' }]);
    void reply.status(422).header('content-type', 'application/problem+json').send(refusal.body);
  });
}

/**
 * Nested deeper than this, a body is refused before it is parsed, as the body; nested less deep but deeper than
 * `MOST_NESTING`, it is parsed, and the place where it nests too deep is named.
 */
const MOST_NESTING_PARSED = 1_000;

/**
 * A JSON parser that refuses, naming each field, a body Postgres could not store (the NUL character, half a surrogate
 * pair) or that nests too deep for what reads it (stored, such a value would fail a whole batch of submits), a body
 * with a `__proto__` key (`prototypeKeyIn`), and a body with a key repeated in one object (`JSON.parse` would keep
 * its last value without a word).
 */
function refusingUnstorable(parse: Parser<string>): Parser<string> {
  return (request, body, done) => {
    if (jsonNestsDeeperThan(body, MOST_NESTING_PARSED)) {
      return done(validationFailed([{ pointer: '', message: `nests more than ${MOST_NESTING_PARSED} levels of objects and lists deep, where at most ${MOST_NESTING} are taken; flatten it` }]));
    }
    parse(request, body, (error, parsed) => {
      if (error) return done(prototypeKeyIn(body) ?? error);
      const repeated = firstRepeatedKey(body);
      if (repeated !== undefined) return done(repeatedKey(repeated));
      const unstorable = unstorableErrors(parsed);
      done(unstorable.length ? validationFailed(unstorable) : null, parsed);
    });
  };
}

/**
 * Valid JSON that Fastify's guard against prototype poisoning refused (which it says as "not valid JSON"): a 422 naming
 * the key and what to do, as a CSV column or a IIIF label of that name is named. Undefined for text that is not JSON.
 * Read again only on this path, so a body that parses pays nothing.
 */
function prototypeKeyIn(body: string): ProblemException | undefined {
  try {
    JSON.parse(body); // own properties only: no prototype is touched, and the result is dropped
  } catch {
    return undefined;
  }
  const key = firstPrototypeKey(body);
  return key && validationFailed([key]);
}

const repeatedKey = (pointer: string) =>
  new ProblemException(
    400,
    'The body gives a key twice in one object, and only one of its values could be read; send each key once.',
    [{ pointer, message: 'is given more than once in its object; send it once' }],
    'repeated-key',
  );

/**
 * A body read as UTF-8 before `parse` has it as a string; a body in any other charset, or of bytes that are not UTF-8,
 * gets a 415 saying so (nothing is guessed, and nothing is stored with characters replaced).
 */
function utf8(parse: Parser<string>): Parser<Buffer> {
  return (request, body, done) => {
    const charset = /charset=([^;]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset && !['utf-8', 'utf8', 'us-ascii'].includes(charset)) return done(notUtf8('/headers/content-type', `says charset=${charset}; must be UTF-8`));
    if (isUtf16(body)) return done(notUtf8('', `is UTF-16 (as Excel's "Unicode Text" and some Windows tools save files); ${utf8Fix(request.headers['content-type'])}`));
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return done(notUtf8('', notUtf8Message(body, request.headers['content-type'])));
    }
    parse(request, text, done);
  };
}

/**
 * Where a body stops being UTF-8 (the line of its first such byte) and how to fix it: a CSV file saved by Excel on
 * Windows is in the machine's code page unless saved as "CSV UTF-8".
 */
function notUtf8Message(body: Buffer, contentType: string | undefined): string {
  const read = new TextDecoder('utf-8').decode(body);
  const line = read.slice(0, read.indexOf('\uFFFD')).split('\n').length;
  return `holds bytes that are not UTF-8, the first on line ${line}; ${utf8Fix(contentType)}`;
}

const utf8Fix = (contentType: string | undefined) =>
  /^text\/csv/i.test(contentType ?? '') ? 'save the file as UTF-8 (in Excel: Save As, "CSV UTF-8")' : 'send it as UTF-8';

/** Bytes looked at to tell UTF-16 without a byte-order mark. */
const UTF16_SNIFF_BYTES = 1024;

/**
 * A body in UTF-16: its byte-order mark, or (without one) text whose every other byte is NUL, as UTF-16 writes Latin
 * letters. UTF-16 is read as UTF-8 without an error where it is ASCII, and then refused for its NULs, which no one
 * can remove by hand.
 */
function isUtf16(body: Buffer): boolean {
  if (body.length < 2) return false;
  if ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff)) return true;
  const head = body.subarray(0, Math.min(body.length, UTF16_SNIFF_BYTES) & ~1);
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < head.length; i += 2) {
    if (head[i] === 0) evenNuls++;
    if (head[i + 1] === 0) oddNuls++;
  }
  const pairs = head.length / 2;
  return Math.max(evenNuls, oddNuls) >= pairs * 0.9 && Math.min(evenNuls, oddNuls) === 0;
}

const notUtf8 = (pointer: string, message: string) => new ProblemException(415, 'Send bodies and files as UTF-8.', [{ pointer, message }]);

/** A CSV file or text corpus: refused when it holds the NUL character. */
function withoutNul(_request: FastifyRequest, text: string, done: Done): void {
  if (text.includes('\0')) done(nulInText(text));
  else done(null, text);
}

/** A file holding the NUL character, which Postgres cannot store: refused, naming the line. */
function nulInText(text: string): ProblemException {
  const line = text.slice(0, text.indexOf('\0')).split('\n').length;
  return validationFailed([{ pointer: '', message: `holds the NUL character (U+0000) on line ${line}, which cannot be stored; remove it` }]);
}

/**
 * The API's OpenAPI document at /api/docs, built on its first request (then kept): reading every route's schemas costs
 * a quarter of a second of CPU that an API starting up, in production or for each test suite, need not spend.
 */
function setUpOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('api/docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'api/docs/openapi.json' });
}

function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Chorus API')
      .setDescription(
        'Crowdsourcing task engine: projects, subjects, workflows, assignment, classifications and consensus. Errors are application/problem+json. ' +
          'Every route lives under /api/v1 and, but for those that say so, takes a bearer token (POST /api/v1/auth/login), or a personal API key for scripts (POST /api/v1/account/api-keys). ' +
          'A path asked with a method it does not take is answered 405 (method-not-allowed) with an Allow header naming those it takes; an unknown path 404. ' +
          'Step by step, from registering to a nightly incremental download, with curl: docs/api-step-by-step.md in the Chorus repository (linked from its README).',
      )
      .setVersion('1')
      .addServer(`/${API_PREFIX}`, 'This server: the paths below are relative to it')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description:
          'A session’s token (POST /auth/login, /auth/guest) or a personal API key (`chorus_…`, made signed in with POST /account/api-keys, for scripts such as a nightly download). ' +
          'A key acts as its account but cannot manage keys, change the password or email, sign out or delete the account (403 `urn:chorus:problem:session-required`); ' +
          'a key of scope `read` makes only GET and HEAD requests (but the queue, which holds subjects) and download links, one of scope `downloads` only the consensus and classifications downloads, the links to them, what their columns refer to (GET /workflows/:id, its versions, GET /projects/:id/subject-sets) and GET /account (403 `urn:chorus:problem:api-key-scope` naming `keyScope` and `neededScope`, on public routes too); ' +
          'a revoked or expired key is answered 401 `urn:chorus:problem:api-key-revoked` or `api-key-expired`, one Chorus does not know (mistyped, cut short) `api-key-unknown`.',
      })
      .build(),
    // The paths are the server's (`/projects`, under `servers`' /api/v1), so that a client joins the two.
    { ignoreGlobalPrefix: true },
  );
  document.tags = API_TAGS.map((tag) => ({ ...tag }));
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...openApiComponents } };
  const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods) as Record<string, unknown>[]);
  documentRateLimitHeaders(operations);
  for (const operation of operations) {
    const otherTypes = operation[OTHER_BODY_TYPES] as Record<string, object> | undefined;
    if (!otherTypes) continue;
    const body = operation.requestBody as { content: Record<string, { schema: object }> };
    for (const [type, schema] of Object.entries(otherTypes)) body.content[type] = { schema };
    delete operation[OTHER_BODY_TYPES];
  }
  return document;
}

/**
 * No page of Chorus may be shown inside another site's frame, where a volunteer could be led to click what they do
 * not see (sign out everywhere, accept an invitation); and no answer is read as another type than it says. The
 * classifier's pages have a policy of their own, which says that too (`PAGE_CONTENT_SECURITY_POLICY`).
 * An answer to a request with credentials (a bearer token, a cookie), and every answer of the auth and account routes
 * (tokens, the account's own data), is private: no cache keeps it (`no-store`), neither the browser's (a shared
 * computer's next user) nor one on the way. Answers to anyone stay cacheable as they were.
 */
function refuseFraming(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-frame-options', 'SAMEORIGIN').header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "frame-ancestors 'self'");
    if (isPrivateAnswer(request) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store');
    return payload;
  });
}

const PRIVATE_ROUTES = new RegExp(`^/${API_PREFIX}/(auth|account)(/|\\?|$)`);

function isPrivateAnswer(request: FastifyRequest): boolean {
  return request.headers.authorization !== undefined || request.headers.cookie !== undefined || PRIVATE_ROUTES.test(request.url);
}

/** How often the API looks at the classifier's page file for a new build (a stat, not a read). */
const PAGE_CHECK_MS = 1000;

/**
 * The text of `file`, read again once it changes (a build of the classifier made while the API runs): looked at
 * every `PAGE_CHECK_MS`, never on a request. While a build has it missing or empty, the last one read stays.
 */
function watchedText(file: string): { text(): string; stop(): void } {
  let text = readFileSync(file, 'utf8');
  // Reads are numbered, so that one started earlier but finishing later cannot bring back an older page.
  let reads = 0;
  let kept = 0;
  const reread = (now: Stats, before: Stats) => {
    if (sameFile(now, before)) return;
    const order = ++reads;
    readFile(file, 'utf8').then(
      (read) => {
        if (!read || order < kept) return;
        text = read;
        kept = order;
      },
      () => {}, // gone again mid-build: the next change brings it
    );
  };
  watchFile(file, { interval: PAGE_CHECK_MS, persistent: false }, reread);
  return { text: () => text, stop: () => unwatchFile(file, reread) };
}

/**
 * The same file, unchanged: `watchFile` calls on any change of its stat, a read's access time too. A file swapped in
 * (a rename, a symlink moved) is another inode, and one written in place changes its ctime, even where a reproducible
 * build gives it the same size and modification time.
 */
const sameFile = (now: Stats, before: Stats) =>
  now.ino === before.ino && now.dev === before.dev && now.size === before.size && now.mtimeMs === before.mtimeMs && now.ctimeMs === before.ctimeMs;

/**
 * The built classifier at `/`, with every non-API path falling back to its index.html (client-side routes); its
 * files compressed at build (gzip, Brotli) go to browsers that take them. A new build made while the API runs is
 * served as soon as its page is written: the page is read again, and its assets and the files beside the page
 * (favicon, robots.txt...) are looked for on the disk when asked for. Without a build, a warning and no classifier.
 */
async function serveClassifier(app: NestFastifyApplication, dir: string): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const warnings = classifierWarnings({ classifierDir: dir });
  for (const warning of warnings) fastify.log.warn({ context: 'Classifier' }, warning);
  if (warnings.length) return;
  const html = watchedText(join(dir, 'index.html'));
  fastify.addHook('onClose', async () => html.stop());
  const page = (reply: FastifyReply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', PAGE_CONTENT_SECURITY_POLICY).send(html.text());
  await app.register(servedRootFiles as never, { root: dir, page });
  await app.register(servedAssets as never, { prefix: '/assets', root: join(dir, 'assets') });
  fastify.get('/*', (request, reply) => {
    if (!request.url.startsWith('/api/')) return page(reply);
    const wrongMethod = methodNotAllowed(request);
    if (wrongMethod) return reply.status(405).header('allow', wrongMethod.headers.allow).header('content-type', 'application/problem+json').send(wrongMethod.body);
    return reply.status(404).header('content-type', 'application/problem+json').send(problemBody(404, 'No such route. The API lives under /api/v1; see /api/docs.'));
  });
  fastify.get('/', (_request, reply) => page(reply));
}

/** A file's name as the build gives it: one file of its folder (no slash, no dotfile). */
const FILE_NAME = /^[\w-][\w.-]*$/;

/** The 404 problem for a file the build does not have, which no cache keeps (the next build may have it). */
const noSuchFile = (reply: FastifyReply, detail: string) =>
  reply.status(404).header('content-type', 'application/problem+json').header('cache-control', 'no-store').send(problemBody(404, detail));

const isFile = (path: string) => stat(path).then((found) => found.isFile(), () => false);

/** What a name of a file beside the page cannot hold (decoded): it would name another folder's file. */
const OTHER_FOLDER = /[/\\]/;

/** The page's own file and its compressed copies, in any case (a disk that ignores case would send it raw). */
const PAGE_FILE = /^index\.html/i;

/** The request is a browser's navigation, which takes a page (`Accept: text/html`), not a script's or a crawler's. */
const asksForPage = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/**
 * The files beside the page (the top level of the build only), whichever build is on the disk when asked for. A name
 * without a dot is a route of the classifier (/sign-in, /lab), answered with the page (`page`) without looking at the
 * disk (a look shares libuv's threadpool with password hashing); so is the page's own file (only `page` sends it, with
 * its policy). Any other name is looked for: a dotfile, or one naming another folder (`/` or `\` decoded; NUL is
 * refused before routing, `refuseNulInAddress`), is the 404 problem, as is a file gone between the look and the send (a
 * rebuild emptying the folder); one not there is the page to a browser's navigation (`asksForPage`), else the problem.
 */
async function servedRootFiles(scope: FastifyInstance, { root, page }: { root: string; page: (reply: FastifyReply) => FastifyReply }): Promise<void> {
  const missing = (reply: FastifyReply) => noSuchFile(reply, 'No such file.');
  // A file gone between the look and the send is answered by the app's own 404 handler (the only one Fastify allows at
  // `/`, Nest's: "No such route"): in this scope, every 404 is a file not there.
  scope.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode !== 404) return payload;
    reply.type('application/problem+json').header('cache-control', 'no-store');
    return JSON.stringify(problemBody(404, 'No such file.'));
  });
  await scope.register(fastifyStatic, { root, serve: false, index: false, preCompressed: true } as never);
  scope.get<{ Params: { name: string } }>('/:name', async (request, reply) => {
    const { name } = request.params;
    if (OTHER_FOLDER.test(name)) return missing(reply);
    if (!name.includes('.') || PAGE_FILE.test(name)) return page(reply);
    if (!FILE_NAME.test(name)) return missing(reply);
    if (await isFile(join(root, name))) return reply.sendFile(name, root);
    // A name mistyped into a browser's address bar (`/projects.html`) gets the classifier, which says it has no such
    // page, as any other unknown address does; a crawler or a script asking for a file gets the 404 problem.
    return asksForPage(request) ? page(reply) : missing(reply);
  });
}

/**
 * The build's assets, whichever build is on the disk when asked for. The build names them by their content (a new
 * build's are new files), so a browser may keep them for good; the page that names them it asks for again each time.
 * Only a name of one file is looked for (`FILE_NAME`); anything else under /assets, and a file that is not there (a
 * script of another build, from a page opened before an update), is a 404 the page can tell from its code, not the
 * page (`noSuchFile`).
 */
async function servedAssets(assets: FastifyInstance, { root }: { root: string }): Promise<void> {
  const missing = (reply: FastifyReply) => noSuchFile(reply, 'No such file: the page was made by another build of Chorus; reload it.');
  assets.setNotFoundHandler((_request, reply) => missing(reply));
  await assets.register(fastifyStatic, { root, serve: false, index: false, preCompressed: true, setHeaders: (reply: FastifyReply) => reply.header('cache-control', 'public, max-age=31536000, immutable') } as never);
  assets.get<{ Params: { name: string } }>('/:name', (request, reply) => (FILE_NAME.test(request.params.name) ? reply.sendFile(request.params.name, root) : missing(reply)));
  assets.get('/*', (_request, reply) => missing(reply));
  assets.get('/', (_request, reply) => missing(reply));
}
