import { getOrCreate } from './crowd';
import { dawidSkeneYielding } from './dawid-skene';

/**
 * Online Bayesian model for single-choice tasks, in the spirit of SWAP / kSWAP (Marshall et al. 2016): each
 * volunteer has a confusion matrix smoothed by Dirichlet pseudo-counts, learned from gold standard and consensus
 * (`learnSkills`: Dawid–Skene; `OnlineBayesModel`: one subject at a time); a subject's posterior is updated by Bayes'
 * rule with every classification.
 */

/** counts[true][observed]: how often a volunteer answered `observed` when the answer was `true` (may be fractional). */
export type ConfusionCounts = Record<string, Record<string, number>>;
export type VolunteerSkills = Record<string, ConfusionCounts>;

export interface SkillPrior {
  /** A volunteer never seen on gold or consensus is assumed to be right this often. */
  accuracy: number;
  /** Weight of that assumption, in pseudo-classifications per true answer. */
  strength: number;
}

export const DEFAULT_SKILL_PRIOR: SkillPrior = { accuracy: 0.7, strength: 2 };

export interface VolunteerVote {
  /** Unknown volunteers (e.g. guests without history) get the prior confusion matrix. */
  volunteer?: string;
  answer: string;
}

/** P(observed | true) for one volunteer: counts plus Dirichlet pseudo-counts, normalised per true answer. */
export function confusionMatrix(counts: ConfusionCounts | undefined, answers: readonly string[], prior: SkillPrior = DEFAULT_SKILL_PRIOR): Record<string, Record<string, number>> {
  const k = answers.length;
  const right = prior.strength * prior.accuracy;
  const wrong = k > 1 ? (prior.strength * (1 - prior.accuracy)) / (k - 1) : 0;
  return Object.fromEntries(
    answers.map((truth) => {
      const row = counts?.[truth] ?? {};
      const cells = answers.map((observed) => (row[observed] ?? 0) + (observed === truth ? right : wrong));
      const total = cells.reduce((a, b) => a + b, 0);
      return [truth, Object.fromEntries(answers.map((observed, i) => [observed, cells[i]! / total]))];
    }),
  );
}

function normalise(logs: number[], answers: readonly string[]): Record<string, number> {
  const max = Math.max(...logs);
  const weights = logs.map((log) => Math.exp(log - max));
  const sum = weights.reduce((a, b) => a + b, 0);
  return Object.fromEntries(answers.map((answer, i) => [answer, weights[i]! / sum]));
}

function uniform(answers: readonly string[]): Record<string, number> {
  return Object.fromEntries(answers.map((answer) => [answer, 1 / answers.length]));
}

/** The subject's posterior after one more classification. */
export function updatePosterior(
  posterior: Record<string, number>,
  vote: VolunteerVote,
  answers: readonly string[],
  skills: VolunteerSkills,
  prior: SkillPrior = DEFAULT_SKILL_PRIOR,
): Record<string, number> {
  if (!answers.includes(vote.answer)) return posterior;
  const matrix = confusionMatrix(vote.volunteer === undefined ? undefined : skills[vote.volunteer], answers, prior);
  return normalise(answers.map((truth) => Math.log(posterior[truth] ?? 0) + Math.log(matrix[truth]![vote.answer]!)), answers);
}

/** The posterior of each answer given every vote so far, each volunteer weighed by their confusion matrix. */
export function posteriorFor(
  votes: readonly VolunteerVote[],
  answers: readonly string[],
  skills: VolunteerSkills = {},
  subjectPrior: Record<string, number> = uniform(answers),
  prior: SkillPrior = DEFAULT_SKILL_PRIOR,
): Record<string, number> {
  return votes.reduce((posterior, vote) => updatePosterior(posterior, vote, answers, skills, prior), normalise(answers.map((a) => Math.log(subjectPrior[a] ?? 0)), answers));
}

/** Adds one classification whose true answer is known (gold) or believed (a distribution from consensus). */
export function recordOutcome(skills: VolunteerSkills, volunteer: string, truth: string | Record<string, number>, observed: string, weight = 1): void {
  const counts = getOrCreate(skills, volunteer, () => ({}));
  const distribution = typeof truth === 'string' ? { [truth]: 1 } : truth;
  for (const [label, p] of Object.entries(distribution)) {
    if (p <= 0) continue;
    const row = getOrCreate(counts, label, (): Record<string, number> => ({}));
    row[observed] = (row[observed] ?? 0) + weight * p;
  }
}

