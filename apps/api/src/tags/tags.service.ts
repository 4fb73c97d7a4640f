import type { HiddenTag, ProposedTag, TagProposal, TagProposalPage } from '@chorus/client';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type TaggingVote, reduceTagging } from '@chorus/consensus';
import { PROPOSES_TAGS, byExcludedVolunteerOfWorkflowSql } from '@chorus/db';
import { type WorkflowDefinition, normaliseTag, stringsOf } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { notFound, validationFailed } from '../common/problem';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { WorkflowsService } from '../workflows/workflows.service';
import { type HiddenTagInput, type HiddenTagQuery, type TagProposalsQuery, tagProposalCursor } from './dto/tags.dto';
import { cursorTimeSql } from '../common/sql';

/** A tag shown again after a hiding: who ended the hiding and when, with the hiding it ended. */
type ShownAgain = NonNullable<TagProposal['tags'][number]['shownAgain']>;

interface HiddenTagRow {
  subject_id: string;
  task: string;
  tag: string;
  hidden_by: string;
  reason: string | null;
  hidden_at: Date;
}

const HIDE = `INSERT INTO hidden_tags (workflow_id, subject_id, task, tag, hidden_by, reason) VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT DO NOTHING RETURNING subject_id, task, tag, hidden_by, reason, hidden_at`;
/** Shows a hidden tag ($1 … $4) again, recording the hiding it ends and who ($5) ended it. */
const UNHIDE = `WITH ended AS (
    DELETE FROM hidden_tags WHERE workflow_id = $1 AND subject_id = $2 AND task = $3 AND tag = $4 RETURNING *
  )
  INSERT INTO unhidden_tags (workflow_id, subject_id, task, tag, hidden_by, reason, hidden_at, unhidden_by)
  SELECT workflow_id, subject_id, task, tag, hidden_by, reason, hidden_at, $5 FROM ended`;
const HIDDEN = 'SELECT subject_id, task, tag, hidden_by, reason, hidden_at FROM hidden_tags WHERE workflow_id = $1 AND subject_id = $2 AND task = $3 AND tag = $4';

interface ProposalRow {
  classification_id: string;
  subject_id: string;
  external_id: string | null;
  user_id: string;
  task: string;
  added: unknown;
  position: number;
  created_at: Date;
  /** `created_at` to the microsecond, for the cursor. */
  cursor_time: string;
}

/**
 * The answers to the workflow's tagging tasks ($2) that added tags, newest first, each answer's tasks in their order
 * in it (the cursor's `position`): one row per answer and task, read along the index of the workflow's tag proposals
 * (`PROPOSES_TAGS`; the cursor's first two columns are its bounds). $3: one subject only, or null; $4, $5, $6: the
 * cursor (or nulls); $7: the rows to read; $8: only those stored since then, or null.
 */
const PROPOSALS = `
  SELECT c.id AS classification_id, c.subject_id, s.external_id, c.user_id, c.created_at, p.task, p.added, p.position,
         ${cursorTimeSql('c.created_at')} AS cursor_time
  FROM classifications c
  CROSS JOIN LATERAL (
    SELECT e.a->>'task' AS task, e.a->'value'->'add' AS added, (e.ord - 1)::int AS position
    FROM jsonb_array_elements(c.annotations) WITH ORDINALITY AS e(a, ord)
    WHERE e.a->>'task' = ANY($2::text[]) AND jsonb_typeof(e.a->'value'->'add') = 'array' AND jsonb_array_length(e.a->'value'->'add') > 0) p
  JOIN subjects s ON s.id = c.subject_id
  WHERE c.workflow_id = $1 AND ${PROPOSES_TAGS} AND ($3::uuid IS NULL OR c.subject_id = $3) AND ($8::timestamptz IS NULL OR c.created_at >= $8)
    AND ($4::timestamptz IS NULL OR ((c.created_at, c.id) <= ($4::timestamptz, $5::uuid) AND (c.created_at, c.id, p.position) < ($4::timestamptz, $5::uuid, $6::int)))
  ORDER BY c.created_at DESC, c.id DESC, p.position DESC
  LIMIT $7`;

const toHidden = (row: HiddenTagRow): HiddenTag => ({
  subjectId: row.subject_id,
  task: row.task,
  tag: row.tag,
  hiddenBy: row.hidden_by,
  hiddenAt: row.hidden_at.toISOString(),
  reason: row.reason,
});
const hiddenKey = (subjectId: string, task: string, tag: string) => JSON.stringify([subjectId, task, normaliseTag(tag)]);

