import { type ClassificationInput, type ProjectView, type QueuedSubject, serverClock } from '@chorus/client';
import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { Trans, useTranslation } from 'react-i18next';
import { Breadcrumb } from '../components/Breadcrumb';
import { AwaitingReopen } from '../components/AwaitingReopen';
import { type LastAnswer, Finished, SetFinished, Stopped } from '../components/EndOfSubjects';
import { NothingHere } from '../components/NothingHere';
import { ErrorAlert } from '../components/ErrorAlert';
import { FeedbackDialog, LateFeedback, type SubjectFeedback } from '../components/Feedback';
import { FieldGuideDialog } from '../components/FieldGuideDialog';
import { PageTools } from '../components/PageTools';
import { RecentClassifications } from '../components/RecentClassifications';
import { ShortcutsDialog } from '../components/ShortcutsDialog';
import type { ReportInput } from '../components/ReportProblem';
import { type Submission, SubjectClassifier } from '../components/SubjectClassifier';
import { TutorialDialog } from '../components/TutorialDialog';
import { useSession } from '../lib/account';
import { useBackOnPage } from '../lib/backOnPage';
import { useClient } from '../lib/clientContext';
import { focusLost, useFocusInPlaceOfTask } from '../lib/focus';
import { describeError, describeRefusedAnswer, namesNothing, type Problem, retryDelaySeconds } from '../lib/errors';
import { type Saying, useSaid } from '../lib/said';
import { canSignInAgain, isAlreadyClassified, isSignInExpired, isTransient, isWorkflowNotOpen, mayHaveBeenStored, type OutboxItem, outbox, withTimeout } from '../lib/outbox';
import { waitingForReopen } from '../lib/reopenTries';
import { ON_SCREEN_SUBMIT_MS } from '../lib/sendTimes';
import { whenInWords } from '../lib/formats';
import { quotedListIn } from '../lib/lists';
import { milestoneReached } from '../lib/milestones';
import { accountPath, Link, navigate, projectPath, subjectPath } from '../lib/router';
import { classifiedThisSession, type EndedSignIn, rememberClassifiedThisSession, rememberReported, session } from '../lib/session';
import { subjectHeading, subjectTextPreview, subjectTitle } from '../lib/subjectName';
import { markTutorialSeen, tutorialSeen, tutorialSteps } from '../lib/tutorial';
import { useKeysNamed } from '../lib/touchOnly';
import { type MediaFailureReport, useMediaFailureReports } from '../lib/mediaFailureReports';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useKey } from '../lib/useKey';
import { useLoaded } from '../lib/useLoaded';
import { useOutboxSender } from '../lib/useOutboxSender';
import { usePreloadedImages } from '../lib/preloadImages';
import { useSubjectQueue } from '../lib/useSubjectQueue';
import { useWhenReopened } from '../lib/useWhenReopened';
import { useSubjectWorkflow, useWorkflowVersions } from '../lib/useWorkflowVersions';
import { researchersWords, ResearchersLanguage } from '../lib/textLanguage';

/** How long the live region keeps what it said (a language switch says it again in the new language meanwhile). */
const ANNOUNCEMENT_KEPT_MS = 60_000;

/**
 * The classify page of one workflow, or of the subject set of it a volunteer chose (`subjectSetId`). Mount with a key of
 * the workflow and the set so that each starts afresh, and anew for each volunteer (the local batch is the volunteer's:
 * the server reserved its subjects for them).
 */
