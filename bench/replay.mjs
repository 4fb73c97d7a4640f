// How much the retirement rule's replay adds to the worker's work on one subject of a branching workflow: the subject's
// consensus and its rule replayed (as the aggregation job does them, sharing what they reduce), against its consensus
// alone (the baseline, measured in the same run). After a submit the replay starts at the answers already judged; after
// a skills pass or a rule change (`judged` 0) it starts at the first answer.
//   pnpm build && node bench/replay.mjs [--answers=10,40] [--runs=5] [--consensus=path/to/consensus/dist]
// `--consensus` measures another build of packages/consensus (an earlier commit's, built in a worktree).
import { workflowDefinitionSchema } from '../packages/tasks/dist/index.js';

const consensusDist = process.argv.find((arg) => arg.startsWith('--consensus='))?.split('=')[1];
const { findRetirement, reduceSubject } = await import(consensusDist ? `${new URL(`file://${consensusDist.startsWith('/') ? '' : `${process.cwd()}/`}${consensusDist}/index.js`)}` : '../packages/consensus/dist/index.js');
const option = (name, fallback) => (process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback).split(',').map(Number);
const runs = option('runs', '5')[0];

const yesNo = (next) => [{ label: 'Yes', value: 'yes', next }, { label: 'No', value: 'no', next }];
const tasks = {
  T0: { type: 'single', question: 'Is there an advertisement?', answers: [{ label: 'Yes', value: 'yes', next: 'T1' }, { label: 'No', value: 'no', next: 'T2' }] },
  T1: { type: 'single', question: 'Is it for a product?', answers: yesNo('T3') },
  T2: { type: 'single', question: 'Is it news?', answers: yesNo('T3') },
  T3: { type: 'single', question: 'Is the print legible?', answers: yesNo() },
};
const rules = {
  'count (40)': { rule: 'count', count: 40 },
  'agreement on T3, after a branch (0.95)': { rule: 'agreement', task: 'T3', minimum: 3, threshold: 0.95, maximum: 40 },
};

/** Volunteers split on every question, so that no rule retires the subject before its last answer. */
function classifications(answers) {
  return Array.from({ length: answers }, (_, n) => {
    const advert = n % 3 !== 2;
    const annotations = [
      { task: 'T0', value: advert ? 'yes' : 'no' },
      { task: advert ? 'T1' : 'T2', value: n % 2 ? 'yes' : 'no' },
      { task: 'T3', value: n % 4 ? 'yes' : 'no' },
    ];
    return { id: `c${n}`, userId: `v${n}`, annotations, countsTowardRetirement: true };
  });
}

/** Milliseconds per call: the median of `runs` rounds of enough calls to take about 50 ms, after a round to warm up. */
function timed(work) {
  let calls = 1;
  for (let started = performance.now(); performance.now() - started < 50; calls *= 2) for (let i = 0; i < calls; i++) work();
  const rounds = Array.from({ length: runs }, () => {
    const started = performance.now();
    for (let i = 0; i < calls; i++) work();
    return (performance.now() - started) / calls;
  });
  return rounds.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** Each row's timings: the whole table is measured twice and printed the second time, the JIT warmed by the first. */
function measure(print) {
  for (const [name, retirement] of Object.entries(rules)) {
    const definition = workflowDefinitionSchema.parse({ name: 'Adverts', firstTask: 'T0', tasks, retirement });
    for (const answers of option('answers', '10,40')) {
      const records = classifications(answers);
      const baseline = timed(() => reduceSubject(definition, records, { reduced: new Map() }));
      for (const [from, judged] of [['the answers judged', answers - 1], ['the first', 0]]) {
        const job = timed(() => {
          const options = { reduced: new Map() };
          findRetirement(definition, records, options, judged);
          reduceSubject(definition, records, options);
        });
        print(`| ${name} | ${answers} | ${from} | ${(baseline * 1000).toFixed(0)} | ${(job * 1000).toFixed(0)} | ${(job / baseline).toFixed(2)} |`);
      }
    }
  }
}

measure(() => {});
console.log('| rule | answers | replay from | consensus alone (baseline), µs | consensus + replay, µs | vs baseline |');
console.log('|---|---:|---|---:|---:|---:|');
measure(console.log);