export interface LearnSkillsOptions {
  /** Known answers per subject, held fixed while the others are estimated. */
  gold?: Record<string, string>;
}

/**
 * Volunteer confusion counts by Dawid–Skene: EM over every classification of the task estimates each subject's answer
 * (known answers held fixed) and each volunteer's confusion together, to convergence; each classification then counts
 * toward its volunteer's matrix in proportion to that estimate. One knowledge step from confident consensus (kSWAP)
 * needs many runs, each after a re-aggregation, to get as far (bluebirds: 0.852 after one, 0.898 after four).
 * EM itself is smoothed (`SMOOTHING_PER_ANSWER`). Every volunteer's counts are then pulled toward the crowd's
 * (`CROWD_PSEUDO_CLASSIFICATIONS`).
 */
export async function learnSkills(classifications: readonly { volunteer: string; subject: string; answer: string }[], { gold = {} }: LearnSkillsOptions = {}): Promise<VolunteerSkills> {
  const fit = await dawidSkeneYielding(
    classifications.map(({ volunteer, subject, answer }) => ({ worker: volunteer, task: subject, label: answer })),
    { gold, objective: 'exact', smoothing: SMOOTHING_PER_ANSWER * new Set([...classifications.map((c) => c.answer), ...Object.values(gold)]).size },
  );
  const skills: VolunteerSkills = {};
  for (const { volunteer, subject, answer } of classifications) recordOutcome(skills, volunteer, fit.probas[subject]!, answer);
  return towardTheCrowd(skills, CROWD_PSEUDO_CLASSIFICATIONS);
}

/**
 * Dawid–Skene's EM estimates, for every volunteer, P(answer | true answer) for every pair of answers: with 12 species
 * and a few dozen answers each, most of a volunteer's rows rest on one subject or none. Plain EM then reads a row
 * with no data as "any of the answers they ever gave, evenly" and a cell with no data as impossible, and settles
 * where a subject that three volunteers called impala and one honey badger is a honey badger, each impala voter's
 * honey-badger row then resting on that one subject (a camera-trap project: 3 to 6 answers per subject, volunteers
 * right 65 to 95 % of the time, errors at random, 20 runs: bayes overturned 28 three-vote majorities and was right on
 * 2,890 of 3,200 subjects against 3,023 for a vote). So EM is MAP-EM: each row gets a Dirichlet prior of this many
 * pseudo-classifications per answer given to the task (as much as Jeffreys' prior; 1 for yes/no, 6 for 12 species),
 * shaped as the volunteer's own one-coin model (right as often as over all their answers, errors spread evenly), which
 * a row's own answers outweigh as they come. There: none overturned, 3,092 right. Twice as much costs bluebirds (0.898 → 0.889).
 */
export const SMOOTHING_PER_ANSWER = 0.5;

/**
 * Pseudo-classifications per true answer, spread as the crowd's pooled answers, added to every volunteer's counts. With
 * few answers per subject, EM's consensus follows each volunteer's own answers, so a volunteer's learned confusion is
 * sure of itself on a few dozen answers (never wrong when the answer was "no") and one such volunteer outweighs two
 * others: 3 answers per subject, 60 per volunteer, bayes overturned 13 two-to-one majorities, 11 wrongly. Pulled toward
 * the crowd by as many answers as 20, a volunteer's skill departs from it only as far as their own answers show (a
 * spammer's, an adversary's far), and far fewer majorities are overturned on chance; 15 to 30 do about as well, 10
 * too little, 40 costs bluebirds (`bench/README.md`).
 */
export const CROWD_PSEUDO_CLASSIFICATIONS = 20;

/** Each volunteer's counts plus `strength` classifications per true answer, spread as every volunteer's counts pooled. */
function towardTheCrowd(skills: VolunteerSkills, strength: number): VolunteerSkills {
  const crowd: VolunteerSkills = {};
  for (const counts of Object.values(skills)) {
    for (const [truth, row] of Object.entries(counts)) for (const [observed, n] of Object.entries(row)) recordOutcome(crowd, 'all', truth, observed, n);
  }
  for (const [truth, row] of Object.entries(crowd.all ?? {})) {
    const total = Object.values(row).reduce((a, b) => a + b, 0);
    if (total <= 0) continue;
    for (const volunteer of Object.keys(skills)) for (const [observed, n] of Object.entries(row)) recordOutcome(skills, volunteer, truth, observed, (strength * n) / total);
  }
  return skills;
}

