import { z } from 'zod';
import { labelSchema, type NextField, singleLine, taskKeySchema } from './common';
import { type FieldError, type Validated, validateWith } from './pointer';
import { type Task, answerNamedProblemOf, asConsensusWrites, columnPartOf, consensusAnswersOf, nextCandidatesOf, nextFieldsOf, nextTaskOf, sentNextFieldsOf, taskSchema } from './registry';
import { type RetirementRule, effectSchema, retirementRuleSchema, selectionRuleSchema } from './rules';
import { singleAlgorithm } from './single/single';

/** One step of a workflow's tutorial, written by its researchers: a title and a body in markdown. */
export const tutorialStepSchema = z.strictObject({
  title: singleLine(labelSchema),
  body: z.string().trim().min(1).max(20_000),
});
export type TutorialStep = z.infer<typeof tutorialStepSchema>;

/** The downloads' columns of a task, `<key>_<field>`: the consensus download has all of them, the raw one `answer`. */
export const TASK_COLUMN_FIELDS = ['answer', 'reached', 'agreement', 'votes', 'against_plurality', 'algorithm', 'workflow_version', 'known_answer', 'result'] as const;
export type TaskColumnField = (typeof TASK_COLUMN_FIELDS)[number];
/**
 * The consensus download's columns of a task after every task's `TASK_COLUMN_FIELDS` (added later, so that the columns
 * before them keep their places): why the answer is what it is, (multiple choice and tagging only) each choice's
 * support, a researcher's review of it, whether it needs checking, and whether an approval's consensus changed since.
 */
export const TASK_TRAILING_COLUMN_FIELDS = ['outcome', 'support', 'reviewed', 'reviewed_answer', 'needs_checking', 'consensus_changed'] as const;
export type TaskTrailingColumnField = (typeof TASK_TRAILING_COLUMN_FIELDS)[number];

/** A task's columns in the downloads, as spreadsheets and SQL without quotes read their names (case aside). */
const columnsOf = (key: string) => [...TASK_COLUMN_FIELDS, ...TASK_TRAILING_COLUMN_FIELDS].map((field) => `${key}_${field}`);

/**
 * Task keys by the download columns they make (lower-cased), to find in one look per column a key that would make the
 * same column as another (task `A`'s known answer and task `A_known`'s answer are both `A_known_answer`: one would
 * overwrite the other).
 */
export class TaskColumns {
  private readonly owners = new Map<string, string>();

  constructor(keys: Iterable<string> = []) {
    for (const key of keys) this.add(key);
  }

  add(key: string): void {
    for (const column of columnsOf(key)) if (!this.owners.has(column.toLowerCase())) this.owners.set(column.toLowerCase(), key);
  }

  /** A key, differing from `key` beyond case, that makes one of its columns too, with that column as `key` names it. */
  clashWith(key: string): { other: string; column: string } | undefined {
    for (const column of columnsOf(key)) {
      const other = this.owners.get(column.toLowerCase());
      if (other !== undefined && other.toLowerCase() !== key.toLowerCase()) return { other, column };
    }
    return undefined;
  }
}

/**
 * Task keys name the downloads' columns (`T0_answer`): two that differ only in case (`T0`, `t0`) would be one column
 * in a spreadsheet's lookups and in SQL without quotes, and two that make the same column would overwrite each other.
 */
function keysWhoseColumnsClash(tasks: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  const columns = new TaskColumns();
  for (const key of Object.keys(tasks)) {
    const earlier = seen.get(key.toLowerCase());
    if (earlier) {
      ctx.addIssue({ code: 'custom', path: [key], message: `differs from task "${earlier}" only in case: the downloads' columns would clash; give it another key` });
      continue;
    }
    const clash = columns.clashWith(key);
    if (clash) ctx.addIssue({ code: 'custom', path: [key], message: columnClash(clash) });
    // A fields task's columns are `<key>.<field>`, a marking task's `<key>.<tool>`, as the subjects' metadata columns are `metadata.<name>`.
    const type = (tasks[key] as { type?: unknown }).type;
    const part = columnPartOf(type);
    if (key.toLowerCase() === 'metadata' && part) {
      ctx.addIssue({ code: 'custom', path: [key], message: `would make the consensus download's columns "${key}.<${part}>", as the subjects' metadata columns are named; give the ${type} task another key` });
    }
    seen.set(key.toLowerCase(), key);
    columns.add(key);
  }
}

