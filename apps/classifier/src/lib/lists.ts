/** "a, b and c" in `language`. */
export function listIn(language: string, items: readonly string[]): string {
  return new Intl.ListFormat(language, { type: 'conjunction' }).format(items);
}

/** Workflows' names, each quoted, as a list in `language`: "“Sort” and “Read”". */
export function workflowNamesIn(language: string, names: readonly string[]): string {
  return listIn(language, names.map((name) => `“${name}”`));
}
