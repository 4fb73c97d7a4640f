import { type CloseReadingTask, type FieldsTask, type Mark, type MarkingTask, type MultipleTask, type NotReached, type RetirementRule, type SingleTask, type SubjectLocation, type Task, type TaggingTask, type TranscriptionTask, type WorkflowDefinition, LIST_SEPARATOR, consensusHolds, endorsedTags, sameText, singleAlgorithm, startingText, tasksNotReached } from '@chorus/tasks';
import { DEFAULT_SKILL_PRIOR, type SkillPrior, type VolunteerSkills, posteriorFor } from './bayes';
import { type CloseReadingVote, reduceCloseReading } from './close-reading';
import { reduceFields } from './fields';
import { markingParameters, reduceMarking } from './marking';
import { reduceMultiple } from './multiple';
import { symmetricPosterior } from './posterior';
import { type TaggingVote, reduceTagging } from './tagging';
import { LOW_CONSENSUS_BELOW, type WorkBudget, transcriptionConsensus } from './transcription';
import { type RetirementDecision, type RetirementState, classificationsNeededAtMost, decideRetirement } from './retirement';
import { pluralityVote } from './vote';

/** One classification as aggregation sees it. */
export interface ClassificationRecord {
  id: string;
  /** Its answers; `unsure`, the volunteer asked the team to check the answer (a transcription's "I'm not sure"). */
  annotations: { task: string; value: unknown; unsure?: boolean }[];
  /** False for gold-standard subjects and classifications that arrived after retirement. */
  countsTowardRetirement: boolean;
  /** The volunteer (user or guest) who made it; needed to weigh votes by learned skill. */
  volunteer?: string;
}

export interface ReduceOptions {
  /** Learned confusion counts per task key, per volunteer (see `learnSkills`); without them every volunteer is alike. */
  skills?: Record<string, VolunteerSkills>;
  skillPrior?: SkillPrior;
  /**
   * Consensus already reduced, by task and the ids of the classifications it came from. Given the same map,
   * `reduceSubject` reuses what `findRetirement` reduced for the same answers (its replay's last step is the consensus
   * a subject keeps, when every answer counts toward retirement), so that a long transcription is aligned once, not
   * twice (a second or more each). One map serves one subject under one definition and one set of skills.
   */
  reduced?: Map<string, TaskConsensus>;
  /**
   * The work one subject's transcription consensus may do, shared by its retirement replay and its consensus (the
   * worker gives each subject one, `new WorkBudget(answers)`); without it, each consensus has its own.
   */
  work?: WorkBudget;
  /**
   * The subject's locations, for a transcription that starts from its text (`startFrom`): its consensus then says how
   * many left the text unchanged and whether the crowd corrected it. Without them it is computed as any other.
   */
  locations?: readonly SubjectLocation[];
}

export interface TaskConsensus {
  task: string;
  answer: string | null;
  agreement: number | null;
  votes: number;
  algorithm: string;
  parameters: Record<string, unknown>;
  result: Record<string, unknown>;
}

/** Until a volunteer-skill model is fitted, every volunteer is assumed to pick the true answer this often. */
export const DEFAULT_VOLUNTEER_ACCURACY = 0.7;

function valuesOf(key: string, classifications: readonly ClassificationRecord[]): { volunteer?: string; value: unknown }[] {
  return classifications.flatMap((c) => c.annotations.filter((a) => a.task === key).map((a) => ({ volunteer: c.volunteer, value: a.value })));
}

