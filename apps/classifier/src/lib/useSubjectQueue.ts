import { type ChorusClient, type HoldsRenewed, MOST_HELD_NAMED, type QueueView, type WorkflowView } from '@chorus/client';
import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { draftVersionOf } from './drafts';
import { namesNothing } from './errors';
import { isSignInExpired, isTransient, isWorkflowPaused, outbox } from './outbox';
import { reportedThisSession, session } from './session';
import { addBatch, advance, emptyQueue, type LocalQueue, needsPrefetch, nextBatchOf, TabQueueStore, type TakenElsewhere, withCorrections, withoutSubjects, withoutTaken } from './subjectQueue';
import { type Renewal, useHoldsWhileAtWork } from './useHoldsWhileAtWork';

interface FetchResult {
  added: number;
  /** The fetch began with no subject waiting locally, so an empty answer means there is nothing left. */
  startedEmpty: boolean;
  /** The server has nothing now but may later (others hold the last subjects, or more may come): ask again after this. */
  retryAfterSeconds?: number;
  /** Who holds those last subjects: this volunteer elsewhere (another tab), or other volunteers; nobody when absent. */
  heldBy?: QueueView['heldBy'];
  /** When this volunteer holds them: when the first of their holds lapses. */
  heldUntil?: string;
  /** The workflows that may still send this one subjects, when nothing else is left. */
  comingFrom?: QueueView['comingFrom'];
  /** Every one of them is paused: volunteers finish none of their subjects there. */
  feedersPaused?: QueueView['feedersPaused'];
  /** What is left may be only subjects whose answers wait on this device to be sent (`lastBeingSent`). */
  sending: boolean;
}

/** While nothing is left to show but the server may have more later: when it is asked again, and why it has none now. */
interface Poll {
  seconds: number;
  /** Who holds the last subjects: this volunteer (in another tab) or others; nobody while the worker decides on them. */
  heldBy?: QueueView['heldBy'];
  /** When this volunteer holds them: when the first of their holds lapses, and the subject comes back here. */
  heldUntil?: string;
  /** The workflows that may still send subjects. */
  comingFrom?: string[];
  /** Every one of them is paused: subjects come only once one goes on again. */
  feedersPaused?: boolean;
  /**
   * The subjects left may be only those whose answers wait on this device to be sent: they are not offered back as
   * held for the volunteer, and more may come once the answers arrive.
   */
  sending: boolean;
}

/** When a batch brought only subjects the page cannot show, and the server gave no time to ask again. */
const NOTHING_NEW_RETRY_SECONDS = 30;

/**
 * While the last subjects are held for the volunteer elsewhere (another tab or device of theirs), when the queue is
 * asked again: 5 s, then twice as long each time, at most a minute. That page may give them back in a moment (closed,
 * or its volunteer done), which the server cannot tell this one; its holds may also last half an hour.
 */
export const heldRetrySeconds = (tries: number): number => Math.min(5 * 2 ** tries, 60);

/**
 * Whether what is left to the volunteer may be only the subjects they answered on this device whose answers wait to be
 * sent: the server served some of those again (their holds ended), or says their own holds keep the last subjects (the
 * holds of those answers last until they are stored; a page of theirs elsewhere may hold more, found once they are).
 */
const onlyBeingSent = (served: QueueView, pending: ReadonlySet<string>): boolean =>
  pending.size > 0 && (served.heldBy === 'you' || served.subjects.some((subject) => pending.has(subject.id)));

/**
 * The subjects of a batch kept from before that are still the volunteer's to classify, as the server has them
 * (`POST /workflows/:id/queue/holds`, which renews their holds): those it still holds for them, and the workflow still
 * asks them for (not retired, nor classified by them: `gone`), and those they began (a draft) that it does not say are
 * gone; never one whose answer waits on this device, or that they reported in this tab. Those researchers moved show at
 * their new addresses.
 */
