import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES, spokenLanguage } from '@chorus/client';
import i18next from 'i18next';
import en from '../src/i18n/en.json';

/**
 * Every translation (`src/i18n/xx.json`) against English, the catalogue the code is checked against: the same keys, so
 * that no string falls back to English unseen; in each string the same placeholders and <Trans> tags, which the code
 * fills; the plural forms its language needs (Intl's rules, which i18next follows); and no empty string.
 */

const DIR = join(__dirname, '..', 'src', 'i18n');
const PLURAL = /_(zero|one|two|few|many|other)$/;
type Catalogue = Record<string, unknown>;

const translations = readdirSync(DIR)
  .filter((name) => name.endsWith('.json') && name !== 'en.json')
  .map((name) => ({ language: name.replace(/\.json$/, ''), catalogue: JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Catalogue }));

/** Each string of a catalogue by its full key (a list's items by index, `shortcuts.list.0.keys`). */
function strings(node: unknown, prefix = ''): Map<string, string> {
  if (typeof node === 'string') return new Map([[prefix, node]]);
  const entries = Array.isArray(node) ? node.map((value, index) => [String(index), value] as const) : Object.entries(node as Catalogue);
  return new Map(entries.flatMap(([key, value]) => [...strings(value, prefix ? `${prefix}.${key}` : key)]));
}

/** A key's plural forms, by the key without its suffix: `a.b_one`, `a.b_other` → `a.b` → {one, other}. */
function pluralForms(keys: Iterable<string>): Map<string, Set<string>> {
  const forms = new Map<string, Set<string>>();
  for (const key of keys) {
    const form = PLURAL.exec(key)?.[1];
    if (!form) continue;
    const base = key.replace(PLURAL, '');
    forms.set(base, (forms.get(base) ?? new Set()).add(form));
  }
  return forms;
}

/** What the code fills in a string: `{{count}}`, `{{total, number}}`, and <Trans>'s `<strong>`, `</strong>`, `<key/>`. */
const fillings = (text: string) => [...text.matchAll(/\{\{[^}]+\}\}|<\/?[a-z0-9]+\s*\/?>/gi)].map((match) => match[0].replace(/\s+/g, '')).sort();

const english = strings(en);
const englishPlurals = pluralForms(english.keys());
const singular = (keys: Iterable<string>) => new Set([...keys].filter((key) => !PLURAL.test(key)));

it('there is at least one translation to check', () => {
  expect(translations.map(({ language }) => language)).toContain('fr');
});

it('there is a catalogue for each language Chorus speaks (LANGUAGES, which its mails are worded in too), and for no other', () => {
  expect(['en', ...translations.map(({ language }) => language)].sort()).toEqual([...LANGUAGES].sort());
});

it('a browser that prefers a catalogue’s language, as it spells its tag, opens the interface in it', () => {
  const catalogues = ['en', ...translations.map(({ language }) => language)];
  expect(catalogues.map((language) => spokenLanguage([language.toLowerCase()]))).toEqual(catalogues);
});

describe.each(translations)('the $language catalogue', ({ language, catalogue }) => {
  const translated = strings(catalogue);
  const needed = new Intl.PluralRules(language).resolvedOptions().pluralCategories;

  it('has every key English has, and none it lacks', () => {
    const ownPlurals = pluralForms(translated.keys());
    const missing = [...singular(english.keys())].filter((key) => !translated.has(key));
    const extra = [...singular(translated.keys())].filter((key) => !english.has(key));
    const pluralsMissing = [...englishPlurals.keys()].filter((key) => !ownPlurals.has(key));
    const pluralsExtra = [...ownPlurals.keys()].filter((key) => !englishPlurals.has(key));
    expect({ missing, extra, pluralsMissing, pluralsExtra }).toEqual({ missing: [], extra: [], pluralsMissing: [], pluralsExtra: [] });
  });

  it(`gives each plural the forms ${language} needs (${needed.join(', ')}), and “zero” only where English has it`, () => {
    const wrong = [...pluralForms(translated.keys())].flatMap(([key, forms]) => {
      const wanted = [...needed, ...(englishPlurals.get(key)?.has('zero') ? ['zero'] : [])];
      const sorted = (list: Iterable<string>) => [...list].sort().join(',');
      return sorted(forms) === sorted(wanted) ? [] : [`${key}: ${sorted(forms)} (wanted ${sorted(wanted)})`];
    });
    expect(wrong).toEqual([]);
  });

  it('fills the same placeholders and tags as English in each string', () => {
    const englishFor = (key: string) => english.get(key) ?? english.get(key.replace(PLURAL, '_other'));
    const differing = [...translated].flatMap(([key, text]) => {
      const source = englishFor(key);
      if (source === undefined) return [];
      // A singular form may say "one" where English writes {{count}}; it still takes every other filling.
      const ours = fillings(text).filter((filling) => !(PLURAL.test(key) && filling === '{{count}}'));
      const theirs = fillings(source).filter((filling) => !(PLURAL.test(key) && filling === '{{count}}'));
      return ours.join(' ') === theirs.join(' ') ? [] : [`${key}: ${fillings(text).join(' ')} ≠ ${fillings(source).join(' ')}`];
    });
    expect(differing).toEqual([]);
  });

  it('has no empty string', () => {
    expect([...translated].filter(([, text]) => text.trim() === '').map(([key]) => key)).toEqual([]);
  });
});

it('says in French what is left of a set a volunteer may choose with the plural its count needs', async () => {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: 'fr', resources: { fr: { translation: JSON.parse(readFileSync(join(DIR, 'fr.json'), 'utf8')) } } });
  expect([1, 2].map((count) => i18n.t('home.setLeft', { count, total: 3 }))).toEqual(['1 sur 3 restant', '2 sur 3 restants']);
});

/**
 * French sets a space that never breaks a line before its two-part punctuation and inside guillemets, as this
 * catalogue always has: a no-break space (U+00A0) before : and », and after «; a narrow one (U+202F) before ; ? and !.
 * What the code fills in ({{time}}), tags, code and addresses are left out, and so is a : between digits (09:30), a
 * key's name between commas (", ?,": the key ?, not a question) and Markdown's image syntax (![Lion](…)).
 */
it('sets in every French string the no-break space French typography puts before : ; ? ! and inside « »', () => {
  const french = strings(translations.find(({ language }) => language === 'fr')!.catalogue);
  const WRONG = /[^\u00a0][:»]|[^\u202f][;?!]|«[^\u00a0]/gu;
  const quoted = /\{\{[^}]*\}\}|\b[a-z]+:\/\/\S*|\/:\w+|`[^`]*`|<[^>]*>|\d:\d|\(\?\)|(?<=, )[?!;:](?=,)|!\[|"\w+":/g;
  const wrong = [...french].flatMap(([key, text]) => [...text.replace(quoted, ' ').matchAll(WRONG)].map((match) => `${key}: “${match[0]}”`));
  expect(wrong).toEqual([]);
});
