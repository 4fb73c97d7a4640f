import { COLLECTION_LIMITS, type CollectedSubject, type Collection } from '@chorus/client';
import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { GuestNote } from '../components/GuestNote';
import { Breadcrumb } from '../components/Breadcrumb';
import { Dialog } from '../components/Dialog';
import { ErrorAlert } from '../components/ErrorAlert';
import { FormField } from '../components/FormField';
import { NewCollectionForm } from '../components/NewCollectionForm';
import { PagedList } from '../components/PagedList';
import { SubjectCard } from '../components/SubjectCard';
import { useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { COLLECTIONS, Link, collectionPath, navigate, subjectPath, volunteerPath } from '../lib/router';
import { useSaid } from '../lib/said';
import { distinctSubjectNames, volunteerSubjectName } from '../lib/subjectName';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';
import { useMorePages } from '../lib/useMorePages';

/** Collections, and subjects of one, shown at a time; "Show older ones" asks for the next page. */
const PAGE_SIZE = 24;

/** `/collections`: the volunteer's collections, the newest first, and a form to make one. */
export function CollectionsPage() {
  const { t } = useTranslation();
  const volunteer = useSession();
  useDocumentTitle(t('collections.title'));
  return (
    <div className="page page-collections" data-testid="collections">
      <h1 tabIndex={-1}>{t('collections.title')}</h1>
      <p className="lead">{t('collections.lead')}</p>
      {volunteer.kind === 'registered' ? (
        <MyCollections />
      ) : (
        <GuestNote said={t('collections.guest')} back={COLLECTIONS} testId="collections-guest" />
      )}
    </div>
  );
}

function MyCollections() {
  const { t } = useTranslation();
  const client = useClient();
  const first = useLoaded(() => client.myCollections({ limit: PAGE_SIZE }), [client]);
  const more = useMorePages(
    first.data,
    (page) => page.collections,
    (after) => client.myCollections({ limit: PAGE_SIZE, after }),
  );
  return (
    <>
      <NewCollectionForm onCreated={(collection) => navigate(collectionPath(collection.id))} />
      <PagedList first={first} more={more} loading={t('collections.loading')} empty={t('collections.noneYet')} emptyTestId="collections-none">
        {(shown) => (
          <ul className="collection-list">
            {shown.map((collection, index) => (
              <li key={collection.id} {...more.newRow(index)}>
                <Link to={collectionPath(collection.id)}>{collection.name}</Link>{' '}
                <span className="muted">{collection.public ? t('collections.summaryPublic', { count: collection.subjects }) : t('collections.summaryPrivate', { count: collection.subjects })}</span>
              </li>
            ))}
          </ul>
        )}
      </PagedList>
    </>
  );
}

/**
 * `/collections/:id`: a collection's subjects the reader may see, the latest added first; to its owner, a way to take
 * each out, to rename and describe it, make it public or private, share its link, or delete it.
 */
export function CollectionPage({ collectionId }: { collectionId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data: collection, problem, missing, reload } = useLoaded(() => client.getCollection(collectionId), [client, collectionId]);
  useDocumentTitle(collection?.name ?? t('collections.title'));
  const [changed, setChanged] = useState<Collection | null>(null);
  const shown = changed ?? collection;
  const heading = useRef<HTMLHeadingElement>(null);

  return (
    <div className="page page-collection" data-testid="collection">
      <Breadcrumb up={shown?.mine ? [{ to: COLLECTIONS, label: t('collections.title') }] : []} here={shown?.name ?? ''} />
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {missing && (
        <>
          <h1 tabIndex={-1}>{t('collections.notFoundTitle')}</h1>
          <p>{t('collections.notFound')}</p>
        </>
      )}
      {shown && (
        <>
          <h1 tabIndex={-1} ref={heading} data-testid="collection-name">
            {shown.name}
          </h1>
          {shown.description && <p className="lead">{shown.description}</p>}
          <p className="muted" data-testid="collection-about">
            {!shown.public ? (
              t('collections.private')
            ) : shown.owner.displayName ? (
              <Trans i18nKey="collections.byPublic" values={{ name: shown.owner.displayName }} components={{ owner: shown.owner.id ? <Link to={volunteerPath(shown.owner.id)} /> : <span /> }} />
            ) : (
              t('collections.byVolunteer')
            )}
          </p>
          {shown.mine && <OwnerTools collection={shown} onChange={setChanged} />}
          <CollectedSubjects collection={shown} heading={heading} />
        </>
      )}
      {collection === null && !problem && !missing && (
        <p className="loading" role="status">
          {t('collections.loadingOne')}
        </p>
      )}
    </div>
  );
}

/** The owner's tools: rename and describe, public or private (with the link to share), delete after a confirmation. */
function OwnerTools({ collection, onChange }: { collection: Collection; onChange(collection: Collection): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [name, setName] = useState(collection.name);
  const [description, setDescription] = useState(collection.description ?? '');
  const [problem, setProblem] = useSaid<Problem>();
  const [message, setMessage] = useSaid<string>();
  const [deleting, setDeleting] = useState(false);
  const [deleteProblem, setDeleteProblem] = useSaid<Problem>();
  const link = `${window.location.origin}${collectionPath(collection.id)}`;

  const change = async (changes: { name?: string; description?: string; public?: boolean }, said: string) => {
    try {
      onChange(await client.updateCollection(collection.id, changes));
      setProblem(null);
      setMessage(() => said);
    } catch (error) {
      setProblem(() => describeError(error));
    }
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    void change({ name, description }, t('collections.saved'));
  };
  const remove = async () => {
    try {
      await client.deleteCollection(collection.id);
      navigate(COLLECTIONS);
    } catch (error) {
      setDeleteProblem(() => describeError(error));
    }
  };

  return (
    <section className="collection-tools" aria-label={t('collections.tools')}>
      <ErrorAlert problem={problem} />
      <form onSubmit={save}>
        <FormField id="collection-name" label={t('collections.name')} value={name} maxLength={COLLECTION_LIMITS.name} required onChange={(event) => setName(event.target.value)} />
        <FormField id="collection-description" label={t('collections.description')} value={description} maxLength={COLLECTION_LIMITS.description} onChange={(event) => setDescription(event.target.value)} />
        <button type="submit" className="button button-secondary">
          {t('collections.save')}
        </button>
      </form>
      <label className="collection-public">
        <input
          type="checkbox"
          checked={collection.public}
          onChange={(event) => void change({ public: event.target.checked }, event.target.checked ? t('collections.madePublic') : t('collections.madePrivate'))}
          data-testid="collection-public"
        />{' '}
        {t('collections.public')}
      </label>
      {collection.public && (
        <p data-testid="collection-share">
          {t('collections.share')} <a href={link}>{link}</a>
        </p>
      )}
      <p className="muted" role="status" data-testid="collection-message">
        {message}
      </p>
      <button type="button" className="button button-secondary" aria-haspopup="dialog" onClick={() => setDeleting(true)} data-testid="collection-delete">
        {t('collections.delete')}
      </button>
      <Dialog
        open={deleting}
        onClose={() => {
          setDeleting(false);
          setDeleteProblem(null);
        }}
        title={t('collections.deleteTitle', { name: collection.name })}
        testId="collection-delete-dialog"
        actions={
          <>
            <button type="submit" className="button button-secondary" data-autofocus>
              {t('collections.keep')}
            </button>
            <button type="button" className="button button-primary" onClick={() => void remove()} data-testid="collection-delete-confirm">
              {t('collections.deleteConfirm')}
            </button>
          </>
        }
      >
        <p>{t('collections.deleteQuestion')}</p>
        <ErrorAlert problem={deleteProblem} />
      </Dialog>
    </section>
  );
}

/**
 * The collection's subjects the reader may see, a page at a time, each opening its discussion page; the owner may take
 * one out, after which the next card (else the one before, else the collection's `heading`) takes focus.
 */
function CollectedSubjects({ collection, heading }: { collection: Collection; heading: RefObject<HTMLHeadingElement | null> }) {
  const { t } = useTranslation();
  const client = useClient();
  const first = useLoaded(() => client.collectionSubjects(collection.id, { limit: PAGE_SIZE }), [client, collection.id]);
  const more = useMorePages(
    first.data,
    (page) => page.subjects,
    (after) => client.collectionSubjects(collection.id, { limit: PAGE_SIZE, after }),
  );
  const [removed, setRemoved] = useState<string[]>([]);
  const [problem, setProblem] = useSaid<Problem>();
  const cards = useRef<HTMLOListElement>(null);
  /** Where the card taken out was: the next one there now takes focus. */
  const focusAt = useRef<number | null>(null);
  const kept = more.items.filter((collected) => !removed.includes(collected.subject.id));
  const distinctNames = distinctSubjectNames(kept.map((collected) => collected.subject), t('subject.unnamed'));
  const left = kept.length;
  useEffect(() => {
    if (focusAt.current === null) return;
    const items = cards.current?.querySelectorAll<HTMLElement>(':scope > li');
    const card = left > 0 ? items?.[Math.min(focusAt.current, left - 1)] : undefined;
    (card ?? heading.current)?.focus();
    focusAt.current = null;
  }, [left, heading]);
  const takeOut = async (collected: CollectedSubject, index: number) => {
    try {
      await client.removeFromCollection(collection.id, collected.subject.id);
      setProblem(null);
      focusAt.current = index;
      setRemoved((before) => [...before, collected.subject.id]);
    } catch (error) {
      setProblem(() => describeError(error));
    }
  };
  return (
    <>
      <ErrorAlert problem={problem} />
      <PagedList first={first} more={{ ...more, items: kept }} loading={t('collections.loadingSubjects')} empty={t('collections.empty')} emptyTestId="collection-empty">
        {(shown) => (
          <ol className="subject-card-list" ref={cards}>
            {shown.map((collected, index) => (
              <SubjectCard
                key={collected.subject.id}
                subject={collected.subject}
                name={volunteerSubjectName(collected.subject) ?? t('subject.unnamed')}
                distinctName={distinctNames[index]!}
                to={subjectPath(collected.project.slug, collected.subject.id)}
              >
                <p className="subject-card-where muted">{collected.project.title}</p>
                {collection.mine && (
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    onClick={() => void takeOut(collected, index)}
                    aria-label={t('collections.takeOutNamed', { name: distinctNames[index]! })}
                    data-testid="collection-take-out"
                  >
                    {t('collections.takeOut')}
                  </button>
                )}
              </SubjectCard>
            ))}
          </ol>
        )}
      </PagedList>
    </>
  );
}