export function ClassifyPage({ projectSlug, workflowId, subjectSetId }: { projectSlug: string; workflowId: string; subjectSetId?: string }) {
  const client = useClient();
  const [project, setProject] = useState<ProjectView | null>(null);
  const workflowVersions = useWorkflowVersions();
  const { workflow, workflowRef, commitWorkflow } = workflowVersions;
  /** Loading the workflow or a needed batch failed: wait for the volunteer to try again. */
  const [blocked, setBlocked] = useState(false);
  /** The address names no workflow (or none the volunteer may see): trying again cannot help. */
  const [missing, setMissing] = useState(false);
  /** The researchers paused the workflow (the queue or a submit said so): no more subjects for now. */
  const [paused, setPaused] = useState(false);
  /** The project is not open to volunteers now (taken back to draft): a submit was refused, or the queue knows it no more. */
  const [closed, setClosed] = useState(false);
  const [lastAnswer, setLastAnswer] = useState<LastAnswer | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [problem, setProblem, problemSaid] = useSaid<Problem>();
  const [classified, setClassified] = useState(() => classifiedThisSession(workflowId));
  useEffect(() => rememberClassifiedThisSession(workflowId, classified), [workflowId, classified]);
  const registered = useSession().kind === 'registered';
  /**
   * The volunteer's classifications in this workflow on every device, as the server counted them with their answers
   * waiting on this device that it has not stored yet, and this session's count then (which counts those already).
   */
  const [record, setRecord] = useState<{ classifications: number; classifiedThen: number } | null>(null);
  const classifiedNow = useRef(classified);
  classifiedNow.current = classified;
  /** Sends the answers waiting here, with what comes back (set once the sender is, below). */
  const sendWaiting = useRef(() => {});
  /**
   * Reads the volunteer's record in the workflow. With no answer being sent meanwhile: one the server stored but that
   * is not yet out of the outbox would be counted twice; a sending asked for meanwhile goes once the record is read.
   */
  const readRecord = useCallback(async () => {
    try {
      await outbox.whileNotSending(async () => {
        const found = await withTimeout(client.accountWorkflow(workflowId), ON_SCREEN_SUBMIT_MS);
        const unstored = await outbox.unstoredCount(workflowId).catch(() => 0);
        setRecord({ classifications: found.classifications + unstored, classifiedThen: classifiedNow.current });
      });
    } finally {
      // Answers waiting then (the outbox read afresh: the read may have failed before it was) are sent now.
      void outbox.all().then(() => outbox.count > 0 && sendWaiting.current(), () => undefined);
    }
  }, [client, workflowId]);
  // Classified meanwhile on another device or in another tab: read again when the volunteer comes back to this page.
  useBackOnPage(registered, () => void readRecord().catch(() => undefined));
  const registeredNow = useRef(registered);
  registeredNow.current = registered;
  // Answers waiting here were sent: the server's count has them now (or had some already: a replay), read again.
  const recount = useCallback(() => {
    if (registeredNow.current) void readRecord().catch(() => undefined);
  }, [readRecord]);
  /**
   * The account this tab had until the server stopped accepting its token: the page says so, and offers to sign in
   * again or go on as the guest that followed, before anything more is classified.
   */
  const [endedAccount, setEndedAccount] = useState(() => session.endedAccount());
  const goOnAsGuest = useCallback(() => {
    session.forgetEndedAccount();
    setEndedAccount(null);
  }, []);
  const inAll = record ? record.classifications + classified - record.classifiedThen : undefined;
  const inAllNow = useRef(inAll);
  inAllNow.current = inAll;
  /** The thank-you for the milestone just reached, shown until the next answer. */
  const [milestone, setMilestone] = useSaid<string>();
  const thanked = useRef(new Set<number>());
  /**
   * What the live region last announced, kept as how to say it (said again in the new language if the volunteer
   * switches); `n` makes a repeated message a new announcement.
   */
  const [announcement, setAnnouncement] = useState<{ n: number; saying: Saying<string> } | null>(null);
  /** A non-error note shown after a submission, e.g. the subject had already been classified. */
  const [notice, setNotice, noticeSaying] = useSaid<string>();
  const noticeNow = useRef(noticeSaying);
  noticeNow.current = noticeSaying;
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [guideOpen, setGuideOpen] = useState(false);
  /** Open on a first visit (then closing it leads to the task) or when asked for (then back to where it was asked). */
  const [tutorial, setTutorial] = useState<'closed' | 'first-visit' | 'asked'>('closed');
  /**
   * Whether a first visit opens the tutorial is decided (the workflow and the account's record read) before the first
   * subject shows: opened later, it would take the focus from a subject the volunteer has started. Decided once, the
   * project read too (or failed), whose language a form's numbers are typed in.
   */
  const [tutorialDecided, setTutorialDecided] = useState(false);
  const tutorialDecidedNow = useRef(false);
  /** Gold-standard feedback on the subject just submitted, shown before the volunteer moves on. */
  const [feedback, setFeedback] = useState<SubjectFeedback | null>(null);
  const announce = useCallback((saying: Saying<string>) => setAnnouncement((previous) => ({ n: (previous?.n ?? 0) + 1, saying })), []);
  // Cleared a while after it was said: a language switch minutes later would otherwise say it again, naming a subject
  // long gone from the screen.
  useEffect(() => {
    if (!announcement) return;
    const said = announcement.n;
    const timer = setTimeout(() => setAnnouncement((now) => (now?.n === said ? null : now)), ANNOUNCEMENT_KEPT_MS);
    return () => clearTimeout(timer);
  }, [announcement]);
  /** What became of the answer just given, said with the name of the subject that follows it (see `useSaidWithNextSubject`). */
  const saidOnNext = useRef<SaidOnNext | null>(null);
  const { t, i18n } = useTranslation();
  const fieldGuide = project?.fieldGuide.trim() ?? '';
  /** Called as an answer is stored (or kept on the device): the thanks, once, when it reaches a milestone of the count in all. */
  const thankAtMilestone = useCallback((): Saying<string> | undefined => {
    const before = inAllNow.current;
    const reached = before === undefined ? undefined : milestoneReached(before, before + 1);
    if (reached === undefined || thanked.current.has(reached)) return undefined;
    thanked.current.add(reached);
    const thanks: Saying<string> = (t) => t('classify.milestone', { number: reached });
    setMilestone(thanks);
    return thanks;
  }, []);

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

  /** When the page tries again by itself, after a failure that may pass (a busy or restarting server). */
  const [retryIn, setRetryIn] = useState<number | null>(null);
  /** Such failures in a row, each waited for longer. */
  const passingFailures = useRef(0);
  /** What the last of them said: the same again after a retry of the page's own is shown, not announced again. */
  const lastPassing = useRef<string | null>(null);
  const [repeatedProblem, setRepeatedProblem] = useState<Saying<Problem> | null>(null);
  /** Something the page needs could not be loaded: say why, and wait for "Try again" (or, if it may pass, a while). */
  const fail = useCallback(
    (error: unknown) => {
      const described = describeError(error);
      const wait = retryDelaySeconds(error, passingFailures.current);
      if (wait !== undefined) passingFailures.current += 1;
      const shown: Saying<Problem> = (t) => {
        const again = describeError(error);
        return wait === undefined ? again : { ...again, detail: `${again.detail} ${t('errors.retrying', { count: wait })}` };
      };
      // Read now, not in the updater: React may run that after the next line has moved `lastPassing` on.
      const repeated = wait !== undefined && lastPassing.current === described.detail;
      setRepeatedProblem(() => (repeated ? shown : null));
      lastPassing.current = wait === undefined ? null : described.detail;
      setProblem(shown);
      setRetryIn(wait ?? null);
      setBlocked(true);
    },
    [],
  );
  const markPaused = useCallback(() => setPaused(true), []);
  const markClosed = useCallback(() => setClosed(true), []);
  const markLeftOut = useCallback(
    (count: number) => {
      const leftOut: Saying<string> = (t) => t('classify.retiredMeanwhile', { count });
      // Learnt from the answer just given: said with what became of it (and shown after its note), before the subject
      // that follows is named.
      if (saidOnNext.current) {
        saidOnNext.current = { ...saidOnNext.current, leftOut };
        const shown = noticeNow.current;
        setNotice(shown ? (t) => `${shown(t)} ${leftOut(t)}` : leftOut);
      } else {
        setNotice(leftOut);
        announce(leftOut);
      }
    },
    [announce],
  );
  const markTakenElsewhere = useCallback(
    (why: 'adopted' | 'answered') => {
      const said: Saying<string> = (t) => (why === 'adopted' ? t('classify.takenByOtherTab') : t('classify.answeredInOtherTab'));
      setNotice(said);
      announce(said);
    },
    [announce],
  );
  const markHeldNoLonger = useCallback(() => announce((t) => t('classify.heldNoLonger')), [announce]);
  // Nothing is fetched, nor held, for the guest behind "You were signed out" until the volunteer goes on as the guest:
  // signing in again would leave its holds behind.
  const chosenSet = useChosenSet(workflowId, subjectSetId);
  const { queue, finished, poll, heldInOpenTab, answered, leaveOutRetired, takeBackHolds, askAgain, checkForNew } = useSubjectQueue(client, { workflowId, subjectSetId }, workflowRef, !workflow || blocked || paused || closed || !!endedAccount, {
    newVersion: commitWorkflow,
    paused: markPaused,
    closed: markClosed,
    failed: fail,
    leftOut: markLeftOut,
    takenElsewhere: markTakenElsewhere,
    heldNoLonger: markHeldNoLonger,
  });
  // No subject is shown before the tutorial's opening is decided (see `tutorialDecided`).
  const current = tutorialDecided ? queue.subjects[0] : undefined;
  // A stopped page shows no subject, though its queue may still hold some: none is named as coming next.
  // Where the subject on screen comes in this session (reported and skipped ones counted): what it is called when it has no title.
  const position = useShownCount(current?.id, classified);
  useSaidWithNextSubject(paused || closed ? undefined : current, position, saidOnNext, announce);
  const subjectWorkflow = useSubjectWorkflow(client, workflowId, workflowVersions, current, blocked, fail);
  usePreloadedImages(queue.subjects, workflow?.definition.tasks[workflow.definition.firstTask], !!current && !paused && !closed);

  /** The address names no workflow the volunteer may see, or one of another project than the address names. */
  const notFound = missing || (!!project && !!workflow && workflow.projectId !== project.id);
  useDocumentTitle(notFound ? t('classify.notFoundTitle') : workflow ? t('classify.documentTitle', { workflow: workflow.name }) : t('classify.documentTitleLoading'));

  // The workflow definition and the project (its title, whether it is paused, and its language: how a form's numbers are typed) first.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger; "Try again" bumps it to load the workflow again
  useEffect(() => {
    let cancelled = false;
    const projectRead = client.getProject(projectSlug).then(
      (found) => {
        if (!cancelled) setProject(found);
        return found;
      },
      () => undefined, // the subject is shown without it: a form's numbers then as stored ("12.5"), the rest unchanged
    );
    const workflowRead = client.getWorkflow(workflowId).then(
      (found) => {
        if (cancelled) return undefined;
        commitWorkflow(found);
        setBlocked(false);
        return found;
      },
      (error: unknown) => {
        if (cancelled) return undefined;
        if (namesNothing(error)) setMissing(true);
        else fail(error);
        return undefined;
      },
    );
    // Whether the account has seen the tutorial is read at once: the count, which may wait for a sending under way, is
    // not what the first subject waits for.
    const seenByAccount = client.accountWorkflow(workflowId).then(
      (found) => found.tutorialSeen,
      () => false, // the tutorial goes by this browser alone then
    );
    void readRecord().catch(() => undefined); // no count in all without it
    // A volunteer's first visit to this workflow (in this browser, and for an account on any device) starts with its
    // tutorial, unless there is nothing left to classify. Never in the middle of a session: not once this tab has
    // classified here, nor for the guest that follows an account signed out meanwhile (its first visit, not theirs).
    // Asked for meanwhile (T), it stays as asked.
    const midSession = classifiedNow.current > 0 || session.endedAccount() !== null;
    // The project is waited for too: a form's number is typed as its language writes it ("12,5" in French).
    void Promise.all([workflowRead, seenByAccount, projectRead]).then(([read, seen]) => {
      if (cancelled || !read || tutorialDecidedNow.current) return;
      tutorialDecidedNow.current = true;
      setTutorialDecided(true);
      if (!seen && !midSession && !tutorialSeen(workflowId) && read.status !== 'finished') setTutorial((now) => (now === 'closed' ? 'first-visit' : now));
    });
    // Paused for volunteers (not for the project's members): the batch kept from before is not shown either.
    void Promise.all([projectRead, workflowRead]).then(([found, read]) => {
      if (!cancelled && found && read && !found.role && (found.status === 'paused' || read.status === 'paused')) markPaused();
    });
    return () => {
      cancelled = true;
    };
  }, [client, projectSlug, workflowId, attempt, commitWorkflow, fail, markPaused, readRecord]);

  /** "Try again", if the page waits for it (set once `retry` is, below). */
  const retryIfBlocked = useRef(() => {});
  // Back online, or an answer kept on the device went through: what failed because the network or the server was away
  // is tried again now, not when a wait ends, and a page waiting for subjects (its last answers being sent) asks again.
  const reachable = useCallback(() => {
    passingFailures.current = 0;
    lastPassing.current = null;
    retryIfBlocked.current();
    askAgain();
  }, [askAgain]);
  // Answers kept on the device that the server refused because the project closed: the last one waits for it to reopen.
  const markClosedBeforeSent = useCallback(() => {
    setClosed(true);
    setLastAnswer((last) => (last === 'on-device' ? 'awaiting-reopen' : last));
  }, []);
  // As the API decides whether volunteers may classify here (`isPublicWorkflow`).
  const openToVolunteers = !!project && !!workflow && project.status !== 'draft' && workflow.status !== 'draft';
  const sender = useOutboxSender(client, workflowId, workflowRef, openToVolunteers, { announce, refused: setProblem, closed: markClosedBeforeSent, reachable, sent: recount });
  useWhenReopened(client, projectSlug, workflowId, paused, (open) => {
    setPaused(false); // and the queue says what became of it
    if (open) announce((t) => t('classify.reopened'));
  });
  const flushOutbox = sender.flush;
  sendWaiting.current = () => void flushOutbox();
  // "Done & Talk": the subject's discussion, with the way back to this workflow, where the session goes on. Opened once
  // the answer's render is committed, so that the session's count, kept as it commits, has it.
  const [talkAbout, setTalkAbout] = useState<string | null>(null);
  const talk = useCallback((subject: QueuedSubject) => setTalkAbout(subject.id), []);
  useEffect(() => {
    if (talkAbout) navigate(`${subjectPath(projectSlug, talkAbout)}?${new URLSearchParams({ classify: workflowId })}`);
  }, [talkAbout, projectSlug, workflowId]);

  const submit = useCallback(
    async ({ subject, workflowVersion, annotations, startedAt, idempotencyKey, swiped }: Submission): Promise<boolean> => {
      setProblem(null);
      setNotice(null);
      setMilestone(null);
      setLastAnswer(null);
      const input: ClassificationInput = {
        workflowId,
        // The version whose tasks were on screen: the queue's latest, or the one a draft of this subject began under.
        workflowVersion,
        subjectId: subject.id,
        annotations,
        startedAt,
        // Never before the start, even if the device's clock stepped back meanwhile (the API refuses that).
        finishedAt: new Date(Math.max(serverClock.now(), Date.parse(startedAt))).toISOString(),
        metadata: {
          userAgent: navigator.userAgent,
          viewport: { width: window.innerWidth, height: window.innerHeight },
        },
      };
      // Who gives it, as they were when they gave it: the answer stays theirs if their sign-in expires on the way.
      const owner = session.owner() ?? undefined;
      /** Whether it was sent, not only kept behind older answers waiting here. */
      let sent = false;
      const item = (error: unknown): OutboxItem => ({
        idempotencyKey,
        input,
        queuedAt: new Date().toISOString(),
        attempts: 1,
        lastError: error instanceof Error ? error.message : String(error),
        owner,
        maybeStored: sent && mayHaveBeenStored(error),
      });
      try {
        // Older answers first: when the outbox is not empty, this one joins it and the outbox is sent in order.
        if (outbox.count > 0) throw new TypeError('answers are waiting to be sent');
        sent = true;
        const stored = await withTimeout(client.classify(input, idempotencyKey), ON_SCREEN_SUBMIT_MS);
        // Researchers published a new version: the next subjects are shown under it, not only those of the next batch.
        if (stored.currentVersion && stored.currentVersion > (workflowRef.current?.version ?? 0)) void client.getWorkflow(workflowId).then(commitWorkflow, () => {});
        // A swipe answers without a button pressed: which answer it gave is said, and shown until the next answer.
        const said: Saying<string> = (t) => (swiped === undefined ? t('classify.submitted') : t('classify.submittedBySwipe', { answer: swiped }));
        saidOnNext.current = { said, milestone: thankAtMilestone() };
        if (swiped !== undefined) setNotice(said);
        // The server answers again: a busy spell later is a new one, announced, and waited for from the start.
        passingFailures.current = 0;
        lastPassing.current = null;
        setLastAnswer('saved');
        setClassified((count) => count + 1);
        if (stored.feedback?.length) setFeedback({ annotations, feedback: stored.feedback });
        // Those the workflow no longer asks for leave the list before the next is shown: none comes on screen (and is named
        // to a screen reader) only to go. Best effort, not waited for long: a subject left in is still accepted.
        if (stored.afterRetirement) await withTimeout(leaveOutRetired(subject.id), ON_SCREEN_SUBMIT_MS).catch(() => undefined);
        // Paused meanwhile: the page stops after this answer, not a batch later when it next asks the queue.
        if (stored.paused) markPaused();
      } catch (error) {
        if (isAlreadyClassified(error)) {
          setNotice((t) => t('classify.alreadyClassified'));
          // Answered on another device of theirs, say: others waiting here may have been too, and leave before they show.
          saidOnNext.current = { said: (t) => t('classify.alreadyClassifiedAnnouncement') };
          await withTimeout(leaveOutRetired(subject.id), ON_SCREEN_SUBMIT_MS).catch(() => undefined);
        } else if (isWorkflowNotOpen(error)) {
          // Taken back to draft: kept on this device, to be sent if the researchers open it to volunteers again. The page
          // says it is closed once it knows what became of the answer, in the same render: the note is there when the
          // heading takes the focus, not added after it.
          const kept = await outbox.put(waitingForReopen(item(error), new Date())).then(() => true, () => false);
          setClosed(true);
          setLastAnswer(kept ? 'awaiting-reopen' : 'lost');
          if (!kept) return false;
        } else if (isTransient(error) || (isSignInExpired(error) && canSignInAgain(owner))) {
          // The network is gone, the server failed, or the account's sign-in expired: keep the answer on this device
          // (to be sent when the connection is back, or once the account signs in again) and carry on.
          try {
            // Kept with who gave it, so that it is sent as theirs even if someone else signs in on this device meanwhile.
            await outbox.put({ ...item(error), awaitingSignIn: isSignInExpired(error) });
          } catch {
            setProblem(() => describeError(error)); // no IndexedDB and no memory to spare: the volunteer can try again
            return false;
          }
          saidOnNext.current = { said: (t) => t('classify.savedOnDevice'), milestone: thankAtMilestone() };
          setLastAnswer('on-device');
          setClassified((count) => count + 1);
          if (navigator.onLine) void flushOutbox();
        } else {
          setProblem(() => describeRefusedAnswer(error));
          return false;
        }
      }
      answered(subject.id);
      return true;
    },
    [client, workflowId, workflowRef, flushOutbox, answered, commitWorkflow, leaveOutRetired, markPaused, thankAtMilestone],
  );

  /**
   * Reports the subject on screen as one that cannot be classified as it is, and moves on: its hold ends, and this tab
   * never shows it again, reloaded too (`rememberReported`). Not kept on the device to send later: a report that cannot
   * be sent now is said so, and the volunteer stays on the subject (to try again, or to classify it after all).
   */
  const report = useCallback(
    async (subject: QueuedSubject, { reason, note }: ReportInput): Promise<Saying<Problem> | null> => {
      setProblem(null);
      setNotice(null);
      let replayed: boolean;
      try {
        ({ replayed } = await withTimeout(client.reportSubject(workflowId, { subjectId: subject.id, reason, note }), ON_SCREEN_SUBMIT_MS));
      } catch (error) {
        return () => describeError(error);
      }
      rememberReported(workflowId, subject.id);
      // Reported already (an answer lost on the way, another tab): that report, still open, now says this.
      saidOnNext.current = { said: (t) => (replayed ? t('classify.reportUpdated') : t('classify.reported')) };
      answered(subject.id);
      return null;
    },
    [client, workflowId, answered],
  );

  /**
   * Tells researchers that the volunteer's browser could not load one of a subject's media, a moment later, whether or
   * not the subject is still shown; without a word to the volunteer, who is never held up by it: nothing waits for it,
   * and it is not tried again (a count, not their work).
   */
  const tellMediaFailed = useCallback(({ workflowId: failedIn, ...failure }: MediaFailureReport) => void client.mediaFailed(failedIn, failure).catch(() => undefined), [client]);
  const mediaFailed = useMediaFailureReports(tellMediaFailed);

  const retry = () => {
    setProblem(null);
    setBlocked(false);
    setRetryIn(null);
    if (!workflow) setAttempt((n) => n + 1);
  };
  const retryLater = useRef(retry);
  retryLater.current = retry;
  retryIfBlocked.current = () => {
    if (blocked) retry();
  };
  useEffect(() => {
    if (retryIn === null) return;
    const timer = setTimeout(() => retryLater.current(), retryIn * 1000);
    return () => clearTimeout(timer);
  }, [retryIn]);
  const retryNow = () => {
    passingFailures.current = 0;
    lastPassing.current = null;
    retry();
  };

  // Blocked with no subject left on screen (its task went with the last one answered): focus would be lost to the
  // page, so it goes to the way on.
  const tryAgainRef = useRef<HTMLButtonElement>(null);
  const nothingOnScreen = !current;
  useEffect(() => {
    if (blocked && nothingOnScreen && focusLost()) tryAgainRef.current?.focus();
  }, [blocked, nothingOnScreen]);

  const keys = useKeysNamed();
  const steps = useMemo(() => (workflow ? tutorialSteps(workflow.definition, t, keys) : []), [workflow, t, keys]);
  const closeTutorial = useCallback(() => {
    setTutorial('closed');
    markTutorialSeen(workflowId);
    // For an account, on every device it signs in on too; a guest's browser alone keeps it.
    if (registered) void client.markTutorialSeen(workflowId).catch(() => undefined);
  }, [client, workflowId, registered]);

  if (notFound) return <NothingHere testId="workflow-not-found" title={t('classify.notFoundTitle')} body={t('classify.notFound')} />;
  const heading = workflow?.name ?? (blocked ? t('classify.workflowUnavailable') : t('classify.loadingWorkflow'));
  // The workflow's name and the project's title are the researchers' words; the words said while they load, the interface's.
  const projectWords = researchersWords(project?.language);
  const headingWords = workflow ? projectWords : {};

  return (
    <ResearchersLanguage.Provider value={project?.language}>
      <div className="page page-classify" data-tutorial-decided={tutorialDecided || undefined}>
        <Breadcrumb up={[{ to: projectPath(projectSlug), label: project ? <span {...projectWords}>{project.title}</span> : projectSlug }]} here={<span {...headingWords}>{heading}</span>} />
        <div className="page-heading">
          <h1 tabIndex={-1} {...headingWords}>
            {heading}
          </h1>
          <PageTools
            classified={classified}
            inAll={registered ? inAll : undefined}
            hasFieldGuide={fieldGuide !== ''}
            onFieldGuide={() => setGuideOpen(true)}
            onTutorial={workflow ? () => setTutorial('asked') : undefined}
            onShortcuts={() => setShortcutsOpen(true)}
          />
        </div>
        {subjectSetId && (
          <p className="chosen-set" data-testid="chosen-set">
            {chosenSet && <Trans i18nKey="classify.chosenSet" values={{ name: chosenSet.name }} components={{ name: <strong {...projectWords} /> }} />}{' '}
            <Link to={projectPath(projectSlug)}>{t('classify.chooseAnotherSet')}</Link>
          </p>
        )}
        {workflow?.status === 'draft' && (
          <p className="notice" data-testid="draft-tries">
            {t('classify.draftTries')}
          </p>
        )}
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
              {/* "Keep classifying" only with a subject on screen; new subjects come back with the connection only while fetching them failed. */}
              {current ? (
                <Trans i18nKey="classify.outbox" count={sender.toSend} components={{ strong: <strong data-testid="outbox-count" /> }} />
              ) : blocked ? (
                <Trans i18nKey="classify.outboxNothingLeft" count={sender.toSend} components={{ strong: <strong data-testid="outbox-count" /> }} />
              ) : (
                <Trans i18nKey="classify.outboxWaiting" count={sender.toSend} components={{ strong: <strong data-testid="outbox-count" /> }} />
              )}
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
        <AwaitingReopen count={sender.awaitingReopen} discard={() => outbox.discardAwaitingReopen()} />
        {notice && (
          <p className="notice" data-testid="notice">
            {notice}
          </p>
        )}
        {milestone && (
          <p className="notice" data-testid="milestone">
            {milestone}
          </p>
        )}

        <ErrorAlert problem={problem} quiet={problemSaid !== null && problemSaid === repeatedProblem}>
          {blocked && (
            <button type="button" className="button button-secondary" onClick={retryNow} ref={tryAgainRef}>
              {t('app.tryAgain')}
            </button>
          )}
        </ErrorAlert>

        {endedAccount ? (
          <SignedOutHere why={endedAccount.why} kept={sender.kept.filter((item) => item.owner?.userId === endedAccount.userId).length} onGoOn={goOnAsGuest} />
        ) : closed || paused ? (
          <Stopped why={closed ? 'closed' : 'paused'} projectSlug={projectSlug} lastAnswer={lastAnswer} />
        ) : finished && queue.reason === 'set-finished' ? (
          <SetFinished projectSlug={projectSlug} />
        ) : finished ? (
          <Finished workflowId={workflowId} projectSlug={projectSlug} classified={classified} reason={queue.reason} retired={queue.retired} checkForNew={checkForNew} />
        ) : subjectWorkflow && current ? (
          <SubjectClassifier key={`${current.id}:${subjectWorkflow.version}`} subject={current} workflow={subjectWorkflow} onSubmit={submit} onProblem={setProblem} onReport={report} onMediaFailed={mediaFailed} position={position} onTalk={registered && openToVolunteers ? talk : undefined} subjectSetId={subjectSetId} />
        ) : blocked ? null : poll?.heldBy === 'you' && poll.heldUntil ? (
          <HeldByYou until={poll.heldUntil} inOpenTab={heldInOpenTab} onTakeBack={takeBackHolds} onAskAgain={askAgain} />
        ) : (
          <WaitingForSubjects
            said={
              !poll
                ? t('classify.loadingSubjects')
                : poll.sending
                  ? t('classify.lastBeingSent', { count: poll.seconds })
                  : poll.comingFrom
                  ? poll.feedersPaused
                    ? t('classify.comingFromPaused', { count: poll.seconds, workflows: quotedListIn(i18n.language, t, poll.comingFrom) })
                    : t('classify.comingFrom', { count: poll.seconds, workflows: quotedListIn(i18n.language, t, poll.comingFrom) })
                  : poll.heldBy
                    ? t('classify.othersHoldLast', { count: poll.seconds })
                    : t('classify.lastBeingDecided', { count: poll.seconds })
            }
          />
        )}

        {workflow && <RecentClassifications workflowId={workflowId} projectSlug={projectSlug} version={workflow.version} definition={workflow.definition} stored={classified + sender.sentLater} />}

        <div className="visually-hidden" aria-live="polite" data-testid="announcer">
          {announcement && <p key={announcement.n}>{announcement.saying(t)}</p>}
        </div>
      </div>
    </ResearchersLanguage.Provider>
  );
}

