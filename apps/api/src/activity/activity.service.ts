import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { OwnActivity, ProjectActivity } from '@chorus/client';
import { Workflow } from '@chorus/db';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { RememberedReads } from '../auth/remembered-reads';
import { notFound, validationFailed } from '../common/problem';
import { isPublicWorkflow, ProjectAccess } from '../projects/project-access';
import { WorkflowsService } from '../workflows/workflows.service';
import { ACTIVITY_PER_DAY, ownActivityPerDaySql } from './activity-sql';
import type { ActivityQuery, OwnActivityQuery } from './dto/activity.dto';

/** Postgres's `invalid_parameter_value`: what `AT TIME ZONE` answers for a zone it does not know. */
const INVALID_PARAMETER_VALUE = '22023';

interface ActivityRow {
  date: string;
  classifications: string;
  volunteers: string;
  new_volunteers: string;
  retired: string;
  all_volunteers: string;
}

/** What one read of the figures is of: the workflows read, the days, the zone, and the workflow asked for, if one. */
interface PublicRead {
  workflowIds: string[];
  from: string;
  to: string;
  timeZone: string;
  workflowId: string | null;
}

/** A project's figures per day: what its researchers report to funders, and how a newsletter or an article moved them. */
@Injectable()
export class ActivityService {
  /**
   * The figures anyone not of the project's team reads, per (workflows, days, zone), as this API process last read them,
   * for 30 s as the public stats are (a year of a public project reads every classification of the year): one key a
   * statement, a few at once, keys bounded as `RememberedReads` bounds them.
   */
  private readonly publicActivity = new RememberedReads<ProjectActivity>(
    (keys) => Promise.all(keys.map((key) => this.read(JSON.parse(key) as PublicRead & { projectId: string }))),
    (_known, heard) => heard,
    { batching: { maxBatch: 1, maxBatchesAtOnce: 4 } },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly workflows: WorkflowsService,
  ) {}

  /** Readable by whoever may read the workflows' stats: anyone for a public project, its members for a draft (or a draft workflow). */
  async activity(projectId: string, query: ActivityQuery, user: AuthUser | undefined): Promise<ProjectActivity> {
    const member = Boolean(await this.access.roleOf(projectId, user));
    const workflowIds = await this.readableWorkflows(projectId, query, member, user);
    const read: PublicRead = { workflowIds, from: query.from, to: query.to, timeZone: query.timeZone, workflowId: query.workflowId ?? null };
    if (member) return this.read(read);
    return (await this.publicActivity.current(JSON.stringify({ projectId, ...read })))!;
  }

  /** The caller's own classifications per day (a guest's too: theirs, as `GET /account/contribution` gives them), in every project or one. */
  async own(query: OwnActivityQuery, user: AuthUser): Promise<OwnActivity> {
    const rows = await this.perDay<{ date: string; classifications: string }>(
      ownActivityPerDaySql(query.projectId !== undefined),
      [user.id, query.from, query.to, query.timeZone, ...(query.projectId === undefined ? [] : [query.projectId])],
    );
    const days = rows.map((row) => ({ date: row.date, classifications: Number(row.classifications) }));
    return {
      from: query.from,
      to: query.to,
      timeZone: query.timeZone,
      projectId: query.projectId ?? null,
      days,
      totals: { classifications: days.reduce((total, day) => total + day.classifications, 0) },
    };
  }

  /** A statement of days ($2 to $3) in a zone ($4), one it does not know refused at `/query/timeZone`. */
  private perDay<Row>(sql: string, parameters: unknown[]): Promise<Row[]> {
    return this.db.query(sql, parameters).catch((error: { code?: string }) => {
      // A zone Node's ICU knows but this Postgres does not (one ICU still keeps, such as US/Pacific-New).
      if (error.code === INVALID_PARAMETER_VALUE) throw validationFailed([{ pointer: '/query/timeZone', message: 'is not a time zone the database knows; give an IANA zone such as Europe/Paris or UTC' }]);
      throw error;
    });
  }

  private async read(query: PublicRead): Promise<ProjectActivity> {
    const rows = await this.perDay<ActivityRow>(ACTIVITY_PER_DAY, [query.workflowIds, query.from, query.to, query.timeZone]);
    const days = rows.map((row) => ({
      date: row.date,
      classifications: Number(row.classifications),
      volunteers: Number(row.volunteers),
      newVolunteers: Number(row.new_volunteers),
      retired: Number(row.retired),
    }));
    const sum = (field: 'classifications' | 'newVolunteers' | 'retired') => days.reduce((total, day) => total + day[field], 0);
    return {
      from: query.from,
      to: query.to,
      timeZone: query.timeZone,
      workflowId: query.workflowId,
      days,
      totals: { classifications: sum('classifications'), volunteers: Number(rows[0]?.all_volunteers ?? 0), newVolunteers: sum('newVolunteers'), retired: sum('retired') },
    };
  }

  /** The workflow asked for (404 at `/query/workflowId` if not of the project, or not readable), else the project's that the caller may read. */
  private async readableWorkflows(projectId: string, { workflowId }: ActivityQuery, member: boolean, user: AuthUser | undefined): Promise<string[]> {
    const project = await this.access.readable(projectId, user, '/params/id');
    if (workflowId) {
      const workflow = await this.workflows.readable(workflowId, user, '/query/workflowId');
      if (workflow.projectId !== projectId) throw notFound(`Workflow ${workflowId}`, '/query/workflowId');
      return [workflow.id];
    }
    const workflows = await this.db.getRepository(Workflow).find({ select: { id: true, status: true }, where: { projectId } });
    return workflows.filter((workflow) => member || isPublicWorkflow(workflow.status, project)).map((workflow) => workflow.id);
  }
}
