import { type WorkflowDefinition, consensusHolds } from '@chorus/tasks';
import { type TaskConsensus, notReachedOf } from './aggregate';

/**
 * The subject sets a retired subject moves into: every effect of the workflow whose condition its consensus meets
 * (an effect naming one answer of a multiple-choice or tagging task fires when the consensus holds it). A task the crowd's
 * answers do not lead to (`notReachedOf`) meets no condition, whatever its votes.
 */
export function subjectSetsFromEffects(definition: WorkflowDefinition, consensus: readonly TaskConsensus[]): string[] {
  const byTask = new Map(consensus.map((result) => [result.task, result]));
  const sets = definition.effects.filter(({ when }) => {
    const result = byTask.get(when.task);
    const task = definition.tasks[when.task];
    if (!result || !task || notReachedOf(result)) return false;
    if (when.answer !== undefined && !consensusHolds(task, result.answer, when.answer)) return false;
    if (when.agreementAtLeast !== undefined && (result.agreement ?? 0) < when.agreementAtLeast) return false;
    return true;
  });
  return [...new Set(sets.map((effect) => effect.addToSubjectSet))];
}
