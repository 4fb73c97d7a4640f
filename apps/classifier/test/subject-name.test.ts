import type { ResearcherSubject } from '@chorus/client';
import { i18n } from '../src/i18n';
import { distinctSubjectNames, imageDescription, mediaName, quotedOpening, subjectHeading, subjectName, subjectTextPreview, volunteerSubjectName, whatSubjectShows } from '../src/lib/subjectName';

// The catalogues themselves, read by a plain i18next (the app's module finds its catalogues through Vite).
jest.mock('../src/i18n', () => {
  const i18next = jest.requireActual<typeof import('i18next')>('i18next');
  const i18n = i18next.createInstance();
  const translation = (language: string) => ({ translation: jest.requireActual(`../src/i18n/${language}.json`) });
  void i18n.init({ resources: { en: translation('en'), fr: translation('fr'), de: translation('de') }, lng: 'en', initAsync: false, interpolation: { escapeValue: false } });
  return { i18n };
});

const text = (words: string) => [{ type: 'text' as const, text: words }];

describe('what researchers call a subject', () => {
  it('is its page label or title, else the researchers’ id', () => {
    expect(subjectName({ externalId: 'ms-12', metadata: { canvas_label: 'f. 1r' }, locations: text('A letter') })).toBe('f. 1r');
    expect(subjectName({ externalId: 'ms-12', metadata: { title: ' Letter to Ada ' }, locations: text('A letter') })).toBe('Letter to Ada');
    expect(subjectName({ externalId: 'ms-12', metadata: {}, locations: text('A letter') })).toBe('ms-12');
  });

  it('is the opening words of its text when it has neither, so that passages of a corpus are told apart', () => {
    expect(subjectName({ externalId: null, metadata: { passage: 3 }, locations: text('  WANTED: a steady boy to drive a cart, apply within ') })).toBe('“WANTED: a steady boy to drive…”');
    expect(subjectName({ externalId: null, metadata: {}, locations: text('Lost dog.') })).toBe('“Lost dog.”');
    expect(subjectName({ externalId: null, metadata: {}, locations: [{ type: 'image', url: 'https://example.org/1.jpg' }] })).toBeNull();
  });

});

describe('a subject named by the opening words of its text', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('quotes them as the interface’s language does: “…” in English, « … » in French, „…“ in German', async () => {
    const subject = { externalId: null, metadata: {}, locations: text('Lost dog.') };
    expect(volunteerSubjectName(subject)).toBe('“Lost dog.”');
    await i18n.changeLanguage('fr');
    expect(volunteerSubjectName(subject)).toBe('«\u00a0Lost dog.\u00a0»');
    expect(distinctSubjectNames([subject, subject], 'Sujet')).toEqual(['«\u00a0Lost dog.\u00a0»', '«\u00a0Lost dog.\u00a0» (2)']);
    await i18n.changeLanguage('de');
    expect(subjectName(subject)).toBe('„Lost dog.“');
    expect(quotedOpening('Ein Kommentar zu diesem Brief, der lang ist')).toBe('„Ein Kommentar zu diesem Brief, der…“');
  });
});

