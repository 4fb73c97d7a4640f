/**
 * `expression` (text) in natural order: the numbers within it compared as numbers ("page-2" before "page-10"), under
 * the `natural_order` collation its migration creates. An `ORDER BY` or a keyset cursor's `>` of a project's
 * externalIds in it reads `subjects_external_id_natural_idx`.
 */
export const inNaturalOrder = (expression: string) => `(${expression}) COLLATE "natural_order"`;
