import { createContext, useContext, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useOnline } from '../lib/useOnline';
import { ReportOffer } from './ReportProblem';

/**
 * Told the address of each image or recording a subject's page could not load, once it is said on screen: the classify
 * page tells the API (`SubjectClassifier`), so that researchers hear of media volunteers cannot see, most of whom never
 * report it; not a load that failed while the browser was offline. Elsewhere (the lab) nobody is told.
 */
export const MediaFailureSink = createContext<((url: string) => void) | null>(null);

/** How long the browser stays online after a failed load before the failure is told (`MediaFailureSink`). */
const TOLD_AFTER_MS = 2_000;

/**
 * Said in place of an image or a recording that the browser could not load, with a link to try the file itself, and,
 * on the classify page, a way to report the subject (its reason chosen, `report` the button's words) and move on.
 * While the browser is offline it says the connection is lost instead of offering a report: the file is likely fine,
 * and the caller tries it again when the connection is back (`useRetryWhenOnline`).
 * The caller puts it in a polite live region that was there before the failure (`role="status"`).
 */
export function MediaFailed({ message, link, report, url }: { message: string; link: string; report: string; url: string }) {
  const offerReport = useContext(ReportOffer);
  const failed = useContext(MediaFailureSink);
  const online = useOnline();
  const { t } = useTranslation();
  // A load that failed as the connection went says nothing of the file, and the browser may say the load failed a moment
  // before it says it is offline: told only once the browser has stayed online a moment after the failure.
  useEffect(() => {
    if (!online || !failed) return;
    const told = setTimeout(() => failed(url), TOLD_AFTER_MS);
    return () => clearTimeout(told);
  }, [failed, url, online]);
  if (!online) return <p className="viewer-message" data-testid="media-offline">{`${message} ${t('media.offline')}`}</p>;
  return (
    <p className="viewer-message">
      {message}{' '}
      <a href={url} target="_blank" rel="noreferrer">
        {link}
      </a>
      {offerReport && (
        <>
          {' '}
          <button type="button" className="button button-secondary button-small" onClick={() => offerReport('media-does-not-load')} data-testid="report-media-failed">
            {report}
          </button>
        </>
      )}
    </p>
  );
}
