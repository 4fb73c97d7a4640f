import type { WorkflowSummary } from '@chorus/client';
import type { DependencyList, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { SelectField } from './FormField';
import { LabTable } from './LabTable';
import { useLoaded } from '../lib/useLoaded';
import { type ReadInZone, readInKnownZone } from '../lib/timeZoneFallback';

const DAY_MS = 86_400_000;
const CHART_HEIGHT = 80;

/** The time zone of the browser, whose days the activity pages show. */
const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The last `count` days up to today in `timeZone`, as the `from` and `to` (`YYYY-MM-DD`) of an activity query. */
export function lastDays(count: number, timeZone: string): { from: string; to: string } {
  const to = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return { from: new Date(Date.parse(to) - (count - 1) * DAY_MS).toISOString().slice(0, 10), to };
}

/**
 * A bar a day's classifications, the oldest day first, scaled to the highest: it repeats a table's column, so it is
 * hidden from screen readers, which read the table.
 */
export function ActivityChart({ days, testId }: { days: { date: string; classifications: number }[]; testId?: string }) {
  const most = Math.max(1, ...days.map((day) => day.classifications));
  return (
    <svg className="activity-chart" viewBox={`0 0 ${days.length} ${CHART_HEIGHT}`} preserveAspectRatio="none" width="100%" height={CHART_HEIGHT} aria-hidden="true" data-testid={testId}>
      {days.map((day, index) => {
        const height = (day.classifications / most) * CHART_HEIGHT;
        return <rect key={day.date} x={index + 0.1} y={CHART_HEIGHT - height} width={0.8} height={height} fill="currentColor" />;
      })}
    </svg>
  );
}

/**
 * Days read (`read`) in the browser's time zone, or in UTC when the server does not know that zone (422 naming
 * `/query/timeZone`), which `zoneUnknown` says (`TimeZoneFallback` shows it); `timeZone`: the zone of the days shown.
 */
export function useActivityDays<T>(read: ReadInZone<T>, deps: DependencyList) {
  const browser = browserTimeZone();
  const loaded = useLoaded(() => readInKnownZone(read, browser), [...deps, browser]);
  const timeZone = loaded.data?.timeZone ?? browser;
  return { ...loaded, data: loaded.data?.days ?? null, timeZone, zoneUnknown: timeZone !== browser ? browser : null };
}

/** Says that the days are UTC's, the server not knowing the browser's time zone (`zone`); nothing when it knows it. */
export function TimeZoneFallback({ zone }: { zone: string | null }) {
  const { t } = useTranslation();
  if (!zone) return null;
  return (
    <p className="hint" role="note" data-testid="time-zone-fallback">
      {t('activity.utcFallback', { timeZone: zone })}
    </p>
  );
}

/**
 * A project's activity over the last `range` days in the browser's time zone (or UTC's, `useActivityDays`), the whole
 * project or one workflow (`''`: the whole); `current` once the answer shown is that of the range and workflow chosen,
 * not one still being replaced.
 */
export function useProjectActivity(projectId: string, range: number, workflowId: string) {
  const client = useClient();
  const loaded = useActivityDays((timeZone) => client.activity(projectId, { ...lastDays(range, timeZone), timeZone, ...(workflowId ? { workflowId } : {}) }), [client, projectId, range, workflowId]);
  const current = Boolean(loaded.data && loaded.data.days.length === range && loaded.data.workflowId === (workflowId || null));
  return { ...loaded, current };
}

/**
 * The days' figures as a table, the most recent first, one row a day: its date heading the row, then a cell a column
 * (`columns`: each its name, its heading and the day's figure).
 */
export function ActivityTable<Day extends { date: string }>({
  days,
  caption,
  dateHeading,
  columns,
  testId,
}: {
  days: Day[];
  caption: ReactNode;
  dateHeading: ReactNode;
  columns: { name: string; heading: ReactNode; figure: (day: Day) => number }[];
  testId: string;
}) {
  return (
    <LabTable data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{dateHeading}</th>
          {columns.map((column) => (
            <th key={column.name} scope="col">
              {column.heading}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {[...days].reverse().map((day) => (
          <tr key={day.date}>
            <th scope="row">{day.date}</th>
            {columns.map((column) => (
              <td key={column.name}>{column.figure(day)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </LabTable>
  );
}

/**
 * The days (the last of `ranges`) and the workflow (`''`: all) an activity is read for; the workflow offered only where
 * there are several. `idPrefix` tells the fields apart from others of the page.
 */
export function ActivityChoices({
  idPrefix,
  ranges,
  range,
  onRange,
  workflows,
  workflowId,
  onWorkflow,
}: {
  idPrefix: string;
  ranges: readonly number[];
  range: number;
  onRange: (range: number) => void;
  workflows: WorkflowSummary[];
  workflowId: string;
  onWorkflow: (workflowId: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <SelectField id={`${idPrefix}-range`} label={t('activity.range')} value={range} onChange={(event) => onRange(Number(event.target.value))}>
        {ranges.map((days) => (
          <option key={days} value={days}>
            {t('activity.lastDays', { count: days })}
          </option>
        ))}
      </SelectField>
      {workflows.length > 1 && (
        <SelectField id={`${idPrefix}-workflow`} label={t('activity.workflow')} value={workflowId} onChange={(event) => onWorkflow(event.target.value)}>
          <option value="">{t('activity.allWorkflows')}</option>
          {workflows.map((workflow) => (
            <option key={workflow.id} value={workflow.id}>
              {workflow.name}
            </option>
          ))}
        </SelectField>
      )}
    </>
  );
}