/** The subject set the volunteer chose to work on, as the workflow lists it (for its name), once that list comes. */
function useChosenSet(workflowId: string, subjectSetId: string | undefined) {
  const client = useClient();
  const { data } = useLoaded(() => (subjectSetId ? client.choosableSets(workflowId) : Promise.resolve(null)), [client, workflowId, subjectSetId]);
  return data?.sets.find((set) => set.id === subjectSetId);
}

/**
 * The account this tab had was signed out by the server (its token expired, or its sign-in was ended elsewhere): said
 * in place of the task, with its answers kept here for it (sent as its own once it signs in here again, never as the
 * guest's), and the choice of signing in again or going on as the guest that followed.
 */
function SignedOutHere({ why, kept, onGoOn }: { why: EndedSignIn; kept: number; onGoOn: () => void }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const said = why === 'signed-out' ? t('classify.signedOutHere.signedOut') : t('classify.signedOutHere.expired');
  useFocusInPlaceOfTask(heading, said);
  return (
    <section className="notice" data-testid="signed-out-here" aria-labelledby="signed-out-here-title">
      <h2 id="signed-out-here-title" tabIndex={-1} ref={heading}>
        {t('classify.signedOutHere.title')}
      </h2>
      <p>{said}</p>
      {kept > 0 && <p data-testid="signed-out-kept">{t('classify.signedOutHere.kept', { count: kept })}</p>}
      <p>{t('classify.signedOutHere.asGuest')}</p>
      <p className="actions">
        <Link to={accountPath('sign-in', window.location.pathname + window.location.search)} className="button">
          {t('classify.signedOutHere.signIn')}
        </Link>{' '}
        <button type="button" className="button button-secondary" onClick={onGoOn}>
          {t('classify.signedOutHere.goOn')}
        </button>
      </p>
    </section>
  );
}

