import { apiWordsOf, messageAt } from '../src/lib/definitionPlaces';
import { classifiedBefore, setNameRefused, uploadContentType, uploadErrorInWords } from '../src/lib/lab';
import { i18n } from '../src/i18n';
import { uploadRefused } from './support/refusals';

/**
 * What the lab says in the researcher's words where the API speaks its own: a version's warnings without the API's
 * pointers and routes, whether a version computed anything again, and a refused file's rows by their line and column.
 */

// The catalogue itself, read by a plain i18next (the app's module finds its catalogues through Vite).
jest.mock('../src/i18n', () => {
  const i18next = jest.requireActual<typeof import('i18next')>('i18next');
  const i18n = i18next.createInstance();
  void i18n.init({ resources: { en: { translation: jest.requireActual('../src/i18n/en.json') }, fr: { translation: jest.requireActual('../src/i18n/fr.json') } }, lng: 'en', initAsync: false, interpolation: { escapeValue: false } });
  return { i18n };
});

describe('a new version’s warnings, in the lab’s words', () => {
  it('say where with the form’s names and what to do with the lab’s sections, never the API’s route or column', () => {
    const raised = {
      pointer: '/retirement',
      message: 'asks for up to 3 classifications where it asked for 2: subjects retired already stay retired with what they have (unretire them, POST /workflows/:id/unretire, for more); the others go on to the new rule',
    };
    expect(messageAt(raised)).toBe(
      'Retirement: asks for up to 3 classifications where it asked for 2: subjects retired already stay retired with what they have (return them to volunteers, under “Retire subjects, or return them to volunteers”, for more); the others go on to the new rule',
    );
    expect(apiWordsOf('asks for at most 1 classification where it asked for 3: subjects that have 1 or more retire at once, and their answers after the first 1 are flagged after_retirement')).toBe(
      'asks for at most 1 classification where it asked for 3: subjects that have 1 or more retire at once, and their answers after the first 1 are marked as given after retirement (after_retirement in the raw classifications)',
    );
    expect(apiWordsOf('is new')).toBe('is new');
  });

  it('name the sets a workflow serves as the lab’s section does, not by the API’s field', async () => {
    const unserved = 'names subject set "Later" (9c1d), which no workflow serves: the subjects this effect moves there are classified no further until the set is linked to the workflow they should go on to (in its subjectSetIds), unless the set is only meant to gather them';
    expect(messageAt({ pointer: '/effects/0/addToSubjectSet', message: unserved })).toContain('go on to (under its “Subject sets served”), unless');
    await i18n.changeLanguage('fr');
    try {
      expect(apiWordsOf(unserved)).toContain('go on to (sous ses «\u00a0Lots de sujets servis\u00a0»), unless');
    } finally {
      await i18n.changeLanguage('en');
    }
  });

  it('are for versions saved once there were classifications to compute again', () => {
    const versions = [
      { version: 3, classifications: 4 },
      { version: 2, classifications: 0 },
      { version: 1, classifications: 0 },
    ];
    expect(classifiedBefore(versions, 2)).toBe(0);
    expect(classifiedBefore(versions, 3)).toBe(0);
    expect(classifiedBefore([{ version: 2, classifications: 0 }, { version: 1, classifications: 5 }], 2)).toBe(5);
  });
});

describe('a refused file of subjects, in the lab', () => {
  it('names a CSV row’s field by its line and column, and a passage by its place, not by the API’s pointer', () => {
    expect(uploadErrorInWords({ pointer: '/subjects/0/locations/0/url', message: 'must be an http(s) URL (line 2 of the CSV, column "image_url")' })).toBe('Line 2 of the CSV, column "image_url": must be an http(s) URL');
    expect(uploadErrorInWords({ pointer: '/subjects/3/locations', message: 'a subject needs at least one location: an image, a sound or a text (line 5 of the CSV)' })).toBe(
      'Line 5 of the CSV: a subject needs at least one location: an image, a sound or a text',
    );
    // A metadata column's name may hold brackets: the place is the API's last one.
    expect(uploadErrorInWords({ pointer: '/subjects/1/metadata/Date (approx.)', message: 'is too long (line 3 of the CSV, column "Date (approx.)")' })).toBe('Line 3 of the CSV, column "Date (approx.)": is too long');
    // JSON names its subjects by their place in `subjects`: the pointer is all there is.
    expect(uploadErrorInWords({ pointer: '/subjects/1/locations/0/url', message: 'must be an http(s) URL' })).toBe('/subjects/1/locations/0/url: must be an http(s) URL');
  });

  it('puts the no-break space French puts before a colon, at a place in the file as at a pointer', async () => {
    await i18n.changeLanguage('fr');
    try {
      expect(uploadErrorInWords({ pointer: '/subjects/0/locations/0/url', message: 'must be an http(s) URL (line 2 of the CSV)' })).toBe('Line 2 of the CSV\u00a0: must be an http(s) URL');
      expect(uploadErrorInWords({ pointer: '/subjects/1/locations/0/url', message: 'must be an http(s) URL' })).toBe('/subjects/1/locations/0/url\u00a0: must be an http(s) URL');
    } finally {
      await i18n.changeLanguage('en');
    }
  });

  it('lists them so in the upload’s refusal', () => {
    const refused = uploadRefused([{ pointer: '/subjects/0/locations/0/url', message: 'must be an http(s) URL (line 2 of the CSV, column "image_url")' }]);
    expect(setNameRefused(refused, { upload: true }).form?.fields).toEqual(['Line 2 of the CSV, column "image_url": must be an http(s) URL']);
  });
});

describe('a file of subjects, as the lab sends it', () => {
  const file = (name: string, text: string) => Object.assign(new Blob([text]), { name });

  it('sends a .txt table saved by a spreadsheet (Excel\'s "Text (Tab delimited)") as tab-separated values, its headers written as the spreadsheet writes them', async () => {
    expect(await uploadContentType(file('subjects.txt', 'External ID\tImage URL\tTitle\nE1\thttps://example.org/e1.jpg\tThe Fleet\n'))).toBe('text/tab-separated-values');
    expect(await uploadContentType(file('subjects.txt', 'external_id\ttext\ns1\tOne\n'))).toBe('text/tab-separated-values');
    expect(await uploadContentType(file('letters.txt', 'Dear Sir,\tI write to you\n\nYours, E.\n'))).toBe('text/plain');
  });
});
