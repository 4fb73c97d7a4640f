import type { OwnClassification } from '@chorus/client';
import type { SubjectLocation, TextLocation, WorkflowDefinition } from '@chorus/tasks';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { GuestNote } from '../components/GuestNote';
import { ActivityChart, ActivityTable, TimeZoneFallback, lastDays, useActivityDays } from '../components/Activity';
import { AnswersInWords } from '../components/AnswersInWords';
import { DownloadMine } from '../components/DownloadMine';
import { ErrorAlert } from '../components/ErrorAlert';
import { FavouriteToggle } from '../components/FavouriteToggle';
import { useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { whenInWords } from '../lib/formats';
import { CLASSIFICATIONS, Link, classifyPath, subjectPath } from '../lib/router';
import { distinctSubjectNames, textPreview, volunteerSubjectName } from '../lib/subjectName';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';
import { useMorePages } from '../lib/useMorePages';
import { useWorkflowDefinitions } from '../lib/useVersionDefinitions';
import { PagedList } from '../components/PagedList';

/** Classifications shown at a time; "Show older ones" asks for the next page. */
const PAGE_SIZE = 20;

/**
 * `/classifications`: what the volunteer classified, in every project and workflow, the newest first, each with its
 * subject, where and when, the answers given, a way to its discussion, and to classify more there (unless its project
 * was taken back to draft, or removed from Chorus by its operators). A guest sees theirs, and is invited to create an
 * account to keep them.
 */
export function ClassificationsPage() {
  const { t } = useTranslation();
  const client = useClient();
  const volunteer = useSession();
  useDocumentTitle(t('classifications.title'));
  const first = useLoaded(() => client.myClassifications({ limit: PAGE_SIZE }), [client]);
  const { data } = first;
  const more = useMorePages(
    data,
    (page) => page.classifications,
    (after) => client.myClassifications({ limit: PAGE_SIZE, after }),
  );
  // Only open workflows' definitions are the volunteer's to read: one no longer open would be refused on every visit.
  const shown = more.items;
  const toRead = useMemo(() => shown.filter((classification) => classification.open), [shown]);
  const definitionOf = useWorkflowDefinitions(toRead);
  const distinctNames = distinctSubjectNames(
    shown.map((classification) => classification.subject),
    t('classifications.subject'),
  );

  return (
    <div className="page page-classifications" data-testid="classifications">
      <h1 tabIndex={-1}>{t('classifications.title')}</h1>
      <p className="lead">{data?.total !== undefined ? t('classifications.leadWithTotal', { count: data.total }) : t('classifications.lead')}</p>
      {volunteer.kind !== 'registered' && (
        <GuestNote said={t('classifications.guest')} back={CLASSIFICATIONS} testId="classifications-guest" />
      )}
      {volunteer.kind === 'registered' && <DownloadMine label={t('classifications.download')} testId="classifications-download" started={(t) => t('classifications.downloadStarted')} link={() => client.myClassificationsDownloadLink({ format: 'csv' })} />}
      <RecentDays />
      <PagedList first={first} more={more} loading={t('classifications.loading')} empty={t('classifications.none')} emptyTestId="classifications-none">
        {(listed) => (
          <ol className="subject-card-list">
            {listed.map((classification, index) => (
              <ClassificationItem
                key={classification.id}
                classification={classification}
                distinctName={distinctNames[index]!}
                definition={classification.open ? definitionOf(classification.workflowId, classification.workflowVersion) : undefined}
                row={more.newRow(index)}
              />
            ))}
          </ol>
        )}
      </PagedList>
    </div>
  );
}

/** Days shown of the volunteer's own activity. */
const RECENT_DAYS = 30;

/** How many the volunteer classified each of the last 30 days (the browser's), in every project: bars, and the table they repeat. */
function RecentDays() {
  const { t } = useTranslation();
  const client = useClient();
  const { data: activity, problem, reload, timeZone, zoneUnknown } = useActivityDays((timeZone) => client.ownActivity({ ...lastDays(RECENT_DAYS, timeZone), timeZone }), [client]);
  return (
    <section aria-labelledby="own-activity-heading" data-testid="own-activity">
      <h2 id="own-activity-heading">{t('classifications.activity.title', { days: RECENT_DAYS })}</h2>
      <TimeZoneFallback zone={zoneUnknown} />
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {activity ? (
        <>
          <p data-testid="own-activity-total">{t('classifications.activity.total', { count: activity.totals.classifications })}</p>
          <ActivityChart days={activity.days} testId="own-activity-chart" />
          <details>
            <summary>{t('classifications.activity.showTable')}</summary>
            <ActivityTable
              testId="own-activity-table"
              days={activity.days}
              caption={t('classifications.activity.caption', { from: activity.from, to: activity.to, timeZone })}
              dateHeading={t('classifications.activity.date')}
              columns={[{ name: 'classifications', heading: t('classifications.activity.classifications'), figure: (day) => day.classifications }]}
            />
          </details>
        </>
      ) : (
        !problem && <p role="status">{t('classifications.activity.loading')}</p>
      )}
    </section>
  );
}

/**
 * A classification in the list: its subject's thumbnail or opening words, its name leading to the subject's discussion
 * (while the workflow is open to the volunteer), where and when it was made, the answers (in words once the version's
 * definition is read, as given when it cannot be; left out where the workflow is no longer open to the volunteer), and
 * ways to mark the subject a favourite and to classify more there. One of a project removed from Chorus by its
 * operators comes without its project, workflow or subject (`project` null), and says so. `row`: `useMorePages`'s
 * `newRow`, for its list item.
 */
function ClassificationItem({
  classification,
  distinctName,
  definition,
  row,
}: {
  classification: OwnClassification;
  distinctName: string;
  definition: WorkflowDefinition | 'unreadable' | undefined;
  row: ReturnType<ReturnType<typeof useMorePages>['newRow']>;
}) {
  const { t } = useTranslation();
  const { subject, project, workflow, createdAt, open } = classification;
  const name = volunteerSubjectName(subject) ?? t('classifications.subject');
  const image = subject.locations.find((location): location is Extract<SubjectLocation, { type: 'image' }> => location.type === 'image');
  const text = subject.locations.find((location): location is TextLocation => location.type === 'text');
  return (
    <li className="subject-card" data-subject-id={subject.id} {...row}>
      {image && <img className="subject-card-thumbnail" src={image.url} alt={image.alt ?? ''} loading="lazy" width={96} height={96} />}
      <div className="subject-card-about">
        <h2 className="subject-card-name">
          {/* A project taken back to draft shows its discussions to its team alone: named, not linked. */}
          {open && project ? (
            <Link to={subjectPath(project.slug, subject.id)} data-testid="classification-discussion" aria-label={t('talk.discussNamed', { name: distinctName })}>
              {name}
            </Link>
          ) : (
            distinctName
          )}
        </h2>
        {text && <p className="subject-card-preview">{textPreview(text.text)}</p>}
        {subject.takenDown && <p className="subject-card-preview">{t('media.takenDown')}</p>}
        <p className="subject-card-where muted">
          {project && workflow && (
            <>
              {t('favourites.where', { project: project.title, workflow: workflow.name })}
              <br />
            </>
          )}
          <time dateTime={createdAt}>{t('classifications.when', { date: whenInWords(createdAt) })}</time>
        </p>
        {open && <AnswersInWords annotations={classification.annotations} definition={definition} />}
        <div className="subject-card-actions">
          {/* Marking is for workflows open to the volunteer (refused otherwise); one marked already may be unmarked. */}
          {(open || classification.favourite) && <FavouriteToggle subjectId={subject.id} workflowId={classification.workflowId} favourite={classification.favourite} name={distinctName} />}
          {!project || !workflow ? (
            <p className="subject-card-closed" data-testid="classification-removed">
              {t('classifications.removed')}
            </p>
          ) : open ? (
            <Link to={classifyPath(project.slug, workflow.id)} aria-label={t('classifications.classifyIn', { workflow: workflow.name, project: project.title })}>
              {t('favourites.classify', { workflow: workflow.name })}
            </Link>
          ) : (
            <p className="subject-card-closed" data-testid="classification-closed">
              {t('classifications.closed')}
            </p>
          )}
        </div>
      </div>
    </li>
  );
}
