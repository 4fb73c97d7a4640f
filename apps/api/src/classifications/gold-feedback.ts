import type { TaskFeedback } from '@chorus/client';
import {
  type Annotation,
  LIST_SEPARATOR,
  type Task,
  type TaskType,
  type WorkflowDefinition,
  annotationSchemaFor,
  endorsedTags,
  flatAnswerOf,
  normaliseTag,
  reachableTasks,
  taggingListsOf,
} from '@chorus/tasks';

interface GoldRule {
  /**
   * A subject's `goldStandard[task]` in the task's annotation format. Researchers may write the short forms
   * too: a sense for a close reading, a list of tags for tagging, one value for a multiple-choice task, and for
   * those two a list as the downloads flatten it (`a;b`, as a CSV cell would hold it).
   */
  expected(gold: unknown): unknown;
  /** Whether the volunteer's value gives the known answer. */
  matches(given: unknown, expected: unknown): boolean;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const sameSet = (a: string[], b: string[]) => new Set(a).size === new Set(b).size && a.every((item) => b.includes(item));
const normalisedText = (value: unknown) => (typeof value === 'string' ? value.trim().replace(/\s+/gu, ' ') : '');

const senseOf = (value: unknown) => (value as { sense?: unknown } | null)?.sense;

/** One rule per task type: a new task type cannot be added without saying how its gold answer is compared. */
const goldRules: Record<TaskType, GoldRule> = {
  single: { expected: (gold) => gold, matches: (given, expected) => given === expected },
  multiple: {
    expected: (gold) => (typeof gold === 'string' ? gold.split(LIST_SEPARATOR) : gold),
    matches: (given, expected) => sameSet(strings(given), strings(expected)),
  },
  transcription: { expected: (gold) => gold, matches: (given, expected) => normalisedText(given) === normalisedText(expected) },
  'close-reading': {
    expected: (gold) => (typeof gold === 'string' ? { sense: gold } : gold),
    matches: (given, expected) => senseOf(given) !== undefined && senseOf(given) === senseOf(expected),
  },
  tagging: {
    expected: (gold) => {
      const tags = typeof gold === 'string' ? gold.split(LIST_SEPARATOR) : gold;
      return Array.isArray(tags) ? { add: tags, up: [], down: [] } : tags;
    },
    // Open tagging: more tags than the experts gave are not wrong; missing one of theirs is, and so is applying one they
    // rejected; none known, none given.
    matches: (given, expected) => {
      const [known, applied] = [endorsedTags(taggingListsOf(expected)), endorsedTags(taggingListsOf(given))];
      const rejected = taggingListsOf(expected).down.map(normaliseTag);
      if (rejected.some((tag) => applied.has(tag))) return false;
      return known.size ? [...known].every((tag) => applied.has(tag)) : applied.size === 0;
    },
  },
};

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
    const parsed = annotationSchemaFor(task).safeParse(goldRules[task.type].expected(gold));
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
  const parsed = annotationSchemaFor(task).safeParse(goldRules[task.type].expected(gold));
  if (!parsed.success) return null;
  if (task.type === 'multiple') return task.answers.map((answer) => answer.value).filter((value) => (parsed.data as string[]).includes(value)).join(LIST_SEPARATOR);
  if (task.type === 'tagging') return [...endorsedTags(taggingListsOf(parsed.data))].sort().join(LIST_SEPARATOR);
  return flatAnswerOf(task, parsed.data);
}

/**
 * Feedback on a gold-standard subject: for every task the volunteer answered and the subject has a known answer
 * for, that answer and whether theirs matches. Computed after the classification is stored, never before.
 */
export function goldFeedback(definition: WorkflowDefinition, annotations: Annotation[], goldStandard: Record<string, unknown>): TaskFeedback[] {
  return annotations.flatMap(({ task: key, value }) => {
    const task = definition.tasks[key];
    if (!task || !Object.hasOwn(goldStandard, key)) return [];
    const rule = goldRules[task.type];
    const expected = rule.expected(goldStandard[key]);
    return [{ task: key, expected, correct: rule.matches(value, expected) }];
  });
}
