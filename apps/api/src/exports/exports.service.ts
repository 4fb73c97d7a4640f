import type { Transform } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DownloadSort, DownloadLink, DownloadMetadata, ExportFormat, TranscriptionFormat } from '@chorus/client';
import type { Task, WorkflowDefinition } from '@chorus/tasks';
import { byExcludedVolunteerOfWorkflowSql, byExcludedVolunteerSql, inNaturalOrder, isUnlinked, type Project, type SubjectSet, type Workflow, storedConsensusOf } from '@chorus/db';
import type { AuthUser } from '../auth/auth.decorators';
import type { TokenSession } from '../auth/ended-sessions';
import { isApiKey } from '../auth/api-keys';
import { ProblemException } from '../common/problem';
import { favouriteCountSql } from '../favourites/favourite-sql';
import { hiddenTagsSql } from '../tags/hidden-tags-sql';
import { inTakenDownSql, isTakenDownSql, retiredByColumns, takenDownSql } from '../retirement/retired-by-sql';
import { CONSENSUS_CHANGED, REVIEWS_WITH_CONSENSUS } from '../consensus-reviews/review-sql';
import { API_PREFIX } from '../common/routes';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ReporterPseudonyms } from '../subject-reports/reporter-pseudonyms';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { WorkflowsService } from '../workflows/workflows.service';
import { type ClassificationRow, type ProjectClassificationRow, type VersionRead, classificationColumns, classificationListColumns, definitionsByVersion, flattenClassification, flattenProjectClassification, projectClassificationColumns, taskKeysOf } from './classification-rows';
import { type ConsensusRow, columnsOf, consensusListColumns, flatten } from './consensus-rows';
import { COMMENT_COLUMNS, COMMENT_LIST_COLUMNS, COMMENT_ROWS, COMMENT_ROWS_SINCE, type CommentRow, flattenComment } from './comment-rows';
import { SUBJECT_REPORT_COLUMNS, type SubjectReportRow, flattenSubjectReport } from './subject-report-rows';
import { type DownloadForm, contentTypes, serializer } from './export-format';
import { CONTRIBUTOR_ROWS, CONTRIBUTOR_SUMMARY, type ContributorRow, type ContributorSummary, OTHER_VOLUNTEERS_HEADER, contributorsWriter, flattenContributor } from './contributor-rows';
import { DownloadLinks, type DownloadTarget, type OwnDownloadKind, type ProjectDownloadKind, type PublishedTextTarget, isOwnDownload } from './download-links';
import { downloadName } from './download-names';
import { type ExportDownload, ExportStreams, type SnapshotRead } from './export-streams';
import { metadataFormOf } from './metadata-columns';
import { OWN_CLASSIFICATION_COLUMNS, OWN_CLASSIFICATION_ROWS, OWN_CLASSIFICATION_VERSIONS, type OwnClassificationRow, ownClassificationRecord, ownClassificationsNeedAnAccount } from './own-classification-rows';
import { OWN_COMMENT_COLUMNS, OWN_COMMENT_LIST_COLUMNS, OWN_COMMENT_ROWS, ownCommentRecord, ownCommentsNeedAnAccount } from './own-comment-rows';
import type { OwnCommentRow } from '../discussions/own-comments';
import { SUBJECT_SET_ROWS, type SubjectSetRow, flattenSetSubject, subjectSetColumns, subjectSetColumnsOf } from './subject-set-rows';
import { withheldWhileTakenDownSql } from './withheld-while-taken-down';
import { CANVAS_KEYS, metadataKeyMisread } from '../subject-sets/subject-files';
import type { DownloadLinkRequest, OwnDownloadFile, ProjectClassificationPlace } from './dto/download.dto';
import { IIIF_COUNT_HEADERS, type LeftOut, type TeiDocumentOf, type TranscriptionRow, iiifCountHeaders, iiifWriter, teiWriter, textWriter, transcriptionPage } from './transcription-documents';

/**
 * The sets the workflow's ($1) effects put each of its subjects in and it is still in, with what decided each, and those
 * it left since, as its results' `routing` lists them, from effect memberships `e` (only the workflow's own count, where others are read
 * too): aggregated once for the workflow and joined (`ROUTING`), not looked up subject by subject (at 100,000 subjects, a third
 * of them routed, a lookup each read a third more buffers than the download without routing; the aggregate, a
 * thousandth more); one subject's (`routingOf`) for the rows in externalId order, each read on its own (joined to the
 * aggregate, the planner sorted whole rows again).
 */
const ROUTED = `
         string_agg(e.subject_set_id::text, ';' ORDER BY e.added_at, e.subject_set_id) FILTER (WHERE e.workflow_id = $1 AND e.left_at IS NULL) AS routed_into,
         string_agg(e.subject_set_id::text, ';' ORDER BY e.left_at, e.subject_set_id) FILTER (WHERE e.workflow_id = $1 AND e.left_at IS NOT NULL) AS routed_out_of,
         jsonb_object_agg(e.subject_set_id::text, e.decided_by) FILTER (WHERE e.workflow_id = $1 AND e.left_at IS NULL) AS routing_decisions`;
const ROUTING = `SELECT e.subject_id, ${ROUTED} FROM effect_memberships e WHERE e.workflow_id = $1 GROUP BY e.subject_id`;

/**
 * Each other workflow whose effect put a subject in a set that feeds the workflow ($1), the earliest first, as the
 * results' `routedFrom` lists them (`routed_from_workflow_ids`): aggregated once for the workflow and joined, as
 * `ROUTING` is, from the linked sets' memberships, read through their index by set (`effect_memberships_set_subject_idx`).
 */
const ROUTED_FROM = `
  SELECT f.subject_id, string_agg(f.workflow_id::text, ';' ORDER BY f.added_at, f.workflow_id) AS routed_from_workflow_ids
  FROM (SELECT e.subject_id, e.workflow_id, min(e.added_at) AS added_at
        FROM workflow_subject_sets l JOIN effect_memberships e ON e.subject_set_id = l.subject_set_id
        WHERE l.workflow_id = $1 AND e.workflow_id <> $1 GROUP BY e.subject_id, e.workflow_id) f
  GROUP BY f.subject_id`;

/** Effect membership `m` was routed in: another workflow's, in a set linked to the workflow ($1). */
const routedInSql = (m: string) =>
  `${m}.workflow_id <> $1 AND EXISTS (SELECT 1 FROM workflow_subject_sets l WHERE l.workflow_id = $1 AND l.subject_set_id = ${m}.subject_set_id)`;

/**
 * One subject's `ROUTED` and `ROUTED_FROM` (`subject`: SQL of its id) from one read of its memberships, by the primary
 * key (a second lookup for `ROUTED_FROM` read a tenth more buffers in externalId order; this, about 1 % more at 20,000
 * subjects, a third routed in): each workflow by its first membership routed in.
 */
const routingOf = (subject: string) => `
  SELECT ${ROUTED},
         string_agg(e.workflow_id::text, ';' ORDER BY e.added_at, e.workflow_id) FILTER (WHERE e.first_routed_in) AS routed_from_workflow_ids
  FROM (SELECT e.*, e.routed_in AND row_number() OVER (PARTITION BY e.workflow_id, e.routed_in ORDER BY e.added_at, e.subject_set_id) = 1 AS first_routed_in
        FROM (SELECT e.*, ${routedInSql('e')} AS routed_in FROM effect_memberships e WHERE e.subject_id = ${subject}) e) e`;

/** The sets of the workflow's ($1) project numbered oldest first (`ord`), as `subject_set_ids` lists a subject's. */
const SET_ORDER = `set_order AS MATERIALIZED (
    SELECT ss.id, row_number() OVER (ORDER BY ss.created_at, ss.id) AS ord FROM subject_sets ss JOIN workflows w ON w.project_id = ss.project_id WHERE w.id = $1)`;

/**
 * A subject's consensus row, from `st` (its hot row) joined to `s` (the subject): each column as its name and the SQL
 * that reads it. $2: the workflow's training set, or null. The project's sets are numbered once (`set_order`, below),
 * so that each row's sets come oldest first without a lookup of each set (which tripled the query's time).
 */
