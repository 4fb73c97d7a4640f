import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Readable, Transform, pipeline } from 'node:stream';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { ProblemException } from '../common/problem';
import { isoTimeSql } from '../common/sql';
import { APP_CONFIG, type AppConfig } from '../config/config';
import type { DownloadName } from './download-names';
import { type DownloadForm, type FlatRecord, contentTypes, serializer } from './export-format';

/** What a download needs: its rows' query, how a row becomes a flat record, and the columns in order. */
export interface ExportQuery<Row> {
  sql: string;
  parameters: unknown[];
  toRecord: (row: Row) => FlatRecord;
  columns: string[];
  /** Those of `columns` that hold a list: a JSON list in JSON and NDJSON, joined with `;` in CSV. */
  listColumns?: readonly string[];
  /** The file name offered to the browser, given when the download began and its format. */
  name: (began: Date, format: DownloadForm['format']) => DownloadName;
}

/** A query's rows, read on a download's connection in its snapshot, before its rows stream. */
export type SnapshotRead = <Result>(sql: string, parameters: unknown[]) => Promise<Result[]>;

/**
 * A download's query, or how to make it from what it reads first (`read`: what its header names, say), after the
 * caller has a place to stream and in the snapshot its rows are read in.
 */
export type ExportPlan<Row> = ExportQuery<Row> | ((read: SnapshotRead) => Promise<ExportQuery<Row>>);

/**
 * A download written otherwise than as flat records (a document, say): its rows' query, what each row becomes, the
 * stream that writes those (objects in, the file out), the file's type and its name, given when the download began.
 */
export interface WrittenQuery<Row> {
  sql: string;
  parameters: unknown[];
  toRecord: (row: Row) => unknown;
  writer: () => Transform;
  contentType: string;
  name: (began: Date) => DownloadName;
  /** Headers of its own, read before its rows stream (what a document leaves out, say). */
  headers?: Record<string, string>;
}

/** A flat download written in `form`. */
const writtenAs = <Row>(query: ExportQuery<Row>, form: DownloadForm): WrittenQuery<Row> => ({
  sql: query.sql,
  parameters: query.parameters,
  toRecord: query.toRecord,
  writer: () => serializer(form, query.columns, query.listColumns),
  contentType: contentTypes[form.format],
  name: (began) => query.name(began, form.format),
});

export interface ExportDownload {
  stream: Readable;
  contentType: string;
  filename: DownloadName;
  /** The `since` that gives, next time, every row changed after this download's snapshot (`NEXT_SINCE`); none for a download that takes no `since`. */
  nextSince?: string;
  /** The download's headers of its own (`WrittenQuery`'s). */
  headers?: Record<string, string>;
}

/** The header that carries a download's `nextSince`. */
export const NEXT_SINCE_HEADER = 'Chorus-Next-Since';

/**
 * The moment a download's rows are complete up to, read before its snapshot: now, or the start of the oldest
 * transaction of another client then in progress (a download of ours included), to the millisecond, rounded down. A row
 * is stamped with its transaction's start (`updated_at = now()`) and shows only once it commits, so a transaction
 * that began before the snapshot may commit rows stamped before the snapshot after it: they are not in this download,
 * and a `since` of the newest stamp it holds would miss them. Every such transaction is in progress at this read (or
 * starts after it), so its rows are stamped at or after this moment. Reading other sessions' `xact_start` needs the
 * same database role as the API and the worker, or `pg_read_all_stats` (README, Operations).
 */
const NEXT_SINCE = `SELECT ${isoTimeSql("date_trunc('milliseconds', least(now(), min(a.xact_start)))")} AS next_since
  FROM pg_stat_activity a WHERE a.datname = current_database() AND a.backend_type = 'client backend' AND a.xact_start IS NOT NULL AND a.pid <> pg_backend_pid()`;

/** When a refused download may ask again: most end within seconds, and a refusal costs nothing. */
const EXPORTS_BUSY_RETRY_SECONDS = 10;

