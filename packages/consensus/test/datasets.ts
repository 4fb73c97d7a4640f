import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The shared datasets folder sits beside the repository (here /work/shared, CI clones the same way), or CHORUS_DATASETS. */
export const datasetsDir = process.env.CHORUS_DATASETS ?? path.resolve(__dirname, '../../../../shared/datasets');

export const haveDatasets = existsSync(path.join(datasetsDir, 'crowdkit-fixtures', 'expected_outputs.json'));

/** `describe` for suites that read the datasets: skipped without them, the skipped suite's name saying why. */
export const describeWithDatasets = (name: string, suite: () => void): void =>
  haveDatasets ? describe(name, suite) : describe.skip(`${name} (skipped: no datasets at ${datasetsDir}; set CHORUS_DATASETS)`, suite);

/** RFC 4180 CSV: quoted fields may hold commas, quotes and line breaks; nothing is trimmed. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

export function readCsv(relative: string): Record<string, string>[] {
  return parseCsv(readFileSync(path.join(datasetsDir, relative), 'utf8'));
}

export function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(path.join(datasetsDir, relative), 'utf8')) as T;
}
