import type { Annotation } from '@chorus/tasks';
import { session } from './session';

/**
 * Answers in progress, kept in localStorage per volunteer, workflow version and subject, so that a reload (or a
 * closed tab) loses nothing: the volunteer comes back to the same task with the same text, and on a shared device
 * nobody else finds it. Removed once the classification is stored or queued in the outbox; drafts older than a week
 * are dropped.
 */
export interface Draft {
  taskKey: string;
  answered: Annotation[];
  /** The value of every task touched so far, so that Back and Next restore them. */
  values: Record<string, unknown>;
  /** The tasks whose answer the volunteer asks the team to check (the annotation's `unsure`); absent in older drafts. */
  unsure?: Record<string, boolean>;
  startedAt: string;
  idempotencyKey: string;
  savedAt: number;
}

const PREFIX = 'chorus.draft.';
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** The current volunteer's drafts (a guest who creates an account keeps their user id, and so their drafts). */
const volunteerPrefix = () => `${PREFIX}${session.owner()?.userId ?? 'anyone'}.`;

export function draftKey(workflowId: string, version: number, subjectId: string): string {
  return `${volunteerPrefix()}${workflowId}.${version}.${subjectId}`;
}

/** The workflow version of the latest draft of a subject, if any: a subject begun under a version is finished under it. */
export function draftVersionOf(workflowId: string, subjectId: string): number | undefined {
  try {
    let latest: { version: number; savedAt: number } | undefined;
    const prefix = `${volunteerPrefix()}${workflowId}.`;
    for (let index = 0; index < window.localStorage.length; index += 1) {
      const key = window.localStorage.key(index);
      if (!key?.startsWith(prefix) || !key.endsWith(`.${subjectId}`)) continue;
      const version = Number(key.slice(prefix.length, -subjectId.length - 1));
      const draft = loadDraft(key);
      if (draft && Number.isInteger(version) && (!latest || draft.savedAt > latest.savedAt)) latest = { version, savedAt: draft.savedAt };
    }
    return latest?.version;
  } catch {
    return undefined;
  }
}

export function loadDraft(key: string): Draft | undefined {
  try {
    const raw = window.localStorage.getItem(key);
    if (!raw) return undefined;
    const draft = JSON.parse(raw) as Draft;
    if (typeof draft.taskKey !== 'string' || !Array.isArray(draft.answered) || Date.now() - draft.savedAt > MAX_AGE_MS) return undefined;
    return draft;
  } catch {
    return undefined;
  }
}

export function saveDraft(key: string, draft: Omit<Draft, 'savedAt'>): void {
  try {
    window.localStorage.setItem(key, JSON.stringify({ ...draft, savedAt: Date.now() }));
  } catch {
    // storage full or disabled: the draft lives as long as the page
  }
}

export function clearDraft(key: string): void {
  try {
    window.localStorage.removeItem(key);
  } catch {
    // nothing to do
  }
}

/** Drops drafts older than a week (subjects retired or skipped long ago). */
export function pruneDrafts(): void {
  try {
    for (let index = window.localStorage.length - 1; index >= 0; index -= 1) {
      const key = window.localStorage.key(index);
      if (!key?.startsWith(PREFIX)) continue;
      const savedAt = (JSON.parse(window.localStorage.getItem(key) ?? '{}') as { savedAt?: number }).savedAt ?? 0;
      if (Date.now() - savedAt > MAX_AGE_MS) window.localStorage.removeItem(key);
    }
  } catch {
    // nothing to do
  }
}
