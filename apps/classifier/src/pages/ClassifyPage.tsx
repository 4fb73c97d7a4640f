import { type ClassificationInput, ChorusApiError, MOST_HELD_NAMED, type ProjectView, type QueueView, type WorkflowView } from '@chorus/client';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { FeedbackDialog, LateFeedback, type SubjectFeedback } from '../components/Feedback';
import { FieldGuideDialog } from '../components/FieldGuideDialog';
import { PageTools } from '../components/PageTools';
import { RecentClassifications } from '../components/RecentClassifications';
import { ShortcutsDialog } from '../components/ShortcutsDialog';
import { type Submission, SubjectClassifier } from '../components/SubjectClassifier';
import { TutorialDialog } from '../components/TutorialDialog';
import { useClient } from '../lib/clientContext';
import { clearDraft, draftKey, draftVersionOf } from '../lib/drafts';
import { describeError, describeRefusedAnswer, type Problem } from '../lib/errors';
import { canSignInAgain, isAlreadyClassified, isSignInExpired, isTransient, isWorkflowNotOpen, isWorkflowPaused, outbox, SUBMIT_TIMEOUT_MS, withTimeout } from '../lib/outbox';
import { listOf } from '../lib/listFormat';
import { Link } from '../lib/router';
import { classifiedThisSession, rememberClassifiedThisSession, session } from '../lib/session';
import { useSingleKeysOn } from '../lib/singleKeys';
import { addBatch, advance, type LocalQueue, needsPrefetch, nextBatchOf, TabQueueStore, withoutSubjects } from '../lib/subjectQueue';
import { markTutorialSeen, tutorialSeen, tutorialSteps } from '../lib/tutorial';
import { preloadTasks } from '../tasks/registry';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useHoldsWhileAtWork } from '../lib/useHoldsWhileAtWork';
import { useKey } from '../lib/useKey';
import { useOutboxSender } from '../lib/useOutboxSender';

interface FetchResult {
  added: number;
  /** The fetch began with no subject waiting locally, so an empty answer means there is nothing left. */
  startedEmpty: boolean;
  /** The server has nothing now but may later (others hold the last subjects, or more may come): ask again after this. */
  retryAfterSeconds?: number;
  /** Who holds those last subjects: this volunteer elsewhere (another tab), or other volunteers. */
  heldBy?: QueueView['heldBy'];
  /** The workflows that may still send this one subjects, when nothing else is left. */
  comingFrom?: QueueView['comingFrom'];
}

/** What became of the volunteer's last answer on this page: stored, kept in the outbox to be sent, or refused for good. */
type LastAnswer = 'saved' | 'on-device' | 'lost';

/**
 * The classify page of one workflow. Mount with `key={workflowId}` so that each workflow starts afresh, and anew for
 * each volunteer (the local batch is the volunteer's: the server reserved its subjects for them).
 */