interface HeldByYouProps {
  /** When the first of the volunteer's holds lapses. */
  until: string;
  /**
   * A live tab of theirs in this browser keeps them: one of this page (`here`), and they move here from it rather than
   * being given back; or only one of the whole workflow or another set of it (`elsewhere`), which keeps them.
   */
  inOpenTab: 'here' | 'elsewhere' | null;
  /** Gives their holds back and asks the queue again. */
  onTakeBack: ReturnType<typeof useSubjectQueue>['takeBackHolds'];
  /** Asks the queue again now, giving nothing back: the other page may have given them back meanwhile. */
  onAskAgain: () => void;
}

/**
 * The last subjects left to the volunteer are held for them, by a tab of theirs or by a page that died without giving
 * them back: until when, and a button that brings them here (from the tab of this browser that shows them, or given
 * back to be served here). The page asks the queue again by itself (`heldRetrySeconds`, and when it comes back into
 * view), and at once with the second button. The message takes focus as any wait does; the buttons follow it.
 */
function HeldByYou({ until, inOpenTab, onTakeBack, onAskAgain }: HeldByYouProps) {
  const { t } = useTranslation();
  const [taking, setTaking] = useState(false);
  const takeBack = () => {
    if (taking) return;
    setTaking(true);
    void onTakeBack().finally(() => setTaking(false));
  };
  return (
    <div>
      <WaitingForSubjects said={t('classify.youHoldLast', { time: whenInWords(until, 'time') })} />
      {inOpenTab === 'elsewhere' ? (
        <p>{t('classify.heldInOtherPageNote')}</p>
      ) : (
        <>
          <p>{inOpenTab ? t('classify.takeBackFromTabNote') : t('classify.takeBackHoldsNote')}</p>
          <button type="button" className="button" aria-disabled={taking} onClick={takeBack}>
            {t('classify.takeBackHolds')}
          </button>
        </>
      )}
      <p>{t('classify.askAgainNote')}</p>
      <button type="button" className="button button-secondary" onClick={onAskAgain}>
        {t('classify.askAgain')}
      </button>
    </div>
  );
}

