import { COMMENT_REPORT_REASONS, type ProjectView, REPORTED_COMMENTS_ANCHOR, REPORTED_SUBJECT_STATUSES, type ReportedComment, type ReportedSubjectStatus, SUBJECT_REPORT_LIMITS } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormField, SelectField } from '../../components/FormField';
import { HideComment } from '../../components/HideComment';
import { InlineQuestion } from '../../components/InlineQuestion';
import { LabTable } from '../../components/LabTable';
import { MarkdownView } from '../../components/MarkdownView';
import { ResultNotice } from '../../components/ResultNotice';
import { SubmitOrCancel } from '../../components/SubmitOrCancel';
import { problemAtFields } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { useHeadingFocusedWhenAddressed } from '../../lib/focus';
import { whenInWords } from '../../lib/formats';
import { Link, commentPath } from '../../lib/router';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useMorePages } from '../../lib/useMorePages';
import { useResult } from '../../lib/useResult';
import { type CommentAuthor, StopCommenting, TheirCommentsButton } from './CommentBans';
import { ReportCells } from './ReportCells';
import { ShowMore } from '../../components/ShowMore';

/** Where the lab's project page lists its reported comments: the lab's list of projects links there. */

/** A reported comment being hidden or its reports dismissed, and the button that asked, where focus goes back if the moderator changes their mind. */
interface Handling {
  action: 'hide' | 'dismiss' | 'ban';
  comment: ReportedComment;
  opener: HTMLButtonElement;
}

/**
 * The comments volunteers reported to the project's moderators, those still to handle by default, the most recently
 * first reported first: what each says, by whom and on which subject (a link to it in its discussion), how many reports
 * and why, their latest notes, and a way to hide it with a reason or to dismiss its reports. Read again after each of
 * `changes` (a comment hidden in the recent discussions); `onChanged` after a hiding, so those are read again too;
 * `onBanned` once a comment's author is stopped from commenting in the project, so that the list of those is read again
 * (and the comments, some of which the ban may have hidden); `onTheirComments` for "Their comments" of an author.
 */