/**
 * A refusal of the caller's own doing, over their own limit (their downloads streaming, or their last one read too
 * slowly): 429 `too-many-downloads`, which generic retry code reads as "slow down", not as an outage. A full server
 * (EXPORTS_AT_ONCE taken, by everyone's downloads) stays 503 `exports-busy`.
 */
const tooManyDownloads = (detail: string, wait: number) => new ProblemException(429, detail, undefined, 'too-many-downloads').retryAfter(wait);

/**
 * The most rows a download's cursor fetches at once, and the characters (its columns' text as Postgres sends it) a
 * fetch aims at. A fetch is sized from the rows of the one before, so the most one holds is FETCH_ROWS of the widest
 * row a download has (narrow rows, then as many passages of 100,000 characters: 10 million characters).
 */
export const FETCH_ROWS = 100;
export const FETCH_BYTES = 4 * 1024 * 1024;
/** The rows of a download's first fetch, before its rows' width is known. */
const FIRST_FETCH_ROWS = 10;

/** How many rows to fetch next, given the widest row of the last fetch (its columns' characters): FETCH_BYTES' worth of them. */
export const rowsPerFetch = (widest: number) => Math.min(FETCH_ROWS, Math.max(1, Math.floor(FETCH_BYTES / Math.max(widest, 1))));

/**
 * A download's rows from its cursor, fetched FETCH_BYTES' worth at a time (at most FETCH_ROWS), each fetch sized from
 * the widest row of the one before: a text corpus's passages (up to 100,000 characters each) made 1,000 consensus rows
 * 100 MB and more. Not from the widest so far: one huge row would make every later fetch a single row. One fetch is
 * held at a time (`highWaterMark` 1: the next is fetched once the last is read on).
 */
export class RowsByBytes extends QueryStream {
  /** The widest row of the fetch under way (or the last, until the next begins). */
  private widest = 0;
  private rowsRead = 0;

  constructor(sql: string, parameters: unknown[]) {
    super(sql, parameters, { highWaterMark: 1 });
    const handleDataRow = this.handleDataRow;
    this.handleDataRow = (message: { fields: (string | null)[] }) => {
      this.widest = Math.max(this.widest, message.fields.reduce((width, field) => width + (field?.length ?? 0), 0));
      this.rowsRead += 1;
      return handleDataRow(message);
    };
  }

  /** Called once the last fetch's rows are pushed: the next fetch is sized from them, and measures its own. */
  override _read(): void {
    const rows = this.rowsRead ? rowsPerFetch(this.widest) : FIRST_FETCH_ROWS;
    this.widest = 0;
    super._read(rows);
  }
}

/** How often a gzipped download hands on what the compressor holds, however little: rows arriving slowly still arrive. */
export const GZIP_FLUSH_EVERY_MS = 1_000;

/**
 * The download gzipped (level 1: most of the saving for a fraction of the API's time, which volunteers' requests
 * share). Gzip holds its output until it has some tens of kilobytes, so a sparse download (a `since=` that few rows
 * match, over a large workflow) would otherwise say nothing for minutes: what it holds is flushed every
 * `GZIP_FLUSH_EVERY_MS` (nothing is sent when nothing new came). An error on the way destroys both streams.
 */
export function gzipped(download: Readable): Readable {
  const gzip = createGzip({ level: 1 });
  const flush = setInterval(() => gzip.flush(zlibConstants.Z_SYNC_FLUSH), GZIP_FLUSH_EVERY_MS);
  return pipeline(download, gzip, () => clearInterval(flush));
}

/** Why a download was ended for its client's reading, which keeps its caller from starting another for a while. */
class SlowReader extends Error {}

