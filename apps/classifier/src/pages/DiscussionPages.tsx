import { AddToCollection } from '../components/AddToCollection';
import { COMMENT_LIMITS, ChorusApiError, type DiscussionFollow, MODERATION_ROLES, type ProjectView, isProblem, STORED_HASHTAG, type SubjectComment, type SubjectCommentPage, normaliseHashtag } from '@chorus/client';
import { type FormEvent, type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { AskFirst } from '../components/AskFirst';
import { Breadcrumb } from '../components/Breadcrumb';
import { CommentItem, CommentSubjectLink } from '../components/CommentItem';
import { ErrorAlert } from '../components/ErrorAlert';
import { InlineQuestion } from '../components/InlineQuestion';
import { SubmitOrCancel } from '../components/SubmitOrCancel';
import { FormField, TextAreaField } from '../components/FormField';
import { NothingHere } from '../components/NothingHere';
import { PublishedResults } from '../components/PublishedResults';
import { HideOnDiscussion, ShowAgainOnDiscussion } from '../components/HideComment';
import { ReportComment } from '../components/ReportComment';
import { ShownSubject } from '../components/SubjectMedia';
import { problemAtFields, useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { randomUuid } from '../lib/ids';
import { searchRefusal } from '../lib/search';
import { useFocusOnClose } from '../lib/focus';
import { Link, accountPath, classifyPath, commentInAddress, discussionsPath, navigate, projectPath, usePath, useSearch } from '../lib/router';
import { volunteerSubjectName } from '../lib/subjectName';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { type FormProblem, useForm } from '../lib/useForm';
import { useLoaded } from '../lib/useLoaded';
import { useSaid } from '../lib/said';
import { ShowMore } from '../components/ShowMore';

/** Comments shown at a time; "Show more comments" asks for the next page. */
const PAGE_SIZE = 20;
/** Pages read, at most, to find the comment the address names (a notification's link) before giving up on it. */
const PAGES_TO_FIND_COMMENT = 10;

/** Reads the page of comments after `after` (the first without it). */
interface ReadPage<P> {
  // biome-ignore lint/style/useShorthandFunctionType: written as a type alias, the i18n test reads `=> Promise<` as interface text
  (after?: string): Promise<P>;
}

/**
 * Pages of comments, read by `read` (once it can be: null until then), that "Show more" adds to; the first comment a page brings (unless read with `focusFirst` false), or one `show` names
 * just posted, then takes focus. A new `read` (another tag) starts again: no pages until its first answers, and an answer
 * to a `read` no longer current (a tag followed before the last one answered) is dropped.
 */
export function useCommentPages<P extends SubjectCommentPage>(read: ReadPage<P> | null) {
  const [shown, setShown] = useState<{ read: ReadPage<P>; pages: P } | null>(null);
  const pages = shown && shown.read === read ? shown.pages : null;
  const [problem, setProblem] = useSaid<Problem>();
  const [missing, setMissing] = useState(false);
  const focusId = useRef<string | null>(null);
  const current = useRef(read);
  const load = useCallback(
    async (after?: string, focusFirst = true) => {
      if (!read) return;
      try {
        const page = await read(after);
        if (current.current !== read) return;
        if (after && focusFirst) focusId.current = page.comments[0]?.id ?? null;
        // A comment posted here while more pages waited is at the end of those shown already: not shown twice.
        setShown((now) => {
          const before = now?.read === read ? now.pages : null;
          return { read, pages: after && before ? { ...page, comments: [...before.comments, ...page.comments.filter((comment) => !before.comments.some((each) => each.id === comment.id))] } : page };
        });
        setProblem(null);
      } catch (error) {
        if (current.current !== read) return;
        if (error instanceof ChorusApiError && error.status === 404) setMissing(true);
        else setProblem(() => describeError(error));
      }
    },
    [read],
  );
  useEffect(() => {
    current.current = read;
    setProblem(null);
    void load();
  }, [read, load]);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (!focusId.current || !pages) return;
    list.current?.querySelector<HTMLElement>(`[data-comment-id="${focusId.current}"]`)?.focus();
    focusId.current = null;
  }, [pages]);
  /** Changes the pages shown, once there are some. */
  const setPages = (change: (now: P) => P) => setShown((now) => now && { ...now, pages: change(now.pages) });
  /** Adds a comment just posted at the end, and gives it focus. */
  const show = (comment: SubjectComment) => {
    focusId.current = comment.id;
    setPages((now) => ({ ...now, comments: [...now.comments, comment] }));
  };
  /** Puts a comment its author edited in place of what it was, and gives it focus. */
  const replace = (comment: SubjectComment) => {
    focusId.current = comment.id;
    setPages((now) => ({ ...now, comments: now.comments.map((each) => (each.id === comment.id ? comment : each)) }));
  };
  /** Takes a comment its author deleted out of those shown. */
  const remove = (id: string) => setPages((now) => ({ ...now, comments: now.comments.filter((comment) => comment.id !== id) }));
  return { pages, setPages, problem, missing, load, list, show, replace, remove };
}

