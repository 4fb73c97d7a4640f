// How long the worker computes one transcription subject, as it does it (the consensus, and the retirement rule
// replayed from the answers already judged while the subject was open, the consensus kept reusing its last step),
// against the same with the rule replayed from the first answer and nothing reused (what it did before session 20),
// measured in the same run. Every answer is a transcription of the
// same page, its lines broken in other places and one word in a hundred mistyped, as volunteers' are.
//   pnpm build && node bench/transcription.mjs [--words=300,2000] [--answers=10,20]
import { findRetirement, reduceSubject } from '../packages/consensus/dist/index.js';
import { workflowDefinitionSchema } from '../packages/tasks/dist/index.js';

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