function reduceSingle(key: string, task: SingleTask, classifications: readonly ClassificationRecord[], prior?: number, trackedAnswer?: string, options: ReduceOptions = {}): TaskConsensus {
  const votes = valuesOf(key, classifications).filter((v) => typeof v.value === 'string').map((v) => ({ volunteer: v.volunteer, answer: v.value as string }));
  const vote = pluralityVote(votes);
  const answers = task.answers.map((answer) => answer.value);
  const priors = prior !== undefined && trackedAnswer !== undefined && answers.length === 2
    ? Object.fromEntries(answers.map((answer) => [answer, answer === trackedAnswer ? prior : 1 - prior]))
    : {};
  const skills = singleAlgorithm(task) === 'bayes' ? options.skills?.[key] : undefined;
  if (!skills) {
    const posterior = symmetricPosterior(vote.counts, answers, DEFAULT_VOLUNTEER_ACCURACY, priors);
    return {
      task: key,
      answer: vote.answer,
      agreement: vote.agreement,
      votes: vote.votes,
      algorithm: 'plurality-vote',
      parameters: { accuracy: DEFAULT_VOLUNTEER_ACCURACY },
      result: { counts: vote.counts, leaders: vote.leaders, posterior },
    };
  }
  const skillPrior = options.skillPrior ?? DEFAULT_SKILL_PRIOR;
  const posterior = posteriorFor(votes, answers, skills, Object.keys(priors).length ? priors : undefined, skillPrior);
  const top = Math.max(...Object.values(posterior));
  const leaders = answers.filter((answer) => posterior[answer] === top);
  const answer = votes.length && leaders.length === 1 ? leaders[0]! : null;
  return {
    task: key,
    answer,
    // A tie has no answer, and its agreement is the leaders' share, as under a plurality vote.
    agreement: !votes.length ? null : answer === null ? vote.agreement : (vote.counts[answer] ?? 0) / votes.length,
    votes: vote.votes,
    algorithm: 'bayesian-confusion',
    parameters: { skillPrior },
    result: { counts: vote.counts, leaders, posterior },
  };
}

function reduceMultipleTask(key: string, task: MultipleTask, classifications: readonly ClassificationRecord[]): TaskConsensus {
  const votes = valuesOf(key, classifications).filter((v) => Array.isArray(v.value)).map((v) => ({ volunteer: v.volunteer, value: v.value as string[] }));
  const perAnswer = reduceMultiple(votes, task.answers.map((a) => a.value));
  const selected = perAnswer.filter((a) => a.selected);
  // Agreement: the share of volunteers who chose exactly the consensus set (answers nobody chose do not inflate it).
  const consensus = new Set(selected.map((a) => a.answer));
  const sameSet = (value: string[]) => new Set(value).size === consensus.size && value.every((answer) => consensus.has(answer));
  const agreement = votes.length ? votes.filter((vote) => sameSet(vote.value)).length / votes.length : null;
  return { task: key, answer: votes.length ? selected.map((a) => a.answer).join(LIST_SEPARATOR) : null, agreement, votes: votes.length, algorithm: 'binary-vote-per-answer', parameters: { threshold: 0.5 }, result: { answers: perAnswer, selected: selected.map((a) => a.answer) } };
}

function reduceTranscriptionTask(key: string, task: TranscriptionTask, classifications: readonly ClassificationRecord[], { work, locations = [] }: ReduceOptions): TaskConsensus {
  const texts = valuesOf(key, classifications).filter((v) => typeof v.value === 'string').map((v) => v.value as string);
  const consensus = transcriptionConsensus(texts, { textTags: task.textTags, budget: work });
  const result = { ...consensus, ...correction(startingText(task, locations), texts, consensus.text), ...askedForCheck(key, classifications) };
  return { task: key, answer: texts.length ? consensus.text : null, agreement: texts.length ? consensus.score : null, votes: texts.length, algorithm: 'word-alignment-vote', parameters: { lowConsensusBelow: LOW_CONSENSUS_BELOW }, result };
}

/**
 * How many of a task's answers asked the team to check them (their annotation's `unsure`), kept in its result as
 * `askedForCheck` (`askedForCheckOf`); nothing when none did, so that results stored before it stay equal.
 */
function askedForCheck(key: string, classifications: readonly ClassificationRecord[]): { askedForCheck?: number } {
  const asked = classifications.filter((c) => c.annotations.some((a) => a.task === key && a.unsure === true)).length;
  return asked ? { askedForCheck: asked } : {};
}

