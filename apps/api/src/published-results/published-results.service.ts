import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PublishedResult } from '@chorus/client';
import { Project, Workflow } from '@chorus/db';
import { type DataSource, Not } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, notFound } from '../common/problem';
import { ProjectAccess } from '../projects/project-access';
import { SubjectResultsService } from '../subject-results/subject-results.service';
import { WorkflowsService } from '../workflows/workflows.service';

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
  ) {}

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
    const workflows = await this.db.getRepository(Workflow).find({ where: { projectId, status: Not('draft') }, select: { id: true }, order: { createdAt: 'ASC' } });
    return { results: await this.results.published(workflows.map((workflow) => workflow.id), subjectId) };
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
