import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DownloadLink, PublishedResult, PublishedText, PublishedTextOfTask, PublishedTextPage, ReadableSets } from '@chorus/client';
import { Project, SubjectSet } from '@chorus/db';
import { type WorkflowDefinition, reachableTasks } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import type { TokenSession } from '../auth/ended-sessions';
import { ProblemException, notFound } from '../common/problem';
import { ExportsService, servedSetsSql, setOrderSql } from '../exports/exports.service';
import { publishedTextPage } from '../exports/transcription-documents';
import { ProjectAccess } from '../projects/project-access';
import { takenDownSql } from '../retirement/retired-by-sql';
import { SubjectResultsService, type WithheldTask } from '../subject-results/subject-results.service';
import { WorkflowsService } from '../workflows/workflows.service';
import { type PublishedTextAfter, publishedTextCursor } from './dto/published-text.dto';

/**
 * Set $1's members in the set's own order (the transcriptions download's for a set), after the cursor ($2, $3), $4 at
 * most; those taken down left out, as the neighbour pages leave them out (`NEIGHBOURS`), so that both number a page alike.
 */
const SET_MEMBERS = `
  SELECT m.subject_id, m.position::text AS position FROM subject_set_members m
  WHERE m.subject_set_id = $1 AND ($2::bigint IS NULL OR (m.position, m.subject_id) > ($2::bigint, $3::uuid))
    AND NOT ${takenDownSql('m.subject_id')}
  ORDER BY ${setOrderSql('m')}
  LIMIT $4`;

/** The most pages the text download reads at once. */
export const TEXT_BATCH = 500;

/** A set read as a document in one workflow: the set, the workflow, and its transcription tasks, in the order it reaches them. */
interface SetDocument {
  set: SubjectSet;
  workflowId: string;
  transcriptionTasks: { task: string; instruction: string }[];
}

/** A published task's text: the review's where one replaced the consensus; null for none (not a text). */
function publishedTextOf(task: PublishedResult['tasks'][string] | undefined): string | null {
  const text = task?.reviewed ? task.reviewed.value : task?.answer;
  return typeof text === 'string' ? text : null;
}

/** A transcription task's text on a published page, and its state: why there is none where there is none. */
function textOfTask({ task, instruction }: SetDocument['transcriptionTasks'][number], result: PublishedResult, withheld: ReadonlyMap<string, WithheldTask>): PublishedTextOfTask {
  const text = publishedTextOf(result.tasks[task]);
  return { task, instruction, text, state: text !== null ? 'transcribed' : (withheld.get(task) ?? 'notTranscribed') };
}

/** The transcription tasks of a workflow's definition, in the order it reaches them: the text a set reads as. */
function transcriptionTasksOf(definition: WorkflowDefinition): SetDocument['transcriptionTasks'] {
  return reachableTasks(definition).flatMap((task) => {
    const defined = definition.tasks[task];
    return defined?.type === 'transcription' ? [{ task, instruction: defined.instruction }] : [];
  });
}

/**
 * Why a workflow (its current `definition`) does not read set `setId` as a document, or null when it does: it has a
 * transcription task, and the set is not its training set. The one rule of which sets read as a document.
 */
function unreadableIn(definition: WorkflowDefinition, setId: string): 'noTranscription' | 'trainingSet' | null {
  if (!transcriptionTasksOf(definition).length) return 'noTranscription';
  return definition.selection?.training?.subjectSetId === setId ? 'trainingSet' : null;
}

/** The project's ($1) workflows not in draft (workflow $2 alone, if given), oldest first, each with its current definition. */
const PUBLISHING_WORKFLOWS = `
  SELECT w.id, w.name, v.definition
  FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
  WHERE w.project_id = $1 AND w.status <> 'draft' AND ($2::uuid IS NULL OR w.id = $2)
  ORDER BY w.created_at, w.id`;

interface PublishingWorkflow {
  id: string;
  name: string;
  definition: WorkflowDefinition;
}

/**
 * What a project publishes of its results (`resultsPublic`), for volunteers and the public: a finished subject's
 * consensus, read and shaped as its researchers' results view reads it (`SubjectResultsService.published`).
 */