/** Why a key that makes `column`, as task `other` does, cannot be used beside it. */
export function columnClash({ other, column }: { other: string; column: string }): string {
  return `would make the downloads' column "${column}", which task "${other}" makes too (one would overwrite the other); give it another key`;
}

/** Far more than a volunteer would answer for one subject; what the graph checks and the classifier walk stays small. */
export const MOST_TASKS = 100;

/** A workflow's name, kept in `workflows.name` (varchar 200) too. */
export const WORKFLOW_NAME_LENGTH = 200;

export const workflowDefinitionSchema = z.strictObject({
  name: singleLine(z.string().trim().min(1).max(WORKFLOW_NAME_LENGTH)),
  firstTask: taskKeySchema,
  tasks: z
    .record(taskKeySchema, taskSchema)
    .refine((tasks) => Object.keys(tasks).length > 0, 'a workflow needs at least one task')
    .refine((tasks) => Object.keys(tasks).length <= MOST_TASKS, `a workflow may have at most ${MOST_TASKS} tasks; split it into workflows that hand subjects on (effects)`)
    .superRefine(keysWhoseColumnsClash),
  retirement: retirementRuleSchema.default({ rule: 'count', count: 5 }),
  selection: selectionRuleSchema.default({ order: 'random', goldStandardRate: 0 }),
  effects: z.array(effectSchema).max(50).default([]),
  /** Shown to a volunteer on their first visit; without it the classifier makes one from the tasks' help. */
  tutorial: z.array(tutorialStepSchema).min(1, 'a tutorial needs at least one step; leave it out for the generated one').max(20).optional(),
  /**
   * After a gold-standard subject, tell the volunteer how their answers compare with the known ones. Absent means
   * false (not a default, so that versions stored before this field existed stay equal to their re-submission).
   */
  feedback: z.boolean().optional(),
});
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;

/**
 * The fields a definition may leave out for a default (retirement, selection, effects: those the schema gives one). A
 * new workflow takes the default; an update keeps the workflow's current value (`withCurrentValues`), so that a
 * definition sent to reword a question changes no rule. A field sent is taken whole, as written.
 */
export const KEPT_WHEN_LEFT_OUT = Object.entries(workflowDefinitionSchema.shape).flatMap(([field, schema]) => (schema instanceof z.ZodDefault ? [field] : [])) as (keyof WorkflowDefinition)[];

/** The fields of `KEPT_WHEN_LEFT_OUT` that a definition sent to update a workflow leaves out. */
export const keptFields = (sent: Record<string, unknown>) => KEPT_WHEN_LEFT_OUT.filter((field) => sent[field] === undefined);

/** A definition sent to update a workflow, the fields of `KEPT_WHEN_LEFT_OUT` it leaves out taken from `current`. */
export function withCurrentValues(sent: Record<string, unknown>, current: WorkflowDefinition): Record<string, unknown> {
  return { ...sent, ...Object.fromEntries(keptFields(sent).map((field) => [field, current[field]])) };
}

/**
 * The errors of an update at a field it left out (`kept`, from `withCurrentValues`), saying so: the client did not send
 * the retirement rule that names a task it renamed, and is told to send one that names a task of its request.
 */
export function explainKept(errors: FieldError[], kept: readonly string[]): FieldError[] {
  return errors.map((error) => {
    const field = kept.find((name) => error.pointer === `/${name}` || error.pointer.startsWith(`/${name}/`));
    if (!field) return error;
    return { ...error, message: `${error.message}. The request left out "${field}", so it was kept from the current version; send a "${field}" that names one of the request's tasks` };
  });
}

