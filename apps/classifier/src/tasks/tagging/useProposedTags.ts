import type { ProposedTag } from '@chorus/client';
import { useEffect, useState } from 'react';
import { useClient } from '../../lib/clientContext';

/**
 * The tags other volunteers proposed for this subject in this task, with their votes, asked for once `wanted`; null
 * until they came. Without a connection the list stays empty: the volunteer can still add tags and vote on their own.
 */
export function useProposedTags(workflowId: string, subjectId: string, taskKey: string, wanted: boolean): ProposedTag[] | null {
  const client = useClient();
  const [tags, setTags] = useState<ProposedTag[] | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let cancelled = false;
    client.proposedTags(workflowId, subjectId, taskKey).then(
      (found) => !cancelled && setTags(found.tags),
      () => !cancelled && setTags([]),
    );
    return () => {
      cancelled = true;
    };
  }, [client, workflowId, subjectId, taskKey, wanted]);
  return tags;
}
