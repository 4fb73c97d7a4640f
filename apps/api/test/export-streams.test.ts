import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Client } from 'pg';
import { FETCH_BYTES, FETCH_ROWS, GZIP_FLUSH_EVERY_MS, RowsByBytes, gzipped, rowsPerFetch } from '../src/exports/export-streams';
import { until } from '../../../test/support/waiting';

describe('a gzipped download', () => {
  it('hands on rows that come slowly within a flush of their coming, not only once the compressor is full or the download ends', async () => {
    const rows = new PassThrough();
    const received: string[] = [];
    const unzipped = gzipped(rows).pipe(createGunzip());
    unzipped.on('data', (chunk: Buffer) => received.push(chunk.toString()));

    rows.write('subject_id,retired\n1,true\n');
    await until(async () => received.join('') === 'subject_id,retired\n1,true\n', 'the first rows, still far from filling the compressor', GZIP_FLUSH_EVERY_MS * 3);
    rows.end('2,false\n');
    await finished(unzipped);
    expect(received.join('')).toBe('subject_id,retired\n1,true\n2,false\n');
  });
});

describe("a download's rows from its cursor", () => {
  it("fetches wide rows (a text corpus's passages of 100,000 characters) a few megabytes' worth at a time, not a thousand of them, and gives every row in order", async () => {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const rows = client.query(new RowsByBytes("SELECT i, repeat('x', 100000) AS passage FROM generate_series(1, 300) i", []));
      const read: number[] = [];
      let held = 0;
      for await (const row of rows as AsyncIterable<{ i: number; passage: string }>) {
        held = Math.max(held, rows.readableLength + 1);
        if (row.passage.length === 100_000) read.push(row.i);
      }
      expect(read).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));
      // One fetch held at a time, FETCH_BYTES' worth (41 rows of 100 KB), where a fixed 1,000 held all 300 (30 MB).
      expect(held).toBeLessThanOrEqual(rowsPerFetch(100_003));
      expect(rowsPerFetch(100_003) * 100_003).toBeLessThanOrEqual(FETCH_BYTES);
      // Narrow rows still come a thousand at a time.
      expect(rowsPerFetch(500)).toBe(FETCH_ROWS);
    } finally {
      await client.end();
    }
  });
});
