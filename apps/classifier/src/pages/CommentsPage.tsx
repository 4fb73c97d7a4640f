import type { OwnComment } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { GuestNote } from '../components/GuestNote';
import { DownloadMine } from '../components/DownloadMine';
import { PagedList } from '../components/PagedList';
import { MarkdownView } from '../components/MarkdownView';
import { useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { whenInWords } from '../lib/formats';
import { COMMENTS, Link, discussionsPath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';
import { useMorePages } from '../lib/useMorePages';

/** Comments shown at a time; "Show older ones" asks for the next page. */
const PAGE_SIZE = 20;

/**
 * `/comments`: what the volunteer wrote in discussions, in every project, the newest first, each with its project,
 * a link to it in its discussion (while the project is theirs to read), and whether the moderators hid it; and a
 * download of every one. A guest writes no comments: it is invited to create an account to take part, and nothing is
 * asked for.
 */
export function CommentsPage() {
  const { t } = useTranslation();
  const client = useClient();
  const volunteer = useSession();
  useDocumentTitle(t('comments.title'));
  return (
    <div className="page page-comments" data-testid="own-comments">
      <h1 tabIndex={-1}>{t('comments.title')}</h1>
      <p className="lead">{t('comments.lead')}</p>
      {volunteer.kind === 'registered' ? (
        <>
          <DownloadMine label={t('comments.download')} testId="comments-download" started={(t) => t('comments.downloadStarted')} link={() => client.myCommentsDownloadLink({ format: 'csv' })} />
          <MyComments />
        </>
      ) : (
        <GuestNote said={t('comments.guest')} back={COMMENTS} testId="comments-guest" />
      )}
    </div>
  );
}

/** The account's comments, a page at a time, the newest first. */
function MyComments() {
  const { t } = useTranslation();
  const client = useClient();
  const first = useLoaded(() => client.myComments({ limit: PAGE_SIZE }), [client]);
  const more = useMorePages(
    first.data,
    (page) => page.comments,
    (after) => client.myComments({ limit: PAGE_SIZE, after }),
  );
  return (
    <PagedList first={first} more={more} loading={t('comments.loading')} empty={t('comments.none')} emptyTestId="comments-none">
      {(shown) => (
        <ol className="comment-list">
          {shown.map((comment, index) => (
            <OwnCommentItem key={comment.id} comment={comment} row={more.newRow(index)} />
          ))}
        </ol>
      )}
    </PagedList>
  );
}

/**
 * One of the volunteer's comments: where (its project, unless the operators removed it), when, whether it was edited or
 * hidden, what it says, and a link to it in its discussion, or why there is none.
 */
function OwnCommentItem({ comment, row }: { comment: OwnComment; row: ReturnType<ReturnType<typeof useMorePages>['newRow']> }) {
  const { t } = useTranslation();
  const { project, discussionUrl } = comment;
  return (
    <li className={comment.hidden ? 'comment comment-hidden' : 'comment'} data-comment-id={comment.id} data-testid="own-comment" {...row}>
      <p className="comment-meta">
        {project ? <span className="comment-author">{project.title}</span> : <span className="comment-author">{t('comments.removedProject')}</span>}{' '}
        <time className="muted" dateTime={comment.createdAt}>
          {whenInWords(comment.createdAt)}
        </time>
        {comment.editedAt && <span className="muted"> {t('talk.edited')}</span>}
      </p>
      {comment.hidden && (
        <p className="comment-hidden-note" data-testid="own-comment-hidden">
          {comment.hidden.reason === null ? t('talk.hiddenFromOthers') : t('talk.hiddenBecause', { reason: comment.hidden.reason })}
        </p>
      )}
      <div className="comment-body">
        <MarkdownView text={comment.body} firstLevel={2} hashtagPath={discussionUrl && project ? (tag) => discussionsPath(project.slug, { tag }) : undefined} />
      </div>
      <p className="comment-about">
        {discussionUrl ? (
          <Link to={discussionUrl} data-testid="own-comment-discussion" aria-label={project ? t('comments.openIn', { project: project.title }) : undefined}>
            {t('comments.open')}
          </Link>
        ) : (
          <span className="muted" data-testid="own-comment-closed">
            {project ? t('comments.closed') : t('comments.removed')}
          </span>
        )}
      </p>
    </li>
  );
}
