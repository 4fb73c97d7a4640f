import { createContext, useContext, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useOnline } from '../lib/useOnline';
import { ReportOffer } from './ReportProblem';

/**
 * Told the address of each image or recording a subject's page could not load, once it is said on screen: the classify
 * page tells the API (`SubjectClassifier`, `useMediaFailureReports`), so that researchers hear of media volunteers cannot
 * see, most of whom never report it. Elsewhere (the lab) nobody is told.
 */
export const MediaFailureSink = createContext<((url: string) => void) | null>(null);

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
  useEffect(() => {
    failed?.(url);
  }, [failed, url]);
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
