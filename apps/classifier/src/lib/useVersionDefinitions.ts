import type { WorkflowDefinition } from '@chorus/tasks';
import { useEffect, useRef, useState } from 'react';
import { useClient } from './clientContext';

/**
 * The definition each answer was given under (or each consensus computed with), by version, so that its questions and
 * labels are those of its version: each version `shown` names is read once; until it arrives its answers wait
 * (undefined), and one that could not be read is described with the current definition until it can. `shown` is read
 * again only when it is another list (keep it the same between renders).
 */
export function useVersionDefinitions(workflowId: string, current: number, definition: WorkflowDefinition, shown: readonly { workflowVersion: number }[]) {
  const client = useClient();
  const [read, setRead] = useState<ReadonlyMap<number, WorkflowDefinition | 'unreadable'>>(() => new Map());
  const asked = useRef(new Set<number>());
  useEffect(() => {
    for (const version of new Set(shown.map((answer) => answer.workflowVersion))) {
      if (version === current || asked.current.has(version)) continue;
      asked.current.add(version);
      client.getWorkflowVersion(workflowId, version).then(
        (found) => setRead((known) => new Map(known).set(version, found.definition)),
        () => {
          // Described with the current definition for now, and asked for again when the list changes (a lost connection).
          asked.current.delete(version);
          setRead((known) => new Map(known).set(version, 'unreadable'));
        },
      );
    }
  }, [client, workflowId, current, shown]);
  return (version: number): WorkflowDefinition | undefined => {
    if (version === current) return definition;
    const found = read.get(version);
    return found === 'unreadable' ? definition : found;
  };
}
