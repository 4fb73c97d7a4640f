import type { RetirementRule, SingleTask, WorkflowDefinition } from '@chorus/tasks';
import { symmetricPosterior } from './posterior';
import { type RetirementDecision, type RetirementState, decideRetirement } from './retirement';
import { pluralityVote } from './vote';

/** One classification as aggregation sees it. */
export interface ClassificationRecord {
  id: string;
  annotations: { task: string; value: unknown }[];
  /** False for gold-standard subjects and classifications that arrived after retirement. */
  countsTowardRetirement: boolean;
}

export interface TaskConsensus {
  task: string;
  answer: string | null;
  agreement: number | null;
  votes: number;
  algorithm: string;
  parameters: Record<string, unknown>;
  result: Record<string, unknown>;
}

/** Until a volunteer-skill model is fitted, every volunteer is assumed to pick the true answer this often. */
export const DEFAULT_VOLUNTEER_ACCURACY = 0.7;

function reduceSingle(key: string, task: SingleTask, classifications: readonly ClassificationRecord[], prior?: number, trackedAnswer?: string): TaskConsensus {
  const votes = classifications.flatMap((c) => c.annotations.filter((a) => a.task === key && typeof a.value === 'string').map((a) => ({ answer: a.value as string })));
  const vote = pluralityVote(votes);
  const answers = task.answers.map((answer) => answer.value);
  const priors = prior !== undefined && trackedAnswer !== undefined && answers.length === 2
    ? Object.fromEntries(answers.map((answer) => [answer, answer === trackedAnswer ? prior : 1 - prior]))
    : {};
  const posterior = symmetricPosterior(vote.counts, answers, DEFAULT_VOLUNTEER_ACCURACY, priors);
  return {
    task: key,
    answer: vote.answer,
    agreement: vote.agreement,
    votes: vote.votes,
    algorithm: 'plurality-vote',
    parameters: { accuracy: DEFAULT_VOLUNTEER_ACCURACY },
    result: { counts: vote.counts, leaders: vote.leaders, posterior },
  };
}

/** The posterior rule of a task, if the workflow's retirement uses one, for its prior. */
function posteriorRuleFor(rule: RetirementRule, task: string): Extract<RetirementRule, { rule: 'posterior' }> | undefined {
  if (rule.rule === 'posterior' && rule.task === task) return rule;
  if (rule.rule === 'any') return rule.rules.map((inner) => posteriorRuleFor(inner, task)).find(Boolean);
  return undefined;
}

/** Reduces every task that has a reducer (for now: `single`) from all classifications of one subject. */
export function reduceSubject(definition: WorkflowDefinition, classifications: readonly ClassificationRecord[]): TaskConsensus[] {
  return Object.entries(definition.tasks).flatMap(([key, task]) => {
    if (task.type !== 'single') return [];
    const rule = posteriorRuleFor(definition.retirement, key);
    return [reduceSingle(key, task, classifications, rule?.prior, rule?.answer)];
  });
}

function retirementState(definition: WorkflowDefinition, counted: readonly ClassificationRecord[]): RetirementState {
  const tasks = Object.fromEntries(reduceSubject(definition, counted).map((c) => [c.task, { agreement: c.agreement, posterior: c.result.posterior as Record<string, number> }]));
  return { count: counted.length, tasks };
}

/**
 * Replays the counted classifications in order and retires at the first one after which the rule is met, so that
 * the reason and the triggering classification are the same however late aggregation runs.
 */
export function findRetirement(
  definition: WorkflowDefinition,
  classifications: readonly ClassificationRecord[],
): { decision: RetirementDecision; triggeredBy?: string } {
  const counted = classifications.filter((c) => c.countsTowardRetirement);
  for (let n = 1; n <= counted.length; n++) {
    const decision = decideRetirement(definition.retirement, retirementState(definition, counted.slice(0, n)));
    if (decision.retire) return { decision, triggeredBy: counted[n - 1]!.id };
  }
  return { decision: { retire: false } };
}
