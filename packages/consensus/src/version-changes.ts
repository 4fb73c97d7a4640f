import { type Effect, type FieldError, type Task, type WorkflowDefinition, earlierAnswerChanges, singleAlgorithm, toPointer, withoutNewAnswerLimits } from '@chorus/tasks';
import { isDeepStrictEqual } from 'node:util';
import { classificationsNeededAtMost } from './retirement';

/**
 * What of a task only volunteers read: its words, how a tagging task shows others' tags (`proposedTags`), which of
 * the subject's locations it opens on (`showLocation`) and the language they read and type in (`language`); no consensus, retirement or effect reads them.
 */
const TASK_WORDING = new Set(['question', 'instruction', 'help', 'label', 'proposedTags', 'showLocation', 'language']);

/**
 * Whether consensus, retirement, effects or the consensus download could come out otherwise under `after` than under
 * `before`: not when only what volunteers read changed (the name, the tutorial, a question, an instruction, help, an
 * answer's label, how others' tags are shown, the location a task opens on, its language), how they are served (selection but its
 * training set, which the download names; feedback) or the limits new answers are held to (`newAnswerLimits`: answers
 * given so far are read without them, a form's fields' too; an open vocabulary's suggested tags too). Such a version needs no re-aggregation of every subject. The one place that
 * decides it.
 */
export function changesConsensus(before: WorkflowDefinition, after: WorkflowDefinition): boolean {
  return !isDeepStrictEqual(forConsensus(before), forConsensus(after));
}

function forConsensus({ name, tutorial, selection, feedback, tasks, ...rest }: WorkflowDefinition): unknown {
  return { ...rest, training: selection.training, tasks: Object.fromEntries(Object.entries(tasks).map(([key, task]) => [key, withoutWording(withoutNewAnswerLimits(task))])) };
}

const withoutWording = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutWording);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).flatMap(([key, inner]) => (TASK_WORDING.has(key) ? [] : [[key, withoutWording(inner)]])));
};

/**
 * What a new version of a workflow does to the answers volunteers already gave, said to the researcher who saves it
 * (each named by the pointer of the field in the new version): consensus is computed again under the new version, so
 * a task gone or of another type is no longer read, each task type says what else counts otherwise or no longer (an
 * answer no longer offered, free tags once the vocabulary is closed: `earlierAnswerChanges`), a single choice may
 * change its algorithm, and a rule that asks for fewer classifications retires at once the subjects that have as
 * many, their later answers flagged `after_retirement`, and one that asks for more leaves the subjects retired already
 * as they are (a re-aggregation keeps retirements). Limits set for new answers (a length, how many choices or
 * tags) change nothing for the answers given. Effects added, dropped or changed route every subject again, moving
 * subjects between sets.
 */
export function versionChangeWarnings(before: WorkflowDefinition, after: WorkflowDefinition, setNames: ReadonlyMap<string, string> = new Map()): FieldError[] {
  const warnings: FieldError[] = [];
  for (const [key, earlier] of Object.entries(before.tasks)) {
    const now = after.tasks[key];
    if (!now) {
      warnings.push({ pointer: '/tasks', message: `no longer has task "${key}": its answers stay in the raw download and its consensus so far in the consensus download, but no consensus is computed for it again` });
    } else if (now.type !== earlier.type) {
      warnings.push({ pointer: `/tasks/${key}/type`, message: `is "${now.type}" where it was "${earlier.type}": the answers given to the ${earlier.type} task are no longer read` });
    } else {
      for (const { pointer, message } of earlierAnswerChanges(earlier, now)) warnings.push({ pointer: `/tasks/${key}${pointer}`, message });
      const algorithmChange = singleAlgorithmChange(earlier, now);
      if (algorithmChange) warnings.push({ pointer: `/tasks/${key}/algorithm`, message: algorithmChange });
    }
  }
  const [most, mostBefore] = [classificationsNeededAtMost(after.retirement), classificationsNeededAtMost(before.retirement)];
  if (most < mostBefore) {
    warnings.push({
      pointer: '/retirement',
      message: `asks for at most ${most} classification${most === 1 ? '' : 's'} where it asked for ${mostBefore}: subjects that have ${most} or more retire at once, and their answers after the first ${most} are flagged after_retirement`,
    });
  } else if (most > mostBefore) {
    warnings.push({
      pointer: '/retirement',
      message: `asks for up to ${most} classifications where it asked for ${mostBefore}: subjects retired already stay retired with what they have (unretire them, POST /workflows/:id/unretire, for more); the others go on to the new rule`,
    });
  }
  const routing = routingChange(before.effects, after.effects, setNames);
  if (routing) warnings.push({ pointer: '/effects', message: routing });
  return warnings;
}

