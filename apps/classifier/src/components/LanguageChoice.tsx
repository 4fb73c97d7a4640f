import { useTranslation } from 'react-i18next';
import { chooseLanguage, languageName, languages } from '../i18n';
import { keepAccountLanguage } from '../lib/account';

function choose(language: string): void {
  chooseLanguage(language);
  void keepAccountLanguage(language);
}

/**
 * The interface's languages, on every page: each named in its own words (`languageName`), so that a volunteer
 * who cannot read the page's language still finds theirs. The choice is kept on this device, and as a signed-in
 * account's language, which its mails are worded in.
 */
export function LanguageChoice() {
  const { t, i18n: current } = useTranslation();
  return (
    <nav className="language-choice" aria-label={t('app.language')}>
      <span aria-hidden="true">{t('app.language')}</span>
      <ul>
        {languages.map((language) => (
          <li key={language}>
            <button type="button" lang={language} aria-pressed={current.resolvedLanguage === language} onClick={() => choose(language)}>
              {languageName(language)}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
