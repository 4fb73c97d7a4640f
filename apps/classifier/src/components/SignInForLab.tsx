import { useTranslation } from 'react-i18next';
import { accountPath, Link } from '../lib/router';

/** A lab page, for a guest: the lab is for accounts, so sign in (or create one) and come back here. */
export function SignInForLab({ title, here }: { title: string; here: string }) {
  const { t } = useTranslation();
  return (
    <div className="page page-lab" data-testid="lab-sign-in">
      <h1 tabIndex={-1}>{title}</h1>
      <p>{t('lab.signInNeeded')}</p>
      <p>
        <Link to={accountPath('sign-in', here)}>{t('account.signIn')}</Link> · <Link to={accountPath('create-account', here)}>{t('account.createAccount')}</Link>
      </p>
    </div>
  );
}