/** Reads the page of comments after `after` into those shown. */
interface LoadPage {
  // biome-ignore lint/style/useShorthandFunctionType: written as a type alias, the i18n test reads `=> Promise<` as interface text
  (after?: string, focusFirst?: boolean): Promise<void>;
}

/** The comment a reply is being written to; `n` tells one Reply from the next (each focuses the form). */
interface Replying {
  to: SubjectComment;
  n: number;
}

/** The focus is where a page opened puts it (its heading, or nowhere): the volunteer has not moved it. */
const focusWherePagePutIt = () => document.activeElement === document.body || document.activeElement?.matches('main, main h1') === true;

/**
 * Focuses the comment the address names (`#comment-<id>`, from a notification or a reply's link) once it is shown,
 * reading more pages (a few at most) until it is; focus stays where it is meanwhile, and where the volunteer moved it
 * even then (the comment is scrolled into view instead).
 */
export function useCommentInAddress(pages: SubjectCommentPage | null, load: LoadPage, list: RefObject<HTMLOListElement | null>) {
  const wanted = useRef(commentInAddress());
  const pagesRead = useRef(0);
  useEffect(() => {
    const id = wanted.current;
    if (!pages || !id) return;
    pagesRead.current += 1;
    if (pages.comments.some((comment) => comment.id === id)) {
      wanted.current = null;
      const found = list.current?.querySelector<HTMLElement>(`[data-comment-id="${CSS.escape(id)}"]`);
      // A volunteer who moved the focus meanwhile (typing a comment of their own, or on to a link) keeps it: the comment
      // is only brought into view.
      if (focusWherePagePutIt()) found?.focus();
      else found?.scrollIntoView({ block: 'nearest' });
    } else if (pages.next && pagesRead.current < PAGES_TO_FIND_COMMENT) {
      // Read while searching: focus stays where it is (a volunteer may be typing) until the comment is found.
      void load(pages.next, false);
    } else {
      wanted.current = null;
    }
  }, [pages, load, list]);
}

/**
 * `/projects/:slug/subjects/:id`: a subject's discussion (Talk): the subject, its result where the project publishes it, what volunteers and the research team said
 * about it, oldest first, and, for a volunteer with an account, a form to add to it or reply to a comment (a guest is
 * asked to sign in). `#comment-<id>` in the address brings that comment into view, focused.
 */
