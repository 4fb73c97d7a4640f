import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RULE_RETIREMENT_REASONS } from '@chorus/client';
import type { EffectMembership, ProjectRole, PublishedResult, RoutedIn, SubjectClassification, SubjectResult, SubjectResultDetail, SubjectResultPage, TranscriptionWord } from '@chorus/client';
import { type ConsensusWord, type StoredTaskConsensus, taskConsensusView, wordNeedsChecking } from '@chorus/consensus';
import { type StoredAnnotation, inNaturalOrder, isUnlinked, storedConsensusOf } from '@chorus/db';
import { type RoutingDecision, type SubjectLocation, inEachScriptsDigits, isPrivateMetadataKey, publicMetadata } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException } from '../common/problem';
import { containsFoldedSql, cursorTimeSql } from '../common/sql';
import { timePage } from '../common/time-pages';
import { favouriteCountSql } from '../favourites/favourite-sql';
import { WorkflowsService } from '../workflows/workflows.service';
import { type SubjectResultQuery, type SubjectResultsAfter, type SubjectResultsQuery, subjectResultsCursor } from './dto/subject-results.dto';
import { retiredByNameSql, retiredBySql, takenDownSql } from '../retirement/retired-by-sql';
import { ANY_REVIEW, IN_REVIEWERS_REACH, type ReviewRow, UNREVIEWED_CONSENSUS, approvalsChanged, inReviewersReach, noSubjectFor, reviewsOf, toReview } from '../consensus-reviews/review-sql';

/** A subject's row with its results, as both routes select it. */
interface SubjectResultRow {
  workflow_id: string;
  subject_id: string;
  external_id: string | null;
  locations: SubjectLocation[];
  metadata: Record<string, unknown>;
  gold_standard: Record<string, unknown> | null;
  classification_count: number;
  draft_tries: number;
  favourites: number;
  /** The favourites the page was sorted by (null in id order). */
  sort_favourites: number | null;
  /**
   * The text the page was sorted by, in natural order: the subject's externalId, or its value of the metadata field
   * (null in the other orders, and for a subject without one).
   */
  sort_text: string | null;
  retired_at: Date | null;
  retirement_reason: NonNullable<SubjectResult['retirement']>['reason'] | null;
  retirement_note: string | null;
  retirement_task: string | null;
  retired_by_classification_id: string | null;
  /** Who retired it by hand (see `retiredBySql`), by name while on the team. */
  retired_by: string | null;
  retired_by_role: ProjectRole | null;
  retired_by_name: string | null;
  tasks: Record<string, StoredTaskConsensus> | null;
  /** Its tasks' reviews by researchers and reviewers, in task order; null when none is reviewed. */
  reviews: ReviewRow[] | null;
  /** The subject left the workflow, its row kept (see `isUnlinked`). */
  left_workflow: boolean;
  /** Its project's team took it down (`takenDownSql`), as every view of it says. */
  taken_down: boolean;
}

interface ClassificationRow {
  id: string;
  user_id: string;
  user_kind: SubjectClassification['volunteer']['kind'];
  /** A registered volunteer's display name, as the raw download's `user_name`. */
  user_name: string | null;
  workflow_version: number;
  created_at: Date;
  annotations: StoredAnnotation[];
  gold_standard: boolean;
  after_retirement: boolean;
  made_in_draft: boolean;
  /** `created_at` to the microsecond, for the cursor. */
  cursor_time: string;
}

/** The task of the rule that retired a subject, as the worker keeps it in the retirement's detail (a count rule has none). */
const RETIREMENT_TASK = `CASE WHEN st.retirement_reason IN ('agreement', 'posterior', 'maximum') THEN st.retirement_detail->>'task' END AS retirement_task,`;

/** A page's subjects as the hot row `st` and the subject `s` give them. */
const PAGE_COLUMNS = `st.workflow_id, st.subject_id, s.external_id, s.locations, s.metadata, s.gold_standard, st.classification_count - st.draft_tries AS classification_count, st.draft_tries, st.retired_at,
           st.retirement_reason, st.retirement_detail->>'reason' AS retirement_note, st.retired_by_classification_id, ${isUnlinked('st')} AS left_workflow,
           ${takenDownSql('st.subject_id')} AS taken_down, ${RETIREMENT_TASK}
           ${retiredBySql('st', 'st.workflow_id')}, ${retiredByNameSql('st', 'st.workflow_id')}`;

/** The workflow's subjects that `filters` pass, of its hot rows (those of subjects that left it too: the download keeps them). */
const passing = (filters: string[]) => `st.workflow_id = $1 ${filters.map((filter) => `AND ${filter}`).join(' ')}`;

