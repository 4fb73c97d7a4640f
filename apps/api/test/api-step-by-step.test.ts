import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';

const run = promisify(execFile);
const page = readFileSync(join(__dirname, '../../../docs/api-step-by-step.md'), 'utf8');
const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
/** The page's shell blocks, in order, as a reader copies them. */
const blocks = [...page.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);

let stack: Stack;
let dir: string;
beforeAll(async () => {
  stack = await startStack();
  dir = mkdtempSync(join(tmpdir(), 'api-step-by-step-'));
});
afterAll(async () => {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs a block as a reader's shell would, after the blocks before it: the variables they set are kept in a file
 * between blocks. `curl --fail-with-body` in the blocks makes a refused call fail the block.
 */
async function runBlock(block: string, env: Record<string, string> = {}): Promise<void> {
  const script = ['set -euo pipefail', 'set -a', '[ -f state.sh ] && source state.sh', block.replaceAll('http://localhost:3000', stack.baseUrl), 'export -p > state.sh'].join('\n');
  await run('bash', ['-c', script], { cwd: dir, env: { PATH: process.env.PATH!, HOME: dir, ...env }, timeout: 60_000 });
}

/** A variable the blocks have set so far. */
async function variable(name: string): Promise<string> {
  return (await run('bash', ['-c', `source state.sh; printf %s "$${name}"`], { cwd: dir })).stdout;
}

const lines = (file: string) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);

describe('the README’s "Using the API, step by step"', () => {
  it('is linked from the README and the OpenAPI description', async () => {
    expect(readme).toContain('(docs/api-step-by-step.md)');
    const document = (await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).json()) as { info: { description: string } };
    expect(document.info.description).toContain('docs/api-step-by-step.md');
  });

  it('runs as written, from registering to an incremental download of what volunteers classified', async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    for (const block of blocks) {
      const env: Record<string, string> = {};
      // What a reader takes from the mail by hand: the token of the link mailed at sign-up.
      if (block.includes('$VERIFY_TOKEN')) env.VERIFY_TOKEN = stack.inbox.linkToken(await stack.inbox.takeVerification(await variable('EMAIL')));
      // The worker's consensus comes moments after a classification, as the page says.
      if (block.includes('/consensus')) await consensusOf(await variable('WORKFLOW_ID'), await variable('SUBJECT_ID'));
      try {
        await runBlock(block, env);
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`the block\n${block}\nfailed: ${stderr}\n${stdout}`);
      }
    }

    const consensus = lines('consensus.csv');
    expect(consensus).toHaveLength(1 + 3); // the header, then a row for each subject uploaded as CSV and as JSON
    const subjectId = await variable('SUBJECT_ID');
    expect(consensus.find((row) => row.startsWith(subjectId))).toMatch(/yes/);
    const classified = lines('classifications.ndjson').map((line) => JSON.parse(line) as { subject_id: string; T0_answer: unknown; updated_at: string });
    expect(classified.map((row) => row.subject_id)).toEqual([subjectId]);
    // Each download said where the next one starts; the first night started from the earlier of step 10's.
    const nextSince = (...files: string[]) =>
      files
        .flatMap((file) => lines(file))
        .map((line) => /^chorus-next-since: (\S+)/i.exec(line)?.[1])
        .filter((moment): moment is string => !!moment)
        .sort()[0];
    const firstNight = nextSince('consensus.headers', 'classifications.headers')!;
    expect(firstNight).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(firstNight >= classified[0]!.updated_at).toBe(true);
    type Row = { subject_id: string; updated_at: string; classification_id?: string };
    const tonight = () => ['classifications-changed.ndjson', 'consensus-changed.ndjson'].map((file) => lines(file).map((line) => JSON.parse(line) as Row));
    // Nothing came that changed before the first night's moment; the next night's is the earlier of tonight's downloads'.
    expect(tonight().flat().every((row) => row.updated_at >= firstNight)).toBe(true);
    const since = () => readFileSync(join(dir, 'since.txt'), 'utf8').trim();
    expect(since()).toBe(nextSince('classifications-changed.headers', 'consensus-changed.headers'));
    expect(since() >= firstNight).toBe(true);

    // A volunteer classifies another subject during the day: the next night brings it, and its subject's consensus row.
    const nightly = blocks.at(-1)!;
    const workflowId = await variable('WORKFLOW_ID');
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const [other] = (await volunteer.queue(workflowId)).subjects.filter((subject) => subject.id !== subjectId);
    const { id: newest } = await volunteer.classify({ workflowId, workflowVersion: 1, subjectId: other!.id, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    await consensusOf(workflowId, other!.id);
    const lastNight = since();
    await runBlock(nightly);
    const [classifiedToday, consensusToday] = tonight();
    expect(classifiedToday!.map((row) => row.classification_id)).toContain(newest);
    expect(consensusToday!.map((row) => row.subject_id)).toContain(other!.id);
    expect(since()).toBe(nextSince('classifications-changed.headers', 'consensus-changed.headers'));
    expect(since() > lastNight).toBe(true);

    // A moment after every row: empty files, which the script takes in its stride, carrying the moment the downloads gave.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    writeFileSync(join(dir, 'since.txt'), `${tomorrow}\n`);
    await runBlock(nightly);
    expect([lines('classifications-changed.ndjson'), lines('consensus-changed.ndjson')]).toEqual([[], []]);
    expect(since()).toBe(nextSince('classifications-changed.headers', 'consensus-changed.headers'));
  }, 180_000);
});

/** Waits for the subject's consensus, as researchers read it subject by subject. */
async function consensusOf(workflowId: string, subjectId: string): Promise<void> {
  const token = await variable('TOKEN');
  await until(async () => {
    const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/subject-results/${subjectId}`, { headers: { authorization: `Bearer ${token}` } });
    return response.ok && Object.keys(((await response.json()) as { consensus: object }).consensus).length > 0;
  }, 'the consensus of the classified subject');
}
