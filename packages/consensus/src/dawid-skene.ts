import { type CrowdAnswer, type GoldLabels, type Probabilities, goldSet, mostProbableLabels, sortedUnique } from './crowd';
import { majorityVote } from './majority';

/** errors[worker][observed][true] = P(worker answers `observed` | the true label is `true`). */
export type ErrorMatrices = Record<string, Record<string, Record<string, number>>>;

export interface DawidSkeneOptions {
  /** Maximum EM iterations (crowd-kit `n_iter`); 0 returns the majority-vote initialisation. */
  nIter?: number;
  /** Stop when the evidence lower bound per answer improves by less than this (crowd-kit `tol`). */
  tol?: number;
  /** Known labels: these tasks' probabilities are clamped to their gold label at every step. */
  gold?: Record<string, string>;
  /** Counts (or, for `assign`, a matrix) from earlier work, used in the first M-step only (crowd-kit semantics). */
  initialError?: ErrorMatrices;
  initialErrorStrategy?: 'addition' | 'assign';
  /**
   * `crowd-kit` stops on crowd-kit's bound, which adds the log prior once per answer instead of once per task; it
   * is not monotone under EM and can stop after two iterations (bluebirds: 0.889 instead of 0.898). `exact` uses
   * the true evidence lower bound, so EM runs until it has really converged.
   */
  objective?: 'crowd-kit' | 'exact';
  /**
   * Dirichlet pseudo-classifications per worker and true label (MAP-EM; 0, crowd-kit's plain EM, by default), spread
   * as a one-coin model: the worker's own accuracy on the label itself, the rest evenly over the other labels (see
   * `oneCoinPrior`).
   */
  smoothing?: number;
}

export interface DawidSkeneResult {
  labels: Record<string, string>;
  probas: Probabilities;
  priors: Record<string, number>;
  errors: ErrorMatrices;
  /** Evidence lower bound per answer after each iteration. */
  lossHistory: number[];
}

export interface OneCoinResult extends DawidSkeneResult {
  skills: Record<string, number>;
}

const EPS = 1e-10;

/** Answers encoded as indices, so that EM runs over flat arrays. */
interface Encoded {
  labels: string[];
  tasks: string[];
  workers: string[];
  task: Int32Array;
  worker: Int32Array;
  label: Int32Array;
}

function encode(answers: readonly CrowdAnswer[], extraLabels: readonly string[]): Encoded {
  const labels = sortedUnique([...answers.map((a) => a.label), ...extraLabels]);
  const tasks = [...new Set(answers.map((a) => a.task))];
  const workers = [...new Set(answers.map((a) => a.worker))];
  const index = (list: string[]) => new Map(list.map((value, i) => [value, i]));
  const [l, t, w] = [index(labels), index(tasks), index(workers)];
  return {
    labels,
    tasks,
    workers,
    task: Int32Array.from(answers, (a) => t.get(a.task)!),
    worker: Int32Array.from(answers, (a) => w.get(a.worker)!),
    label: Int32Array.from(answers, (a) => l.get(a.label)!),
  };
}

/** Row-major [task][label] probabilities. */
type Matrix = Float64Array;

/** Per worker, per observed label: null when the worker never gave that label, else P(observed | true) per true label. */
type Errors = (Float64Array | null)[][];

function clampGold(data: Encoded, probas: Matrix, gold: Record<string, string> | undefined): void {
  if (!gold) return;
  const k = data.labels.length;
  data.tasks.forEach((task, t) => {
    const labels = goldSet(gold as GoldLabels, task);
    if (!labels) return;
    const label = data.labels.indexOf(labels[0]!);
    for (let c = 0; c < k; c++) probas[t * k + c] = c === label ? 1 : 0;
  });
}

function priorsOf(data: Encoded, probas: Matrix): Float64Array {
  const k = data.labels.length;
  const n = data.tasks.length;
  const priors = new Float64Array(k);
  for (let t = 0; t < n; t++) for (let c = 0; c < k; c++) priors[c]! += probas[t * k + c]!;
  return priors.map((p) => p / n);
}

function emptyErrors(data: Encoded): Errors {
  return data.workers.map(() => data.labels.map(() => null));
}

