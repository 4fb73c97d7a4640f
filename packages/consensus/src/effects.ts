import { type EffectMet, type WorkflowDefinition, consensusHolds } from '@chorus/tasks';
import { type TaskConsensus, notReachedOf } from './aggregate';

/**
 * The subject sets a retired subject moves into, each with what decided it (in the workflow's `version`, whose
 * `definition` it is): every set of an effect of the workflow whose condition its consensus meets (an effect naming one
 * answer of a multiple-choice or tagging task fires when the consensus holds it), decided by the first such effect. A
 * task the crowd's answers do not lead to (`notReachedOf`) meets no condition, whatever its votes.
 */
export function effectsMet(definition: WorkflowDefinition, version: number, consensus: readonly TaskConsensus[]): EffectMet[] {
  const byTask = new Map(consensus.map((result) => [result.task, result]));
  const met = new Map<string, EffectMet>();
  for (const { when, addToSubjectSet: subjectSetId } of definition.effects) {
    const result = byTask.get(when.task);
    const task = definition.tasks[when.task];
    if (met.has(subjectSetId) || !result || !task || notReachedOf(result)) continue;
    if (when.answer !== undefined && !consensusHolds(task, result.answer, when.answer)) continue;
    if (when.agreementAtLeast !== undefined && (result.agreement ?? 0) < when.agreementAtLeast) continue;
    met.set(subjectSetId, { subjectSetId, decidedBy: { version, when, answer: result.answer, agreement: result.agreement } });
  }
  return [...met.values()];
}
