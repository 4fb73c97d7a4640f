import type { SubjectComment } from '@chorus/client';
import type { ReactNode, Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { whenInWords } from '../lib/formats';
import { Link, discussionsPath, subjectPath } from '../lib/router';
import { MarkdownView } from './MarkdownView';

/**
 * One comment of a discussion, as a list item that can take focus (a comment just posted does): who wrote it (with a
 * badge for the project's team; a deleted account's is by a former volunteer), when, whether it was edited or hidden,
 * and what it says in Markdown. `about`: what it is about (its subject, in a project's list); `children`: what the
 * reader may do with it. Its #hashtags link to the project's recent discussions with that tag.
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
    <li className={comment.hidden ? 'comment comment-hidden' : 'comment'} tabIndex={-1} ref={itemRef} data-comment-id={comment.id} data-testid="comment">
      <p className="comment-meta">
        <span className="comment-author">{comment.author.displayName ?? t('talk.formerVolunteer')}</span>
        {comment.author.team && <span className="badge">{t('talk.team')}</span>}{' '}
        <time className="muted" dateTime={comment.createdAt}>
          {whenInWords(comment.createdAt)}
        </time>
        {comment.editedAt && <span className="muted"> {t('talk.edited')}</span>}
      </p>
      {about}
      {comment.hidden && (
        <p className="comment-hidden-note" data-testid="comment-hidden">
          {/* Its author, a volunteer, is the only one outside the team who is shown it. */}
          {t(comment.mine && !comment.author.team ? 'talk.hiddenFromOthers' : 'talk.hiddenBecause', { reason: comment.hidden.reason })}
        </p>
      )}
      <div className="comment-body">
        <MarkdownView text={comment.body} firstLevel={4} hashtagPath={(tag) => discussionsPath(projectSlug, tag)} />
      </div>
      {children}
    </li>
  );
}

/** Where a comment in a project's list leads: its subject's discussion. */
export function CommentSubjectLink({ projectSlug, comment }: { projectSlug: string; comment: SubjectComment }) {
  const { t } = useTranslation();
  return (
    <p className="comment-about">
      <Link to={subjectPath(projectSlug, comment.subjectId)}>{t('talk.openSubject')}</Link>
    </p>
  );
}