export function SubjectDiscussionPage({ projectSlug, subjectId }: { projectSlug: string; subjectId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data: project, problem: projectProblem, missing: projectMissing, reload } = useLoaded(() => client.getProject(projectSlug), [client, projectSlug]);
  const projectId = project?.id;
  const read = useMemo(
    () => (projectId ? (after?: string) => client.subjectDiscussion(subjectId, projectId, { limit: PAGE_SIZE, after }) : null),
    [client, subjectId, projectId],
  );
  const { pages: discussion, problem, missing, load, list, show, replace, remove } = useCommentPages(read);
  useCommentInAddress(discussion, load, list);
  const name = discussion ? (volunteerSubjectName(discussion.subject) ?? t('talk.subject')) : undefined;
  useDocumentTitle(name ?? t('talk.title'));
  const place = useMemo<CommentPlaceActions | null>(
    () =>
      projectId
        ? {
            post: (input, key) => client.postComment(subjectId, { projectId, ...input }, key),
            follow: (following) => (following ? client.followDiscussion(subjectId, projectId) : client.unfollowDiscussion(subjectId, projectId)),
            following: async () => (await client.subjectDiscussion(subjectId, projectId, { limit: 1 })).following,
          }
        : null,
    [client, subjectId, projectId],
  );
  /** Come from a classify page ("Done & Talk"): its workflow, to go back to. */
  const classifying = useSearch().get('classify');

  if (projectMissing || missing) return <NothingHere testId="subject-not-found" title={t('talk.notFoundTitle')} body={t('talk.notFound')} />;
  /** Taken down by the project's team, the discussion takes no new comment but the team's. */
  const closed = !!discussion?.subject.takenDown && !(project?.role && MODERATION_ROLES.includes(project.role));
  return (
    <div className="page page-discussion" data-testid="subject-discussion">
      <Breadcrumb up={project ? [{ to: projectPath(project.slug), label: project.title }, { to: discussionsPath(project.slug), label: t('talk.recentTitle') }] : []} here={name ?? ''} />
      <ErrorAlert problem={projectProblem ?? problem}>
        <button type="button" className="button button-secondary" onClick={() => (projectProblem ? reload() : void load())}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {discussion && project && name && place ? (
        <>
          <h1 tabIndex={-1}>{name}</h1>
          {classifying && (
            <p>
              <Link to={classifyPath(projectSlug, classifying)} data-testid="back-to-classifying">
                {t('talk.backToClassifying')}
              </Link>
            </p>
          )}
          <AddToCollection subjectId={discussion.subject.id} />
          <ShownSubject subject={discussion.subject} />
          <PublishedResults project={project} subjectId={subjectId} />
          <DiscussionComments project={project} discussion={discussion} closed={closed && t('talk.closedTakenDown')} place={place!} pages={{ list, load, show, replace, remove }} />
        </>
      ) : (
        !(projectProblem ?? problem) && <DiscussionLoading />
      )}
    </div>
  );
}

/** What a discussion's page does where its comments are: a subject's discussion, or a board discussion. */
interface CommentPlaceActions {
  post(input: { body: string; replyTo?: string }, key: string): Promise<SubjectComment>;
  follow(following: boolean): Promise<DiscussionFollow>;
  /** Whether the caller follows it now (after a comment of theirs). */
  following(): Promise<boolean>;
}

/** The pages of a discussion's comments, as `useCommentPages` gives them. */
type CommentPagesControl = Pick<ReturnType<typeof useCommentPages<SubjectCommentPage>>, 'list' | 'load' | 'show' | 'replace' | 'remove'>;

/**
 * A discussion's comments (a subject's or a board's), oldest first, with Follow, each comment's Reply, Report or Hide,
 * Edit and Delete, and the form that adds one; `closed`: why it takes no new comment (said in the form's place), if it does not.
 */
export function DiscussionComments({
  project,
  discussion,
  closed,
  place,
  pages: { list, load, show, replace, remove },
}: { project: ProjectView; discussion: SubjectCommentPage & { commentBanned: boolean; following: boolean }; closed: string | false; place: CommentPlaceActions; pages: CommentPagesControl }) {
  const { t } = useTranslation();
  const volunteer = useSession();
  const [replying, setReplying] = useState<Replying | null>(null);
  /** Cancelling a reply gives focus back to the Reply button it came from. */
  const refocusReply = useRef<string | null>(null);
  useEffect(() => {
    if (replying || !refocusReply.current) return;
    list.current?.querySelector<HTMLElement>(`[data-comment-id="${CSS.escape(refocusReply.current)}"] [data-reply-button]`)?.focus();
    refocusReply.current = null;
  }, [replying, list]);
  const cancelReply = () => {
    refocusReply.current = replying?.to.id ?? null;
    setReplying(null);
  };
  /** Comments the volunteer posted here: each may make them follow the discussion (unless they unfollowed it). */
  const [postedCount, setPostedCount] = useState(0);
  const posted = (comment: SubjectComment) => {
    setReplying(null);
    show(comment);
    setPostedCount((count) => count + 1);
  };
  /** Stopped from commenting in the project by its team: said up front, in the place of the form (a ban made since is said on sending). */
  const banned = discussion.commentBanned;
  return (
          <section className="discussion" aria-labelledby="discussion-heading">
            <h2 id="discussion-heading" tabIndex={-1}>
              {t('talk.discussion')}
            </h2>
            {volunteer.kind === 'registered' && !banned && <FollowDiscussion place={place} following={discussion.following} postedCount={postedCount} />}
            {discussion.comments.length === 0 && <p data-testid="no-comments">{t('talk.none')}</p>}
            <ol className="comment-list" ref={list}>
              {discussion.comments.map((comment) => (
                <CommentItem key={comment.id} projectSlug={project.slug} comment={comment}>
                  {volunteer.kind === 'registered' && !comment.hidden && !closed && !banned && (
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      data-reply-button
                      aria-label={t('talk.replyTo', { name: comment.author.displayName ?? t('talk.formerVolunteer') })}
                      onClick={() => setReplying((before) => ({ to: comment, n: (before?.n ?? 0) + 1 }))}
                    >
                      {t('talk.reply')}
                    </button>
                  )}
                  {volunteer.kind === 'registered' &&
                    !comment.mine &&
                    !comment.hidden &&
                    (project.role !== null && MODERATION_ROLES.includes(project.role) ? <HideOnDiscussion comment={comment} onHidden={replace} /> : <ReportComment comment={comment} />)}
                  {!comment.mine && comment.hidden && project.role !== null && MODERATION_ROLES.includes(project.role) && <ShowAgainOnDiscussion comment={comment} onShown={replace} />}
                  {/* A hidden comment stays as the moderators hid it: its author reads it, marked, and changes nothing. */}
                  {comment.mine && !comment.hidden && (
                    <>
                      {!banned && <EditComment key={comment.editedAt ?? comment.createdAt} comment={comment} onEdited={replace} />}
                      <DeleteComment comment={comment} onDeleted={() => remove(comment.id)} />
                    </>
                  )}
                </CommentItem>
              ))}
            </ol>
            <ShowMore next={discussion.next} onMore={(after) => load(after)} label={t('talk.more')} />
            {closed ? (
              <p className="comment-sign-in" data-testid="comments-closed">
                {closed}
              </p>
            ) : banned ? (
              <p className="comment-sign-in" data-testid="comments-banned">
                {t('talk.errors.banned')}
              </p>
            ) : (
              <NewComment place={place} replying={replying} onCancelReply={cancelReply} onPosted={posted} />
            )}
          </section>
  );
}