/** What a volunteer's learned counts say, in a researcher's words (`skillSummary`). */
export interface SkillSummary {
  /** The share of the counts on the right answer: how often, as learned, the volunteer's answer is the true one. */
  accuracy: number;
  /** How many of the volunteer's own answers the counts rest on (the crowd's pseudo-classifications left out). */
  answers: number;
  /** Per true answer, the share of the counts given as each answer: P(given | true), as learned. */
  confusion: ConfusionCounts;
}

/**
 * A volunteer's counts as `learnSkills` stores them, summarised. Each of the volunteer's answers adds 1 to the counts,
 * and `towardTheCrowd` adds `CROWD_PSEUDO_CLASSIFICATIONS` to each true answer's row (every volunteer has every row the
 * crowd has), so what is left is the volunteer's own answers; the accuracy includes the crowd's pull, as the posterior
 * weighs it: a volunteer seen a few times is close to the crowd.
 */
export function skillSummary(counts: ConfusionCounts): SkillSummary {
  let [right, total] = [0, 0];
  const confusion: ConfusionCounts = {};
  for (const [truth, row] of Object.entries(counts)) {
    const sum = Object.values(row).reduce((a, b) => a + b, 0);
    right += row[truth] ?? 0;
    total += sum;
    confusion[truth] = Object.fromEntries(Object.entries(row).map(([given, n]) => [given, sum > 0 ? n / sum : 0]));
  }
  const answers = Math.max(0, Math.round(total - CROWD_PSEUDO_CLASSIFICATIONS * Object.keys(counts).length));
  return { accuracy: total > 0 ? right / total : 0, answers, confusion };
}

/**
 * Whether two estimates of a task's skills differ by more than `tolerance` (in classifications) in any cell of any
 * volunteer's counts, a cell one has and the other lacks counting as 0; a volunteer only one of them has differs.
 */
export function skillsDiffer(a: VolunteerSkills, b: VolunteerSkills, tolerance: number): boolean {
  const volunteers = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const volunteer of volunteers) {
    const [left, right] = [a[volunteer], b[volunteer]];
    if (!left || !right) return true;
    for (const truth of new Set([...Object.keys(left), ...Object.keys(right)])) {
      for (const observed of new Set([...Object.keys(left[truth] ?? {}), ...Object.keys(right[truth] ?? {})])) {
        if (Math.abs((left[truth]?.[observed] ?? 0) - (right[truth]?.[observed] ?? 0)) > tolerance) return true;
      }
    }
  }
  return false;
}

/**
 * A stream of classifications: subjects' posteriors are updated one classification at a time, gold answers
 * teach the model at once, and a retired subject's confident consensus teaches it about the volunteers who saw it.
 */
export class OnlineBayesModel {
  readonly skills: VolunteerSkills = {};
  private readonly posteriors = new Map<string, Record<string, number>>();
  private readonly votes = new Map<string, VolunteerVote[]>();

  constructor(
    readonly answers: readonly string[],
    readonly subjectPrior: Record<string, number> = uniform(answers),
    readonly skillPrior: SkillPrior = DEFAULT_SKILL_PRIOR,
  ) {}

  posterior(subject: string): Record<string, number> {
    return this.posteriors.get(subject) ?? { ...this.subjectPrior };
  }

  classify(subject: string, volunteer: string, answer: string): Record<string, number> {
    const vote = { volunteer, answer };
    const next = updatePosterior(this.posterior(subject), vote, this.answers, this.skills, this.skillPrior);
    this.posteriors.set(subject, next);
    this.votes.set(subject, [...(this.votes.get(subject) ?? []), vote]);
    return next;
  }

  learnGold(volunteer: string, truth: string, answer: string): void {
    recordOutcome(this.skills, volunteer, truth, answer);
  }

  /** Teaches the model from a finished subject when its best answer reaches `confidence`. */
  learnConsensus(subject: string, confidence = 0.95, weight = 1): boolean {
    const posterior = this.posterior(subject);
    if (Math.max(...Object.values(posterior)) < confidence) return false;
    for (const vote of this.votes.get(subject) ?? []) recordOutcome(this.skills, vote.volunteer!, posterior, vote.answer, weight);
    return true;
  }
}
