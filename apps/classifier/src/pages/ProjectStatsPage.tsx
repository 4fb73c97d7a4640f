import type { ProjectActivity, ProjectView } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActivityChart, ActivityChoices, ActivityTable, TimeZoneFallback, useProjectActivity } from '../components/Activity';
import { Breadcrumb } from '../components/Breadcrumb';
import { Loaded } from '../components/Loaded';
import { NothingHere } from '../components/NothingHere';
import { useClient } from '../lib/clientContext';
import { projectPath } from '../lib/router';
import { researchersWords } from '../lib/textLanguage';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';

/** The ranges offered, in days up to today. */
const RANGES = [7, 30, 90] as const;

/** `/projects/:slug/stats`: the project's classifications and volunteers per day, for anyone who may see the project. */
export function ProjectStatsPage({ projectSlug }: { projectSlug: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data: project, problem, missing, reload } = useLoaded(() => client.getProject(projectSlug), [client, projectSlug]);
  useDocumentTitle(project ? t('stats.pageTitle', { project: project.title }) : t('stats.title'));
  if (missing) return <NothingHere testId="project-not-found" title={t('project.notFoundTitle')} body={t('project.notFound')} />;
  return (
    <div className="page page-stats" data-testid="stats-page">
      <Breadcrumb up={project ? [{ to: projectPath(project.slug), label: project.title }] : []} here={t('stats.title')} />
      <h1 tabIndex={-1}>{project ? <span {...researchersWords(project.language)}>{t('stats.pageTitle', { project: project.title })}</span> : t('stats.title')}</h1>
      <Loaded data={project} problem={problem} reload={reload} loading={t('project.loading')}>
        {(loaded) => <ProjectStats project={loaded} />}
      </Loaded>
    </div>
  );
}

/** The figures of the days and workflow chosen, in the browser's time zone: a table, with bars beside it. */
function ProjectStats({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const [range, setRange] = useState<number>(RANGES[1]);
  const [workflowId, setWorkflowId] = useState('');
  const { data: activity, problem, reload, timeZone, zoneUnknown, current } = useProjectActivity(project.id, range, workflowId);
  return (
    <>
      <p className="lead">{t('stats.lead', { timeZone })}</p>
      <TimeZoneFallback zone={zoneUnknown} />
      <ActivityChoices idPrefix="stats" ranges={RANGES} range={range} onRange={setRange} workflows={project.workflows} workflowId={workflowId} onWorkflow={setWorkflowId} />
      <Loaded data={activity} current={current} problem={problem} reload={reload} loading={t('stats.loading')}>
        {(loaded) => <StatsFigures activity={loaded} />}
      </Loaded>
    </>
  );
}

function StatsFigures({ activity }: { activity: ProjectActivity }) {
  const { t } = useTranslation();
  return (
    <>
      <p data-testid="stats-totals">{t('stats.totals', { classifications: activity.totals.classifications, volunteers: activity.totals.volunteers })}</p>
      <ActivityChart days={activity.days} testId="stats-chart" />
      <ActivityTable
        testId="stats-table"
        days={activity.days}
        caption={t('stats.caption', { from: activity.from, to: activity.to })}
        dateHeading={t('stats.date')}
        columns={[
          { name: 'classifications', heading: t('stats.classifications'), figure: (day) => day.classifications },
          { name: 'volunteers', heading: t('stats.volunteers'), figure: (day) => day.volunteers },
        ]}
      />
    </>
  );
}
