import { type Language, LANGUAGES, spokenLanguage } from '@chorus/client';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';

/**
 * Every interface string lives in one catalogue per language beside this file (`en.json`, `fr.json`, `de.json`, …):
 * a translation is one new file, picked up here, and its language in `LANGUAGES` (@chorus/client) with its mails'
 * words (the API's `mail/wording`): `translations.test.ts` checks the catalogues are those languages. English is
 * complete and is the fallback for any key a translation lacks, so it comes with the page's script; every other
 * catalogue is a chunk of its own, read only when its language is wanted (most volunteers never download it).
 */
const otherCatalogues = import.meta.glob<typeof en>(['./*.json', '!./en.json'], { import: 'default' });

/**
 * The languages the interface is written in, by their code (`en`, `fr`, `de`): one per catalogue, in `LANGUAGES`' order
 * (which the API mails in and the account page lists), not the catalogues' file order.
 */
export const languages: string[] = LANGUAGES.filter((language) => language === 'en' || `./${language}.json` in otherCatalogues);
/**
 * A language's name in its own words (`Français`), by its code, as the browser's own data (CLDR) has it: the language
 * choice shows every language's before its catalogue is read.
 */
export function languageName(language: string): string {
  const name = typeof Intl.DisplayNames === 'function' ? (new Intl.DisplayNames([language], { type: 'language' }).of(language) ?? language) : language;
  const [first = '', ...rest] = name; // by code point: a letter of a script beyond the first plane is two code units
  return first.toLocaleUpperCase(language) + rest.join('');
}

/** How long a catalogue may take to arrive before the page goes on in English (a request that never answers). */
const CATALOGUE_WAIT_MS = 8_000;

/**
 * Reads `language`'s catalogue into i18next unless it is there already; whether it is there now. A catalogue that could
 * not be read (offline, say) is asked for again next time.
 */
async function readCatalogue(language: string): Promise<boolean> {
  if (i18next.hasResourceBundle(language, 'translation')) return true;
  const read = otherCatalogues[`./${language}.json`];
  if (!read) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the catalogue took too long')), CATALOGUE_WAIT_MS);
  });
  try {
    i18next.addResourceBundle(language, 'translation', await Promise.race([read(), late]));
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

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

/** The language this device's volunteer chose, kept for their next visits; the page switches to it once its catalogue is read (`speak`). */
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
 * The interface in `language` once its catalogue is read, or in English when it cannot be (offline, say): English
 * throughout then, its dates and the page's `lang` too, not English words under another language's name; the language
 * stays the one wanted (`speaking`, kept on the device if chosen), read again at the next switch or page. A switch made
 * while the catalogue is on its way wins over it.
 */
async function speak(language: string): Promise<void> {
  speaking = language;
  const readable = await readCatalogue(language);
  if (speaking !== language) return;
  await i18next.changeLanguage(readable ? language : 'en');
}

/** The first of the browser's preferred languages that is in `LANGUAGES` (by its whole tag, else its base: `fr` for `fr-CA`). */
export const preferredLanguage = (): Language | undefined => spokenLanguage(navigator.languages ?? [navigator.language]);

/**
 * The interface's language when the volunteer wants it: chosen on this device, or one their browser prefers; undefined
 * when the interface is in English only because it speaks none of the browser's (Italian, say).
 */
export const wantedLanguage = () => spokenLanguage([chosenLanguage() ?? '']) ?? preferredLanguage();

/**
 * The language wanted for the interface: the one it speaks, or the one it is switching to while its catalogue is read,
 * or the one whose catalogue could not be read (its words then English). `languageNow` answers it, so that a change
 * just made is what a refusal puts back from, whether or not its words followed.
 */
let speaking = 'en';

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: languages,
  // React escapes what it renders; the catalogue's own markup only reaches the page through <Trans>.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

/**
 * The interface in the volunteer's language: this device's choice, else the browser's, else English. The page renders
 * once it is ready (`main.tsx`), so that it never shows in English first.
 */
export const i18nReady = speak(chosenLanguage() ?? preferredLanguage() ?? 'en').then(() => {
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
