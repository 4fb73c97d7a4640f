import type { Page } from 'playwright-core';
import type { Stack } from '../../../../test/support/stack';
import { waitToSee } from './browser';

/**
 * Stores the consensus of task T0 of the subject again as `reordered`, the answer shown in another order (as a
 * re-aggregation may), then approves it on the subject's page open in `page`: approved, nothing said to have changed.
 */
export async function approveStoredInAnotherOrder(stack: Stack, page: Page, workflowId: string, subjectId: string, reordered: string): Promise<void> {
  await stack.db.query("UPDATE consensus SET answer = $3 WHERE workflow_id = $1 AND subject_id = $2 AND task = 'T0'", [workflowId, subjectId, reordered]);
  const review = page.getByTestId('lab-result-reviews').locator('fieldset[data-task="T0"]');
  await review.getByRole('button', { name: 'Approve' }).click();
  await waitToSee(page.getByTestId('lab-review-T0-state').getByText('Approved by', { exact: false }));
  expect(await review.getByRole('alert').count()).toBe(0);
  expect(await review.getByText('changed', { exact: false }).count()).toBe(0);
  const stored = await stack.db.query('SELECT state, approved_consensus FROM consensus_reviews WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectId]);
  expect(stored.rows).toEqual([{ state: 'approved', approved_consensus: reordered }]);
}