export const CONSENSUS_ROW_SELECT: readonly (readonly [name: keyof ConsensusRow, sql: string])[] = [
  ['subject_id', 'st.subject_id'],
  ['external_id', 's.external_id'],
  ['subject_metadata', withheldWhileTakenDownSql('s.id', 's.metadata')],
  ['subject_locations', withheldWhileTakenDownSql('s.id', 's.locations')],
  ['gold_standard', 'st.gold_standard'],
  ['known_answers', 's.gold_standard'],
  ['updated_at', 'greatest(st.updated_at, sets.joined_at)'],
  ['training', 'EXISTS (SELECT 1 FROM subject_set_members m WHERE m.subject_set_id = $2 AND m.subject_id = st.subject_id)'],
  ['subject_set_ids', 'sets.ids'],
  ['priority', 'st.priority'],
  ['retired_at', 'st.retired_at'],
  ['retirement_reason', 'st.retirement_reason'],
  ['retirement_note', "st.retirement_detail->>'reason'"],
  ['unretired_at', 'st.unretired_at'],
  ['unretired_by', 'st.unretired_by'],
  ['unretired_by_role', 'st.unretired_by_role'],
  ['unretirement_note', 'st.unretirement_note'],
  ['unretired_retirement', 'st.unretired_retirement'],
  ...retiredByColumns('st', '$1'),
  ['retired_by_classification_id', 'st.retired_by_classification_id'],
  ['retired_under_version', 'st.retired_under_version'],
  // The subject's, as results and the queue have it (taken down while any workflow's row is); the retirement it took over, this row's.
  ['taken_down', takenDownSql('st.subject_id')],
  ['retired_before_take_down', `CASE WHEN ${isTakenDownSql('st')} THEN st.retirement_detail->'earlier' END`],
  ['classification_count', 'st.classification_count - st.draft_tries'],
  ['draft_tries', 'st.draft_tries'],
  ['favourites', favouriteCountSql('st.subject_id')],
  ['workflow_version', 'stored_consensus.workflow_version'],
  ['tasks', "coalesce(stored_consensus.tasks, '{}'::jsonb)"],
  ['routed_into', 'routing.routed_into'],
  ['routed_out_of', 'routing.routed_out_of'],
  ['routing_decisions', 'routing.routing_decisions'],
  ['routed_from_workflow_ids', 'routed_from.routed_from_workflow_ids'],
  ['left_workflow', isUnlinked('st')],
  ['hidden_tags', hiddenTagsSql('$1', 'st.subject_id')],
  ['left_workflow_at', 'NULL::timestamptz'],
  [
    'reviews',
    `(SELECT jsonb_object_agg(r.task, jsonb_build_object('state', r.state, 'value', r.value, 'consensus_changed', ${CONSENSUS_CHANGED}))
      FROM ${REVIEWS_WITH_CONSENSUS} WHERE r.workflow_id = $1 AND r.subject_id = st.subject_id)`,
  ],
];
/** The columns of a row of a set's download: then `left_subject_set_at`, null but on its tombstones (`SET_TOMBSTONE`). */
export const withLeftSet = <Row extends { left_subject_set_at?: Date | null }>(select: readonly (readonly [keyof Row, string])[]) =>
  [...select, ['left_subject_set_at', 'NULL::timestamptz']] as const;
export const SET_CONSENSUS_ROW_SELECT = withLeftSet<ConsensusRow>(CONSENSUS_ROW_SELECT);
const selectList = (select: readonly (readonly [string, string])[]) => select.map(([name, sql]) => `${sql} AS ${name}`).join(',\n  ');
const CONSENSUS_ROW_COLUMNS = selectList(CONSENSUS_ROW_SELECT);
const SET_CONSENSUS_ROW_COLUMNS = selectList(SET_CONSENSUS_ROW_SELECT);

/**
 * A tombstone's values by column, from `d` (the subject's departure) and `s` (the subject, if not deleted since): its
 * ids, and when it left as `updated_at` and as the column that says what it left: the workflow (`WORKFLOW_TOMBSTONE`,
 * subject_workflow_departures) or the set a download is limited to (`SET_TOMBSTONE`, subject_set_departures).
 */
const DEPARTED = { subject_id: 'd.subject_id', external_id: 'coalesce(s.external_id, d.external_id)', updated_at: 'd.left_at' };
export const WORKFLOW_TOMBSTONE: Readonly<Record<string, string>> = { ...DEPARTED, left_workflow_at: 'd.left_at' };
export const SET_TOMBSTONE: Readonly<Record<string, string>> = { ...DEPARTED, left_subject_set_at: 'd.left_at' };

/**
 * A tombstone's values in the order of a row's columns (`select`; `UNION ALL` matches them by position): built from
 * that list, so that a column added to it is null here, never another column's value moved along.
 */
export const tombstoneValues = (select: readonly (readonly [string, string])[] = CONSENSUS_ROW_SELECT, tombstone = WORKFLOW_TOMBSTONE) => select.map(([name]) => tombstone[name] ?? 'NULL');

/**
 * The subjects that left set `set` (its parameter) at or after `since` (null: none) and are not in it again, as `d`
 * (`subject_set_departures`, read by set along its primary key: the set's own, never the table's), each with its
 * subject as `s` (none if deleted since).
 */
const setDepartures = (set: string, since: string) => `subject_set_departures d LEFT JOIN subjects s ON s.id = d.subject_id
   WHERE ${since}::timestamptz IS NOT NULL AND d.subject_set_id = ${set}::uuid AND d.left_at >= ${since}
     AND NOT EXISTS (SELECT 1 FROM subject_set_members m WHERE m.subject_set_id = d.subject_set_id AND m.subject_id = d.subject_id)`;

/**
 * What a consensus row joins after its subject: its sets, and when it last joined one (a row changes when its
 * subject_set_ids do), its consensus, and its `routing` and `routed_from` (`routing`: the joins of them).
 */
const consensusRowJoins = (routing: string) => `
  LEFT JOIN LATERAL (
    SELECT array_to_string(array_agg(m.subject_set_id ORDER BY o.ord), ';') AS ids, max(m.created_at) AS joined_at
    FROM subject_set_members m JOIN set_order o ON o.id = m.subject_set_id WHERE m.subject_id = st.subject_id) sets ON true
  ${storedConsensusOf('st')}
  ${routing}`;

/**
 * What a download's rows in subject order are read from: the workflow's ($1) rows of \`table\`, as \`alias\`; of a set
 * (\`set\`, its parameter), its members (\`ms\`) along their primary key (set, subject), so in subject id order
 * (\`bySubject\`), each one's rows read on their own (OFFSET 0). Filtered with an EXISTS of each row's membership instead, the planner took a
 * set of 2,000 in a workflow of 6,000 for 462 rows, hashed the workflow's rows with the members and sorted them before
 * the first.
 */
const rowsOf = (table: string, alias: string, set: string | undefined) =>
  set
    ? `(SELECT ms.subject_id, ms.created_at FROM subject_set_members ms WHERE ms.subject_set_id = ${set}::uuid) ms
   CROSS JOIN LATERAL (SELECT ${alias}.* FROM ${table} ${alias} WHERE ${alias}.workflow_id = $1 AND ${alias}.subject_id = ms.subject_id OFFSET 0) ${alias}`
    : `${table} ${alias}`;
const bySubject = (alias: string, set: string | undefined) => `${set ? 'ms' : alias}.subject_id`;

/**
 * The subjects with an externalId in the natural order of their externalIds (`inNaturalOrder`), as \`named\` (\`id\`,
 * \`external_id\`), its own subquery (OFFSET 0) so that only this narrow list is ordered: the project's (\`project\`, its
 * parameter), read from \`subjects_external_id_natural_idx\`; of a set (\`set\`), its members along their primary key,
 * each one's subject read on its own, so that a set's download sorts its own ids, never the project's.
 */
const namedInOrder = (project: string, set: string | undefined) =>
  set
    ? `(SELECT s.id, ${inNaturalOrder('s.external_id')} AS external_id, ms.created_at AS joined_at FROM subject_set_members ms
        CROSS JOIN LATERAL (SELECT s.id, s.external_id FROM subjects s WHERE s.id = ms.subject_id OFFSET 0) s
        WHERE ms.subject_set_id = ${set}::uuid AND s.external_id IS NOT NULL ORDER BY ${inNaturalOrder('s.external_id')} OFFSET 0) named`
    : `(SELECT s.id, ${inNaturalOrder('s.external_id')} AS external_id FROM subjects s WHERE s.project_id = ${project} AND s.external_id IS NOT NULL ORDER BY ${inNaturalOrder('s.external_id')} OFFSET 0) named`;

/**
 * $3: only the subjects whose row changed at or after it, or null for all. Filtered on the hot row before the joins,
 * so that a small incremental download reads only its rows' sets.
 */
const changedSince = (since: string) =>
  `(${since}::timestamptz IS NULL OR st.updated_at >= ${since} OR EXISTS (SELECT 1 FROM subject_set_members m WHERE m.subject_id = st.subject_id AND m.created_at >= ${since}))`;
const CHANGED_SINCE = changedSince('$3');

/**
 * The ids of the subjects of the workflow's ($1) consensus rows, those whose row changed since $2 (or null for all), of
 * set $3 alone with `inSet`: for their metadata's keys.
 */
const consensusSubjects = (inSet: boolean) => `SELECT st.subject_id FROM ${rowsOf('subject_workflow_status', 'st', inSet ? '$3' : undefined)} WHERE st.workflow_id = $1 AND ${changedSince('$2')}`;

/**
 * The workflow's rows in subject id order: the hot rows' primary key, so that the cursor streams from the first row
 * without sorting. Each row's subject is read by its primary key (OFFSET 0: never joined whole): joined, once the
 * subjects table held other projects' too (100,000 of them, 20,000 of the workflow's), the planner scanned it whole,
 * hashed the workflow's rows and sorted them, wide, before the first.
 */