async function confirmKept(client: ChorusClient, workflowId: string, queue: LocalQueue): Promise<LocalQueue> {
  const ids = queue.subjects.map((subject) => subject.id);
  const chunks = Array.from({ length: Math.ceil(ids.length / MOST_HELD_NAMED) }, (_, index) => ids.slice(index * MOST_HELD_NAMED, (index + 1) * MOST_HELD_NAMED));
  const [answers, pending] = await Promise.all([Promise.all(chunks.map((chunk) => client.renewHolds(workflowId, chunk))), outbox.pendingSubjectIds(workflowId)]);
  // Those the workflow no longer asks for leave, drafts and all: the renewals, naming none on screen, ended their holds.
  const gone = new Set([...answers.flatMap((answer) => answer.gone), ...pending, ...reportedThisSession(workflowId)]);
  const held = new Set(answers.flatMap((answer) => answer.held));
  // One they began (a draft kept) stays though its hold lapsed (a long break): a late answer is still taken.
  const stillTheirs = (subjectId: string) => !gone.has(subjectId) && (held.has(subjectId) || draftVersionOf(workflowId, subjectId) !== undefined);
  const kept = withCorrections({ ...queue, subjects: queue.subjects.filter((subject) => stillTheirs(subject.id)) }, answers.flatMap((answer) => answer.corrected));
  // A subject left out here that the server serves again (its hold had lapsed) is shown then, not taken for one seen.
  return { ...kept, seen: new Set(kept.subjects.map((subject) => subject.id)) };
}

/** A batch kept from before as this device knows it, when the server cannot be asked: without what was answered or reported here. */
async function knownOnDevice(workflowId: string, queue: LocalQueue): Promise<LocalQueue> {
  const done = new Set([...(await outbox.pendingSubjectIds(workflowId)), ...reportedThisSession(workflowId)]);
  return withoutSubjects(queue, done);
}

/** What the queue tells the page that shows its subjects. */
interface QueueEvents {
  /** A batch brought a new version of the workflow: its tasks are the ones to show. */
  newVersion(workflow: WorkflowView): void;
  /** The researchers paused the workflow. */
  paused(): void;
  /** The workflow is gone, or no longer open to volunteers. */
  closed(): void;
  /** A batch needed to go on could not be fetched (the network, the server): the page waits for "Try again". */
  failed(error: unknown): void;
  /** Subjects waiting on the page were retired meanwhile (by others' answers, or by researchers) and left out of it. */
  leftOut(count: number): void;
  /** The subject on screen went to another tab of the volunteer's on this device (`adopted`), or was answered there. */
  takenElsewhere(why: TakenElsewhere['why']): void;
  /** Subjects came while the last ones were held for the volunteer elsewhere (that page gave them back, or its holds lapsed). */
  heldNoLonger(): void;
}

/**
 * The subjects a classify page shows, and how more come: the tab's batch (kept across reloads by `TabQueueStore`,
 * its holds following the volunteer's work), a fetch whenever nothing waits locally, a prefetch while a few still do,
 * and a poll while nothing can be served yet (the last subjects are held, busy for a moment, or may still come from
 * another workflow).
 *
 * `halted` stops the fetching (the workflow is not loaded yet, a fetch failed, the workflow is paused or closed). With
 * `subjectSetId`, the subject set the volunteer chose: every batch comes from it, and the tab keeps its batch apart
 * from the workflow's and other sets' (those pages' subjects are not this one's to show).
 */