/** The page in id order, `limit` at most, read through the hot rows' primary key (`filters` carry the cursor). */
const byId = (filters: string[], limit: string) => `
    SELECT ${PAGE_COLUMNS}, NULL::int AS sort_favourites, NULL::text AS sort_text
    FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
    WHERE ${passing(filters)}
    ORDER BY st.subject_id
    LIMIT ${limit}`;

/**
 * The page with the most favourites first, ties in id order, after the cursor (`after`: the parameters of its count and
 * subject id): those of the subjects that have favourites, found through the favourites of the project's (`project`)
 * workflows, then those that have none in id order, as `byId` reads them. Neither counts the favourites of every subject.
 */
const byFavourites = (filters: string[], limit: string, project: string, after: { favourites: string; subjectId: string } | null) => `
    SELECT * FROM (
      (SELECT ${PAGE_COLUMNS}, favourited.count AS sort_favourites, NULL::text AS sort_text
       FROM (SELECT f.subject_id, count(*)::int AS count FROM favourites f WHERE f.workflow_id IN (SELECT w.id FROM workflows w WHERE w.project_id = ${project})
             GROUP BY f.subject_id) favourited
       JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = favourited.subject_id JOIN subjects s ON s.id = st.subject_id
       WHERE ${passing(filters)} ${after ? `AND (favourited.count < ${after.favourites} OR (favourited.count = ${after.favourites} AND st.subject_id > ${after.subjectId}))` : ''}
       ORDER BY favourited.count DESC, st.subject_id
       LIMIT ${limit})
      UNION ALL
      (SELECT ${PAGE_COLUMNS}, 0, NULL::text
       FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
       WHERE ${passing(filters)} AND NOT EXISTS (SELECT 1 FROM favourites f WHERE f.subject_id = st.subject_id)
         ${after ? `AND (${after.favourites} > 0 OR (st.subject_id > ${after.subjectId} AND s.id > ${after.subjectId}))` : ''}
       ORDER BY st.subject_id
       LIMIT ${limit})) both_parts
    ORDER BY sort_favourites DESC, subject_id
    LIMIT ${limit}`;

/** The text a page is sorted by, in natural order (the numbers within it as numbers), those without one last. */
const TEXT_ORDER = (text: string) => `${inNaturalOrder(text)} NULLS LAST`;

/**
 * The page in the natural order of the subjects' externalIds (unique in the project, so never tied), those without one
 * last in id order, after the cursor (`after`: the parameter of its externalId, or of its subject id when it has none):
 * those with one read through the project's (`project`) `subjects_external_id_natural_idx` in its order, then those
 * without as `byId` reads them, and only when those with one do not fill the page (else every page of a workflow whose
 * subjects all have one would read all its rows to find none without).
 */
const byExternalId = (filters: string[], limit: string, project: string, after: { externalId: string } | { unnamedId: string } | null) => `
    WITH named AS (
      SELECT ${PAGE_COLUMNS}, NULL::int AS sort_favourites, s.external_id::text AS sort_text
       FROM subjects s JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = s.id
       WHERE s.project_id = ${project} AND s.external_id IS NOT NULL AND ${passing(filters)}
         ${after ? ('externalId' in after ? `AND ${inNaturalOrder('s.external_id')} > ${after.externalId}` : 'AND false') : ''}
       ORDER BY ${inNaturalOrder('s.external_id')}
       LIMIT ${limit})
    SELECT * FROM (
      (SELECT * FROM named)
      UNION ALL
      (SELECT ${PAGE_COLUMNS}, NULL::int, NULL::text
       FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
       WHERE ${passing(filters)} AND s.external_id IS NULL AND (SELECT count(*) FROM named) < ${limit}
         ${after && 'unnamedId' in after ? `AND st.subject_id > ${after.unnamedId} AND s.id > ${after.unnamedId}` : ''}
       ORDER BY st.subject_id
       LIMIT ${limit})) both_parts
    ORDER BY ${TEXT_ORDER('sort_text')}, subject_id
    LIMIT ${limit}`;

/**
 * The page in the natural order of the subjects' values of a metadata field (`key`, the parameter of its name: numbers
 * as numbers, text in natural order), those without it last, ties in id order, after the cursor (`after`: the
 * parameters of its value, null for none, and subject id). No index holds a field's values: each page sorts the
 * subjects the filters pass (keeping only `limit`), so its cost grows with them.
 */