/**
 * "Follow" / "Following", a toggle button (`aria-pressed`): whether the volunteer is told of each new comment here (a
 * `discussion` notification). Commenting follows it, unless they unfollowed it: after each comment of theirs, the
 * server says again. What came of a press is said beside it.
 */
function FollowDiscussion({ place, following, postedCount }: { place: CommentPlaceActions; following: boolean; postedCount: number }) {
  const { t } = useTranslation();
  const [pressed, setPressed] = useState(following);
  const [sending, setSending] = useState(false);
  const [message, setMessage] = useSaid<string>();
  useEffect(() => setPressed(following), [following]);
  useEffect(() => {
    if (!postedCount) return;
    void place.following().then(setPressed, () => undefined);
  }, [place, postedCount]);
  const toggle = async () => {
    if (sending) return;
    setSending(true);
    setMessage(null);
    try {
      const now = await place.follow(!pressed);
      setPressed(now.following);
      setMessage((t) => (now.following ? t('talk.follow.followed') : t('talk.follow.unfollowed')));
    } catch (error) {
      setMessage(() => describeError(error).detail);
    } finally {
      setSending(false);
    }
  };
  return (
    <div className="follow-discussion">
      <button type="button" className="button button-secondary button-small" aria-pressed={pressed} aria-disabled={sending || undefined} onClick={() => void toggle()} data-testid="follow-discussion">
        {pressed ? t('talk.follow.following') : t('talk.follow.follow')}
      </button>
      <span className="muted" role="status" data-testid="follow-discussion-message">
        {message}
      </span>
    </div>
  );
}

/**
 * The form that adds a comment (an account's), or a reply to one (`replying`: it says to whom, focused on each Reply,
 * and Cancel or Escape makes it a comment again); a guest is asked to sign in or create an account, and brought back here.
 */
