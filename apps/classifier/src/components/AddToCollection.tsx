import { COLLECTION_LIMITS, type Collection } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { describeError } from '../lib/errors';
import { COLLECTIONS, Link } from '../lib/router';
import { useSaid } from '../lib/said';
import { Dialog } from './Dialog';
import { NewCollectionForm } from './NewCollectionForm';

/**
 * "Add to collection": a dialog listing the volunteer's collections, each a checkbox checked while it holds the
 * subject (checking adds it, unchecking takes it out), and "New collection…" to make one that holds it. For accounts:
 * a guest keeps no collections.
 */
export function AddToCollection({ subjectId, name }: { subjectId: string; name?: string }) {
  const { t } = useTranslation();
  const volunteer = useSession();
  const [open, setOpen] = useState(false);
  if (volunteer.kind !== 'registered') return null;
  return (
    <div className="add-to-collection">
      <button
        type="button"
        className="button button-secondary button-small"
        aria-haspopup="dialog"
        aria-label={name ? t('collections.addNamed', { name }) : undefined}
        onClick={() => setOpen(true)}
        data-testid="add-to-collection"
      >
        {t('collections.add')}
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t('collections.addTitle')} testId="collections-dialog">
        {open && <CollectionChoices subjectId={subjectId} />}
      </Dialog>
    </div>
  );
}

/** The volunteer's collections, each checked while it holds the subject, and a form to make another that holds it. */
function CollectionChoices({ subjectId }: { subjectId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const [collections, setCollections] = useState<Collection[] | null>(null);
  const [message, setMessage] = useSaid<string>();
  const firstChoice = useRef<HTMLInputElement>(null);
  useEffect(() => {
    client.myCollections({ subjectId, limit: COLLECTION_LIMITS.perAccount }).then(
      (page) => setCollections(page.collections),
      (error) => setMessage((t) => t('collections.failed', { detail: describeError(error).detail })),
    );
  }, [client, subjectId]);
  // Once listed, the first collection takes focus, unless the volunteer went on to name a new one meanwhile.
  const listed = collections !== null;
  useEffect(() => {
    if (listed && !(document.activeElement instanceof HTMLInputElement)) firstChoice.current?.focus();
  }, [listed]);

  const toggle = async (collection: Collection) => {
    const adding = !collection.hasSubject;
    try {
      if (adding) await client.addToCollection(collection.id, subjectId);
      else await client.removeFromCollection(collection.id, subjectId);
      setCollections((shown) => shown?.map((one) => (one.id === collection.id ? { ...one, hasSubject: adding } : one)) ?? null);
      setMessage((t) => (adding ? t('collections.added', { collection: collection.name }) : t('collections.removed', { collection: collection.name })));
    } catch (error) {
      setMessage((t) => t('collections.failed', { detail: describeError(error).detail }));
    }
  };
  /** The new collection is listed whether or not the subject could be put in it: unchecked, with why, when not. */
  const created = async (collection: Collection) => {
    try {
      await client.addToCollection(collection.id, subjectId);
      setCollections((shown) => [{ ...collection, hasSubject: true }, ...(shown ?? [])]);
      setMessage((t) => t('collections.added', { collection: collection.name }));
    } catch (error) {
      setCollections((shown) => [{ ...collection, hasSubject: false }, ...(shown ?? [])]);
      setMessage((t) => t('collections.failed', { detail: describeError(error).detail }));
    }
  };

  return (
    <>
      {collections === null ? (
        <p className="loading" role="status">
          {t('collections.loading')}
        </p>
      ) : collections.length === 0 ? (
        <p>{t('collections.noneYet')}</p>
      ) : (
        <ul className="collection-choices" data-testid="collection-choices">
          {collections.map((collection) => (
            <li key={collection.id}>
              <label>
                <input type="checkbox" checked={collection.hasSubject ?? false} onChange={() => void toggle(collection)} ref={collection === collections[0] ? firstChoice : undefined} />{' '}
                {collection.name}
              </label>
            </li>
          ))}
        </ul>
      )}
      <NewCollectionForm onCreated={created} />
      <p className="muted" role="status" data-testid="collections-message">
        {message}
      </p>
      <p>
        <Link to={COLLECTIONS}>{t('collections.title')}</Link>
      </p>
    </>
  );
}