const ROWS_BY_ID = (subjects: string, set?: string) => `
  (SELECT ${set ? SET_CONSENSUS_ROW_COLUMNS : CONSENSUS_ROW_COLUMNS}
   FROM ${rowsOf('subject_workflow_status', 'st', set)}
   CROSS JOIN LATERAL (SELECT s.id, s.external_id, s.metadata, s.locations, s.gold_standard FROM subjects s WHERE s.id = st.subject_id OFFSET 0) s
   ${consensusRowJoins('LEFT JOIN routing ON routing.subject_id = st.subject_id LEFT JOIN routed_from ON routed_from.subject_id = st.subject_id')}
   WHERE st.workflow_id = $1 AND ${CHANGED_SINCE} ${subjects}
   ORDER BY ${bySubject('st', set)})`;

/**
 * The rows in each download order (`sort`), of set `set`'s subjects alone with one. `externalId`: the subjects with one in the natural order of the project's
 * ($4) externalIds (of the set's alone, `set` in its place: `namedInOrder`) (`inNaturalOrder`: the numbers within them as numbers), each subject's row then read on its own, so
 * that the cursor streams from the first row and only the narrow list of ids is ordered (read from `subjects_external_id_natural_idx`, or
 * sorted: at 100,000 subjects a sort of whole rows kept the first row back as long as the whole download took), then
 * those without one in id order (as the lab's results list them).
 */
const rowsInOrder = (set: string | undefined): Record<DownloadSort, string> => ({
  id: ROWS_BY_ID('', set),
  externalId: `
  (SELECT consensus_row.* FROM ${namedInOrder('$4', set)}
   -- Its own subquery (OFFSET 0), never joined as a whole: the rows come in the ids' order, not sorted again.
   CROSS JOIN LATERAL (
     SELECT ${set ? SET_CONSENSUS_ROW_COLUMNS : CONSENSUS_ROW_COLUMNS}
     FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
     ${consensusRowJoins(`LEFT JOIN LATERAL (${routingOf('st.subject_id')}) routing ON true CROSS JOIN LATERAL (SELECT routing.routed_from_workflow_ids) routed_from`)}
     WHERE st.workflow_id = $1 AND st.subject_id = named.id AND ${CHANGED_SINCE} OFFSET 0) consensus_row
   ORDER BY ${inNaturalOrder('named.external_id')})
  UNION ALL
  ${ROWS_BY_ID('AND s.external_id IS NULL', set)}`,
});

/**
 * The workflow's rows in the order `sort` names; with `since` ($3), only the subjects whose row changed at or after it
 * (or null for all), then a tombstone for each subject that left the workflow without a row kept there at or after it
 * and has not come back (`subject_workflow_departures`). With `set` (the parameter of a subjectSetId, `$4`), only
 * the rows of the set's members, then the tombstones of those that left the set (`setDepartures`) instead: a member of
 * a set the workflow serves (`servedSet`) always has its row there (linking a set or adding to it makes its members'
 * rows; only one in no linked set loses it), so none left the workflow.
 */
export const consensusRows = (sort: DownloadSort, set?: string) => `
  WITH routing AS (${ROUTING}),
  routed_from AS (${ROUTED_FROM}),
  ${SET_ORDER}
  ${rowsInOrder(set)[sort]}${
    set
      ? `
  UNION ALL
  (SELECT ${tombstoneValues(SET_CONSENSUS_ROW_SELECT, SET_TOMBSTONE).join(', ')}
   FROM ${setDepartures(set, '$3')})`
      : `
  UNION ALL
  (SELECT ${tombstoneValues().join(', ')}
   FROM subject_workflow_departures d LEFT JOIN subjects s ON s.id = d.subject_id
   WHERE $3::timestamptz IS NOT NULL AND d.workflow_id = $1 AND d.left_at >= $3
     AND NOT EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = d.workflow_id AND st.subject_id = d.subject_id))`
  }`;

/** The SQL of a consensus row's column (`CONSENSUS_ROW_SELECT`), for a download that reads it as the consensus download does. */
const consensusColumn = (name: keyof ConsensusRow) => CONSENSUS_ROW_SELECT.find(([column]) => column === name)![1];

/**
 * A subject (`s`) read from a IIIF manifest (`CANVAS_KEYS`) whose externalId, the canvas id, is an http(s) URI, so that
 * an annotation's `target` is one.
 */
const IS_CANVAS = `(s.external_id ~* '^https?://' AND s.metadata ?& array['${CANVAS_KEYS.manifest}', '${CANVAS_KEYS.label}'])`;

/**
 * What subject `s` is a page of, the TEI download's `facs`: its canvas's id when it is one (`IS_CANVAS`, from the
 * subject's metadata), else its first image's URL; null for neither (a text). `s.locations` as stored, as the TEI
 * page withholds it while the subject is taken down (`transcriptionPage`).
 */
const FACS = `CASE WHEN ${IS_CANVAS} THEN s.external_id ELSE (SELECT l->>'url' FROM jsonb_array_elements(s.locations) l WHERE l->>'type' = 'image' LIMIT 1) END`;

/**
 * Whether a page has a text: the review's value (`review`: jsonb, SQL null when the task is not reviewed) when it is
 * reviewed, else the consensus answer (`answer`), not empty. `settledAnswerCell`'s rule for a transcription (whose
 * answer is its text as stored), asked by each page and by the IIIF download's counts alike.
 */
const hasTextSql = (review: string, answer: string) => `coalesce(CASE WHEN ${review} IS NOT NULL THEN ${review} #>> '{}' ELSE ${answer} END, '') <> ''`;

/**
 * Why the IIIF download leaves a subject out (`LeftOut`), or null for one it annotates, from three booleans' SQL: taken
 * down (its metadata withheld as the consensus download withholds it, and with it what makes it a canvas), not a
 * canvas (`IS_CANVAS`), without a text (`hasTextSql`).
 */
const leftOutSql = (takenDown: string, canvas: string, hasText: string) =>
  `CASE WHEN ${takenDown} THEN '${'takenDown' satisfies LeftOut}' WHEN ${canvas} IS NOT TRUE THEN '${'notCanvas' satisfies LeftOut}' WHEN NOT ${hasText} THEN '${'withoutText' satisfies LeftOut}' END`;

/**
 * Membership `m` (of `subject_set_members`) is one a researcher made (an upload), not one a routing effect made and
 * keeps (`effect_memberships`). A probe of the membership's effect (`OFFSET 0`: a subplan per membership, never a hash
 * of every effect built first, nor the walk's order lost to a hash join).
 */
const madeByResearcherSql = (m: string) =>
  `NOT EXISTS (SELECT 1 FROM effect_memberships e WHERE e.subject_id = ${m}.subject_id AND e.subject_set_id = ${m}.subject_set_id AND e.left_at IS NULL OFFSET 0)`;

/**
 * The page of the workflow's ($1) subject `subject` (SQL of its id), joined as `page`: task $2's consensus and review
 * as the consensus download reads them, and with `facs` its `FACS` (only the TEI download reads it: the others never
 * read a subject's locations); none for a subject without a hot row in the workflow. Read on its own (OFFSET 0), by
 * primary keys. `pageColumns` are what a row gives of it.
 */
const pageOf = (subject: string, facs: boolean) => `CROSS JOIN LATERAL (
    SELECT task.*, ${hasTextSql("task.review->'value'", "task.consensus->>'answer'")} AS has_text FROM (
      SELECT st.subject_id, s.external_id, ${consensusColumn('taken_down')} AS taken_down, ${IS_CANVAS} AS canvas,${facs ? ` ${FACS} AS facs,` : ''}
             stored_consensus.tasks->$2::text AS consensus, ${consensusColumn('reviews')}->$2::text AS review
      FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
      ${storedConsensusOf('st', { result: false, task: '$2::text' })}
      WHERE st.workflow_id = $1 AND st.subject_id = ${subject} OFFSET 0) task) page`;
const pageColumns = (facs: boolean) => `page.subject_id, page.external_id, page.taken_down, page.consensus, page.review, page.has_text,${facs ? ' page.facs,' : ''}
         ${leftOutSql('page.taken_down', 'page.canvas', 'page.has_text')} AS left_out`;

/** A LIMIT of a null (every row) the planner cannot evaluate, so it plans for a tenth of the rows: an index's order, not a sort. */
const EVERY_ROW = 'LIMIT (SELECT NULL::bigint)';

/** A set's own order of its members `m` (of `subject_set_members`): their positions, then subject ids; `subject_set_members_order_idx` holds it. */
export const setOrderSql = (m: string) => `${m}.position, ${m}.subject_id`;

/**
 * The sets of `sets` (a CTE of `id` and `ord`, the set's age) walked oldest first, as `walked`, and the members of each
 * that `condition` keeps, as `member`, in the set's order along its members' index (`subject_set_members_order_idx`),
 * each tested on its own: a lateral join is a nested loop, which keeps its outer side's order, so the members come in
 * document order, nothing sorted.
 */
const walkedMembers = (sets: string, condition: string) => `(SELECT id, ord FROM ${sets} ORDER BY ord) walked
   CROSS JOIN LATERAL (
     SELECT m.subject_id FROM subject_set_members m WHERE m.subject_set_id = walked.id AND ${condition}
     ORDER BY ${setOrderSql('m')} ${EVERY_ROW}) member`;

