import type { Annotation, SubjectLocation } from '@chorus/tasks';
import { reachableTasks } from '@chorus/tasks';
import { accountRequired } from '../common/problem';
import { subjectOfRemovedProject, subjectView } from '../common/subject-view';
import { onTeamSql, openToCallerSql } from '../projects/project-access';
import { takenDownSql } from '../retirement/retired-by-sql';
import { ANSWER_AS_FLATTENED, type DefinitionsByVersion, askedForCheck, definitionOf, flatAnswers } from './classification-rows';
import { type FlatRecord, type RecordOf, downloadTime } from './export-format';

/** A guest asking for its classifications' download, or a link to it: they are an account's to download. */
export const ownClassificationsNeedAnAccount = () =>
  accountRequired(
    'Sign in to download your classifications: a guest has no account to download them from. Create one with POST /api/v1/auth/register, then sign in with POST /api/v1/auth/login sent with your guest token, so that your classifications come with you.',
  );

/** One of the caller's classifications as `OWN_CLASSIFICATION_ROWS` reads it. */
export interface OwnClassificationRow {
  id: string;
  workflow_id: string;
  workflow_version: number;
  created_at: Date;
  annotations: Annotation[];
  subject_id: string;
  external_id: string | null;
  locations: SubjectLocation[];
  metadata: Record<string, unknown>;
  workflow_name: string;
  project_slug: string;
  project_title: string;
  project_taken_down: boolean;
  taken_down: boolean;
  team: boolean;
  open: boolean;
}

/**
 * Every classification of the caller ($1, an account), oldest first, with the project, workflow and subject it was
 * made on: what `GET /classifications` lists, read in the other order (`classifications_user_all_recent_idx`).
 */
export const OWN_CLASSIFICATION_ROWS = `
  SELECT c.id, c.workflow_id, c.workflow_version, c.created_at, c.annotations, s.id AS subject_id, s.external_id, s.locations, s.metadata,
         w.name AS workflow_name, p.slug AS project_slug, p.title AS project_title, p.taken_down_at IS NOT NULL AS project_taken_down,
         ${takenDownSql('s.id')} AS taken_down, ${onTeamSql('$1::uuid')} AS team, ${openToCallerSql('$1::uuid')} AS open
  FROM classifications c JOIN subjects s ON s.id = c.subject_id JOIN workflows w ON w.id = c.workflow_id JOIN projects p ON p.id = w.project_id
  WHERE c.user_id = $1
  ORDER BY c.created_at, c.id`;

/** The definitions of the workflow versions the caller ($1) answered, to flatten their answers. */
export const OWN_CLASSIFICATION_VERSIONS = `
  SELECT v.workflow_id, v.version, v.definition FROM workflow_versions v
  WHERE (v.workflow_id, v.version) IN (SELECT DISTINCT workflow_id, workflow_version FROM classifications WHERE user_id = $1)`;

/** The columns of a volunteer's download of their own classifications, each with what it holds (the API's documentation and the README list them). */
export const OWN_CLASSIFICATION_COLUMNS = {
  classification_id: "the classification's id",
  project_slug: "the project's slug, as in its address; empty for a project Chorus's operators took down",
  project_title: "the project's title; empty for a project Chorus's operators took down",
  workflow_id: "the workflow's id",
  workflow_name: "the workflow's name; empty for a project Chorus's operators took down",
  workflow_version: 'the workflow version answered',
  subject_id: "the subject's id",
  external_id: "the researchers' id of the subject, if it has one; empty while the subject is taken down, and for a project Chorus's operators took down",
  subject_metadata: "the subject's metadata as volunteers see it (JSON: an object), without the keys its team keeps private (#, // or !); {} while the subject is taken down, and for a project Chorus's operators took down",
  created_at: 'when it was stored',
  answers: `your answers, by task key (JSON: an object, {"T0": "yes"}), each ${ANSWER_AS_FLATTENED}; a task not reached is left out; empty for a project Chorus's operators took down`,
  asked_for_check:
    'for each transcription task you answered, by task key (JSON: an object, {"T0": true}), whether you ticked "I\'m not sure: ask the team to check this" on it, as the team\'s raw download\'s <task>_asked_for_check gives it; {} where you answered none; empty for a project Chorus\'s operators took down',
} as const;

export const OWN_CLASSIFICATION_JSON_COLUMNS = ['subject_metadata', 'answers', 'asked_for_check'] as const satisfies readonly (keyof typeof OWN_CLASSIFICATION_COLUMNS)[];


/**
 * One classification of the caller's, as the page lists it: the subject as volunteers see it (`subjectView`), and,
 * for a project the operators took down (to whoever is not its member), neither the project, the workflow's name, the
 * subject's external id and metadata nor the answers. Never anything of other volunteers' or the team's: no known answers, no private metadata.
 */
export function ownClassificationRecord(row: OwnClassificationRow, definitions: DefinitionsByVersion): FlatRecord {
  const removed = row.project_taken_down && !row.open;
  const subject = removed
    ? subjectOfRemovedProject(row.subject_id)
    : subjectView({ id: row.subject_id, external_id: row.external_id, locations: row.locations, metadata: row.metadata, taken_down: row.taken_down }, row.team);
  const definition = definitionOf(definitions, row.workflow_id, row.workflow_version);
  const record: RecordOf<keyof typeof OWN_CLASSIFICATION_COLUMNS, (typeof OWN_CLASSIFICATION_JSON_COLUMNS)[number]> = {
    classification_id: row.id,
    project_slug: removed ? null : row.project_slug,
    project_title: removed ? null : row.project_title,
    workflow_id: row.workflow_id,
    workflow_name: removed ? null : row.workflow_name,
    workflow_version: row.workflow_version,
    subject_id: subject.id,
    external_id: subject.externalId,
    subject_metadata: subject.metadata,
    created_at: downloadTime(row.created_at),
    answers: removed || !definition ? null : flatAnswers(row.annotations, definition, reachableTasks(definition)),
    asked_for_check: removed || !definition ? null : askedForCheck(row.annotations, definition),
  };
  return record;
}
