import { BOARD_LIMITS, COMMENT_LIMITS, type BoardDiscussionSummary, type ProjectView } from '@chorus/client';
import { useCallback, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../components/Breadcrumb';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField, TextAreaField } from '../components/FormField';
import { MarkdownView } from '../components/MarkdownView';
import { NothingHere } from '../components/NothingHere';
import { ShowMore } from '../components/ShowMore';
import { problemAtFields, useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { whenInWords } from '../lib/formats';
import { randomUuid } from '../lib/ids';
import { Link, accountPath, boardDiscussionPath, boardPath, navigate, projectPath, usePath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useForm } from '../lib/useForm';
import { useLoaded } from '../lib/useLoaded';
import { useMorePages } from '../lib/useMorePages';
import { DiscussionComments, DiscussionLoading, commentRefused, useCommentInAddress, useCommentPages } from './DiscussionPages';

/** Discussions listed at a time on a board; "Show more discussions" asks for the next page. */
const PAGE_SIZE = 20;

/** The project page's Talk section: its boards, each a link to its discussions (none until its researchers make them). */
export function ProjectBoards({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data } = useLoaded(() => client.boards(project.id), [client, project.id]);
  if (!data?.boards.length) return null;
  return (
    <section className="project-boards" aria-labelledby="project-boards-heading" data-testid="project-boards">
      <h2 id="project-boards-heading">{t('boards.heading')}</h2>
      <ul>
        {data.boards.map((board) => (
          <li key={board.id}>
            <Link to={boardPath(project.slug, board.id)}>{board.title}</Link>
            {board.archivedAt && <span className="muted"> {t('boards.archived')}</span>}
            {board.description && <MarkdownView text={board.description} firstLevel={3} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** `/projects/:slug/boards/:id`: a board's discussions, the latest active first, and the form that starts one. */
export function BoardPage({ projectSlug, boardId }: { projectSlug: string; boardId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data: project, missing: projectMissing } = useLoaded(() => client.getProject(projectSlug), [client, projectSlug]);
  const { data: page, problem, missing, reload } = useLoaded(() => client.boardDiscussions(boardId, { limit: PAGE_SIZE }), [client, boardId]);
  const more = useMorePages(
    page,
    (read) => read.discussions,
    (after) => client.boardDiscussions(boardId, { limit: PAGE_SIZE, after }),
  );
  useDocumentTitle(page?.board.title ?? t('boards.heading'));
  if (projectMissing || missing) return <NothingHere testId="board-not-found" title={t('boards.notFoundTitle')} body={t('boards.notFound')} />;
  return (
    <div className="page page-board" data-testid="board">
      <Breadcrumb up={project ? [{ to: projectPath(project.slug), label: project.title }] : []} here={page?.board.title ?? ''} />
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {page && project ? (
        <>
          <h1 tabIndex={-1}>{page.board.title}</h1>
          {page.board.description && <MarkdownView text={page.board.description} firstLevel={2} />}
          <h2>{t('boards.discussions')}</h2>
          {more.items.length === 0 && <p data-testid="no-board-discussions">{t('boards.none')}</p>}
          <ul className="board-discussions">
            {more.items.map((discussion, index) => (
              <DiscussionLine key={discussion.id} projectSlug={project.slug} discussion={discussion} row={more.newRow(index)} />
            ))}
          </ul>
          <ErrorAlert problem={more.problem} />
          <ShowMore id="more-board-discussions" next={more.next} onMore={more.showMore} loading={more.loading} label={t('boards.more')} />
          {page.board.archivedAt ? (
            <p className="comment-sign-in" data-testid="board-archived">
              {t('boards.archivedNote')}
            </p>
          ) : page.commentBanned ? (
            <p className="comment-sign-in" data-testid="board-banned">
              {t('talk.errors.banned')}
            </p>
          ) : (
            <StartDiscussion projectSlug={project.slug} boardId={boardId} />
          )}
        </>
      ) : (
        !problem && <DiscussionLoading />
      )}
    </div>
  );
}

function DiscussionLine({ projectSlug, discussion, row }: { projectSlug: string; discussion: BoardDiscussionSummary; row: ReturnType<ReturnType<typeof useMorePages>['newRow']> }) {
  const { t } = useTranslation();
  return (
    <li data-testid="board-discussion" {...row}>
      <Link to={boardDiscussionPath(projectSlug, discussion.id)}>{discussion.title}</Link>{' '}
      <span className="muted">
        {t('boards.startedBy', { name: discussion.startedBy.displayName ?? t('talk.formerVolunteer') })} · {t('boards.comments', { count: discussion.commentCount })} ·{' '}
        {t('boards.lastComment')} <time dateTime={discussion.lastCommentAt}>{whenInWords(discussion.lastCommentAt)}</time>
      </span>
    </li>
  );
}

/** The form that starts a discussion (an account's): its title and first comment; a guest is asked to sign in. */
function StartDiscussion({ projectSlug, boardId }: { projectSlug: string; boardId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const volunteer = useSession();
  const path = usePath();
  const form = useForm({ title: '', body: '' }, ['title', 'body'] as const);
  /** One key per discussion written: a retry after a lost answer starts it once. */
  const key = useRef(randomUuid());
  if (volunteer.kind !== 'registered') {
    return (
      <p className="comment-sign-in" data-testid="board-sign-in">
        {t('boards.signInToStart')} <Link to={accountPath('sign-in', path)}>{t('account.signIn')}</Link> ·{' '}
        <Link to={accountPath('create-account', path)}>{t('account.createAccount')}</Link>
      </p>
    );
  }
  const submit = form.onSubmit({
    check: (t) => ({
      ...(form.values.title.trim() ? {} : { title: t('boards.errors.noTitle') }),
      ...(form.values.body.trim() ? {} : { body: t('talk.errors.empty') }),
    }),
    send: async () => {
      const started = await client.startBoardDiscussion(boardId, { title: form.values.title, body: form.values.body }, key.current);
      navigate(boardDiscussionPath(projectSlug, started.id));
    },
    refused: (error, t) => (commentRefused(error, t).form ? commentRefused(error, t) : problemAtFields(error, ['title', 'body'] as const)),
  });
  return (
    <form className="comment-form" noValidate aria-labelledby="start-discussion-heading" onSubmit={(event) => void submit(event)}>
      <h2 id="start-discussion-heading">{t('boards.start')}</h2>
      <ErrorAlert problem={form.problem} />
      <FormField id="discussion-title" label={t('boards.title')} maxLength={BOARD_LIMITS.discussionTitleLength} {...form.field('title')} />
      <TextAreaField id="discussion-body" label={t('boards.firstComment')} hint={t('talk.hint', { limit: COMMENT_LIMITS.bodyLength })} rows={4} maxLength={COMMENT_LIMITS.bodyLength} sendKey {...form.field('body')} />
      <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
        {t('boards.startButton')}
      </button>
    </form>
  );
}

/** `/projects/:slug/talk/:id`: a board discussion, its comments and the form that adds one, as a subject's discussion. */
export function BoardDiscussionPage({ projectSlug, discussionId }: { projectSlug: string; discussionId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data: project, missing: projectMissing } = useLoaded(() => client.getProject(projectSlug), [client, projectSlug]);
  const read = useCallback((after?: string) => client.boardDiscussion(discussionId, { limit: 20, after }), [client, discussionId]);
  const { pages: discussion, problem, missing, load, list, show, replace, remove } = useCommentPages(read);
  useCommentInAddress(discussion, load, list);
  useDocumentTitle(discussion?.discussion.title ?? t('talk.title'));
  const place = useMemo(
    () => ({
      post: (input: { body: string; replyTo?: string }, key: string) => client.postBoardComment(discussionId, input, key),
      follow: (following: boolean) => client.followBoardDiscussion(discussionId, following),
      following: async () => (await client.boardDiscussion(discussionId, { limit: 1 })).following,
    }),
    [client, discussionId],
  );
  if (projectMissing || missing) return <NothingHere testId="board-discussion-not-found" title={t('talk.notFoundTitle')} body={t('boards.notFound')} />;
  const board = discussion?.discussion.board;
  return (
    <div className="page page-discussion" data-testid="board-discussion-page">
      <Breadcrumb up={project && board ? [{ to: projectPath(project.slug), label: project.title }, { to: boardPath(project.slug, board.id), label: board.title }] : []} here={discussion?.discussion.title ?? ''} />
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={() => void load()}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {discussion && project && board ? (
        <>
          <h1 tabIndex={-1}>{discussion.discussion.title}</h1>
          <DiscussionComments project={project} discussion={discussion} closed={!!board.archivedAt && t('boards.archivedNote')} place={place} pages={{ list, load, show, replace, remove }} />
        </>
      ) : (
        !problem && <DiscussionLoading />
      )}
    </div>
  );
}
