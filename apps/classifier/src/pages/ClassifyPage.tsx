import type { ProjectView, WorkflowView } from '@chorus/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ClassificationInput } from '@chorus/client';
import { ErrorAlert } from '../components/ErrorAlert';
import { ShortcutsDialog } from '../components/ShortcutsDialog';
import { type Submission, SubjectClassifier } from '../components/SubjectClassifier';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { pruneDrafts } from '../lib/drafts';
import { isAlreadyClassified, isTransient, type OutboxItem, outbox, SUBMIT_TIMEOUT_MS, withTimeout } from '../lib/outbox';
import { Link } from '../lib/router';
import { addBatch, advance, BATCH_SIZE, type LocalQueue, needsPrefetch, storedQueue, storeQueue } from '../lib/subjectQueue';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useKey } from '../lib/useKey';

/** Retry the outbox this often while answers wait (besides the browser's `online` event). */
const OUTBOX_RETRY_MS = 15_000;

interface FetchResult {
  added: number;
  /** The fetch began with no subject waiting locally, so an empty answer means there is nothing left. */
  startedEmpty: boolean;
  /** The server has nothing now but may later (others hold the last subjects): ask again after this. */
  retryAfterSeconds?: number;
}

/** The classify page of one workflow. Mount with `key={workflowId}` so that each workflow starts afresh. */
export function ClassifyPage({ projectSlug, workflowId }: { projectSlug: string; workflowId: string }) {
  const client = useClient();
  const [project, setProject] = useState<ProjectView | null>(null);
  const [workflow, setWorkflow] = useState<WorkflowView | null>(null);
  const [queue, setQueue] = useState<LocalQueue>(() => storedQueue(workflowId));
  /** A fetch that began with nothing local brought nothing new, though the server did not say finished. */
  const [exhausted, setExhausted] = useState(false);
  /** Loading the workflow or a needed batch failed: wait for the volunteer to try again. */
  const [blocked, setBlocked] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [classified, setClassified] = useState(0);
  /** Seconds until the queue is asked again, while other volunteers hold the last subjects. */
  const [pollIn, setPollIn] = useState<number | null>(null);
  const [pollTick, setPollTick] = useState(0);
  /** What the live region last announced; `n` makes a repeated message a new announcement. */
  const [announcement, setAnnouncement] = useState<{ n: number; text: string } | null>(null);
  /** A non-error note shown after a submission, e.g. the subject had already been classified. */
  const [notice, setNotice] = useState<string | null>(null);
  const [waiting, setWaiting] = useState<OutboxItem[]>([]);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const announce = useCallback((text: string) => setAnnouncement((previous) => ({ n: (previous?.n ?? 0) + 1, text })), []);

  useKey('?', () => {
    setShortcutsOpen(true);
  });

  // The queue and workflow are read by async code after awaits: refs hold the latest committed values.
  const queueRef = useRef(queue);
  const workflowRef = useRef(workflow);
  const commitQueue = useCallback(
    (next: LocalQueue) => {
      queueRef.current = next;
      storeQueue(workflowId, next);
      setQueue(next);
    },
    [workflowId],
  );
  const commitWorkflow = useCallback((next: WorkflowView) => {
    workflowRef.current = next;
    setWorkflow(next);
  }, []);

  useDocumentTitle(workflow ? `Classify: ${workflow.name}` : 'Classify');

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
      },
      (error: unknown) => {
        if (cancelled) return;
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
      const [served, pending] = await Promise.all([client.queue(workflowId, BATCH_SIZE), outbox.pendingSubjectIds(workflowId)]);
      // Subjects answered on this device whose classification still waits in the outbox are not shown again.
      const batch = { ...served, subjects: served.subjects.filter((subject) => !pending.has(subject.id)) };
      // A researcher published a new version: show its tasks, so that the answers fit the version submitted.
      if (batch.workflowVersion !== workflowRef.current?.version) commitWorkflow(await client.getWorkflow(workflowId));
      const { queue: next, added } = addBatch(queueRef.current, batch);
      commitQueue(next);
      return { added, startedEmpty, retryAfterSeconds: served.retryAfterSeconds };
    })().finally(() => {
      inFlight.current = null;
    });
    inFlight.current = request;
    return request;
  }, [client, workflowId, commitQueue, commitWorkflow]);

  // Nothing waiting locally: fetch a batch and wait for it.
  const empty = queue.subjects.length === 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `pollTick` is the poll trigger; the timer bumps it to ask the queue again while others hold the last subjects
  useEffect(() => {
    if (!workflow || !empty || queue.finished || exhausted || blocked) return;
    let cancelled = false;
    fetchBatch().then(
      ({ added, startedEmpty, retryAfterSeconds }) => {
        if (cancelled) return;
        const now = queueRef.current;
        if (added === 0 && startedEmpty && !now.finished && now.subjects.length === 0) {
          if (retryAfterSeconds) {
            setPollIn(retryAfterSeconds);
            pollTimer.current = setTimeout(() => setPollTick((n) => n + 1), retryAfterSeconds * 1000);
          } else setExhausted(true);
        } else setPollIn(null);
      },
      (error: unknown) => {
        if (cancelled) return;
        setProblem(describeError(error));
        setBlocked(true);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [workflow, empty, queue, exhausted, blocked, fetchBatch, pollTick]);
  const pollTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(pollTimer.current), []);

  const flushOutbox = useCallback(async () => {
    const report = await outbox.flush(client);
    if (report.sent > 0) announce(`${report.sent} saved answer${report.sent === 1 ? '' : 's'} sent.`);
    const refused = report.refused[0];
    if (refused) {
      const { detail } = describeError(refused.error);
      setProblem({ detail: `The server refused an answer saved on this device, so it was dropped: ${detail}`, fields: [] });
    }
  }, [client, announce]);

  // The outbox: sent at once, whenever the browser comes back online, and every few seconds while answers wait.
  useEffect(() => {
    pruneDrafts();
    const unsubscribe = outbox.subscribe(setWaiting);
    const onOnline = () => {
      void flushOutbox();
      // A batch that failed because the network was gone: try again now that it is back.
      setBlocked((wasBlocked) => {
        if (wasBlocked) setProblem(null);
        return false;
      });
    };
    window.addEventListener('online', onOnline);
    void flushOutbox();
    return () => {
      unsubscribe();
      window.removeEventListener('online', onOnline);
    };
  }, [flushOutbox]);
  const hasWaiting = waiting.length > 0;
  useEffect(() => {
    if (!hasWaiting) return;
    const timer = setInterval(() => {
      if (navigator.onLine) void flushOutbox();
    }, OUTBOX_RETRY_MS);
    return () => clearInterval(timer);
  }, [hasWaiting, flushOutbox]);

  const submit = useCallback(
    async ({ subject, annotations, startedAt, idempotencyKey }: Submission): Promise<boolean> => {
      const shown = workflowRef.current;
      if (!shown) return false;
      setProblem(null);
      setNotice(null);
      const input: ClassificationInput = {
        workflowId,
        // The version of the definition on screen, which is the queue's `workflowVersion`: every batch
        // reporting another version makes fetchBatch load that version's definition before showing it.
        workflowVersion: shown.version,
        subjectId: subject.id,
        annotations,
        startedAt,
        finishedAt: new Date().toISOString(),
        metadata: {
          userAgent: navigator.userAgent,
          viewport: { width: window.innerWidth, height: window.innerHeight },
        },
      };
      try {
        // Older answers first: when the outbox is not empty, this one joins it and the outbox is sent in order.
        if (outbox.count > 0) throw new TypeError('answers are waiting to be sent');
        await withTimeout(client.classify(input, idempotencyKey), SUBMIT_TIMEOUT_MS);
        announce('Classification submitted');
      } catch (error) {
        if (isAlreadyClassified(error)) {
          setNotice('You had already classified this subject (perhaps in another tab), so this answer was not stored again. Here is the next one.');
          announce('Already classified; moving on to the next subject');
        } else if (isTransient(error)) {
          // The network is gone or the server failed: keep the answer on this device and carry on.
          try {
            await outbox.put({ idempotencyKey, input, queuedAt: new Date().toISOString(), attempts: 1, lastError: error instanceof Error ? error.message : String(error) });
          } catch {
            setProblem(describeError(error)); // no IndexedDB and no memory to spare: the volunteer can try again
            return false;
          }
          announce('Classification saved on this device; it will be sent when the connection is back');
          if (navigator.onLine) void flushOutbox();
        } else {
          setProblem(describeError(error));
          return false;
        }
      }
      setClassified((count) => count + 1);
      commitQueue(advance(queueRef.current, subject.id));
      // Keep a few subjects ahead: a background fetch whose failure is retried when the local list runs dry.
      if (needsPrefetch(queueRef.current) && queueRef.current.subjects.length > 0) void fetchBatch().catch(() => undefined);
      return true;
    },
    [client, workflowId, fetchBatch, flushOutbox, announce, commitQueue],
  );

  const retry = () => {
    setProblem(null);
    setBlocked(false);
    if (!workflow) setAttempt((n) => n + 1);
  };

  const current = queue.subjects[0];
  const finished = empty && (queue.finished || exhausted);

  return (
    <div className="page page-classify">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">Projects</Link>
          </li>
          <li aria-current="page">{project?.title ?? projectSlug}</li>
        </ol>
      </nav>
      <div className="page-heading">
        <h1 tabIndex={-1}>{workflow?.name ?? 'Loading workflow…'}</h1>
        <div className="page-tools">
          <p className="session-count">
            Classified this session: <strong>{classified}</strong>
          </p>
          <button type="button" className="button button-secondary button-small" onClick={() => setShortcutsOpen(true)} aria-keyshortcuts="Shift+?">
            Keyboard shortcuts{' '}
            <kbd>
              <span aria-hidden="true">?</span>
            </kbd>
          </button>
        </div>
      </div>
      <ShortcutsDialog open={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />

      {waiting.length > 0 && (
        <div className="outbox" data-testid="outbox">
          <p>
            <strong data-testid="outbox-count">{waiting.length}</strong> {waiting.length === 1 ? 'answer waits' : 'answers wait'} to be sent. They are
            safe on this device and will be sent when the connection is back; you can keep classifying.
          </p>
          <button type="button" className="button button-secondary button-small" onClick={() => void flushOutbox()}>
            Send now
          </button>
        </div>
      )}
      {notice && (
        <p className="notice" data-testid="notice">
          {notice}
        </p>
      )}

      <ErrorAlert problem={problem}>
        {blocked && (
          <button type="button" className="button button-secondary" onClick={retry}>
            Try again
          </button>
        )}
      </ErrorAlert>

      {finished ? (
        <Finished classified={classified} reason={queue.reason} />
      ) : workflow && current ? (
        <SubjectClassifier key={`${current.id}:${workflow.version}`} subject={current} workflow={workflow} onSubmit={submit} onProblem={setProblem} />
      ) : (
        !blocked && (
          <p className="loading" role="status">
            {pollIn
              ? `Other volunteers are working on the last subjects of this workflow. Chorus will look for more in ${pollIn} seconds.`
              : 'Loading subjects…'}
          </p>
        )
      )}

      <div className="visually-hidden" aria-live="polite" data-testid="announcer">
        {announcement && <p key={announcement.n}>{announcement.text}</p>}
      </div>
    </div>
  );
}

function Finished({ classified, reason }: { classified: number; reason: LocalQueue['reason'] }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="finished" data-testid="finished" aria-labelledby="finished-heading">
      <h2 id="finished-heading" ref={heading} tabIndex={-1}>
        All done
      </h2>
      <p>You have classified every subject available to you in this workflow. Thank you!</p>
      {reason === 'workflow-finished' && <p>The project team has finished this workflow: every subject has been retired.</p>}
      <p>
        Classifications this session: <strong data-testid="session-count">{classified}</strong>
      </p>
      <p>
        <Link to="/">Back to the project list</Link>
      </p>
    </section>
  );
}
