import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { GZIP_FLUSH_EVERY_MS, gzipped } from '../src/exports/export-streams';
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
