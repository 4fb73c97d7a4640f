import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { workerEnvSchema } from '../../worker/src/config/config';
import { apiEnvSchema } from '../src/config/config';
import { COMMENT_COLUMNS } from '../src/exports/comment-rows';
import { CONTRIBUTOR_COLUMNS } from '../src/exports/contributor-rows';
import { CLASSIFICATION_COLUMNS, CLASSIFICATION_JSON_COLUMNS_NAMED, CLASSIFICATION_LIST_COLUMNS_NAMED } from '../src/exports/classification-rows';
import { CONSENSUS_COLUMNS, CONSENSUS_FIELD_COLUMNS_IN_WORDS, CONSENSUS_JSON_COLUMNS_NAMED, CONSENSUS_LAST_COLUMNS, CONSENSUS_LIST_COLUMNS_NAMED, CONSENSUS_RESULT_FIELDS, CONSENSUS_REVIEWED_TOOL_COLUMNS_IN_WORDS, CONSENSUS_SET_SINCE_COLUMNS, CONSENSUS_TASK_COLUMNS, CONSENSUS_TOOL_COLUMNS_IN_WORDS, CONSENSUS_TRAILING_TASK_COLUMNS } from '../src/exports/consensus-rows';
import { DOWNLOAD_TIME_IN_WORDS } from '../src/exports/export-format';
import { METADATA_COLUMNS_IN_WORDS } from '../src/exports/metadata-columns';
import { OWN_CLASSIFICATION_COLUMNS } from '../src/exports/own-classification-rows';
import { OWN_COMMENT_COLUMNS } from '../src/exports/own-comment-rows';
import { SUBJECT_REPORT_COLUMNS } from '../src/exports/subject-report-rows';
import { TRANSCRIPTIONS_IN_WORDS, textWriter } from '../src/exports/transcription-documents';
import { reaggregationRecordSchema } from '@chorus/client';

const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');

/** The README's configuration table, as `variable → the apps it names`. */
function configurationTable(): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const row of readme.split('\n').filter((line) => line.startsWith('| `'))) {
    const [names, , usedBy] = row.split('|').slice(1).map((cell) => cell.trim());
    for (const name of names!.match(/`([A-Z0-9_]+)`/g) ?? []) table.set(name.replaceAll('`', ''), usedBy!.split(',').map((app) => app.trim()));
  }
  return table;
}

/** What the README holds between `<!-- name:start … -->` and `<!-- name:end -->`. */
const markedSection = (name: string) => readme.match(new RegExp(`<!-- ${name}:start[^>]*-->\\n([\\s\\S]*?)<!-- ${name}:end -->`))?.[1];

/** A download's columns as the README's table lists them, each with what it holds. */
const columnTable = (columns: Record<string, string>) => ['| column | what it holds |', '|---|---|', ...Object.entries(columns).map(([column, holds]) => `| \`${column}\` | ${holds} |`), ''].join('\n');