/** What became of the answer just given, and what it taught of the subjects waiting (some were taken out as not needed). */
interface SaidOnNext {
  said: Saying<string>;
  leftOut?: Saying<string>;
  /** The thanks for a milestone the answer reached. */
  milestone?: Saying<string>;
}

/**
 * No subject to show for now (the first is on its way, or the last are held or busy): said in a status region, and
 * focused when it takes the place of the task that had focus, as the end of the subjects is.
 */
function WaitingForSubjects({ said }: { said: string }) {
  const message = useRef<HTMLParagraphElement>(null);
  useFocusInPlaceOfTask(message, said, { ifLost: true });
  return (
    <p className="loading" role="status" tabIndex={-1} ref={message}>
      {said}
    </p>
  );
}

/**
 * Says what became of the answer just given once the next subject is on screen, with what that subject is: focus goes
 * to its first answer, whose question is the same for every subject, so a screen reader would not otherwise tell
 * that a new one has come, nor what it shows without moving back to it. A text subject is read out (the start of a
 * long one); another is named by its title, else by its place in the session. When none follows at once (the next
 * batch is on its way), the answer's fate is said then, and the subject once it comes.
 */
/**
 * Where the subject on screen comes in the session: after those classified in it before the page opened (`before`,
 * a reload), one more for each subject the page has shown, so that each has its own place.
 */
