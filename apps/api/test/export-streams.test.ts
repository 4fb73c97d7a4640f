import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Client } from 'pg';
import { FETCH_BYTES, FETCH_ROWS, GZIP_FLUSH_EVERY_MS, RowsByBytes, gzipped, rowsPerFetch } from '../src/exports/export-streams';
import { testPostgresUrl } from '../../../test/support/services';
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
  /** The sizes of the fetches `sql`'s rows came in (each fetch's rows are pushed at once: the first's buffer tells), and the rows' `i`. */
  const fetched = async (sql: string) => {
    const client = new Client({ connectionString: testPostgresUrl() });
    await client.connect();
    try {
      const rows = client.query(new RowsByBytes(sql, []));
      const [fetches, read]: [number[], number[]] = [[], []];
      let left = 0;
      for await (const row of rows as AsyncIterable<{ i: number }>) {
        if (!left) fetches.push(rows.readableLength + 1);
        left = rows.readableLength;
        read.push(row.i);
      }
      return { fetches, read };
    } finally {
      await client.end();
    }
  };
  const oneTo = (n: number) => Array.from({ length: n }, (_, index) => index + 1);

  it("fetches wide rows (a text corpus's passages of 100,000 characters) a few megabytes' worth at a time, not a hundred of them, and gives every row in order", async () => {
    const { fetches, read } = await fetched("SELECT i, repeat('x', 100000) AS passage FROM generate_series(1, 300) i");
    expect(read).toEqual(oneTo(300));
    // One fetch held at a time, FETCH_BYTES' worth (41 rows of 100 KB), where a fixed 1,000 held all 300 (30 MB).
    expect(Math.max(...fetches)).toBeLessThanOrEqual(rowsPerFetch(100_003));
    expect(rowsPerFetch(100_003) * 100_003).toBeLessThanOrEqual(FETCH_BYTES);
    // Narrow rows still come FETCH_ROWS at a time.
    expect(rowsPerFetch(500)).toBe(FETCH_ROWS);
  });

  it('holds at most FETCH_ROWS of the widest row when narrow rows come before wide ones, and sizes each fetch from the last: one huge row does not make every later fetch a single row', async () => {
    // Ten narrow rows, then 1,490 of 100 KB: the fetch after the narrow ones is sized from them (a whole FETCH_ROWS), never more.
    const wide = await fetched("SELECT i, CASE WHEN i <= 10 THEN 'x' ELSE repeat('x', 100000) END AS passage FROM generate_series(1, 1500) i");
    expect(wide.read).toEqual(oneTo(1500));
    expect(wide.fetches.slice(0, 2)).toEqual([10, FETCH_ROWS]);
    // So the most a fetch holds is FETCH_ROWS of them: about 10 MB, as the README says, not the 100 MB of 1,000.
    expect(Math.max(...wide.fetches) * 100_004).toBeLessThanOrEqual(12 * 1024 * 1024);
    expect(Math.max(...wide.fetches.slice(2))).toBeLessThanOrEqual(rowsPerFetch(100_004));
    // One row of 5,000,000 characters among narrow ones: the fetch after its own is one row, then they come FETCH_ROWS at a time again.
    const huge = await fetched("SELECT i, CASE WHEN i = 20 THEN repeat('x', 5000000) ELSE 'x' END AS passage FROM generate_series(1, 1000) i");
    expect(huge.read).toEqual(oneTo(1000));
    expect(huge.fetches.slice(0, 4)).toEqual([10, FETCH_ROWS, 1, FETCH_ROWS]);
    expect(huge.fetches.filter((size) => size === 1)).toHaveLength(1);
  });
});
