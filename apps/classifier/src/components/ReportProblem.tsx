import { SUBJECT_REPORT_LIMITS, SUBJECT_REPORT_REASONS, type SubjectReportReason } from '@chorus/client';
import type { WorkflowDefinition } from '@chorus/tasks';
import { createContext, type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../lib/errors';
import { type Saying, useSaid } from '../lib/said';
import { InlineQuestion } from './InlineQuestion';
import { SubmitOrCancel } from './SubmitOrCancel';

export interface ReportInput {
  reason: SubjectReportReason;
  note?: string;
}

/** The reasons a volunteer may give: an offensive proposed tag only where the workflow has a tagging task, which shows others' tags. */
export const reportReasonsFor = (definition: WorkflowDefinition): SubjectReportReason[] =>
  SUBJECT_REPORT_REASONS.filter((reason) => reason !== 'offensive-tag' || Object.values(definition.tasks).some((task) => task.type === 'tagging'));

/** Opens the subject's report form with a reason chosen: what shows the subject offers it (an image that failed to load). */
export const ReportOffer = createContext<((reason: SubjectReportReason) => void) | null>(null);

interface Props {
  /** The reasons offered (`reportReasonsFor`). */
  reasons: readonly SubjectReportReason[];
  /** The form is open, with this reason chosen (or none yet); closed when null. */
  reporting: { reason: SubjectReportReason | null } | null;
  onOpen(reason: SubjectReportReason | null): void;
  onClose(): void;
  /** Sends the report: null once sent (the next subject follows), else why it could not be (the volunteer stays). */
  onReport(report: ReportInput): Promise<Saying<Problem> | null>;
}

/**
 * "Report a problem" with the subject on screen (it does not load, it is blank, sensitive…): a small form in the page,
 * whose sending skips the subject. Escape, or Cancel, closes it and gives focus back to the button that opened it.
 */
export function ReportProblem({ reasons, reporting, onOpen, onClose, onReport }: Props) {
  const { t } = useTranslation();
  const opener = useRef<HTMLButtonElement>(null);
  const close = () => {
    onClose();
    setTimeout(() => opener.current?.focus());
  };
  return (
    <div className="report-problem" data-own-keys>
      <button
        ref={opener}
        type="button"
        className="button button-secondary button-small"
        aria-expanded={reporting !== null}
        onClick={() => (reporting ? close() : onOpen(null))}
        data-testid="report-problem"
      >
        {t('report.open')}
      </button>
      {reporting && <ReportForm key={reporting.reason ?? ''} reasons={reasons} chosen={reporting.reason} onCancel={close} onReport={onReport} />}
    </div>
  );
}

function ReportForm({ reasons, chosen, onCancel, onReport }: Pick<Props, 'reasons' | 'onReport'> & { chosen: SubjectReportReason | null; onCancel(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [reason, setReason] = useState<SubjectReportReason | null>(chosen);
  const [note, setNote] = useState('');
  const [message, setMessage] = useSaid<string>();
  const [sending, setSending] = useState(false);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    if (!reason) {
      setMessage((t) => t('report.chooseReason'));
      document.getElementById(`${id}-${reasons[0]}`)?.focus();
      return;
    }
    setMessage(null);
    setSending(true);
    const problem = await onReport({ reason, note: note.trim() || undefined });
    // Sent: the next subject replaces this one, form and all.
    if (!problem) return;
    setSending(false);
    setMessage((t) => t('report.failed', { detail: problem(t).detail }));
  };
  return (
    <InlineQuestion question={t('report.question')} hint={t('report.hint')} className="report-form" testId="report-form" onCancel={onCancel}>
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
                {t(`report.reasons.${each}`)}
              </label>
            ))}
          </fieldset>
          <label htmlFor={`${id}-note`}>
            {t('report.note')}
          </label>
          <textarea id={`${id}-note`} dir="auto" rows={2} maxLength={SUBJECT_REPORT_LIMITS.noteLength} value={note} onChange={(event) => setNote(event.target.value)} />
          <p className="task-message" role="alert" data-testid="report-message">
            {message}
          </p>
          <SubmitOrCancel className="confirm-empty-actions" submit={sending ? t('report.sending') : t('report.send')} cancel={t('report.cancel')} busy={sending} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}