@Injectable()
export class PublishedResultsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly workflows: WorkflowsService,
    private readonly results: SubjectResultsService,
    private readonly exports: ExportsService,
  ) {}

  /** The most pages the text download reads at once (`TEXT_BATCH`; a test sets fewer, to read a set in several batches). */
  textBatch = TEXT_BATCH;

  /**
   * The subject's result in the workflow, for whoever may read the workflow, once its project publishes results and
   * the workflow publishes the subject (`SubjectResultsService.published`); anything else of the subject is not found,
   * in the same words.
   */
  async result(workflowId: string, subjectId: string, user: AuthUser | undefined): Promise<PublishedResult> {
    const workflow = await this.workflows.readable(workflowId, user);
    await this.requirePublishing(workflow.projectId);
    const [published] = await this.results.published([workflowId], subjectId);
    if (!published) throw notFound(`A published result of subject ${subjectId} in workflow ${workflowId}`, '/params/subjectId');
    return published;
  }

  /**
   * The subject's results in each workflow of the project not in draft (finished and paused ones too) that publishes
   * it, oldest workflow first, for whoever may read the project, once it publishes results; none for a subject none
   * publishes.
   */
  async ofProject(projectId: string, subjectId: string, user: AuthUser | undefined): Promise<{ results: PublishedResult[] }> {
    await this.access.readable(projectId, user, '/params/id');
    await this.requirePublishing(projectId);
    const workflows = await this.publishingWorkflows(projectId);
    return { results: await this.results.published(workflows.map((workflow) => workflow.id), subjectId) };
  }

  /**
   * The project's sets that read as a document (`setText`), for whoever may read the project, once it publishes its
   * results: each set a workflow not in draft with a transcription task serves, but its training set, with that workflow.
   */
  async readableSets(projectId: string, user: AuthUser | undefined): Promise<ReadableSets> {
    await this.access.readable(projectId, user, '/params/id');
    await this.requirePublishing(projectId);
    const transcribing = (await this.publishingWorkflows(projectId)).filter((workflow) => transcriptionTasksOf(workflow.definition).length);
    const served = await Promise.all(transcribing.map(async (workflow) => ({ workflow, sets: await this.db.query<{ id: string; name: string }[]>(servedSetsSql, [workflow.id]) })));
    return {
      sets: served.flatMap(({ workflow, sets }) =>
        sets.filter((set) => !unreadableIn(workflow.definition, set.id)).map((set) => ({ subjectSetId: set.id, name: set.name, workflowId: workflow.id, workflowName: workflow.name })),
      ),
    };
  }

  /** The project's workflows not in draft (`workflowId` alone, if given), oldest first, each with its current definition. */
  private publishingWorkflows(projectId: string, workflowId: string | null = null): Promise<PublishingWorkflow[]> {
    return this.db.query<PublishingWorkflow[]>(PUBLISHING_WORKFLOWS, [projectId, workflowId]);
  }

  /**
   * A page of set `setId`'s subjects read as a document in workflow `workflowId`, in the set's order: each numbered,
   * with each transcription task's published text where the workflow publishes its result (`SubjectResultsService.publishedIn`),
   * else a gap. For whoever may read the project, once it publishes its results.
   */
  async setText(setId: string, workflowId: string, { limit, after, projectId }: { limit: number; after?: PublishedTextAfter; projectId?: string }, user: AuthUser | undefined): Promise<PublishedText> {
    const document = await this.setDocument(setId, workflowId, user, projectId);
    const { pages, next } = await this.pagesOf(document, limit, after);
    return { subjectSetId: setId, workflowId, name: document.set.name, pages, next: next && publishedTextCursor(next) };
  }

  /**
   * The same document whole, as plain text (`publishedTextPage` for each page, a blank line between two), streamed
   * `textBatch` pages at a time, and the set's name. The set, workflow and publishing are checked before the first byte.
   */
  async setTextFile(setId: string, workflowId: string, projectId: string | undefined, user: AuthUser | undefined): Promise<{ name: string; text: Readable }> {
    const document = await this.setDocument(setId, workflowId, user, projectId);
    return { name: document.set.name, text: Readable.from(this.textBatches(document)) };
  }

  /**
   * A link that opens the same document as plain text without an Authorization header, for 10 minutes, for a browser
   * to save as it streams (a draft project's members, whose plain link would carry no token): made once the caller may
   * read it (`setDocument`); whoever opens it must still be allowed to.
   */
  async setTextLink(setId: string, workflowId: string, user: AuthUser, session: TokenSession, origin: string | undefined): Promise<DownloadLink> {
    await this.setDocument(setId, workflowId, user);
    return this.exports.publishedTextLink({ subjectSetId: setId, workflowId }, user, session, origin);
  }

  /** Who reads the set's text: the bearer token's account, else a download link's (`token`), else anyone. */
  reader(setId: string, workflowId: string, user: AuthUser | undefined, token: string | undefined): Promise<AuthUser | undefined> {
    if (token === undefined) return Promise.resolve(user);
    return this.exports.downloader({ subjectSetId: setId, workflowId, kind: 'published-text' }, user, token);
  }

  /** The document's text, a batch of pages (`textBatch`) per chunk, read one batch after another. */
  private async *textBatches(document: SetDocument): AsyncGenerator<string> {
    let after: PublishedTextAfter | undefined;
    let separator = '';
    do {
      const read = await this.pagesOf(document, this.textBatch, after);
      const pages = read.pages.map((page) => publishedTextPage(`Page ${page.page} · ${page.subjectId}`, page.texts));
      if (pages.length) yield `${separator}${pages.join('\n')}`;
      separator = '\n';
      after = read.next ?? undefined;
    } while (after);
  }

  /**
   * The set and workflow, once the caller may read the project, it publishes its results, and the workflow is one of
   * its own, not in draft, that serves the set (else 404 naming `/query/workflowId`) and has a transcription task (else 422).
   */
  private async setDocument(setId: string, workflowId: string, user: AuthUser | undefined, projectId?: string): Promise<SetDocument> {
    const set = await this.db.getRepository(SubjectSet).findOneBy({ id: setId });
    if (!set) throw notFound(`Subject set ${setId}`, '/params/id');
    await this.access.readable(set.projectId, user, '/params/id', `Subject set ${setId}`);
    if (projectId && projectId !== set.projectId) throw notFound(`Subject set ${setId} in project ${projectId}`, '/query/projectId');
    await this.requirePublishing(set.projectId);
    const [workflow] = await this.publishingWorkflows(set.projectId, workflowId);
    const serves = workflow && (await this.db.query<unknown[]>('SELECT 1 FROM workflow_subject_sets WHERE workflow_id = $1 AND subject_set_id = $2', [workflowId, setId])).length;
    const why = workflow && serves ? unreadableIn(workflow.definition, setId) : null;
    if (!workflow || !serves || why === 'trainingSet') throw notFound(`A workflow ${workflowId} of the project, not in draft, that serves subject set ${setId} (not as its training set)`, '/query/workflowId');
    if (why === 'noTranscription') {
      throw new ProblemException(422, `Workflow ${workflowId} has no transcription task, so no text to read`, [{ pointer: '/query/workflowId', message: 'names a workflow without a transcription task: name one that transcribes the set' }]);
    }
    return { set, workflowId, transcriptionTasks: transcriptionTasksOf(workflow.definition) };
  }

  /** Up to `limit` of the set's members after `after`, as pages, and where the next page starts (null on the last). */
  private async pagesOf({ set, workflowId, transcriptionTasks }: SetDocument, limit: number, after: PublishedTextAfter | undefined): Promise<{ pages: PublishedTextPage[]; next: PublishedTextAfter | null }> {
    const members = await this.db.query<{ subject_id: string; position: string }[]>(SET_MEMBERS, [set.id, after?.position ?? null, after?.subjectId ?? null, limit + 1]);
    const shown = members.slice(0, limit);
    const published = new Map((await this.results.publishedWithWithheldIn(workflowId, shown.map((member) => member.subject_id))).map((read) => [read.result.subjectId, read]));
    const first = (after?.page ?? 0) + 1;
    const pages = shown.map((member, index): PublishedTextPage => {
      const read = published.get(member.subject_id);
      return {
        page: first + index,
        subjectId: member.subject_id,
        published: !!read,
        metadata: read ? read.result.metadata : null,
        texts: read ? transcriptionTasks.map((task) => textOfTask(task, read.result, read.withheld)) : null,
      };
    });
    const last = shown.at(-1);
    return { pages, next: members.length > limit && last ? { page: first + shown.length - 1, position: last.position, subjectId: last.subject_id } : null };
  }

  /**
   * Fails, naming the project, unless it publishes its results, before any subject is read. One the operators took
   * down publishes nothing (its members read it still, not its published results).
   */
  private async requirePublishing(projectId: string): Promise<void> {
    const project = await this.db.getRepository(Project).findOne({ where: { id: projectId }, select: { resultsPublic: true, takenDownAt: true } });
    if (project?.resultsPublic && !project.takenDownAt) return;
    throw new ProblemException(404, `Project ${projectId} does not publish its results (resultsPublic)`, [{ pointer: '/params/id', message: 'names a project that does not publish its results' }]);
  }
}
