import { useTranslation } from 'react-i18next';
import { GuestNote } from '../components/GuestNote';
import { DownloadMine } from '../components/DownloadMine';
import { ListedComment } from '../components/ListedComment';
import { PagedList } from '../components/PagedList';
import { useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { COMMENTS } from '../lib/router';
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
            <ListedComment key={comment.id} comment={comment} testId="own-comment" firstLevel={2} row={more.newRow(index)} />
          ))}
        </ol>
      )}
    </PagedList>
  );
}
