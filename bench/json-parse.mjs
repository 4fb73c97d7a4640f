// What refusing repeated keys adds to reading a JSON body: Fastify's own JSON parser (secure-json-parse, as the API
// runs it) alone, against it followed by the API's scan for repeated keys (jsonc-parser's visitor), on a typical
// submit body and on larger ones. Run after `pnpm build`:
//
//   node bench/json-parse.mjs
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const api = createRequire(join(root, 'apps/api/package.json'));
const fastify = api('fastify')();
const { firstRepeatedKey } = api('./dist/common/repeated-keys.js');
const defaultParse = fastify.getDefaultJsonParser('error', 'error');
const parse = (text) => defaultParse(undefined, text, (error) => { if (error) throw error; });

/** A classification as the classifier sends it: a few answers, times, and the device's metadata. */
const submit = (text = 'yes') =>
  JSON.stringify({
    workflowId: '0b6f8a9e-4f0e-4d55-9c1a-3c7d2a51e001',
    workflowVersion: 3,
    subjectId: '5d1c2b7a-2f4e-4a8b-8c3d-9e0f1a2b3c4d',
    annotations: [
      { task: 'T0', value: text },
      { task: 'T1', value: ['horse', 'coach'] },
      { task: 'T2', value: { sense: 'advert', evidence: [[3, 17], [40, 52]] } },
    ],
    startedAt: '2026-12-03T04:40:00.000Z',
    finishedAt: '2026-12-03T04:40:07.500Z',
    metadata: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36', language: 'en-GB', screen: '1920x1080' },
  });

const bodies = [
  ['a typical submit', submit()],
  ['a 64 KiB transcription', submit('x'.repeat(64 * 1024))],
  ['1 MiB of subjects', JSON.stringify({ subjects: Array.from({ length: 4_000 }, (_, i) => ({ externalId: `s${i}`, locations: [{ type: 'text', text: 'WANTED: a steady boy to drive a carriage. Apply at 12 Mill Street.'.repeat(3) }], metadata: { page: i, box: 'B12' } })) })],
];

/** Microseconds per call of `work`, the median of several timed rounds after a warm-up. */
function microseconds(work, calls) {
  for (let i = 0; i < calls; i++) work();
  const rounds = [];
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) work();
    rounds.push(Number(process.hrtime.bigint() - start) / 1_000 / calls);
  }
  return rounds.sort((a, b) => a - b)[3];
}

console.log('| body | bytes | parse alone (µs) | parse + repeated-key scan (µs) | ratio |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, text] of bodies) {
  if (firstRepeatedKey(text) !== undefined) throw new Error(`${name} has a repeated key`);
  const calls = Math.max(5, Math.round(2_000_000 / text.length));
  const alone = microseconds(() => parse(text), calls);
  const scanned = microseconds(() => {
    parse(text);
    firstRepeatedKey(text);
  }, calls);
  console.log(`| ${name} | ${text.length} | ${alone.toFixed(1)} | ${scanned.toFixed(1)} | ${(scanned / alone).toFixed(2)} |`);
}