/**
 * The tags volunteers proposed in tagging tasks: tallied for the volunteers who vote on them, listed for moderators
 * (and researchers), who hide those that must not be shown (an insult, someone's personal data). A hidden tag is no
 * longer proposed to volunteers; the answers that gave it stay stored and count in the consensus as before, since
 * they are the volunteers' data and hiding is about what later volunteers are shown.
 */
@Injectable()
export class TagsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
    private readonly versions: WorkflowVersions,
  ) {}

  /**
   * The tags volunteers proposed for a subject in a tagging task, with their up and down votes, tallied from the
   * stored classifications as consensus tallies them (proposing a tag counts as an up vote), best supported first;
   * those hidden left out.
   */
  async proposed(workflowId: string, subjectId: string, taskKey: string, user: AuthUser | undefined): Promise<{ tags: ProposedTag[] }> {
    const workflow = await this.workflows.readable(workflowId, user);
    requireTaggingTask(await this.versions.definition(workflowId, workflow.version), taskKey, '/query/task');
    if (!(await this.isSubjectOf(workflowId, subjectId))) throw notFound(`Subject ${subjectId} in this workflow`, '/params/subjectId');
    const [tags, hidden] = await Promise.all([this.tally(workflowId, subjectId, taskKey), this.hiddenOf(workflowId, [subjectId])]);
    return { tags: tags.filter(({ tag }) => !hidden.has(hiddenKey(subjectId, taskKey, tag))) };
  }

  /**
   * Hides a tag proposed for a subject in a tagging task of the workflow (moderators and researchers), recording who
   * and why. Hiding it again stores nothing, and answers with the first hiding.
   */
  async hide(workflowId: string, input: HiddenTagInput, user: AuthUser): Promise<HiddenTag & { replayed: boolean }> {
    const { workflow } = await this.workflows.requireModerator(workflowId, user);
    requireTaggingTask(await this.versions.definition(workflowId, workflow.version), input.task, '/task');
    if (!(await this.isSubjectOf(workflowId, input.subjectId))) throw validationFailed([{ pointer: '/subjectId', message: 'names no subject of this workflow' }]);
    const tag = normaliseTag(input.tag);
    if (!(await this.tally(workflowId, input.subjectId, input.task)).some((proposed) => proposed.tag === tag)) {
      throw validationFailed([{ pointer: '/tag', message: `"${input.tag}" was not proposed for this subject in task ${input.task}; give a tag volunteers proposed (GET /workflows/:id/tag-proposals lists them)` }]);
    }
    const parameters = [workflowId, input.subjectId, input.task, tag];
    const [stored] = await this.db.query<HiddenTagRow[]>(HIDE, [...parameters, user.id, input.reason ?? null]);
    const [first] = stored ? [stored] : await this.db.query<HiddenTagRow[]>(HIDDEN, parameters);
    return { ...toHidden(first!), replayed: !stored };
  }

  /**
   * Shows a hidden tag to volunteers again (moderators and researchers), recording who and when beside the hiding it
   * ends. A tag that is not hidden (shown again already, or never hidden) is left as it is: the same answer, so that a
   * retry is safe.
   */
  async unhide(workflowId: string, query: HiddenTagQuery, user: AuthUser): Promise<void> {
    const { workflow } = await this.workflows.requireModerator(workflowId, user);
    requireTaggingTask(await this.versions.definition(workflowId, workflow.version), query.task, '/query/task');
    if (!(await this.isSubjectOf(workflowId, query.subjectId))) throw validationFailed([{ pointer: '/query/subjectId', message: 'names no subject of this workflow' }]);
    await this.db.query(UNHIDE, [workflowId, query.subjectId, query.task, normaliseTag(query.tag), user.id]);
  }

  /**
   * A page of the answers that proposed tags in the workflow's tagging tasks, the most recent first, each tag with its
   * hiding if it was hidden (moderators and researchers); with `since`, only those stored since then (new since the
   * moderator last looked).
   */
  async proposals(workflowId: string, { subjectId, since, limit, after }: TagProposalsQuery, user: AuthUser): Promise<TagProposalPage> {
    const { workflow } = await this.workflows.requireModerator(workflowId, user);
    const tasks = taggingTasksOf(await this.versions.definition(workflowId, workflow.version));
    const rows = await this.db.query<ProposalRow[]>(PROPOSALS, [
      workflowId,
      tasks,
      subjectId ?? null,
      after?.createdAt ?? null,
      after?.classificationId ?? null,
      after?.position ?? null,
      limit + 1,
      since ?? null,
    ]);
    const page = rows.slice(0, limit);
    const subjectIds = [...new Set(page.map((row) => row.subject_id))];
    const [hidden, shownAgain] = await Promise.all([this.hiddenOf(workflowId, subjectIds), this.shownAgainOf(workflowId, subjectIds)]);
    const last = page.at(-1);
    return {
      proposals: page.map((row) => ({
        classificationId: row.classification_id,
        subjectId: row.subject_id,
        externalId: row.external_id,
        task: row.task,
        userId: row.user_id,
        proposedAt: row.created_at.toISOString(),
        tags: stringsOf(row.added).map((tag) => {
          const key = hiddenKey(row.subject_id, row.task, tag);
          const hiding = hidden.get(key);
          return { tag, hidden: hiding ? { hiddenBy: hiding.hiddenBy, hiddenAt: hiding.hiddenAt, reason: hiding.reason } : null, shownAgain: shownAgain.get(key) ?? null };
        }),
      })),
      next: rows.length > limit && last ? tagProposalCursor(last.cursor_time, last.classification_id, last.position) : null,
    };
  }

  /** The tags of a subject in a task as consensus tallies them, from its stored classifications. */
  private async tally(workflowId: string, subjectId: string, taskKey: string): Promise<ProposedTag[]> {
    const rows: { value: unknown }[] = await this.db.query(
      `SELECT a->'value' AS value FROM classifications c CROSS JOIN LATERAL jsonb_array_elements(c.annotations) a
       WHERE c.workflow_id = $1 AND c.subject_id = $2 AND a->>'task' = $3
         AND NOT ${byExcludedVolunteerOfWorkflowSql('c', '$1')}`,
      [workflowId, subjectId, taskKey],
    );
    const votes = rows.map((row) => row.value).filter(isTaggingVote);
    return reduceTagging(votes).tags.map(({ tag, up, down }) => ({ tag, up, down }));
  }

  /** The hidden tags of these subjects in the workflow, by `hiddenKey`. */
  private async hiddenOf(workflowId: string, subjectIds: string[]): Promise<Map<string, HiddenTag>> {
    if (!subjectIds.length) return new Map();
    const rows = await this.db.query<HiddenTagRow[]>(
      'SELECT subject_id, task, tag, hidden_by, reason, hidden_at FROM hidden_tags WHERE workflow_id = $1 AND subject_id = ANY($2::uuid[])',
      [workflowId, subjectIds],
    );
    return new Map(rows.map((row) => [hiddenKey(row.subject_id, row.task, row.tag), toHidden(row)]));
  }

  /**
   * The last time each tag of these subjects was shown again in the workflow, with the hiding that ended, by
   * `hiddenKey`: for moderators about to hide one that someone chose to show again.
   */
  private async shownAgainOf(workflowId: string, subjectIds: string[]): Promise<Map<string, ShownAgain>> {
    if (!subjectIds.length) return new Map();
    const rows = await this.db.query<(HiddenTagRow & { unhidden_by: string; unhidden_at: Date })[]>(
      `SELECT DISTINCT ON (subject_id, task, tag) subject_id, task, tag, hidden_by, reason, hidden_at, unhidden_by, unhidden_at
       FROM unhidden_tags WHERE workflow_id = $1 AND subject_id = ANY($2::uuid[]) ORDER BY subject_id, task, tag, unhidden_at DESC`,
      [workflowId, subjectIds],
    );
    return new Map(
      rows.map((row) => [
        hiddenKey(row.subject_id, row.task, row.tag),
        { hiddenBy: row.hidden_by, hiddenAt: row.hidden_at.toISOString(), reason: row.reason, shownAgainBy: row.unhidden_by, shownAgainAt: row.unhidden_at.toISOString() },
      ]),
    );
  }

  private async isSubjectOf(workflowId: string, subjectId: string): Promise<boolean> {
    const found = await this.db.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectId]);
    return found.length > 0;
  }
}

const taggingTasksOf = (definition: WorkflowDefinition | undefined): string[] =>
  Object.entries(definition?.tasks ?? {}).flatMap(([key, task]) => (task.type === 'tagging' ? [key] : []));

function requireTaggingTask(definition: WorkflowDefinition | undefined, taskKey: string, pointer: string): void {
  if (definition?.tasks[taskKey]?.type === 'tagging') return;
  const tagging = taggingTasksOf(definition);
  const known = tagging.length ? `its tagging tasks are ${tagging.join(', ')}` : 'it has no tagging task';
  throw validationFailed([{ pointer, message: `"${taskKey}" is not a tagging task of this workflow; ${known}` }]);
}

/** A stored tagging value (earlier versions of the workflow may have used the same key for another task type). */
function isTaggingVote(value: unknown): value is TaggingVote {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { add, up, down } = value as Record<string, unknown>;
  return [add, up, down].every((list) => list === undefined || (Array.isArray(list) && list.every((tag) => typeof tag === 'string')));
}
