import { SUBJECT_REPORT_LIMITS } from '@chorus/client';
import { type FormEvent, useId, useState } from 'react';
import { type Saying, useSaid } from '../lib/said';
import { InlineQuestion } from './InlineQuestion';
import { SubmitOrCancel } from './SubmitOrCancel';

/** What a report form says: its question and hint, its fields and buttons, and its two messages. */
export interface ReportFormWords<Reason extends string> {
  question: string;
  hint: string;
  reason(reason: Reason): string;
  note: string;
  send: string;
  sending: string;
  cancel: string;
  chooseReason: Saying<string>;
  failed(detail: Saying<string>): Saying<string>;
}

interface Props<Reason extends string> {
  reasons: readonly Reason[];
  /** The reason chosen when it opens, if any. */
  chosen?: Reason | null;
  words: ReportFormWords<Reason>;
  testId: string;
  messageTestId: string;
  onCancel(): void;
  /** Sends the report: null once sent (its owner closes or replaces the form), else why it could not be. */
  onSend(report: { reason: Reason; note?: string }): Promise<Saying<string> | null>;
}

/**
 * A report's form, in the page (a subject's problem, a comment's): a reason from a fixed list (asked for, and focused,
 * when none is chosen), an optional note, and why it could not be sent if so.
 */
export function ReasonReportForm<Reason extends string>({ reasons, chosen = null, words, testId, messageTestId, onCancel, onSend }: Props<Reason>) {
  const id = useId();
  const [reason, setReason] = useState<Reason | null>(chosen);
  const [note, setNote] = useState('');
  const [message, setMessage] = useSaid<string>();
  const [sending, setSending] = useState(false);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    if (!reason) {
      setMessage(words.chooseReason);
      document.getElementById(`${id}-${reasons[0]}`)?.focus();
      return;
    }
    setMessage(null);
    setSending(true);
    const failure = await onSend({ reason, note: note.trim() || undefined });
    if (!failure) return;
    setSending(false);
    setMessage(words.failed(failure));
  };
  return (
    <InlineQuestion question={words.question} hint={words.hint} className="report-form" testId={testId} onCancel={onCancel}>
      {(questionId) => (
        <form onSubmit={(event) => void send(event)} noValidate aria-busy={sending}>
          <fieldset className="report-reasons" aria-labelledby={questionId}>
            {reasons.map((each) => (
              <label key={each} className="report-reason">
                <input
                  type="radio"
                  id={`${id}-${each}`}
                  name={`${id}-reason`}
                  value={each}
                  checked={reason === each}
                  onChange={() => {
                    setReason(each);
                    setMessage(null);
                  }}
                />{' '}
                {words.reason(each)}
              </label>
            ))}
          </fieldset>
          <label htmlFor={`${id}-note`}>{words.note}</label>
          <textarea id={`${id}-note`} dir="auto" rows={2} maxLength={SUBJECT_REPORT_LIMITS.noteLength} value={note} onChange={(event) => setNote(event.target.value)} />
          <p className="task-message" role="alert" data-testid={messageTestId}>
            {message}
          </p>
          <SubmitOrCancel className="confirm-empty-actions" submit={sending ? words.sending : words.send} cancel={words.cancel} busy={sending} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}
