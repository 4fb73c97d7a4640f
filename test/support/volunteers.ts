import type { Annotation } from '@chorus/tasks';
import type { ChorusClient, QueuedSubject, QueueView } from '@chorus/client';
import { randomUUID } from 'node:crypto';

/**
 * A volunteer answering single-task subjects until the queue says they are finished; returns the subjects served,
 * in order, and why the queue finished. A batch skips subjects whose rows another transaction holds (the worker
 * aggregating them), so one batch is not everything: ask again.
 */
export async function classifyUntilFinished(
  volunteer: ChorusClient,
  workflowId: string,
  answerOf: (subject: QueuedSubject) => string,
  task = 'T0',
): Promise<{ served: string[]; reason: QueueView['reason'] }> {
  const served: string[] = [];
  for (let batch = await volunteer.queue(workflowId); ; batch = await volunteer.queue(workflowId)) {
    if (batch.finished) return { served, reason: batch.reason };
    if (!batch.subjects.length) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const subject of batch.subjects) {
      served.push(subject.id);
      await volunteer.classify({ workflowId, workflowVersion: batch.workflowVersion, subjectId: subject.id, annotations: [{ task, value: answerOf(subject) }] }, randomUUID());
    }
  }
}

/** A new guest for each list of `subjectsOfEach`, who classifies those subjects of the workflow (version 1) with `annotations`. */
export async function guestsClassify(anonymous: ChorusClient, workflowId: string, subjectsOfEach: readonly (readonly string[])[], annotations: Annotation[]): Promise<void> {
  for (const subjects of subjectsOfEach) {
    const guest = anonymous.withToken((await anonymous.guest()).token);
    for (const subjectId of subjects) await guest.classify({ workflowId, workflowVersion: 1, subjectId, annotations }, randomUUID());
  }
}
