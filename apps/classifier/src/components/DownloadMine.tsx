import type { DownloadLink } from '@chorus/client';
import { useFollowedDownload } from '../lib/useFollowedDownload';
import type { Saying } from '../lib/said';
import { ErrorAlert } from './ErrorAlert';

/**
 * A button that saves every one of the account's own rows of one kind (its classifications, its comments) as a file:
 * each click asks for a new download link (`link`) and follows it; `started` is said once it is asked for.
 */
export function DownloadMine({ label, testId, started, link }: { label: string; testId: string; started: Saying<string>; link(): Promise<DownloadLink> }) {
  const { started: said, problem, save } = useFollowedDownload();
  return (
    <>
      <p className="button-row">
        <button type="button" className="button button-secondary" data-testid={testId} onClick={() => void save(async () => (await link()).url, started)}>
          {label}
        </button>
      </p>
      <ErrorAlert problem={problem} />
      <p role="status" aria-live="polite">
        {said}
      </p>
    </>
  );
}
