import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import { type OwnClassificationList, type SubmitResult, type TaskFeedback, notInWorkflow } from '@chorus/client';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Project, StoredAnnotation, Workflow } from '@chorus/db';
import { type Annotation, type AnswerContext, type SubjectLocation, type WorkflowDefinition, evidenceBeyondPassage, evidenceMissing, evidenceToCheck, correctingTasks, holdsMarks, marksWithoutImage, validateAnnotations } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, conflict, validationFailed, workflowNotOpen } from '../common/problem';
import { cursorTimeSql, UNIQUE_VIOLATION } from '../common/sql';
import { type SubjectRow, subjectOfRemovedProject, subjectView } from '../common/subject-view';
import { timePage } from '../common/time-pages';
import { unwrap } from '../common/zod';
import { isFavouriteSql } from '../favourites/favourite-sql';
import { JobProducer } from '../jobs/job-producer';
import { MetricsService } from '../metrics/metrics.service';
import { ProjectAccess, accountIdOf, isPublicWorkflow, onTeamSql, openToCallerSql } from '../projects/project-access';
import { takenDownSql } from '../retirement/retired-by-sql';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { ClassificationWriter, PAUSED_FOR_CALLER, type Stored } from './classification-writer';
import type { ClassificationInput } from './dto/classification.dto';
import { type OwnClassificationsQuery } from './dto/own-classifications.dto';
import { goldFeedback } from './gold-feedback';


/**
 * A volunteer's classifications, newest first, after the cursor ($3, $4), with the project and workflow each was made in
 * (read by the joins the `open` test needs anyway). A page is read backward, in order, from
 * `classifications_user_recent_idx` when the workflow is given (as the classifier's recent list does) and from
 * `classifications_user_all_recent_idx` across workflows, never sorted: the cursor is one row comparison (the first
 * page's is past every row), an index condition whatever the plan, where `$3 IS NULL OR …` would be a filter in a
 * generic plan.
 */
export const OWN_CLASSIFICATIONS = `
  SELECT c.id AS classification_id, c.workflow_id, c.workflow_version, c.created_at, c.annotations, s.id, s.external_id, s.locations, s.metadata,
         w.name AS workflow_name, p.id AS project_id, p.slug AS project_slug, p.title AS project_title, p.taken_down_at IS NOT NULL AS project_taken_down,
         ${takenDownSql('s.id')} AS taken_down, ${onTeamSql('$6::uuid')} AS team,
         ${isFavouriteSql('c.user_id', 'c.subject_id')} AS favourite, ${openToCallerSql('$6::uuid')} AS open, ${cursorTimeSql('c.created_at')} AS cursor_time
  FROM classifications c JOIN subjects s ON s.id = c.subject_id JOIN workflows w ON w.id = c.workflow_id JOIN projects p ON p.id = w.project_id
  WHERE c.user_id = $1 AND ($2::uuid IS NULL OR c.workflow_id = $2)
    AND (c.created_at, c.id) < (COALESCE($3::timestamptz, 'infinity'), COALESCE($4::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
  ORDER BY c.created_at DESC, c.id DESC
  LIMIT $5`;
/** The caller's classification stored with an idempotency key ($1 the caller, $2 the key, $3 whether an account's token). */
const REPLAY = `
  SELECT c.id, c.workflow_id, c.workflow_version, c.subject_id, c.annotations, ${PAUSED_FOR_CALLER} AS paused
  FROM (SELECT $1::uuid AS user_id, $3::bool AS as_account) i
    JOIN classifications c ON c.user_id = i.user_id AND c.idempotency_key = $2
    JOIN workflows w ON w.id = c.workflow_id JOIN projects p ON p.id = w.project_id`;
const OWN_TOTAL = 'SELECT count(*)::int AS total FROM classifications WHERE user_id = $1 AND ($2::uuid IS NULL OR workflow_id = $2)';

interface OwnClassificationRow extends SubjectRow {
  classification_id: string;
  workflow_id: string;
  workflow_version: number;
  created_at: Date;
  annotations: StoredAnnotation[];
  workflow_name: string;
  project_id: string;
  project_slug: string;
  project_title: string;
  project_taken_down: boolean;
  favourite: boolean;
  open: boolean;
  team: boolean;
  cursor_time: string;
}

