import { randomUUID } from 'node:crypto';
import type { Stack } from './stack';

/**
 * An active workflow of a new live project: one yes/no task aggregated by vote, over `count` new text subjects,
 * retired after `retireAfter` classifications. Returns it with its project's id and its subjects' ids, in id order. A vote, not bayes (the
 * default for two answers): a starting worker's skills estimate re-aggregates bayes workflows, which would hide
 * whether anything else aggregated them; `bayes` for a test of what weighing by skill calls for.
 */
export async function voteWorkflow(
  stack: Stack,
  count: number,
  retireAfter = 5,
  algorithm: 'vote' | 'bayes' = 'vote',
): Promise<{ projectId: string; workflowId: string; subjectIds: string[] }> {
  const project = await stack.client.createProject({ title: `Vote ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, Array.from({ length: count }, (_, i) => ({ externalId: `v${i}`, locations: [{ type: 'text' as const, text: `Subject ${i}` }] })));
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', algorithm, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: retireAfter },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflowId);
  const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId]);
  return { projectId: project.id, workflowId, subjectIds: rows.map((row) => row.subject_id as string) };
}