function useShownCount(subjectId: string | undefined, before: number): number {
  const [shown, setShown] = useState(() => ({ id: subjectId, count: before + (subjectId ? 1 : 0) }));
  // Set while rendering, as React allows for state that follows a prop: the new count is read in this same render.
  if (subjectId && subjectId !== shown.id) {
    const next = { id: subjectId, count: shown.count + 1 };
    setShown(next);
    return next.count;
  }
  return shown.count;
}

function useSaidWithNextSubject(current: QueuedSubject | undefined, position: number, saidOnNext: RefObject<SaidOnNext | null>, announce: (saying: Saying<string>) => void): void {
  const nameWhenItComes = useRef(false);
  const currentId = current?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: said when the subject on screen changes, not when its object does
  useEffect(() => {
    const pending = saidOnNext.current;
    const next: Saying<string> | undefined = current ? (t) => nextSubjectInWords(current, position, t) : undefined;
    if (pending === null) {
      if (next && nameWhenItComes.current) announce(next);
      nameWhenItComes.current = false;
      return;
    }
    saidOnNext.current = null;
    nameWhenItComes.current = !current;
    const { said, leftOut, milestone } = pending;
    announce(next || leftOut || milestone ? (t) => [`${said(t)}.`, leftOut?.(t), milestone?.(t), next?.(t)].filter(Boolean).join(' ') : said);
  }, [currentId]);
}

/**
 * The subject that comes next, in words: its text (titled, if it has a title), else the name its heading shows
 * (`subjectHeading`: its title, or what its image shows), and only when it has none its place in the session.
 */
function nextSubjectInWords(subject: QueuedSubject, position: number, t: TFunction): string {
  const title = subjectTitle(subject);
  const text = subjectTextPreview(subject);
  if (text) return title ? t('classify.nextSubjectTitledText', { name: title, text }) : t('classify.nextSubjectText', { text });
  return t('classify.nextSubject', { name: subjectHeading(subject) ?? t('classify.subjectNumbered', { number: position }) });
}
