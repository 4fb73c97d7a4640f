import type { RetirementRule } from '@chorus/tasks';

/** What a retirement rule may look at for one subject. */
export interface RetirementState {
  /** Classifications that count toward retirement (not gold standard, not after retirement). */
  count: number;
  /**
   * Per task: the consensus answer (null for a tie or no answer), its agreement, the answers it was reached from
   * (fewer than `count` where a branch skips the task or a version cannot read some), and the posterior probability
   * of each answer where known.
   */
  tasks: Record<string, { answer: string | null; agreement: number | null; votes: number; posterior?: Record<string, number> }>;
  /**
   * Whether the consensus of `task` holds `answer` (an agreement rule's): the same answer, or, for a multiple-choice or
   * tagging task, one of its list (`consensusHolds`). Absent, the consensus answer must be `answer` itself.
   */
  holds?: (task: string, answer: string) => boolean;
}

/** Why a subject retires: its rule's condition, or `maximum` when it reached the rule's most classifications without it. */
export type RetirementDecision = { retire: false } | { retire: true; reason: 'count' | 'agreement' | 'posterior' | 'maximum'; detail: Record<string, unknown> };

const stay: RetirementDecision = { retire: false };

/** One interface for every rule; `any` composes them, and the first rule met gives the reason (a maximum only if none is). */
export function decideRetirement(rule: RetirementRule, state: RetirementState): RetirementDecision {
  switch (rule.rule) {
    case 'count':
      return state.count >= rule.count ? { retire: true, reason: 'count', detail: { count: state.count } } : stay;
    case 'agreement': {
      // A tie is no agreement, however large the leaders' share; and `minimum` answers to the task must agree.
      const task = state.tasks[rule.task];
      const agreement = task?.agreement ?? null;
      if ((task?.votes ?? 0) >= rule.minimum && task?.answer != null && agreement !== null && agreement >= rule.threshold && agreesOn(rule, state)) {
        return { retire: true, reason: 'agreement', detail: { task: rule.task, ...(rule.answer !== undefined && { answer: rule.answer }), agreement, count: state.count } };
      }
      return state.count >= rule.maximum ? { retire: true, reason: 'maximum', detail: { rule: 'agreement', task: rule.task, agreement, count: state.count } } : stay;
    }
    case 'posterior': {
      const probability = state.tasks[rule.task]?.posterior?.[rule.answer];
      // A low of 0 or a high of 1 turns that side off (a probability rounded to 0 or 1 does not meet it).
      if (probability !== undefined && ((rule.low > 0 && probability <= rule.low) || (rule.high < 1 && probability >= rule.high))) {
        return { retire: true, reason: 'posterior', detail: { task: rule.task, answer: rule.answer, probability, count: state.count } };
      }
      return state.count >= rule.maximum ? { retire: true, reason: 'maximum', detail: { rule: 'posterior', task: rule.task, probability, count: state.count } } : stay;
    }
    case 'any': {
      // A rule that is met gives the reason before one that only reached its maximum.
      const decisions = rule.rules.map((inner) => decideRetirement(inner, state)).filter((decision) => decision.retire);
      return decisions.find((decision) => decision.reason !== 'maximum') ?? decisions[0] ?? stay;
    }
  }
}

/** Whether the consensus is the answer an agreement rule retires on, if it names one. */
function agreesOn(rule: Extract<RetirementRule, { rule: 'agreement' }>, state: RetirementState): boolean {
  if (rule.answer === undefined) return true;
  return state.holds ? state.holds(rule.task, rule.answer) : state.tasks[rule.task]?.answer === rule.answer;
}

// The classifications a rule needs are the rule's own (the lab reads them too): at home beside it, in @chorus/tasks.
export { classificationsNeededAtLeast, classificationsNeededAtMost } from '@chorus/tasks';
