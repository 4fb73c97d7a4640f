import type { AboutPageKind, AboutPages } from '@chorus/client';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProjectAccess } from '../projects/project-access';
import { aboutPageRows } from './about-pages-sql';
import type { AboutPageInput } from './dto/about-page.dto';

/**
 * A project's About pages (research, team, results, education, faq): Markdown its owner and collaborators write,
 * read by anyone who may see the project. A page without content is no page: there is no row of it.
 */
@Injectable()
export class AboutPagesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
  ) {}

  async list(projectId: string, user: AuthUser | undefined): Promise<AboutPages> {
    const project = await this.access.readable(projectId, user, '/params/id');
    return this.pagesOf(projectId, project.language);
  }

  /** Writes the page, or removes it when its content is blank; answers the pages as they now are. */
  async set(projectId: string, kind: AboutPageKind, { content }: AboutPageInput, user: AuthUser): Promise<AboutPages> {
    const project = await this.access.requireAdministrator(projectId, user, '/params/id');
    if (content.trim()) {
      await this.db.query(
        `INSERT INTO project_about_pages (project_id, kind, content) VALUES ($1, $2, $3)
         ON CONFLICT (project_id, kind) DO UPDATE SET content = excluded.content, updated_at = now()`,
        [projectId, kind, content],
      );
    } else {
      await this.db.query('DELETE FROM project_about_pages WHERE project_id = $1 AND kind = $2', [projectId, kind]);
    }
    return this.pagesOf(projectId, project.language);
  }

  private async pagesOf(projectId: string, language: string): Promise<AboutPages> {
    const rows = await aboutPageRows<{ kind: AboutPageKind; content: string; updatedAt: Date }>(this.db, projectId, 'kind, content, updated_at AS "updatedAt"');
    return { projectId, language, pages: rows.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() })) };
  }
}
