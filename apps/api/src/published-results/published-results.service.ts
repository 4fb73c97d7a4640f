import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PublishedResult } from '@chorus/client';
import { Project } from '@chorus/db';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { notFound } from '../common/problem';
import { SubjectResultsService } from '../subject-results/subject-results.service';
import { WorkflowsService } from '../workflows/workflows.service';

/**
 * What a project publishes of its results (`resultsPublic`), for volunteers and the public: a retired subject's
 * consensus, read and shaped as its researchers' results view reads it (`SubjectResultsService.published`).
 */
@Injectable()
export class PublishedResultsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
    private readonly results: SubjectResultsService,
  ) {}

  /**
   * The subject's result in the workflow, for whoever may read the workflow, once its project publishes results and
   * the workflow retired the subject. Anything else is not found, in the same words: a project that does not publish
   * (or was taken down by the operators: a take-down hides it from the public, its members too here), a subject not
   * retired, taken down, or not in the workflow.
   */
  async result(workflowId: string, subjectId: string, user: AuthUser | undefined): Promise<PublishedResult> {
    const workflow = await this.workflows.readable(workflowId, user);
    const project = await this.db.getRepository(Project).findOne({ where: { id: workflow.projectId }, select: { resultsPublic: true, takenDownAt: true } });
    const published = project?.resultsPublic && !project.takenDownAt ? await this.results.published(workflowId, subjectId) : null;
    if (!published) throw notFound(`A published result of subject ${subjectId} in workflow ${workflowId}`, '/params/subjectId');
    return published;
  }
}