describe('what volunteers call a subject', () => {
  it('is its title, else the opening words of its text, never the researchers’ id', () => {
    expect(volunteerSubjectName({ metadata: { title: 'Letter to Ada' }, locations: text('A letter') })).toBe('Letter to Ada');
    expect(volunteerSubjectName({ metadata: {}, locations: text('WANTED: a steady boy to drive a cart') })).toBe('“WANTED: a steady boy to drive…”');
    expect(volunteerSubjectName({ metadata: {}, locations: [{ type: 'image', url: 'https://example.org/1.jpg', alt: 'A circus poster' }] })).toBe('A circus poster');
    expect(volunteerSubjectName({ metadata: { id: 'snip-199' }, locations: [{ type: 'image', url: 'https://example.org/1.jpg' }] })).toBeNull();
  });

  it('heads a corpus passage with the name Chorus gave it (its set and number), as the lab names it, never with the researchers’ own id (tester 22 F9)', () => {
    const passage = { externalId: 'Letters#3', metadata: { passage: 3 }, locations: text('Dear Sister,') };
    expect(subjectHeading(passage)).toBe('Letters#3');
    expect(subjectHeading(passage)).toBe(subjectName(passage));
    // Still so once it moved in a corpus sent again, or named beside another corpus's passage of its number.
    expect(subjectHeading({ ...passage, metadata: { passage: 4 } })).toBe('Letters#3');
    expect(subjectHeading({ ...passage, externalId: 'Letters#3 (2)' })).toBe('Letters#3 (2)');
    expect(subjectHeading({ ...passage, metadata: { passage: 3, title: 'To my sister' } })).toBe('To my sister');
    // Not a passage Chorus named: a researchers' id (and a passage uploaded before passages were named) heads nothing.
    expect(subjectHeading({ externalId: 'snippet-2', metadata: {}, locations: text('FOR SALE') })).toBeNull();
    expect(subjectHeading({ externalId: 'ms#2', metadata: {}, locations: text('FOR SALE') })).toBeNull();
    expect(subjectHeading({ externalId: null, metadata: { passage: 3 }, locations: text('Dear Sister,') })).toBeNull();
    expect(subjectHeading({ externalId: 'p1', metadata: { title: 'Page 1' }, locations: [{ type: 'image', url: 'https://example.org/1.jpg' }] })).toBe('Page 1');
  });

  it('heads a subject with no title by what its first image shows, before its place in the session, never by the researchers’ id (tester 23 F8)', () => {
    const pages = [
      { type: 'image' as const, url: 'https://example.org/4-3.jpg', alt: 'Letter 4, page 3, handwritten' },
      { type: 'image' as const, url: 'https://example.org/4-4.jpg', alt: 'Letter 4, page 4' },
    ];
    expect(subjectHeading({ externalId: 'l4-p3', metadata: {}, locations: pages })).toBe('Letter 4, page 3, handwritten');
    expect(subjectHeading({ externalId: 'l4-p3', metadata: { title: 'Letter 4' }, locations: pages })).toBe('Letter 4');
    // Undescribed: to be named by its place in the session, as before.
    expect(subjectHeading({ externalId: 'l4-p3', metadata: {}, locations: [{ type: 'image', url: 'https://example.org/4-3.jpg' }] })).toBeNull();
    expect(subjectHeading({ externalId: 'l4-p3', metadata: {}, locations: [{ type: 'audio', url: 'https://example.org/4-3.mp3' }] })).toBeNull();
  });

  it('takes a title from a spreadsheet’s “Title” column, in any case, as from its title metadata (tester 21b F7)', () => {
    const image = [{ type: 'image' as const, url: 'https://example.org/1.jpg' }];
    expect(volunteerSubjectName({ metadata: { Title: ' Letter 1, page 1 ' }, locations: image })).toBe('Letter 1, page 1');
    expect(subjectName({ externalId: 'l1-p1', metadata: { TITLE: 'Letter 1, page 1' }, locations: image })).toBe('Letter 1, page 1');
    expect(subjectName({ externalId: 'l1-p1', metadata: { subtitle: 'A postscript' }, locations: image })).toBe('l1-p1');
  });

  it('reads a text subject’s text out on one line, cut as a list cuts it', () => {
    expect(subjectTextPreview({ locations: text('Lost  dog.\nReward.') })).toBe('Lost dog. Reward.');
    expect(subjectTextPreview({ locations: text('a '.repeat(100)) })).toBe(`${'a '.repeat(60)}…`);
    expect(subjectTextPreview({ locations: [{ type: 'image', url: 'https://example.org/1.jpg' }] })).toBeNull();
  });

  it('describes an image without its own description (alt) by the subject’s name, so a IIIF page is not only “Subject image”', () => {
    const image = [{ type: 'image' as const, url: 'https://example.org/1.jpg' }];
    expect(imageDescription('A letter in a slanted hand', { externalId: 'https://example.org/canvas/1', metadata: { canvas_label: 'f. 1r' }, locations: image })).toBe('A letter in a slanted hand');
    expect(imageDescription(undefined, { externalId: 'https://example.org/canvas/1', metadata: { canvas_label: 'f. 1r' }, locations: image })).toBe('f. 1r');
    expect(imageDescription(undefined, { externalId: 'ms-12', metadata: {}, locations: image })).toBeNull(); // not by the researchers’ id
    expect(imageDescription(undefined, { externalId: null, metadata: {}, locations: image })).toBeNull();
    // Never by another image's description: page 2 without one is not read as page 1.
    const pages = [{ type: 'image' as const, url: 'https://example.org/1.jpg', alt: 'A map of the harbour' }, { type: 'image' as const, url: 'https://example.org/2.jpg' }];
    expect(imageDescription(undefined, { externalId: null, metadata: {}, locations: pages })).toBeNull();
  });
});