/** The tasks whose answers are weighed by each volunteer's learned skill (`single` tasks reduced with `bayes`). */
export function skillWeightedTasks(definition: WorkflowDefinition): string[] {
  return Object.entries(definition.tasks).flatMap(([key, task]) => (task.type === 'single' && singleAlgorithm(task) === 'bayes' ? [key] : []));
}
export type WorkflowDefinitionInput = z.input<typeof workflowDefinitionSchema>;

/** Unknown `next`, cycles and unreachable tasks, each named by the pointer of the field at fault. */
export function checkWorkflowGraph(definition: WorkflowDefinition, base = ''): FieldError[] {
  const { tasks, firstTask } = definition;
  if (!tasks[firstTask]) return [unknownFirstTask(Object.keys(tasks), base)];
  const errors = unknownNextErrors(tasks, new Set(Object.keys(tasks)), base, nextFieldsOf);
  if (errors.length) return errors;
  return [...cycleErrors(definition, base), ...unreachableErrors(definition, base)];
}

const unknownFirstTask = (keys: string[], base: string): FieldError => ({ pointer: `${base}/firstTask`, message: `names no task; the tasks are ${keys.join(', ')}` });

/** Each `next` task `key` names, with the pointer of the field that names it (a single choice's, per answer). */
function nextPointersOf<T>(key: string, task: T, base: string, fieldsOf: (task: T) => NextField[]): { pointer: string; next: string | undefined }[] {
  return fieldsOf(task).map(({ path, next }) => ({ pointer: `${base}/tasks/${key}${path}`, next }));
}

/** Each `next` of `tasks` that names none of `keys`, the workflow's task keys. */
function unknownNextErrors<T>(tasks: Record<string, T>, keys: ReadonlySet<string>, base: string, fieldsOf: (task: T) => NextField[]): FieldError[] {
  return Object.entries(tasks).flatMap(([key, task]) =>
    nextPointersOf(key, task, base, fieldsOf).flatMap(({ pointer, next }) => (next !== undefined && !keys.has(next) ? [{ pointer, message: `"${next}" is not a task of this workflow` }] : [])),
  );
}

/**
 * What can be told of a definition's references while other fields are invalid, so that a researcher fixes both in
 * one go: a `firstTask`, or a `next` of any task (valid or not), that names no task. Loops and unreachable tasks wait
 * for a definition whose every task is valid.
 */
function referenceErrorsOfInvalid(input: unknown, base: string, schemaErrors: FieldError[]): FieldError[] {
  if (typeof input !== 'object' || input === null) return [];
  const { tasks, firstTask } = input as { tasks?: unknown; firstTask?: unknown };
  if (typeof tasks !== 'object' || tasks === null || Array.isArray(tasks)) return [];
  const keys = new Set(Object.keys(tasks));
  const errors = unknownNextErrors(tasks as Record<string, unknown>, keys, base, sentNextFieldsOf);
  if (typeof firstTask === 'string' && keys.size && !keys.has(firstTask)) {
    errors.unshift(unknownFirstTask([...keys], base));
  }
  const reported = new Set(schemaErrors.map((error) => error.pointer));
  return errors.filter((error) => !reported.has(error.pointer));
}

function cycleErrors({ tasks, firstTask }: WorkflowDefinition, base: string): FieldError[] {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (key: string, path: string[]): FieldError | undefined => {
    if (state.get(key) === 'done') return undefined;
    if (state.get(key) === 'open') {
      const cycle = [...path.slice(path.indexOf(key)), key].join(' → ');
      // Named at the `next` that closes the loop, where the researcher changes it.
      const last = path[path.length - 1]!;
      const closing = nextPointersOf(last, tasks[last]!, base, nextFieldsOf).find(({ next }) => next === key)?.pointer ?? `${base}/tasks/${last}`;
      return { pointer: closing, message: `leads back to an earlier task (${cycle}); workflows must not loop` };
    }
    state.set(key, 'open');
    for (const next of nextCandidatesOf(tasks[key]!)) {
      const error = visit(next, [...path, key]);
      if (error) return error;
    }
    state.set(key, 'done');
    return undefined;
  };
  const error = visit(firstTask, []);
  return error ? [error] : [];
}