function fromMatrices(data: Encoded, matrices: ErrorMatrices, errors: Errors): void {
  const k = data.labels.length;
  data.workers.forEach((worker, w) => {
    for (const [observed, row] of Object.entries(matrices[worker] ?? {})) {
      const o = data.labels.indexOf(observed);
      if (o < 0) continue;
      const cells = errors[w]![o] ?? new Float64Array(k);
      errors[w]![o] = cells;
      data.labels.forEach((label, c) => {
        cells[c]! += row[label] ?? 0;
      });
    }
  });
}

function checkAssigned(data: Encoded, counts: Errors, matrices: ErrorMatrices): void {
  data.workers.forEach((worker, w) => {
    counts[w]!.forEach((row, o) => {
      if (row && matrices[worker]?.[data.labels[o]!] === undefined) throw new Error(`initialError has no row for worker "${worker}", label "${data.labels[o]}"`);
    });
  });
  const cells = Object.values(matrices).flatMap((rows) => Object.values(rows).flatMap((row) => Object.values(row)));
  if (cells.every((value) => value <= 1)) {
    for (const [worker, rows] of Object.entries(matrices)) {
      for (const label of data.labels) {
        const sum = Object.values(rows).reduce((total, row) => total + (row[label] ?? 0), 0);
        if (Math.abs(sum - 1) > 1e-5) throw new Error(`initialError: the column "${label}" of worker "${worker}" should sum to 1`);
      }
    }
  }
}

/**
 * Each worker's one-coin accuracy (the mean probability of the labels they gave), pulled toward the crowd's by
 * `strength` answers, so that a worker seen a few times is taken to be as good as the crowd.
 */
function oneCoinAccuracies(data: Encoded, probas: Matrix, strength: number): Float64Array {
  const k = data.labels.length;
  const right = new Float64Array(data.workers.length);
  const answered = new Float64Array(data.workers.length);
  for (let i = 0; i < data.task.length; i++) {
    right[data.worker[i]!]! += probas[data.task[i]! * k + data.label[i]!]!;
    answered[data.worker[i]!]! += 1;
  }
  const crowd = right.reduce((a, b) => a + b, 0) / Math.max(1, data.task.length);
  return right.map((r, w) => (r + strength * crowd) / (answered[w]! + strength));
}

/**
 * The Dirichlet prior of MAP-EM: `strength` pseudo-classifications per worker and true label, the worker's one-coin
 * accuracy on the true label and the rest evenly over the others, added to the counts of the labels the worker gave;
 * `missing[w][c]` is the prior's mass on the labels they never gave, which P(given | c) must leave room for.
 */
function oneCoinPrior(data: Encoded, probas: Matrix, counts: Errors, strength: number): Float64Array[] {
  const k = data.labels.length;
  const accuracies = oneCoinAccuracies(data, probas, strength);
  return counts.map((rows, w) => {
    const [right, wrong] = [strength * accuracies[w]!, k > 1 ? (strength * (1 - accuracies[w]!)) / (k - 1) : 0];
    const missing = new Float64Array(k);
    rows.forEach((row, o) => {
      for (let c = 0; c < k; c++) {
        const pseudo = c === o ? right : wrong;
        if (row) row[c]! += pseudo;
        else missing[c]! += pseudo;
      }
    });
    return missing;
  });
}

/**
 * M-step: expected confusion counts, clipped and normalised per worker and true label over the labels they gave;
 * with `smoothing`, plus a one-coin Dirichlet prior (`oneCoinPrior`) and normalised over every label.
 */
