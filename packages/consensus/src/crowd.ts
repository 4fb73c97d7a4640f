/** One worker's label for one task, the input shape shared by the batch (crowd-kit style) algorithms. */
export interface CrowdAnswer {
  worker: string;
  task: string;
  label: string;
}

export type Probabilities = Record<string, Record<string, number>>;

/** Sorted distinct values, compared by code unit like Python's string sort. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The most probable label; an exact tie goes to the first label in `labels` order. Crowd-kit takes pandas `idxmax`
 * over sorted label columns, so passing sorted labels reproduces its tie-breaking.
 */
export function mostProbable(probabilities: Record<string, number>, labels: readonly string[]): string | null {
  let best: string | null = null;
  let bestValue = -Infinity;
  for (const label of labels) {
    const value = probabilities[label] ?? 0;
    if (value > bestValue) {
      best = label;
      bestValue = value;
    }
  }
  return best;
}

export function mostProbableLabels(probas: Probabilities, labels: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [task, row] of Object.entries(probas)) result[task] = mostProbable(row, labels)!;
  return result;
}

/** The value under `key`, created by `make` when absent. */
export function getOrCreate<K extends PropertyKey, V>(record: Record<K, V>, key: K, make: () => V): V {
  if (record[key] === undefined) record[key] = make();
  return record[key];
}

/** Gold (known) labels per task; a task may have more than one acceptable label. */
export type GoldLabels = Record<string, string | readonly string[]>;

export function goldSet(gold: GoldLabels, task: string): readonly string[] | undefined {
  const value = gold[task];
  return value === undefined ? undefined : typeof value === 'string' ? [value] : value;
}