/** How many volunteers asked the team to check their answer to the task (`askedForCheck` in its result); 0 when none did. */
export const askedForCheckOf = (consensus: Pick<TaskConsensus, 'result'>): number => (consensus.result.askedForCheck as number | undefined) ?? 0;

/**
 * Of a transcription that started from the subject's text (`original`), how many transcriptions left it unchanged and
 * whether the consensus corrected it, each compared as `sameText` compares texts (the same words, however spaced);
 * nothing for one that started empty, or that nobody gave.
 */
function correction(original: string | undefined, texts: readonly string[], consensus: string): { unchanged?: number; corrected?: boolean } {
  if (original === undefined || !texts.length) return {};
  return { unchanged: texts.filter((text) => sameText(text, original)).length, corrected: !sameText(consensus, original) };
}

function reduceCloseReadingTask(key: string, _task: CloseReadingTask, classifications: readonly ClassificationRecord[]): TaskConsensus {
  const votes = valuesOf(key, classifications).filter((v) => typeof v.value === 'object' && v.value !== null).map((v) => v.value as CloseReadingVote);
  const consensus = reduceCloseReading(votes);
  return { task: key, answer: consensus.sense, agreement: consensus.agreement, votes: votes.length, algorithm: 'sense-vote', parameters: { unsureWeight: 0, evidenceShare: 0.5 }, result: { ...consensus } };
}

function reduceTaggingTask(key: string, _task: TaggingTask, classifications: readonly ClassificationRecord[]): TaskConsensus {
  const votes = valuesOf(key, classifications).filter((v) => typeof v.value === 'object' && v.value !== null).map((v) => v.value as TaggingVote);
  const { accepted, tags } = reduceTagging(votes);
  // Agreement: the share of volunteers who applied exactly the accepted tags (as multiple choice counts its sets).
  const consensus = new Set(accepted);
  const agrees = (vote: TaggingVote) => {
    const applied = endorsedTags(vote);
    return applied.size === consensus.size && [...applied].every((tag) => consensus.has(tag));
  };
  const agreement = votes.length ? votes.filter(agrees).length / votes.length : null;
  return { task: key, answer: votes.length ? accepted.join(LIST_SEPARATOR) : null, agreement, votes: votes.length, algorithm: 'tag-majority', parameters: { minShare: 0.5 }, result: { accepted, tags } };
}

/** Field by field (`reduceFields`); the task's answer is the object of the fields' answers as JSON text, as downloads give answers. */
function reduceFieldsTask(key: string, task: FieldsTask, classifications: readonly ClassificationRecord[]): TaskConsensus {
  const values = valuesOf(key, classifications).filter((v) => typeof v.value === 'object' && v.value !== null && !Array.isArray(v.value)).map((v) => v.value as Record<string, unknown>);
  const consensus = reduceFields(task, values);
  return { task: key, answer: values.length ? JSON.stringify(consensus.answer) : null, agreement: values.length ? consensus.agreement : null, votes: values.length, algorithm: 'field-plurality-vote', parameters: {}, result: { fields: consensus.fields, lowConsensus: consensus.lowConsensus } };
}

function reduceTask(definition: WorkflowDefinition, key: string, task: Task, classifications: readonly ClassificationRecord[], options: ReduceOptions): TaskConsensus {
  const { reduced } = options;
  if (!reduced) return reduceTaskAnew(definition, key, task, classifications, options);
  const reducedFrom = `${key}\n${classifications.map((classification) => classification.id).join('\n')}`;
  let consensus = reduced.get(reducedFrom);
  if (!consensus) {
    consensus = reduceTaskAnew(definition, key, task, classifications, options);
    reduced.set(reducedFrom, consensus);
  }
  return consensus;
}

