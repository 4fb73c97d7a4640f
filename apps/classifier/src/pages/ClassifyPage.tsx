import type { ProjectView, WorkflowView } from '@chorus/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '../components/ErrorAlert';
import { type Submission, SubjectClassifier } from '../components/SubjectClassifier';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { Link } from '../lib/router';
import { addBatch, advance, BATCH_SIZE, emptyQueue, type LocalQueue, needsPrefetch } from '../lib/subjectQueue';
import { useDocumentTitle } from '../lib/useDocumentTitle';

interface FetchResult {
  added: number;
  /** The fetch began with no subject waiting locally, so an empty answer means there is nothing left. */
  startedEmpty: boolean;
}

/** The classify page of one workflow. Mount with `key={workflowId}` so that each workflow starts afresh. */
export function ClassifyPage({ projectSlug, workflowId }: { projectSlug: string; workflowId: string }) {
  const client = useClient();
  const [project, setProject] = useState<ProjectView | null>(null);
  const [workflow, setWorkflow] = useState<WorkflowView | null>(null);
  const [queue, setQueue] = useState<LocalQueue>(emptyQueue);
  /** A fetch that began with nothing local brought nothing new, though the server did not say finished. */
  const [exhausted, setExhausted] = useState(false);
  /** Loading the workflow or a needed batch failed: wait for the volunteer to try again. */
  const [blocked, setBlocked] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [classified, setClassified] = useState(0);

  // The queue and workflow are read by async code after awaits: refs hold the latest committed values.
  const queueRef = useRef(queue);
  const workflowRef = useRef(workflow);
  const commitQueue = (next: LocalQueue) => {
    queueRef.current = next;
    setQueue(next);
  };
  const commitWorkflow = (next: WorkflowView) => {
    workflowRef.current = next;
    setWorkflow(next);
  };

  useDocumentTitle(workflow ? `Classify: ${workflow.name}` : 'Classify');

  // The workflow definition (and the project, for its title) first.
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
  }, [client, projectSlug, workflowId, attempt]);

  const inFlight = useRef<Promise<FetchResult> | null>(null);
  const fetchBatch = useCallback((): Promise<FetchResult> => {
    if (inFlight.current) return inFlight.current;
    const startedEmpty = queueRef.current.subjects.length === 0;
    const request = (async () => {
      const batch = await client.queue(workflowId, BATCH_SIZE);
      // A researcher published a new version: show its tasks, so that the answers fit the version submitted.
      if (batch.workflowVersion !== workflowRef.current?.version) commitWorkflow(await client.getWorkflow(workflowId));
      const { queue: next, added } = addBatch(queueRef.current, batch);
      commitQueue(next);
      return { added, startedEmpty };
    })().finally(() => {
      inFlight.current = null;
    });
    inFlight.current = request;
    return request;
  }, [client, workflowId]);

  // Nothing waiting locally: fetch a batch and wait for it.
  const empty = queue.subjects.length === 0;
  useEffect(() => {
    if (!workflow || !empty || queue.finished || exhausted || blocked) return;
    let cancelled = false;
    fetchBatch().then(
      ({ added, startedEmpty }) => {
        if (cancelled) return;
        const now = queueRef.current;
        if (added === 0 && startedEmpty && !now.finished && now.subjects.length === 0) setExhausted(true);
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
  }, [workflow, empty, queue, exhausted, blocked, fetchBatch]);

  const submit = useCallback(
    async ({ subject, annotations, startedAt, idempotencyKey }: Submission): Promise<boolean> => {
      const shown = workflowRef.current;
      if (!shown) return false;
      setProblem(null);
      try {
        await client.classify(
          {
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
          },
          idempotencyKey,
        );
      } catch (error) {
        setProblem(describeError(error));
        return false;
      }
      setClassified((count) => count + 1);
      commitQueue(advance(queueRef.current, subject.id));
      // Keep a few subjects ahead: a background fetch whose failure is retried when the local list runs dry.
      if (needsPrefetch(queueRef.current) && queueRef.current.subjects.length > 0) void fetchBatch().catch(() => undefined);
      return true;
    },
    [client, workflowId, fetchBatch],
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
        <p className="session-count">
          Classified this session: <strong>{classified}</strong>
        </p>
      </div>

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
            Loading subjects…
          </p>
        )
      )}

      <div className="visually-hidden" aria-live="polite">
        {classified > 0 && <p key={classified}>Classification submitted</p>}
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
