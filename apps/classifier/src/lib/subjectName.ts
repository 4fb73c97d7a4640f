import type { QueuedSubject } from '@chorus/client';

/** How many words of a text a subject without a name is called by. */
const OPENING_WORDS = 6;

/** What a subject is named by. */
export type NamedSubject = Pick<QueuedSubject, 'externalId' | 'metadata' | 'locations'>;

/**
 * What volunteers call a subject: the label of its page when it is a IIIF canvas, else the researchers' id, else the
 * opening words of its text (a passage of a corpus has no id, and "Subject" alone would name every one the same, so a
 * screen reader could not tell that a new one has come).
 */
export function subjectName(subject: NamedSubject): string | null {
  const canvasLabel = subject.metadata.canvas_label;
  if (typeof canvasLabel === 'string' && canvasLabel.trim()) return canvasLabel;
  if (subject.externalId) return subject.externalId;
  const text = subject.locations.find((location) => location.type === 'text')?.text;
  const words = text?.trim().split(/\s+/u).filter(Boolean) ?? [];
  if (!words.length) return null;
  return `“${words.slice(0, OPENING_WORDS).join(' ')}${words.length > OPENING_WORDS ? '…' : ''}”`;
}

/**
 * What an image of a subject is described by to those who cannot see it: what the researchers said it shows (`alt`),
 * else the subject's name (a IIIF canvas's label, when the canvas has no summary), so that it is not only "Subject image".
 */
export const imageDescription = (alt: string | undefined, subject: NamedSubject): string | null => alt ?? subjectName(subject);
