// How long the worker computes one transcription subject, as it does it (the consensus, and the retirement rule
// replayed from the answers already judged while the subject was open, the consensus kept reusing its last step),
// against the same with the rule replayed from the first answer and nothing reused (what it did before session 20),
// measured in the same run. Every answer is a transcription of the
// same page, its lines broken in other places and one word in a hundred mistyped, as volunteers' are.
//   pnpm build && node bench/transcription.mjs [--words=300,2000] [--answers=10,20] [--worst=5] [--runs=3] [--consensus=path/to/consensus/dist]
// Then the worst case of what volunteers (or guests) may send (round 13a F10): five transcriptions of the default
// `maxLength` (20,000 characters) that are not of one page, against a baseline in the same run: five transcriptions of
// one page at that length, broken into lines differently, which every build must align in full. `--consensus` measures
// another build of packages/consensus (an earlier commit's, built in a worktree) with the same texts.
import { workflowDefinitionSchema } from '../packages/tasks/dist/index.js';

const consensusDist = process.argv.find((arg) => arg.startsWith('--consensus='))?.split('=')[1];
const { findRetirement, reduceSubject, seededRandom, transcriptionConsensus } = await import(consensusDist ? `${new URL(`file://${consensusDist.startsWith('/') ? '' : `${process.cwd()}/`}${consensusDist}/index.js`)}` : '../packages/consensus/dist/index.js');
const option = (name, fallback) => (process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback).split(',').map(Number);
const VOCABULARY = ['the', 'ship', 'sailed', 'from', 'Bristol', 'on', 'Monday', 'with', 'a', 'cargo', 'of', 'wool', 'for', 'Lisbon'];

const definition = workflowDefinitionSchema.parse({
  name: 'Transcribe',
  firstTask: 'T0',
  tasks: { T0: { type: 'transcription', instruction: 'Type the page', mode: 'free', maxLength: 20_000 } },
  retirement: { rule: 'agreement', task: 'T0', minimum: 3, threshold: 0.99, maximum: 50 },
});

function transcription(words, volunteer) {
  const lines = [];
  let line = [];
  for (let i = 0; i < words; i++) {
    const word = VOCABULARY[(i * 7) % VOCABULARY.length] + (i % 13);
    line.push((i * (volunteer + 3)) % 100 === 0 ? `${word}x` : word);
    if ((i + volunteer) % (9 + (volunteer % 5)) === 0) {
      lines.push(line.join(' '));
      line = [];
    }
  }
  lines.push(line.join(' '));
  return lines.join('\n');
}

/** The median of `runs` timings of `work`, in milliseconds, after one run to warm up. */
function timed(work, runs = 3) {
  work();
  const times = Array.from({ length: runs }, () => {
    const started = performance.now();
    work();
    return performance.now() - started;
  });
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

console.log('| words per answer | answers | now: consensus + replay from the answers judged, ms | before: consensus + replay from the first, ms | now / before |');
console.log('|---:|---:|---:|---:|---:|');
for (const words of option('words', '300,2000')) {
  for (const answers of option('answers', '10,20')) {
    const records = Array.from({ length: answers }, (_, n) => ({ id: `c${n}`, annotations: [{ task: 'T0', value: transcription(words, n) }], countsTowardRetirement: true }));
    // As the worker finds a subject with one new answer: all but it were aggregated while the subject stayed open. The
    // consensus it keeps is the replay's last step, reduced once (`reduced`, since session 22).
    const now = timed(() => {
      const reduced = new Map();
      findRetirement(definition, records, { reduced }, answers - 1);
      reduceSubject(definition, records, { reduced });
    });
    const before = timed(() => {
      reduceSubject(definition, records);
      findRetirement(definition, records);
    });
    console.log(`| ${words} | ${answers} | ${now.toFixed(0)} | ${before.toFixed(0)} | ${(now / before).toFixed(2)} |`);
  }
}

const MAX_LENGTH = 20_000;
const next = seededRandom(13);
const randomWord = (length = 3 + Math.floor(next() * 7)) => Array.from({ length }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');
const upTo = (length, word, separator = () => ' ') => {
  let text = '';
  for (let i = 1; text.length < length - 30; i++) text += word(i) + separator(i);
  return text.trim();
};
const page = upTo(MAX_LENGTH - 200, () => randomWord()).split(' ');
const shared = upTo(3_000, () => randomWord());
const cases = {
  'baseline: five of one page, one word in fifty mistyped, lines broken differently': (v) =>
    page.map((word, i) => (i % 50 === v * 7 ? `${word}x` : word) + ((i + v) % (8 + v) === 0 ? '\n' : ' ')).join('').trim(),
  'five of random words, none alike (set aside)': (v) => upTo(MAX_LENGTH, () => randomWord(), (i) => (i % (6 + v) === 0 ? '\n' : ' ')),
  'five that share their first 3,000 characters, then one-letter or 25-letter words (over the budget)': (v) => `${shared} ${upTo(MAX_LENGTH - shared.length, () => (v % 2 ? randomWord(1) : randomWord(25)))}`,
  'five single words of 20,000 letters': () => randomWord(MAX_LENGTH),
};
const worst = option('worst', '5')[0];
const runs = option('runs', '3')[0];
console.log();
console.log(`| ${worst} transcriptions of ${MAX_LENGTH.toLocaleString('en')} characters | ms (median of ${runs}) | vs baseline | setAside | overBudget | lowConsensus |`);
console.log('|---|---:|---:|---:|---:|---:|');
let baseline;
for (const [name, text] of Object.entries(cases)) {
  const texts = Array.from({ length: worst }, (_, v) => text(v));
  let result;
  const ms = timed(() => {
    result = transcriptionConsensus(texts);
  }, runs);
  baseline ??= ms;
  console.log(`| ${name} | ${ms.toFixed(0)} | ${(ms / baseline).toFixed(2)} | ${result.setAside ?? '—'} | ${result.overBudget ?? '—'} | ${result.lowConsensus} |`);
}
