import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import i18next from 'i18next';
import { workflowDone } from '../src/components/WorkflowProgress';
import en from '../src/i18n/en.json';
import fr from '../src/i18n/fr.json';

/**
 * The message catalogue against the code: every key the code uses is in `en.json`, every key there is used, no
 * key is built in a way this check cannot follow, and no interface text is written into a component instead.
 * (TypeScript also refuses an unknown key, through the catalogue's type; this test covers what types cannot.)
 */

const SRC = join(__dirname, '..', 'src');
const PLURAL = /_(zero|one|two|few|many|other)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every key of a catalogue, without plural suffixes; a list (read with `returnObjects`) is one key. */
function catalogueKeys(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [prefix.replace(PLURAL, '')];
  return Object.entries(node).flatMap(([key, value]) => catalogueKeys(value, prefix ? `${prefix}.${key}` : key));
}

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
const files = sourceFiles(SRC).map((path) => ({ path: relative(SRC, path), text: withoutComments(readFileSync(path, 'utf8')) }));
const keys = new Set(catalogueKeys(en));

/** `t('a.b')`, `i18n.t("a.b")`, `i18nKey="a.b"`; a template key such as t(`a.${x}`) as a pattern. */
function usedKeys(text: string): { literal: string[]; patterns: RegExp[]; dynamic: string[] } {
  const literal = [...text.matchAll(/\bt\(\s*(['"])([^'"]+)\1/g), ...text.matchAll(/i18nKey="([^"]+)"/g)].map((match) => match[match.length - 1]!);
  const templates = [...text.matchAll(/\bt\(\s*`([^`]+)`/g)].map((match) => match[1]!);
  const patterns = templates.map((template) => new RegExp(`^${template.split(/\$\{[^}]+\}/).map((part) => part.replace(/\./g, '\\.')).join('[^.]+')}$`));
  const dynamic = [...text.matchAll(/\bt\(\s*([^'"`\s)][^,)]*)/g)].map((match) => match[1]!);
  return { literal, patterns, dynamic };
}

const used = files.map(({ path, text }) => ({ path, ...usedKeys(text) }));

describe('the message catalogue (src/i18n/en.json)', () => {
  it('has every key the code uses', () => {
    const missing = used.flatMap(({ path, literal, patterns }) => [
      ...literal.filter((key) => !keys.has(key)).map((key) => `${path}: ${key}`),
      ...patterns.filter((pattern) => ![...keys].some((key) => pattern.test(key))).map((pattern) => `${path}: ${pattern}`),
    ]);
    expect(missing).toEqual([]);
    expect(used.flatMap(({ literal }) => literal).length).toBeGreaterThan(100);
  });

  it('has no key that the code never uses', () => {
    const literal = new Set(used.flatMap((file) => file.literal));
    const patterns = used.flatMap((file) => file.patterns);
    expect([...keys].filter((key) => !literal.has(key) && !patterns.some((pattern) => pattern.test(key)))).toEqual([]);
  });

  it('is read with keys written out, so that the two checks above see them all', () => {
    expect(used.flatMap(({ path, dynamic }) => dynamic.map((argument) => `${path}: t(${argument}`))).toEqual([]);
  });

  it('leaves no interface text written into the components', () => {
    const hardCoded = files.flatMap(({ path, text }) => {
      // JSX text between tags (not TypeScript generics: no code punctuation), UI attributes, sentences in strings.
      const jsxText = path.endsWith('.tsx') ? [...text.matchAll(/>([^<>{}();=]*\p{L}{2,}[^<>{}();=]*)</gu)].map((match) => match[1]!.trim()) : [];
      const attributes = [...text.matchAll(/\b(?:aria-label|title|placeholder|alt)="([^"]*\p{L}{2,}[^"]*)"/gu)].map((match) => match[1]!);
      const sentences = [...text.matchAll(/(['"`])(\p{Lu}\p{Ll}* \p{Ll}[^'"`\n]*)\1/gu)].map((match) => match[2]!);
      return [...jsxText, ...attributes, ...sentences].map((found) => `${path}: ${found}`);
    });
    expect(hardCoded).toEqual([]);
  });

  it('writes the count in all as a number, its thousands grouped (i18next’s own number format)', async () => {
    const english = i18next.createInstance();
    await english.init({ lng: 'en', resources: { en: { translation: en } }, interpolation: { escapeValue: false } });
    expect(english.t('classify.countInAll', { count: 3, total: 1000 })).toBe('Classified this session: <strong>3</strong> (1,000 in all)');
  });

  it('says how much of a workflow is done in the page’s language and number format, rounded down until all of it is', async () => {
    const catalogues = i18next.createInstance();
    await catalogues.init({ lng: 'en', resources: { en: { translation: en }, fr: { translation: fr } }, interpolation: { escapeValue: false } });
    const stats = (retired: number, subjects: number, goldStandard = 0) => ({ subjects, retired, goldStandard, held: 0, classifications: 0, volunteers: 0, draftTries: 0, reaggregating: false, asOf: '' });
    expect(workflowDone(catalogues.t, stats(1204, 3000))).toBe('1,204 of 3,000 subjects done, 40%');
    expect(workflowDone(catalogues.t, stats(2999, 3000))).toBe('2,999 of 3,000 subjects done, 99%');
    expect(workflowDone(catalogues.t, stats(1, 2, 1))).toBe('1 of 1 subject done, 100%'); // gold standard is never retired
    expect(workflowDone(catalogues.t, stats(0, 0))).toBe('0 of 0 subjects done, 0%');
    await catalogues.changeLanguage('fr');
    // French groups thousands and sets the percent sign apart with a narrow no-break space.
    expect(workflowDone(catalogues.t, stats(1204, 3000))).toBe('1\u202f204 sur 3\u202f000 sujets traités, 40\u00a0%');
  });
});