/**
 * The last stage of a download: passes what it is given on, and ends the download with a `SlowReader` error when its
 * client stops reading, or reads too slowly to be worth a place.
 *
 * Stopped: what it holds for the client has not moved for `windowMs`. It moves when the client takes some (a chunk
 * comes in only once there is room for it, or what is held shrinks). What is held alone is no measure: a client
 * reading in bursts (from the kernel's buffers, megabytes on loopback) lets it fill back to the same length between
 * two looks.
 *
 * Too slow: over `windowMs` of time in which data waited for the client (something was held), fewer than
 * `minBytesPerSecond` a second came through. A chunk comes through only as the client makes room for it, so what comes
 * through is what the client read, give or take the buffers on the way. Time spent waiting for the database, with
 * nothing held, never counts either way.
 */
function readWatch(windowMs: number, minBytesPerSecond: number): Transform {
  let movedAt = Date.now();
  let held = 0;
  /** Bytes come through since the last look, and, over the time data waited for the client, in all. */
  let through = 0;
  let waitedMs = 0;
  let waitedThrough = 0;
  const tickMs = Math.min(windowMs / 4, 1000);
  const watch = new Transform({
    transform: (chunk: Buffer, _encoding, next) => {
      movedAt = Date.now();
      through += chunk.length;
      next(null, chunk);
    },
  });
  const timer = setInterval(() => {
    const now = Date.now();
    if (watch.readableLength === 0 || watch.readableLength < held) movedAt = now;
    held = watch.readableLength;
    if (now - movedAt >= windowMs) return watch.destroy(new SlowReader(`the client read nothing for ${windowMs / 1000} s (EXPORT_IDLE_SECONDS)`));
    if (held > 0) {
      waitedMs += tickMs;
      waitedThrough += through;
    }
    through = 0;
    if (!minBytesPerSecond || waitedMs < windowMs) return;
    const rate = (waitedThrough * 1000) / waitedMs;
    if (rate < minBytesPerSecond) {
      return watch.destroy(new SlowReader(`the client read ${Math.round(rate)} bytes a second, fewer than ${minBytesPerSecond} (EXPORT_MIN_BYTES_PER_SECOND)`));
    }
    waitedMs = 0;
    waitedThrough = 0;
  }, tickMs).unref();
  watch.on('close', () => clearInterval(timer));
  return watch;
}

/**
 * Streams downloads from database cursors, so memory stays flat however large the workflow, and bounds how many
 * stream at once (EXPORTS_AT_ONCE), so that slow downloads can never take the connections submits need; one caller
 * may take half of them at most (at least one), so that nobody's downloads keep everyone else's from starting (429 to
 * that caller, whose own downloads are the cause; 503 when the server's places are all taken). A
 * cursor holds a connection until the client has read everything or gone away. A database error midway destroys the
 * response (Fastify), so a client sees a broken download, never a short file that looks complete; so does a client
 * that stops reading for EXPORT_IDLE_SECONDS, or reads slower than EXPORT_MIN_BYTES_PER_SECOND, whose download is
 * ended so that it cannot hold its place for ever; its caller then starts no other download for EXPORT_IDLE_SECONDS,
 * so that one who asks again at once cannot take the place back before those who waited for it.
 */
@Injectable()
export class ExportStreams {
  private streaming = 0;
  /** Downloads streaming, by caller. */
  private readonly streamingFor = new Map<string, number>();
  /** Callers whose download was ended for their reading, until when (ms) they may start another. */
  private readonly slowUntil = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A download of flat records; one that takes no `since` (`givesNextSince` false) gives none, as `write`'s. */
  open<Row>(plan: ExportPlan<Row>, form: DownloadForm, callerId: string, givesNextSince = true): Promise<ExportDownload> {
    return this.write(async (read) => writtenAs(typeof plan === 'function' ? await plan(read) : plan, form), callerId, givesNextSince);
  }

