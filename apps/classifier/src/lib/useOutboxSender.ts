import type { ChorusClient, WorkflowView } from '@chorus/client';
import { type RefObject, useCallback, useEffect, useState } from 'react';
import type { SubjectFeedback } from '../components/Feedback';
import { type Problem, whyAnswerRefused } from './errors';
import type { Saying } from './said';
import { awaitsSignIn, isMine, type OutboxItem, outbox } from './outbox';
import { awaitsReopen, REOPEN_WAIT_DAYS } from './reopenTries';
import { useAskBeforeLeaving } from './reloadPage';
import { OUTBOX_RETRY_MS } from './sendTimes';
import { pruneDrafts } from './drafts';

/** What a classify page learns from sending the answers kept on this device, and does with them. */
interface OutboxEvents {
  /** Says something in the page's live region (in the language of the moment, switched later too). */
  announce(saying: Saying<string>): void;
  /** Answers the server refused for good: the first one's reason, for the page to show (in its language then). */
  refused(problem: Saying<Problem>): void;
  /** The server refused an answer of this workflow because it is not open to volunteers now: it waits for it to reopen. */
  closed(): void;
  /**
   * The server may be reached again: the browser is online again, or an answer was sent (a batch that failed for want
   * of a network, or of a server, may be tried again).
   */
  reachable(): void;
  /** Answers kept on the device were sent (the server has them now, or had them already). */
  sent(): void;
}

/**
 * The answers kept on this device (the outbox): sent at once, whenever the browser comes back online, and every
 * `OUTBOX_RETRY_MS` while answers wait; those waiting for this workflow to reopen as soon as the page finds it `open`.
 * Says how many wait to be sent, how many wait for their account to sign in again, and how many of the volunteer's
 * wait for their workflow to reopen (which they may give up); how many were sent since the page opened, and the
 * gold-standard feedback that came back for this volunteer's answers to this workflow's current version.
 */
export function useOutboxSender(client: ChorusClient, workflowId: string, workflow: RefObject<WorkflowView | null>, open: boolean, events: OutboxEvents) {
  const { announce, refused, closed, reachable, sent } = events;
  const [waiting, setWaiting] = useState<OutboxItem[]>([]);
  /** Answers kept on the device and sent since: the server has them now (the recent list shows them). */
  const [sentLater, setSentLater] = useState(0);
  /** Feedback that arrived with answers sent from the outbox. */
  const [lateFeedback, setLateFeedback] = useState<SubjectFeedback[]>([]);

  const flush = useCallback(async () => {
    const report = await outbox.flush(client);
    if (report.sent > 0) {
      const sentNow = report.sent;
      announce((t) => t('classify.sent', { count: sentNow }));
      setSentLater((count) => count + report.sent);
      reachable();
      sent();
    }
    // The experts' answers for this volunteer's own answers (not those of whoever used this device before).
    const arrived = report.feedback.filter(({ item }) => isMine(item) && item.input.workflowId === workflowId && item.input.workflowVersion === workflow.current?.version);
    if (arrived.length) setLateFeedback((shown) => [...shown, ...arrived.map(({ item, feedback }) => ({ annotations: item.input.annotations, feedback }))]);
    const [first] = report.refused;
    const refusedCount = report.refused.length;
    const waitedTooLong = report.waitedTooLong.length;
    if (first || waitedTooLong) {
      refused((t) => {
        const dropped = [first ? t('classify.refused', { count: refusedCount, detail: whyAnswerRefused(first.error) }) : '', waitedTooLong ? t('classify.waitedTooLong', { count: waitedTooLong, days: REOPEN_WAIT_DAYS }) : ''];
        return { detail: dropped.filter(Boolean).join(' '), fields: [] };
      });
    }
    // Only this volunteer's answer to this page's workflow refused as not open stops the page: one to another workflow
    // waits for it to reopen (said by `awaitingReopen`), and one of another volunteer of this device (a workflow of a
    // draft project is open to its members only) says nothing of whether it is open to this one.
    if (report.awaitingReopen.some((item) => isMine(item) && item.input.workflowId === workflowId)) closed();
  }, [client, workflowId, workflow, announce, refused, closed, reachable, sent]);

  useEffect(() => {
    pruneDrafts();
    const unsubscribe = outbox.subscribe(setWaiting);
    const onOnline = () => {
      void flush();
      reachable();
    };
    window.addEventListener('online', onOnline);
    void flush();
    return () => {
      unsubscribe();
      window.removeEventListener('online', onOnline);
    };
  }, [flush, reachable]);

  useEffect(() => {
    if (open) void outbox.workflowOpen(workflowId).then(flush);
  }, [open, workflowId, flush]);

  const toSend = waiting.filter((item) => !awaitsSignIn(item) && !awaitsReopen(item)).length;
  // Those waiting for their workflow to reopen are tried too, now and then (the outbox says when).
  const sending = waiting.some((item) => !awaitsSignIn(item));
  useEffect(() => {
    if (!sending) return;
    const timer = setInterval(() => {
      if (navigator.onLine) void flush();
    }, OUTBOX_RETRY_MS);
    return () => clearInterval(timer);
  }, [sending, flush]);

  // Kept answers are safe on this device only while it keeps them: a shared computer that wipes itself at sign-out, or
  // a browser never opened again, loses them. Closing or leaving the page while they wait asks first.
  useAskBeforeLeaving(toSend > 0);

  return {
    toSend,
    awaitingSignIn: waiting.filter(awaitsSignIn).length,
    /** Every answer kept on this device, whoever gave it. */
    kept: waiting,
    awaitingReopen: waiting.filter((item) => awaitsReopen(item) && isMine(item)).length,
    sentLater,
    lateFeedback,
    dismissLateFeedback: () => setLateFeedback([]),
    flush,
  };
}
