import { QuoteNeverClosed, inFileWords, tableInParts } from '../../classifier/src/lib/tableParts';
import { type UnreadableSubjectFile, subjectsFromCsv } from '../src/subject-sets/subject-files';

/**
 * The lab sends a long table in parts, split by a scanner that finds where rows end (apps/classifier's tableParts);
 * the API reads each part with its own reader. Enough only if the parts read as the whole file does: the same
 * subjects, in order, each named by the same line of the file.
 */

/** Cells as spreadsheets write them: quoted with separators, quotes and line breaks in them, a lone quote, spaces, empty. */
const CELLS = ['plain', '"a, b"', '"two\nlines"', '"say ""hi"""', 'The 12" record', '  spaced  ', ' "quoted after spaces" ', '', '"x;y\r\nz"', 'é𝔄', '"a\tb"'];

/** A table of `n` rows, each with an id, an image and a note chosen in turn, some rows blank or of empty cells. */
function tricky(n: number, { lineBreak, delimiter, bom }: { lineBreak: string; delimiter: string; bom: boolean }): string {
  const lines = [`external_id${delimiter}image_url${delimiter}note`];
  for (let row = 0; row < n; row += 1) {
    if (row % 7 === 3) lines.push('');
    if (row % 11 === 5) lines.push(`${delimiter}${delimiter}`);
    lines.push([`id${row}`, `https://example.org/${row}.jpg`, CELLS[row % CELLS.length]!].join(delimiter));
  }
  return `${bom ? '\uFEFF' : ''}${lines.join(lineBreak)}${lineBreak}`;
}

/** The API's refusal of a file's repeated external ids, as the upload names them: each at its subject, its place in the file after its message. */
function repeatsSaid(text: string) {
  const whole = subjectsFromCsv(text);
  return whole.errors.map(({ pointer, message }) => ({ pointer, message: `${message} (${whole.origin(Number(/^\/subjects\/(\d+)/.exec(pointer)![1]), pointer)})` }));
}

describe('a table the lab sends in parts', () => {
  it.each([
    { lineBreak: '\n', delimiter: ',', bom: false },
    { lineBreak: '\r\n', delimiter: ',', bom: true },
    { lineBreak: '\r', delimiter: ',', bom: false },
    { lineBreak: '\n', delimiter: ';', bom: true },
    { lineBreak: '\r\n', delimiter: '\t', bom: false },
  ])('reads as the whole file: the same subjects in order, each at the same line (%o)', (style) => {
    const text = tricky(60, style);
    const whole = subjectsFromCsv(text);
    const { parts, rows } = tableInParts(text, { rows: 7, bytes: 16 * 1024 * 1024 });
    expect(rows).toBe(whole.subjects.length);
    const read = parts.map((part) => ({ part, file: subjectsFromCsv(part.text) }));
    expect(read.flatMap(({ file }) => file.subjects)).toEqual(whole.subjects);
    for (const { part, file } of read) {
      expect(file.subjects).toHaveLength(part.rows);
      const origins = file.subjects.map((_, index) => inFileWords(part, file.origin(index)));
      expect(origins).toEqual(file.subjects.map((_, index) => whole.origin(part.firstRow + index)));
    }
  });

  it('refuses a file with a quote never closed before sending a part, in the words the API has for the whole file', () => {
    const rows = Array.from({ length: 30 }, (_, row) => `id${row},https://example.org/${row}.jpg`);
    const text = `\n${['external_id,image_url', ...rows].join('\r\n')}\r\n\r\n`.replace('id20,', '"id20,');
    const whole = (() => {
      try {
        subjectsFromCsv(text);
      } catch (error) {
        return (error as UnreadableSubjectFile).error.message;
      }
    })();
    expect(() => tableInParts(text, { rows: 7, bytes: 16 * 1024 * 1024 })).toThrow(new QuoteNeverClosed(whole));
  });

  it.each([
    { lineBreak: '\r\n', delimiter: ',', bom: true },
    { lineBreak: '\n', delimiter: ';', bom: false },
  ])('refuses a file giving an external id twice before sending a part, in the words the API has for the whole file (%o)', (style) => {
    const text = tricky(60, style).replace(`id40${style.delimiter}`, `id3${style.delimiter}`).replace(`id55${style.delimiter}`, ` "id12" ${style.delimiter}`);
    const said = repeatsSaid(text);
    expect(said).toHaveLength(2);
    expect(() => tableInParts(text, { rows: 7, bytes: 16 * 1024 * 1024 })).toThrow(expect.objectContaining({ errors: said }));
  });

  it('reads an id as the API stores it (`tidyExternalId`): spaces and direction marks at either end dropped, letters composed', () => {
    const text = 'external_id,image_url\na,https://e.org/1.jpg\n\u3000a,https://e.org/2.jpg\nb,https://e.org/3.jpg\nb\u00a0,https://e.org/4.jpg\nb\u200f,https://e.org/5.jpg\n\u200ee\u0301,https://e.org/6.jpg\n\u00e9,https://e.org/7.jpg\n';
    const said = repeatsSaid(text);
    expect(said.map((error) => error.pointer)).toEqual(['/subjects/1/externalId', '/subjects/3/externalId', '/subjects/4/externalId', '/subjects/6/externalId']);
    expect(said[3]!.message).toBe('repeats line 7\'s externalId "\u00e9" (line 8 of the CSV, column "external_id")');
    expect(() => tableInParts(text, { rows: 1, bytes: 1024 })).toThrow(expect.objectContaining({ errors: said }));
  });

  it.each([
    ['external_id,subject_id,image_url', true],
    ['Subject ID,image_url', true],
    ['subject_id,Subject ID,image_url', false],
    ['subjectId,image_url', true],
    ['id,image_url', false],
  ])('says a file has ids (%s: %s) when the API reads an external_id in it, and warns it has none otherwise', (header, ids) => {
    const cells = header.split(',').map((_, index, all) => (index === all.length - 1 ? 'https://e.org/1.jpg' : `c${index}`));
    const text = `${header}\n${cells.join(',')}\n`;
    const noIds = subjectsFromCsv(text).warnings?.some((warning) => warning.message.startsWith('The file has no external_id column'));
    expect([tableInParts(text, { rows: 7, bytes: 1024 }).withIds, !noIds]).toEqual([ids, ids]);
  });
});