function unreachableErrors(definition: WorkflowDefinition, base: string): FieldError[] {
  const reached = new Set(reachableTasks(definition));
  return Object.keys(definition.tasks)
    .filter((key) => !reached.has(key))
    .map((key) => ({ pointer: `${base}/tasks/${key}`, message: `cannot be reached from firstTask "${definition.firstTask}"` }));
}

/**
 * The keys of the tasks reached from `firstTask` along every branch, each once, nearest first; unknown keys are
 * skipped. Where `answers` holds a task's answer, only the branch that answer takes is followed.
 */
export function reachableTasks({ tasks, firstTask }: Pick<WorkflowDefinition, 'tasks' | 'firstTask'>, answers: ReadonlyMap<string, unknown> = new Map()): string[] {
  const reached = new Set<string>();
  const waiting = [firstTask];
  while (waiting.length) {
    const key = waiting.shift()!;
    const task = tasks[key];
    if (!task || reached.has(key)) continue;
    reached.add(key);
    const next = answers.has(key) ? [nextTaskOf(task, answers.get(key))].filter((candidate) => candidate !== undefined) : nextCandidatesOf(task);
    waiting.push(...next);
  }
  return [...reached];
}

/**
 * Why a task is off the consensus path: `task` is the last task on the path it could still be reached from, a branching
 * question whose consensus `answer` led elsewhere; `answer` null means that question has no consensus answer yet (a tie,
 * or no votes), so the tasks behind it wait until it has one.
 */
export interface NotReached {
  task: string;
  answer: string | null;
}

/** Whether a task's answers lead to different next tasks (an answer without `next` ends the workflow). */
const branches = (task: Task): boolean => new Set(nextFieldsOf(task).map(({ next }) => next)).size > 1;

/**
 * The tasks the crowd's answers do not lead to, each with why: from `firstTask`, each task's consensus answer
 * (`answerOf`, asked only of branching tasks on the way) picks the next task, as one volunteer's answer does, so the
 * consensus path is one chain. A branching task without a consensus answer leaves the tasks on its branches unreached
 * until it has one, and the chain goes on where its branches meet (a task every answer leads to), if they do; a task
 * whose answers all lead to the same task does not branch, whatever its consensus.
 */
export function tasksNotReached({ tasks, firstTask }: WorkflowDefinition, answerOf: (task: string) => string | null): Map<string, NotReached> {
  const path: string[] = [];
  const answers = new Map<string, string | null>();
  for (let key: string | undefined = firstTask; key !== undefined && tasks[key] && !path.includes(key); ) {
    const task: Task = tasks[key]!;
    path.push(key);
    if (!branches(task)) {
      key = nextCandidatesOf(task)[0];
      continue;
    }
    const answer = answerOf(key);
    answers.set(key, answer);
    key = answer === null ? whereBranchesMeet(tasks, task) : nextTaskOf(task, answer);
  }
  const notReached = new Map<string, NotReached>();
  // The last task of the path each task could still be reached from is the one that led elsewhere: walk it backwards.
  for (const [key, answer] of [...answers].reverse()) {
    for (const reachable of reachableTasks({ tasks, firstTask: key })) {
      if (!path.includes(reachable) && !notReached.has(reachable)) notReached.set(reachable, { task: key, answer });
    }
  }
  return notReached;
}

/**
 * The nearest task every answer of a branching task leads to, whichever the crowd settles on; undefined when an answer
 * ends the workflow or the branches never meet.
 */