function reduceTaskAnew(definition: WorkflowDefinition, key: string, task: Task, classifications: readonly ClassificationRecord[], options: ReduceOptions): TaskConsensus {
  switch (task.type) {
    case 'single': {
      const rule = posteriorRuleFor(definition.retirement, key);
      return reduceSingle(key, task, classifications, rule?.prior, rule?.answer, options);
    }
    case 'multiple':
      return reduceMultipleTask(key, task, classifications);
    case 'transcription':
      return reduceTranscriptionTask(key, task, classifications, options);
    case 'close-reading':
      return reduceCloseReadingTask(key, task, classifications);
    case 'tagging':
      return reduceTaggingTask(key, task, classifications);
    case 'fields':
      return reduceFieldsTask(key, task, classifications);
    case 'marking':
      return reduceMarkingTask(key, task, classifications, options);
  }
}

/** A thing one volunteer alone marked and the consensus left out: counted in a marking result, not listed. */
const isStray = (cluster: { votes: number; kept: boolean }) => cluster.votes < 2 && !cluster.kept;

/** Things marked, tool by tool (`reduceMarking`); the task's answer is the kept marks as JSON text, as downloads give answers. */
function reduceMarkingTask(key: string, task: MarkingTask, classifications: readonly ClassificationRecord[], { work }: ReduceOptions): TaskConsensus {
  const values = valuesOf(key, classifications).filter((v) => Array.isArray(v.value)).map((v) => v.value as Mark[]);
  const consensus = reduceMarking(task, values, { budget: work });
  return {
    task: key,
    answer: values.length ? JSON.stringify(consensus.answer) : null,
    agreement: consensus.agreement,
    votes: values.length,
    algorithm: 'mark-clustering',
    parameters: markingParameters(task),
    // Only things kept or 2 volunteers or more marked: 300 answers of 500 strays each would make every row huge.
    result: { marks: consensus.clusters.filter((cluster) => !isStray(cluster)), strays: consensus.clusters.filter(isStray).length, counts: consensus.counts, lowConsensus: consensus.lowConsensus, overBudget: consensus.overBudget },
  };
}

/** The posterior rule of a task, if the workflow's retirement uses one, for its prior. */
function posteriorRuleFor(rule: RetirementRule, task: string): Extract<RetirementRule, { rule: 'posterior' }> | undefined {
  if (rule.rule === 'posterior' && rule.task === task) return rule;
  if (rule.rule === 'any') return rule.rules.map((inner) => posteriorRuleFor(inner, task)).find(Boolean);
  return undefined;
}

/**
 * What the volunteers who reached a task gave, where the consensus path does not reach it: the consensus of their
 * answers alone, kept in the task's result (`offPath`) so that a transcription two of three volunteers wrote is not lost
 * from view, while the task's own answer and agreement stay empty.
 */
export interface OffPath {
  answer: string | null;
  agreement: number | null;
  votes: number;
}

/**
 * Reduces every task of the workflow from all classifications of one subject, with its task type's default reducer. A
 * task the crowd's answers do not lead to (`tasksNotReached`: the consensus of "Is there an advertisement?" is no, and
 * one volunteer answered yes, then "What is advertised?") has no answer and no agreement: its result keeps how its
 * votes split, says why in `notReached`, and, when volunteers answered it, what they gave in `offPath`.
 */
export function reduceSubject(definition: WorkflowDefinition, classifications: readonly ClassificationRecord[], options: ReduceOptions = {}): TaskConsensus[] {
  const consensus = Object.entries(definition.tasks).map(([key, task]) => reduceTask(definition, key, task, classifications, options));
  const byTask = new Map(consensus.map((result) => [result.task, result]));
  const notReached = tasksNotReached(definition, (task) => byTask.get(task)?.answer ?? null);
  return consensus.map((result) => {
    const why = notReached.get(result.task);
    if (!why) return result;
    const { answer, agreement, votes } = result;
    const offPath: OffPath | undefined = votes > 0 ? { answer, agreement, votes } : undefined;
    return { ...result, answer: null, agreement: null, result: { ...result.result, notReached: why, ...(offPath ? { offPath } : {}) } };
  });
}

