import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../lib/router';

/** An address that names nothing the volunteer may see (no such project or workflow): said, with the way back, the heading focused. */
export function NothingHere({ testId, title, body }: { testId: string; title: string; body: string }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="page" data-testid={testId}>
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      <p>{body}</p>
      <p>
        <Link to="/">{t('app.backToProjects')}</Link>
      </p>
    </div>
  );
}
