import { type CrowdAnswer, type GoldLabels, type Probabilities, getOrCreate, goldSet, mostProbableLabels, sortedUnique } from './crowd';

export interface MajorityVoteOptions {
  /** Fixed worker weights; without them every answer weighs 1 and skills are measured against the result. */
  skills?: Record<string, number>;
  /** What to do with a worker missing from `skills` (crowd-kit's `on_missing_skill`). */
  onMissingSkill?: 'error' | 'ignore' | 'value';
  defaultSkill?: number;
}

export interface ClassificationResult {
  labels: Record<string, string>;
  probas: Probabilities;
  skills: Record<string, number>;
}

function weightOf(worker: string, options: MajorityVoteOptions): number | undefined {
  const skill = options.skills?.[worker];
  if (skill !== undefined || !options.skills) return skill ?? 1;
  switch (options.onMissingSkill ?? 'error') {
    case 'value':
      if (options.defaultSkill === undefined) throw new Error('onMissingSkill "value" needs a defaultSkill');
      return options.defaultSkill;
    case 'ignore':
      return undefined;
    case 'error':
      throw new Error(`no skill for worker "${worker}"`);
  }
}

/** Share of each worker's answers that equal the aggregated label (crowd-kit's `get_accuracy(by="worker")`). */
export function workerAccuracy(answers: readonly CrowdAnswer[], labels: Record<string, string | readonly string[]>): Record<string, number> {
  const tally: Record<string, [number, number]> = {};
  for (const { worker, task, label } of answers) {
    const truth = goldSet(labels as GoldLabels, task);
    if (!truth) continue;
    const entry = getOrCreate(tally, worker, (): [number, number] => [0, 0]);
    entry[0] += truth.includes(label) ? 1 : 0;
    entry[1] += 1;
  }
  return Object.fromEntries(Object.entries(tally).map(([worker, [right, total]]) => [worker, right / total]));
}

/** Weighted majority vote with crowd-kit's output shape: labels, per-task probabilities and worker skills. */
export function majorityVote(answers: readonly CrowdAnswer[], options: MajorityVoteOptions = {}): ClassificationResult {
  const labelSet = sortedUnique(answers.map((a) => a.label));
  const sums: Probabilities = {};
  const used: CrowdAnswer[] = [];
  for (const answer of answers) {
    const weight = weightOf(answer.worker, options);
    if (weight === undefined) continue;
    used.push(answer);
    const row = getOrCreate(sums, answer.task, () => Object.fromEntries(labelSet.map((label) => [label, 0])));
    row[answer.label]! += weight;
  }
  if (answers.length > 0 && used.length === 0) throw new Error('no answer has a known worker skill');
  const probas: Probabilities = {};
  for (const [task, row] of Object.entries(sums)) {
    const total = Object.values(row).reduce((a, b) => a + b, 0);
    probas[task] = Object.fromEntries(labelSet.map((label) => [label, total > 0 ? row[label]! / total : 1 / labelSet.length]));
  }
  const labels = mostProbableLabels(probas, labelSet);
  const skills = options.skills
    ? Object.fromEntries(sortedUnique(used.map((a) => a.worker)).map((worker) => [worker, weightOf(worker, options)!]))
    : workerAccuracy(used, labels);
  return { labels, probas, skills };
}

/** Worker Agreement with Aggregate: skills from agreement with plain majority vote, then a vote weighted by them. */
export function wawa(answers: readonly CrowdAnswer[]): ClassificationResult {
  const { skills } = majorityVote(answers);
  const { labels, probas } = majorityVote(answers, { skills, onMissingSkill: 'ignore' });
  return { labels, probas, skills };
}

/** Skills are accuracies on gold tasks (any of a task's gold labels counts as right), then a vote weighted by them. */
export function goldMajorityVote(answers: readonly CrowdAnswer[], gold: GoldLabels): ClassificationResult {
  const skills = workerAccuracy(answers, gold);
  const { labels, probas } = majorityVote(answers, { skills, onMissingSkill: 'ignore' });
  return { labels, probas, skills };
}
