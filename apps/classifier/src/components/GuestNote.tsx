import { useTranslation } from 'react-i18next';
import { Link, accountPath } from '../lib/router';

/** What a guest is told on a page of an account's own (`said`), with links to create an account or sign in and come back (`back`). */
export function GuestNote({ said, back, testId }: { said: string; back: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <p data-testid={testId}>
      {said} <Link to={accountPath('create-account', back)}>{t('account.createAccount')}</Link> · <Link to={accountPath('sign-in', back)}>{t('account.signIn')}</Link>
    </p>
  );
}