function whereBranchesMeet(tasks: WorkflowDefinition['tasks'], task: Task): string | undefined {
  const nexts = nextFieldsOf(task).map(({ next }) => next);
  if (nexts.some((next) => next === undefined)) return undefined;
  const [first, ...others] = nexts.map((next) => reachableTasks({ tasks, firstTask: next! }));
  const alsoReached = others.map((reached) => new Set(reached));
  return first!.find((key) => alsoReached.every((reached) => reached.has(key)));
}

/** The most tasks a volunteer can answer for one subject: the longest path from `firstTask` (a loop is not followed). */
export function mostTasksPerSubject({ tasks, firstTask }: WorkflowDefinition): number {
  const most = new Map<string, number>();
  const onPath = new Set<string>();
  const from = (key: string): number => {
    const task = tasks[key];
    if (!task || onPath.has(key)) return 0;
    if (!most.has(key)) {
      onPath.add(key);
      most.set(key, 1 + Math.max(0, ...nextCandidatesOf(task).map(from)));
      onPath.delete(key);
    }
    return most.get(key)!;
  };
  return from(firstTask);
}

/**
 * Also checks what retirement rules and effects name: their tasks exist, a posterior rule tracks an answer of a
 * single-choice task (the only kind whose consensus has a posterior), and an answer named (a posterior's, an agreement
 * rule's, an effect's) is one the task's consensus can settle on. Otherwise a rule or effect could never fire.
 */
function ruleTaskErrors(definition: WorkflowDefinition, base: string): FieldError[] {
  const errors: FieldError[] = [];
  const taskAt = (key: string, pointer: string) => {
    const task = definition.tasks[key];
    if (!task) errors.push({ pointer, message: `"${key}" is not a task of this workflow` });
    return task;
  };
  const checkAnswer = (key: string, answer: string | undefined, pointer: string) => {
    if (answer === undefined) return;
    const task = definition.tasks[key]!;
    const unnamed = answerNamedProblemOf(task, key);
    if (unnamed) {
      errors.push({ pointer, message: unnamed });
      return;
    }
    const answers = consensusAnswersOf(task);
    if (answers && !answers.some((offered) => asConsensusWrites(task, offered) === asConsensusWrites(task, answer))) {
      errors.push({ pointer, message: `must be one of the answers of task ${key}: ${answers.map((a) => `"${a}"`).join(', ')}` });
    }
  };
  const walk = (rule: WorkflowDefinition['retirement'], pointer: string) => {
    if (rule.rule === 'any') {
      for (const [index, inner] of rule.rules.entries()) walk(inner, `${pointer}/rules/${index}`);
      return;
    }
    if (rule.rule === 'count') return;
    const task = taskAt(rule.task, `${pointer}/task`);
    if (!task) return;
    if (rule.rule === 'agreement') return checkAnswer(rule.task, rule.answer, `${pointer}/answer`);
    if (task.type === 'single') checkAnswer(rule.task, rule.answer, `${pointer}/answer`);
    else errors.push({ pointer: `${pointer}/task`, message: `must be a single-choice task: a posterior rule tracks the probability of one of its answers, and "${rule.task}" is a ${task.type} task` });
  };
  walk(definition.retirement, `${base}/retirement`);
  definition.effects.forEach((effect, index) => {
    if (taskAt(effect.when.task, `${base}/effects/${index}/when/task`)) checkAnswer(effect.when.task, effect.when.answer, `${base}/effects/${index}/when/answer`);
  });
  return errors;
}

/**
 * What a valid definition may not do as its researcher means it, said when it is saved: a retirement rule on a task
 * that volunteers can finish the workflow without reaching (the question after "yes"), which never retires a subject
 * that everyone answered the other way; unless another rule of its `any` does (a count, or a rule on a task every
 * volunteer answers); and an image in the tutorial or a task's help without a description (alt text).
 */
