import type { Favourite, FavouritePage as FavouriteList } from '@chorus/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GuestNote } from '../components/GuestNote';
import { Breadcrumb } from '../components/Breadcrumb';
import { ErrorAlert } from '../components/ErrorAlert';
import { FavouriteToggle } from '../components/FavouriteToggle';
import { SubjectCard } from '../components/SubjectCard';
import { ShownSubject } from '../components/SubjectMedia';
import { useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { COLLECTIONS, FAVOURITES, Link, favouritePath } from '../lib/router';
import { distinctSubjectNames, volunteerSubjectName } from '../lib/subjectName';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';
import { whenInWords } from '../lib/formats';
import { useSaid } from '../lib/said';
import { ShowMore } from '../components/ShowMore';

/** Favourites shown at a time; "Show more favourites" asks for the next page. */
const PAGE_SIZE = 20;

const nameOf = (favourite: Favourite, fallback: string) => volunteerSubjectName(favourite.subject) ?? fallback;

/**
 * `/favourites`: the subjects the volunteer marked a favourite, in every project, the latest first, each with what it
 * shows, where they were shown it, and a way to open it and to classify more there (or, its project taken back to
 * draft, that it is no longer open).
 */
export function FavouritesPage() {
  const { t } = useTranslation();
  const client = useClient();
  const volunteer = useSession();
  useDocumentTitle(t('favourites.title'));
  const [list, setList] = useState<FavouriteList | null>(null);
  const [problem, setProblem] = useSaid<Problem>();
  /** After "Show more favourites", the first favourite it brought takes focus: the button may be gone (no more pages). */
  const focusItem = useRef<number | null>(null);
  const items = useRef<HTMLOListElement>(null);

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await client.myFavourites({ limit: PAGE_SIZE, after });
        setList((shown) => {
          if (!after || !shown) return page;
          focusItem.current = shown.favourites.length;
          return { ...page, favourites: [...shown.favourites, ...page.favourites] };
        });
        setProblem(null);
      } catch (error) {
        setProblem(() => describeError(error));
      }
    },
    [client],
  );
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (focusItem.current === null || !list) return;
    items.current?.querySelectorAll<HTMLElement>(':scope > li')[focusItem.current]?.focus();
    focusItem.current = null;
  }, [list]);
  const distinctNames = distinctSubjectNames(list?.favourites.map((favourite) => favourite.subject) ?? [], t('subject.unnamed'));

  return (
    <div className="page page-favourites" data-testid="favourites">
      <h1 tabIndex={-1}>{t('favourites.title')}</h1>
      <p className="lead">{t('favourites.lead')}</p>
      {volunteer.kind === 'registered' && (
        <p>
          <Link to={COLLECTIONS}>{t('collections.title')}</Link>
        </p>
      )}
      {volunteer.kind !== 'registered' && (
        <GuestNote said={t('favourites.guest')} back={FAVOURITES} testId="favourites-guest" />
      )}
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={() => void load(list?.next ?? undefined)}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {list === null ? (
        !problem && (
          <p className="loading" role="status">
            {t('favourites.loading')}
          </p>
        )
      ) : list.favourites.length === 0 ? (
        <p data-testid="favourites-none">{t('favourites.none')}</p>
      ) : (
        <ol className="subject-card-list" ref={items}>
          {list.favourites.map((favourite, index) => (
            <FavouriteItem key={favourite.subject.id} favourite={favourite} distinctName={distinctNames[index]!} />
          ))}
        </ol>
      )}
      <ShowMore next={list?.next} onMore={load} label={t('favourites.more')} />
    </div>
  );
}

/** A favourite in the list, with where it is from and a way to unmark it or classify more. */
function FavouriteItem({ favourite, distinctName }: { favourite: Favourite; distinctName: string }) {
  const { t } = useTranslation();
  const { subject, workflow } = favourite;
  return (
    <SubjectCard subject={subject} name={nameOf(favourite, t('subject.unnamed'))} distinctName={distinctName} to={favouritePath(subject.id)}>
      <FavouriteWhere favourite={favourite} />
      <div className="subject-card-actions">
        <FavouriteToggle subjectId={subject.id} workflowId={workflow.id} favourite name={distinctName} />
        <ClassifyMore favourite={favourite} />
      </div>
    </SubjectCard>
  );
}

/**
 * Where to classify more: the workflow the favourite was marked in, while it is open to the volunteer. One whose project
 * was taken back to draft stays theirs to look at, as their classifications there do, said to be no longer open.
 */
function ClassifyMore({ favourite }: { favourite: Favourite }) {
  const { t } = useTranslation();
  if (!favourite.open) return <p className="subject-card-closed" data-testid="subject-card-closed">{t('favourites.closed')}</p>;
  return <Link to={favourite.classifyUrl}>{t('favourites.classify', { workflow: favourite.workflow.name })}</Link>;
}

/** Where the volunteer was shown a favourite (its project and workflow), and when they marked it. */
function FavouriteWhere({ favourite }: { favourite: Favourite }) {
  const { t } = useTranslation();
  return (
    <p className="subject-card-where muted">
      {t('favourites.where', { project: favourite.project.title, workflow: favourite.workflow.name })}
      <br />
      <time dateTime={favourite.favouritedAt}>
        {t('favourites.when', { date: whenInWords(favourite.favouritedAt, 'date') })}
      </time>
    </p>
  );
}

/** `/favourites/:subjectId`: one of the volunteer's favourites, shown whole, to look at again. */
export function FavouriteSubjectPage({ subjectId }: { subjectId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => client.myFavourites({ subjectId, limit: 1 }), [client, subjectId]);
  const favourite = data?.favourites[0];
  const name = favourite ? nameOf(favourite, t('subject.unnamed')) : undefined;
  useDocumentTitle(name ?? t('favourites.title'));
  const heading = useRef<HTMLHeadingElement>(null);
  const gone = data !== null && !favourite;
  useEffect(() => {
    if (gone) heading.current?.focus();
  }, [gone]);

  return (
    <div className="page page-favourite" data-testid="favourite-subject">
      <Breadcrumb up={[{ to: FAVOURITES, label: t('favourites.title') }]} here={name ?? ''} />
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {gone && (
        <>
          <h1 tabIndex={-1} ref={heading}>
            {t('favourites.notFoundTitle')}
          </h1>
          <p>{t('favourites.notFound')}</p>
          <p>
            <Link to={FAVOURITES}>{t('favourites.backToList')}</Link>
          </p>
        </>
      )}
      {favourite && name && (
        <>
          <h1 tabIndex={-1}>{name}</h1>
          <FavouriteWhere favourite={favourite} />
          <div className="subject-card-actions">
            <FavouriteToggle subjectId={favourite.subject.id} workflowId={favourite.workflow.id} favourite />
            <ClassifyMore favourite={favourite} />
          </div>
          <ShownSubject subject={favourite.subject} />
        </>
      )}
      {data === null && !problem && (
        <p className="loading" role="status">
          {t('favourites.loadingOne')}
        </p>
      )}
    </div>
  );
}
