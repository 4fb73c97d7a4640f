#!/usr/bin/env node
// Evaluates @chorus/consensus on real crowd data and on the seeded volunteer simulator, and prints markdown tables.
// Run `pnpm --filter @chorus/consensus evaluate` (builds first and writes the tables into bench/README.md), or
// `node bench/consensus/evaluate.mjs [--write]` after a build.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const consensus = createRequire(import.meta.url)(path.resolve(here, '../../packages/consensus/dist/index.js'));
const datasets = process.env.CHORUS_DATASETS ?? path.resolve(here, '../../../shared/datasets');
const {
  dawidSkene, learnSkills, majorityVote, oneCoinDawidSkene, posteriorFor, wawa, rover, transcriptionConsensus, wordErrorRate,
  simulatePopulation, simulateAnswers, simulateRetirement, DEFAULT_POPULATION, seededRandom,
} = consensus;

function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}
const csv = (file) => parseCsv(readFileSync(path.join(datasets, file), 'utf8'));
const categorical = (file) => csv(file).map((r) => ({ worker: r.worker, task: r.task, label: r.label }));
const truthOf = (file) => Object.fromEntries(csv(file).map((r) => [r.task, r.label]));
const accuracy = (labels, truth) => Object.keys(truth).filter((t) => labels[t] === truth[t]).length / Object.keys(truth).length;
const f3 = (x) => x.toFixed(3);
const table = (header, rows) => [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const timed = (fn) => { const t = process.hrtime.bigint(); const value = fn(); return [value, Number(process.hrtime.bigint() - t) / 1e6]; };

const out = [];
const haveData = existsSync(path.join(datasets, 'bluebirds', 'answers.csv'));

// 1. Categorical aggregation: accuracy against truth.
const algorithms = [
  ['majority vote', (a) => majorityVote(a).labels],
  ['Wawa', (a) => wawa(a).labels],
  ['Dawid–Skene (crowd-kit stopping)', (a) => dawidSkene(a).labels],
  ['Dawid–Skene (converged)', (a) => dawidSkene(a, { objective: 'exact' }).labels],
  ['one-coin Dawid–Skene', (a) => oneCoinDawidSkene(a).labels],
  ['`bayes` (the worker: skills by Dawid–Skene, then each subject\'s posterior)', skillWeighted],
];

/** What the worker does for a `bayes` task: learn every volunteer's skill, then reduce each subject with it. */
async function skillWeighted(answers) {
  const skills = await learnSkills(answers.map(({ worker, task, label }) => ({ volunteer: worker, subject: task, answer: label })));
  const labels = [...new Set(answers.map((a) => a.label))].sort();
  const votes = new Map();
  for (const { worker, task, label } of answers) votes.set(task, [...(votes.get(task) ?? []), { volunteer: worker, answer: label }]);
  return Object.fromEntries([...votes].map(([task, subjectVotes]) => {
    const posterior = posteriorFor(subjectVotes, labels, skills);
    return [task, labels.reduce((best, label) => (posterior[label] > posterior[best] ? label : best))];
  }));
}
const population = simulatePopulation(DEFAULT_POPULATION);
const simulated = simulateAnswers(population, 15);
const categoricalSets = [
  ...(haveData ? [
    ['bluebirds (108 × 39)', categorical('bluebirds/answers.csv'), truthOf('bluebirds/truth.csv')],
    ['crowd-kit toy', categorical('crowdkit-fixtures/toy/answers.csv'), truthOf('crowdkit-fixtures/toy/ground_truth.csv')],
    ['crowd-kit simple', categorical('crowdkit-fixtures/simple/answers.csv'), truthOf('crowdkit-fixtures/simple/ground_truth.csv')],
  ] : []),
  [`simulator (${population.subjects.length} × 15)`, simulated, population.truth],
];
out.push('### Categorical aggregation: accuracy against truth\n');
const rows = [];
for (const [name, run] of algorithms) {
  const row = [name];
  for (const [, answers, truth] of categoricalSets) row.push(f3(accuracy(await run(answers), truth)));
  rows.push(row);
}
out.push(table(['algorithm', ...categoricalSets.map(([name]) => name)], rows));

// 2. Retirement on the simulator, over three seeds.
const kinds = {};
for (const v of population.volunteers) kinds[v.kind] = (kinds[v.kind] ?? 0) + 1;
const rules = [
  ['`count` 15, majority vote', { rule: { rule: 'count', count: 15 } }],
  ['`agreement` ≥ 0.8 after 5, at most 15', { rule: { rule: 'agreement', task: 'T0', minimum: 5, threshold: 0.8, maximum: 15 } }],
  ['`posterior` 0.02 / 0.98, prior 0.2, at most 15 (online Bayes)', { rule: { rule: 'posterior', task: 'T0', answer: 'yes', low: 0.02, high: 0.98, prior: 0.2, maximum: 15 }, goldRate: 0.2, goldPerVolunteer: 5 }],
];
const seeds = [42, 7, 2024];
const runs = rules.map(([name, options]) => {
  const results = seeds.map((seed) => timed(() => simulateRetirement(simulatePopulation({ ...DEFAULT_POPULATION, seed }), options)));
  const mean = (pick) => results.reduce((s, [r]) => s + pick(r), 0) / results.length;
  return { name, accuracy: mean((r) => r.accuracy), perSubject: mean((r) => r.perSubject), gold: mean((r) => r.goldPerSubject), ms: results.reduce((s, [, ms]) => s + ms, 0) / results.length };
});
const baseline = runs[0].perSubject;
out.push(`\n### Retirement on the simulator (${DEFAULT_POPULATION.subjects} subjects, ${DEFAULT_POPULATION.volunteers} volunteers, yes:no = 20:80, mean of seeds ${seeds.join(', ')})\n`);
out.push(`Volunteer mix of seed 42: ${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}; activity is Zipf-distributed.\n`);
out.push(table(['retirement rule', 'accuracy', 'classifications / subject', 'gold shown / subject', 'total vs `count` 15', 'ms / run'], runs.map((r) => [r.name, f3(r.accuracy), r.perSubject.toFixed(2), r.gold.toFixed(2), `${(((r.perSubject + r.gold) / baseline) * 100).toFixed(1)} %`, r.ms.toFixed(0)])));

// 2b. `bayes` against a plurality vote with few answers per subject, both measured on the same answers: a project where
// every volunteer is alike (25, each wrong 12 % at random, classes 2:1, 300 subjects), with and without a guest who
// always answers "yes"; bluebirds cut to a few answers per image, drawn at random; the simulator's mixed crowd. With
// gold: that many subjects' answers held fixed while skills are learned, and left out of the accuracy.
{
  const alike = (seed, perSubject, { guest, gold: goldCount = 0 }) => {
    const random = seededRandom(seed);
    const volunteers = [...Array.from({ length: 25 }, (_, i) => `v${i}`), ...(guest ? ['always-yes'] : [])];
    const truth = {}, gold = {}, answers = [];
    for (let s = 0; s < 300; s++) {
      const task = `s${s}`;
      truth[task] = random() < 2 / 3 ? 'yes' : 'no';
      if (s < goldCount) gold[task] = truth[task];
      const pool = [...volunteers];
      for (let j = 0; j < perSubject; j++) {
        const worker = pool.splice(Math.floor(random() * pool.length), 1)[0];
        const label = worker === 'always-yes' ? 'yes' : random() < 0.12 ? (truth[task] === 'yes' ? 'no' : 'yes') : truth[task];
        answers.push({ worker, task, label });
      }
    }
    return { answers, truth, gold };
  };
  const cut = (all, truthAll) => (seed, perSubject, { gold: goldCount = 0 }) => {
    const random = seededRandom(seed);
    const byTask = new Map();
    for (const a of all) byTask.set(a.task, [...(byTask.get(a.task) ?? []), a]);
    const answers = [];
    for (const [, list] of byTask) {
      const pool = [...list];
      for (let j = 0; j < perSubject && pool.length; j++) answers.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
    }
    const tasks = Object.keys(truthAll);
    const gold = {};
    for (let g = 0; g < goldCount; g++) { const t = tasks.splice(Math.floor(random() * tasks.length), 1)[0]; gold[t] = truthAll[t]; }
    return { answers, truth: truthAll, gold };
  };
  const mixed = (seed, perSubject, correlated) => {
    const crowd = simulatePopulation({ ...DEFAULT_POPULATION, seed, subjects: 500 });
    return { answers: simulateAnswers(crowd, perSubject, undefined, correlated), truth: crowd.truth, gold: {} };
  };
  const overturnAt = [0.6, 0.7, 0.8, 0.9];
  /** Accuracy of a plurality vote, of `bayes`, and of `bayes` overturning a sole plurality leader only at a posterior of
   * at least each of `overturnAt` (ties count as wrong), on the subjects that are not gold. */
  const both = async ({ answers, truth, gold }) => {
    const skills = await learnSkills(answers.map(({ worker, task, label }) => ({ volunteer: worker, subject: task, answer: label })), { gold });
    const labels = [...new Set(answers.map((a) => a.label))].sort();
    const votes = new Map();
    for (const { worker, task, label } of answers) votes.set(task, [...(votes.get(task) ?? []), { volunteer: worker, answer: label }]);
    let [n, vote, bayes] = [0, 0, 0];
    const held = overturnAt.map(() => 0);
    for (const [task, subjectVotes] of votes) {
      if (task in gold) continue;
      const counts = {};
      for (const { answer } of subjectVotes) counts[answer] = (counts[answer] ?? 0) + 1;
      const top = Math.max(...Object.values(counts));
      const leaders = labels.filter((l) => counts[l] === top);
      const posterior = posteriorFor(subjectVotes, labels, skills);
      const best = Math.max(...labels.map((l) => posterior[l]));
      const weighed = labels.filter((l) => posterior[l] === best);
      n += 1;
      vote += leaders.length === 1 && leaders[0] === truth[task] ? 1 : 0;
      bayes += weighed.length === 1 && weighed[0] === truth[task] ? 1 : 0;
      overturnAt.forEach((at, i) => {
        const decided = leaders.length === 1 && (weighed.length !== 1 || (weighed[0] !== leaders[0] && best < at)) ? leaders : weighed;
        held[i] += decided.length === 1 && decided[0] === truth[task] ? 1 : 0;
      });
    }
    return [vote / n, bayes / n, ...held.map((h) => h / n)];
  };
  const scenarios = [
    ['25 alike volunteers + an always-yes guest', (seed, k) => alike(seed, k, { guest: true })],
    ['the same, 30 of 300 subjects gold', (seed, k) => alike(seed, k, { guest: true, gold: 30 })],
    ['25 alike volunteers', (seed, k) => alike(seed, k, { guest: false })],
    ...(haveData ? [
      ['bluebirds cut to that many answers per image', cut(categorical('bluebirds/answers.csv'), truthOf('bluebirds/truth.csv'))],
      ['the same, 11 of 108 images gold', (seed, k) => cut(categorical('bluebirds/answers.csv'), truthOf('bluebirds/truth.csv'))(seed, k, { gold: 11 })],
    ] : []),
    ['simulator\'s mixed crowd (500 subjects; experts, casual, spammers, adversaries)', (seed, k) => mixed(seed, k)],
    ['the same, correlated: a subject misleads (30 %) and each volunteer answers its look half the time', (seed, k) => mixed(seed, k, { correlation: 0.5 })],
  ];
  const lowSeeds = Array.from({ length: 20 }, (_, i) => i + 1);
  const lowRows = [];
  for (const [name, make] of scenarios) {
    for (const k of [3, 5, 7]) {
      const sums = new Array(2 + overturnAt.length).fill(0);
      for (const seed of lowSeeds) {
        (await both(make(seed, k, {}))).forEach((value, i) => {
          sums[i] += value / lowSeeds.length;
        });
      }
      const [vote, bayes, ...held] = sums;
      const points = (x) => `${x > vote ? '+' : ''}${((x - vote) * 100).toFixed(1)}`.replace(/^-/, '−').replace(/^[+−]0\.0$/, '0.0');
      lowRows.push([name, k, f3(vote), f3(bayes), points(bayes), ...held.map(points)]);
    }
  }
  out.push(`\n### \`bayes\` against a plurality vote with few answers per subject (mean of seeds 1–${lowSeeds.length}; a tie counts as wrong)\n`);
  out.push('The last columns: `bayes` overturning a sole plurality leader only when its posterior for its own answer is at least C (points against the vote).\n');
  out.push(table(['crowd', 'answers per subject', 'plurality vote', '`bayes`', 'difference (points)', ...overturnAt.map((at) => `C ${at}`)], lowRows));
}

// 3. Transcription: mean per-task WER against the reference.
if (haveData) {
  const normalise = (s) => s.toLowerCase().replace(/ё/g, 'е').replace(/\s{2,}|[^\p{L}\p{N}_' ]|^\s+|\s+$/gu, '');
  const byTask = (rows) => { const m = new Map(); for (const r of rows) m.set(r.task, [...(m.get(r.task) ?? []), r.text]); return m; };
  const meanWer = (tasks, ref, fn) => { let s = 0; for (const [task, texts] of tasks) s += wordErrorRate(ref[task], fn(texts)); return s / tasks.size; };
  const rows = [];
  const speech = byTask(csv('crowdspeech-dev-clean-300/answers_normalized.csv'));
  const baselines = csv('crowdspeech-dev-clean-300/baselines.csv');
  const speechRef = Object.fromEntries(baselines.map((r) => [r.task, r.truth_normalized]));
  const single = [...speech].reduce((s, [task, texts]) => s + texts.reduce((t, x) => t + wordErrorRate(speechRef[task], x), 0) / texts.length, 0) / speech.size;
  rows.push(['CrowdSpeech dev-clean 300 (normalised)', f3(single), f3(baselines.reduce((s, r) => s + wordErrorRate(r.truth_normalized, r.rover), 0) / baselines.length), f3(meanWer(speech, speechRef, (t) => rover(t))), f3(meanWer(speech, speechRef, (t) => transcriptionConsensus(t).text))]);
  for (const part of ['J1', 'T1', 'T2']) {
    const tasks = byTask(csv(`crowdwsa2019/${part}/answers.csv`).map((r) => ({ ...r, text: normalise(r.text) })));
    const ref = Object.fromEntries(csv(`crowdwsa2019/${part}/truth.csv`).map((r) => [r.task, normalise(r.text)]));
    const singleWsa = [...tasks].reduce((s, [task, texts]) => s + texts.reduce((t, x) => t + wordErrorRate(ref[task], x), 0) / texts.length, 0) / tasks.size;
    rows.push([`CrowdWSA2019 ${part} (lower case, punctuation removed)`, f3(singleWsa), '—', f3(meanWer(tasks, ref, (t) => rover(t))), f3(meanWer(tasks, ref, (t) => transcriptionConsensus(t).text))]);
  }
  out.push('\n### Transcription: mean WER per task (lower is better)\n');
  out.push(table(['dataset', 'one answer (mean)', 'published ROVER', 'ROVER (crowd-kit compatible)', 'Chorus consensus (centre-star, near matches)'], rows));
} else out.push(`\n(datasets not found at ${datasets}: real-data rows skipped; set CHORUS_DATASETS)`);

// 4. Transcription of pages of several lines, simulated: volunteers skip a line, run two lines into one, drop and
// mistype words. Words repeat between lines (as "of", "the", names do in registers), so a skipped line can be aligned
// as the end of one line and the start of the next at the same cost. With `addsALine`, a volunteer who skipped a line
// types one more at the end (as many lines as the others: matched by index, its lines would be the wrong ones).
function simulatedPages(title, { addsALine = false } = {}) {
  const random = seededRandom(11);
  const vocabulary = 'John Mary William Ann Thomas Sarah Brown Smith Ward Jones son daughter of the and was born baptised in at parish farmer labourer widow wife to by Leeds York'.split(' ');
  const pick = () => vocabulary[Math.floor(random() * vocabulary.length)];
  const between = (low, high) => low + Math.floor(random() * (high - low + 1));
  const pages = 2000;
  const totals = { single: 0, singleBreaks: 0, singleExact: 0, wer: 0, werBreaks: 0, exact: 0, pagesRight: 0, words: 0, misjudged: 0 };
  const asWords = (text) => text.replace(/\n/g, ' ');
  const withBreaks = (text) => text.replace(/\n/g, ' ⏎ ');
  for (let page = 0; page < pages; page++) {
    const truth = Array.from({ length: between(2, 6) }, () => Array.from({ length: between(3, 8) }, pick));
    const wrote = []; // per volunteer, what they wrote of each word of the page (null: left out)
    const texts = Array.from({ length: between(3, 5) }, () => {
      const skipped = random() < 0.15 ? Math.floor(random() * truth.length) : -1;
      const lines = truth.map((line, l) => line.map((word) => (l === skipped || random() < 0.02 ? null : random() < 0.05 ? `${word}x` : word)));
      wrote.push(lines.flat());
      const kept = lines.map((line) => line.filter((word) => word !== null)).filter((line) => line.length);
      if (addsALine && skipped >= 0) kept.push(Array.from({ length: between(2, 5) }, pick));
      else if (random() < 0.2 && kept.length > 1) { const at = Math.floor(random() * (kept.length - 1)); kept.splice(at, 2, [...kept[at], ...kept[at + 1]]); }
      return kept.map((line) => line.join(' ')).join('\n');
    });
    const reference = truth.map((line) => line.join(' ')).join('\n');
    for (const text of texts) {
      totals.single += wordErrorRate(asWords(reference), asWords(text)) / texts.length;
      totals.singleBreaks += wordErrorRate(withBreaks(reference), withBreaks(text)) / texts.length;
      totals.singleExact += (text === reference ? 1 : 0) / texts.length;
    }
    const result = transcriptionConsensus(texts);
    totals.wer += wordErrorRate(asWords(reference), asWords(result.text));
    totals.werBreaks += wordErrorRate(withBreaks(reference), withBreaks(result.text));
    totals.exact += result.text === reference ? 1 : 0;
    // Where the words come out right, the words whose agreement is not the share of volunteers who wrote them.
    const words = truth.flat();
    if (asWords(result.text) === words.join(' ')) {
      const agreements = result.lines.flat().filter((slot) => slot.word !== '').map((slot) => slot.agreement);
      const shares = words.map((word, index) => wrote.filter((volunteer) => volunteer[index] === word).length / texts.length);
      totals.misjudged += agreements.filter((agreement, index) => Math.abs(agreement - shares[index]) > 1e-9).length;
      totals.words += words.length;
      totals.pagesRight += 1;
    }
  }
  out.push(`\n### ${title.replace('PAGES', pages)}\n`);
  out.push(table(['measure', 'one answer (mean)', 'Chorus consensus'], [
    ['WER of the words', f3(totals.single / pages), f3(totals.wer / pages)],
    ['WER, line breaks counted as words', f3(totals.singleBreaks / pages), f3(totals.werBreaks / pages)],
    ['pages exactly right, line breaks included', f3(totals.singleExact / pages), f3(totals.exact / pages)],
    [`words whose agreement is not the share of volunteers who wrote them (the ${totals.pagesRight} pages whose words are right)`, '—', f3(totals.misjudged / totals.words)],
  ]));
}
simulatedPages('Transcription of pages of several lines (simulated: PAGES pages of 2–6 lines, 3–5 volunteers; lines skipped, run together; words dropped, mistyped)');
simulatedPages('Transcription of pages of several lines, line-shifted (as above, but a volunteer who skipped a line typed one more at the end instead of running two together)', { addsALine: true });

const report = out.join('\n');
console.log(report);

// With --write, the tables replace the marked section of bench/README.md; not without the datasets, whose rows the
// recorded tables hold.
if (process.argv.includes('--write') && !haveData) {
  console.error(`not writing bench/README.md: its tables need the datasets (${datasets})`);
} else if (process.argv.includes('--write')) {
  const readme = path.resolve(here, '../README.md');
  const text = readFileSync(readme, 'utf8');
  const section = /(<!-- consensus-evaluation:start[^>]*-->\n)[\s\S]*?(<!-- consensus-evaluation:end -->)/;
  if (!section.test(text)) throw new Error(`${readme} has no consensus-evaluation markers`);
  writeFileSync(readme, text.replace(section, (_, open, close) => `${open}${report.trim()}\n${close}`));
  console.error(`wrote the tables into ${readme}`);
}
