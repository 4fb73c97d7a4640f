import type { FormEvent } from 'react';
import { InlineQuestion } from './InlineQuestion';

/** A change the page asks about first: the question, what it means, and the answers. */
export interface Asked {
  testId: string;
  question: string;
  hint?: string;
  confirm: string;
  cancel: string;
  /** The confirming button's id, where something must reach it by id (the keyboard tests). */
  confirmId?: string;
}

/**
 * Asks, below what it is about, whether a change that cannot be taken back is meant (handing a project over, removing a
 * member, deleting a set, taking a subject out, ending every hold): focus moves to the question as it appears; Escape
 * or the answer that goes back sends nothing, and the caller puts focus back where the question came from.
 */
export function AskFirst({ asked, busy, onConfirm, onCancel }: { asked: Asked; busy: boolean; onConfirm: (event: FormEvent) => void; onCancel: () => void }) {
  return (
    <InlineQuestion question={asked.question} hint={asked.hint} className="notice lab-confirm" testId={asked.testId} onCancel={onCancel}>
      {(questionId) => (
        <form noValidate className="lab-actions" aria-labelledby={questionId} onSubmit={onConfirm}>
          <button type="submit" id={asked.confirmId} className="button button-danger" aria-disabled={busy || undefined}>
            {asked.confirm}
          </button>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {asked.cancel}
          </button>
        </form>
      )}
    </InlineQuestion>
  );
}
