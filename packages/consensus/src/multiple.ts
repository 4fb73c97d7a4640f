import { type VolunteerSkills, posteriorFor } from './bayes';
import type { CrowdAnswer } from './crowd';
import { type DawidSkeneOptions, type DawidSkeneResult, dawidSkene } from './dawid-skene';

export interface MultipleClassification {
  volunteer?: string;
  /** The answer values the volunteer ticked. */
  value: readonly string[];
}

export interface MultipleAnswerConsensus {
  answer: string;
  /** Volunteers who ticked it. */
  votes: number;
  /** Share of volunteers who ticked it. */
  share: number;
  /** Probability that the answer applies, from the per-answer binary model. */
  probability: number;
  selected: boolean;
}

export interface MultipleOptions {
  /** Per answer, volunteers' yes/no confusion counts (true/observed in {"yes", "no"}). */
  skills?: Record<string, VolunteerSkills>;
  /** Prior probability that an answer applies. */
  prior?: number;
  /** An answer is selected when its probability exceeds this. */
  threshold?: number;
}

const BINARY = ['yes', 'no'] as const;

/** Turns ticked answers into one yes/no vote per answer, unticked meaning "no". */
export function binaryVotes(classifications: readonly MultipleClassification[], answer: string) {
  return classifications.map((c) => ({ volunteer: c.volunteer, answer: c.value.includes(answer) ? 'yes' : 'no' }));
}

/** One binary model per answer: each answer is decided on its own from who ticked it and who did not. */
export function reduceMultiple(classifications: readonly MultipleClassification[], answers: readonly string[], options: MultipleOptions = {}): MultipleAnswerConsensus[] {
  const { prior = 0.5, threshold = 0.5 } = options;
  const n = classifications.length;
  return answers.map((answer) => {
    const votes = binaryVotes(classifications, answer);
    const yes = votes.filter((v) => v.answer === 'yes').length;
    const probability = posteriorFor(votes, BINARY, options.skills?.[answer] ?? {}, { yes: prior, no: 1 - prior }).yes!;
    return { answer, votes: yes, share: n ? yes / n : 0, probability, selected: n > 0 && probability > threshold };
  });
}

/** Batch version: Dawid–Skene on each answer's yes/no votes over many subjects. */
export function multipleDawidSkene(
  classifications: readonly { worker: string; task: string; value: readonly string[] }[],
  answers: readonly string[],
  options: DawidSkeneOptions = {},
): Record<string, DawidSkeneResult> {
  return Object.fromEntries(
    answers.map((answer) => {
      const binary: CrowdAnswer[] = classifications.map((c) => ({ worker: c.worker, task: c.task, label: c.value.includes(answer) ? 'yes' : 'no' }));
      return [answer, dawidSkene(binary, options)];
    }),
  );
}