const byMetadata = (filters: string[], limit: string, key: string, after: { value: string | null; subjectId: string } | null) => {
  const value = `s.metadata ->> ${key}`;
  const cursor = !after
    ? ''
    : after.value === null
      ? `AND ${value} IS NULL AND st.subject_id > ${after.subjectId}`
      : `AND (${inNaturalOrder(value)} > ${after.value} OR (${value} = ${after.value} AND st.subject_id > ${after.subjectId}) OR ${value} IS NULL)`;
  return `
    SELECT ${PAGE_COLUMNS}, NULL::int AS sort_favourites, ${value} AS sort_text
    FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
    WHERE ${passing(filters)} ${cursor}
    ORDER BY ${TEXT_ORDER(value)}, st.subject_id
    LIMIT ${limit}`;
};

/**
 * A page of subjects (`page`, from `byId`, `byExternalId`, `byMetadata` or `byFavourites`) with their results: the page is chosen first, then each of
 * its subjects' consensus and favourites read, so that a page found among many subjects does not read theirs.
 */
const subjectResults = (page: string, { result }: { result: boolean }) => `
  SELECT page.*, stored_consensus.tasks, reviews_of.reviews, ${favouriteCountSql('page.subject_id')} AS favourites FROM (${page}) page
  ${storedConsensusOf('page', { result })}
  ${reviewsOf('page')}
  ORDER BY page.sort_favourites DESC NULLS LAST, ${TEXT_ORDER('page.sort_text')}, page.subject_id`;

/**
 * A subject's classifications oldest first, after the cursor ($3, $4): all of the subject's are read through
 * `classifications_once_per_volunteer_key` and sorted, a few dozen, or some thousands for a gold-standard subject every
 * newcomer is served.
 */
const CLASSIFICATIONS = `
  SELECT c.id, c.user_id, u.kind AS user_kind, CASE WHEN u.kind = 'registered' THEN u.display_name END AS user_name,
         c.workflow_version, c.created_at, c.annotations, c.gold_standard, c.after_retirement, c.made_in_draft, ${cursorTimeSql('c.created_at')} AS cursor_time
  FROM classifications c JOIN users u ON u.id = c.user_id
  WHERE c.workflow_id = $1 AND c.subject_id = $2 AND ($3::timestamptz IS NULL OR (c.created_at, c.id) > ($3::timestamptz, $4::uuid))
  ORDER BY c.created_at, c.id
  LIMIT $5`;

/** An effect membership `e` as the results list it: its set, when, who took the subject out, and what decided it. */
const MEMBERSHIP = `e.subject_set_id, ss.name, e.added_at, e.left_at, e.removed_by, CASE WHEN e.removed_by IS NOT NULL THEN e.left_at END AS removed_at, e.decided_by`;

/**
 * The sets the workflow's ($1) effects put the subject ($2) in, oldest first, with when it left them, and the researcher
 * who took it out, if one did (a record kept if they upload it there again).
 */
const ROUTING = `
  SELECT ${MEMBERSHIP}
  FROM effect_memberships e JOIN subject_sets ss ON ss.id = e.subject_set_id
  WHERE e.subject_id = $2 AND e.workflow_id = $1
  ORDER BY e.added_at, e.subject_set_id`;

/**
 * The memberships other workflows' effects made of the subject ($2) in sets that feed the workflow ($1), oldest first:
 * where it came from. Read by the primary key (the subject's memberships) and the link's.
 */
const ROUTED_FROM = `
  SELECT e.workflow_id, w.name AS workflow_name, ${MEMBERSHIP}
  FROM effect_memberships e
  JOIN workflow_subject_sets l ON l.workflow_id = $1 AND l.subject_set_id = e.subject_set_id
  JOIN subject_sets ss ON ss.id = e.subject_set_id JOIN workflows w ON w.id = e.workflow_id
  WHERE e.subject_id = $2 AND e.workflow_id <> $1
  ORDER BY e.added_at, e.subject_set_id, e.workflow_id`;

interface RoutingRow {
  subject_set_id: string;
  name: string;
  added_at: Date;
  left_at: Date | null;
  removed_by: string | null;
  removed_at: Date | null;
  decided_by: RoutingDecision | null;
}

const toRoute = (route: RoutingRow): EffectMembership => ({
  subjectSetId: route.subject_set_id,
  name: route.name,
  addedAt: route.added_at.toISOString(),
  leftAt: route.left_at?.toISOString() ?? null,
  removedByResearcher: route.removed_by && route.removed_at ? { researcherId: route.removed_by, removedAt: route.removed_at.toISOString() } : null,
  decidedBy: route.decided_by,
});