@Injectable()
export class ClassificationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly versions: WorkflowVersions,
    private readonly access: ProjectAccess,
    private readonly jobs: JobProducer,
    private readonly metrics: MetricsService,
    private readonly writer: ClassificationWriter,
  ) {}

  /** Refuses answers that the workflow version cannot take, naming each; stores nothing. */
  async checkAnswers(input: ClassificationInput, user: AuthUser): Promise<void> {
    await this.validate(input, user);
  }

  /**
   * Validates against the workflow version, commits, then answers: an acknowledged classification is durable.
   * The usual submit is one statement, shared with concurrent submits; replays, refusals and conflicts are told
   * apart only when it stores nothing.
   * A replay with the same idempotency key returns the first answer; aggregation is enqueued after the commit.
   */
  async submit(input: ClassificationInput, idempotencyKey: string, user: AuthUser): Promise<SubmitResult> {
    const { definition, annotations } = await this.validate(input, user);
    await this.requireEvidenceFitsText(input, definition, annotations, user);
    let stored: Stored | undefined;
    try {
      stored = await this.insert(input, annotations, idempotencyKey, user);
    } catch (error) {
      // a concurrent statement stored this key or this subject for the caller first
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    }
    if (!stored) return this.explainNothingStored(input, annotations, idempotencyKey, user);
    this.metrics.classificationSubmitted();
    await this.jobs.aggregate(input.workflowId);
    const feedback = await this.feedbackFor(input.workflowId, input.workflowVersion, input.subjectId, annotations);
    return {
      id: stored.id,
      replayed: false,
      currentVersion: stored.currentVersion,
      ...(stored.afterRetirement ? { afterRetirement: true as const } : {}),
      ...(stored.paused ? { paused: true as const } : {}),
      ...feedback,
    };
  }

  /** Nothing was stored: a replay gets its first answer, anything else the reason it was refused. */
  private async explainNothingStored(input: ClassificationInput, annotations: Annotation[], idempotencyKey: string, user: AuthUser): Promise<SubmitResult> {
    const replay = await this.findReplay(user, idempotencyKey, input, annotations);
    if (replay) return replay;
    const [classified] = await this.db.query('SELECT 1 FROM classifications WHERE workflow_id = $1 AND subject_id = $2 AND user_id = $3', [input.workflowId, input.subjectId, user.id]);
    if (classified) throw conflict('You have already classified this subject in this workflow; ask the queue for the next subject.', 'already-classified');
    await this.requireClassifiable(input.workflowId, user);
    throw validationFailed([{ pointer: '/subjectId', message: notInWorkflow() }]);
  }

  /**
   * The first answer for this key (with its feedback, whose first delivery may have been lost with the connection, and
   * whether the workflow is paused now, as the submit statement tells); a key reused for another subject or workflow,
   * or with other answers, is refused, not silently dropped.
   */
  private async findReplay(user: AuthUser, idempotencyKey: string, input: ClassificationInput, annotations: Annotation[]): Promise<SubmitResult | undefined> {
    const [row] = await this.db.query(REPLAY, [user.id, idempotencyKey, accountIdOf(user) !== null]);
    if (!row) return undefined;
    if (row.workflow_id !== input.workflowId || row.subject_id !== input.subjectId) {
      throw validationFailed([{ pointer: '/headers/idempotency-key', message: 'was already used for another classification; send a fresh key with each new classification' }]);
    }
    // Compared as stored: JSON drops what is undefined, and jsonb does not keep the order of keys.
    // The caller classified this subject with this key and other answers (a page reloaded while its answer was on the
    // way, then changed): the first answers are kept, as for any second classification of a subject.
    if (!isDeepStrictEqual(row.annotations, JSON.parse(JSON.stringify(annotations)))) {
      throw new ProblemException(
        409,
        'You have already classified this subject in this workflow: this idempotency key was sent before with other answers, which are the ones kept. Ask the queue for the next subject.',
        [{ pointer: '/headers/idempotency-key', message: 'was already used for this subject with other answers, which are stored; a retry must send the same body' }],
        'already-classified',
      );
    }
    return {
      id: row.id,
      replayed: true,
      ...(row.paused ? { paused: true as const } : {}),
      ...(await this.feedbackFor(row.workflow_id, row.workflow_version, row.subject_id, row.annotations)),
    };
  }

  /**
   * Gold-standard feedback on a stored classification: the known answers, compared with the volunteer's, when the
   * subject has known answers and both the version answered and the workflow's current one give feedback
   * (researchers who turned it off no longer show known answers to a client naming an older version).
   */
  private async feedbackFor(workflowId: string, version: number, subjectId: string, annotations: Annotation[]): Promise<{ feedback?: TaskFeedback[] }> {
    const definition = await this.versions.definition(workflowId, version);
    if (!definition?.feedback) return {};
    const [subject] = await this.db.query('SELECT s.gold_standard, w.version AS current FROM subjects s, workflows w WHERE s.id = $1 AND w.id = $2', [subjectId, workflowId]);
    if (!subject?.gold_standard) return {};
    if (subject.current !== version && !(await this.versions.definition(workflowId, subject.current))?.feedback) return {};
    return { feedback: goldFeedback(definition, annotations, subject.gold_standard) };
  }

  /**
   * The caller's own classifications (of one workflow, or all), newest first, a page at a time; and, on the first page,
   * how many in all (counted once, not for each page). One of a project the operators took down (`removed`), to whoever
   * is not its member, comes without its project, workflow, subject's content or answers: that project is gone from the
   * public, its names too, but what the volunteer did there is still counted and listed as theirs.
   */
  async mine({ workflowId, limit, after }: OwnClassificationsQuery, user: AuthUser): Promise<OwnClassificationList> {
    const [rows, counted] = await Promise.all([
      this.db.query<OwnClassificationRow[]>(OWN_CLASSIFICATIONS, [user.id, workflowId ?? null, after?.time ?? null, after?.id ?? null, limit + 1, accountIdOf(user)]),
      after ? undefined : this.db.query<{ total: number }[]>(OWN_TOTAL, [user.id, workflowId ?? null]),
    ]);
    const { page, next } = timePage(rows, limit, 'classification_id');
    const classifications = page.map((row) => {
      const removed = row.project_taken_down && !row.open;
      return {
        id: row.classification_id,
        workflowId: row.workflow_id,
        workflowVersion: row.workflow_version,
        createdAt: row.created_at.toISOString(),
        subject: removed ? subjectOfRemovedProject(row.id) : subjectView(row, row.team),
        annotations: removed ? [] : row.annotations,
        project: removed ? null : { id: row.project_id, slug: row.project_slug, title: row.project_title },
        workflow: removed ? null : { id: row.workflow_id, name: row.workflow_name },
        favourite: row.favourite,
        open: row.open,
      };
    });
    return { ...(counted ? { total: counted[0]!.total } : {}), classifications, next };
  }

  /**
   * Why nothing was stored, when the caller may not classify here: volunteers may in workflows of projects that have
   * been open to them (live, paused or finished: answers in flight are kept); a draft workflow only its researchers.
   */
  private async requireClassifiable(workflowId: string, user: AuthUser): Promise<void> {
    const [workflow]: { status: Workflow['status']; project_id: string; project_status: Project['status']; project_taken_down_at: Date | null }[] = await this.db.query(
      'SELECT w.status, w.project_id, p.status AS project_status, p.taken_down_at AS project_taken_down_at FROM workflows w JOIN projects p ON p.id = w.project_id WHERE w.id = $1',
      [workflowId],
    );
    const member = workflow ? !!(await this.access.roleOf(workflow.project_id, user)) : false;
    // As the submit statement decides (ClassificationWriter).
    if (!workflow || !(member || isPublicWorkflow(workflow.status, { status: workflow.project_status, takenDownAt: workflow.project_taken_down_at }))) {
      throw workflowNotOpen();
    }
  }

  /**
   * Close-reading evidence marks characters of the subject's text: a span beyond it is refused, and so is an answer
   * without evidence its task requires where the subject has text (read only when there is evidence to check).
   */
  private async requireEvidenceFitsText(input: ClassificationInput, definition: WorkflowDefinition, annotations: Annotation[], user: AuthUser): Promise<void> {
    if (!evidenceToCheck(definition, annotations)) return;
    const locations = await this.locationsOf(input);
    if (!locations) return; // not a subject of the workflow: the submit statement says so
    const errors = [...evidenceMissing(definition, annotations, locations, '/annotations'), ...evidenceBeyondPassage(annotations, locations, '/annotations')];
    if (!errors.length) return;
    // Said only to who may classify here: the refusal tells how long the subject's text is.
    await this.requireClassifiable(input.workflowId, user);
    throw validationFailed(errors);
  }

  /** Checks the answers against the workflow version; who may classify is checked first when they fail. */
  private async validate(input: ClassificationInput, user: AuthUser) {
    const definition = await this.versions.definition(input.workflowId, input.workflowVersion);
    if (!definition) {
      await this.requireClassifiable(input.workflowId, user);
      const [workflow] = await this.db.query('SELECT version FROM workflows WHERE id = $1', [input.workflowId]);
      throw validationFailed([{ pointer: '/workflowVersion', message: `is not a version of this workflow (the current version is ${workflow.version})` }]);
    }
    let validated = validateAnnotations(definition, input.annotations, '/annotations');
    // Only then are the subject and the project's language read: a correction left as its text is valid whatever the
    // task's limits, and a form's numbers are read as typed in the language ("12,5" in French). The classifier sends
    // answers as stored, taken above as they are ("1.250", typed "1,250" in German, which that language refuses typed
    // as a thousand or a decimal: see `AnswerContext`); the refusal names the language's separator.
    if (!validated.ok) validated = validateAnnotations(definition, input.annotations, '/annotations', await this.answerContextOf(input, definition));
    // Marks need an image to be on; a subject not of the workflow is refused later, as for any task.
    const locations = validated.ok && holdsMarks(definition.tasks, validated.value) ? await this.locationsOf(input) : undefined;
    const markedOnNothing = validated.ok && locations ? marksWithoutImage(definition.tasks, validated.value, locations) : [];
    if (markedOnNothing.length) validated = { ok: false, errors: markedOnNothing };
    if (!validated.ok) await this.requireClassifiable(input.workflowId, user);
    return { definition, annotations: unwrap(validated) };
  }

  /** What the answers are checked in the light of: the subject's text for a correction, and the project's language. */
  private async answerContextOf(input: ClassificationInput, definition: WorkflowDefinition): Promise<AnswerContext> {
    const [project]: { language: string }[] = await this.db.query('SELECT p.language FROM workflows w JOIN projects p ON p.id = w.project_id WHERE w.id = $1', [input.workflowId]);
    return { locations: correctingTasks(definition).length ? await this.locationsOf(input) : undefined, language: project?.language };
  }

  /** The locations of the subject submitted, if it is one of the workflow's: read once per submit (a correction, marks and evidence may each need them). */
  private locationsOf(input: ClassificationInput): Promise<SubjectLocation[] | undefined> {
    let read = this.locationsRead.get(input);
    if (!read) {
      read = this.db
        .query('SELECT s.locations FROM subjects s JOIN subject_workflow_status st ON st.subject_id = s.id AND st.workflow_id = $2 WHERE s.id = $1', [input.subjectId, input.workflowId])
        .then(([subject]: { locations: SubjectLocation[] }[]) => subject?.locations);
      this.locationsRead.set(input, read);
    }
    return read;
  }

  /** Each submit's subject locations as read (`locationsOf`), gone with the submit's input. */
  private readonly locationsRead = new WeakMap<ClassificationInput, Promise<SubjectLocation[] | undefined>>();

  /** Stored by the writer, which shares one statement among concurrent submits; undefined when nothing was stored. */
  private insert(input: ClassificationInput, annotations: unknown, idempotencyKey: string, user: AuthUser): Promise<Stored | undefined> {
    return this.writer.store({
      workflowId: input.workflowId,
      workflowVersion: input.workflowVersion,
      subjectId: input.subjectId,
      userId: user.id,
      asAccount: accountIdOf(user) !== null,
      annotations,
      startedAt: input.startedAt ?? null,
      finishedAt: input.finishedAt ?? null,
      metadata: input.metadata,
      idempotencyKey,
    });
  }
}
