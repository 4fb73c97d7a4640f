/**
 * The id of user `u`'s public profile (`GET /volunteers/:id`), given where their name is shown (a comment's author, a
 * collection's owner): null while they show none (`publicProfile` off, a deleted account, a guest).
 */
export const profileIdSql = (u: string) => `CASE WHEN ${u}.kind = 'registered' AND ${u}.public_profile THEN ${u}.id END`;