describe('the README', () => {
  it('lists every variable the API and the worker read, with the apps that read it, and none they do not', () => {
    const table = configurationTable();
    const read = new Map<string, string[]>();
    for (const [app, schema] of [['api', apiEnvSchema], ['worker', workerEnvSchema]] as const) {
      for (const name of Object.keys(schema.shape)) read.set(name, [...(read.get(name) ?? []), app]);
    }
    expect(Object.fromEntries([...table].sort())).toEqual(Object.fromEntries([...read].sort()));
  });

  it('lists the subject columns of the consensus download, in order, in the words of the API documentation', () => {
    expect(markedSection('consensus-columns')).toBe(columnTable(CONSENSUS_COLUMNS));
  });

  it('lists the columns of the comments download, in order, in the words of the API documentation', () => {
    expect(markedSection('comment-columns')).toBe(columnTable(COMMENT_COLUMNS));
  });

  it('lists the columns of the contributors download, in order, in the words of the API documentation', () => {
    expect(markedSection('contributor-columns')).toBe(columnTable(CONTRIBUTOR_COLUMNS));
  });

  it("lists the columns of a volunteer's download of their own classifications, in order, in the words of the API documentation", () => {
    expect(markedSection('own-classification-columns')).toBe(columnTable(OWN_CLASSIFICATION_COLUMNS));
  });

  it("lists the columns of a volunteer's download of their own comments, in order, in the words of the API documentation", () => {
    expect(markedSection('own-comment-columns')).toBe(columnTable(OWN_COMMENT_COLUMNS));
  });

  it("lists each task's columns, then the trailing ones, then a fields task's and a marking task's, then the last ones, then a set's since= download's, then the metadata's, in order, in the words of the API documentation", () => {
    const section = readme.match(/<!-- consensus-task-columns:start[^>]*-->\n([\s\S]*?)<!-- consensus-task-columns:end -->/);
    // `_result`'s words end where its fields' list begins: the README's next table has them.
    const ofTasks = (columns: Record<string, string>) => Object.entries(columns).map(([field, holds]) => `| \`<task>_${field}\` | ${holds.split('\n')[0]} |`);
    const rows = [...ofTasks(CONSENSUS_TASK_COLUMNS), ...ofTasks(CONSENSUS_TRAILING_TASK_COLUMNS), `| \`<task>.<field>\` | ${CONSENSUS_FIELD_COLUMNS_IN_WORDS} |`, `| \`<task>.<tool>\` | ${CONSENSUS_TOOL_COLUMNS_IN_WORDS} |`, `| \`<task>_reviewed.<tool>\` | ${CONSENSUS_REVIEWED_TOOL_COLUMNS_IN_WORDS} |`, ...[...Object.entries(CONSENSUS_LAST_COLUMNS), ...Object.entries(CONSENSUS_SET_SINCE_COLUMNS)].map(([column, holds]) => `| \`${column}\` | ${holds} |`), `| \`metadata.<key>\` | ${METADATA_COLUMNS_IN_WORDS} |`];
    expect(section?.[1]).toBe(['| column | what it holds |', '|---|---|', ...rows, ''].join('\n'));
  });

  it('lists the columns of the raw classifications download before the answers, in order', () => {
    const listed = readme.match(/streams one flat row per classification the same way: `([^`]*)`/)?.[1];
    expect(listed?.split(/,\s*/)).toEqual(Object.keys(CLASSIFICATION_COLUMNS));
  });

  it('lists the columns of the subject reports download, in order', () => {
    const listed = readme.match(/`GET \/workflows\/:id\/subject-reports\?format=csv\|json\|ndjson`, below\): `([^`]*)`/)?.[1];
    expect(listed?.split(/,\s*/)).toEqual(Object.keys(SUBJECT_REPORT_COLUMNS));
  });

  it('names every column that holds JSON (a value in JSON and NDJSON) where it says how to read them', () => {
    const paragraph = readme.match(/\*\*Columns that hold JSON\*\*: in the consensus download ([\s\S]*?); in the raw download ([\s\S]*?); in both/);
    const named = (words: string | undefined) => [...(words ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    expect(named(paragraph?.[1])).toEqual(CONSENSUS_JSON_COLUMNS_NAMED);
    expect(named(paragraph?.[2])).toEqual(CLASSIFICATION_JSON_COLUMNS_NAMED);
  });

  it('names every column that holds a list (a JSON list in JSON and NDJSON) where it says how to read them, and the one format of the times', () => {
    const paragraph = readme.match(/\*\*Columns that hold a list\*\*: in the consensus download ([\s\S]*?); in the raw download ([\s\S]*?)\s\(`CONSENSUS_LIST_COLUMNS`/);
    const named = (words: string | undefined) => [...(words ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    expect(named(paragraph?.[1])).toEqual(CONSENSUS_LIST_COLUMNS_NAMED);
    expect(named(paragraph?.[2])).toEqual(CLASSIFICATION_LIST_COLUMNS_NAMED);
    expect(readme.replace(/\s+/g, ' ')).toContain(`**Times**: every time column of every download`);
    expect(readme.replace(/\s+/g, ' ')).toContain(DOWNLOAD_TIME_IN_WORDS);
  });

  it('lists the fields of the consensus download\'s <task>_result in the words of the API documentation', () => {
    const section = readme.match(/<!-- consensus-result-fields:start[^>]*-->\n([\s\S]*?)<!-- consensus-result-fields:end -->/);
    const rows = Object.entries(CONSENSUS_RESULT_FIELDS).flatMap(([type, fields]) => Object.entries(fields).map(([field, holds]) => `| ${type} | \`${field}\` | ${holds} |`));
    expect(section?.[1]).toBe(['| task type | field | what it holds |', '|---|---|---|', ...rows, ''].join('\n'));
  });
});

/** The markers of the transcriptions download (`[…]` in code) that `words` name, in order. */
const markersNamed = (words: string) => [...words.replace(/\s+/g, ' ').matchAll(/`(\[[^`\]]+\])`/g)].map((match) => match[1]);

/** What the text download writes for a page without a text, for each reason, in the documentation's order. */
async function markersWritten(): Promise<string[]> {
  const page = { subjectId: 's', name: 'page', hasText: false, leftOut: null, text: null, takenDown: false, outcome: 'no_votes' as const };
  const pages = [page, { ...page, outcome: 'not_reached' as const }, { ...page, text: '' }, { ...page, takenDown: true }];
  const written = (await Readable.from(pages).pipe(textWriter()).toArray()).join('');
  return written.split('\n').filter((line) => line.startsWith('['));
}

describe('the transcriptions download', () => {
  it('writes the markers of a page without a text that the README and the API documentation name, and only those', async () => {
    const paragraph = readme.match(/\*\*The transcriptions download\*\*[\s\S]*?\n\n/)?.[0] ?? '';
    const written = await markersWritten();
    expect(written).toHaveLength(4);
    expect(markersNamed(paragraph)).toEqual(written);
    expect(markersNamed(TRANSCRIPTIONS_IN_WORDS)).toEqual(written);
  });
});

describe("the re-aggregation record's jobId", () => {
  it('is documented, in the API documentation and the README, with the 410 a reused job number answers', () => {
    const documented = reaggregationRecordSchema.shape.jobId.meta()?.description ?? '';
    expect(documented).toMatch(/410 `job-number-reused`/);
    expect(documented).toMatch(/runId/);
    const inReadme = readme.replace(/\s+/g, ' ').match(/its `jobId` \([^)]*\)/)?.[0] ?? '';
    expect(inReadme).toMatch(/410 `job-number-reused`/);
    expect(inReadme).toMatch(/`runId`/);
  });
});