/**
 * No membership of member `m` of set `walked` comes before it: none in the sets of `sets` (a CTE of `id` and `ord`)
 * that `kept` (SQL of membership `earlier`) keeps, by set age then position. A probe of the subject's few memberships
 * (`OFFSET 0`: a subplan per member, never a hash of them all built first).
 */
const noEarlierSql = (sets: string, kept = 'true') =>
  `NOT EXISTS (SELECT 1 FROM subject_set_members earlier JOIN ${sets} es ON es.id = earlier.subject_set_id
               WHERE earlier.subject_id = m.subject_id AND (es.ord, earlier.position) < (walked.ord, m.position) AND ${kept} OFFSET 0)`;

/**
 * The workflow's ($1) subjects, each with task $2's consensus and review as the consensus download reads them (and with
 * `facs`, what it is a page of: `pageOf`), in document order: by the subject's first membership, memberships a researcher made (`madeByResearcherSql`) in a set
 * linked to the workflow first, then any other (routed, or in a set the workflow is not fed by), each by its set's age
 * (`set_order`) then the subject's position there; then by subject id; those in no set last. So a routing, or an upload
 * to a set the workflow is not fed by, moves no page; an upload to an older set linked to the workflow does (to that
 * set's place), and so does linking or unlinking a set (its members' memberships change kind).
 *
 * So that the first page comes at once, whatever the workflow's size and however its sets are filled, nothing is
 * sorted or hashed: three walks, each read once the one before has given every row (UNION ALL). The linked sets, oldest
 * first (`walkedMembers`): a member is a page there if a researcher made that membership and none earlier in a linked
 * set. Then every set of the project, oldest first: a member is a page there if its subject has no membership a
 * researcher made in a linked set and none earlier in any set: a routed one, or one in a set the workflow is not fed
 * by; every subject of a workflow that only routing feeds (README, multi-stage workflows). A member without a hot row
 * in the workflow has none (`pageOf`). Last the subjects in no set, along the hot rows' key (workflow, subject). Sorted
 * whole, the statement read and ordered every subject of the workflow before the first page: 15 s and more at a million
 * subjects (bench/README.md, "Transcriptions as documents at scale").
 */
const transcriptionRows = (facs: boolean) => `
  WITH ${SET_ORDER},
  linked AS MATERIALIZED (SELECT o.id, o.ord FROM set_order o JOIN workflow_subject_sets l ON l.subject_set_id = o.id WHERE l.workflow_id = $1)
  (SELECT ${pageColumns(facs)} FROM ${walkedMembers('linked', `${madeByResearcherSql('m')} AND ${noEarlierSql('linked', madeByResearcherSql('earlier'))}`)}
   ${pageOf('member.subject_id', facs)})
  UNION ALL
  (SELECT ${pageColumns(facs)} FROM ${walkedMembers('set_order', `NOT EXISTS (SELECT 1 FROM subject_set_members r JOIN linked l ON l.id = r.subject_set_id WHERE r.subject_id = m.subject_id AND ${madeByResearcherSql('r')} OFFSET 0)
       AND ${noEarlierSql('set_order')}`)}
   ${pageOf('member.subject_id', facs)})
  UNION ALL
  (SELECT ${pageColumns(facs)} FROM (
     SELECT st.subject_id FROM subject_workflow_status st
     WHERE st.workflow_id = $1 AND NOT EXISTS (SELECT 1 FROM subject_set_members r JOIN set_order o ON o.id = r.subject_set_id WHERE r.subject_id = st.subject_id OFFSET 0)
     ORDER BY st.subject_id ${EVERY_ROW}) alone
   ${pageOf('alone.subject_id', facs)})`;

/**
 * The pages of one set's ($3) members (a download limited to a set: `subjectSetId`), in the set's order along its
 * members' index, whatever other sets they are in too: the workflow's ($1) subjects with task $2's page (`pageOf`).
 */
const setTranscriptionRows = (facs: boolean) => `
  WITH chosen AS (SELECT $3::uuid AS id, 1 AS ord)
  SELECT ${pageColumns(facs)} FROM ${walkedMembers('chosen', 'true')}
  ${pageOf('member.subject_id', facs)}`;

/** Statements for each format: the TEI download's with each page's `facs`, the text and IIIF downloads' without. */
const byFormat = (rows: (facs: boolean) => string): Record<TranscriptionFormat, string> => ({ text: rows(false), iiif: rows(false), tei: rows(true) });

/** `transcriptionRows` for each format, and a set's (`setTranscriptionRows`). */
export const TRANSCRIPTION_ROWS = byFormat(transcriptionRows);
export const SET_TRANSCRIPTION_ROWS = byFormat(setTranscriptionRows);

/**
 * The IIIF download's counts (`iiifCountHeaders`), read before its rows stream: one row, each subject's `leftOutSql`
 * counted, from its hot row, its subject and the task's consensus and review alone (no order, no sets); of set $3's
 * members alone with `inSet`.
 */
const transcriptionCounts = (inSet: boolean) => `
  SELECT ${Object.keys(IIIF_COUNT_HEADERS)
    .map((count) => `count(*) FILTER (WHERE subject.left_out ${count === 'annotations' ? 'IS NULL' : `= '${count}'`}) AS "${count}"`)
    .join(', ')}
  FROM (
    SELECT ${leftOutSql(inTakenDownSql('s.id'), IS_CANVAS, hasTextSql('r.value', 'c.answer'))} AS left_out
    FROM ${rowsOf('subject_workflow_status', 'st', inSet ? '$3' : undefined)} JOIN subjects s ON s.id = st.subject_id
    LEFT JOIN consensus c ON c.workflow_id = st.workflow_id AND c.subject_id = st.subject_id AND c.task = $2::text
    LEFT JOIN consensus_reviews r ON r.workflow_id = st.workflow_id AND r.subject_id = st.subject_id AND r.task = $2::text
    WHERE st.workflow_id = $1) subject`;

/**
 * A classification's row, from `c` (it), `s` (its subject) and `u` (its volunteer): each column as its name and the
 * SQL that reads it. A classification was shown what the first correction of its subject's locations after it
 * replaced, if any. Without the subject's locations (the consensus download's `subject_locations`, one row per
 * subject, to join by subject_id): a text passage's kilobytes would repeat on every classification of it.
 */
export const CLASSIFICATION_ROW_SELECT: readonly (readonly [name: keyof ClassificationRow, sql: string])[] = [
  ['id', 'c.id'],
  ['subject_id', 'c.subject_id'],
  ['external_id', 's.external_id'],
  ['subject_metadata', withheldWhileTakenDownSql('s.id', 's.metadata')],
  [
    'earlier_locations',
    withheldWhileTakenDownSql(
      's.id',
      `(SELECT ch.previous_locations FROM subject_location_changes ch WHERE ch.subject_id = c.subject_id AND ch.changed_at > c.created_at
             ORDER BY ch.changed_at LIMIT 1)`,
    ),
  ],
  ['user_id', 'c.user_id'],
  ['user_kind', 'u.kind'],
  ['user_name', "CASE WHEN u.kind = 'registered' THEN u.display_name END"],
  ['workflow_version', 'c.workflow_version'],
  ['created_at', 'c.created_at'],
  ['updated_at', 'coalesce(c.updated_at, c.created_at)'],
  ['started_at', 'c.started_at'],
  ['finished_at', 'c.finished_at'],
  ['gold_standard', 'c.gold_standard'],
  ['after_retirement', 'c.after_retirement'],
  ['made_in_draft', 'c.made_in_draft'],
  // The project read once for the download (an InitPlan); each row, one primary-key probe.
  ['excluded_volunteer', byExcludedVolunteerOfWorkflowSql('c', '$1')],
  ['classification_metadata', 'c.metadata'],
  ['annotations', 'c.annotations'],
  ['hidden_tags', hiddenTagsSql('c.workflow_id', 'c.subject_id')],
];
export const SET_CLASSIFICATION_ROW_SELECT = withLeftSet<ClassificationRow>(CLASSIFICATION_ROW_SELECT);

/** What a classification's row (`c`) joins: its subject (`s`), read by its primary key, and its volunteer (`u`). */
const CLASSIFICATION_ROW_JOINS = `CROSS JOIN LATERAL (SELECT s.id, s.external_id, s.metadata FROM subjects s WHERE s.id = c.subject_id OFFSET 0) s
  JOIN users u ON u.id = c.user_id`;

/**
 * A classification's row (`CLASSIFICATION_ROW_SELECT`, of a set's download with `set`); with `since` ($2), only those
 * stored or changed (their `after_retirement` flag, their subject's locations corrected) at or after it, or whose
 * subject joined the set a download is limited to then (`joinedAt`, given in a set's download alone, whose rows end with
 * `left_subject_set_at`: SQL of when its membership was made, so that one back in the set is given again). Its subject
 * is read by its primary key (OFFSET 0: never joined whole): joined, the planner read and sorted the whole subjects
 * table, every project's, before the first row (a merge join in the classifications' order).
 */
const classificationRow = (set?: string, joinedAt = set && 'ms.created_at') => `
  SELECT ${selectList(joinedAt ? SET_CLASSIFICATION_ROW_SELECT : CLASSIFICATION_ROW_SELECT)}
  FROM ${rowsOf('classifications', 'c', set)}
  ${CLASSIFICATION_ROW_JOINS}
  WHERE c.workflow_id = $1 AND ${classificationChangedSince(joinedAt)}`;