const toRoutedIn = (route: RoutingRow & { workflow_id: string; workflow_name: string }): RoutedIn => ({ workflowId: route.workflow_id, workflowName: route.workflow_name, ...toRoute(route) });

const SUBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `q` as the start of a LIKE pattern: its own `%`, `_` and `\` taken as they are. */
const startingWith = (q: string) => `${q.replace(/[\\%_]/g, (special) => `\\${special}`)}%`;

/**
 * The filters of a page of results, as conditions on the hot row `st` and the subject `s` after the route's own, with
 * their parameters (`parameter` adds one). In id order a page reads only its rows (and those a filter passes over):
 * retired ones through `subject_workflow_status_retired_idx` when few are, those whose externalId starts with `q`
 * through `subjects_external_id_prefix_idx` when few do; those with a metadata field's value are found as the page reads
 * its order (no index holds the values).
 */
/**
 * A subject's metadata field (`key`) has the value (`value`) a filter names, as text: `2` and `"2"` alike; a list holds
 * it among its items, each as text (`"tags": ["a", "b"]` has `a`; `"pages": [2, 3]` has `2`).
 */
const metadataHas = (key: string, value: string) => {
  const field = `(s.metadata -> ${key}::text)`;
  // Only a list's items are read (the CASE): a scalar has none to read, and reading one would fail.
  const items = `jsonb_array_elements_text(CASE WHEN jsonb_typeof(${field}) = 'array' THEN ${field} END)`;
  return `(s.metadata ->> ${key}::text = ${value}::text OR EXISTS (SELECT 1 FROM ${items} AS item(value) WHERE item.value = ${value}::text))`;
};

/**
 * Whether a JSON answer (`json`, jsonb) holds `text` in one of its values (a form's fields' answers, several choices'
 * values), whatever its case and accents: never in a field's name, nor in the JSON's quotes, commas and braces.
 */
const valueHolds = (json: string, text: string) =>
  `EXISTS (SELECT 1 FROM jsonb_path_query(${json}, 'strict $.**') v WHERE jsonb_typeof(v) IN ('string', 'number', 'boolean') AND ${containsFoldedSql("v #>> '{}'", text)})`;

/**
 * Whether the subject of the hot row `st` in the workflow ($1) has a task whose answer holds `text` (a parameter),
 * whatever its case and accents (`containsFoldedSql`, as project search reads titles): the consensus answer as stored
 * (a transcription's or free text's lines, a choice's value, several choices' values joined by `;`), a form's field
 * answers (`valueHolds`: its consensus is stored as JSON), or a review's answer (a correction's, or the answer an
 * approval kept: a text as it is, choices' or a form's values). Not marks, whose stored answer is coordinates. No index
 * holds the answers: a page reads the consensus and reviews of the subjects it passes over until it has found enough,
 * the whole workflow's when few match.
 */
const answerHolds = (text: string) => `(EXISTS (SELECT 1 FROM consensus c WHERE c.workflow_id = $1 AND c.subject_id = st.subject_id AND c.algorithm <> 'mark-clustering'
      AND CASE WHEN c.algorithm = 'field-plurality-vote' THEN ${valueHolds('c.answer::jsonb', text)} ELSE ${containsFoldedSql('c.answer', text)} END)
    OR EXISTS (SELECT 1 FROM consensus_reviews r WHERE r.workflow_id = $1 AND r.subject_id = st.subject_id
      AND NOT (jsonb_typeof(r.value) = 'array' AND jsonb_typeof(r.value -> 0) = 'object') AND ${valueHolds('r.value', text)}))`;

function filtersOf(projectId: string, { status, q, externalId, text, needsChecking, againstPlurality, reviewed, consensusChanged, metadata }: SubjectResultsQuery, parameter: (value: unknown) => string): string[] {
  // Not the subjects that left the workflow (kept for their consensus, which the download still gives), as its stats count them.
  const conditions = [`NOT ${isUnlinked('st')}`];
  if (status === 'retired') conditions.push('st.retired_at IS NOT NULL');
  if (status === 'active') conditions.push('st.retired_at IS NULL');
  // Found through `consensus_needs_checking_idx`: `needsChecking` of @chorus/consensus, as the worker stored it.
  if (needsChecking) conditions.push('st.subject_id IN (SELECT c.subject_id FROM consensus c WHERE c.workflow_id = $1 AND c.needs_checking)');
  // Found through `consensus_against_plurality_idx`: `pluralityStanding`'s `against`, as the worker stored it.
  if (againstPlurality) conditions.push('st.subject_id IN (SELECT c.subject_id FROM consensus c WHERE c.workflow_id = $1 AND c.against_plurality)');
  if (reviewed === false) conditions.push(UNREVIEWED_CONSENSUS);
  if (reviewed === true) conditions.push(`${ANY_REVIEW} AND NOT ${UNREVIEWED_CONSENSUS}`);
  if (consensusChanged !== undefined) conditions.push(approvalsChanged(consensusChanged));
  for (const [key, value] of Object.entries(metadata)) conditions.push(metadataHas(parameter(key), parameter(value)));
  if (text !== undefined) conditions.push(answerHolds(`${parameter(text)}::text`));
  // The one subject of the project with exactly this externalId (`subjects_project_external_id_key`), if any.
  if (externalId !== undefined) {
    conditions.push(`st.subject_id IN (SELECT named.id FROM subjects named WHERE named.project_id = ${parameter(projectId)} AND named.external_id = ${parameter(externalId)})`);
  }
  if (q) {
    const startsWithQ = (alias: string, forms = [q]) =>
      `${alias}.project_id = ${parameter(projectId)} AND (${forms.map((form) => `${alias}.external_id LIKE ${parameter(startingWith(form))}`).join(' OR ')})`;
    // A subject's id, or the few externalIds that start with one: found by their ids (an OR of the two, across the
    // tables, read the whole workflow).
    if (SUBJECT_ID.test(q)) conditions.push(`st.subject_id IN (SELECT ${parameter(q.toLowerCase())}::uuid UNION ALL SELECT named.id FROM subjects named WHERE ${startsWithQ('named')})`);
    // Else with its digits in any script (`رسالة-012` finds `رسالة-٠١٢`): a prefix of the index for each script's.
    else conditions.push(startsWithQ('s', inEachScriptsDigits(q)));
  }
  return conditions;
}

/**
 * The page the query asks for, its parameters from $2 (`parameter` adds one). `reviewerId`, a reviewer's id: their
 * list is narrowed to their reach (`inReviewersReach`), whatever the filters: the subjects to check, and those they reviewed.
 */
function pageOf(projectId: string, query: SubjectResultsQuery, parameter: (value: unknown) => string, reviewerId?: string): string {
  const filters = filtersOf(projectId, query, parameter);
  if (reviewerId) filters.push(inReviewersReach(`${parameter(reviewerId)}::uuid`));
  const { after, sort } = query;
  if (typeof sort === 'object') {
    const cursor = after && 'value' in after ? { value: after.value === null ? null : `${parameter(after.value)}::text`, subjectId: `${parameter(after.subjectId)}::uuid` } : null;
    return byMetadata(filters, parameter(query.limit + 1), `${parameter(sort.metadata)}::text`, cursor);
  }
  if (sort === 'externalId') {
    const cursor = after?.sort !== 'externalId' ? null : after.externalId === null ? { unnamedId: `${parameter(after.subjectId)}::uuid` } : { externalId: `${parameter(after.externalId)}::text` };
    return byExternalId(filters, parameter(query.limit + 1), `${parameter(projectId)}::uuid`, cursor);
  }
  if (sort === 'favourites') {
    const cursor = after?.sort === 'favourites' ? { favourites: `${parameter(after.favourites)}::int`, subjectId: `${parameter(after.subjectId)}::uuid` } : null;
    return byFavourites(filters, parameter(query.limit + 1), `${parameter(projectId)}::uuid`, cursor);
  }
  // On both sides of the join: Postgres does not carry a range across it, and a merge join read the subjects from the first.
  if (after) {
    const cursor = parameter(after.subjectId);
    filters.push(`st.subject_id > ${cursor}`, `s.id > ${cursor}`);
  }
  return byId(filters, parameter(query.limit + 1));
}

/** The statement of the page of the workflow's results the query asks for (one more row than its limit: is there a next page?), and its parameters. */
export function subjectResultsPage(projectId: string, workflowId: string, query: SubjectResultsQuery, reviewerId?: string): { sql: string; parameters: unknown[] } {
  const parameters: unknown[] = [workflowId];
  const sql = subjectResults(
    pageOf(projectId, query, (value) => `$${parameters.push(value)}`, reviewerId),
    { result: false },
  );
  return { sql, parameters };
}

/** Where the page after the one that ends with `row` starts, in its order. */
function afterRow(sort: SubjectResultsQuery['sort'], row: SubjectResultRow): SubjectResultsAfter {
  if (sort === 'favourites') return { sort, subjectId: row.subject_id, favourites: row.sort_favourites ?? 0 };
  if (sort === 'externalId') return { sort, subjectId: row.subject_id, externalId: row.sort_text };
  if (typeof sort === 'object') return { sort, subjectId: row.subject_id, value: row.sort_text };
  return { sort, subjectId: row.subject_id };
}

/**
 * A transcription's consensus words line by line (its `result.lines`, without the slots where most have no word), each
 * with how many of the transcriptions agree on it and whether it needs checking; null for other algorithms.
 */
function wordsOf({ algorithm, votes, result }: StoredTaskConsensus): TranscriptionWord[][] | null {
  if (algorithm !== 'word-alignment-vote' || !Array.isArray(result.lines)) return null;
  const of = typeof result.transcriptions === 'number' ? result.transcriptions : votes;
  return (result.lines as ConsensusWord[][]).map((line) =>
    line.filter((slot) => slot.word !== '').map((slot) => ({ word: slot.word, agreed: Math.round(slot.agreement * of), of, needsChecking: wordNeedsChecking(slot) })),
  );
}

/** Who reads the results: their role, and their id (a reviewer sees their own reviews' author, not another reviewer's). */
interface Reader {
  role: ProjectRole;
  userId: string;
}

/**
 * A subject's retirement as the caller sees it: a reviewer, when it was retired only; not why (a rule, a researcher's
 * note, the set it left), which could tell its known answers or the workflow's rules, nor whose classification or hand retired it.
 */
function retirementOf(row: SubjectResultRow, researcher: boolean): SubjectResult['retirement'] {
  if (!row.retired_at || !row.retirement_reason) return null;
  const retiredAt = row.retired_at.toISOString();
  if (!researcher) return { retiredAt, reason: null, note: null, task: null, byClassificationId: null, by: null };
  return {
    retiredAt,
    reason: row.retirement_reason,
    note: row.retirement_note,
    task: row.retirement_task,
    byClassificationId: row.retired_by_classification_id,
    by: row.retired_by ? { memberId: row.retired_by, name: row.retired_by_name, role: row.retired_by_role } : null,
  };
}

/**
 * A subject's results as the caller sees them: a reviewer, a volunteer who still classifies, sees its metadata as
 * volunteers do (no private keys), not its known answers (`goldStandard` null, gold standard or not), not why it
 * retired, and another reviewer's review by role only. One taken down is marked (`takenDown`): only researchers, on
 * the team, read it (a reviewer's reach leaves it out: `inReviewersReach`).
 */
function toResult(row: SubjectResultRow, { role, userId }: Reader): SubjectResult {
  const researcher = role !== 'reviewer';
  return {
    id: row.subject_id,
    externalId: row.external_id,
    locations: row.locations,
    metadata: researcher ? row.metadata : publicMetadata(row.metadata),
    goldStandard: researcher ? row.gold_standard : null,
    classificationCount: row.classification_count,
    draftTries: row.draft_tries,
    favourites: row.favourites,
    retirement: retirementOf(row, researcher),
    consensus: Object.fromEntries(Object.entries(row.tasks ?? {}).map(([task, stored]) => [task, taskConsensusView(stored)])),
    reviews: Object.fromEntries((row.reviews ?? []).map((review) => [review.task, toReview(review, researcher ? undefined : userId)])),
    ...(row.taken_down ? { takenDown: true as const } : {}),
  };
}

/** Why a published result leaves a task out: the consensus path does not reach it, or its consensus waits for a check. */
export type WithheldTask = 'notReached' | 'waitingForCheck';

/** The reviews a published result gives: an approval whose consensus changed since is none. */
const publishedReviews = (row: SubjectResultRow) => new Map((row.reviews ?? []).filter((review) => !review.consensus_changed).map((review) => [review.task, review]));

/** Why a published result leaves the task out (`toPublished`), or null when it gives it. */
function withheldFor(consensus: Pick<ReturnType<typeof taskConsensusView>, 'notReached' | 'needsChecking'>, reviewed: boolean): WithheldTask | null {
  if (consensus.notReached) return 'notReached';
  return consensus.needsChecking && !reviewed ? 'waitingForCheck' : null;
}

/**
 * A finished subject's result as its project publishes it (`resultsPublic`): each task's consensus the consensus path
 * reaches, as the researchers read it (`taskConsensusView`), and the answer a review settled on, which replaces it; its
 * metadata as volunteers see it. Nobody's name or id, no known answers. An approval whose consensus changed since is no
 * review (`consensus_changed`); a task whose consensus needs checking (`needsChecking`) and that no review settled is
 * left out.
 */
function toPublished(row: SubjectResultRow & { retired_at: Date; workflow_name: string }): PublishedResult {
  const reviews = publishedReviews(row);
  const reached = Object.entries(row.tasks ?? {})
    .map(([task, stored]): [string, ReturnType<typeof taskConsensusView>] => [task, taskConsensusView(stored)])
    .filter(([task, consensus]) => !withheldFor(consensus, reviews.has(task)));
  return {
    workflowId: row.workflow_id,
    workflowName: row.workflow_name,
    subjectId: row.subject_id,
    retiredAt: row.retired_at.toISOString(),
    metadata: publicMetadata(row.metadata),
    tasks: Object.fromEntries(
      reached.map(([task, { answer, agreement, votes, algorithm, workflowVersion }]) => {
        const review = reviews.get(task);
        return [task, { answer, agreement, votes, algorithm, workflowVersion, reviewed: review ? { state: review.state, value: review.value } : null }];
      }),
    ),
  };
}

/**
 * The hot row `st` of a subject a workflow ($1) publishes: one of a workflow not in draft, finished there by its rule or
 * by its team's hand (`manual`, a team decision), not by leaving it (`unlinked`), still in it, not a gold-standard
 * subject (whose consensus would tell its known answers), not taken down.
 */
const PUBLISHED = [
  "EXISTS (SELECT 1 FROM workflows w WHERE w.id = $1 AND w.status <> 'draft')",
  `st.retirement_reason IN (${[...RULE_RETIREMENT_REASONS, 'manual'].map((reason) => `'${reason}'`).join(', ')})`,
  `NOT ${isUnlinked('st')}`,
  'NOT st.gold_standard',
  `NOT ${takenDownSql('st.subject_id')}`,
];

/** The results of the subjects of a list ($2) that the workflow ($1) publishes (`PUBLISHED`), read by their hot rows' key. */
const PUBLISHED_RESULTS = `
  SELECT published.*, w.name AS workflow_name
  FROM (${subjectResults(byId(['st.subject_id = ANY($2::uuid[])', ...PUBLISHED], 'ALL'), { result: false })}) published JOIN workflows w ON w.id = $1
  ORDER BY published.subject_id`;

/**
 * A classification as the caller sees it: a reviewer sees its volunteer's kind only (neither id nor name: reviewers
 * are volunteers, who see no other volunteer), and not whether it was of a gold-standard subject.
 */
const toClassification = (row: ClassificationRow, role: ProjectRole): SubjectClassification => ({
  id: row.id,
  volunteerId: role === 'reviewer' ? null : row.user_id,
  volunteer: { kind: row.user_kind, name: role === 'reviewer' ? null : row.user_name },
  workflowVersion: row.workflow_version,
  createdAt: row.created_at.toISOString(),
  annotations: row.annotations,
  goldStandard: role === 'reviewer' ? null : row.gold_standard,
  afterRetirement: row.after_retirement,
  madeInDraft: row.made_in_draft,
});

/**
 * A reviewer's filter or sort by a private metadata field (`#`, `//`, `!`) would tell its values apart: 403 naming the
 * parameter, as they are not shown the field.
 */
