import { type QueuedSubject, type SubjectReportReason, serverClock, type WorkflowView } from '@chorus/client';
import { type Annotation, asksForCheck, evidenceMissing, nextCandidatesOf, nextTaskOf, parseNewAnswer, type Task, validateAnnotations } from '@chorus/tasks';
import { type FormEvent, type PointerEvent, useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { Trans, useTranslation } from 'react-i18next';
import { clearDraft, draftKey, loadDraft, saveDraft } from '../lib/drafts';
import type { Problem } from '../lib/errors';
import type { Saying } from '../lib/said';
import { bringIntoView, firstControlIn, focusControlAtEnd, uncoverQuestion } from '../lib/focus';
import { randomUuid } from '../lib/ids';
import { hasModifier, hasOwnEnterAction, pageKeysQuiet } from '../lib/keyboard';
import { componentFor, type EmptiableType, emptyAnswerOf, initialValueOf, invalidMessage, ownedLocation, workedLocation } from '../tasks/registry';
import { TaskView } from '../tasks/TaskView';
import { subjectHeading } from '../lib/subjectName';
import { languageOf, useResearchersLanguage } from '../lib/textLanguage';
import type { MediaFailureReport } from '../lib/mediaFailureReports';
import { ConfirmEmptyAnswer } from './ConfirmEmptyAnswer';
import { FavouriteToggle, useFavourite } from './FavouriteToggle';
import { type ReportInput, ReportOffer, ReportProblem, reportReasonsFor } from './ReportProblem';
import { MediaFailureSink } from './MediaFailed';
import { NeighbourPages, offersNeighbourPages } from './NeighbourPages';
import { OpenImageContext, useOpenImageState } from './viewer/openImage';
import { SubjectAbout } from './SubjectAbout';
import { SubjectMedia } from './SubjectMedia';

export interface Submission {
  subject: QueuedSubject;
  /** The version whose tasks were answered: the one the subject was begun under. */
  workflowVersion: number;
  annotations: Annotation[];
  startedAt: string;
  idempotencyKey: string;
  /** The label of the answer a swipe gave, when a swipe sent it: the volunteer is told which. */
  swiped?: string;
}

interface Props {
  subject: QueuedSubject;
  workflow: WorkflowView;
  /** Stores (or queues) the classification; resolves false when it failed (the problem has been shown). */
  onSubmit(submission: Submission): Promise<boolean>;
  onProblem(problem: Saying<Problem> | null): void;
  /** Reports the subject as one that cannot be classified as it is: null once sent, else why it could not be. */
  onReport(subject: QueuedSubject, report: ReportInput): Promise<Saying<Problem> | null>;
  /** The volunteer's browser could not load this location of the subject: said each time it is shown failed. */
  onMediaFailed?(failure: MediaFailureReport): void;
  /** Where the subject comes in this session (1 for the first): what it is called when it has no title. */
  position: number;
  /**
   * Given, the last task has "Done & Talk" beside Done (for a signed-in volunteer where the subject can be discussed):
   * called once the classification is stored (or kept on the device), to open the subject's discussion.
   */
  onTalk?(subject: QueuedSubject): void;
  /** The subject set the volunteer chose (`volunteersChooseSubjectSet`): the pages next to the subject are that set's. */
  subjectSetId?: string;
}

/** A horizontal swipe at least this long (CSS px) answers a two-answer single task. */
const SWIPE_DISTANCE = 80;
/** How many times its upward or downward move a swipe's sideways move must be: a loose thumb scrolling answers nothing. */
const SWIPE_STEEPNESS = 3;

/**
 * The page of the subject's panel (`shown`, its locations) that `task` opens on: the location it works on (a marking
 * task's image), else the one its `showLocation` numbers from 1 among the subject's; the first when the subject has
 * fewer, or the task shows that one itself.
 */
function openingPage(task: Task | undefined, subject: QueuedSubject, shown: QueuedSubject['locations']): number | undefined {
  // null: a location named that the subject lacks.
  const location = (task && workedLocation(task, subject)) ?? (task?.showLocation ? (subject.locations[task.showLocation - 1] ?? null) : undefined);
  if (location === undefined) return undefined;
  return Math.max(location ? shown.indexOf(location) : 0, 0);
}

/**
 * The subject's heading, one rule whatever its task types: its place in the session, then its name when it has one
 * (`subjectHeading`: "Subject 3 of this session: Scan of letter page 23"), never its name alone in place of its place.
 */
function headingOf(subject: QueuedSubject, position: number, t: TFunction): string {
  const name = subjectHeading(subject);
  return name ? t('subject.headingNamed', { number: position, name }) : t('subject.heading', { number: position });
}

/** What the subject's media say when one fails to load (`MediaFailureSink`): its location, numbered from 1, to `onMediaFailed`. */
function useMediaFailures(workflowId: string, subject: QueuedSubject, onMediaFailed: Props['onMediaFailed']): ((url: string) => void) | null {
  const failed = useCallback(
    (url: string) => {
      const location = subject.locations.findIndex((each) => each.type !== 'text' && each.url === url) + 1;
      if (location) onMediaFailed?.({ workflowId, subjectId: subject.id, location, url });
    },
    [workflowId, subject, onMediaFailed],
  );
  return onMediaFailed ? failed : null;
}

function valueFor(task: Task | undefined, values: Record<string, unknown>, key: string, subject: QueuedSubject): unknown {
  return key in values ? values[key] : task ? initialValueOf(task, subject) : undefined;
}

/**
 * One subject and the workflow's tasks, from `firstTask` along the branches the answers choose. Back returns
 * to an earlier task with its answer; answers in progress are kept as a draft on this device. Mount it with
 * `key={subject.id}`: its state (answers, start time, idempotency key) belongs to one subject.
 */
export function SubjectClassifier({ subject, workflow, onSubmit, onProblem, onReport, onMediaFailed, position, onTalk, subjectSetId }: Props) {
  const definition = workflow.definition;
  const { t } = useTranslation();
  // A correction left as the subject's text is valid as it is; a form's numbers are typed as the project writes them.
  const answerContext = { locations: subject.locations, language: useResearchersLanguage() };
  const storageKey = draftKey(workflow.id, workflow.version, subject.id);
  const [restored] = useState(() => {
    const draft = loadDraft(storageKey);
    return draft && definition.tasks[draft.taskKey] ? draft : undefined;
  });
  const [taskKey, setTaskKey] = useState(restored?.taskKey ?? definition.firstTask);
  /** Answers to the tasks before the current one, in order. */
  const [answered, setAnswered] = useState<Annotation[]>(restored?.answered ?? []);
  /** The value of every task visited, so that Back and Next restore what the volunteer did. */
  const [values, setValues] = useState<Record<string, unknown>>(restored?.values ?? {});
  /** The tasks whose answer the volunteer asks the team to check (`asksForCheck`: "I'm not sure"), as Back and Next left them. */
  const [unsure, setUnsure] = useState<Record<string, boolean>>(restored?.unsure ?? {});
  const [submitting, setSubmitting] = useState(false);
  /** Done or Next was pressed with an empty answer (nothing transcribed): asked once whether that is meant; Done & Talk
   * is remembered so that confirming still opens Talk. */
  const [confirmingEmpty, setConfirmingEmpty] = useState<{ type: EmptiableType; thenTalk: boolean } | null>(null);
  const busy = useRef(false);
  /** The report form is open, with the reason chosen so far (an image that failed chooses its own). */
  const [reporting, setReporting] = useState<{ reason: SubjectReportReason | null } | null>(null);
  const openReport = useCallback((reason: SubjectReportReason | null) => setReporting({ reason }), []);
  const report = async (input: ReportInput) => {
    const problem = await onReport(subject, input);
    if (!problem) clearDraft(storageKey);
    return problem;
  };
  const mediaFailed = useMediaFailures(workflow.id, subject, onMediaFailed);
  const favourite = useFavourite(subject.id);
  // By the server's clock: the API refuses answers dated ahead of it, as a fast device's clock would date them.
  const [startedAt] = useState(() => restored?.startedAt ?? new Date(serverClock.now()).toISOString());
  // One key per subject: retrying after a failure (even one where the server did store it) never stores it twice.
  const [idempotencyKey] = useState(() => restored?.idempotencyKey ?? randomUuid());
  const id = useId();
  const sectionRef = useRef<HTMLElement>(null);
  const taskRef = useRef<HTMLDivElement>(null);
  const buttonsRef = useRef<HTMLDivElement>(null);
  const mounted = useRef(false);

  const task = definition.tasks[taskKey];
  const value = valueFor(task, values, taskKey, subject);
  const supported = task !== undefined && componentFor(task) !== undefined;
  const parsed = task ? parseNewAnswer(task, value, answerContext) : undefined;
  const endsHere = task ? (parsed?.success ? nextTaskOf(task, parsed.data) === undefined : nextCandidatesOf(task).length === 0) : true;
  // What the task shows itself (a passage to mark) leaves the subject's panel; with nothing left there, the task has the whole width.
  const owned = task && ownedLocation(task, subject);
  const panelLocations = owned ? subject.locations.filter((location) => location !== owned) : subject.locations;
  const fullWidth = panelLocations.length === 0;
  const severalTasks = Object.keys(definition.tasks).length > 1;
  const swipeAnswers = task?.type === 'single' && task.answers.length === 2 ? task.answers : undefined;

  // Keep the draft: only once the volunteer has done something, so that merely seeing a subject stores nothing.
  const touched = answered.length > 0 || Object.keys(values).length > 0 || Object.keys(unsure).length > 0;
  useEffect(() => {
    if (touched && !submitting) saveDraft(storageKey, { taskKey, answered, values, unsure, startedAt, idempotencyKey });
  }, [touched, submitting, storageKey, taskKey, answered, values, unsure, startedAt, idempotencyKey]);

  /**
   * Why the answer cannot go on yet, shown beside the buttons (on a phone the page's alert is far above), and what a
   * task says is still unfinished in it (a tag typed but not added).
   */
  const [answerProblem, setAnswerProblem] = useState<Saying<string> | null>(null);
  /** Refusals for a problem with the value, which a task that shows problems where they are (a form) is told of. */
  const [refusals, setRefusals] = useState(0);
  const unfinished = useRef<Saying<string> | null>(null);
  // Shown where the eye is not, below a long passage say: brought into view.
  const answerProblemRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (answerProblem) answerProblemRef.current?.scrollIntoView({ block: 'nearest' });
  }, [answerProblem]);
  const [tapIgnored, strayTap] = useBriefNote();
  const setUnfinished = useCallback((note: Saying<string> | null) => {
    const shown = unfinished.current;
    unfinished.current = note;
    // The note shown about it is stale once the volunteer adds the tag, clears the field or types on.
    if (shown && note !== shown) setAnswerProblem((problem: Saying<string> | null) => (problem === shown ? null : problem));
  }, []);

  // A message about the answer is stale once the volunteer changes it.
  const setValue = (next: unknown) => {
    setValues((all) => ({ ...all, [taskKey]: next }));
    setConfirmingEmpty(null);
    setAnswerProblem(null);
    onProblem(null);
  };

  async function proceed(override?: { value: unknown; swiped?: string }, thenTalk = false) {
    if (busy.current) return;
    onProblem(null);
    setAnswerProblem(null);
    if (!task) {
      onProblem((t) => ({ detail: t('subject.noTaskProblem', { task: taskKey }), fields: [] }));
      return;
    }
    if (!supported) {
      onProblem((t) => ({ detail: t('subject.unsupported'), fields: [] }));
      return;
    }
    if (unfinished.current && !override) {
      setAnswerProblem(() => unfinished.current);
      return;
    }
    const current = override ? override.value : value;
    const result = parseNewAnswer(task, current, answerContext);
    if (!result.success) {
      const issue = result.error.issues[0];
      setAnswerProblem(() => (t: TFunction) => invalidMessage(task, current, issue, t));
      setRefusals((count) => count + 1);
      return;
    }
    // What only the subject decides: evidence required where it has text to mark.
    const [missing] = evidenceMissing(definition, [{ task: taskKey, value: result.data }], subject.locations, '');
    if (missing) {
      setAnswerProblem(() => (t: TFunction) => invalidMessage(task, current, { path: ['evidence'], message: missing.message }, t));
      return;
    }
    // An empty answer is a right one for a blank page, not a mistake to refuse: it goes on once the volunteer confirms.
    const empty = confirmingEmpty ? null : emptyAnswerOf(task, result.data);
    if (empty) {
      setConfirmingEmpty({ type: empty, thenTalk });
      return;
    }
    setConfirmingEmpty(null);
    const annotation: Annotation = { task: taskKey, value: result.data, ...(unsure[taskKey] && asksForCheck(task) ? { unsure: true } : {}) };
    const next = nextTaskOf(task, result.data);
    if (next !== undefined) {
      setAnswered([...answered, annotation]);
      setTaskKey(next);
      return;
    }
    // The answers as they are stored, numbers converted: read without the language, where "1.250" is the decimal it was stored as.
    const checked = validateAnnotations(definition, [...answered, annotation], '/annotations', { locations: subject.locations });
    if (!checked.ok) {
      onProblem((t) => ({ detail: t('subject.notFitting'), fields: checked.errors.map((error) => `${error.pointer}${t('app.colon')}${error.message}`) }));
      return;
    }
    busy.current = true;
    setSubmitting(true);
    const stored = await onSubmit({ subject, workflowVersion: workflow.version, annotations: checked.value, startedAt, idempotencyKey, swiped: override?.swiped });
    // On success this component is replaced by the next subject; on failure the volunteer can try again.
    if (stored) {
      clearDraft(storageKey);
      if (thenTalk) onTalk?.(subject);
    } else {
      busy.current = false;
      if (mounted.current) setSubmitting(false);
    }
  }

  function back() {
    const previous = answered[answered.length - 1];
    if (!previous || busy.current) return;
    onProblem(null);
    // Going back would lose it as surely as going on.
    setAnswerProblem(() => unfinished.current);
    if (unfinished.current) return;
    setConfirmingEmpty(null);
    setAnswered(answered.slice(0, -1));
    setTaskKey(previous.task);
  }

  const proceedRef = useRef(proceed);
  proceedRef.current = proceed;

  // Enter continues from anywhere on the page, unless the focused control has its own use for it; Ctrl+Enter
  // (Cmd+Enter) continues from anywhere, fields included. Layout effects here (and for focus below) run before
  // the browser paints the subject or handles another key.
  useLayoutEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || event.defaultPrevented || event.isComposing || event.shiftKey || event.altKey) return;
      const force = event.ctrlKey || event.metaKey;
      if (!force && (hasModifier(event) || hasOwnEnterAction(event.target))) return;
      if (pageKeysQuiet(event.target)) return;
      event.preventDefault();
      void proceedRef.current();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  useLayoutEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // Focus the first control of each task once it is on screen: on a new subject, without scrolling past the subject itself;
  // on the next task, with its question in view.
  const firstTask = useRef(true);
  const focusTask = (element: HTMLElement | null) => {
    const control = firstControlIn(element);
    if (firstTask.current) {
      firstTask.current = false;
      if (control) focusControlAtEnd(control, { preventScroll: true });
      const section = sectionRef.current;
      if (section && section.getBoundingClientRect().top < 0) section.scrollIntoView({ block: 'start' });
      if (control) uncoverQuestion(control, element);
    } else if (control) {
      focusControlAtEnd(control, { preventScroll: true });
      bringIntoView(control, element?.querySelector('.task-question'));
    }
  };

  // Phones: a horizontal swipe on the subject answers a two-answer single task (right: first answer, left: second).
  // Not on an image (a finger drag pans it) nor on a recording's player (a drag seeks): there it must never answer.
  const swipeStart = useRef<{ x: number; y: number; pointer: number } | null>(null);
  const onPointerDown = (event: PointerEvent) => {
    if (!swipeAnswers || event.pointerType === 'mouse' || (event.target as Element).closest('.image-viewer, .audio-player, dialog')) return;
    swipeStart.current = { x: event.clientX, y: event.clientY, pointer: event.pointerId };
  };
  const onPointerUp = (event: PointerEvent) => {
    const start = swipeStart.current;
    swipeStart.current = null;
    if (!start || !swipeAnswers || start.pointer !== event.pointerId) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (Math.abs(dx) < SWIPE_DISTANCE || Math.abs(dx) < SWIPE_STEEPNESS * Math.abs(dy)) return;
    const answer = dx > 0 ? swipeAnswers[0] : swipeAnswers[1];
    setValue(answer.value);
    void proceed({ value: answer.value, swiped: answer.label });
  };

  const backToTask = () => {
    setConfirmingEmpty(null);
    firstControlIn(taskRef.current)?.focus();
  };

  const onFormSubmit = (event: FormEvent) => {
    event.preventDefault();
    void proceed();
  };

  const openImage = useOpenImageState();
  return (
    <OpenImageContext.Provider value={openImage}>
    <section
      ref={sectionRef}
      className={`classify${fullWidth ? ' classify-full' : ''}`}
      data-testid="subject"
      data-subject-id={subject.id}
      data-task-type={task?.type}
      aria-labelledby={`${id}-subject`}
    >
      <h2 id={`${id}-subject`} className="visually-hidden">
        {headingOf(subject, position, t)}
      </h2>
      {!fullWidth && (
        <div
          className={`subject-panel${swipeAnswers ? ' subject-swipe' : ''}`}
          onPointerDown={onPointerDown}
          onPointerUp={onPointerUp}
          onPointerCancel={() => {
            swipeStart.current = null;
          }}
        >
          {/* Its pages are counted in the list it is given: another list (a task that shows one itself) starts it again. */}
          <ReportOffer.Provider value={openReport}>
            <MediaFailureSink.Provider value={mediaFailed}>
              <SubjectMedia key={owned ? 'without-owned' : 'all'} locations={panelLocations} subject={subject} opening={{ task: taskKey, page: openingPage(task, subject, panelLocations) }} language={languageOf(task, subject)} />
            </MediaFailureSink.Provider>
          </ReportOffer.Provider>
          <SubjectAbout metadata={subject.metadata} />
          {offersNeighbourPages(definition, subject) && <NeighbourPages workflowId={workflow.id} subjectId={subject.id} subjectSetId={subjectSetId} />}
        </div>
      )}
      <form className="task-panel" onSubmit={onFormSubmit} aria-busy={submitting} aria-label={t('subject.tasks')} noValidate>
        {severalTasks && (
          <p className="task-progress muted">
            <Trans i18nKey="subject.taskNumber" values={{ number: answered.length + 1 }} components={{ hidden: <span className="visually-hidden" /> }} />
          </p>
        )}
        <div data-task={taskKey} ref={taskRef}>
          {task ? (
            <TaskView
              key={taskKey}
              onShown={focusTask}
              buttons={buttonsRef}
              onStrayTap={strayTap}
              task={task}
              taskKey={taskKey}
              workflowId={workflow.id}
              id={`${id}-${taskKey}`}
              subject={subject}
              value={value}
              onChange={setValue}
              unsure={unsure[taskKey] === true}
              onUnsureChange={asksForCheck(task) ? (next) => setUnsure((all) => ({ ...all, [taskKey]: next })) : undefined}
              setUnfinished={setUnfinished}
              disabled={submitting}
              refusals={refusals}
            />
          ) : (
            <p className="task-unsupported">{t('subject.noTask', { task: taskKey })}</p>
          )}
        </div>
        <p className="task-message" role="alert" data-testid="answer-problem" ref={answerProblemRef}>
          {answerProblem?.(t)}
        </p>
        {confirmingEmpty && <ConfirmEmptyAnswer type={confirmingEmpty.type} onConfirm={() => void proceed(undefined, confirmingEmpty.thenTalk)} onGoBack={backToTask} disabled={submitting} />}
        <div className="task-actions" ref={buttonsRef}>
          {answered.length > 0 && (
            <button type="button" className="button button-secondary" onClick={back} aria-disabled={submitting || undefined} data-testid="back">
              {t('subject.back')}
            </button>
          )}
          <button type="submit" className="button button-primary" aria-disabled={!supported || submitting || undefined}>
            {submitting ? t('subject.submitting') : endsHere ? t('subject.done') : t('subject.next')}
          </button>
          {endsHere && onTalk && (
            <button type="button" className="button button-secondary" onClick={() => void proceed(undefined, true)} aria-disabled={!supported || submitting || undefined} data-testid="done-talk">
              {t('subject.doneAndTalk')}
            </button>
          )}
        </div>
        {/* After the buttons: shown, it moves nothing under the finger. */}
        {/* Always there (a status region that comes and goes is not announced by every screen reader); the note anew each time, so that a repeat is announced too. */}
        <p className="tap-note muted" role="status" data-testid="tap-note">
          {tapIgnored > 0 && <span key={tapIgnored}>{t('subject.tapIgnored')}</span>}
        </p>
      </form>
      <FavouriteToggle subjectId={subject.id} workflowId={workflow.id} favourite={favourite} />
      <ReportProblem reasons={reportReasonsFor(definition)} reporting={reporting} onOpen={openReport} onClose={() => setReporting(null)} onReport={report} />
    </section>
    </OpenImageContext.Provider>
  );
}

/** How long the note that a stray tap was ignored stays. */
const BRIEF_NOTE_MS = 3000;

/**
 * A note shown for a moment each time `show` is called (a stray tap ignored): how many times it was shown meanwhile
 * (0: not shown), and `show`. It goes sooner once a later tap or key is taken: the volunteer is at work again (an ignored
 * tap never bubbles to the document).
 */
function useBriefNote(): [number, () => void] {
  const [shown, setShown] = useState(0);
  useEffect(() => {
    if (!shown) return;
    const hide = () => setShown(0);
    const timer = setTimeout(hide, BRIEF_NOTE_MS);
    document.addEventListener('click', hide);
    document.addEventListener('keydown', hide);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('click', hide);
      document.removeEventListener('keydown', hide);
    };
  }, [shown]);
  const show = useCallback(() => setShown((n) => n + 1), []);
  return [shown, show];
}
