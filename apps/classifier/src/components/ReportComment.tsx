import { COMMENT_REPORT_REASONS, type CommentReportReason, SUBJECT_REPORT_LIMITS, type SubjectComment } from '@chorus/client';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { describeError } from '../lib/errors';
import { useSaid } from '../lib/said';
import { InlineQuestion } from './InlineQuestion';
import { SubmitOrCancel } from './SubmitOrCancel';

/**
 * "Report" on a comment another volunteer wrote: a small form in the page (why, from a fixed list, and an optional note)
 * that tells the project's moderators. Escape or Cancel closes it, sending closes it too, and focus goes back to the
 * button either way; a polite status beside the button says the report was sent.
 */
export function ReportComment({ comment }: { comment: SubjectComment }) {
  const { t } = useTranslation();
  const opener = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useSaid<string>();
  const name = comment.author.displayName ?? t('talk.formerVolunteer');
  const close = () => {
    setOpen(false);
    setTimeout(() => opener.current?.focus());
  };
  return (
    <div className="comment-actions" data-testid="report-comment">
      <button
        ref={opener}
        type="button"
        className="button button-secondary button-small"
        aria-expanded={open}
        aria-label={t('talk.report.openLabel', { name })}
        onClick={() => {
          setSent(null);
          if (open) close();
          else setOpen(true);
        }}
      >
        {t('talk.report.open')}
      </button>
      {open && (
        <ReportCommentForm
          comment={comment}
          onCancel={close}
          onSent={() => {
            setSent((t) => t('talk.report.sent', { name: comment.author.displayName ?? t('talk.formerVolunteer') }));
            close();
          }}
        />
      )}
      <p role="status" aria-live="polite" data-testid="report-comment-status">
        {sent}
      </p>
    </div>
  );
}

function ReportCommentForm({ comment, onCancel, onSent }: { comment: SubjectComment; onCancel(): void; onSent(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const id = useId();
  const [reason, setReason] = useState<CommentReportReason | null>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useSaid<string>();
  const [sending, setSending] = useState(false);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    if (!reason) {
      setMessage((t) => t('talk.report.chooseReason'));
      document.getElementById(`${id}-${COMMENT_REPORT_REASONS[0]}`)?.focus();
      return;
    }
    setMessage(null);
    setSending(true);
    try {
      await client.reportComment(comment.id, { reason, note: note.trim() || undefined });
      onSent();
    } catch (error) {
      const { detail } = describeError(error);
      setSending(false);
      setMessage((t) => t('talk.report.failed', { detail }));
    }
  };
  return (
    <InlineQuestion question={t('talk.report.question')} hint={t('talk.report.hint')} className="report-form" testId="report-comment-form" onCancel={onCancel}>
      {(questionId) => (
        <form onSubmit={(event) => void send(event)} noValidate aria-busy={sending}>
          <fieldset className="report-reasons" aria-labelledby={questionId}>
            {COMMENT_REPORT_REASONS.map((each) => (
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
                {t(`talk.report.reasons.${each}`)}
              </label>
            ))}
          </fieldset>
          <label htmlFor={`${id}-note`}>{t('talk.report.note')}</label>
          <textarea id={`${id}-note`} dir="auto" rows={2} maxLength={SUBJECT_REPORT_LIMITS.noteLength} value={note} onChange={(event) => setNote(event.target.value)} />
          <p className="task-message" role="alert" data-testid="report-comment-message">
            {message}
          </p>
          <SubmitOrCancel className="confirm-empty-actions" submit={sending ? t('talk.report.sending') : t('talk.report.send')} cancel={t('report.cancel')} busy={sending} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}
