import { SUBJECT_REPORT_REASONS, type SubjectReportReason } from '@chorus/client';
import type { WorkflowDefinition } from '@chorus/tasks';
import { createContext, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../lib/errors';
import type { Saying } from '../lib/said';
import { ReasonReportForm, type ReportFormWords } from './ReasonReportForm';

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
  const words: ReportFormWords<SubjectReportReason> = {
    question: t('report.question'),
    hint: t('report.hint'),
    reason: (reason) => t(`report.reasons.${reason}`),
    note: t('report.note'),
    send: t('report.send'),
    sending: t('report.sending'),
    cancel: t('report.cancel'),
    chooseReason: (t) => t('report.chooseReason'),
    failed: (detail) => (t) => t('report.failed', { detail: detail(t) }),
  };
  // Sent: the next subject replaces this one, form and all.
  const send = async (report: ReportInput): Promise<Saying<string> | null> => {
    const problem = await onReport(report);
    return problem && ((t) => problem(t).detail);
  };
  return <ReasonReportForm reasons={reasons} chosen={chosen} words={words} testId="report-form" messageTestId="report-message" onCancel={onCancel} onSend={send} />;
}
