import type { WorkflowDefinition } from '@chorus/tasks';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useClient } from './clientContext';

/** A workflow's version an answer was given under. */
interface Given {
  workflowId: string;
  workflowVersion: number;
}

/**
 * The definitions of the workflow versions `shown` names, in any workflows, each read once (`getWorkflowVersion`):
 * undefined until it arrives, 'unreadable' when it could not be read (asked for again when `shown` changes: a lost
 * connection; or not for the volunteer to read, its project taken back to draft). `shown` is read again only when it is
 * another list (keep it the same between renders).
 */
export function useWorkflowDefinitions(shown: readonly Given[]) {
  const client = useClient();
  const [read, setRead] = useState<ReadonlyMap<string, WorkflowDefinition | 'unreadable'>>(() => new Map());
  const asked = useRef(new Set<string>());
  useEffect(() => {
    for (const { workflowId, workflowVersion } of shown) {
      const key = keyOf(workflowId, workflowVersion);
      if (asked.current.has(key)) continue;
      asked.current.add(key);
      client.getWorkflowVersion(workflowId, workflowVersion).then(
        (found) => setRead((known) => new Map(known).set(key, found.definition)),
        () => {
          asked.current.delete(key);
          setRead((known) => new Map(known).set(key, 'unreadable'));
        },
      );
    }
  }, [client, shown]);
  return (workflowId: string, version: number): WorkflowDefinition | 'unreadable' | undefined => read.get(keyOf(workflowId, version));
}

const keyOf = (workflowId: string, version: number) => `${workflowId}@${version}`;

/**
 * The definition each answer was given under (or each consensus computed with), by version, so that its questions and
 * labels are those of its version: each version `shown` names is read once; until it arrives its answers wait
 * (undefined), and one that could not be read is described with the current definition until it can. `shown` is read
 * again only when it is another list (keep it the same between renders).
 */
export function useVersionDefinitions(workflowId: string, current: number, definition: WorkflowDefinition, shown: readonly { workflowVersion: number }[]) {
  const older = useMemo(
    () => shown.filter((answer) => answer.workflowVersion !== current).map((answer) => ({ workflowId, workflowVersion: answer.workflowVersion })),
    [workflowId, current, shown],
  );
  const definitionOf = useWorkflowDefinitions(older);
  return (version: number): WorkflowDefinition | undefined => {
    if (version === current) return definition;
    const found = definitionOf(workflowId, version);
    return found === 'unreadable' ? definition : found;
  };
}
