import type { ChorusClient, QueuedSubject, WorkflowView } from '@chorus/client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { preloadTasks } from '../tasks/registry';
import { clearDraft, draftKey, draftVersionOf } from './drafts';
import { namesNothing } from './errors';

/**
 * The workflow a classify page shows (its latest version, as the page last learnt it), and the definition each
 * version's subjects are finished under: every version this page has shown or fetched, by its number, and the
 * current one for a version that is gone.
 */
export function useWorkflowVersions() {
  const [workflow, setWorkflow] = useState<WorkflowView | null>(null);
  // Read by async code after awaits: the ref holds the latest committed workflow.
  const workflowRef = useRef(workflow);
  const [versions, setVersions] = useState<ReadonlyMap<number, WorkflowView>>(() => new Map());
  const addVersion = useCallback((version: number, definedBy: WorkflowView) => setVersions((known) => new Map(known).set(version, definedBy)), []);
  const commitWorkflow = useCallback(
    (next: WorkflowView) => {
      workflowRef.current = next;
      addVersion(next.version, next);
      setWorkflow(next);
      preloadTasks(Object.values(next.definition.tasks));
    },
    [addVersion],
  );
  return { workflow, workflowRef, versions, addVersion, commitWorkflow };
}

/**
 * The definition the subject on screen is finished under. A draft of it made under an older version (a researcher
 * published a new one since) is finished under that version, fetched once, so that nothing the volunteer did is
 * lost; a version that is gone starts the subject afresh under the current one. Undefined until that is known.
 * A failed fetch goes to `failed`, and is tried again once `blocked` is lifted.
 */
export function useSubjectWorkflow(
  client: ChorusClient,
  workflowId: string,
  { workflow, versions, addVersion }: ReturnType<typeof useWorkflowVersions>,
  subject: QueuedSubject | undefined,
  blocked: boolean,
  failed: (error: unknown) => void,
): WorkflowView | undefined {
  // Read when the subject or the workflow's version changes (a scan of this device's drafts), not on every render.
  const draftVersion = useMemo(() => (workflow && subject ? draftVersionOf(workflowId, subject.id) : undefined), [workflowId, workflow, subject]);
  const subjectVersion = draftVersion ?? workflow?.version;
  useEffect(() => {
    if (!workflow || !subject || blocked || subjectVersion === undefined || versions.has(subjectVersion)) return;
    let cancelled = false;
    client.getWorkflowVersion(workflowId, subjectVersion).then(
      (found) => !cancelled && addVersion(subjectVersion, { ...workflow, version: found.version, definition: found.definition }),
      (error: unknown) => {
        if (cancelled) return;
        if (!namesNothing(error, '/params/version')) return failed(error); // the draft waits for "Try again"
        clearDraft(draftKey(workflowId, subjectVersion, subject.id));
        addVersion(subjectVersion, workflow);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, workflowId, workflow, subject, subjectVersion, versions, blocked, addVersion, failed]);
  return subjectVersion === undefined ? undefined : versions.get(subjectVersion);
}