function refusePrivateMetadata({ metadata, sort }: SubjectResultsQuery): void {
  const named: [parameter: string, key: string][] = [...Object.keys(metadata).map((key): [string, string] => [`metadata.${key}`, key]), ...(typeof sort === 'object' ? [['sort', sort.metadata] as [string, string]] : [])];
  const refused = named.filter(([, key]) => isPrivateMetadataKey(key));
  if (!refused.length) return;
  throw new ProblemException(
    403,
    'Metadata fields whose names start with #, // or ! are for researchers only: a reviewer sees, filters and sorts by the fields volunteers see.',
    refused.map(([parameter, key]) => ({ pointer: `/query/${parameter}`, message: `names the private metadata field "${key}": filter or sort by a field volunteers see` })),
    'private-metadata',
  );
}

/**
 * A workflow's results subject by subject, for its researchers (who may download them whole) and its reviewers (who
 * check its consensus): each subject's classifications counted, its retirement and its consensus, read as the
 * consensus download reads it; and one subject's every classification, its volunteers named as the raw download names
 * them (id, and a registered one's display name). A reviewer reads only the subjects in their reach (`inReviewersReach`),
 * each without what tells known answers, the researchers' private fields or who other volunteers are.
 */
@Injectable()
export class SubjectResultsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
  ) {}

  /** A page of the workflow's subjects with their results, in subject id order, externalId order, a metadata field's order or the most favourites first, those the filters pass. */
  async page(workflowId: string, query: SubjectResultsQuery, user: AuthUser): Promise<SubjectResultPage> {
    const { workflow, role } = await this.workflows.requireReviewer(workflowId, user);
    if (role === 'reviewer') refusePrivateMetadata(query);
    const { sql, parameters } = subjectResultsPage(workflow.projectId, workflowId, query, role === 'reviewer' ? user.id : undefined);
    const rows = await this.db.query<SubjectResultRow[]>(sql, parameters);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return { subjects: page.map((row) => toResult(row, { role, userId: user.id })), next: rows.length > query.limit && last ? subjectResultsCursor(afterRow(query.sort, last)) : null };
  }

  /**
   * The subject's results as the workflows' project publishes them (`toPublished`), one for each of the workflows that
   * publishes it (`PUBLISHED`), in their order. The caller has checked that the project publishes its results and that
   * the caller may read these workflows.
   */
  async published(workflowIds: readonly string[], subjectId: string): Promise<PublishedResult[]> {
    return (await Promise.all(workflowIds.map((workflowId) => this.publishedIn(workflowId, [subjectId])))).flat();
  }

  /**
   * Those of the subjects (`subjectIds`) the workflow publishes (`PUBLISHED`), as its project publishes them
   * (`toPublished`), in subject id order; the others left out. The caller has checked what `published` says it checked.
   */
  async publishedIn(workflowId: string, subjectIds: readonly string[]): Promise<PublishedResult[]> {
    return (await this.publishedWithWithheldIn(workflowId, subjectIds)).map(({ result }) => result);
  }

  /** `publishedIn`, each result with why it leaves each task out that it leaves out (`withheldFor`), by task key. */
  async publishedWithWithheldIn(workflowId: string, subjectIds: readonly string[]): Promise<{ result: PublishedResult; withheld: Map<string, WithheldTask> }[]> {
    const rows = await this.db.query<(SubjectResultRow & { workflow_name: string })[]>(PUBLISHED_RESULTS, [workflowId, subjectIds]);
    return rows.flatMap((row) => {
      if (!row.retired_at) return [];
      const reviews = publishedReviews(row);
      const withheld = Object.entries(row.tasks ?? {}).flatMap(([task, stored]): [string, WithheldTask][] => {
        const why = withheldFor(taskConsensusView(stored), reviews.has(task));
        return why ? [[task, why]] : [];
      });
      return [{ result: toPublished({ ...row, retired_at: row.retired_at }), withheld: new Map(withheld) }];
    });
  }

  /**
   * One subject of the workflow, with each task's whole consensus, a page of its classifications, oldest first, and the
   * sets the workflow's effects put it in, and those other workflows' effects put it in that feed this one: any subject the consensus download has a row for, one that left the
   * workflow (out of the list, as of the stats) too.
   */
  async subject(workflowId: string, subjectId: string, { limit, after }: SubjectResultQuery, user: AuthUser): Promise<SubjectResultDetail> {
    const { role } = await this.workflows.requireReviewer(workflowId, user);
    const reviewer = role === 'reviewer';
    const [[row], classifications, routing, routedFrom, inReach] = await Promise.all([
      this.db.query<SubjectResultRow[]>(subjectResults(byId(['st.subject_id = $2'], '1'), { result: true }), [workflowId, subjectId]),
      this.db.query<ClassificationRow[]>(CLASSIFICATIONS, [workflowId, subjectId, after?.time ?? null, after?.id ?? null, limit + 1]),
      reviewer ? [] : this.db.query<RoutingRow[]>(ROUTING, [workflowId, subjectId]),
      reviewer ? [] : this.db.query<Parameters<typeof toRoutedIn>[0][]>(ROUTED_FROM, [workflowId, subjectId]),
      reviewer ? this.db.query<unknown[]>(IN_REVIEWERS_REACH, [workflowId, subjectId, user.id]) : [true],
    ]);
    // A reviewer's reach first: an id out of it, one the workflow has no row for too, is refused them alike.
    if (!inReach.length || !row) throw noSubjectFor(role, subjectId, workflowId);
    const { page, next } = timePage(classifications, limit);
    return {
      ...toResult(row, { role, userId: user.id }),
      leftWorkflow: row.left_workflow,
      consensus: Object.fromEntries(Object.entries(row.tasks ?? {}).map(([task, stored]) => [task, { ...taskConsensusView(stored), result: stored.result, words: wordsOf(stored) }])),
      classifications: page.map((classification) => toClassification(classification, role)),
      nextClassifications: next,
      // Not to a reviewer: the sets' names and who took it out are the researchers' (a set of known answers, a researcher's id).
      routing: reviewer ? null : routing.map(toRoute),
      routedFrom: reviewer ? null : routedFrom.map(toRoutedIn),
    };
  }
}
