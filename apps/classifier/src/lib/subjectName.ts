import type { QueuedSubject } from '@chorus/client';

/** What volunteers call a subject: the label of its page when it is a IIIF canvas, else the researchers' id, if any. */
export function subjectName(subject: Pick<QueuedSubject, 'externalId' | 'metadata'>): string | null {
  const canvasLabel = subject.metadata.canvas_label;
  return typeof canvasLabel === 'string' && canvasLabel.trim() ? canvasLabel : subject.externalId;
}