function mStep(data: Encoded, probas: Matrix, initial?: ErrorMatrices, strategy?: 'addition' | 'assign', smoothing = 0): Errors {
  const k = data.labels.length;
  let counts = emptyErrors(data);
  for (let i = 0; i < data.task.length; i++) {
    const rows = counts[data.worker[i]!]!;
    const row = rows[data.label[i]!] ?? new Float64Array(k);
    rows[data.label[i]!] = row;
    const base = data.task[i]! * k;
    for (let c = 0; c < k; c++) row[c]! += probas[base + c]!;
  }
  if (initial && strategy === 'addition') fromMatrices(data, initial, counts);
  if (initial && strategy === 'assign') {
    checkAssigned(data, counts, initial);
    counts = emptyErrors(data);
    fromMatrices(data, initial, counts);
  }
  const missing = smoothing > 0 ? oneCoinPrior(data, probas, counts, smoothing) : undefined;
  counts.forEach((rows, w) => {
    const sums = Float64Array.from(missing?.[w] ?? new Float64Array(k));
    for (const row of rows) if (row) for (let c = 0; c < k; c++) sums[c]! += row[c] = Math.max(row[c]!, EPS);
    for (const row of rows) if (row) for (let c = 0; c < k; c++) row[c]! /= sums[c]!;
  });
  return counts;
}

