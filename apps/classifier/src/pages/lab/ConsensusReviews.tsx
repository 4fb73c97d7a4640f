import { type ConsensusReview, isProblem, type SubjectResultDetail } from '@chorus/client';
import { type FieldFault, type FieldsTask, type Mark, type Task, type WorkflowDefinition, consensusValueOf, fieldFaults, flatAnswerOf, numberAsTyped, sameConsensusAnswer } from '@chorus/tasks';
import { useCallback, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormField, SelectField, TextAreaField } from '../../components/FormField';
import { useClient } from '../../lib/clientContext';
import { describeError, type Problem } from '../../lib/errors';
import { whenInWords } from '../../lib/formats';
import { faultInWords, valuesOf } from '../../tasks/fields/FieldsTask';
import { describeValue, promptOf } from '../../tasks/registry';
import { tasksInOrder } from './SubjectResultParts';
import { type Saying, useSaid } from '../../lib/said';
import { useResearchersLanguage } from '../../lib/textLanguage';
import { countsInWords, explainMarking, marksIn, toolAtFault } from '../../tasks/marking/marks';
import { MarkingCorrection } from './MarkingCorrection';

/**
 * A researcher's or a reviewer's review of each task's consensus for the subject (as ALICE does for Zooniverse
 * transcriptions, and Concordia's reviewers): its state, and approving the consensus answer shown, correcting it (a transcription's
 * text, a single choice's answer, a fields task's values, a marking task's marks on the image) or undoing the review (`mayUndo`: a reviewer, their own only). Tasks of the current
 * version with a consensus only: a review is checked against the current version. An approval of an answer the
 * consensus no longer has is refused: `readAgain` reads the subject's results again, to show the consensus now.
 */
export function ConsensusReviews({
  workflowId,
  subject,
  current,
  name,
  mayUndo,
  readAgain,
}: { workflowId: string; subject: SubjectResultDetail; current: WorkflowDefinition; name: string; mayUndo: (review: ConsensusReview) => boolean; readAgain: () => void }) {
  const { t } = useTranslation();
  const [reviews, setReviews] = useState(subject.reviews);
  // Read again (after an approval refused as the consensus changed): the reviews too, others' made meanwhile included.
  const [read, setRead] = useState(subject);
  if (read !== subject) {
    setRead(subject);
    setReviews(subject.reviews);
  }
  const tasks = tasksInOrder(subject.consensus).filter(([task]) => Object.hasOwn(current.tasks, task));
  if (!tasks.length) return null;
  return (
    <section className="lab-section" aria-labelledby="lab-result-reviews-heading" data-testid="lab-result-reviews">
      <h2 id="lab-result-reviews-heading">{t('lab.review.title')}</h2>
      <p>{t('lab.review.lead', { name })}</p>
      {tasks.map(([task, consensus]) => (
        <TaskReview
          key={task}
          workflowId={workflowId}
          subjectId={subject.id}
          task={task}
          definition={current.tasks[task]!}
          subject={subject}
          consensusAnswer={consensus?.answer ?? null}
          consensusResult={consensus?.result}
          consensusVotes={consensus?.votes ?? 0}
          review={reviews[task]}
          mayUndo={mayUndo}
          readAgain={readAgain}
          onChange={(review) => setReviews(({ [task]: _, ...others }) => (review ? { ...others, [task]: review } : others))}
        />
      ))}
    </section>
  );
}

/** A review undone: none any more. */
const undone = async (undoing: Promise<void>): Promise<null> => {
  await undoing;
  return null;
};

/**
 * What a corrected value starts as: the correction, else the consensus answer as a volunteer's value gives it (a single
 * choice's value, a text, a marking task's marks), as the task now asks it: a fields task's a string for each of its fields, blank for one
 * added since or a choice no longer offered (the API takes only such an object); else nothing.
 */
