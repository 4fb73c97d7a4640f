import { OnlineBayesModel } from './bayes';
import type { CrowdAnswer } from './crowd';
import { decideRetirement } from './retirement';
import { pickWeighted, seededRandom, uniformBetween } from './random';
import { pluralityVote } from './vote';
import type { RetirementRule } from '@chorus/tasks';

/**
 * A seeded volunteer simulator for evaluating reducers and retirement rules: subjects with known answers
 * (optionally imbalanced), and volunteers of several kinds with their own confusion matrices and activity.
 */

export type VolunteerKind = 'expert' | 'casual' | 'spammer' | 'adversary';

export interface SimulatedVolunteer {
  id: string;
  kind: VolunteerKind;
  /** confusion[true][observed] = P(observed | true). */
  confusion: Record<string, Record<string, number>>;
}

export interface PopulationConfig {
  seed: number;
  subjects: number;
  goldSubjects: number;
  volunteers: number;
  answers: readonly string[];
  /** Class frequencies of the true answers. */
  classPrior: Record<string, number>;
  mix: Record<VolunteerKind, number>;
  /** Zipf exponent of volunteer activity: a few volunteers do most of the work, as on Zooniverse. */
  activityExponent: number;
}

export const DEFAULT_POPULATION: PopulationConfig = {
  seed: 42,
  subjects: 2000,
  goldSubjects: 100,
  volunteers: 200,
  answers: ['yes', 'no'],
  classPrior: { yes: 0.2, no: 0.8 },
  mix: { expert: 0.4, casual: 0.3, spammer: 0.15, adversary: 0.15 },
  activityExponent: 1,
};

export interface Population {
  config: PopulationConfig;
  truth: Record<string, string>;
  gold: Record<string, string>;
  subjects: string[];
  volunteers: SimulatedVolunteer[];
  /** Cumulative activity weights, for drawing the next volunteer. */
  activity: number[];
}

function confusionFor(kind: VolunteerKind, answers: readonly string[], random: () => number): Record<string, Record<string, number>> {
  const k = answers.length;
  const spread = (truth: string, accuracy: number) => Object.fromEntries(answers.map((a) => [a, a === truth ? accuracy : (1 - accuracy) / (k - 1)]));
  if (kind === 'spammer') {
    // Answers without looking: the same distribution whatever the truth (often "always the same button").
    const raw = answers.map(() => random() ** 3);
    const sum = raw.reduce((a, b) => a + b, 0);
    const row = Object.fromEntries(answers.map((a, i) => [a, raw[i]! / sum]));
    return Object.fromEntries(answers.map((truth) => [truth, { ...row }]));
  }
  const range: Record<Exclude<VolunteerKind, 'spammer'>, [number, number]> = { expert: [0.8, 0.97], casual: [0.55, 0.8], adversary: [0.1, 0.35] };
  const [low, high] = range[kind];
  return Object.fromEntries(answers.map((truth) => [truth, spread(truth, uniformBetween(random, low, high))]));
}

function drawFrom(random: () => number, distribution: Record<string, number>, answers: readonly string[]): string {
  let target = random();
  for (const answer of answers) {
    target -= distribution[answer] ?? 0;
    if (target < 0) return answer;
  }
  return answers[answers.length - 1]!;
}

export function simulatePopulation(config: PopulationConfig = DEFAULT_POPULATION): Population {
  const random = seededRandom(config.seed);
  const { answers } = config;
  const truth: Record<string, string> = {};
  const gold: Record<string, string> = {};
  const subjects: string[] = [];
  for (let i = 0; i < config.subjects; i++) {
    const id = `s${i}`;
    subjects.push(id);
    truth[id] = drawFrom(random, config.classPrior, answers);
  }
  for (let i = 0; i < config.goldSubjects; i++) gold[`g${i}`] = drawFrom(random, config.classPrior, answers);
  const kinds = Object.keys(config.mix) as VolunteerKind[];
  const volunteers = Array.from({ length: config.volunteers }, (_, i): SimulatedVolunteer => {
    const kind = drawFrom(random, config.mix, kinds) as VolunteerKind;
    return { id: `v${i}`, kind, confusion: confusionFor(kind, answers, random) };
  });
  // Activity ranks are shuffled so that kind and activity are independent.
  const ranks = volunteers.map((_, i) => i + 1).sort(() => random() - 0.5);
  const activity: number[] = [];
  ranks.reduce((sum, rank, i) => (activity[i] = sum + rank ** -config.activityExponent), 0);
  return { config, truth, gold, subjects, volunteers, activity };
}

export function simulatedAnswer(random: () => number, volunteer: SimulatedVolunteer, truth: string, answers: readonly string[]): string {
  return drawFrom(random, volunteer.confusion[truth]!, answers);
}

/**
 * Every subject classified by `perSubject` distinct volunteers, for batch algorithms. With `correlation` ρ > 0, each
 * subject has a look that misleads (the wrong answer, drawn once per subject, with probability `misleading`, 0.3 by
 * default) and each volunteer who is not a spammer answers what the subject looks like with probability ρ, their own
 * confusion otherwise: volunteers then err together on the same subjects, as on a faint or ambiguous image.
 */
