import { type ProjectComment, type ProjectCommentPage, type ProjectView, type SubjectComment } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { CommentItem, CommentSubjectLink } from '../../components/CommentItem';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HideComment } from '../../components/HideComment';
import { ResultNotice } from '../../components/ResultNotice';
import { useClient } from '../../lib/clientContext';
import { whenInWords } from '../../lib/formats';
import { isResearcher } from '../../lib/lab';
import { quotedOpening } from '../../lib/subjectName';
import { describeError, type Problem } from '../../lib/errors';
import { useLoaded } from '../../lib/useLoaded';
import { useResult } from '../../lib/useResult';
import type { CommentAuthor } from './CommentBans';
import { FollowedDownloadForm } from './DownloadFields';
import { useSaid } from '../../lib/said';
import { ShowMore } from '../../components/ShowMore';

/** How a comment starts, in quotes, its Markdown's emphasis left out (a screen reader would read each star). */
const commentOpening = (comment: SubjectComment): string => quotedOpening(comment.body.replace(/[*`]+/g, '')) ?? '';

/** A comment to hide, and the button that asked, where focus goes back if the moderator changes their mind. */
interface Hiding {
  comment: ProjectComment;
  opener: HTMLButtonElement;
}

/** What the recent comments were asked to show: one volunteer's ("Their comments"), or everyone's again (`author` null). */
export interface CommentsAsked {
  author: CommentAuthor | null;
}

/**
 * The project's recent comments in its subjects' discussions, the latest first, for its moderators and researchers:
 * hidden ones too, marked with why, each with a way to hide it from volunteers (with a reason) or show it again; `asked`
 * for one volunteer's ("Their comments" of a ban or a reported comment), only theirs, until `onAllComments`. Read again
 * after each of `changes` (a comment hidden from the reported comments); `onChanged` after a hiding or showing, so that
 * those are read again too.
 */
export function DiscussionsSection({
  project,
  changes,
  onChanged,
  asked,
  onAllComments,
}: {
  project: ProjectView;
  changes: number;
  onChanged(): void;
  asked: CommentsAsked | null;
  onAllComments(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const author = asked?.author ?? null;
  const byAuthor = author ? { author: author.id } : {};
  const { data, problem } = useLoaded(() => client.projectComments(project.id, byAuthor), [client, project.id, changes, author?.id]);
  // Asked from a row elsewhere on the page, or by "Show everyone's comments" (which goes away): the moderator is taken
  // to the heading of the comments they asked for, each time they ask.
  const sectionHeading = useRef<HTMLHeadingElement>(null);
  const authorHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!asked) return;
    const heading = asked.author ? authorHeading.current : sectionHeading.current;
    heading?.scrollIntoView({ block: 'start' });
    heading?.focus();
  }, [asked]);
  // The pages shown so far and where the next starts, grown from the first page read: hiding or showing a comment
  // changes it in place, keeping them. Derived, not copied in an effect, so that "no comments" never shows for a render.
  const [grown, setGrown] = useState<{ from: ProjectCommentPage; pages: ProjectCommentPage } | null>(null);
  const shown = grown && grown.from === data ? grown.pages : data;
  const setShown = (change: (now: ProjectCommentPage) => ProjectCommentPage) => setGrown((now) => (data ? { from: data, pages: change(now?.from === data ? now.pages : data) } : null));
  const [actionProblem, setActionProblem] = useSaid<Problem>();
  const [hiding, setHiding] = useState<Hiding | null>(null);
  const [result, say] = useResult();
  const comments = shown?.comments ?? [];
  const next = shown?.next;

  const showMore = async () => {
    try {
      const page = await client.projectComments(project.id, { ...byAuthor, after: next ?? undefined });
      setActionProblem(null);
      setShown((now) => ({ comments: [...now.comments, ...page.comments], next: page.next }));
    } catch (error) {
      setActionProblem(() => describeError(error));
    }
  };
  const replace = (comment: ProjectComment) => setShown((now) => ({ ...now, comments: now.comments.map((each) => (each.id === comment.id ? comment : each)) }));
  /** Shows a hidden comment to volunteers again: no question asked, hiding it again is as easy. */
  const showAgain = async (comment: ProjectComment) => {
    try {
      await client.unhideComment(comment.id);
      setActionProblem(null);
      say((t) => t('lab.discussions.shown', { author: comment.author.displayName ?? t('talk.formerVolunteer') }));
      replace({ ...comment, hidden: null });
      onChanged();
    } catch (error) {
      setActionProblem(() => describeError(error));
    }
  };

  return (
    <section className="lab-section" aria-labelledby="lab-discussions-heading" data-testid="lab-discussions">
      <h2 id="lab-discussions-heading" ref={sectionHeading} tabIndex={-1}>
        {t('lab.discussions.title')}
      </h2>
      <p>{t('lab.discussions.lead')}</p>
      {isResearcher(project.role) && <CommentsDownload projectId={project.id} />}
      <ErrorAlert problem={problem ?? actionProblem} />
      <ResultNotice result={result} testId="lab-discussions-result" />
      {author && (
        <div className="lab-actions" data-testid="lab-discussions-author">
          <h3 ref={authorHeading} tabIndex={-1}>
            {t('lab.discussions.byAuthor', { name: author.name })}
          </h3>
          <button type="button" className="button button-secondary button-small" onClick={onAllComments}>
            {t('lab.discussions.allComments')}
          </button>
        </div>
      )}
      {data && comments.length === 0 && <p>{author ? t('lab.discussions.byAuthorNone', { name: author.name }) : t('lab.discussions.none')}</p>}
      {comments.length > 0 && (
        <ol className="comment-list">
          {comments.map((comment) => {
            const author = comment.author.displayName ?? t('talk.formerVolunteer');
            // Each button named uniquely: an author's comments are told apart by how they start and when.
            const which = { author, opening: commentOpening(comment), when: whenInWords(comment.createdAt) };
            return (
              <CommentItem
                key={comment.id}
                projectSlug={project.slug}
                comment={comment}
                about={<CommentSubjectLink projectSlug={project.slug} comment={comment} />}
              >
                {comment.hidden ? (
                  <button type="button" className="button button-secondary button-small" aria-label={t('lab.discussions.showAgainLabel', which)} onClick={() => void showAgain(comment)}>
                    {t('lab.discussions.showAgain')}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={t('lab.discussions.hideLabel', which)}
                    onClick={(event) => setHiding({ comment, opener: event.currentTarget })}
                  >
                    {t('lab.discussions.hide')}
                  </button>
                )}
              </CommentItem>
            );
          })}
        </ol>
      )}
      <ShowMore next={next} onMore={showMore} label={t('talk.more')} />
      {hiding && (
        <HideComment
          key={hiding.comment.id}
          comment={hiding.comment}
          onHidden={(hidden) => {
            say((t) => t('lab.discussions.hidden', { author: hiding.comment.author.displayName ?? t('talk.formerVolunteer') }));
            setHiding(null);
            replace({ ...hidden, subject: hiding.comment.subject, boardDiscussion: hiding.comment.boardDiscussion });
            onChanged();
          }}
          onCancel={() => {
            setHiding(null);
            hiding.opener.focus();
          }}
        />
      )}
    </section>
  );
}

/**
 * The comments download, for the data team (researchers): every comment, hidden ones flagged, in the format chosen,
 * whole or only those changed since a moment (then with a tombstone for each deleted).
 */
function CommentsDownload({ projectId }: { projectId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const words = {
    testId: 'lab-comments-download',
    title: t('lab.discussions.downloadTitle'),
    lead: t('lab.discussions.downloadLead'),
    sinceHint: t('lab.discussions.sinceHint'),
    submit: t('lab.discussions.download'),
    started: (format: string) => (t: TFunction) => t('lab.discussions.downloadStarted', { format }),
  };
  return <FollowedDownloadForm words={words} link={() => client.commentsDownloadLink(projectId)} />;
}