/** $2: only the classifications stored or changed at or after it, or whose subject joined the set then (`joinedAt`), or null for all. */
const classificationChangedSince = (joinedAt: string | undefined) =>
  `($2::timestamptz IS NULL OR coalesce(c.updated_at, c.created_at) >= $2${joinedAt ? ` OR ${joinedAt} >= $2` : ''})`;

/** A row of the project's ($1) download: the workflow download's, its volunteer's exclusion read from the project itself. */
const PROJECT_CLASSIFICATION_ROW_SELECT = CLASSIFICATION_ROW_SELECT.map(([name, sql]) => [name, name === 'excluded_volunteer' ? byExcludedVolunteerSql('c', '$1::uuid') : sql] as const);

/** Below every workflow, subject and volunteer id: the place before the first row, when the download does not resume. */
const NO_ID = "'00000000-0000-0000-0000-000000000000'::uuid";

/**
 * The project's ($1) classifications, stored or changed since $2 (or null for all), workflow by workflow in id order,
 * each workflow's in its own download's order (subject, then volunteer), read from its unique index as that download
 * reads them: the workflows are walked in order and each one's rows read on their own (a lateral join is a nested loop,
 * which keeps its outer side's order), so that rows stream from the first and nothing is sorted. With a place to resume
 * after ($3 its workflow, $4 its subject, $5 its volunteer: the last row the consumer holds), only the rows after it in
 * that order, by a plain row comparison: no lookup, so a place whose classification has since moved (a guest's, into
 * the account it signed in to) or gone (its subject deleted) still resumes where it was.
 */
export const PROJECT_CLASSIFICATION_ROWS = `
  SELECT w.id AS workflow_id, w.name AS workflow_name, classification_row.*
  FROM (SELECT w.id, w.name FROM workflows w
        WHERE w.project_id = $1 AND w.id >= coalesce($3::uuid, ${NO_ID})
        ORDER BY w.id ${EVERY_ROW}) w
  CROSS JOIN LATERAL (
    SELECT ${selectList(PROJECT_CLASSIFICATION_ROW_SELECT)}
    FROM classifications c
    ${CLASSIFICATION_ROW_JOINS}
    WHERE c.workflow_id = w.id AND ${classificationChangedSince(undefined)}
      AND (c.workflow_id, c.subject_id, c.user_id) > (coalesce($3::uuid, ${NO_ID}), coalesce($4::uuid, ${NO_ID}), coalesce($5::uuid, ${NO_ID}))
    ORDER BY c.subject_id, c.user_id OFFSET 0) classification_row`;

/**
 * Set before `PROJECT_CLASSIFICATION_ROWS` runs, in its transaction: the planner weighs each workflow's rows by the
 * project's average (the workflow is the lateral join's, unknown when it plans), which a project of one large workflow
 * and a few small ones puts far below the large one's; at such a guess, reading them by bitmap and sorting them looked
 * cheaper than the unique index's order, and a large workflow's rows were all sorted before the first went out.
 */
export const PROJECT_CLASSIFICATION_ROWS_UNSORTED = 'SET LOCAL enable_sort = off';

/** Every version of every workflow of the project ($1), to flatten each row by the version it answered; the workflows oldest first. */
const PROJECT_VERSIONS = `
  SELECT v.workflow_id, v.version, v.definition FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id
  WHERE w.project_id = $1 ORDER BY w.created_at, w.id, v.version`;

/**
 * The workflow's classifications in each download order (`sort`). `id`: in the order of the unique index (subject,
 * then volunteer), so that the cursor streams from the first row without sorting the workflow. `externalId`: their
 * subjects in the natural order of the project's ($3) externalIds, as the consensus download's rows (read from
 * `subjects_external_id_natural_idx`), each subject's classifications read on their own (from the unique index) oldest
 * first, then by id (a statement stores several at one moment), so that the order is the same on every download and
 * only a subject's few are sorted; then those of subjects without one, in subject id order, each subject's the same way.
 * With `set` (the parameter of a subjectSetId, `$3`, in place of the project's), only the classifications of the set's
 * members, then with `since` a tombstone for each subject that left the set (`setDepartures`).
 */
export const classificationRows = (set?: string): Record<DownloadSort, string> => {
  const row = classificationRow(set);
  const byId = `${row} ORDER BY ${bySubject('c', set)}, c.user_id`;
  const tombstones = set
    ? `
  UNION ALL
  (SELECT ${tombstoneValues(SET_CLASSIFICATION_ROW_SELECT, SET_TOMBSTONE).join(', ')}
   FROM ${setDepartures(set, '$2')})`
    : '';
  return {
    // In parentheses only before a set's tombstones: without a set, the statement it was.
    id: set ? `(${byId})${tombstones}` : byId,
    externalId: `
  (SELECT classification_row.* FROM ${namedInOrder('$3', set)}
   -- Its own subquery (OFFSET 0), never joined as a whole: the rows come in the ids' order, each subject's sorted alone.
   CROSS JOIN LATERAL (${classificationRow(undefined, set && 'named.joined_at')} AND c.subject_id = named.id OFFSET 0) classification_row
   ORDER BY ${inNaturalOrder('named.external_id')}, classification_row.created_at, classification_row.id)
  UNION ALL
  (${row} AND s.external_id IS NULL ORDER BY ${bySubject('c', set)}, c.created_at, c.id)${tombstones}`,
  };
};
export const CLASSIFICATION_ROWS = classificationRows();

/**
 * The ids of the subjects of the workflow's ($1) classifications (or the project's, `of`) stored or changed since $2 (or
 * null for all), once each (`classifications_once_per_volunteer_key` holds them in order), of set $3's members alone
 * with `inSet`: for their metadata's keys.
 */
const classifiedSubjects = (inSet: boolean, of: ClassificationsOf = 'workflow') => `
  SELECT DISTINCT c.subject_id FROM ${rowsOf('classifications', 'c', inSet ? '$3' : undefined)} WHERE ${CLASSIFICATIONS_OF[of]} AND ${classificationChangedSince(inSet ? 'ms.created_at' : undefined)}`;

/** Whose classifications (`c`) a download gives: the workflow's ($1), or those of every workflow of the project ($1). */
type ClassificationsOf = 'workflow' | 'project';
const CLASSIFICATIONS_OF: Record<ClassificationsOf, string> = {
  workflow: 'c.workflow_id = $1',
  project: 'c.workflow_id IN (SELECT w.id FROM workflows w WHERE w.project_id = $1)',
};

/**
 * In subject order, each subject's reports in the order first made; with `since` ($2), only those stored or changed
 * (made again, dismissed, their note erased with their volunteer's account) at or after it.
 */
const SUBJECT_REPORT_ROWS = `
  SELECT r.id, r.subject_id, s.external_id, r.reporter_id, r.reason, r.note, r.reported_at, r.created_at, r.updated_at, st.retired_at, st.retirement_reason, r.dismissed_at, r.dismissed_by, r.dismissal_note
  FROM subject_reports r JOIN subjects s ON s.id = r.subject_id
  LEFT JOIN subject_workflow_status st ON st.workflow_id = r.workflow_id AND st.subject_id = r.subject_id
  WHERE r.workflow_id = $1 AND ($2::timestamptz IS NULL OR coalesce(r.updated_at, r.created_at) >= $2)
  ORDER BY r.subject_id, r.created_at, r.id`;

/** Each task key of `byVersion` (versions 1 to n), with its definition in the newest version that has it. */
function tasksOf(byVersion: readonly WorkflowDefinition[]): Map<string, Task> {
  const newestFirst = [...byVersion].reverse();
  return new Map(taskKeysOf(newestFirst).map((key) => [key, newestFirst.find((definition) => definition.tasks[key])!.tasks[key]!]));
}

/**
 * The transcription task `key` of `tasks`, else a 422 naming `task` and the workflow's transcription tasks (a missing
 * key's example one of them: here, not in the query's schema, which cannot know the workflow's tasks).
 */
function transcriptionTask(tasks: ReadonlyMap<string, Task>, key: string | undefined): { key: string; task: Task } {
  const task = key ? tasks.get(key) : undefined;
  if (key && task?.type === 'transcription') return { key, task };
  const transcriptions = [...tasks].filter(([, definition]) => definition.type === 'transcription').map(([name]) => name);
  const none = "this workflow has no transcription task, so it has no transcriptions to download (the consensus download gives every task's answers)";
  const message = !key
    ? `is ${key === undefined ? 'missing' : 'empty'}: ${transcriptions.length ? `name the transcription task whose consensus to download by its key, one of this workflow's: ${transcriptions.join(', ')} (task=${transcriptions[0]})` : none}`
    : `${task ? `is "${key}", a ${task.type} task, not a transcription` : `is "${key}", which names no task of this workflow (in any version)`}; ${transcriptions.length ? `name one of its transcription tasks: ${transcriptions.join(', ')}` : none}`;
  throw new ProblemException(422, `The query's task ${message}.`, [{ pointer: '/query/task', message }]);
}

