import type { OwnComment } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { whenInWords } from '../lib/formats';
import { Link, discussionsPath } from '../lib/router';
import type { useMorePages } from '../lib/useMorePages';
import { MarkdownView } from './MarkdownView';

/** A comment listed away from its discussion: the volunteer's own (with whether it was hidden), or on their profile. */
export interface ListedCommentView extends Pick<OwnComment, 'id' | 'project' | 'discussionUrl' | 'body' | 'createdAt' | 'editedAt'> {
  hidden?: OwnComment['hidden'];
}

/**
 * One comment away from its discussion: where (its project, unless the operators removed it), when, whether it was
 * edited or hidden, what it says, and a link to it in its discussion, or why there is none. `testId` names the item, and
 * its parts after it (`-hidden`, `-discussion`, `-closed`).
 */
export function ListedComment({ comment, testId, firstLevel, row }: { comment: ListedCommentView; testId: string; firstLevel: number; row?: ReturnType<ReturnType<typeof useMorePages>['newRow']> }) {
  const { t } = useTranslation();
  const { project, discussionUrl } = comment;
  return (
    <li className={comment.hidden ? 'comment comment-hidden' : 'comment'} data-comment-id={comment.id} data-testid={testId} {...row}>
      <p className="comment-meta">
        {project ? <span className="comment-project">{project.title}</span> : <span className="comment-project">{t('comments.removedProject')}</span>}{' '}
        <time className="muted" dateTime={comment.createdAt}>
          {whenInWords(comment.createdAt)}
        </time>
        {comment.editedAt && <span className="muted"> {t('talk.edited')}</span>}
      </p>
      {comment.hidden && (
        <p className="comment-hidden-note" data-testid={`${testId}-hidden`}>
          {comment.hidden.reason === null ? t('talk.hiddenFromOthers') : t('talk.hiddenBecause', { reason: comment.hidden.reason })}
        </p>
      )}
      <div className="comment-body">
        <MarkdownView text={comment.body} firstLevel={firstLevel} hashtagPath={discussionUrl && project ? (tag) => discussionsPath(project.slug, { tag }) : undefined} />
      </div>
      <p className="comment-about">
        {discussionUrl ? (
          <Link to={discussionUrl} data-testid={`${testId}-discussion`} aria-label={project ? t('comments.openIn', { project: project.title }) : undefined}>
            {t('comments.open')}
          </Link>
        ) : (
          <span className="muted" data-testid={`${testId}-closed`}>
            {project ? t('comments.closed') : t('comments.removed')}
          </span>
        )}
      </p>
    </li>
  );
}
