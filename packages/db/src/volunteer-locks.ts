/**
 * The advisory lock (its two keys) named `name` on volunteer `user` in project `project` (SQL expressions): one scheme
 * for every rule a project keeps about one of its volunteers that a request of theirs must read as it commits (an
 * exclusion from consensus, a comment ban). The rule's change holds it exclusively, the volunteer's request shared.
 */
export const volunteerLockSql = (name: string, project: string, user: string) => `hashtext('${name}'), hashtext(${project}::text || '/' || ${user}::text)`;
