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
      if ((task?.votes ?? 0) >= rule.minimum && task?.answer != null && agreement !== null && agreement >= rule.threshold) {
        return { retire: true, reason: 'agreement', detail: { task: rule.task, agreement, count: state.count } };
      }
      return state.count >= rule.maximum ? { retire: true, reason: 'maximum', detail: { rule: 'agreement', task: rule.task, agreement, count: state.count } } : stay;
    }
    case 'posterior': {
      const probability = state.tasks[rule.task]?.posterior?.[rule.answer];
      if (probability !== undefined && (probability <= rule.low || probability >= rule.high)) {
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

// The classifications a rule needs are the rule's own (the lab reads them too): at home beside it, in @chorus/tasks.
export { classificationsNeededAtLeast, classificationsNeededAtMost } from '@chorus/tasks';
