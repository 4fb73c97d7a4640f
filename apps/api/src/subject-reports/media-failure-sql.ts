/**
 * Whether a later failure of the same volunteer, subject and location (`later`, a row of `media_failures`) takes the
 * place of the one stored (`stored`): its address is another, or researchers corrected the subject's addresses since
 * the stored one, which then no longer counts. Never null (a subject never corrected has no correction time), so it may
 * be negated.
 */
export const replacesFailure = (stored: string, later: string) =>
  `(${stored}.url <> ${later}.url OR ${stored}.created_at <= coalesce((SELECT max(c.changed_at) FROM subject_location_changes c WHERE c.subject_id = ${later}.subject_id), '-infinity'))`;