export function simulateAnswers(population: Population, perSubject: number, seed = population.config.seed + 1, correlated?: { correlation: number; misleading?: number }): CrowdAnswer[] {
  const random = seededRandom(seed);
  const { answers } = population.config;
  const result: CrowdAnswer[] = [];
  for (const subject of population.subjects) {
    const looks = correlated ? subjectLook(random, population.truth[subject]!, answers, correlated.misleading ?? 0.3) : undefined;
    const seen = new Set<number>();
    while (seen.size < Math.min(perSubject, population.volunteers.length)) {
      const v = pickWeighted(random, population.activity);
      if (seen.has(v)) continue;
      seen.add(v);
      const volunteer = population.volunteers[v]!;
      const copies = looks !== undefined && volunteer.kind !== 'spammer' && random() < correlated!.correlation;
      result.push({ worker: volunteer.id, task: subject, label: copies ? looks : simulatedAnswer(random, volunteer, population.truth[subject]!, answers) });
    }
  }
  return result;
}

/** What a subject looks like: its true answer, or with probability `misleading` one of the others. */
function subjectLook(random: () => number, truth: string, answers: readonly string[], misleading: number): string {
  if (random() >= misleading) return truth;
  const others = answers.filter((answer) => answer !== truth);
  return others[Math.floor(random() * others.length)] ?? truth;
}

export interface RetirementRun {
  labels: Record<string, string | null>;
  accuracy: number;
  /** Classifications of real subjects, per subject. */
  perSubject: number;
  /** Gold-standard classifications shown to train the model, per real subject. */
  goldPerSubject: number;
}

export interface RetirementSimulation {
  /** The rule of task `T0`; `posterior` rules use the online Bayesian model, the others plurality vote. */
  rule: RetirementRule;
  /** Share of a volunteer's early classifications that are gold, until they have seen `goldPerVolunteer`. */
  goldRate?: number;
  goldPerVolunteer?: number;
  /** Confidence at which a retired subject's consensus teaches the model about its volunteers (kSWAP). */
  learnFromConsensusAt?: number;
  seed?: number;
}

/**
 * Streams classifications the way a live project receives them: a volunteer (drawn by activity) gets a random
 * active subject they have not seen; after each classification the retirement rule is checked, as the worker does.
 */
export function simulateRetirement(population: Population, options: RetirementSimulation): RetirementRun {
  const random = seededRandom(options.seed ?? population.config.seed + 2);
  const { answers } = population.config;
  const { goldRate = 0, goldPerVolunteer = 0, learnFromConsensusAt = 0.99 } = options;
  const priorAnswer = options.rule.rule === 'posterior' ? options.rule.answer : undefined;
  const subjectPrior = options.rule.rule === 'posterior' && answers.length === 2 ? Object.fromEntries(answers.map((a) => [a, a === priorAnswer ? (options.rule as { prior: number }).prior : 1 - (options.rule as { prior: number }).prior])) : undefined;
  const model = new OnlineBayesModel(answers, subjectPrior);
  const goldIds = Object.keys(population.gold);
  const active = [...population.subjects];
  const seen = new Map<string, Set<number>>();
  const votes = new Map<string, string[]>();
  const goldSeen = population.volunteers.map(() => new Set<string>());
  const labels: Record<string, string | null> = {};
  let spent = 0;
  let goldSpent = 0;
  const retire = (index: number) => {
    const subject = active[index]!;
    active[index] = active[active.length - 1]!;
    active.pop();
    if (options.rule.rule === 'posterior') {
      const posterior = model.posterior(subject);
      labels[subject] = answers.reduce((best, a) => (posterior[a]! > posterior[best]! ? a : best), answers[0]!);
      model.learnConsensus(subject, learnFromConsensusAt);
    } else labels[subject] = pluralityVote((votes.get(subject) ?? []).map((answer) => ({ answer }))).leaders[0] ?? null;
  };
  let stalls = 0;
  while (active.length > 0 && stalls < 100_000) {
    const v = pickWeighted(random, population.activity);
    const volunteer = population.volunteers[v]!;
    if (goldSeen[v]!.size < goldPerVolunteer && random() < goldRate) {
      const goldId = goldIds.find((id) => !goldSeen[v]!.has(id));
      if (goldId) {
        goldSeen[v]!.add(goldId);
        model.learnGold(volunteer.id, population.gold[goldId]!, simulatedAnswer(random, volunteer, population.gold[goldId]!, answers));
        goldSpent++;
        continue;
      }
    }
    const index = Math.floor(random() * active.length);
    const subject = active[index]!;
    const subjectSeen = seen.get(subject) ?? seen.set(subject, new Set()).get(subject)!;
    if (subjectSeen.has(v)) {
      stalls++;
      continue;
    }
    subjectSeen.add(v);
    const answer = simulatedAnswer(random, volunteer, population.truth[subject]!, answers);
    spent++;
    const subjectVotes = [...(votes.get(subject) ?? []), answer];
    votes.set(subject, subjectVotes);
    const posterior = model.classify(subject, volunteer.id, answer);
    const { answer: consensus, agreement } = pluralityVote(subjectVotes.map((a) => ({ answer: a })));
    const decision = decideRetirement(options.rule, { count: subjectVotes.length, tasks: { T0: { answer: consensus, agreement, votes: subjectVotes.length, posterior } } });
    if (decision.retire || subjectSeen.size >= population.volunteers.length) retire(index);
  }
  const subjects = population.subjects;
  const right = subjects.filter((s) => labels[s] === population.truth[s]).length;
  return { labels, accuracy: right / subjects.length, perSubject: spent / subjects.length, goldPerSubject: goldSpent / subjects.length };
}
