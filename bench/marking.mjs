// How long one marking subject's consensus takes as the worker computes it (with the subject's WorkBudget), for
// answers volunteers (or guests) may send, against a baseline measured in the same run: 10 honest volunteers marking
// the same 100 penguins (a few pixels off each) and a few strays. The worst cases are those a review measured
// (3 volunteers clicking 500 times within 40 px; 20 volunteers × 500 small boxes and one box of 1e6 px; 300 answers of
// 500 boxes), and a retirement replay of 50 answers of 500 penguins from the first.
//   pnpm build && node bench/marking.mjs [--runs=3] [--consensus=path/to/consensus/dist]
import { workflowDefinitionSchema } from '../packages/tasks/dist/index.js';

const consensusDist = process.argv.find((arg) => arg.startsWith('--consensus='))?.split('=')[1];
const { WorkBudget, findRetirement, reduceMarking, seededRandom } = await import(consensusDist ? `${new URL(`file://${consensusDist.startsWith('/') ? '' : `${process.cwd()}/`}${consensusDist}/index.js`)}` : '../packages/consensus/dist/index.js');
const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.split('=')[1] ?? 3);

const definition = workflowDefinitionSchema.parse({
  name: 'Colony',
  firstTask: 'T',
  tasks: { T: { type: 'marking', instruction: 'Mark each penguin', tools: [{ key: 'penguin', label: 'Penguin', shape: 'point' }, { key: 'nest', label: 'Nest', shape: 'rectangle' }] } },
  retirement: { rule: 'agreement', task: 'T', minimum: 3, threshold: 0.99, maximum: 60 },
});
const task = definition.tasks.T;
const random = seededRandom(42);
const jitter = (size) => (random() - 0.5) * size;

const honest = (volunteers, things) =>
  Array.from({ length: volunteers }, () => [
    ...Array.from({ length: things }, (_, t) => ({ tool: 'penguin', x: 50 + (t % 10) * 100 + jitter(8), y: 50 + Math.floor(t / 10) * 100 + jitter(8) })),
    ...Array.from({ length: 3 }, () => ({ tool: 'penguin', x: 2000 + random() * 1000, y: random() * 1000 })),
  ]);
const clicks = (volunteers, marks, within) => Array.from({ length: volunteers }, () => Array.from({ length: marks }, () => ({ tool: 'penguin', x: 100 + random() * within, y: 100 + random() * within })));
const boxes = (volunteers, marks) =>
  Array.from({ length: volunteers }, (_, v) => [
    ...Array.from({ length: marks - (v === 0 ? 1 : 0) }, (_, m) => ({ tool: 'nest', x: (m % 25) * 40 + jitter(4) + 10, y: Math.floor(m / 25) * 40 + jitter(4) + 10, width: 30 + jitter(4), height: 30 + jitter(4) })),
    ...(v === 0 ? [{ tool: 'nest', x: 0, y: 0, width: 1_000_000, height: 1_000_000 }] : []),
  ]);

function timed(work) {
  work();
  const times = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}
const consensusOf = (values) => () => reduceMarking(task, values, { budget: new WorkBudget(values.length) });
const records = (values) => values.map((value, i) => ({ id: `c${i}`, annotations: [{ task: 'T', value }], countsTowardRetirement: true, volunteer: `v${i}` }));

const cases = [
  ['10 honest volunteers, 100 penguins and 3 strays each (baseline)', consensusOf(honest(10, 100))],
  ['3 volunteers clicking 500 times within 40 px', consensusOf(clicks(3, 500, 40))],
  ['20 volunteers × 500 small boxes, one box of 1e6 px', consensusOf(boxes(20, 500))],
  ['300 answers × 500 boxes', consensusOf(boxes(300, 500))],
  ['replay of 50 answers × 500 penguins from the first (findRetirement)', () => findRetirement(definition, records(honest(50, 497)), { work: new WorkBudget(50) })],
];
let baseline;
console.log('| case | ms (median of %d) | × baseline |\n|---|---:|---:|', runs);
for (const [name, work] of cases) {
  const ms = timed(work);
  baseline ??= ms;
  console.log(`| ${name} | ${ms.toFixed(0)} | ${(ms / baseline).toFixed(1)} |`);
}