/** What a version changed from the one before, in short: `versionChanges`. */
export interface VersionChanges {
  /** The parts of the definition that differ, each by its pointer: `/name`, `/retirement`, `/tasks/T0` (a task added, changed or gone). */
  fields: string[];
  /** Whether consensus could come out otherwise (`changesConsensus`): saved in a classified workflow, it started a re-aggregation. */
  consensus: boolean;
  /** What it does to the answers already given (`versionChangeWarnings`). */
  warnings: FieldError[];
}

/** What `after` changed from `before`, for a workflow's history of versions. */
export function versionChanges(before: WorkflowDefinition, after: WorkflowDefinition, setNames?: ReadonlyMap<string, string>): VersionChanges {
  const { tasks: tasksBefore, ...restBefore } = before;
  const { tasks: tasksAfter, ...restAfter } = after;
  return {
    fields: [...differingKeys(restBefore, restAfter).map((key) => toPointer([key])), ...differingKeys(tasksBefore, tasksAfter).map((key) => toPointer(['tasks', key]))],
    consensus: changesConsensus(before, after),
    warnings: versionChangeWarnings(before, after, setNames),
  };
}

/** The keys whose values differ between two objects (one missing in either counts), in `after`'s order, then `before`'s. */
function differingKeys(before: object, after: object): string[] {
  const [was, is] = [before as Record<string, unknown>, after as Record<string, unknown>];
  const keys = new Set([...Object.keys(is), ...Object.keys(was)]);
  return [...keys].filter((key) => !isDeepStrictEqual(was[key], is[key]));
}

/**
 * Effects added, dropped or changed (in any order): the re-aggregation routes every subject again, so subjects move
 * between the sets they name. What it says names those sets (by name too, from `setNames`); an effect only moved in
 * the list changes nothing.
 */
function routingChange(before: readonly Effect[], after: readonly Effect[], setNames: ReadonlyMap<string, string>): string | undefined {
  const missingFrom = (effects: readonly Effect[]) => (effect: Effect) => !effects.some((other) => isDeepStrictEqual(other, effect));
  const changed = [...before.filter(missingFrom(after)), ...after.filter(missingFrom(before))];
  if (!changed.length) return undefined;
  const sets = [...new Set(changed.map((effect) => effect.addToSubjectSet))].map((id) => (setNames.has(id) ? `"${setNames.get(id)}" (${id})` : id));
  return (
    `change how subjects are routed into subject set${sets.length === 1 ? '' : 's'} ${sets.join(', ')}: every subject is routed again by its consensus under the new effects, ` +
    'so one that no longer meets an effect leaves the set it put it in (the workflows that set feeds stop serving it; one they classified keeps its row, results and consensus, saying it left the workflow), ' +
    'and one that meets an effect now joins its set (unless a researcher took it out of it)'
  );
}

/**
 * A single-choice task without an `algorithm` takes `bayes` for two answers and `vote` for more, so adding or dropping
 * an answer can change how its consensus is reached (a tie under `vote` gets an answer under `bayes`).
 */
function singleAlgorithmChange(before: Task, after: Task): string | undefined {
  if (before.type !== 'single' || after.type !== 'single') return undefined;
  const [was, is] = [singleAlgorithm(before), singleAlgorithm(after)];
  if (was === is) return undefined;
  const why = after.algorithm ? '' : ` ("${is}" is the default for ${after.answers.length === 2 ? 'two answers' : 'more than two answers'}; give "algorithm": "${was}" to keep "${was}")`;
  return `is "${is}" where it was "${was}"${why}: every subject's consensus is computed again with it, and may change, retiring subjects by it`;
}
