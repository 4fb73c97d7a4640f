import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { describeError } from '../lib/errors';
import { withTimeout } from '../lib/outbox';
import { useSaid } from '../lib/said';
import { ON_SCREEN_SUBMIT_MS } from '../lib/sendTimes';

interface Props {
  subjectId: string;
  /** The workflow the volunteer was shown the subject in: where their favourite leads back to, to classify more. */
  workflowId: string;
  /** Whether it is a favourite, as last known; null while that is not known yet (the button waits). */
  favourite: boolean | null;
  /** The subject's name, for a button among others (a list): its accessible name says which subject it marks. */
  name?: string;
  onChange?(favourite: boolean): void;
}

/**
 * "☆ Favourite", a toggle button (`aria-pressed`): marks the subject a favourite of the volunteer's (to come back to on
 * their favourites page, and as one volunteers found interesting, for its researchers), or unmarks it. What came of a
 * press is said beside it; one that could not be sent (offline, 5 s without an answer) changes nothing and says so.
 */
export function FavouriteToggle({ subjectId, workflowId, favourite, name, onChange }: Props) {
  const client = useClient();
  const { t } = useTranslation();
  const [pressed, setPressed] = useState(favourite);
  useEffect(() => setPressed(favourite), [favourite]);
  const [sending, setSending] = useState(false);
  const [message, setMessage] = useSaid<string>();

  const toggle = async () => {
    if (sending || pressed === null) return;
    const marking = !pressed;
    setSending(true);
    setMessage(null);
    try {
      await withTimeout<unknown>(marking ? client.markFavourite(subjectId, workflowId) : client.unmarkFavourite(subjectId), ON_SCREEN_SUBMIT_MS);
      setPressed(marking);
      setMessage((t) => (marking ? t('favourites.added') : t('favourites.removed')));
      onChange?.(marking);
    } catch (error) {
      setMessage((t) => t('favourites.failed', { detail: describeError(error).detail }));
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="favourite-toggle">
      <button
        type="button"
        className="button button-secondary button-small favourite-button"
        aria-pressed={pressed ?? false}
        aria-disabled={sending || pressed === null || undefined}
        aria-label={name ? t('favourites.toggleNamed', { name }) : undefined}
        onClick={() => void toggle()}
        data-testid="favourite"
      >
        <span className="favourite-star" aria-hidden="true">
          {pressed ? '★' : '☆'}
        </span>{' '}
        {t('favourites.toggle')}
      </button>
      <span className="favourite-message muted" role="status" data-testid="favourite-message">
        {message}
      </span>
    </div>
  );
}

/** Whether the subject is a favourite of the volunteer's: null until the server has said (false if it could not). */
export function useFavourite(subjectId: string): boolean | null {
  const client = useClient();
  const [favourite, setFavourite] = useState<boolean | null>(null);
  useEffect(() => {
    let cancelled = false;
    setFavourite(null);
    client.myFavourites({ subjectId, limit: 1 }).then(
      (page) => !cancelled && setFavourite(page.favourites.length > 0),
      () => !cancelled && setFavourite(false),
    );
    return () => {
      cancelled = true;
    };
  }, [client, subjectId]);
  return favourite;
}
