import type { OwnClassification, OwnClassificationList } from '@chorus/client';
import type { SubjectLocation, TextLocation, WorkflowDefinition } from '@chorus/tasks';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AnswersInWords } from './AnswersInWords';
import { AddToCollection } from './AddToCollection';
import { FavouriteToggle } from './FavouriteToggle';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { withOlderShown } from '../lib/recentPages';
import { CLASSIFICATIONS, FAVOURITES, Link, subjectPath } from '../lib/router';
import { distinctSubjectNames, textPreview, volunteerSubjectName } from '../lib/subjectName';
import { useVersionDefinitions } from '../lib/useVersionDefinitions';
import { whenInWords } from '../lib/formats';
import { useSaid } from '../lib/said';

const PAGE_SIZE = 10;

interface Props {
  workflowId: string;
  /** The project's address, for each subject's discussion. */
  projectSlug: string;
  /** The workflow's current version and definition: the others are read when an answer given under them is shown. */
  version: number;
  definition: WorkflowDefinition;
  /** Answers stored this session (given, or sent later from the device): a change reloads the list's first page. */
  stored: number;
}

/**
 * The volunteer's own classifications in this workflow, newest first, with their answers (Zooniverse's "Recents"):
 * folded away until opened, read from the server so that they include other devices' and earlier visits'.
 */
export function RecentClassifications({ workflowId, projectSlug, version, definition, stored }: Props) {
  const client = useClient();
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<OwnClassificationList | null>(null);
  const [problem, setProblem] = useSaid<Problem>();
  const definitionOf = useVersionDefinitions(workflowId, version, definition, list?.classifications ?? []);

  /** Counts requests, so that an answer overtaken by a later request (a reload after the next answer) is dropped. */
  const requests = useRef(0);
  /** After "Show older ones", the first item it brought takes focus: the button may be gone (no more pages). */
  const focusItem = useRef<number | null>(null);
  const items = useRef<HTMLOListElement>(null);
  /** Whether the list was open at the last load: opening it reads afresh, a reload while open keeps what is shown. */
  const wasOpen = useRef(false);
  const load = useCallback(
    async ({ after, afresh = false }: { after?: string; afresh?: boolean } = {}) => {
      const request = ++requests.current;
      try {
        const page = await client.myClassifications({ workflowId, limit: PAGE_SIZE, after });
        if (request !== requests.current) return;
        setList((shown) => {
          if (!shown || afresh) return page;
          if (after) {
            focusItem.current = shown.classifications.length;
            // A next page comes without the total: the first page's stands.
            return { ...page, total: shown.total, classifications: [...shown.classifications, ...page.classifications] };
          }
          return withOlderShown(page, shown);
        });
        setProblem(null);
      } catch (error) {
        if (request === requests.current) setProblem(() => describeError(error));
      }
    },
    [client, workflowId],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: `stored` changing is what asks for a fresh first page
  useEffect(() => {
    if (open) void load({ afresh: !wasOpen.current });
    wasOpen.current = open;
  }, [open, load, stored]);
  useEffect(() => {
    if (focusItem.current === null || !list) return;
    items.current?.querySelectorAll<HTMLElement>('li')[focusItem.current]?.focus();
    focusItem.current = null;
  }, [list]);

  const shown = list?.classifications ?? [];
  const distinctNames = distinctSubjectNames(
    shown.map((classification) => classification.subject),
    t('recent.subject'),
  );
  return (
    <details className="recent" data-testid="recent" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{list ? t('recent.titleWithTotal', { count: list.total }) : t('recent.title')}</summary>
      {/* Not an alert: the page's one alert region is for the task; this list is what the volunteer opened. */}
      {problem && <p className="recent-problem">{problem.detail}</p>}
      {list && shown.length === 0 && <p>{t('recent.none')}</p>}
      {shown.length > 0 && (
        <ol className="recent-list" ref={items}>
          {shown.map((classification, index) => (
            <RecentItem
              key={classification.id}
              classification={classification}
              distinctName={distinctNames[index]!}
              definition={definitionOf(classification.workflowVersion)}
              projectSlug={projectSlug}
            />
          ))}
        </ol>
      )}
      {list?.next && (
        <button type="button" className="button button-secondary button-small" onClick={() => void load({ after: list.next ?? undefined })}>
          {t('recent.older')}
        </button>
      )}
      <p className="recent-favourites">
        <Link to={FAVOURITES}>{t('recent.favourites')}</Link> · <Link to={CLASSIFICATIONS}>{t('recent.everywhere')}</Link>
      </p>
    </details>
  );
}

/** `distinctName`: the subject's name as told apart from the list's others, for what a screen reader reads of its controls. */
function RecentItem({
  classification,
  distinctName,
  definition,
  projectSlug,
}: { classification: OwnClassification; distinctName: string; definition: WorkflowDefinition | undefined; projectSlug: string }) {
  const { t } = useTranslation();
  const { subject, annotations, createdAt } = classification;
  const image = subject.locations.find((location): location is Extract<SubjectLocation, { type: 'image' }> => location.type === 'image');
  const text = subject.locations.find((location): location is TextLocation => location.type === 'text');
  const name = volunteerSubjectName(subject) ?? t('recent.subject');
  return (
    <li className="recent-item" tabIndex={-1}>
      {image && <img className="recent-thumbnail" src={image.url} alt="" loading="lazy" width={64} height={64} />}
      <div>
        <p className="recent-subject">
          <span>{name}</span>{' '}
          <time className="muted" dateTime={createdAt}>
            {whenInWords(createdAt)}
          </time>
        </p>
        {text && <p className="recent-preview">{textPreview(text.text)}</p>}
        {subject.takenDown && <p className="recent-preview">{t('media.takenDown')}</p>}
        <AnswersInWords annotations={annotations} definition={definition} />
        <FavouriteToggle subjectId={subject.id} workflowId={classification.workflowId} favourite={classification.favourite} name={distinctName} />
        <AddToCollection subjectId={subject.id} name={distinctName} />
        <p className="recent-discuss">
          <Link to={subjectPath(projectSlug, subject.id)} data-testid="discuss-subject" aria-label={t('talk.discussNamed', { name: distinctName })}>
            {t('talk.discuss')}
          </Link>
        </p>
      </div>
    </li>
  );
}
