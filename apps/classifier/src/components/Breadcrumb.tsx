import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../lib/router';

/** Where the page sits: the project list, then each `up` step as a link, then the page itself (`here`). */
export function Breadcrumb({ up = [], here }: { up?: { to: string; label: ReactNode }[]; here: ReactNode }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('app.breadcrumb')} className="breadcrumb">
      <ol>
        {[{ to: '/', label: t('home.title') }, ...up].map(({ to, label }) => (
          <li key={to}>
            <Link to={to}>{label}</Link>
          </li>
        ))}
        <li aria-current="page">{here}</li>
      </ol>
    </nav>
  );
}
