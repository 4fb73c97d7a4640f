import { Trans, useTranslation } from 'react-i18next';
import { Link } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';

export function NotFoundPage({ path }: { path: string }) {
  const { t } = useTranslation();
  useDocumentTitle(t('notFound.title'));
  return (
    <div className="page">
      <h1 tabIndex={-1}>{t('notFound.title')}</h1>
      <p>
        <Trans i18nKey="notFound.body" values={{ path }} components={{ code: <code /> }} />
      </p>
      <p>
        <Link to="/">{t('notFound.link')}</Link>
      </p>
    </div>
  );
}
