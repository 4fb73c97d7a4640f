import { randomUUID } from 'node:crypto';
import type { Stack } from './stack';

/**
 * An active workflow of a new live project: one yes/no task aggregated by vote, over `count` new text subjects,
 * retired after `retireAfter` classifications. Returns it with its project's id and its subjects' ids, in id order. A vote, not bayes (the
 * default for two answers): a starting worker's skills estimate re-aggregates bayes workflows, which would hide
 * whether anything else aggregated them.
 */
export async function voteWorkflow(stack: Stack, count: number, retireAfter = 5): Promise<{ projectId: string; workflowId: string; subjectIds: string[] }> {
  const project = await stack.client.createProject({ title: `Vote ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, Array.from({ length: count }, (_, i) => ({ externalId: `v${i}`, locations: [{ type: 'text' as const, text: `Subject ${i}` }] })));
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: retireAfter },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflowId);
  const { rows } = await stack.db.query('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 ORDER BY subject_id', [workflowId]);
  return { projectId: project.id, workflowId, subjectIds: rows.map((row) => row.subject_id as string) };
}

/** A workflow's tasks that branch: "Is there an advertisement?" yes → "What is advertised?" (soap or tea), no → the end. */
export const advertisementTasks = {
  T0: { type: 'single' as const, question: 'Is there an advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
  T1: { type: 'single' as const, question: 'What is advertised?', answers: [{ value: 'soap', label: 'Soap' }, { value: 'tea', label: 'Tea' }] },
};

/** A volunteer's annotations of `advertisementTasks`: yes and what is advertised, or no. */
export const advertisementAnswers = (advertised?: 'soap' | 'tea') => (advertised ? [{ task: 'T0', value: 'yes' }, { task: 'T1', value: advertised }] : [{ task: 'T0', value: 'no' }]);