  /**
   * A download written as `plan` says (made from what it reads first, in the snapshot its rows are read in); one that
   * takes no `since` (`givesNextSince` false, documents) reads no `NEXT_SINCE` and gives none.
   */
  async write<Row>(plan: (read: SnapshotRead) => Promise<WrittenQuery<Row>>, callerId: string, givesNextSince = true): Promise<ExportDownload> {
    const wait = Math.ceil(((this.slowUntil.get(callerId) ?? 0) - Date.now()) / 1000);
    if (wait > 0) {
      throw tooManyDownloads(
        `Your last download was ended because it was read too slowly (slower than EXPORT_MIN_BYTES_PER_SECOND, or not at all for EXPORT_IDLE_SECONDS), so that others could have its place; start again in ${wait} s (with since= to fetch only what changed), reading faster.`,
        wait,
      );
    }
    for (const [caller, until] of this.slowUntil) if (until <= Date.now()) this.slowUntil.delete(caller);
    const callers = this.streamingFor.get(callerId) ?? 0;
    if (callers >= Math.max(1, Math.floor(this.config.exportsAtOnce / 2))) {
      throw tooManyDownloads(`You have ${callers} download${callers === 1 ? '' : 's'} streaming already, as many as one person may; this one can start when one of them ends.`, EXPORTS_BUSY_RETRY_SECONDS);
    }
    if (this.streaming >= this.config.exportsAtOnce) {
      throw new ProblemException(503, `${this.streaming} downloads are streaming already (EXPORTS_AT_ONCE); try again in a moment.`, undefined, 'exports-busy').retryAfter(EXPORTS_BUSY_RETRY_SECONDS);
    }
    this.streaming += 1;
    this.streamingFor.set(callerId, callers + 1);
    const done = () => {
      this.streaming -= 1;
      const left = this.streamingFor.get(callerId)! - 1;
      if (left) this.streamingFor.set(callerId, left);
      else this.streamingFor.delete(callerId);
    };
    try {
      const [client, release] = (await (this.db.driver as PostgresDriver).obtainMasterConnection()) as [PoolClient, (error?: unknown) => void];
      const { nextSince, query } = await this.planned(plan, client, givesNextSince).catch((error) => {
        release(error);
        throw error;
      });
      const rows = client.query(new RowsByBytes(query.sql, query.parameters));
      const toRecord = new Transform({ objectMode: true, transform: (row: Row, _encoding, next) => next(null, query.toRecord(row)) });
      const watch = readWatch(this.config.exportIdleSeconds * 1000, this.config.exportMinBytesPerSecond);
      const stream = pipeline(rows, toRecord, query.writer(), watch, (error) => {
        done();
        if (error instanceof SlowReader) this.slowUntil.set(callerId, Date.now() + this.config.exportIdleSeconds * 1000);
        if (error) return release(error);
        client.query('COMMIT').then(() => release(), release);
      });
      return { stream, contentType: query.contentType, filename: query.name(new Date()), nextSince, headers: query.headers };
    } catch (error) {
      done();
      throw error;
    }
  }

  /**
   * The download's query, in a transaction on its connection: one snapshot (REPEATABLE READ) for what `plan` reads
   * first and the rows, so that its header names what its rows hold; without DATABASE_STATEMENT_TIMEOUT_MS, which
   * would end a cursor whose client has not read everything yet, or a large workflow's first reads. With the moment
   * its rows are complete up to (`NEXT_SINCE`), read before that snapshot.
   */
  private async planned<Row>(plan: (read: SnapshotRead) => Promise<WrittenQuery<Row>>, client: PoolClient, givesNextSince: boolean): Promise<{ nextSince?: string; query: WrittenQuery<Row> }> {
    const nextSince = givesNextSince ? ((await client.query<{ next_since: string }>(NEXT_SINCE)).rows as [{ next_since: string }])[0].next_since : undefined;
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query('SET LOCAL statement_timeout = 0');
    return { nextSince, query: await plan(async <Result>(sql: string, parameters: unknown[]) => (await client.query(sql, parameters)).rows as Result[]) };
  }
}