function startingValue(definition: Task, review: ConsensusReview | undefined, consensusAnswer: string | null, language: string | undefined): unknown {
  const given = review?.state === 'corrected' ? review.value : consensusAnswer === null ? undefined : consensusValueOf(definition, consensusAnswer);
  if (definition.type === 'marking') return Array.isArray(given) ? given : [];
  if (definition.type !== 'fields') return typeof given === 'string' ? given : '';
  const values = valuesOf(definition, typeof given === 'object' ? given : undefined);
  // A number as the project's language writes it ("12,5" in French), as it is corrected there, and read back so.
  return Object.fromEntries(definition.fields.map(({ key, kind, choices }) => [key, kind === 'choice' && !choices?.includes(values[key]!) ? '' : kind === 'number' ? numberAsTyped(values[key]!, language) : values[key]]));
}

/** Whether a corrected value is still what it started as: nothing the researcher changed would be lost in replacing it. */
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether two consensus answers of the task (null: none) are the same answer, a set's parts in any order. */
const sameAnswer = (definition: Task, a: string | null, b: string | null) => a === b || (a !== null && b !== null && sameConsensusAnswer(definition, a, b));

function TaskReview({
  workflowId,
  subjectId,
  task,
  definition,
  subject,
  consensusAnswer,
  consensusResult,
  consensusVotes,
  review,
  mayUndo,
  readAgain,
  onChange,
}: {
  workflowId: string;
  subjectId: string;
  task: string;
  definition: Task;
  subject: SubjectResultDetail;
  consensusAnswer: string | null;
  consensusResult: Record<string, unknown> | undefined;
  consensusVotes: number;
  review: ConsensusReview | undefined;
  mayUndo: (review: ConsensusReview) => boolean;
  readAgain: () => void;
  onChange: (review: ConsensusReview | null) => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const language = useResearchersLanguage();
  const [value, setValue] = useState(() => startingValue(definition, review, consensusAnswer, language));
  const [problem, setProblem] = useSaid<Problem>();
  const [busy, setBusy] = useState(false);
  /** A fields task's values at fault when a correction was saved: said under each, the first focused, nothing sent. */
  const [faults, setFaults] = useState<ReadonlyMap<string, FieldFault>>(new Map());
  /** A marking task's rectangle begun and not ended, and how often saving its marks was refused here (its tool then focused). */
  const [unfinished, setUnfinished] = useState<Saying<string> | null>(null);
  const [refusals, setRefusals] = useState(0);
  // Stable: the task clears its note when this changes.
  const keepUnfinished = useCallback((note: Saying<string> | null) => setUnfinished(() => note), []);
  const correctable = definition.type === 'transcription' || definition.type === 'single' || definition.type === 'fields' || definition.type === 'marking';
  const id = `lab-review-${task}`;
  /**
   * Where focus goes once a review is given or undone (the button pressed was disabled while it worked, or is gone):
   * the review's state, which says what it is now.
   */
  const stateLine = useRef<HTMLParagraphElement>(null);
  /** The consensus changed since the page read it: said until the next review, with whether a correction begun is kept. */
  const sayChanged = (kept: boolean) =>
    setProblem((t) => ({ detail: kept ? t('lab.review.consensusChangedCorrectionKept', { task }) : t('lab.review.consensusChanged', { task }), fields: [] }));
  /**
   * What the correction started as: the subject's results, the consensus answer and the review it was read from. Read
   * again (after an approval refused as the consensus changed), the correction starts again from them unless the
   * researcher changed it, and a consensus answer that is another (not the same set in another order) is said so.
   */
  const [started, setStarted] = useState({ subject, answer: consensusAnswer, review });
  /** An approval was refused as the consensus changed: the results being read again say whether it is another now. */
  const [refused, setRefused] = useState(false);
  if (started.subject !== subject || started.review !== review) {
    setStarted({ subject, answer: consensusAnswer, review });
    if (started.subject !== subject) {
      const kept = !sameValue(value, startingValue(definition, started.review, started.answer, language));
      if (!kept) setValue(startingValue(definition, review, consensusAnswer, language));
      if (!sameAnswer(definition, started.answer, consensusAnswer)) sayChanged(kept);
      else if (refused) setProblem((t) => ({ detail: t('lab.review.consensusChangedBack', { task }), fields: [] }));
      setRefused(false);
    }
  }

  /** Shows the review a call (`working`) gave, or none once undone (null); its problem if it failed. Whether it worked. */
  const act = async (working: Promise<ConsensusReview | null>): Promise<boolean> => {
    setProblem(null);
    setBusy(true);
    try {
      onChange(await working);
      return true;
    } catch (error) {
      if (isProblem(error, 'consensus-changed', 409)) {
        setRefused(true);
        readAgain();
      } else setProblem(() => describeError(error));
      return false;
    } finally {
      setBusy(false);
      stateLine.current?.focus();
    }
  };
  // Marks being edited are set aside by an approval: those shown are then the consensus's, which it approved.
  const approve = async () => {
    if (consensusAnswer === null) return;
    if ((await act(client.approveConsensus(workflowId, subjectId, task, consensusAnswer))) && definition.type === 'marking') setValue(startingValue(definition, undefined, consensusAnswer, language));
  };
  const correct = async () => {
    if (definition.type === 'marking' && refuseMarks(definition)) return;
    if (definition.type === 'fields') {
      const found = fieldFaults(definition, value as Record<string, string>, language);
      setFaults(found);
      const first = definition.fields.find((field) => found.has(field.key));
      if (first) {
        document.getElementById(`${id}-field-${first.key}`)?.focus();
        return;
      }
    }
    await act(client.reviewConsensus(workflowId, subjectId, task, value));
  };
  const undo = () => act(undone(client.undoReview(workflowId, subjectId, task)));
  /** Marks the task refuses (a tool's count out of its limits, a rectangle not ended): said, its tool focused, nothing sent. */
  const refuseMarks = (marking: Extract<Task, { type: 'marking' }>): boolean => {
    const said = unfinished ?? (toolAtFault(marking, value as Mark[]) ? (t: TFunction) => explainMarking(marking, undefined, t, value) ?? '' : null);
    setProblem(said && ((t) => ({ detail: said(t), fields: [] })));
    if (said) setRefusals((count) => count + 1);
    return said !== null;
  };

  return (
    <fieldset className="lab-review" data-task={task} aria-busy={busy} aria-describedby={definition.type === 'marking' ? `${id}-marking-hint` : undefined}>
      <legend>{t('lab.result.taskNamed', { task, prompt: promptOf(definition) })}</legend>
      <p className="lab-transcription-text" role="status" data-testid={`${id}-state`} tabIndex={-1} ref={stateLine}>
        <ReviewState review={review} definition={definition} />
      </p>
      {definition.type === 'transcription' && (
        <TextAreaField id={`${id}-text`} label={t('lab.review.correctedText', { task })} hint={t('lab.review.correctedTextHint')} rows={4} value={String(value)} onChange={(event) => setValue(event.target.value)} />
      )}
      {definition.type === 'single' && (
        <SelectField id={`${id}-answer`} label={t('lab.review.correctedAnswer', { task })} value={String(value)} onChange={(event) => setValue(event.target.value)}>
          <option value="" disabled>
            {t('lab.review.chooseAnswer')}
          </option>
          {definition.answers.map((answer) => (
            <option key={answer.value} value={answer.value}>
              {answer.label}
            </option>
          ))}
        </SelectField>
      )}
      {definition.type === 'fields' && <FieldsCorrection id={id} task={definition} values={value as Record<string, string>} faults={faults} onChange={setValue} />}
      {definition.type === 'marking' && (
        <MarkingCorrection
          id={`${id}-marking`}
          task={definition}
          taskKey={task}
          workflowId={workflowId}
          subject={subject}
          marks={value as Mark[]}
          from={review?.state === 'corrected' ? 'correction' : consensusAnswer === null ? 'nothing' : 'consensus'}
          result={consensusResult}
          votes={consensusVotes}
          onChange={setValue}
          setUnfinished={keepUnfinished}
          disabled={busy}
          refusals={refusals}
        />
      )}
      <div className="button-row">
        <button type="button" className="button button-primary" disabled={busy || consensusAnswer === null} onClick={() => void approve()}>
          {t('lab.review.approve')}
        </button>
        {correctable && (
          <button type="button" className="button button-secondary" disabled={busy || value === ''} onClick={() => void correct()}>
            {t('lab.review.saveCorrection')}
          </button>
        )}
        {review && mayUndo(review) && (
          <button type="button" className="button button-secondary" disabled={busy} onClick={() => void undo()}>
            {t('lab.review.undo')}
          </button>
        )}
      </div>
      <ErrorAlert problem={problem} />
    </fieldset>
  );
}

/** Not reviewed yet, or approved (and whether its consensus changed since) or corrected, by whom in which role and when. */
function ReviewState({ review, definition }: { review: ConsensusReview | undefined; definition: Task }) {
  const { t } = useTranslation();
  if (!review) return <>{t('lab.review.notReviewed')}</>;
  const { name, memberId, role } = review.reviewedBy;
  // Another reviewer's review, to a reviewer: by role only (no id, no name).
  const who = name ?? memberId;
  const by = who === null ? t('lab.review.byAnotherReviewer') : role ? t('lab.review.byInRole', { name: who, role: t(`account.settings.invitations.roles.${role}`) }) : who;
  // A single choice's answer by its label, a fields task's as "label: value", marks counted by tool (there may be
  // hundreds: this line is read out once saved); others as the consensus download writes them.
  const answer =
    definition.type === 'single'
      ? (definition.answers.find((each) => each.value === review.value)?.label ?? String(review.value))
      : definition.type === 'marking'
        ? countsInWords(t, definition, marksIn(review.value))
        : definition.type === 'fields'
          ? describeValue(definition, review.value, t)
          : flatAnswerOf(definition, review.value);
  const words =
    review.state === 'corrected'
      ? t('lab.review.correctedBy', { by, answer })
      : review.consensusChanged
        ? t('lab.review.approvedChangedBy', { by, answer })
        : t('lab.review.approvedBy', { by });
  return (
    <>
      {words}{' '}
      <time dateTime={review.reviewedAt}>{whenInWords(review.reviewedAt)}</time>
    </>
  );
}

/**
 * A fields task's corrected values, one control per field (a choice's a select, blank allowed), each starting as the
 * consensus gave it, a value at fault said under its field in the volunteer's form's words (the API checks them too).
 */
function FieldsCorrection({
  id,
  task,
  values,
  faults,
  onChange,
}: { id: string; task: FieldsTask; values: Record<string, string>; faults: ReadonlyMap<string, FieldFault>; onChange: (values: Record<string, string>) => void }) {
  const { t } = useTranslation();
  const language = useResearchersLanguage();
  return (
    <>
      {task.fields.map((field) => {
        const control = {
          id: `${id}-field-${field.key}`,
          label: t('lab.review.correctedField', { field: field.label }),
          value: values[field.key] ?? '',
          error: faults.has(field.key) ? faultInWords(t, faults.get(field.key)!, field, values[field.key] ?? '', language) : undefined,
          onChange: (event: { target: { value: string } }) => onChange({ ...values, [field.key]: event.target.value }),
        };
        return field.kind === 'choice' ? (
          <SelectField key={field.key} {...control}>
            <option value="">{t('tasks.fields.noChoice')}</option>
            {field.choices?.map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </SelectField>
        ) : (
          <FormField key={field.key} {...control} />
        );
      })}
    </>
  );
}
