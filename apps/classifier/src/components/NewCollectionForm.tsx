import { COLLECTION_LIMITS, type Collection } from '@chorus/client';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { describeError } from '../lib/errors';
import { FormField } from './FormField';

/** "New collection…": a name, and Create; the collection made is handed to `onCreated` (to add a subject to it, to list it). */
export function NewCollectionForm({ onCreated }: { onCreated(collection: Collection): void | Promise<void> }) {
  const { t } = useTranslation();
  const client = useClient();
  const id = useId();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    if (!name.trim()) return setError(t('collections.nameMissing'));
    setSending(true);
    try {
      const collection = await client.createCollection({ name });
      setName('');
      setError(undefined);
      await onCreated(collection);
    } catch (failure) {
      setError(describeError(failure).detail);
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="new-collection" onSubmit={(event) => void create(event)} data-testid="new-collection">
      <FormField id={`${id}-name`} label={t('collections.newName')} value={name} maxLength={COLLECTION_LIMITS.name} error={error} onChange={(event) => setName(event.target.value)} />
      <button type="submit" className="button button-secondary" aria-disabled={sending || undefined}>
        {t('collections.create')}
      </button>
    </form>
  );
}
