import type { ProjectActivity, ProjectView } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActivityChart, ActivityChoices, ActivityTable, TimeZoneFallback, useProjectActivity } from '../../components/Activity';
import { Loaded } from '../../components/Loaded';
import { saveFile } from '../../lib/saveFile';

/** The ranges offered, in days up to today. */
const RANGES = [30, 90, 365] as const;

/** The rows as CSV, one a day, for a spreadsheet. */
function activityCsv(activity: ProjectActivity): string {
  const header = 'date,classifications,volunteers,new_volunteers,retired';
  const rows = activity.days.map((day) => [day.date, day.classifications, day.volunteers, day.newVolunteers, day.retired].join(','));
  return `${[header, ...rows].join('\n')}\n`;
}

/**
 * The project's classifications, volunteers and retirements per day, in the browser's time zone: a table (what screen
 * readers read) with bars beside it, a range to choose (and a workflow, where there are several), and the rows to download.
 */
export function ActivitySection({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const [range, setRange] = useState<number>(RANGES[0]);
  const [workflowId, setWorkflowId] = useState('');
  const { data: activity, problem, reload, timeZone, zoneUnknown, current } = useProjectActivity(project.id, range, workflowId);
  return (
    <section className="lab-section" aria-labelledby="lab-activity-heading" data-testid="lab-activity">
      <h2 id="lab-activity-heading">{t('lab.activity.title')}</h2>
      <p className="hint">{t('lab.activity.lead', { timeZone })}</p>
      <TimeZoneFallback zone={zoneUnknown} />
      <ActivityChoices idPrefix="lab-activity" ranges={RANGES} range={range} onRange={setRange} workflows={project.workflows} workflowId={workflowId} onWorkflow={setWorkflowId} />
      <Loaded data={activity} current={current} problem={problem} reload={reload} loading={t('lab.activity.loading')}>
        {(loaded) => <ActivityFigures activity={loaded} />}
      </Loaded>
    </section>
  );
}

function ActivityFigures({ activity }: { activity: ProjectActivity }) {
  const { t } = useTranslation();
  const download = () => saveFile(activityCsv(activity), `activity-${activity.from}-${activity.to}.csv`);
  return (
    <>
      <p data-testid="lab-activity-totals">
        {t('lab.activity.totals', { classifications: activity.totals.classifications, volunteers: activity.totals.volunteers, newVolunteers: activity.totals.newVolunteers, retired: activity.totals.retired })}
      </p>
      <ActivityChart days={activity.days} />
      <button type="button" className="button button-secondary" onClick={download}>
        {t('lab.activity.download')}
      </button>
      <ActivityTable
        testId="lab-activity-table"
        days={activity.days}
        caption={t('lab.activity.caption', { from: activity.from, to: activity.to })}
        dateHeading={t('lab.activity.date')}
        columns={[
          { name: 'classifications', heading: t('lab.activity.classifications'), figure: (day) => day.classifications },
          { name: 'volunteers', heading: t('lab.activity.volunteers'), figure: (day) => day.volunteers },
          { name: 'newVolunteers', heading: t('lab.activity.newVolunteers'), figure: (day) => day.newVolunteers },
          { name: 'retired', heading: t('lab.activity.retired'), figure: (day) => day.retired },
        ]}
      />
    </>
  );
}
