import { execFile } from 'node:child_process';
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
      if (block.includes('$VERIFY_TOKEN')) env.VERIFY_TOKEN = stack.inbox.linkToken(await stack.inbox.take(await variable('EMAIL'), /verify/i));
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
    const classified = lines('classifications.ndjson').map((line) => JSON.parse(line) as { subject_id: string; T0_answer: unknown });
    expect(classified.map((row) => row.subject_id)).toEqual([subjectId]);
    // A minute before the newest row: that row again, and nothing classified before it.
    expect(lines('classifications-changed.ndjson').map((line) => (JSON.parse(line) as { subject_id: string }).subject_id)).toEqual([subjectId]);
    // The subjects' rows changed at their upload too, within that minute.
    expect(lines('consensus-changed.ndjson').map((line) => (JSON.parse(line) as { subject_id: string }).subject_id)).toContain(subjectId);

    // The next night's moment, carried forward: a minute before the newest row of tonight's downloads, to the second.
    const nightly = blocks.at(-1)!;
    const newestTonight = () =>
      Math.max(...['classifications-changed.ndjson', 'consensus-changed.ndjson'].flatMap((file) => lines(file).map((line) => Date.parse((JSON.parse(line) as { updated_at: string }).updated_at))));
    const carried = (newest: number) => new Date(Math.floor(newest / 1000) * 1000 - 60_000).toISOString().replace('.000Z', 'Z');
    expect(readFileSync(join(dir, 'since.txt'), 'utf8').trim()).toBe(carried(newestTonight()));
    // A second night runs from it, as a cron job would, and carries it forward again.
    await runBlock(nightly);
    expect(readFileSync(join(dir, 'since.txt'), 'utf8').trim()).toBe(carried(newestTonight()));
    // A night when nothing changed: that last minute's rows again, and the same moment kept for the next.
    const kept = readFileSync(join(dir, 'since.txt'), 'utf8').trim();
    const lastNight = ['classifications-changed.ndjson', 'consensus-changed.ndjson'].map((file) => lines(file).sort());
    await runBlock(nightly);
    expect(['classifications-changed.ndjson', 'consensus-changed.ndjson'].map((file) => lines(file).sort())).toEqual(lastNight);
    expect(lastNight[0]).not.toEqual([]);
    expect(readFileSync(join(dir, 'since.txt'), 'utf8').trim()).toBe(kept);
    // A moment after every row: empty files, and that moment kept (jq once failed on them).
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    writeFileSync(join(dir, 'since.txt'), `${tomorrow}\n`);
    await runBlock(nightly);
    expect([lines('classifications-changed.ndjson'), lines('consensus-changed.ndjson')]).toEqual([[], []]);
    expect(readFileSync(join(dir, 'since.txt'), 'utf8').trim()).toBe(tomorrow);
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