export function definitionWarnings(definition: WorkflowDefinition): FieldError[] {
  const warnings: FieldError[] = [];
  const reachesEveryone = (rule: WorkflowDefinition['retirement']): boolean =>
    rule.rule === 'count' || (rule.rule === 'any' ? rule.rules.some(reachesEveryone) : !canFinishWithout(definition, rule.task));
  const walk = (rule: WorkflowDefinition['retirement'], pointer: string, covered: boolean) => {
    if (rule.rule === 'any') {
      const anyCovers = covered || rule.rules.some(reachesEveryone);
      for (const [index, inner] of rule.rules.entries()) walk(inner, `${pointer}/rules/${index}`, anyCovers);
    } else if (rule.rule !== 'count' && !covered && canFinishWithout(definition, rule.task)) {
      warnings.push({
        pointer: `${pointer}/task`,
        message: `is a task volunteers can finish the workflow without reaching (a branch leads past it): a subject they all answer that way has no answers to "${rule.task}", so this rule never retires it, and it is classified up to the rule's maximum. Put the rule on a task every volunteer answers, or add a count rule beside it in an "any"`,
      });
    }
  };
  walk(definition.retirement, '/retirement', false);
  return [...warnings, ...earlyRetirementWarnings(definition, definition.retirement, '/retirement'), ...undescribedImageWarnings(definition)];
}