export function useSubjectQueue(
  client: ChorusClient,
  { workflowId, subjectSetId }: { workflowId: string; subjectSetId?: string },
  workflowRef: RefObject<WorkflowView | null>,
  halted: boolean,
  events: QueueEvents,
) {
  // The latest events, read when a fetch ends: the page may pass new functions on every render.
  const on = useRef(events);
  useLayoutEffect(() => {
    on.current = events;
  });
  const [volunteer] = useState(() => session.current().userId);
  const [store] = useState(() => new TabQueueStore(subjectSetId ? `${workflowId}~${subjectSetId}` : workflowId, volunteer));
  const [queue, setQueue] = useState<LocalQueue>(emptyQueue);
  // The tab's batch is read once the page knows which other pages live (`TabQueueStore.load`, a moment).
  const [loaded, setLoaded] = useState(false);
  // A batch kept from before this page (its own before a reload, or closed tabs') may be stale: none of it is shown until
  // the server says which of its subjects are still this volunteer's to classify (`confirmKept`).
  const [confirmed, setConfirmed] = useState(false);
  const [poll, setPoll] = useState<Poll | null>(null);
  const [pollTick, setPollTick] = useState(0);
  /** The answers in a row that said the last subjects are held for the volunteer elsewhere (`heldRetrySeconds`). */
  const heldTries = useRef(0);

  // Read by async code after awaits: the ref holds the latest committed queue.
  const queueRef = useRef(queue);
  const commitQueue = useCallback(
    (next: LocalQueue) => {
      const kept = store.save(next);
      queueRef.current = kept;
      setQueue(kept);
    },
    [store],
  );
  /** The subjects this page fetched itself (not kept from before it loaded): the ones it may give back as it goes. */
  const fetchedHere = useRef(new Set<string>());
  const giveBackUnbegun = useCallback(
    (keepOnScreen: boolean) => {
      const onScreen = keepOnScreen ? queueRef.current.subjects[0]?.id : undefined;
      return store.giveBack((subjectId) => fetchedHere.current.has(subjectId) && subjectId !== onScreen && draftVersionOf(workflowId, subjectId) === undefined);
    },
    [store, workflowId],
  );
  /**
   * Leaves out of the page's list those of its subjects that the workflow no longer asks for; how many. Never one the
   * volunteer began (a draft), nor, while they work, the one on screen: its answer is still accepted. The renewal ended
   * the holds of the others it named as gone, but the one it named as on screen: if the page leaves that one out too
   * (not at work on it, or another subject is on screen now), it gives it back at once (best effort), for others.
   */
  const leaveOut = useCallback(
    (gone: string[], { whileAtWork, onScreen: named }: Renewal): number => {
      const onScreen = queueRef.current.subjects[0]?.id;
      const waiting = new Set(queueRef.current.subjects.map((subject) => subject.id));
      const begun = (subjectId: string) => draftVersionOf(workflowId, subjectId) !== undefined || (whileAtWork && subjectId === onScreen);
      const left = gone.filter((subjectId) => waiting.has(subjectId) && !begun(subjectId));
      if (!left.length) return 0;
      commitQueue(withoutTaken(queueRef.current, new Set(left)));
      if (named && left.includes(named)) void client.releaseHolds(workflowId, [named]).catch(() => undefined);
      on.current.leftOut(left.length);
      return left.length;
    },
    [client, commitQueue, workflowId],
  );
  /** What a renewal of the holds says: subjects gone from the workflow leave the page, those moved show at their new addresses. */
  const renewed = useCallback(
    ({ gone, corrected }: HoldsRenewed, when: Renewal) => {
      const moved = withCorrections(queueRef.current, corrected);
      if (moved !== queueRef.current) commitQueue(moved);
      leaveOut(gone, when);
    },
    [commitQueue, leaveOut],
  );
  useHoldsWhileAtWork(client, workflowId, queueRef, giveBackUnbegun, renewed);
  useEffect(() => {
    let cancelled = false;
    void store.load((subjectId) => draftVersionOf(workflowId, subjectId) !== undefined).then((kept) => {
      if (cancelled) return;
      queueRef.current = kept;
      setQueue(kept);
      setLoaded(true);
      if (!kept.subjects.length) setConfirmed(true);
    });
    return () => {
      cancelled = true;
    };
  }, [store, workflowId]);
  /** A request learnt that the workflow is paused, or closed: the page says so; whether it was either. */
  const stoppedBy = useCallback((error: unknown): boolean => {
    if (isWorkflowPaused(error)) on.current.paused();
    else if (namesNothing(error)) on.current.closed();
    else return false;
    return true;
  }, []);
  /** A request the page needs failed: a paused or closed workflow is said so; anything else waits for "Try again". */
  const stopOn = useCallback((error: unknown) => stoppedBy(error) || on.current.failed(error), [stoppedBy]);
  // Checked once the page may ask the server, and again after "Try again".
  useEffect(() => {
    if (halted || !loaded || confirmed) return;
    let cancelled = false;
    const show = (kept: LocalQueue) => {
      if (cancelled) return;
      commitQueue(kept);
      setConfirmed(true);
    };
    confirmKept(client, workflowId, queueRef.current).then(show, async (error: unknown) => {
      if (cancelled) return;
      // Offline, or signed out meanwhile: the batch goes on as this device knows it, its answers kept to send later.
      if (isTransient(error) || isSignInExpired(error)) return show(await knownOnDevice(workflowId, queueRef.current));
      stopOn(error);
    });
    return () => {
      cancelled = true;
    };
  }, [client, workflowId, halted, loaded, confirmed, commitQueue, stopOn]);
  // Another tab may adopt this one's batch (while it is frozen or hidden, or at the volunteer's asking there), or answer
  // a subject it also kept: it goes on without those subjects, saying so when the one on screen went.
  useEffect(
    () =>
      loaded
        ? store.keepAlive((kept, taken) => {
            const onScreen = queueRef.current.subjects[0]?.id;
            queueRef.current = kept;
            setQueue(kept);
            if (onScreen && taken.ids.has(onScreen)) on.current.takenElsewhere(taken.why);
          })
        : undefined,
    [store, loaded],
  );

  const inFlight = useRef<Promise<FetchResult> | null>(null);
  /** The volunteer's holds were given back to be served here again (`takeBackHolds`): the next ask takes them over. */
  const tookBack = useRef(false);
  const fetchBatch = useCallback((): Promise<FetchResult> => {
    if (inFlight.current) return inFlight.current;
    const startedEmpty = queueRef.current.subjects.length === 0;
    // Another volunteer now (the account's sign-in ended on the answer just given, say): the page opened anew for them
    // asks for their subjects; a request from this one would be sent as them, and take subjects nobody shows.
    if (session.current().userId !== volunteer) return Promise.resolve({ added: 0, startedEmpty, sending: false });
    const request = (async () => {
      const wanted = nextBatchOf(queueRef.current);
      // A guest's first subjects on this page: with no other page of theirs alive here, none shows what they hold in the
      // workflow (a guest lives in this browser only), which is what a page of theirs that died showed: it goes on
      // here, in its order. An account may have a page open on another device: it is offered them only once nothing
      // else is left (`takeBackHolds`).
      let resumed = tookBack.current;
      tookBack.current = false;
      const ask = (resume: boolean) => {
        const resuming = resume && session.current().kind === 'guest';
        resumed ||= resuming;
        return client.queue(workflowId, wanted.size, { ...wanted, resume: resuming, subjectSetId });
      };
      const [served, pending] = await Promise.all([queueRef.current.seen.size === 0 ? store.askFirst(ask) : ask(false), outbox.pendingSubjectIds(workflowId)]);
      // Sent again as a new guest on the way (the server stopped accepting the old one): given back, for the same reason.
      if (session.current().userId !== volunteer) {
        if (served.subjects.length) void client.releaseHolds(workflowId, served.subjects.map((subject) => subject.id)).catch(() => undefined);
        return { added: 0, startedEmpty, sending: false };
      }
      // Subjects answered on this device whose classification still waits in the outbox are not shown again, nor those
      // the volunteer reported in this tab: those are given back at once (best effort), for others.
      const reported = reportedThisSession(workflowId);
      const reportedAgain = served.subjects.filter((subject) => reported.has(subject.id)).map((subject) => subject.id);
      if (reportedAgain.length) void client.releaseHolds(workflowId, reportedAgain).catch(() => undefined);
      const batch = { ...served, subjects: served.subjects.filter((subject) => !pending.has(subject.id) && !reported.has(subject.id)) };
      // A researcher published a new version: show its tasks, so that the answers fit the version submitted.
      if (batch.workflowVersion !== workflowRef.current?.version) on.current.newVersion(await client.getWorkflow(workflowId));
      store.servedAgain(batch.subjects.map((subject) => subject.id));
      // Holds taken over (resumed, or given back and served again) may be listed by a record a page of another kind left.
      if (resumed) store.takeFromLeftBehind(served.subjects.map((subject) => subject.id));
      const { queue: next, added } = addBatch(queueRef.current, batch);
      for (const subject of batch.subjects) fetchedHere.current.add(subject.id);
      commitQueue(next);
      const { retryAfterSeconds, heldBy, heldUntil, comingFrom, feedersPaused } = served;
      return { added, startedEmpty, retryAfterSeconds, heldBy, heldUntil, comingFrom, feedersPaused, sending: onlyBeingSent(served, pending) };
    })().finally(() => {
      inFlight.current = null;
    });
    inFlight.current = request;
    return request;
  }, [client, workflowId, subjectSetId, workflowRef, commitQueue, volunteer, store]);

  // Nothing waiting locally: fetch a batch and wait for it. Only what decides whether to fetch is a dependency, not the
  // queue object: each fetch commits a new one, even an empty one, which would ask again at once, without end.
  const empty = queue.subjects.length === 0;
  const finishedQueue = queue.finished;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `pollTick` is the poll trigger; the timer bumps it to ask the queue again while others hold the last subjects
  useEffect(() => {
    if (halted || !confirmed || !empty || finishedQueue) return;
    let cancelled = false;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    // A request begun before this asking (a prefetch; one that read the outbox before the answers it held were sent)
    // answers for then: once it is in, the queue is asked again.
    const begunBefore = inFlight.current !== null;
    fetchBatch().then(
      ({ added, startedEmpty, retryAfterSeconds, heldBy, heldUntil, comingFrom, feedersPaused, sending }) => {
        if (cancelled) return;
        const now = queueRef.current;
        if (now.finished || now.subjects.length > 0) {
          if (heldTries.current > 0 && now.subjects.length > 0) on.current.heldNoLonger();
          heldTries.current = 0;
          return setPoll(null);
        }
        // A prefetch begun before the last subject went, or subjects gone already: ask again, from empty this time.
        if (begunBefore || !startedEmpty || added > 0) return setPollTick((n) => n + 1);
        // Only the server's "finished" ends the page: a batch of subjects it cannot show (answered on this device, say) does not.
        const heldElsewhere = heldBy === 'you' && !sending;
        // Held for you no longer (others hold them, or nothing is left): subjects coming later were not freed from you.
        if (!heldElsewhere) heldTries.current = 0;
        const seconds = heldElsewhere ? heldRetrySeconds(heldTries.current++) : (retryAfterSeconds ?? NOTHING_NEW_RETRY_SECONDS);
        setPoll(sending ? { seconds, sending } : { seconds, heldBy, heldUntil, comingFrom, feedersPaused, sending });
        pollTimer = setTimeout(() => setPollTick((n) => n + 1), seconds * 1000);
      },
      (error: unknown) => !cancelled && stopOn(error),
    );
    return () => {
      cancelled = true;
      clearTimeout(pollTimer);
    };
  }, [halted, confirmed, empty, finishedQueue, fetchBatch, stopOn, pollTick]);

  /**
   * The subject on screen was answered: the next one shows, and while a few still wait a batch is fetched in the
   * background. Its failure stops nothing while a subject is on screen, a paused or closed workflow included: the
   * volunteer may be choosing an answer, which would go with the subject. Their submit learns it (a pause stops the page
   * after the answer, a closed project keeps it on the device), or the fetch once the local list runs dry, which is
   * this same request while it lasts.
   */
  const answered = useCallback(
    (subjectId: string) => {
      store.forget(subjectId);
      commitQueue(advance(queueRef.current, subjectId));
      if (!needsPrefetch(queueRef.current) || queueRef.current.subjects.length === 0) return;
      void fetchBatch().catch(() => undefined);
    },
    [store, commitQueue, fetchBatch],
  );

  /**
   * The last answer (to `answeredId`) came after its subject was retired: others' answers or researchers retired it
   * meanwhile (a page left open past its holds, a set retired by hand), and this page may hold more such subjects. Those
   * the workflow no longer asks for are taken out of what it will show.
   */
  const leaveOutRetired = useCallback(async (answeredId: string): Promise<void> => {
    const waitingIds = queueRef.current.subjects.filter((subject) => subject.id !== answeredId).slice(0, MOST_HELD_NAMED).map((subject) => subject.id);
    // The one on screen stays: an answer that comes after the wait for it was given up came after the next subject
    // showed, which would otherwise go from under the volunteer's eyes with no input of theirs. So the next one is named
    // as on screen, and keeps its hold; given back if the answer comes in time, and the page leaves it out.
    const [next] = waitingIds;
    if (next) renewed(await client.renewHolds(workflowId, waitingIds, next), { whileAtWork: true, onScreen: next });
  }, [client, workflowId, renewed]);

  // Whether the volunteer's own holds that keep the last subjects from them are a live tab's of theirs on this device:
  // one of this same page (`here`), or only of the whole workflow or another set of it (`elsewhere`).
  const [heldInOpenTab, setHeldInOpenTab] = useState<'here' | 'elsewhere' | null>(null);
  const heldByYou = poll?.heldBy === 'you';
  useEffect(() => {
    if (!heldByYou) return setHeldInOpenTab(null);
    let cancelled = false;
    const check = () => void store.keptByOpenTabs().then((kept) => !cancelled && setHeldInOpenTab(kept));
    check();
    // Looked at again whenever a tab of this browser changes what it keeps (one closed, say).
    const stop = store.onOtherTabsChange(check);
    return () => {
      cancelled = true;
      stop();
    };
  }, [store, heldByYou]);

  /**
   * The volunteer's own holds keep the last subjects from them. When a live tab of theirs on this device keeps them,
   * they move here from it (it drops them at once; the holds stay theirs, nobody else is served them). Otherwise (a page
   * of theirs that died without giving its subjects back, or one on another device) all theirs in the workflow are given
   * back, and the queue asked again at once, which serves them here: such a page, if it lives, finds its subjects
   * answered or taken. While a live tab here of another kind (the whole workflow, another set) keeps some, nothing is
   * given back, which would end that tab's holds too: the queue is only asked again.
   */
  const takeBackHolds = useCallback(async (): Promise<void> => {
    const adopted = await store.adoptFromOpenTabs();
    if (adopted) {
      queueRef.current = adopted;
      setQueue(adopted);
      heldTries.current = 0;
      return setPoll(null);
    }
    if (await store.keptByOpenTabs()) return setPollTick((n) => n + 1);
    try {
      await client.releaseMyHolds(workflowId);
    } catch (error) {
      return on.current.failed(error);
    }
    tookBack.current = true;
    setPollTick((n) => n + 1);
  }, [client, workflowId, store]);

  /** While nothing is left to show: the queue is asked again now (answers waiting on this device were sent, say). */
  const askAgain = useCallback(() => setPollTick((n) => n + 1), []);
  // Held for the volunteer elsewhere: a page that comes back into view asks at once (they may have closed the other).
  useEffect(() => {
    if (!heldByYou) return;
    const cameBack = () => document.visibilityState === 'visible' && askAgain();
    document.addEventListener('visibilitychange', cameBack);
    return () => document.removeEventListener('visibilitychange', cameBack);
  }, [heldByYou, askAgain]);

  /**
   * On the end page: the queue is asked once more (subjects unretired, uploaded or routed here since); how many it
   * brought. Those it brings show at once; none leaves the page where it is. A paused or closed workflow stops the page
   * as any request's does; other failures are the caller's to say.
   */
  const checkForNew = useCallback(async (): Promise<number> => {
    try {
      return (await fetchBatch()).added;
    } catch (error) {
      if (!stoppedBy(error)) throw error;
      return 0;
    }
  }, [fetchBatch, stoppedBy]);

  /** Nothing is left to show, and the server said so. */
  const finished = empty && queue.finished;
  return { queue: confirmed ? queue : { ...queue, subjects: [] }, finished, poll, heldInOpenTab, answered, leaveOutRetired, takeBackHolds, askAgain, checkForNew };
}
