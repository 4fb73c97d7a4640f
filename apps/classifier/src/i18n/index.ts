import { type Language, spokenLanguage } from '@chorus/client';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';

/**
 * Every interface string lives in one catalogue per language beside this file (`en.json`, `fr.json`, …):
 * a translation is one new file, picked up here, and its language in `LANGUAGES` (@chorus/client) with its mails'
 * words (the API's `mail/wording`): `translations.test.ts` checks the catalogues are those languages. English is
 * complete and is the fallback for any key a translation lacks.
 */
const catalogues = import.meta.glob<typeof en>('./*.json', { eager: true, import: 'default' });

export const resources = Object.fromEntries(
  Object.entries(catalogues).map(([path, translation]) => [path.replace(/^\.\/(.+)\.json$/, '$1'), { translation }]),
);
/** The languages the interface is written in, by their code (`en`, `fr`): one per catalogue, one per `LANGUAGES` (which the API mails in). */
export const languages = Object.keys(resources);

/** Where the language a volunteer chose on this device is kept. */
const CHOSEN = 'chorus.language';

/** The language a volunteer chose on this device (null: none, the interface follows the browser's). */
export function chosenLanguage(): string | null {
  try {
    const chosen = window.localStorage.getItem(CHOSEN);
    return chosen !== null && languages.includes(chosen) ? chosen : null;
  } catch {
    return null; // storage disabled: the browser's language, as on a first visit
  }
}

/** Keeps `language` as the one chosen on this device, or none (null). */
function keepChoice(language: string | null): void {
  try {
    if (language === null) window.localStorage.removeItem(CHOSEN);
    else window.localStorage.setItem(CHOSEN, language);
  } catch {
    // storage disabled or full: the choice lasts as long as the page
  }
}

/** The language this device's volunteer chose, kept for their next visits; the page switches to it at once. */
export function chooseLanguage(language: string): void {
  keepChoice(language);
  void i18next.changeLanguage(language);
}

/** The interface's language now, and the one chosen on this device (null: none), as `restoreLanguage` puts them back. */
export const languageNow = () => ({ spoken: i18next.language, chosen: chosenLanguage() });

/** Puts back the interface's language and this device's choice as `languageNow` answered them: none chosen if none was. */
export function restoreLanguage({ spoken, chosen }: ReturnType<typeof languageNow>): void {
  keepChoice(chosen);
  void i18next.changeLanguage(spoken);
}

/** The first of the browser's preferred languages that is in `LANGUAGES` (by its whole tag, else its base: `fr` for `fr-CA`). */
export const preferredLanguage = (): Language | undefined => spokenLanguage(navigator.languages ?? [navigator.language]);

/**
 * The interface's language when the volunteer wants it: chosen on this device, or one their browser prefers; undefined
 * when the interface is in English only because it speaks none of the browser's (German, say).
 */
export const wantedLanguage = () => spokenLanguage([chosenLanguage() ?? '']) ?? preferredLanguage();

void i18next.use(initReactI18next).init({
  resources,
  lng: chosenLanguage() ?? preferredLanguage() ?? 'en',
  fallbackLng: 'en',
  supportedLngs: languages,
  // React escapes what it renders; the catalogue's own markup only reaches the page through <Trans>.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});
// Screen readers, hyphenation and the browser's own words (a file input's) follow the page's language.
document.documentElement.lang = i18next.language;
i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

export const i18n = i18next;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
