import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Project, User } from '@chorus/db';
import { type WorkflowDefinition, workflowDefinitionSchema } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ProjectsService } from '../projects/projects.service';
import { SubjectSetsService } from '../subject-sets/subject-sets.service';
import { WorkflowsService } from '../workflows/workflows.service';
import { DEMO_SLUG, showUnclaimedDemo } from './demo-handover';
import { demoSnippets } from './demo-snippets';

const DEMO_LOCK_KEY = 7_263_142_002;

export const demoWorkflow: WorkflowDefinition = workflowDefinitionSchema.parse({
  name: 'Ad or not?',
  firstTask: 'T0',
  tasks: {
    T0: {
      type: 'single',
      question: 'Is this snippet an advertisement?',
      help: 'Any paid notice counts: sales, lost and found, situations wanted, services offered.',
      answers: [
        { value: 'yes', label: 'Yes, an advertisement' },
        { value: 'no', label: 'No, news or report' },
      ],
    },
  },
  retirement: { rule: 'count', count: 5 },
});

/**
 * On first start with an empty database, a live demo project so that a newcomer sees a working classifier at once;
 * the first account to make a project of its own is given it (`handOverDemoProject`).
 */
@Injectable()
export class DemoService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly projects: ProjectsService,
    private readonly subjectSets: SubjectSetsService,
    private readonly workflows: WorkflowsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await showUnclaimedDemo(this.db, this.config.demoProject)) {
      this.logger.log(this.config.demoProject ? 'made the demo project "Ad or not?" live again (DEMO_PROJECT=true)' : 'paused the demo project "Ad or not?", which nobody has been given (DEMO_PROJECT=false)');
    }
    if (!this.config.demoProject) return;
    if (await this.seedIfEmpty()) this.logger.log('created the demo project "Ad or not?" with 30 snippets');
  }

  /** Under a lock, so that several API processes starting together seed once. */
  async seedIfEmpty(): Promise<boolean> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [DEMO_LOCK_KEY]);
      if (await this.db.getRepository(Project).count()) return false;
      await this.seed().catch(async (error: unknown) => {
        await this.db.getRepository(Project).delete({ slug: DEMO_SLUG });
        throw error;
      });
      return true;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [DEMO_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  }

  private async seed(): Promise<void> {
    // No email, so no one signs in as it; taken as verified, as publishing asks, since Chorus itself vouches for the demo.
    const owner = await this.db.getRepository(User).save({ kind: 'registered', displayName: 'Chorus demo', email: null, emailVerifiedAt: new Date() });
    const user: AuthUser = { id: owner.id, kind: 'registered' };
    const project = await this.projects.create(
      {
        title: 'Ad or not?',
        slug: DEMO_SLUG,
        description: 'Help sort snippets from old newspapers: is each one an advertisement, or news? A demo project that ships with Chorus.',
        fieldGuide: '## Advertisements\nPaid notices: goods for sale, situations wanted, lost and found, services.\n\n## News\nReports, court cases, accidents, council meetings.',
        language: 'en',
        status: 'live',
      },
      user,
    );
    await this.db.getRepository(Project).update(project.id, { cameWithChorus: true });
    const set = await this.subjectSets.create(project.id, { name: 'Newspaper snippets' }, user);
    const subjects = demoSnippets.map((snippet, index) => {
      const start = snippet.text.indexOf(snippet.keyword);
      return {
        locations: [{ type: 'text', text: snippet.text, highlights: [[start, start + snippet.keyword.length]] }],
        metadata: { keyword: snippet.keyword, '#expected': snippet.ad ? 'yes' : 'no' },
        externalId: `demo-${String(index + 1).padStart(2, '0')}`,
      };
    });
    await this.subjectSets.addSubjects(set.id, { subjects }, 'application/json', {}, user);
    const workflow = await this.workflows.create(project.id, { definition: demoWorkflow, subjectSetIds: [set.id] }, user);
    await this.workflows.setStatus(workflow.id, 'active', user);
  }
}