/** E-step in log space, each row shifted by its maximum before exponentiating. */
function eStep(data: Encoded, priors: Float64Array, errors: Errors): Matrix {
  const k = data.labels.length;
  const logs = new Float64Array(data.tasks.length * k);
  for (let t = 0; t < data.tasks.length; t++) for (let c = 0; c < k; c++) logs[t * k + c] = Math.log2(Math.max(priors[c]!, EPS));
  for (let i = 0; i < data.task.length; i++) {
    const row = errors[data.worker[i]!]![data.label[i]!];
    if (!row) continue;
    const base = data.task[i]! * k;
    for (let c = 0; c < k; c++) logs[base + c]! += Math.log2(row[c]!);
  }
  for (let t = 0; t < data.tasks.length; t++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logs[t * k + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += logs[t * k + c] = 2 ** (logs[t * k + c]! - max);
    for (let c = 0; c < k; c++) logs[t * k + c]! /= sum;
  }
  return logs;
}

function evidenceLowerBound(data: Encoded, probas: Matrix, priors: Float64Array, errors: Errors, objective: 'crowd-kit' | 'exact'): number {
  const k = data.labels.length;
  const logPriors = Array.from(priors, (p) => Math.log(Math.max(p, EPS)));
  let total = 0;
  for (let i = 0; i < data.task.length; i++) {
    const row = errors[data.worker[i]!]![data.label[i]!]!;
    const base = data.task[i]! * k;
    for (let c = 0; c < k; c++) total += probas[base + c]! * (Math.log(row[c]!) + (objective === 'crowd-kit' ? logPriors[c]! : 0));
  }
  if (objective === 'exact') for (let t = 0; t < data.tasks.length; t++) for (let c = 0; c < k; c++) total += probas[t * k + c]! * logPriors[c]!;
  for (const p of probas) {
    const q = Math.max(p, EPS);
    total -= q * Math.log(q);
  }
  return total / data.task.length;
}

function initialProbas(data: Encoded, answers: readonly CrowdAnswer[]): Matrix {
  const k = data.labels.length;
  const { probas } = majorityVote(answers);
  const matrix = new Float64Array(data.tasks.length * k);
  data.tasks.forEach((task, t) => {
    data.labels.forEach((label, c) => {
      matrix[t * k + c] = probas[task]![label] ?? 0;
    });
  });
  return matrix;
}

interface Model {
  /** Worker parameters from task probabilities; `first` marks the initial M-step. */
  mStep(probas: Matrix, first: boolean): Errors;
}

interface EmFit {
  probas: Matrix;
  priors: Float64Array;
  errors: Errors;
  lossHistory: number[];
}

/** EM, one iteration per step, so that a caller with other work to do (a worker's job locks) can pause between them. */
function* emSteps(data: Encoded, answers: readonly CrowdAnswer[], options: DawidSkeneOptions, model: Model): Generator<void, EmFit> {
  const { nIter = 100, tol = 1e-5, gold, objective = 'crowd-kit' } = options;
  let probas = initialProbas(data, answers);
  clampGold(data, probas, gold);
  let priors = priorsOf(data, probas);
  let errors = model.mStep(probas, true);
  const lossHistory: number[] = [];
  let loss = -Infinity;
  for (let iteration = 0; iteration < nIter; iteration++) {
    probas = eStep(data, priors, errors);
    clampGold(data, probas, gold);
    priors = priorsOf(data, probas);
    errors = model.mStep(probas, false);
    const next = evidenceLowerBound(data, probas, priors, errors, objective);
    lossHistory.push(next);
    if (next - loss < tol) break;
    loss = next;
    yield;
  }
  return { probas, priors, errors, lossHistory };
}

function runEm(data: Encoded, answers: readonly CrowdAnswer[], options: DawidSkeneOptions, model: Model): EmFit {
  const steps = emSteps(data, answers, options, model);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function decode(data: Encoded, fit: EmFit): DawidSkeneResult {
  const k = data.labels.length;
  const probas: Probabilities = Object.fromEntries(data.tasks.map((task, t) => [task, Object.fromEntries(data.labels.map((label, c) => [label, fit.probas[t * k + c]!]))]));
  const errors: ErrorMatrices = {};
  data.workers.forEach((worker, w) => {
    const rows: Record<string, Record<string, number>> = {};
    fit.errors[w]!.forEach((row, o) => {
      if (row) rows[data.labels[o]!] = Object.fromEntries(data.labels.map((label, c) => [label, row[c]!]));
    });
    errors[worker] = rows;
  });
  return {
    labels: mostProbableLabels(probas, data.labels),
    probas,
    priors: Object.fromEntries(data.labels.map((label, c) => [label, fit.priors[c]!])),
    errors,
    lossHistory: fit.lossHistory,
  };
}

const empty = (): OneCoinResult => ({ labels: {}, probas: {}, priors: {}, errors: {}, lossHistory: [], skills: {} });

/**
 * Dawid–Skene EM with a full confusion matrix per worker, step for step as crowd-kit does it: majority-vote
 * probabilities, priors as their mean, an M-step; then each iteration is E-step → priors → M-step.
 */
export function dawidSkene(answers: readonly CrowdAnswer[], options: DawidSkeneOptions = {}): DawidSkeneResult {
  if (answers.length === 0) return empty();
  const data = encode(answers, Object.values(options.gold ?? {}));
  return decode(data, runEm(data, answers, options, fullModel(data, options)));
}

/** `dawidSkene`, letting the event loop run between iterations (a million answers take about 0.65 s each). */
export async function dawidSkeneYielding(answers: readonly CrowdAnswer[], options: DawidSkeneOptions = {}): Promise<DawidSkeneResult> {
  if (answers.length === 0) return empty();
  const data = encode(answers, Object.values(options.gold ?? {}));
  const steps = emSteps(data, answers, options, fullModel(data, options));
  for (;;) {
    const step = steps.next();
    if (step.done) return decode(data, step.value);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A full confusion matrix per worker, with the initial error counts (if any) in the first M-step only. */
function fullModel(data: Encoded, { initialError, initialErrorStrategy, smoothing }: DawidSkeneOptions): Model {
  return { mStep: (probas, first) => (first ? mStep(data, probas, initialError, initialErrorStrategy, smoothing) : mStep(data, probas, undefined, undefined, smoothing)) };
}

/** One-coin Dawid–Skene: a worker is right with probability s and spreads errors evenly over the other labels. */
export function oneCoinDawidSkene(answers: readonly CrowdAnswer[], options: Omit<DawidSkeneOptions, 'initialError' | 'initialErrorStrategy'> = {}): OneCoinResult {
  if (answers.length === 0) return empty();
  const data = encode(answers, Object.values(options.gold ?? {}));
  const k = data.labels.length;
  let skills: Float64Array = new Float64Array(0);
  const model: Model = {
    mStep: (probas) => {
      skills = oneCoinAccuracies(data, probas, 0);
      const errors = emptyErrors(data);
      for (let i = 0; i < data.task.length; i++) {
        const [w, o] = [data.worker[i]!, data.label[i]!];
        if (errors[w]![o]) continue;
        const s = skills[w]!;
        const wrong = k > 1 ? (1 - s) / (k - 1) : 0;
        errors[w]![o] = Float64Array.from({ length: k }, (_, c) => Math.min(1 - EPS, Math.max(EPS, c === o ? s : wrong)));
      }
      return errors;
    },
  };
  const result = decode(data, runEm(data, answers, options, model));
  return { ...result, skills: Object.fromEntries(data.workers.map((worker, w) => [worker, skills[w]!])) };
}
