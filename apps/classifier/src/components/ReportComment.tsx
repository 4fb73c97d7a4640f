import { COMMENT_REPORT_REASONS, type CommentReportReason, type SubjectComment } from '@chorus/client';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { describeError } from '../lib/errors';
import { type Saying, useSaid } from '../lib/said';
import { ReasonReportForm, type ReportFormWords } from './ReasonReportForm';

/**
 * "Report" on a comment another volunteer wrote: a small form in the page (why, from a fixed list, and an optional note)
 * that tells the project's moderators. Escape or Cancel closes it, sending closes it too, and focus goes back to the
 * button either way; a polite status beside the button says the report was sent (or, the volunteer's earlier report of
 * it still open, that it now has this reason and note).
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
          onSent={(replayed) => {
            setSent((t) => {
              const name = comment.author.displayName ?? t('talk.formerVolunteer');
              return replayed ? t('talk.report.updated', { name }) : t('talk.report.sent', { name });
            });
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

/** `onSent(replayed)`: `replayed` when the volunteer's earlier report of the comment is still open, now with this one's reason and note. */
function ReportCommentForm({ comment, onCancel, onSent }: { comment: SubjectComment; onCancel(): void; onSent(replayed: boolean): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const words: ReportFormWords<CommentReportReason> = {
    question: t('talk.report.question'),
    hint: t('talk.report.hint'),
    reason: (reason) => t(`talk.report.reasons.${reason}`),
    note: t('talk.report.note'),
    send: t('talk.report.send'),
    sending: t('talk.report.sending'),
    cancel: t('report.cancel'),
    chooseReason: (t) => t('talk.report.chooseReason'),
    failed: (detail) => (t) => t('talk.report.failed', { detail: detail(t) }),
  };
  const send = async (report: { reason: CommentReportReason; note?: string }): Promise<Saying<string> | null> => {
    try {
      const { replayed } = await client.reportComment(comment.id, report);
      onSent(replayed);
      return null;
    } catch (error) {
      const { detail } = describeError(error);
      return () => detail;
    }
  };
  return <ReasonReportForm reasons={COMMENT_REPORT_REASONS} words={words} testId="report-comment-form" messageTestId="report-comment-message" onCancel={onCancel} onSend={send} />;
}
