import { parse } from 'csv-parse/sync';

/** A CSV download's header and rows, each a list of cells (quoted cells, with their commas and line breaks, whole). */
export function csvTable(text: string): { header: string[]; rows: string[][] } {
  const [header = [], ...rows] = parse(text, { bom: true }) as string[][];
  return { header, rows };
}
