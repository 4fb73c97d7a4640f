import type { CommentPlace, ProjectComment, SubjectComment } from '@chorus/client';
import type { MouseEvent, ReactNode, Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { whenInWords } from '../lib/formats';
import { Link, boardDiscussionPath, commentAnchor, commentPath, discussionsPath, subjectPath, volunteerPath } from '../lib/router';
import { subjectHeading, volunteerSubjectName } from '../lib/subjectName';
import { MarkdownView } from './MarkdownView';

/**
 * One comment of a discussion, as a list item that can take focus (a comment just posted does): who wrote it (with a
 * badge for the project's team; a deleted account's is by a former volunteer), when, whether it was edited or hidden,
 * and what it says in Markdown. `about`: what it is about (its subject, in a project's list); `children`: what the
 * reader may do with it. Its #hashtags link to the project's recent discussions with that tag; a reply links to the
 * comment it answers (replies stay in the one list, oldest first, as on Zooniverse's Talk: no thread).
 */
export function CommentItem({
  projectSlug,
  comment,
  about,
  children,
  itemRef,
}: { projectSlug: string; comment: SubjectComment; about?: ReactNode; children?: ReactNode; itemRef?: Ref<HTMLLIElement> }) {
  const { t } = useTranslation();
  return (
    <li id={commentAnchor(comment.id)} className={comment.hidden ? 'comment comment-hidden' : 'comment'} tabIndex={-1} ref={itemRef} data-comment-id={comment.id} data-testid="comment">
      <p className="comment-meta">
        <span className="comment-author">
          {comment.author.id ? <Link to={volunteerPath(comment.author.id)}>{comment.author.displayName}</Link> : (comment.author.displayName ?? t('talk.formerVolunteer'))}
        </span>
        {comment.author.team && <span className="badge">{t('talk.team')}</span>}{' '}
        <time className="muted" dateTime={comment.createdAt}>
          {whenInWords(comment.createdAt)}
        </time>
        {comment.editedAt && <span className="muted"> {t('talk.edited')}</span>}
      </p>
      {comment.replyTo && (
        <p className="comment-reply-to muted" data-testid="comment-reply-to">
          <CommentLink projectSlug={projectSlug} place={comment} commentId={comment.replyTo.id}>
            {t('talk.inReplyTo', { name: comment.replyTo.authorDisplayName ?? t('talk.formerVolunteer') })}
          </CommentLink>
        </p>
      )}
      {about}
      {comment.hidden && (
        <p className="comment-hidden-note" data-testid="comment-hidden">
          {/* Its author, a volunteer, is the only one outside the team who is shown it, and not the team's reason. */}
          {comment.hidden.reason === null ? t('talk.hiddenFromOthers') : t('talk.hiddenBecause', { reason: comment.hidden.reason })}
        </p>
      )}
      <div className="comment-body">
        <MarkdownView text={comment.body} firstLevel={4} hashtagPath={(tag) => discussionsPath(projectSlug, { tag })} />
      </div>
      {children}
    </li>
  );
}

/** Where a comment in a project's list leads: its subject's discussion, named by the subject, as its heading names it; or its board discussion, by its title. */
export function CommentSubjectLink({ projectSlug, comment }: { projectSlug: string; comment: ProjectComment }) {
  const { t } = useTranslation();
  if (!comment.subject) {
    const discussion = comment.boardDiscussion!;
    return (
      <p className="comment-about">
        <Link to={boardDiscussionPath(projectSlug, discussion.id)}>{t('talk.openBoardDiscussion', { title: discussion.title, board: discussion.board.title })}</Link>
      </p>
    );
  }
  const name = subjectHeading(comment.subject) ?? volunteerSubjectName(comment.subject);
  return (
    <p className="comment-about">
      <Link to={subjectPath(projectSlug, comment.subject.id)}>{name ? t('talk.openSubjectNamed', { name }) : t('talk.openSubject')}</Link>
    </p>
  );
}

/**
 * A link to a comment: one on this page takes focus there (and the address names it, as an anchor would); another
 * opens its discussion at it.
 */
export function CommentLink({ projectSlug, place, commentId, children }: { projectSlug: string; place: CommentPlace; commentId: string; children: ReactNode }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    const shown = document.getElementById(commentAnchor(commentId));
    if (!shown || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    window.history.pushState(window.history.state, '', `#${commentAnchor(commentId)}`);
    shown.focus();
  };
  return (
    <Link to={commentPath(projectSlug, place, commentId)} onClick={onClick}>
      {children}
    </Link>
  );
}
