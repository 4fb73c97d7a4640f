import type { QueuedSubject, WorkflowView } from '@chorus/client';
import { type Annotation, annotationSchemaFor, nextCandidatesOf, nextTaskOf, validateAnnotations } from '@chorus/tasks';
import { type FormEvent, useId, useLayoutEffect, useRef, useState } from 'react';
import type { Problem } from '../lib/errors';
import { newIdempotencyKey } from '../lib/ids';
import { hasModifier, hasOwnEnterAction } from '../lib/keyboard';
import { componentFor } from '../tasks/registry';
import { TaskView } from '../tasks/TaskView';
import { SubjectMedia } from './SubjectMedia';

export interface Submission {
  subject: QueuedSubject;
  annotations: Annotation[];
  startedAt: string;
  idempotencyKey: string;
}

interface Props {
  subject: QueuedSubject;
  workflow: WorkflowView;
  /** Stores the classification; resolves false when it failed (the problem has been shown). */
  onSubmit(submission: Submission): Promise<boolean>;
  onProblem(problem: Problem | null): void;
}

/**
 * One subject and the workflow's tasks, from `firstTask` along the branches the answers choose. Mount it
 * with `key={subject.id}`: its state (answers, start time, idempotency key) belongs to one subject.
 */
export function SubjectClassifier({ subject, workflow, onSubmit, onProblem }: Props) {
  const definition = workflow.definition;
  const [taskKey, setTaskKey] = useState(definition.firstTask);
  /** Answers to the tasks before the current one, in order. */
  const [answered, setAnswered] = useState<Annotation[]>([]);
  const [value, setValue] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const [startedAt] = useState(() => new Date().toISOString());
  // One key per subject: retrying after a failure (even one where the server did store it) never stores it twice.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const id = useId();
  const sectionRef = useRef<HTMLElement>(null);
  const taskRef = useRef<HTMLDivElement>(null);
  const mounted = useRef(false);

  const task = definition.tasks[taskKey];
  const supported = task !== undefined && componentFor(task) !== undefined;
  const parsed = task ? annotationSchemaFor(task).safeParse(value) : undefined;
  const endsHere = task ? (parsed?.success ? nextTaskOf(task, parsed.data) === undefined : nextCandidatesOf(task).length === 0) : true;

  async function proceed() {
    if (submitting) return;
    onProblem(null);
    if (!task) {
      onProblem({ detail: `This workflow has no task "${taskKey}". Please tell the project team.`, fields: [] });
      return;
    }
    if (!supported) {
      onProblem({ detail: 'This task type is not supported yet, so this subject cannot be classified here.', fields: [] });
      return;
    }
    const result = annotationSchemaFor(task).safeParse(value);
    if (!result.success) {
      const detail = value === undefined ? 'Choose an answer before continuing.' : (result.error.issues[0]?.message ?? 'This answer is not valid.');
      onProblem({ detail, fields: [] });
      return;
    }
    const annotation: Annotation = { task: taskKey, value: result.data };
    const next = nextTaskOf(task, result.data);
    if (next !== undefined) {
      setAnswered([...answered, annotation]);
      setTaskKey(next);
      setValue(undefined);
      return;
    }
    const checked = validateAnnotations(definition, [...answered, annotation]);
    if (!checked.ok) {
      onProblem({ detail: 'These answers do not fit this workflow.', fields: checked.errors.map((error) => `${error.pointer}: ${error.message}`) });
      return;
    }
    setSubmitting(true);
    const stored = await onSubmit({ subject, annotations: checked.value, startedAt, idempotencyKey });
    // On success this component is replaced by the next subject; on failure the volunteer can try again.
    if (!stored && mounted.current) setSubmitting(false);
  }

  function back() {
    const previous = answered[answered.length - 1];
    if (!previous || submitting) return;
    onProblem(null);
    setAnswered(answered.slice(0, -1));
    setTaskKey(previous.task);
    setValue(previous.value);
  }

  const proceedRef = useRef(proceed);
  proceedRef.current = proceed;

  // Enter continues from anywhere on the page, unless the focused control has its own use for it. Layout
  // effects here (and for focus below) run before the browser paints the subject or handles another key.
  useLayoutEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || event.defaultPrevented || event.isComposing || event.shiftKey || hasModifier(event)) return;
      if (hasOwnEnterAction(event.target)) return;
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

  // Focus the first control of each task: on a new subject, without scrolling past the subject itself.
  const firstTask = useRef(true);
  useLayoutEffect(() => {
    const control = taskRef.current?.querySelector<HTMLElement>('input:not([type="hidden"]), textarea, select, button');
    if (firstTask.current) {
      firstTask.current = false;
      control?.focus({ preventScroll: true });
      const section = sectionRef.current;
      if (section && section.getBoundingClientRect().top < 0) section.scrollIntoView({ block: 'start' });
    } else {
      control?.focus();
    }
  }, [taskKey]);

  const onFormSubmit = (event: FormEvent) => {
    event.preventDefault();
    void proceed();
  };

  return (
    <section ref={sectionRef} className="classify" data-testid="subject" data-subject-id={subject.id} aria-labelledby={`${id}-subject`}>
      <div className="subject-panel">
        <h2 id={`${id}-subject`} className="visually-hidden">
          Subject{subject.externalId ? ` ${subject.externalId}` : ''}
        </h2>
        <SubjectMedia locations={subject.locations} />
      </div>
      <form className="task-panel" onSubmit={onFormSubmit} aria-busy={submitting} aria-label="Tasks" noValidate>
        <div ref={taskRef} data-task={taskKey}>
          {task ? (
            <TaskView task={task} id={`${id}-${taskKey}`} value={value} onChange={setValue} disabled={submitting} />
          ) : (
            <p className="task-unsupported">This workflow has no task “{taskKey}”.</p>
          )}
        </div>
        <div className="task-actions">
          {answered.length > 0 && (
            <button type="button" className="button button-secondary" onClick={back}>
              Back
            </button>
          )}
          <button type="submit" className="button button-primary" aria-disabled={!supported || submitting || undefined}>
            {submitting ? 'Submitting…' : endsHere ? 'Done' : 'Next'}
          </button>
        </div>
      </form>
    </section>
  );
}