describe('what a subject shows, in researchers’ lists', () => {
  const subject = (locations: ResearcherSubject['locations'], metadata: Record<string, unknown> = {}) => ({ locations, metadata }) as unknown as ResearcherSubject;

  it('names a IIIF image by its identifier and page label, not by the default.jpg every IIIF image ends in', () => {
    const url = 'https://iiif.example.org/iiif/3/reg-1821%2Fp1/full/max/0/default.jpg';
    expect(mediaName(url)).toBe('reg-1821/p1');
    expect(whatSubjectShows(subject([{ type: 'image', url }], { canvas_label: 'p. 1' }))).toBe('p. 1 (reg-1821/p1)');
    expect(mediaName('https://iiif.example.org/iiif/2/abc/0,0,100,100/!200,200/90/gray.png')).toBe('abc');
  });

  it('names other media by their file, with their description when they have one', () => {
    expect(whatSubjectShows(subject([{ type: 'image', url: 'https://example.org/scans/page%201.jpg?size=2', alt: 'A ledger page' }]))).toBe('A ledger page (page 1.jpg)');
    expect(mediaName('https://example.org/a/50%.jpg')).toBe('50%.jpg');
    expect(whatSubjectShows(subject([{ type: 'text', text: 'Lost dog.' }]))).toBe('“Lost dog.”');
  });
});

describe('names that tell a list’s subjects apart (tester 26 F11)', () => {
  it('keeps each name where it is the list’s only one, and gives texts that start alike their longer opening', () => {
    const paid = (end: string) => ({ metadata: {}, locations: text(`She paid the money into the ${end}`) });
    expect(distinctSubjectNames([paid('bank on Friday.'), paid('river by mistake.'), { metadata: { title: 'Letter to Ada' }, locations: text('She paid') }], 'Subject')).toEqual([
      '“She paid the money into the bank on Friday.”',
      '“She paid the money into the river by mistake.”',
      'Letter to Ada',
    ]);
  });

  it('numbers those that read the same even so, from the second, and the nameless by the fallback', () => {
    const same = { metadata: {}, locations: text('She paid the money into the bank on Friday.') };
    const titled = { metadata: { title: 'Page 1' }, locations: text('Dear Sir') };
    const image = { metadata: {}, locations: [{ type: 'image' as const, url: 'https://example.org/1.jpg' }] };
    expect(distinctSubjectNames([same, titled, same, titled, image, image], 'Subject')).toEqual([
      '“She paid the money into the bank on Friday.”',
      'Page 1',
      '“She paid the money into the bank on Friday.” (2)',
      'Page 1 (2)',
      'Subject',
      'Subject (2)',
    ]);
    expect(distinctSubjectNames([same], 'Subject')).toEqual(['“She paid the money into the…”']);
  });
});