/** A markdown image without a description: `![](url)`, or `![][name]` naming its address elsewhere; $1 the address. */
const UNDESCRIBED_IMAGE = /!\[\s*\]\s*(?:\(\s*<?([^\s)>]*)|\[)/g;

/**
 * The images of the tutorial's steps and the tasks' help that have no description (alt text): a volunteer who cannot
 * see them hears nothing of them, or "image", so each is said at the text that shows it.
 */
function undescribedImageWarnings(definition: WorkflowDefinition): FieldError[] {
  const texts = [
    ...(definition.tutorial ?? []).map((step, index) => ({ pointer: `/tutorial/${index}/body`, markdown: step.body })),
    ...Object.entries(definition.tasks).map(([key, task]) => ({ pointer: `/tasks/${key}/help`, markdown: task.help ?? '' })),
  ];
  return texts.flatMap(({ pointer, markdown }) =>
    [...markdown.matchAll(UNDESCRIBED_IMAGE)].map(([, address]) => ({
      pointer,
      message: `shows an image${address ? ` (${address})` : ''} without a description, so volunteers who cannot see it are told nothing of it: write what it shows between the brackets, as in ![A lion resting in long grass](${address || 'lion.jpg'})`,
    })),
  );
}

/**
 * A rule on a branching question that can retire a subject on an answer leading on to later tasks (agreement on
 * "Is there an animal?" with no `answer`, so three yeses retire it before anyone names the species), said at the
 * field that narrows it to the answers that end the workflow.
 */
function earlyRetirementWarnings(definition: WorkflowDefinition, rule: WorkflowDefinition['retirement'], pointer: string): FieldError[] {
  if (rule.rule === 'any') return rule.rules.flatMap((inner, index) => earlyRetirementWarnings(definition, inner, `${pointer}/rules/${index}`));
  if (rule.rule === 'count') return [];
  const task = definition.tasks[rule.task];
  if (task?.type !== 'single' || !branches(task)) return [];
  const leadsOn = (answers: string[]) => answers.filter((answer) => nextTaskOf(task, answer) !== undefined);
  const ending = task.answers.filter((answer) => !answer.next).map((answer) => `"${answer.value}"`);
  const retiresBefore = (answers: string[]) => `retires subjects whose consensus on ${rule.task} is ${answers.map((answer) => `"${answer}"`).join(' or ')}, before the tasks that answer leads to get answers`;
  if (rule.rule === 'agreement') {
    const early = leadsOn(rule.answer === undefined ? task.answers.map((answer) => answer.value) : [rule.answer]);
    if (!early.length) return [];
    const give = rule.answer === undefined ? 'give `answer`' : 'set `answer` to one that ends the workflow';
    const fix = ending.length ? `${give} (such as ${ending[0]}) to retire only on that answer` : 'put the rule on a later task';
    const what = rule.answer === undefined ? `retires subjects whatever the consensus on ${rule.task}, ${early.map((answer) => `"${answer}"`).join(' or ')} too, before the tasks those answers lead to get answers` : retiresBefore(early);
    return [{ pointer: `${pointer}/answer`, message: `${rule.answer === undefined ? 'is not given, so the rule' : 'leads on: the rule'} ${what}; ${fix}` }];
  }
  // A posterior rule settles its answer at `high`, and the other answers at `low`; 1 and 0 turn each off.
  const others = task.answers.map((answer) => answer.value).filter((answer) => answer !== rule.answer);
  const sides = [
    { field: 'high', on: rule.high < 1, answers: [rule.answer], off: 1 },
    { field: 'low', on: rule.low > 0, answers: others, off: 0 },
  ].map((side) => ({ ...side, early: side.on ? leadsOn(side.answers) : [] }));
  if (!ending.length) {
    const early = sides.flatMap((side) => side.early);
    return early.length ? [{ pointer: `${pointer}/task`, message: `is a question every answer of which leads on: the rule ${retiresBefore(early)}; put the rule on a later task` }] : [];
  }
  return sides.flatMap(({ field, off, early }) => (early.length ? [{ pointer: `${pointer}/${field}`, message: `${retiresBefore(early)}; set ${field} to ${off} to never retire on that side` }] : []));
}

/** Whether a path from `firstTask` to the end of the workflow leaves out task `skipped`. */
function canFinishWithout({ tasks, firstTask }: WorkflowDefinition, skipped: string): boolean {
  const seen = new Set<string>();
  const waiting = [firstTask];
  while (waiting.length) {
    const key = waiting.pop()!;
    const task = tasks[key];
    if (key === skipped || !task || seen.has(key)) continue;
    seen.add(key);
    const endsHere = task.type === 'single' ? task.answers.some((answer) => !answer.next) : !nextCandidatesOf(task).length;
    if (endsHere) return true;
    waiting.push(...nextCandidatesOf(task));
  }
  return false;
}

export function validateWorkflowDefinition(input: unknown, base = ''): Validated<WorkflowDefinition> {
  const parsed = validateWith(workflowDefinitionSchema, input, base);
  if (!parsed.ok) return { ok: false, errors: [...parsed.errors, ...referenceErrorsOfInvalid(input, base, parsed.errors)] };
  const errors = [...checkWorkflowGraph(parsed.value, base), ...ruleTaskErrors(parsed.value, base)];
  return errors.length ? { ok: false, errors } : { ok: true, value: withAnswersAsConsensusWrites(parsed.value) };
}

/**
 * The answers the agreement rules and effects name, stored as consensus writes them (`asConsensusWrites`): the tag
 * `Cat` as `cat`, so that the rule, the retirement's reason and the consensus download read alike.
 */
function withAnswersAsConsensusWrites(definition: WorkflowDefinition): WorkflowDefinition {
  const written = (key: string, answer: string) => asConsensusWrites(definition.tasks[key]!, answer);
  const rule = (retirement: RetirementRule): RetirementRule => {
    if (retirement.rule === 'any') return { ...retirement, rules: retirement.rules.map(rule) };
    if (retirement.rule !== 'agreement' || retirement.answer === undefined) return retirement;
    return { ...retirement, answer: written(retirement.task, retirement.answer) };
  };
  const effects = definition.effects.map((effect) => (effect.when.answer === undefined ? effect : { ...effect, when: { ...effect.when, answer: written(effect.when.task, effect.when.answer) } }));
  return { ...definition, retirement: rule(definition.retirement), effects };
}

/** The transcription tasks whose editor starts from the subject's text (`startFrom`): corrections of it. */
export const correctingTasks = (definition: WorkflowDefinition): string[] =>
  Object.entries(definition.tasks).flatMap(([key, task]) => (task.type === 'transcription' && task.startFrom !== undefined ? [key] : []));
