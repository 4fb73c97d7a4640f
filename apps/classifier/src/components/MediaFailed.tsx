import { createContext, useContext, useEffect } from 'react';
import { ReportOffer } from './ReportProblem';

/**
 * Told the address of each image or recording a subject's page could not load, once it is said on screen: the classify
 * page tells the API (`SubjectClassifier`), so that researchers hear of media volunteers cannot see, most of whom never
 * report it. Elsewhere (the lab) nobody is told.
 */
export const MediaFailureSink = createContext<((url: string) => void) | null>(null);

/**
 * Said in place of an image or a recording that the browser could not load, with a link to try the file itself, and,
 * on the classify page, a way to report the subject (its reason chosen, `report` the button's words) and move on.
 * The caller puts it in a polite live region that was there before the failure (`role="status"`).
 */
export function MediaFailed({ message, link, report, url }: { message: string; link: string; report: string; url: string }) {
  const offerReport = useContext(ReportOffer);
  const failed = useContext(MediaFailureSink);
  useEffect(() => failed?.(url), [failed, url]);
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