export function ReportedCommentsSection({
  project,
  changes,
  onChanged,
  onBanned,
  onTheirComments,
}: {
  project: ProjectView;
  changes: number;
  onChanged(): void;
  onBanned(): void;
  onTheirComments(author: CommentAuthor): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const [status, setStatus] = useState<ReportedSubjectStatus>('open');
  const { data, problem, reload } = useLoaded(() => client.reportedComments(project.id, { status }), [client, project.id, changes, status]);
  const { items: comments, next, showMore, problem: moreProblem, loading, newRow } = useMorePages(data, (page) => page.comments, (after) => client.reportedComments(project.id, { status, after }));
  const [handling, setHandling] = useState<Handling | null>(null);
  const [result, say] = useResult();
  const heading = useHeadingFocusedWhenAddressed(`#${REPORTED_COMMENTS_ANCHOR}`);
  const authorOf = (comment: ReportedComment) => comment.author.displayName ?? t('talk.formerVolunteer');
  const cancel = () => {
    setHandling(null);
    handling?.opener.focus();
  };

  return (
    <section className="lab-section" id={REPORTED_COMMENTS_ANCHOR} aria-labelledby="lab-reported-comments-heading" data-testid="lab-reported-comments">
      <h2 id="lab-reported-comments-heading" tabIndex={-1} ref={heading}>
        {t('lab.reportedComments.title')}
      </h2>
      <p>{t('lab.reportedComments.lead')}</p>
      <ErrorAlert problem={problem ?? moreProblem} />
      <ResultNotice result={result} testId="lab-reported-comments-result" />
      <SelectField id="lab-reported-comments-status" label={t('lab.reports.show')} value={status} onChange={(event) => setStatus(event.target.value as ReportedSubjectStatus)}>
        {REPORTED_SUBJECT_STATUSES.map((each) => (
          <option key={each} value={each}>
            {t(`lab.reportedComments.statuses.${each}`)}
          </option>
        ))}
      </SelectField>
      {data && <p data-testid="lab-reported-comments-total">{t(`lab.reportedComments.totals.${status}`, { count: data.total })}</p>}
      {comments.length > 0 && (
        <LabTable aria-labelledby="lab-reported-comments-heading">
          <thead>
            <tr>
              <th scope="col">{t('lab.reportedComments.comment')}</th>
              <th scope="col">{t('lab.reports.why')}</th>
              <th scope="col">{t('lab.reports.notes')}</th>
              <th scope="col">{t('lab.reports.when')}</th>
              <th scope="col">{t('lab.reports.status')}</th>
            </tr>
          </thead>
          <tbody>
            {comments.map((comment, index) => {
              const which = { author: authorOf(comment), subject: comment.subject?.name ?? comment.boardDiscussion?.title };
              return (
                <tr key={comment.commentId} data-comment-id={comment.commentId} {...newRow(index)}>
                  <th scope="row">
                    <Link to={commentPath(project.slug, { subjectId: comment.subject?.id ?? null, boardDiscussionId: comment.boardDiscussion?.id ?? null }, comment.commentId)}>{t('lab.reportedComments.byOn', which)}</Link>
                    <div className="comment-body">
                      <MarkdownView text={comment.body} firstLevel={4} />
                    </div>
                    {editedAfterReported(comment) && (
                      <p className="field-hint" data-testid="lab-reported-comment-edited">
                        {t('lab.reportedComments.editedAfter')}
                      </p>
                    )}
                  </th>
                  <ReportCells reported={comment} reasons={COMMENT_REPORT_REASONS} reasonWord={(reason) => t(`talk.report.reasons.${reason}`)} />
                  <td>
                    <div className="lab-actions">
                      <HandledState comment={comment} />
                      {!comment.hidden && (
                        <button type="button" className="button button-secondary button-small" onClick={(event) => setHandling({ action: 'hide', comment, opener: event.currentTarget })} aria-label={t('lab.reportedComments.hideLabel', which)}>
                          {t('lab.discussions.hide')}
                        </button>
                      )}
                      {comment.author.displayName !== null && (
                        <>
                          <TheirCommentsButton author={{ id: comment.author.id, name: which.author }} onShow={onTheirComments} />
                          <button type="button" className="button button-secondary button-small" onClick={(event) => setHandling({ action: 'ban', comment, opener: event.currentTarget })} aria-label={t('lab.commentBans.stopLabel', which)}>
                            {t('lab.commentBans.stop')}
                          </button>
                        </>
                      )}
                      {!comment.hidden && comment.openReports > 0 && (
                        <button type="button" className="button button-secondary button-small" onClick={(event) => setHandling({ action: 'dismiss', comment, opener: event.currentTarget })} aria-label={t('lab.reportedComments.dismissLabel', which)}>
                          {t('lab.reports.dismiss')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </LabTable>
      )}
      <ShowMore next={next} onMore={showMore} loading={loading} label={t('lab.reportedComments.more')} />
      {handling?.action === 'hide' && (
        <HideComment
          key={handling.comment.commentId}
          comment={{ id: handling.comment.commentId, author: handling.comment.author }}
          onHidden={() => {
            const author = authorOf(handling.comment);
            say((t) => t('lab.discussions.hidden', { author }));
            setHandling(null);
            reload();
            onChanged();
          }}
          onCancel={cancel}
        />
      )}
      {handling?.action === 'ban' && (
        <StopCommenting
          key={handling.comment.commentId}
          projectId={project.id}
          volunteerId={handling.comment.author.id}
          author={authorOf(handling.comment)}
          onStopped={(count) => {
            const author = authorOf(handling.comment);
            say((t) => (count > 0 ? t('lab.commentBans.stoppedAndHidden', { author, count }) : t('lab.commentBans.stopped', { author })));
            setHandling(null);
            if (count > 0) {
              reload();
              onChanged();
            }
            onBanned();
          }}
          onCancel={cancel}
        />
      )}
      {handling?.action === 'dismiss' && (
        <DismissCommentReports
          key={handling.comment.commentId}
          comment={handling.comment}
          author={authorOf(handling.comment)}
          onDismissed={() => {
            const author = authorOf(handling.comment);
            say((t) => t('lab.reportedComments.dismissed', { author }));
            setHandling(null);
            reload();
          }}
          onCancel={cancel}
        />
      )}
    </section>
  );
}

/** Whether its author changed the comment since it was first reported: what the moderators read is not what was reported. */
const editedAfterReported = (comment: ReportedComment): boolean => comment.editedAt !== null && Date.parse(comment.editedAt) > Date.parse(comment.firstReportedAt);

/** Whether a reported comment was handled: hidden (with the reason), or its reports dismissed (when, and the note). */
function HandledState({ comment }: { comment: ReportedComment }) {
  const { t } = useTranslation();
  if (comment.hidden) return <>{t('lab.reportedComments.hiddenBecause', { reason: comment.hidden.reason })}</>;
  if (comment.openReports > 0 || !comment.dismissal) return null;
  const when = whenInWords(comment.dismissal.dismissedAt);
  return <>{comment.dismissal.note ? t('lab.reports.dismissedWithNote', { when, note: comment.dismissal.note }) : t('lab.reports.dismissedOn', { when })}</>;
}

/** Dismisses a reported comment's open reports, with an optional note: handled, it stays shown. */
function DismissCommentReports({ comment, author, onDismissed, onCancel }: { comment: ReportedComment; author: string; onDismissed(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ note: '' }, ['note'] as const);
  const submit = form.onSubmit({
    check: () => ({}),
    send: async () => {
      await client.dismissCommentReports(comment.commentId, form.values.note.trim());
      onDismissed();
    },
    refused: (error) => problemAtFields(error, ['note'] as const),
  });
  return (
    <InlineQuestion question={t('lab.reportedComments.dismissQuestion', { author })} className="confirm-empty" testId="lab-reported-comment-dismiss" onCancel={onCancel}>
      {(questionId) => (
        <form className="account-form" noValidate aria-labelledby={questionId} onSubmit={(event) => void submit(event)}>
          <ErrorAlert problem={form.problem} focus />
          <FormField id="lab-reported-comment-dismiss-note" label={t('lab.reports.dismissNote')} hint={t('lab.reports.dismissNoteHint')} maxLength={SUBJECT_REPORT_LIMITS.dismissalNoteLength} {...form.field('note')} />
          <SubmitOrCancel submit={t('lab.reports.dismiss')} cancel={t('report.cancel')} busy={form.busy} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}
