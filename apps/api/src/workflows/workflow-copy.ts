import type { WorkflowCopy } from '@chorus/client';
import type { WorkflowDefinition } from '@chorus/tasks';

type Dropped = WorkflowCopy['dropped'];

/**
 * The definition a copy of a workflow can take, serving the subject sets `served` (those of the source's it keeps; none
 * in another project) among the target project's sets `projectSets`, and what it leaves out, each by its pointer in the
 * source's version: the training set and the sets' weights it would not serve (the queue draws from served sets only),
 * and the effects that would move subjects into a set that is not the target project's (another project's, or one
 * deleted since the version was made) or into a set the copy itself serves.
 */
export function copyableDefinition(
  definition: WorkflowDefinition,
  { served, projectSets }: { served: ReadonlySet<string>; projectSets: ReadonlySet<string> },
): { definition: WorkflowDefinition; dropped: Dropped } {
  const dropped: Dropped = [];
  const effects = definition.effects.filter((effect, index) => {
    const kept = projectSets.has(effect.addToSubjectSet) && !served.has(effect.addToSubjectSet);
    if (!kept) dropped.push({ pointer: `/effects/${index}`, subjectSetId: effect.addToSubjectSet });
    return kept;
  });
  const { training, setWeights, ...selection } = definition.selection;
  if (training && !served.has(training.subjectSetId)) dropped.push({ pointer: '/selection/training', subjectSetId: training.subjectSetId });
  const weights = Object.entries(setWeights ?? {}).filter(([setId]) => {
    if (!served.has(setId)) dropped.push({ pointer: `/selection/setWeights/${setId}`, subjectSetId: setId });
    return served.has(setId);
  });
  return {
    definition: {
      ...definition,
      effects,
      selection: {
        ...selection,
        ...(training && served.has(training.subjectSetId) ? { training } : {}),
        ...(weights.length ? { setWeights: Object.fromEntries(weights) } : {}),
      },
    },
    dropped,
  };
}