export function ClassifyPage({ projectSlug, workflowId }: { projectSlug: string; workflowId: string }) {
  const client = useClient();
  const [project, setProject] = useState<ProjectView | null>(null);
  const [workflow, setWorkflow] = useState<WorkflowView | null>(null);
  const [store] = useState(() => new TabQueueStore(workflowId, session.current().userId));
  const [queue, setQueue] = useState<LocalQueue>(() => store.load((subjectId) => draftVersionOf(workflowId, subjectId) !== undefined));
  /** A fetch that began with nothing local brought nothing new, though the server did not say finished. */
  const [exhausted, setExhausted] = useState(false);
  /** Loading the workflow or a needed batch failed: wait for the volunteer to try again. */
  const [blocked, setBlocked] = useState(false);
  /** The address names no workflow (or none the volunteer may see): trying again cannot help. */
  const [missing, setMissing] = useState(false);
  /** The researchers paused the workflow (the queue or a submit said so): no more subjects for now. */
  const [paused, setPaused] = useState(false);
  /** The project is no longer open to volunteers (taken back to draft): a submit was refused, or the queue knows it no more. */
  const [closed, setClosed] = useState(false);
  const [lastAnswer, setLastAnswer] = useState<LastAnswer | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [classified, setClassified] = useState(() => classifiedThisSession(workflowId));
  useEffect(() => rememberClassifiedThisSession(workflowId, classified), [workflowId, classified]);
  /** Seconds until the queue is asked again, while volunteers hold the last subjects or workflows that feed this one may send more. */
  const [pollIn, setPollIn] = useState<{ seconds: number; yours: boolean; comingFrom?: string[] } | null>(null);
  const [pollTick, setPollTick] = useState(0);
  /** What the live region last announced; `n` makes a repeated message a new announcement. */
  const [announcement, setAnnouncement] = useState<{ n: number; text: string } | null>(null);
  /** A non-error note shown after a submission, e.g. the subject had already been classified. */
  const [notice, setNotice] = useState<string | null>(null);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [guideOpen, setGuideOpen] = useState(false);
  /** Open on a first visit (then closing it leads to the task) or when asked for (then back to where it was asked). */
  const [tutorial, setTutorial] = useState<'closed' | 'first-visit' | 'asked'>('closed');
  /** Gold-standard feedback on the subject just submitted, shown before the volunteer moves on. */
  const [feedback, setFeedback] = useState<SubjectFeedback | null>(null);
  const announce = useCallback((text: string) => setAnnouncement((previous) => ({ n: (previous?.n ?? 0) + 1, text })), []);
  const { t } = useTranslation();
  const fieldGuide = project?.fieldGuide.trim() ?? '';

  useKey('?', () => {
    setShortcutsOpen(true);
  });
  useKey('g', () => {
    if (!fieldGuide) return false;
    setGuideOpen(true);
  });
  useKey('t', () => {
    if (!workflow) return false;
    setTutorial('asked');
  });

  // The queue and workflow are read by async code after awaits: refs hold the latest committed values.
  const queueRef = useRef(queue);
  const workflowRef = useRef(workflow);
  const commitQueue = useCallback(
    (next: LocalQueue) => {
      const kept = store.save(next);
      queueRef.current = kept;
      setQueue(kept);
    },
    [store],
  );
  /** The subjects this page fetched itself (not kept from before it loaded): the ones an unused page gives back. */
  const fetchedHere = useRef(new Set<string>());
  const giveBackUnused = useCallback(
    () => store.giveBack((subjectId) => fetchedHere.current.has(subjectId) && draftVersionOf(workflowId, subjectId) === undefined),
    [store, workflowId],
  );
  useHoldsWhileAtWork(client, workflowId, queueRef, giveBackUnused);
  // Another tab may adopt this one's batch while it is frozen or hidden: on waking, it goes on without those subjects.
  useEffect(
    () =>
      store.keepAlive((kept) => {
        queueRef.current = kept;
        setQueue(kept);
      }),
    [store],
  );
  /**
   * The definition each version's subjects are finished under: every version this page has shown or fetched, by its
   * number (a subject begun under one is finished under it), and the current one for a version that is gone.
   */
  const [versions, setVersions] = useState<ReadonlyMap<number, WorkflowView>>(() => new Map());
  const commitWorkflow = useCallback((next: WorkflowView) => {
    workflowRef.current = next;
    setVersions((known) => new Map(known).set(next.version, next));
    setWorkflow(next);
    preloadTasks(Object.values(next.definition.tasks));
  }, []);

  /** The address names no workflow the volunteer may see, or one of another project than the address names. */
  const notFound = missing || (!!project && !!workflow && workflow.projectId !== project.id);
  useDocumentTitle(notFound ? t('classify.notFoundTitle') : workflow ? t('classify.documentTitle', { workflow: workflow.name }) : t('classify.documentTitleLoading'));

  // The workflow definition (and the project, for its title) first.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger; "Try again" bumps it to load the workflow again
  useEffect(() => {
    let cancelled = false;
    client.getProject(projectSlug).then(
      (found) => !cancelled && setProject(found),
      () => undefined, // only used for the breadcrumb; the workflow is what matters
    );
    client.getWorkflow(workflowId).then(
      (found) => {
        if (cancelled) return;
        commitWorkflow(found);
        setBlocked(false);
        // A volunteer's first visit to this workflow starts with its tutorial, unless there is nothing left to classify.
        if (!tutorialSeen(workflowId) && found.status !== 'finished') setTutorial('first-visit');
      },
      (error: unknown) => {
        if (cancelled) return;
        if (namesNothing(error)) return setMissing(true);
        setProblem(describeError(error));
        setBlocked(true);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, projectSlug, workflowId, attempt, commitWorkflow]);

  const inFlight = useRef<Promise<FetchResult> | null>(null);
  const fetchBatch = useCallback((): Promise<FetchResult> => {
    if (inFlight.current) return inFlight.current;
    const startedEmpty = queueRef.current.subjects.length === 0;
    const request = (async () => {
      const wanted = nextBatchOf(queueRef.current);
      const [served, pending] = await Promise.all([client.queue(workflowId, wanted.size, wanted), outbox.pendingSubjectIds(workflowId)]);
      // Subjects answered on this device whose classification still waits in the outbox are not shown again.
      const batch = { ...served, subjects: served.subjects.filter((subject) => !pending.has(subject.id)) };
      // A researcher published a new version: show its tasks, so that the answers fit the version submitted.
      if (batch.workflowVersion !== workflowRef.current?.version) commitWorkflow(await client.getWorkflow(workflowId));
      const { queue: next, added } = addBatch(queueRef.current, batch);
      for (const subject of batch.subjects) fetchedHere.current.add(subject.id);
      commitQueue(next);
      return { added, startedEmpty, retryAfterSeconds: served.retryAfterSeconds, heldBy: served.heldBy, comingFrom: served.comingFrom };
    })().finally(() => {
      inFlight.current = null;
    });
    inFlight.current = request;
    return request;
  }, [client, workflowId, commitQueue, commitWorkflow]);

  // Nothing waiting locally: fetch a batch and wait for it. Only what decides whether to fetch is a dependency, not the
  // queue object: each fetch commits a new one, even an empty one, which would ask again at once, without end.
  const empty = queue.subjects.length === 0;
  const finishedQueue = queue.finished;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `pollTick` is the poll trigger; the timer bumps it to ask the queue again while others hold the last subjects
  useEffect(() => {
    if (!workflow || !empty || finishedQueue || exhausted || blocked || paused || closed) return;
    let cancelled = false;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    fetchBatch().then(
      ({ added, startedEmpty, retryAfterSeconds, heldBy, comingFrom }) => {
        if (cancelled) return;
        const now = queueRef.current;
        if (now.finished || now.subjects.length > 0) return setPollIn(null);
        // A prefetch begun before the last subject went, or subjects gone already: ask again, from empty this time.
        if (!startedEmpty || added > 0) return setPollTick((n) => n + 1);
        if (!retryAfterSeconds) return setExhausted(true);
        setPollIn({ seconds: retryAfterSeconds, yours: heldBy === 'you', comingFrom });
        pollTimer = setTimeout(() => setPollTick((n) => n + 1), retryAfterSeconds * 1000);
      },
      (error: unknown) => {
        if (cancelled) return;
        if (isWorkflowPaused(error)) return setPaused(true);
        if (namesNothing(error)) return setClosed(true);
        setProblem(describeError(error));
        setBlocked(true);
      },
    );
    return () => {
      cancelled = true;
      clearTimeout(pollTimer);
    };
  }, [workflow, empty, finishedQueue, exhausted, blocked, paused, closed, fetchBatch, pollTick]);

  const markClosed = useCallback(() => setClosed(true), []);
  // Back online: a batch that failed because the network was gone may be tried again.
  const unblock = useCallback(
    () =>
      setBlocked((wasBlocked) => {
        if (wasBlocked) setProblem(null);
        return false;
      }),
    [],
  );
  const sender = useOutboxSender(client, workflowId, workflowRef, { announce, refused: setProblem, closed: markClosed, online: unblock });
  const flushOutbox = sender.flush;
  /**
   * The last answer came after its subject was retired: researchers retired subjects by hand (a set, say), and this
   * page may hold more of them. Those the workflow no longer asks for are taken out of what it will show.
   */
  const leaveOutRetired = useCallback(async () => {
    const waitingIds = queueRef.current.subjects.slice(0, MOST_HELD_NAMED).map((subject) => subject.id);
    if (!waitingIds.length) return;
    const { gone } = await client.renewHolds(workflowId, waitingIds);
    if (!gone.length) return;
    commitQueue(withoutSubjects(queueRef.current, new Set(gone)));
    setNotice(t('classify.retiredMeanwhile', { count: gone.length }));
  }, [client, workflowId, commitQueue, t]);

  const submit = useCallback(
    async ({ subject, workflowVersion, annotations, startedAt, idempotencyKey }: Submission): Promise<boolean> => {
      setProblem(null);
      setNotice(null);
      setLastAnswer(null);
      const input: ClassificationInput = {
        workflowId,
        // The version whose tasks were on screen: the queue's latest, or the one a draft of this subject began under.
        workflowVersion,
        subjectId: subject.id,
        annotations,
        startedAt,
        // Never before the start, even if the device's clock stepped back meanwhile (the API refuses that).
        finishedAt: new Date(Math.max(Date.now(), Date.parse(startedAt))).toISOString(),
        metadata: {
          userAgent: navigator.userAgent,
          viewport: { width: window.innerWidth, height: window.innerHeight },
        },
      };
      // Who gives it, as they were when they gave it: the answer stays theirs if their sign-in expires on the way.
      const owner = session.owner() ?? undefined;
      const keep = (error: unknown, awaitingSignIn: boolean) =>
        outbox.put({
          idempotencyKey,
          input,
          queuedAt: new Date().toISOString(),
          attempts: 1,
          lastError: error instanceof Error ? error.message : String(error),
          owner,
          awaitingSignIn,
        });
      try {
        // Older answers first: when the outbox is not empty, this one joins it and the outbox is sent in order.
        if (outbox.count > 0) throw new TypeError('answers are waiting to be sent');
        const stored = await withTimeout(client.classify(input, idempotencyKey), SUBMIT_TIMEOUT_MS);
        // Researchers published a new version: the next subjects are shown under it, not only those of the next batch.
        if (stored.currentVersion && stored.currentVersion > (workflowRef.current?.version ?? 0)) void client.getWorkflow(workflowId).then(commitWorkflow, () => {});
        announce(t('classify.submitted'));
        setLastAnswer('saved');
        setClassified((count) => count + 1);
        if (stored.feedback?.length) setFeedback({ annotations, feedback: stored.feedback });
        // Best effort, after the subject answered has left the list: a subject left in is still accepted.
        if (stored.afterRetirement) setTimeout(() => void leaveOutRetired().catch(() => undefined));
      } catch (error) {
        if (isAlreadyClassified(error)) {
          setNotice(t('classify.alreadyClassified'));
          announce(t('classify.alreadyClassifiedAnnouncement'));
        } else if (isWorkflowNotOpen(error)) {
          setLastAnswer('lost');
          setClosed(true);
          return false;
        } else if (isTransient(error) || (isSignInExpired(error) && canSignInAgain(owner))) {
          // The network is gone, the server failed, or the account's sign-in expired: keep the answer on this device
          // (to be sent when the connection is back, or once the account signs in again) and carry on.
          try {
            // Kept with who gave it, so that it is sent as theirs even if someone else signs in on this device meanwhile.
            await keep(error, isSignInExpired(error));
          } catch {
            setProblem(describeError(error)); // no IndexedDB and no memory to spare: the volunteer can try again
            return false;
          }
          announce(t('classify.savedOnDevice'));
          setLastAnswer('on-device');
          setClassified((count) => count + 1);
          if (navigator.onLine) void flushOutbox();
        } else {
          setProblem(describeRefusedAnswer(error));
          return false;
        }
      }
      commitQueue(advance(queueRef.current, subject.id));
      // Keep a few subjects ahead: a background fetch whose failure is retried when the local list runs dry, except
      // that a paused workflow is said at once.
      if (needsPrefetch(queueRef.current) && queueRef.current.subjects.length > 0) {
        void fetchBatch().catch((error: unknown) => {
          if (isWorkflowPaused(error)) setPaused(true);
          if (namesNothing(error)) setClosed(true);
        });
      }
      return true;
    },
    [client, workflowId, fetchBatch, flushOutbox, announce, commitQueue, commitWorkflow, leaveOutRetired, t],
  );

  const retry = () => {
    setProblem(null);
    setBlocked(false);
    if (!workflow) setAttempt((n) => n + 1);
  };

  const current = queue.subjects[0];

  // Blocked with no subject left on screen (its task went with the last one answered): focus would be lost to the
  // page, so it goes to the way on.
  const tryAgainRef = useRef<HTMLButtonElement>(null);
  const nothingOnScreen = !current;
  useEffect(() => {
    if (blocked && nothingOnScreen && (document.activeElement === document.body || document.activeElement === null)) tryAgainRef.current?.focus();
  }, [blocked, nothingOnScreen]);

  const finished = empty && (queue.finished || exhausted);
  // A draft of the subject on screen made under an older version (a researcher published a new one since): finish it
  // under that version, so that nothing the volunteer did is lost.
  // Read when the subject or the workflow's version changes (a scan of this device's drafts), not on every render.
  const draftVersion = useMemo(() => (workflow && current ? draftVersionOf(workflowId, current.id) : undefined), [workflowId, workflow, current]);
  const subjectVersion = draftVersion ?? workflow?.version;
  const subjectWorkflow = subjectVersion === undefined ? undefined : versions.get(subjectVersion);
  useEffect(() => {
    if (!workflow || !current || blocked || subjectVersion === undefined || versions.has(subjectVersion)) return;
    let cancelled = false;
    const finishUnder = (definitionOf: WorkflowView) => setVersions((known) => new Map(known).set(subjectVersion, definitionOf));
    client.getWorkflowVersion(workflowId, subjectVersion).then(
      (found) => !cancelled && finishUnder({ ...workflow, version: found.version, definition: found.definition }),
      (error: unknown) => {
        if (cancelled) return;
        if (namesNothing(error, '/params/version')) {
          // That version is gone: the subject starts afresh under the current one.
          clearDraft(draftKey(workflowId, subjectVersion, current.id));
          finishUnder(workflow);
        } else {
          // The draft waits for "Try again".
          setProblem(describeError(error));
          setBlocked(true);
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, workflowId, workflow, current, subjectVersion, versions, blocked]);
  const singleKeys = useSingleKeysOn();
  const steps = useMemo(() => (workflow ? tutorialSteps(workflow.definition, t, singleKeys) : []), [workflow, t, singleKeys]);
  const closeTutorial = useCallback(() => {
    setTutorial('closed');
    markTutorialSeen(workflowId);
  }, [workflowId]);

  if (notFound) return <WorkflowNotFound />;

  return (
    <div className="page page-classify">
      <nav aria-label={t('classify.breadcrumb')} className="breadcrumb">
        <ol>
          <li>
            <Link to="/">{t('home.title')}</Link>
          </li>
          <li aria-current="page">{project?.title ?? projectSlug}</li>
        </ol>
      </nav>
      <div className="page-heading">
        <h1 tabIndex={-1}>{workflow?.name ?? t('classify.loadingWorkflow')}</h1>
        <PageTools
          classified={classified}
          hasFieldGuide={fieldGuide !== ''}
          onFieldGuide={() => setGuideOpen(true)}
          onTutorial={() => setTutorial('asked')}
          onShortcuts={() => setShortcutsOpen(true)}
        />
      </div>
      <ShortcutsDialog open={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />
      {fieldGuide && <FieldGuideDialog open={guideOpen} onClose={() => setGuideOpen(false)} guide={fieldGuide} />}
      {workflow && (
        <>
          <TutorialDialog
            // Not for a newcomer to a workflow that has nothing left to classify.
            open={tutorial === 'asked' || (tutorial === 'first-visit' && !queue.finished)}
            returnToTask={tutorial === 'first-visit'}
            onClose={closeTutorial}
            workflowName={workflow.name}
            steps={steps}
          />
          <FeedbackDialog definition={workflow.definition} shown={feedback} onClose={() => setFeedback(null)} />
          <LateFeedback definition={workflow.definition} entries={sender.lateFeedback} onDismiss={sender.dismissLateFeedback} />
        </>
      )}

      {sender.toSend > 0 && (
        <div className="outbox" data-testid="outbox">
          <p>
            <Trans i18nKey="classify.outbox" count={sender.toSend} components={{ strong: <strong data-testid="outbox-count" /> }} />
          </p>
          <button type="button" className="button button-secondary button-small" onClick={() => void flushOutbox()}>
            {t('classify.sendNow')}
          </button>
        </div>
      )}
      {sender.awaitingSignIn > 0 && (
        <p className="outbox" data-testid="outbox-awaiting-sign-in">
          <Trans i18nKey="classify.awaitingSignIn" count={sender.awaitingSignIn} components={{ strong: <strong /> }} />
        </p>
      )}
      {notice && (
        <p className="notice" data-testid="notice">
          {notice}
        </p>
      )}

      <ErrorAlert problem={problem}>
        {blocked && (
          <button type="button" className="button button-secondary" onClick={retry} ref={tryAgainRef}>
            {t('app.tryAgain')}
          </button>
        )}
      </ErrorAlert>

      {closed || paused ? (
        <Stopped why={closed ? 'closed' : 'paused'} lastAnswer={lastAnswer} />
      ) : finished ? (
        <Finished workflowId={workflowId} classified={classified} reason={queue.reason} />
      ) : subjectWorkflow && current ? (
        <SubjectClassifier key={`${current.id}:${subjectWorkflow.version}`} subject={current} workflow={subjectWorkflow} onSubmit={submit} onProblem={setProblem} />
      ) : (
        !blocked && (
          <p className="loading" role="status">
            {!pollIn
              ? t('classify.loadingSubjects')
              : pollIn.comingFrom
                ? t('classify.comingFrom', { count: pollIn.seconds, workflows: listOf(pollIn.comingFrom.map((name) => `“${name}”`)) })
                : pollIn.yours
                ? t('classify.youHoldLast', { count: pollIn.seconds })
                : t('classify.othersHoldLast', { count: pollIn.seconds })}
          </p>
        )
      )}

      {workflow && <RecentClassifications workflowId={workflowId} version={workflow.version} definition={workflow.definition} stored={classified + sender.sentLater} />}

      <div className="visually-hidden" aria-live="polite" data-testid="announcer">
        {announcement && <p key={announcement.n}>{announcement.text}</p>}
      </div>
    </div>
  );
}

/** Where the subjects stop (finished, paused): a section whose heading takes focus, so a screen reader says why. */
function EndOfSubjects({ id, title, back, children }: { id: 'finished' | 'paused' | 'closed'; title: string; back: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new title takes focus again, so that a screen reader says it
  useEffect(() => heading.current?.focus(), [title]);
  return (
    <section className="finished" data-testid={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {children}
      <p>
        <Link to="/">{back}</Link>
      </p>
    </section>
  );
}

/** Seconds between the checks of `useCompletedMeanwhile`: about a minute in all. */
const COMPLETION_CHECKS = [1, 2, 3, 5, 8, 13, 21];

/**
 * Whether the workflow became complete after the volunteer's last answers: the queue tells them they have seen
 * everything a moment before the worker retires the subjects those answers finished, so ask the workflow again a few
 * times.
 */
function useCompletedMeanwhile(workflowId: string, watch: boolean): boolean {
  const client = useClient();
  const [complete, setComplete] = useState(false);
  useEffect(() => {
    if (!watch) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = (index: number) => {
      if (index >= COMPLETION_CHECKS.length) return;
      timer = setTimeout(async () => {
        const workflow = await client.getWorkflow(workflowId).catch(() => null);
        if (cancelled) return;
        if (workflow?.complete) setComplete(true);
        else check(index + 1);
      }, COMPLETION_CHECKS[index]! * 1000);
    };
    check(0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, workflowId, watch]);
  return complete;
}

/**
 * The workflow needs no more answers, or none from this volunteer, who may have given none yet; or its researchers
 * finished the project, which says nothing of the answers its subjects have.
 */
function Finished({ workflowId, classified, reason }: { workflowId: string; classified: number; reason: LocalQueue['reason'] }) {
  const { t } = useTranslation();
  const completeMeanwhile = useCompletedMeanwhile(workflowId, reason !== 'workflow-finished' && reason !== 'project-finished' && classified > 0);
  const complete = reason === 'workflow-finished' || completeMeanwhile;
  const [title, body] =
    reason === 'project-finished'
      ? [t('finished.projectFinishedTitle'), t('finished.projectFinished')]
      : complete
        ? [t('finished.completeTitle'), t('finished.workflowFinished')]
        : [t('finished.title'), t('finished.thanks')];
  return (
    <EndOfSubjects id="finished" title={title} back={t('finished.back')}>
      <p>{body}</p>
      {classified > 0 && (
        <p>
          <Trans i18nKey="finished.count" values={{ count: classified }} components={{ strong: <strong data-testid="session-count" /> }} />
        </p>
      )}
    </EndOfSubjects>
  );
}

/**
 * The researchers stopped the volunteer's work: they paused the workflow, or closed the project to volunteers (took it
 * back to draft). What became of the last answer, and the way to another workflow.
 */
function Stopped({ why, lastAnswer }: { why: 'paused' | 'closed'; lastAnswer: LastAnswer | null }) {
  const { t } = useTranslation();
  return (
    <EndOfSubjects id={why} title={t(`${why}.title`)} back={t(`${why}.back`)}>
      <p>{t(`${why}.body`)}</p>
      <LastAnswerNote lastAnswer={lastAnswer} />
    </EndOfSubjects>
  );
}

function LastAnswerNote({ lastAnswer }: { lastAnswer: LastAnswer | null }) {
  const { t } = useTranslation();
  if (lastAnswer === 'saved') return <p>{t('lastAnswer.saved')}</p>;
  if (lastAnswer === 'on-device') return <p>{t('lastAnswer.onDevice')}</p>;
  if (lastAnswer === 'lost') return <p>{t('lastAnswer.lost')}</p>;
  return null;
}

/** A 404 or 422 that names `pointer` (the address's workflow id, or version): nothing is there, and never will be. */
function namesNothing(error: unknown, pointer = '/params/id'): boolean {
  return error instanceof ChorusApiError && (error.status === 404 || error.status === 422) && !!error.problem.errors?.some((field) => field.pointer === pointer);
}

function WorkflowNotFound() {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="page page-classify" data-testid="workflow-not-found">
      <h1 tabIndex={-1} ref={heading}>
        {t('classify.notFoundTitle')}
      </h1>
      <p>{t('classify.notFound')}</p>
      <p>
        <Link to="/">{t('classify.backToProjects')}</Link>
      </p>
    </div>
  );
}
