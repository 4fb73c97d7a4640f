import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProjectAccess } from '../projects/project-access';
import { CONTRIBUTOR_SUMMARY, type ContributorSummary } from './contributor-rows';

/** The two numbers of a project's contributors, for the lab's page: a read of its own, not a download (no `EXPORTS_AT_ONCE` place). */
@Injectable()
export class ContributorsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
  ) {}

  async summary(projectId: string, user: AuthUser): Promise<ContributorSummary> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const [summary] = (await this.db.query(CONTRIBUTOR_SUMMARY, [projectId])) as [ContributorSummary];
    return summary;
  }
}
