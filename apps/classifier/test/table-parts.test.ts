import { ExternalIdRepeated, csvDelimiter } from '@chorus/tasks';
import { QuoteNeverClosed, RowTooLarge, SeparatorDiffers, inFileWords, refusalInFile, tableInParts } from '../src/lib/tableParts';
import { uploadRefused } from './support/refusals';

/** A table of subjects, as a spreadsheet saves it: a header and `n` rows, each line ended by `lineBreak`. */
const table = (n: number, lineBreak = '\n') => ['external_id,image_url', ...Array.from({ length: n }, (_, index) => `s${index + 1},https://example.org/${index + 1}.jpg`)].join(lineBreak) + lineBreak;
const API_LIMITS = { rows: 10_000, bytes: 16 * 1024 * 1024 };

describe('a table of subjects sent in parts', () => {
  it('sends 10,000 rows as one part, and 10,001 as two, the header first in each and each row in one part once', () => {
    const whole = table(10_000);
    expect(tableInParts(whole, API_LIMITS)).toEqual({ parts: [expect.objectContaining({ text: whole, rows: 10_000, firstRow: 0, firstLine: 2, lastLine: 10_001 })], rows: 10_000, withIds: true });

    const longer = table(10_001);
    const { parts, rows } = tableInParts(longer, API_LIMITS);
    expect(rows).toBe(10_001);
    expect(parts.map(({ rows, firstRow, firstLine, lastLine }) => ({ rows, firstRow, firstLine, lastLine }))).toEqual([
      { rows: 10_000, firstRow: 0, firstLine: 2, lastLine: 10_001 },
      { rows: 1, firstRow: 10_000, firstLine: 10_002, lastLine: 10_002 },
    ]);
    expect(parts[1]!.text).toBe('external_id,image_url\ns10001,https://example.org/10001.jpg\n');
    expect(parts.every((part) => part.text.startsWith('external_id,image_url\n'))).toBe(true);
    // Every row in exactly one part, in order.
    expect(`external_id,image_url\n${parts.map((part) => part.text.slice('external_id,image_url\n'.length)).join('')}`).toBe(longer);
  });

  it('keeps a quoted cell whole, its separators, quotes and line breaks in it, and counts its lines as the file does', () => {
    const text = 'external_id,text,note\na1,"Dear Sir,\nyours, ""truly""",x\na2,The 12" record,y\na3, "Line one\r\nline two" ,z\na4,plain,w\n';
    const { parts, rows } = tableInParts(text, { rows: 1, bytes: API_LIMITS.bytes });
    expect(rows).toBe(4);
    expect(parts.map(({ text, firstLine, lastLine }) => ({ text, firstLine, lastLine }))).toEqual([
      { text: 'external_id,text,note\na1,"Dear Sir,\nyours, ""truly""",x\n', firstLine: 2, lastLine: 2 },
      // A quote inside a cell that does not start with one is its text, and opens nothing.
      { text: 'external_id,text,note\na2,The 12" record,y\n', firstLine: 4, lastLine: 4 },
      { text: 'external_id,text,note\na3, "Line one\r\nline two" ,z\n', firstLine: 5, lastLine: 5 },
      { text: 'external_id,text,note\na4,plain,w\n', firstLine: 7, lastLine: 7 },
    ]);
  });

  it('reads a CRLF file by its own line breaks, a lone \\n being text, and leaves the BOM out of the parts', () => {
    const text = `\uFEFF${table(3, '\r\n')}`.replace('s2,', '"s\n2",');
    const { parts, withIds } = tableInParts(text, { rows: 2, bytes: API_LIMITS.bytes });
    expect(withIds).toBe(true);
    expect(parts.map((part) => part.text)).toEqual([
      'external_id,image_url\r\ns1,https://example.org/1.jpg\r\n"s\n2",https://example.org/2.jpg\r\n',
      'external_id,image_url\r\ns3,https://example.org/3.jpg\r\n',
    ]);
    expect(parts[1]!.firstLine).toBe(5);
  });

  it('splits by the separator the file has (semicolons, tabs), and skips blank lines and rows of empty cells as the API does', () => {
    const semicolons = 'image_url;title\nhttps://e.org/1.jpg;"Paris; 1890\nand after"\n;\n\n"";" "\nhttps://e.org/2.jpg;London\n';
    const { parts, rows, withIds } = tableInParts(semicolons, { rows: 1, bytes: API_LIMITS.bytes });
    expect([rows, withIds]).toEqual([2, false]);
    expect(parts.map(({ text, firstLine }) => ({ text, firstLine }))).toEqual([
      // The blank rows ride with the part before the next subject's, so the lines stay the file's.
      { text: 'image_url;title\nhttps://e.org/1.jpg;"Paris; 1890\nand after"\n;\n\n"";" "\n', firstLine: 2 },
      { text: 'image_url;title\nhttps://e.org/2.jpg;London\n', firstLine: 7 },
    ]);
    const tabs = 'Subject ID\tImage URL\nz1\t"a\tb"\nz2\thttps://e.org/2.jpg\n';
    expect(tableInParts(tabs, { rows: 1, bytes: API_LIMITS.bytes })).toMatchObject({ rows: 2, withIds: true, parts: [{ firstLine: 2 }, { firstLine: 3 }] });
  });

  it('keeps each part within the bytes the API takes (UTF-8), the header counted in each', () => {
    const text = table(10);
    const header = 'external_id,image_url\n';
    const row = 's1,https://example.org/1.jpg\n';
    const limit = header.length + 3 * row.length;
    const { parts } = tableInParts(text, { rows: 10_000, bytes: limit });
    expect(parts.map((part) => part.rows)).toEqual([3, 3, 3, 1]);
    expect(parts.every((part) => new TextEncoder().encode(part.text).length <= limit)).toBe(true);
    // Letters beyond ASCII weigh their bytes: "é" two, "𝔄" four (the two rows, 8 bytes, are over 7).
    const accented = 'text\né\n𝔄\n';
    expect(tableInParts(accented, { rows: 10, bytes: 'text\n'.length + 7 }).parts.map((part) => part.text)).toEqual(['text\né\n', 'text\n𝔄\n']);
    // Eight bytes take both in one part: a surrogate pair counted as its two halves' 3 bytes each would not.
    expect(tableInParts(accented, { rows: 10, bytes: 'text\n'.length + 8 }).parts.map((part) => part.text)).toEqual([accented]);
  });

  it('goes on from the row where an upload stopped, numbering the rows as the whole file does', () => {
    const text = table(25);
    const { parts } = tableInParts(text, { rows: 10, bytes: API_LIMITS.bytes });
    const resumed = tableInParts(text, { rows: 10, bytes: API_LIMITS.bytes }, parts[1]!.start);
    expect(resumed.rows).toBe(25);
    expect(resumed.parts).toEqual(parts.slice(1));
  });

  it('says the API’s refusal of a part with the file’s lines, and its subjects by their place in the file', () => {
    const { parts } = tableInParts(table(25), { rows: 10, bytes: API_LIMITS.bytes });
    const second = parts[1]!;
    expect(second.firstLine).toBe(12);
    expect(inFileWords(second, 'line 1 of the CSV, its header; line 2 repeats line 3')).toBe('line 1 of the CSV, its header; line 12 repeats line 13');
    const refusal = uploadRefused([{ pointer: '/subjects/8/locations/0/url', message: 'must be an http(s) URL (line 10 of the CSV, column "image_url")' }]);
    expect(refusalInFile(second, refusal).problem.errors).toEqual([{ pointer: '/subjects/18/locations/0/url', message: 'must be an http(s) URL (line 20 of the CSV, column "image_url")' }]);
  });
  it('guesses the separator of a file with lone \\r line breaks by its header alone, whatever its last row holds', () => {
    const text = `${table(3, '\r').replace(/\r$/, '')};;;;;;;;;;;;\r`;
    expect(csvDelimiter(text)).toBe(',');
    const { parts, rows } = tableInParts(text, { rows: 1, bytes: API_LIMITS.bytes });
    expect(rows).toBe(3);
    expect(parts.map((part) => [csvDelimiter(part.text), part.firstLine])).toEqual([[',', 2], [',', 3], [',', 4]]);
  });

  it('refuses, before any part is sent, a file whose part the API would read with another separator than the file', () => {
    // A quote opens a cell only at its start: the file's header ends at its first line break; read alone, a part's
    // header would open a quote after the semicolon.
    const text = `a;"x\ny",image_url\n${Array.from({ length: 4 }, (_, index) => `r${index},https://e.org/${index}.jpg`).join('\n')}\n`;
    expect(() => tableInParts(text, { rows: 2, bytes: API_LIMITS.bytes })).toThrow(SeparatorDiffers);
  });

  it('says a table has no ids when it has two subject_id columns, as the API reads it', () => {
    expect(tableInParts('subject_id,Subject ID,image_url\n1,2,https://e.org/1.jpg\n', API_LIMITS).withIds).toBe(false);
    expect(tableInParts('Subject ID,image_url\n1,https://e.org/1.jpg\n', API_LIMITS).withIds).toBe(true);
    expect(tableInParts('subject_id,Subject ID,External ID,image_url\n1,2,3,https://e.org/1.jpg\n', API_LIMITS).withIds).toBe(true);
  });

  it('refuses, before any part is sent, a file with a quote never closed, in the API’s words and the file’s lines', () => {
    const text = table(25).replace('s15,', '"s15,');
    expect(() => tableInParts(text, { rows: 10, bytes: API_LIMITS.bytes })).toThrow(QuoteNeverClosed);
    expect(() => tableInParts(text, { rows: 10, bytes: API_LIMITS.bytes })).toThrow(
      new QuoteNeverClosed(
        'is not valid CSV with a header row: a cell\'s opening quote (") is never closed, so the file from there on line 16 to its end (line 26) reads as that one cell: close it, or double a quote that is part of a quoted cell ("like ""this"" one")',
      ),
    );
  });

  it('says a quote never closed, not a row too large, when the quote makes the rest of the file one row over the bytes', () => {
    const text = table(25).replace('s15,', '"s15,');
    const header = 'external_id,image_url\n';
    const refused = () => tableInParts(text, { rows: 10, bytes: header.length + 100 });
    expect(refused).toThrow(QuoteNeverClosed);
    expect(refused).toThrow(expect.objectContaining({ message: expect.stringContaining('on line 16 to its end (line 26)') }));
    // A row too large by itself is still said so, though a quote opens in it and never closes: the quote is the cause.
    expect(() => tableInParts(`${header}"s1,${'x'.repeat(200)}\n`, { rows: 10, bytes: header.length + 100 })).toThrow(QuoteNeverClosed);
  });

  it('weighs blank rows against the bytes a part may have, as they are sent too', () => {
    const header = 'external_id,image_url\n';
    const row = 's1,https://example.org/1.jpg\n';
    const text = `${header}${row}${'\n'.repeat(60)}${row.replace('s1', 's2')}`;
    const limit = header.length + row.length + 20;
    const { parts, rows } = tableInParts(text, { rows: 10_000, bytes: limit });
    expect(rows).toBe(2);
    expect(parts.map((part) => new TextEncoder().encode(part.text).length <= limit)).toEqual([true, true]);
  });

  it('refuses, before any part is sent, an external id given twice in parts apart, in the API’s words and both lines of the file', () => {
    // s20's row (line 21) gives s3's id (line 4) again, with spaces around it that the API's reader trims.
    const text = table(25).replace('s20,', ' s3 ,');
    const refused = () => tableInParts(text, { rows: 10, bytes: API_LIMITS.bytes });
    expect(refused).toThrow(ExternalIdRepeated);
    expect(refused).toThrow(expect.objectContaining({ errors: [{ pointer: '/subjects/19/externalId', message: 'repeats line 4\'s externalId "s3" (line 21 of the CSV, column "external_id")' }] }));
    // By the id column the API reads (`Subject ID`), named as the header writes it; quoted ids, blank ones and blank lines as the API reads them.
    const aliased = 'Subject ID,image_url\n"a,1",https://e.org/1.jpg\n,https://e.org/2.jpg\n\n,https://e.org/3.jpg\nb,https://e.org/4.jpg\na,https://e.org/5.jpg\n"a,1",https://e.org/6.jpg\nb,https://e.org/7.jpg\n';
    expect(() => tableInParts(aliased, { rows: 2, bytes: API_LIMITS.bytes })).toThrow(
      expect.objectContaining({
        errors: [
          { pointer: '/subjects/5/externalId', message: 'repeats line 2\'s externalId "a,1" (line 8 of the CSV, column "Subject ID")' },
          { pointer: '/subjects/6/externalId', message: 'repeats line 6\'s externalId "b" (line 9 of the CSV, column "Subject ID")' },
        ],
      }),
    );
    // In the rest of a file an upload stopped in, a repeat of a row already added too.
    const { parts } = tableInParts(table(25), { rows: 10, bytes: API_LIMITS.bytes });
    expect(() => tableInParts(table(25).replace('s25,', 's3,'), { rows: 20, bytes: API_LIMITS.bytes }, parts[1]!.start)).toThrow(ExternalIdRepeated);
    // One part is one upload: the API refuses it itself, in these words.
    expect(tableInParts(text, { rows: 30, bytes: API_LIMITS.bytes }).parts).toHaveLength(1);
    // Without an id column, rows are not told apart by any.
    expect(tableInParts('image_url,title\nhttps://e.org/1.jpg,a\nhttps://e.org/1.jpg,a\n', { rows: 1, bytes: API_LIMITS.bytes }).parts).toHaveLength(2);
  });

  it('takes two ids the API folds into one (a direction mark after one, its letters composed otherwise) for one id across parts', () => {
    // s20's row gives s3's id with a right-to-left mark after it, s21's with a left-to-right one, and s22's "é" decomposed (e and U+0301).
    const text = table(25).replace('s1,', 'sé,').replace('s20,', 's3\u200f,').replace('s21,', 's3\u200e,').replace('s22,', 'se\u0301,');
    expect(() => tableInParts(text, { rows: 10, bytes: API_LIMITS.bytes })).toThrow(
      expect.objectContaining({
        errors: [
          { pointer: '/subjects/19/externalId', message: 'repeats line 4\'s externalId "s3" (line 21 of the CSV, column "external_id")' },
          { pointer: '/subjects/20/externalId', message: 'repeats line 4\'s externalId "s3" (line 22 of the CSV, column "external_id")' },
          { pointer: '/subjects/21/externalId', message: 'repeats line 2\'s externalId "sé" (line 23 of the CSV, column "external_id")' },
        ],
      }),
    );
  });

  it('refuses, before any part is sent, a row over the bytes one upload takes with the header, naming its line and the limit', () => {
    const header = 'external_id,text\n';
    const long = `s2,${'é'.repeat(50)}\n`;
    const text = `${header}s1,short\n${long}s3,short\n`;
    const limit = header.length + 100;
    const refused = () => tableInParts(text, { rows: 10, bytes: limit });
    expect(refused).toThrow(RowTooLarge);
    expect(refused).toThrow(expect.objectContaining({ line: 3, bytes: header.length + 104, limit }));
    // Just within the limit, it is a part.
    expect(tableInParts(text, { rows: 10, bytes: header.length + 104 }).parts.map((part) => part.firstLine)).toEqual([2, 3, 4]);
  });
});
