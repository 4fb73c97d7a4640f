import { useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { ReportOffer } from './ReportProblem';

/**
 * Said in place of an image or a recording that the browser could not load, with a link to try the file itself, and,
 * on the classify page, a way to report the subject (its reason chosen) and move on.
 */
export function MediaFailed({ message, link, url }: { message: string; link: string; url: string }) {
  const { t } = useTranslation();
  const offerReport = useContext(ReportOffer);
  return (
    <p className="viewer-message" role="alert">
      {message}{' '}
      <a href={url} target="_blank" rel="noreferrer">
        {link}
      </a>
      {offerReport && (
        <>
          {' '}
          <button type="button" className="button button-secondary button-small" onClick={() => offerReport('media-does-not-load')} data-testid="report-media-failed">
            {t('report.mediaFailed')}
          </button>
        </>
      )}
    </p>
  );
}