function NewComment({
  place,
  replying,
  onCancelReply,
  onPosted,
}: { place: CommentPlaceActions; replying: Replying | null; onCancelReply: () => void; onPosted: (comment: SubjectComment) => void }) {
  const { t } = useTranslation();
  const volunteer = useSession();
  const path = usePath();
  const form = useForm({ body: '' }, ['body'] as const);
  /** One key per comment written: a retry after a lost answer posts it once. */
  const key = useRef(randomUuid());
  const body = useRef<HTMLTextAreaElement | null>(null);
  useEffect(() => {
    if (replying) body.current?.focus();
  }, [replying]);
  if (volunteer.kind !== 'registered') {
    return (
      <p className="comment-sign-in" data-testid="comment-sign-in">
        {t('talk.signInToComment')} <Link to={accountPath('sign-in', path)}>{t('account.signIn')}</Link> ·{' '}
        <Link to={accountPath('create-account', path)}>{t('account.createAccount')}</Link>
      </p>
    );
  }
  const submit = form.onSubmit({
    check: (t) => (form.values.body.trim() ? {} : { body: t('talk.errors.empty') }),
    send: async () => {
      const comment = await place.post({ body: form.values.body, replyTo: replying?.to.id }, key.current);
      key.current = randomUuid();
      form.reset();
      onPosted(comment);
    },
    refused: commentRefused,
  });
  const field = form.field('body');
  const replyingTo = replying && (replying.to.author.displayName ?? t('talk.formerVolunteer'));
  return (
    <form className="comment-form" noValidate aria-labelledby="new-comment-heading" onSubmit={(event) => void submit(event)}>
      <h3 id="new-comment-heading">{replyingTo ? t('talk.replyingTo', { name: replyingTo }) : t('talk.add')}</h3>
      {replyingTo && (
        <p className="comment-replying" data-testid="replying-to">
          <button type="button" className="button button-secondary button-small" onClick={onCancelReply}>
            {t('talk.cancelReply')}
          </button>
        </p>
      )}
      <ErrorAlert problem={form.problem} />
      <TextAreaField
        id="comment-body"
        label={replyingTo ? t('talk.yourReply') : t('talk.yourComment')}
        hint={t('talk.hint', { limit: COMMENT_LIMITS.bodyLength })}
        rows={4}
        maxLength={COMMENT_LIMITS.bodyLength}
        sendKey
        onKeyDown={(event) => {
          if (replyingTo && event.key === 'Escape') onCancelReply();
        }}
        {...field}
        inputRef={(element) => {
          field.inputRef(element);
          body.current = element;
        }}
      />
      <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
        {t('talk.post')}
      </button>
    </form>
  );
}

/** A comment or an edit refused: a volunteer the project's moderators stopped from commenting is told so in their language. */
export const commentRefused = (error: unknown, t: TFunction): FormProblem<'body'> =>
  isProblem(error, 'comment-banned') ? { fields: {}, form: { detail: t('talk.errors.banned'), fields: [] } } : problemAtFields(error, ['body'] as const);

/** The author's own comment rewritten, in a form in the page; saved, the comment takes focus, and Cancel or Escape goes back to its button. */
function EditComment({ comment, onEdited }: { comment: SubjectComment; onEdited: (comment: SubjectComment) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [editing, setEditing] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const form = useForm({ body: comment.body }, ['body'] as const);
  const field = `comment-edit-${comment.id}`;
  const submit = form.onSubmit({
    check: (t) => (form.values.body.trim() ? {} : { body: t('talk.errors.empty') }),
    send: async () => {
      const edited = await client.editComment(comment.id, form.values.body);
      setEditing(false);
      onEdited(edited);
    },
    refused: commentRefused,
  });
  const focusButtonOnClose = useFocusOnClose(editing, button);
  const cancel = () => {
    focusButtonOnClose();
    setEditing(false);
    form.reset();
  };
  if (!editing) {
    return (
      <button type="button" ref={button} className="button button-secondary button-small" data-testid="edit-comment-button" onClick={() => setEditing(true)}>
        {t('talk.edit')}
      </button>
    );
  }
  return (
    <InlineQuestion question={t('talk.editQuestion')} className="comment-edit" testId="edit-comment" onCancel={cancel}>
      {(questionId) => (
        <form noValidate aria-labelledby={questionId} onSubmit={(event) => void submit(event)}>
          <ErrorAlert problem={form.problem} />
          <TextAreaField id={field} label={t('talk.yourComment')} hint={t('talk.hint', { limit: COMMENT_LIMITS.bodyLength })} rows={4} maxLength={COMMENT_LIMITS.bodyLength} sendKey {...form.field('body')} />
          <SubmitOrCancel submit={t('talk.save')} cancel={t('talk.cancelEdit')} busy={form.busy} onCancel={cancel} />
        </form>
      )}
    </InlineQuestion>
  );
}

/** The author's own comment taken away, asked about first; focus goes back to the discussion's heading. */
function DeleteComment({ comment, onDeleted }: { comment: SubjectComment; onDeleted: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useSaid<Problem>();
  const button = useRef<HTMLButtonElement>(null);
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      await client.deleteComment(comment.id);
      onDeleted();
      document.getElementById('discussion-heading')?.focus();
    } catch (error) {
      setProblem(() => describeError(error));
      setBusy(false);
    }
  };
  const focusButtonOnClose = useFocusOnClose(asking, button);
  const cancel = () => {
    focusButtonOnClose();
    setAsking(false);
  };
  return (
    <div className="comment-actions">
      <ErrorAlert problem={problem} />
      {asking ? (
        <AskFirst
          asked={{ testId: 'delete-comment-question', question: t('talk.deleteQuestion'), confirm: t('talk.deleteConfirm'), cancel: t('talk.deleteCancel') }}
          busy={busy}
          onConfirm={(event) => void confirm(event)}
          onCancel={cancel}
        />
      ) : (
        <button type="button" ref={button} className="button button-secondary button-small" onClick={() => setAsking(true)}>
          {t('talk.delete')}
        </button>
      )}
    </div>
  );
}

