/** How many volunteers marked the subject (a column or parameter) a favourite, in whichever workflow: for its researchers. */
export const favouriteCountSql = (subject: string) => `(SELECT count(*)::int FROM favourites f WHERE f.subject_id = ${subject})`;

/** Whether the volunteer marked the subject a favourite (both columns or parameters). */
export const isFavouriteSql = (user: string, subject: string) => `EXISTS (SELECT 1 FROM favourites f WHERE f.user_id = ${user} AND f.subject_id = ${subject})`;
