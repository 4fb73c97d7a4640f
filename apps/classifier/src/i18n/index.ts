import { type Language, spokenLanguage } from '@chorus/client';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';

/**
 * Every interface string lives in one catalogue per language beside this file (`en.json`, `fr.json`, …):
 * a translation is one new file, picked up here, and its language in `LANGUAGES` (@chorus/client) with its mails'
 * words (the API's `mail/wording`): `translations.test.ts` checks the catalogues are those languages. English is
 * complete and is the fallback for any key a translation lacks, so it comes with the page's script; every other
 * catalogue is a chunk of its own, read only when its language is wanted (most volunteers never download it).
 */
const otherCatalogues = import.meta.glob<typeof en>(['./*.json', '!./en.json'], { import: 'default' });

const languageOf = (path: string) => path.replace(/^\.\/(.+)\.json$/, '$1');
/** The languages the interface is written in, by their code (`en`, `fr`): one per catalogue, one per `LANGUAGES` (which the API mails in). */
export const languages = ['en', ...Object.keys(otherCatalogues).map(languageOf)];
/**
 * A language's name in its own words (`Français`), by its code, as the browser's own data (CLDR) has it: the language
 * choice shows every language's before its catalogue is read.
 */
export function languageName(language: string): string {
  const name = new Intl.DisplayNames([language], { type: 'language' }).of(language) ?? language;
  return name.charAt(0).toLocaleUpperCase(language) + name.slice(1);
}

/** Reads the catalogues of languages other than English when i18next first needs them (its backend plugin). */
const catalogueReader = {
  type: 'backend' as const,
  init() {},
  read(language: string, _namespace: string, done: (error: unknown, catalogue: typeof en | null) => void) {
    const read = otherCatalogues[`./${language}.json`];
    if (!read) return done(null, null);
    read().then(
      (catalogue) => done(null, catalogue),
      (error: unknown) => done(error, null), // offline, say: the page stays in English (the fallback), and says so in English
    );
  },
};

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
  void speak(language);
}

/** The interface's language now, and the one chosen on this device (null: none), as `restoreLanguage` puts them back. */
export const languageNow = () => ({ spoken: speaking, chosen: chosenLanguage() });

/** Puts back the interface's language and this device's choice as `languageNow` answered them: none chosen if none was. */
export function restoreLanguage({ spoken, chosen }: ReturnType<typeof languageNow>): void {
  keepChoice(chosen);
  void speak(spoken);
}

/**
 * The interface in `language`, or in English when its catalogue cannot be read (offline, say): English throughout then,
 * its dates and the page's `lang` too, not English words under another language's name. The choice stays kept, and is
 * read again on the next page.
 */
async function speak(language: string): Promise<void> {
  speaking = language;
  await i18next.changeLanguage(language);
  await englishIfUnread();
}

async function englishIfUnread(): Promise<void> {
  if (i18next.hasResourceBundle(i18next.language, 'translation')) return;
  speaking = 'en';
  await i18next.changeLanguage('en');
}

/** The first of the browser's preferred languages that is in `LANGUAGES` (by its whole tag, else its base: `fr` for `fr-CA`). */
export const preferredLanguage = (): Language | undefined => spokenLanguage(navigator.languages ?? [navigator.language]);

/**
 * The interface's language when the volunteer wants it: chosen on this device, or one their browser prefers; undefined
 * when the interface is in English only because it speaks none of the browser's (German, say).
 */
export const wantedLanguage = () => spokenLanguage([chosenLanguage() ?? '']) ?? preferredLanguage();

/**
 * The language the interface speaks, or is switching to while its catalogue is read: what a change just made is, for
 * `languageNow`, before the words follow.
 */
let speaking: string = chosenLanguage() ?? preferredLanguage() ?? 'en';

/**
 * The interface in the volunteer's language: English at once, another language once its catalogue is read (the page
 * renders after it, `main.tsx`, so that it never shows in English first).
 */
export const i18nReady = i18next
  .use(catalogueReader)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en } },
    partialBundledLanguages: true,
    lng: speaking,
    fallbackLng: 'en',
    supportedLngs: languages,
    // React escapes what it renders; the catalogue's own markup only reaches the page through <Trans>.
    interpolation: { escapeValue: false },
    returnNull: false,
  })
  .then(englishIfUnread)
  .then(() => {
    // Screen readers, hyphenation and the browser's own words (a file input's) follow the page's language.
    document.documentElement.lang = i18next.language;
    i18next.on('languageChanged', (language) => {
      document.documentElement.lang = language;
    });
  });

export const i18n = i18next;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
