import type { ChorusClient, QueuedSubject } from '@chorus/client';
import { randomUUID } from 'node:crypto';

/**
 * A volunteer answering single-task subjects until the queue says they are finished. A batch skips subjects whose
 * rows another transaction holds (the worker aggregating them), so one batch is not everything: ask again.
 */
export async function classifyUntilFinished(volunteer: ChorusClient, workflowId: string, answerOf: (subject: QueuedSubject) => string, task = 'T0'): Promise<number> {
  let classified = 0;
  for (let batch = await volunteer.queue(workflowId); !batch.finished; batch = await volunteer.queue(workflowId)) {
    if (!batch.subjects.length) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const subject of batch.subjects) {
      await volunteer.classify({ workflowId, workflowVersion: batch.workflowVersion, subjectId: subject.id, annotations: [{ task, value: answerOf(subject) }] }, randomUUID());
      classified += 1;
    }
  }
  return classified;
}