/** What the volunteers who reached a task off the consensus path gave (`OffPath`), if any did. */
export const offPathOf = (consensus: Pick<TaskConsensus, 'result'>): OffPath | undefined => consensus.result.offPath as OffPath | undefined;

/** Why a task's consensus has no answer although volunteers answered it: the consensus path does not reach it. */
export const notReachedOf = (consensus: Pick<TaskConsensus, 'result'>): NotReached | undefined => consensus.result.notReached as NotReached | undefined;

function ruleTasks(rule: RetirementRule): string[] {
  if (rule.rule === 'any') return rule.rules.flatMap(ruleTasks);
  return rule.rule === 'count' ? [] : [rule.task];
}

/** Only the tasks that the retirement rule looks at are reduced while replaying, so replay stays cheap. */
function retirementState(definition: WorkflowDefinition, counted: readonly ClassificationRecord[], options: ReduceOptions): RetirementState {
  const keys = new Set(ruleTasks(definition.retirement));
  // A rule that reads no task (`count`) needs no consensus, nor the path to one.
  if (keys.size === 0) return { count: counted.length, tasks: {} };
  const reduce = (key: string) => reduceTask(definition, key, definition.tasks[key]!, counted, options);
  // Of the other tasks, only the branching ones on the way to a rule's task are reduced, to know whether it is reached.
  const notReached = tasksNotReached(definition, (key) => reduce(key).answer);
  const tasks = Object.fromEntries(
    Object.keys(definition.tasks)
      .filter((key) => keys.has(key))
      .map((key) => {
        const c = reduce(key);
        // A rule acts on no answer of a task the crowd's answers do not lead to: neither its vote nor its posterior.
        return [key, notReached.has(key) ? { answer: null, agreement: null, votes: c.votes } : { answer: c.answer, agreement: c.agreement, votes: c.votes, posterior: c.result.posterior as Record<string, number> }];
      }),
  );
  return { count: counted.length, tasks, holds: (key, answer) => consensusHolds(definition.tasks[key]!, tasks[key]?.answer ?? null, answer) };
}

/**
 * Replays the counted classifications in order and retires at the first one after which the rule is met, so that
 * the reason and the triggering classification are the same however late aggregation runs.
 *
 * The first `judged` counted ones were aggregated before while the subject stayed open: the replay starts at them,
 * so a rule they meet now (volunteers' skills learned again, a rule made easier) retires the subject at the last of
 * them, and no answer given while it was open is taken for one given after its retirement. Only up to the most
 * classifications the rule can ever need: beyond that, answers come after its retirement whatever the skills.
 * It also keeps a long history from being replayed from its start on every aggregation. A rule reading a marking
 * task, whose every step gathers all the marks again, replays no more steps once the subject's work budget
 * (`options.work`) is spent: the rule is then asked of all the answers at once.
 */
export function findRetirement(
  definition: WorkflowDefinition,
  classifications: readonly ClassificationRecord[],
  options: ReduceOptions = {},
  judged = 0,
): { decision: RetirementDecision; triggeredBy?: string } {
  const counted = classifications.filter((c) => c.countsTowardRetirement);
  const from = Math.max(1, Math.min(judged, counted.length, classificationsNeededAtMost(definition.retirement)));
  const markingRule = ruleTasks(definition.retirement).some((key) => definition.tasks[key]?.type === 'marking');
  for (let n = from; n <= counted.length; n++) {
    // Each answer replayed gathers every mark again: once the subject's budget is spent, the rule is asked of all.
    if (markingRule && options.work?.exhausted && n < counted.length) n = counted.length;
    const decision = decideRetirement(definition.retirement, retirementState(definition, counted.slice(0, n), options));
    if (decision.retire) return { decision, triggeredBy: counted[n - 1]!.id };
  }
  return { decision: { retire: false } };
}
