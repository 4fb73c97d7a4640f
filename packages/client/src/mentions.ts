/** What `@team` calls: the project's team (its researchers and moderators), whoever may have that display name. */
export const TEAM_MENTION = 'team';

/**
 * An @mention in a comment: `@` then a name of letters (with their marks), digits and `_`, runs of which `.` or `-`
 * may join (`@ada.l`, `@jean-paul`; a full stop after it ends the sentence, not the name), not inside a word or an
 * address (`ada@example.org`). A display name with a space in it cannot be mentioned.
 */
const MENTION = /(?<![\p{L}\p{M}\p{N}_@.-])@([\p{L}\p{N}_][\p{L}\p{M}\p{N}_]*(?:[.-][\p{L}\p{M}\p{N}_]+)*)/gu;

/** The names a comment's body mentions, as written (a display name is matched exactly), each once, in order. */
export function mentionsOf(body: string): string[] {
  return [...new Set([...body.matchAll(MENTION)].map((match) => match[1]!))];
}
