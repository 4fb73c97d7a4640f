import type { TaskFeedback } from '@chorus/client';
import { type Annotation, type Task, type WorkflowDefinition, annotationSchemaFor, flatKnownAnswerOf, givesKnownAnswer, knownAnswerOf, reachableTasks } from '@chorus/tasks';

/**
 * The known answers of a gold-standard subject that the workflow cannot use, with what is wrong: an answer its task
 * cannot take (one the task does not offer, a value of another kind), or, when the subject names none of the
 * workflow's tasks, every key it names (it would be gold standard there with nothing to compare: never retired by a
 * count, never any feedback), or a known answer for a task that another known answer branches away from (no
 * volunteer answering as known would be asked it). Known answers for other workflows' tasks are otherwise not this
 * one's business.
 */
export function unreadableKnownAnswers(definition: WorkflowDefinition, goldStandard: Record<string, unknown>): { task: string; problem: string }[] {
  const keys = Object.keys(goldStandard);
  if (!keys.some((key) => Object.hasOwn(definition.tasks, key))) {
    const tasks = Object.keys(definition.tasks).map((key) => `"${key}"`).join(', ');
    const problem = `names no task of the workflow (its tasks are ${tasks}; task keys are case-sensitive), and a gold-standard subject needs a known answer for one of the tasks of every workflow it is in`;
    return keys.map((task) => ({ task, problem }));
  }
  const known = new Map<string, unknown>();
  const unreadable = Object.entries(goldStandard).flatMap(([key, gold]) => {
    if (!Object.hasOwn(definition.tasks, key)) return [];
    const task = definition.tasks[key]!;
    const parsed = annotationSchemaFor(task).safeParse(knownAnswerOf(task, gold));
    if (parsed.success) known.set(key, parsed.data);
    return parsed.success ? [] : [{ task: key, problem: `is not an answer task "${key}" can take: ${parsed.error.issues[0]?.message ?? 'it is not an answer of the task'}` }];
  });
  const reached = new Set(reachableTasks(definition, known));
  const branchedAway = [...known.keys()]
    .filter((key) => !reached.has(key))
    .map((task) => ({ task, problem: 'is for a task that a volunteer giving the other known answers never reaches: a known answer before it branches elsewhere' }));
  return [...unreadable, ...branchedAway];
}

/**
 * A known answer as one cell of the consensus download, flattened as volunteers' answers are, in the order the
 * consensus gives a list: a multiple-choice task's answers in the task's order, tags as consensus normalises them
 * (lower case), alphabetically. So a single answer compares with the consensus column beside it as it is, a list as
 * a set (the consensus orders accepted tags by their votes). Null when the task cannot take it (a later version
 * changed the task).
 */
export function flatKnownAnswer(task: Task, gold: unknown): string | null {
  const parsed = annotationSchemaFor(task).safeParse(knownAnswerOf(task, gold));
  return parsed.success ? flatKnownAnswerOf(task, parsed.data) : null;
}

/**
 * Feedback on a gold-standard subject: for every task the volunteer answered and the subject has a known answer
 * for, that answer and whether theirs matches. Computed after the classification is stored, never before.
 */
export function goldFeedback(definition: WorkflowDefinition, annotations: Annotation[], goldStandard: Record<string, unknown>): TaskFeedback[] {
  return annotations.flatMap(({ task: key, value }) => {
    const task = definition.tasks[key];
    if (!task || !Object.hasOwn(goldStandard, key)) return [];
    const expected = knownAnswerOf(task, goldStandard[key]);
    return [{ task: key, expected, correct: givesKnownAnswer(task, value, expected) }];
  });
}
