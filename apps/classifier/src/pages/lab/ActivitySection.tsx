import type { ProjectActivity, ProjectView } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField } from '../../components/FormField';
import { LabTable } from '../../components/LabTable';
import { useClient } from '../../lib/clientContext';
import { useLoaded } from '../../lib/useLoaded';
import { saveFile } from '../../lib/saveFile';

/** The ranges offered, in days up to today. */
const RANGES = [30, 90, 365] as const;
const DAY_MS = 86_400_000;
const CHART_HEIGHT = 80;

/** Today in the browser's time zone, as `YYYY-MM-DD`. */
const today = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const daysBefore = (date: string, days: number) => new Date(Date.parse(date) - days * DAY_MS).toISOString().slice(0, 10);

/** The rows as CSV, one a day, for a spreadsheet. */
function activityCsv(activity: ProjectActivity): string {
  const header = 'date,classifications,volunteers,new_volunteers,retired';
  const rows = activity.days.map((day) => [day.date, day.classifications, day.volunteers, day.newVolunteers, day.retired].join(','));
  return `${[header, ...rows].join('\n')}\n`;
}

/** Whether the answer shown is that of the range and workflow chosen, not one still being replaced after a change. */
const shown = (activity: ProjectActivity | null, range: number, workflowId: string) => Boolean(activity && activity.days.length === range && activity.workflowId === (workflowId || null));

/**
 * The project's classifications, volunteers and retirements per day, in the browser's time zone: a table (what screen
 * readers read) with bars beside it, a range and a workflow to choose, and the rows to download.
 */
export function ActivitySection({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const client = useClient();
  const [range, setRange] = useState<number>(RANGES[0]);
  const [workflowId, setWorkflowId] = useState('');
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const { data: activity, problem, reload } = useLoaded(() => {
    const to = today(timeZone);
    return client.activity(project.id, { from: daysBefore(to, range - 1), to, timeZone, ...(workflowId ? { workflowId } : {}) });
  }, [client, project.id, range, workflowId, timeZone]);
  return (
    <section className="lab-section" aria-labelledby="lab-activity-heading" data-testid="lab-activity">
      <h2 id="lab-activity-heading">{t('lab.activity.title')}</h2>
      <p className="hint">{t('lab.activity.lead', { timeZone })}</p>
      <SelectField id="lab-activity-range" label={t('lab.activity.range')} value={range} onChange={(event) => setRange(Number(event.target.value))}>
        {RANGES.map((days) => (
          <option key={days} value={days}>
            {t('lab.activity.lastDays', { count: days })}
          </option>
        ))}
      </SelectField>
      <SelectField id="lab-activity-workflow" label={t('lab.activity.workflow')} value={workflowId} onChange={(event) => setWorkflowId(event.target.value)}>
        <option value="">{t('lab.activity.allWorkflows')}</option>
        {project.workflows.map((workflow) => (
          <option key={workflow.id} value={workflow.id}>
            {workflow.name}
          </option>
        ))}
      </SelectField>
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {activity && <ActivityFigures activity={activity} />}
      {!problem && !shown(activity, range, workflowId) && <p role="status">{t('lab.activity.loading')}</p>}
    </section>
  );
}

function ActivityFigures({ activity }: { activity: ProjectActivity }) {
  const { t } = useTranslation();
  const most = Math.max(1, ...activity.days.map((day) => day.classifications));
  const download = () => saveFile(activityCsv(activity), `activity-${activity.from}-${activity.to}.csv`);
  return (
    <>
      <p data-testid="lab-activity-totals">
        {t('lab.activity.totals', { classifications: activity.totals.classifications, volunteers: activity.totals.volunteers, newVolunteers: activity.totals.newVolunteers, retired: activity.totals.retired })}
      </p>
      {/* The bars repeat the table's classifications: hidden from screen readers, which read the table. */}
      <svg className="activity-chart" viewBox={`0 0 ${activity.days.length} ${CHART_HEIGHT}`} preserveAspectRatio="none" width="100%" height={CHART_HEIGHT} aria-hidden="true">
        {activity.days.map((day, index) => {
          const height = (day.classifications / most) * CHART_HEIGHT;
          return <rect key={day.date} x={index + 0.1} y={CHART_HEIGHT - height} width={0.8} height={height} fill="currentColor" />;
        })}
      </svg>
      <button type="button" className="button button-secondary" onClick={download}>
        {t('lab.activity.download')}
      </button>
      <LabTable data-testid="lab-activity-table">
        <caption>{t('lab.activity.caption', { from: activity.from, to: activity.to })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('lab.activity.date')}</th>
            <th scope="col">{t('lab.activity.classifications')}</th>
            <th scope="col">{t('lab.activity.volunteers')}</th>
            <th scope="col">{t('lab.activity.newVolunteers')}</th>
            <th scope="col">{t('lab.activity.retired')}</th>
          </tr>
        </thead>
        <tbody>
          {[...activity.days].reverse().map((day) => (
            <tr key={day.date}>
              <th scope="row">{day.date}</th>
              <td>{day.classifications}</td>
              <td>{day.volunteers}</td>
              <td>{day.newVolunteers}</td>
              <td>{day.retired}</td>
            </tr>
          ))}
        </tbody>
      </LabTable>
    </>
  );
}