/**
 * `/projects/:slug/discussions` (`?tag=stamp`: those with that #hashtag; `?q=words`: those with each of these words): the
 * project's recent comments, newest first, each with a link to its subject's discussion, a filter by hashtag and a
 * search, whose result a polite status says.
 */
export function ProjectDiscussionsPage({ projectSlug }: { projectSlug: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data: project, problem: projectProblem, missing: projectMissing, reload } = useLoaded(() => client.getProject(projectSlug), [client, projectSlug]);
  const projectId = project?.id;
  const address = useSearch();
  const tag = normaliseHashtag(address.get('tag') ?? '');
  const q = (address.get('q') ?? '').trim();
  const read = useMemo(
    () => (projectId ? (after?: string) => client.projectComments(projectId, { limit: PAGE_SIZE, after, tag: tag || undefined, q: q || undefined }) : null),
    [client, projectId, tag, q],
  );
  const { pages, problem, missing, load, list } = useCommentPages(read);
  useDocumentTitle(project ? t('talk.recentOf', { project: project.title }) : t('talk.recentTitle'));
  // A hashtag followed from a comment goes with the list it was in: the heading takes focus, not the page's body.
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tag` is the trigger
  useEffect(() => {
    if (document.activeElement === document.body) heading.current?.focus();
  }, [tag]);
  if (projectMissing || missing) return <NothingHere testId="project-not-found" title={t('project.notFoundTitle')} body={t('project.notFound')} />;
  const failed = projectProblem ?? problem;
  return (
    <div className="page page-discussions" data-testid="project-discussions">
      <Breadcrumb up={project ? [{ to: projectPath(project.slug), label: project.title }] : []} here={t('talk.recentTitle')} />
      <ErrorAlert problem={failed}>
        <button type="button" className="button button-secondary" onClick={() => (projectProblem ? reload() : void load())}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {project ? (
        <>
          <h1 tabIndex={-1} ref={heading}>
            {t('talk.recentTitle')}
          </h1>
          <p className="lead">{t('talk.recentLead')}</p>
          <div className="discussion-filters">
            <HashtagFilter projectSlug={project.slug} tag={tag} q={q} />
            <CommentSearch projectSlug={project.slug} tag={tag} q={q} />
          </div>
          <p role="status" aria-live="polite" data-testid="tag-status">
            {pages && listStatus(t, pages, tag, q)}
          </p>
          {pages ? (
            <>
              {pages.comments.length === 0 && !tag && !q && <p data-testid="no-comments">{t('talk.noneInProject')}</p>}
              <ol className="comment-list" ref={list}>
                {pages.comments.map((comment) => (
                  <CommentItem
                    key={comment.id}
                    projectSlug={project.slug}
                    comment={comment}
                    about={<CommentSubjectLink projectSlug={project.slug} comment={comment} />}
                  />
                ))}
              </ol>
              <ShowMore next={pages.next} onMore={(after) => load(after)} label={t('talk.more')} />
            </>
          ) : (
            !failed && <DiscussionLoading />
          )}
        </>
      ) : (
        !failed && <DiscussionLoading />
      )}
    </div>
  );
}

/** What the list shows, said once it is read: how many comments have the hashtag, or match the search (with the hashtag or not), or that none does. */
function listStatus(t: TFunction, pages: SubjectCommentPage, tag: string, q: string): string {
  const count = pages.comments.length;
  if (q && count === 0) return tag ? t('talk.foundTaggedNone', { q, tag }) : t('talk.foundNone', { q });
  if (q && pages.next) return tag ? t('talk.foundTaggedAtLeast', { count, q, tag }) : t('talk.foundAtLeast', { count, q });
  if (q) return tag ? t('talk.foundTagged', { count, q, tag }) : t('talk.found', { count, q });
  if (!tag) return '';
  return pages.next ? t('talk.taggedAtLeast', { count, tag }) : t('talk.tagged', { count, tag });
}

/** One way to narrow the list (a hashtag, or words): a field sent by Enter, and a button that clears it, focus back in the field. */
interface FilterProps {
  id: string;
  /** What the address says now. */
  value: string;
  labels: { form: string; field: string; hint: string; send: string; clear: string };
  clearTestId: string;
  /** The error to say at the field of what was typed, if any. */
  check: (typed: string, t: TFunction) => string | undefined;
  /** Opens the list with what was typed (empty: without this filter). */
  go: (typed: string) => void;
  /** Opens the list as the clear button says, if not as `go` with nothing typed. */
  cleared?: () => void;
}

function DiscussionFilter({ id, value, labels, clearTestId, check, go, cleared = () => go('') }: FilterProps) {
  const form = useForm({ value }, ['value'] as const);
  // A hashtag followed from a comment, or Back, changes the address, not this form: it shows what the list is filtered by.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `value` is the trigger; `setValue` is made anew each render
  useEffect(() => form.setValue('value', value), [value]);
  const input = useRef<HTMLInputElement | null>(null);
  const field = form.field('value');
  const submit = form.onSubmit({
    check: (t) => {
      const error = check(form.values.value, t);
      return error ? { value: error } : {};
    },
    send: async () => go(form.values.value),
    refused: () => ({ fields: {}, form: null }),
  });
  const clear = () => {
    cleared();
    input.current?.focus();
  };
  return (
    <form className="discussion-filter" aria-label={labels.form} noValidate onSubmit={(event) => void submit(event)}>
      <FormField
        id={id}
        label={labels.field}
        hint={labels.hint}
        autoComplete="off"
        spellCheck={false}
        {...field}
        inputRef={(element) => {
          field.inputRef(element);
          input.current = element;
        }}
      />
      <button type="submit" className="button button-secondary">
        {labels.send}
      </button>
      {value && (
        <button type="button" className="button button-secondary" data-testid={clearTestId} onClick={clear}>
          {labels.clear}
        </button>
      )}
    </form>
  );
}

/**
 * The hashtag the list is filtered by: typed (with or without its #) and shown, the search staying; or cleared for every
 * comment again, as its button says: without the search too.
 */
function HashtagFilter({ projectSlug, tag, q }: { projectSlug: string; tag: string; q: string }) {
  const { t } = useTranslation();
  return (
    <DiscussionFilter
      id="comment-tag"
      value={tag}
      labels={{ form: t('talk.tagFilter'), field: t('talk.tag'), hint: t('talk.tagHint'), send: t('talk.showTagged'), clear: t('talk.clearTag') }}
      clearTestId="clear-tag"
      check={(typed, t) => {
        const tagged = normaliseHashtag(typed);
        return tagged && !STORED_HASHTAG.test(tagged) ? t('talk.tagInvalid') : undefined;
      }}
      go={(typed) => navigate(discussionsPath(projectSlug, { tag: normaliseHashtag(typed) || undefined, q: q || undefined }))}
      cleared={() => navigate(discussionsPath(projectSlug))}
    />
  );
}

/** The words the list is searched for (in the comments' bodies, whatever their case and accents), or none for the whole list again; the hashtag stays. */
function CommentSearch({ projectSlug, tag, q }: { projectSlug: string; tag: string; q: string }) {
  const { t } = useTranslation();
  return (
    <DiscussionFilter
      id="comment-search"
      value={q}
      labels={{ form: t('talk.searchForm'), field: t('talk.search'), hint: t('talk.searchHint'), send: t('talk.searchSend'), clear: t('talk.clearSearch') }}
      clearTestId="clear-search"
      check={searchRefusal}
      go={(typed) => navigate(discussionsPath(projectSlug, { tag: tag || undefined, q: typed.trim() || undefined }))}
    />
  );
}

export function DiscussionLoading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {t('talk.loading')}
    </p>
  );
}