/** The transcriptions download's content types (IIIF's own for JSON-LD of Presentation 3, TEI's registered one) and files' extensions. */
const TRANSCRIPTION_FILES: Record<TranscriptionFormat, { contentType: string; extension: string }> = {
  text: { contentType: 'text/plain; charset=utf-8', extension: 'txt' },
  iiif: { contentType: 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"; charset=utf-8', extension: 'json' },
  tei: { contentType: 'application/tei+xml; charset=utf-8', extension: 'tei.xml' },
};

/**
 * What the TEI download's header names (`TeiDocumentOf`), in the rows' snapshot: the workflow's ($1) project, the sets
 * linked to it oldest first (set $2 alone with `inSet`), and the moment of the snapshot.
 */
const teiHeaderOf = (inSet: boolean) => `
  SELECT p.title AS project, now() AS produced_at,
         coalesce((SELECT json_agg(json_build_object('id', ss.id, 'name', ss.name) ORDER BY ss.created_at, ss.id)
                   FROM workflow_subject_sets l JOIN subject_sets ss ON ss.id = l.subject_set_id WHERE l.workflow_id = w.id${inSet ? ' AND l.subject_set_id = $2' : ''}), '[]') AS subject_sets
  FROM workflows w JOIN projects p ON p.id = w.project_id WHERE w.id = $1`;

/** What the TEI download of the workflow's transcriptions (of set `set` alone, if given), titled `title`, is of (`teiHeaderOf`). */
async function teiDocumentOf(read: SnapshotRead, workflowId: string, title: string, set: ServedSet | undefined): Promise<TeiDocumentOf> {
  const [of] = await read<{ project: string; produced_at: Date; subject_sets: TeiDocumentOf['subjectSets'] }>(teiHeaderOf(!!set), [workflowId, ...(set ? [set.id] : [])]);
  return { project: of!.project, title, subjectSets: of!.subject_sets, producedAt: of!.produced_at };
}

/** The workflow's ($1) sets, in the order it serves them: those a download may be limited to. */
export const servedSetsSql = 'SELECT ss.id, ss.name FROM workflow_subject_sets l JOIN subject_sets ss ON ss.id = l.subject_set_id WHERE l.workflow_id = $1 ORDER BY l.position, ss.id';

/** A set a download is limited to (`subjectSetId`): one the workflow serves. */
export interface ServedSet {
  id: string;
  name: string;
}

/**
 * A download that `DownloaderFirst` allowed: who asks for it, and the workflow as the check that they are one of its
 * researchers read it. Only that guard makes one, so the downloads below, given one, do not ask again.
 */
export interface AllowedDownload {
  downloader: AuthUser;
  workflow: Workflow;
}

/** A download of a project's data (its comments, its contributors) that `DownloaderFirst` allowed: who asks, and the project. */
export interface AllowedProjectDownload {
  downloader: AuthUser;
  project: Project;
}

/** The account's own classifications or comments, which `DownloaderFirst` allowed: the account, never a guest. */
export interface AllowedOwnDownload {
  downloader: AuthUser;
}

/** A subject set's file that `DownloaderFirst` allowed: who asks, and the set. */
export interface AllowedSubjectSetDownload {
  downloader: AuthUser;
  set: SubjectSet;
}

/**
 * A set's file whose metadata keys an upload would read as something else (`text` as a location, `#priority` as the
 * priority, `gold_standard_T0` as a known answer) is refused: uploaded again, it would change the subjects.
 */
function refuseMisreadKeys(keys: readonly string[]): void {
  const misread = keys.flatMap((key) => {
    const as = metadataKeyMisread(key);
    return as === undefined ? [] : [`${JSON.stringify(key)} (read as ${as})`];
  });
  if (!misread.length) return;
  throw new ProblemException(
    409,
    `The set's subjects have metadata keys that an upload of the file would not read back as metadata: ${misread.join(', ')}. Rename those keys (upload the subjects again by external id with the metadata under another name, in a JSON upload, which reads every metadata key as it is), then download the file.`,
    undefined,
    'subject-set-file-misread',
  );
}

/**
 * Each workflow's definitions newest first, the workflows in the order read (oldest first): the answer columns of the
 * project's download are a workflow's current tasks first, then those only its older versions had, workflow by workflow.
 */
function newestVersionsFirst(versions: readonly VersionRead[]): WorkflowDefinition[] {
  const byWorkflow = new Map<string, WorkflowDefinition[]>();
  for (const { workflow_id, definition } of versions) byWorkflow.set(workflow_id, [definition, ...(byWorkflow.get(workflow_id) ?? [])]);
  return [...byWorkflow.values()].flat();
}

/** Where each of a project's downloads is, and where its links are asked for, under the project's path. */
const PROJECT_DOWNLOAD_PATHS: Record<ProjectDownloadKind, { download: string; links: string }> = {
  comments: { download: 'comments/download', links: 'comments/download-links' },
  contributors: { download: 'contributors', links: 'contributors/download-links' },
  'project-classifications': { download: 'classifications', links: 'classifications/download-links' },
};

/** Each of the account's own downloads: the file its path names, where links to it are asked for, and the refusal of a guest's. */
const OWN_DOWNLOADS: Record<OwnDownloadKind, { file: OwnDownloadFile; links: string; needsAccount: () => ProblemException }> = {
  'own-classifications': { file: 'classifications', links: 'account/download-links', needsAccount: ownClassificationsNeedAnAccount },
  'own-comments': { file: 'comments', links: 'account/comments/download-links', needsAccount: ownCommentsNeedAnAccount },
};

/** A guest's asking for one of an account's own downloads, or a link to it: refused, in that download's words. */
export const ownDownloadNeedsAnAccount = (kind: OwnDownloadKind) => OWN_DOWNLOADS[kind].needsAccount();

/**
 * What a link's query carries besides its token: the format asked for, and a workflow download's set; a set's published
 * text, its workflow and the text format. The account's own downloads name their format in their path.
 */
function linkQuery(target: DownloadTarget, format: ExportFormat | undefined): Record<string, string> {
  if (target.kind === 'published-text') return { format: 'text', workflowId: target.workflowId };
  return { ...(format && !isOwnDownload(target.kind) ? { format } : {}), ...('workflowId' in target && target.subjectSetId !== undefined ? { subjectSetId: target.subjectSetId } : {}) };
}

/** Where a target's download is, and where its links are asked for (from the API's root). */
function pathsOf(target: DownloadTarget, format: ExportFormat = 'csv'): { download: string; links: string } {
  if (target.kind === 'published-text') {
    const text = `/${API_PREFIX}/subject-sets/${target.subjectSetId}/published-text`;
    return { download: text, links: `${text}/download-links` };
  }
  if (target.kind === 'own-classifications' || target.kind === 'own-comments') {
    const own = OWN_DOWNLOADS[target.kind];
    return { download: `/${API_PREFIX}/account/${own.file}.${format}`, links: `/${API_PREFIX}/${own.links}` };
  }
  if (target.kind === 'subjects') {
    const set = `/${API_PREFIX}/subject-sets/${target.subjectSetId}`;
    return { download: `${set}/subjects.csv`, links: `${set}/download-links` };
  }
  if ('projectId' in target) {
    const { download, links } = PROJECT_DOWNLOAD_PATHS[target.kind];
    return { download: `/${API_PREFIX}/projects/${target.projectId}/${download}`, links: `/${API_PREFIX}/projects/${target.projectId}/${links}` };
  }
  return { download: `/${API_PREFIX}/workflows/${target.workflowId}/${target.kind}`, links: `/${API_PREFIX}/workflows/${target.workflowId}/download-links` };
}

/** The downloads of a workflow's data, for its project's researchers: flat rows, streamed from a cursor. */
@Injectable()
export class ExportsService {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly versions: WorkflowVersions,
    private readonly streams: ExportStreams,
    private readonly links: DownloadLinks,
    private readonly reporters: ReporterPseudonyms,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The set `subjectSetId` names, of those the workflow serves (`servedSetsSql`), for a download limited to it; none
   * without one. Another (not linked to the workflow, unknown, another project's) is refused, 422 naming `pointer`.
   */
  async servedSet(workflowId: string, subjectSetId: string | undefined, pointer: string): Promise<ServedSet | undefined> {
    if (subjectSetId === undefined) return undefined;
    const served: ServedSet[] = await this.db.query(servedSetsSql, [workflowId]);
    const set = served.find((candidate) => candidate.id === subjectSetId);
    if (set) return set;
    const message = `is not a subject set this workflow serves (linked to it): ${served.length ? `name one of its subjectSetIds (GET /workflows/:id), such as ${served[0]!.id}, or leave subjectSetId out for every set` : 'it serves none, so leave subjectSetId out'}`;
    throw new ProblemException(422, `The download's subjectSetId ${message}.`, [{ pointer, message }]);
  }

  /**
   * A link that opens the download without an Authorization header, for a while (researchers only), in `format` if
   * asked: from the server's root (the classifier's, behind whichever host serves it) and whole, under `PUBLIC_URL`
   * (without it, under the address the request was sent to, `origin`).
   */
  async downloadLink(workflowId: string, { kind, format, subjectSetId }: DownloadLinkRequest, user: AuthUser, session: TokenSession, origin: string | undefined): Promise<DownloadLink> {
    await this.workflows.requireResearcher(workflowId, user);
    if (subjectSetId !== undefined && kind === 'subject-reports') {
      const message = 'is for the consensus and classifications downloads (and the transcriptions, by a consensus link): the subject reports download is of every set, so leave subjectSetId out';
      throw new ProblemException(422, `The link's subjectSetId ${message}.`, [{ pointer: '/subjectSetId', message }]);
    }
    await this.servedSet(workflowId, subjectSetId, '/subjectSetId');
    return this.linkTo({ workflowId, kind, ...(subjectSetId === undefined ? {} : { subjectSetId }) }, format, user, session, origin);
  }

  /** A link that opens one of the project's downloads without an Authorization header (researchers, checked by the route). */
  projectLink(projectId: string, kind: ProjectDownloadKind, user: AuthUser, session: TokenSession, origin: string | undefined, format?: ExportFormat): Promise<DownloadLink> {
    return this.linkTo({ projectId, kind }, format, user, session, origin);
  }

  /** A link that opens one of the account's own downloads in `format` without an Authorization header (an account's, not a guest's). */
  ownLink(kind: OwnDownloadKind, format: ExportFormat, user: AuthUser, session: TokenSession, origin: string | undefined): Promise<DownloadLink> {
    if (user.kind !== 'registered') throw ownDownloadNeedsAnAccount(kind);
    return this.linkTo({ kind }, format, user, session, origin);
  }

  /** A link that opens a set's published text as one workflow gives it, as plain text, without an Authorization header (whoever may read it, checked by the caller). */
  publishedTextLink(target: Omit<PublishedTextTarget, 'kind'>, user: AuthUser, session: TokenSession, origin: string | undefined): Promise<DownloadLink> {
    return this.linkTo({ ...target, kind: 'published-text' }, undefined, user, session, origin);
  }

  /** A link that opens a subject set's file without an Authorization header (its project's researchers, checked by the route). */
  subjectSetLink(subjectSetId: string, user: AuthUser, session: TokenSession, origin: string | undefined): Promise<DownloadLink> {
    return this.linkTo({ subjectSetId, kind: 'subjects' }, undefined, user, session, origin);
  }

  private async linkTo(target: DownloadTarget, format: ExportFormat | undefined, user: AuthUser, session: TokenSession, origin: string | undefined): Promise<DownloadLink> {
    const { token, expiresAt } = await this.links.sign(user, session, target);
    const query = new URLSearchParams({ token, ...linkQuery(target, format) });
    const url = `${pathsOf(target, format).download}?${query}`;
    return { url, absoluteUrl: `${this.rootOf(origin)}${url}`, expiresAt: expiresAt.toISOString() };
  }

  /** The server's root as the API's answers name it: `PUBLIC_URL`, else the address the request was sent to (`origin`). */
  private rootOf(origin: string | undefined): string {
    return this.config.publicUrlIsDefault && origin ? origin : this.config.publicUrl;
  }

  /**
   * Who asks for a download: the bearer token's account, else the download link's (`token`). A personal API key sent as
   * `token` is told it goes in the Authorization header; a link made with a key revoked since, that the key was revoked.
   */
  async downloader(target: DownloadTarget, user: AuthUser | undefined, token: string | undefined): Promise<AuthUser> {
    if (user) return user;
    const ask = `POST ${pathsOf(target).links}`;
    if (!token) {
      throw new ProblemException(401, `Send a bearer token in the Authorization header, or open a download link (${ask}).`, [{ pointer: '/headers/authorization', message: 'is missing' }]);
    }
    if (isApiKey(token)) {
      throw new ProblemException(
        401,
        `A personal API key goes in the Authorization header (Authorization: Bearer chorus_…), never in the address: token= takes only a download link's token (${ask}), and an address is kept in logs and browser histories.`,
        [{ pointer: '/query/token', message: 'is a personal API key; send it in the Authorization header instead' }],
      );
    }
    const linked = await this.links.userOf(token, target);
    if (typeof linked === 'object') return linked;
    if (linked === 'key-revoked') {
      throw new ProblemException(401, `The download link was made with a personal API key that has since been revoked, which ends its links too; ask for another with a key in force (${ask}).`, [
        { pointer: '/query/token', message: 'is a link made with an API key that was revoked' },
      ]);
    }
    throw new ProblemException(401, `The download link is not this download's, has expired, or its session signed out since; ask for another (${ask}).`, [
      { pointer: '/query/token', message: 'is not a valid link to this download' },
    ]);
  }

  /**
   * One row per subject, with the consensus of every task of every version (the current version's first): a task
   * that a later version dropped keeps the consensus computed before, which retired subjects keep. With `since`, only
   * the subjects whose row changed at or after it (a classification, an aggregation, a retirement, a subject set joined
   * or deleted). In subject id order, or in `sort`'s. The subjects' metadata as `metadata` asks. With `subjectSetId`,
   * only the subjects of that set (one the workflow serves: `servedSet`).
   */
  async consensus({ workflow, downloader }: AllowedDownload, form: DownloadForm, since?: Date, sort: DownloadSort = 'id', metadata: DownloadMetadata = 'json', subjectSetId?: string): Promise<ExportDownload> {
    const workflowId = workflow.id;
    const set = await this.servedSet(workflowId, subjectSetId, '/query/subjectSetId');
    const byVersion = await this.everyVersion(workflowId, workflow.version);
    const tasks = tasksOf(byVersion);
    const trainingSet = byVersion.at(-1)!.selection.training?.subjectSetId ?? null;
    const setSince = !!set && since !== undefined;
    // The project's externalIds are read for their order without a set alone (`namedInOrder`).
    const parameters = [workflowId, trainingSet, since ?? null, ...(sort === 'externalId' && !set ? [workflow.projectId] : [])];
    return this.streams.open<ConsensusRow>(
      async (read) => {
        const metadataForm = await metadataFormOf(metadata, read, consensusSubjects(!!set), [workflowId, since ?? null, ...(set ? [set.id] : [])]);
        return {
          sql: consensusRows(sort, set && `$${parameters.length + 1}`),
          parameters: [...parameters, ...(set ? [set.id] : [])],
          toRecord: (row) => flatten(row, tasks, metadataForm, setSince),
          columns: columnsOf(tasks, metadataForm, setSince),
          listColumns: consensusListColumns(tasks),
          name: (began, format) => downloadName('consensus', workflow, began, format),
        };
      },
      form,
      downloader.id,
    );
  }

  /**
   * One transcription task's consensus as documents, a page per subject in its set's order (`TRANSCRIPTION_ROWS`), the
   * text each settles on as the consensus download gives it (`settledAnswerCell`): plain text (`textWriter`), or a IIIF
   * AnnotationPage of the canvases' texts (`iiifWriter`), whose id is its own address under the server's root (`origin`),
   * or a TEI P5 document (`teiWriter`), its header read in the rows' snapshot (`teiHeaderOf`). With `subjectSetId`, only
   * the pages of that set (one the workflow serves: `servedSet`), in its order (`SET_TRANSCRIPTION_ROWS`), named in the
   * label and title.
   */
  async transcriptions({ workflow, downloader }: AllowedDownload, asked: string | undefined, format: TranscriptionFormat, origin: string | undefined, subjectSetId?: string): Promise<ExportDownload> {
    const { key: taskKey, task } = transcriptionTask(tasksOf(await this.everyVersion(workflow.id, workflow.version)), asked);
    const set = await this.servedSet(workflow.id, subjectSetId, '/query/subjectSetId');
    const parameters = [workflow.id, taskKey, ...(set ? [set.id] : [])];
    return this.streams.write<TranscriptionRow>(async (read) => {
      const address = `${this.rootOf(origin)}/${API_PREFIX}/workflows/${workflow.id}/transcriptions?${new URLSearchParams({ task: taskKey, format, ...(set ? { subjectSetId: set.id } : {}) })}`;
      const label = `Consensus transcriptions of task ${taskKey}, workflow “${workflow.name}”${set ? `, subject set “${set.name}”` : ''}`;
      const tei = format === 'tei' ? await teiDocumentOf(read, workflow.id, label, set) : undefined;
      const writers: Record<TranscriptionFormat, () => Transform> = { text: textWriter, iiif: () => iiifWriter({ id: address, label }), tei: () => teiWriter(tei!) };
      const { contentType, extension } = TRANSCRIPTION_FILES[format];
      return {
        sql: (set ? SET_TRANSCRIPTION_ROWS : TRANSCRIPTION_ROWS)[format],
        parameters,
        toRecord: (row) => transcriptionPage(row, task),
        writer: writers[format],
        contentType,
        name: (began) => downloadName('transcriptions', { id: workflow.id, name: `${taskKey} ${workflow.name}` }, began, extension),
        ...(format === 'iiif' ? { headers: iiifCountHeaders((await read<Parameters<typeof iiifCountHeaders>[0]>(transcriptionCounts(!!set), parameters))[0]!) } : {}),
      };
    }, downloader.id, false);
  }

  /**
   * Every answer of every volunteer (or those stored since a moment), one row each, with each task's answer in a
   * column of every version's tasks; the subjects' metadata as `metadata` asks; in subject id order, or in `sort`'s.
   * With `subjectSetId`, only the classifications of that set's subjects (one the workflow serves: `servedSet`).
   */
  async classifications({ workflow, downloader }: AllowedDownload, form: DownloadForm, since?: Date, metadata: DownloadMetadata = 'json', sort: DownloadSort = 'id', subjectSetId?: string): Promise<ExportDownload> {
    const workflowId = workflow.id;
    const set = await this.servedSet(workflowId, subjectSetId, '/query/subjectSetId');
    const byVersion = await this.everyVersion(workflowId, workflow.version);
    const taskKeys = taskKeysOf([...byVersion].reverse());
    const setSince = !!set && since !== undefined;
    const parameters = [workflowId, since ?? null, ...(sort === 'externalId' && !set ? [workflow.projectId] : [])];
    return this.streams.open<ClassificationRow>(
      async (read) => {
        const metadataForm = await metadataFormOf(metadata, read, classifiedSubjects(!!set), [workflowId, since ?? null, ...(set ? [set.id] : [])]);
        return {
          sql: (set ? classificationRows(`$${parameters.length + 1}`) : CLASSIFICATION_ROWS)[sort],
          parameters: [...parameters, ...(set ? [set.id] : [])],
          toRecord: (row) => flattenClassification(row, byVersion[row.workflow_version - 1]!, taskKeys, metadataForm, setSince),
          columns: classificationColumns(taskKeys, byVersion, metadataForm, setSince),
          listColumns: classificationListColumns(taskKeys, byVersion),
          name: (began, format) => downloadName('classifications', workflow, began, format),
        };
      },
      form,
      downloader.id,
    );
  }

  /**
   * Every classification of every workflow of the project (or those stored or changed since a moment), one row each,
   * as the workflow download gives it, with its workflow's id and name; a task key of several workflows is one
   * `<task>_answer` column, each row's answer flattened by the version it answered. Workflow by workflow in id order,
   * each in subject then volunteer order (`PROJECT_CLASSIFICATION_ROWS`); with `after` (the place of the last row held),
   * only the rows after it, so that an interrupted download resumes where it stopped.
   */
  async projectClassifications({ project, downloader }: AllowedProjectDownload, form: DownloadForm, since?: Date, metadata: DownloadMetadata = 'json', after?: ProjectClassificationPlace): Promise<ExportDownload> {
    return this.streams.open<ProjectClassificationRow>(
      async (read) => {
        const versions = await read<VersionRead>(PROJECT_VERSIONS, [project.id]);
        const newestFirst = newestVersionsFirst(versions);
        const taskKeys = taskKeysOf(newestFirst);
        const metadataForm = await metadataFormOf(metadata, read, classifiedSubjects(false, 'project'), [project.id, since ?? null]);
        const byVersion = definitionsByVersion(versions);
        await read(PROJECT_CLASSIFICATION_ROWS_UNSORTED, []);
        return {
          sql: PROJECT_CLASSIFICATION_ROWS,
          parameters: [project.id, since ?? null, after?.workflowId ?? null, after?.subjectId ?? null, after?.userId ?? null],
          toRecord: (row) => flattenProjectClassification(row, byVersion, taskKeys, metadataForm),
          columns: projectClassificationColumns(taskKeys, newestFirst, metadataForm),
          listColumns: classificationListColumns(taskKeys, newestFirst),
          name: (began, format) => downloadName('classifications', { id: project.id, name: project.title }, began, format),
        };
      },
      form,
      downloader.id,
    );
  }

  /** Every volunteer's report of a subject of the workflow (or those stored since a moment), one row each. */
  async subjectReports({ workflow, downloader }: AllowedDownload, form: DownloadForm, since?: Date): Promise<ExportDownload> {
    const workflowId = workflow.id;
    return this.streams.open<SubjectReportRow>(
      { sql: SUBJECT_REPORT_ROWS, parameters: [workflowId, since ?? null], toRecord: (row) => flattenSubjectReport(row, this.reporters.of(workflowId, row.reporter_id)), columns: Object.keys(SUBJECT_REPORT_COLUMNS), name: (began, format) => downloadName('subject-reports', workflow, began, format) },
      form,
      downloader.id,
    );
  }

  /**
   * Every comment in the project's subjects' discussions, hidden ones included (flagged), one row each, oldest first;
   * with `since`, only those changed at or after it, then the tombstones of those deleted.
   */
  async comments({ project, downloader }: AllowedProjectDownload, form: DownloadForm, since?: Date): Promise<ExportDownload> {
    return this.streams.open<CommentRow>(
      {
        ...(since ? { sql: COMMENT_ROWS_SINCE, parameters: [project.id, since] } : { sql: COMMENT_ROWS, parameters: [project.id] }),
        toRecord: flattenComment,
        columns: Object.keys(COMMENT_COLUMNS),
        listColumns: COMMENT_LIST_COLUMNS,
        name: (began, format) => downloadName('comments', { id: project.id, name: project.title }, began, format),
      },
      form,
      downloader.id,
    );
  }

  /**
   * The project's volunteers to credit (`CONTRIBUTOR_ROWS`), most classifications first, and how many other volunteers
   * it has (`CONTRIBUTOR_SUMMARY`), read in the same snapshot: in a header, and at the end of the JSON object.
   */
  async contributors({ project, downloader }: AllowedProjectDownload, form: DownloadForm): Promise<ExportDownload> {
    return this.streams.write<ContributorRow>(async (read) => {
      const [{ otherVolunteers: others }] = (await read<ContributorSummary>(CONTRIBUTOR_SUMMARY, [project.id])) as [ContributorSummary];
      return {
        sql: CONTRIBUTOR_ROWS,
        parameters: [project.id],
        toRecord: flattenContributor,
        writer: () => contributorsWriter(form, others),
        contentType: contentTypes[form.format],
        name: (began) => downloadName('contributors', { id: project.id, name: project.title }, began, form.format),
        headers: { [OTHER_VOLUNTEERS_HEADER]: String(others) },
      };
    }, downloader.id, false);
  }

  /**
   * The set's subjects in its order as the CSV file an upload reads (`external_id`, the locations' columns, a column per
   * metadata key), so that the file corrected and uploaded again into the set finds its subjects by externalId.
   */
  async subjectSetFile({ set, downloader }: AllowedSubjectSetDownload, bom: boolean): Promise<ExportDownload> {
    return this.streams.write<SubjectSetRow>(async (read) => {
      const columns = await subjectSetColumnsOf(read, set.id);
      refuseMisreadKeys(columns.metadataKeys);
      const form: DownloadForm = { format: 'csv', bom };
      return {
        sql: SUBJECT_SET_ROWS,
        parameters: [set.id],
        toRecord: (row) => flattenSetSubject(row, columns),
        writer: () => serializer(form, subjectSetColumns(columns)),
        contentType: contentTypes.csv,
        name: (began) => downloadName('subjects', { id: set.id, name: set.name }, began, 'csv'),
      };
    }, downloader.id, false);
  }

  /**
   * Every classification the account made, in every project, oldest first, one row each, with its answers flattened
   * as the researchers' download flattens them: the volunteer's own, nothing of anyone else's nor the team's.
   */
  ownClassifications({ downloader }: AllowedOwnDownload, form: DownloadForm): Promise<ExportDownload> {
    return this.streams.open<OwnClassificationRow>(
      async (read) => {
        const definitions = definitionsByVersion(await read<VersionRead>(OWN_CLASSIFICATION_VERSIONS, [downloader.id]));
        return {
          sql: OWN_CLASSIFICATION_ROWS,
          parameters: [downloader.id],
          toRecord: (row) => ownClassificationRecord(row, definitions),
          columns: Object.keys(OWN_CLASSIFICATION_COLUMNS),
          name: (began, format) => downloadName('own-classifications', { id: downloader.id, name: '' }, began, format),
        };
      },
      form,
      downloader.id,
      false,
    );
  }

  /**
   * Every comment the account wrote, in every project, oldest first, one row each: what `GET /account/comments` shows
   * of each (`ownCommentRecord`, its links under the server's root: `PUBLIC_URL`, else `origin`), nothing of anyone else's.
   */
  ownComments({ downloader }: AllowedOwnDownload, form: DownloadForm, origin: string | undefined): Promise<ExportDownload> {
    const root = this.rootOf(origin);
    return this.streams.open<OwnCommentRow>(
      {
        sql: OWN_COMMENT_ROWS,
        parameters: [downloader.id],
        toRecord: (row) => ownCommentRecord(row, root),
        columns: Object.keys(OWN_COMMENT_COLUMNS),
        listColumns: OWN_COMMENT_LIST_COLUMNS,
        name: (began, format) => downloadName('own-comments', { id: downloader.id, name: '' }, began, format),
      },
      form,
      downloader.id,
      false,
    );
  }

  /** The definitions of versions 1 to `version`, in order. */
  private async everyVersion(workflowId: string, version: number): Promise<WorkflowDefinition[]> {
    return (await Promise.all(Array.from({ length: version }, (_, index) => this.versions.definition(workflowId, index + 1)))) as WorkflowDefinition[];
  }
}
