import { COMMENT_LIMITS } from './views';

/** A tag's characters: letters, digits and `_`, then also combining marks (Devanagari's and Thai's vowels, Arabic's vowel marks, the dot `İ` keeps in lower case). */
const TAG = '[\\p{L}\\p{N}_][\\p{L}\\p{M}\\p{N}_]*';

/**
 * A #hashtag in a comment: `#` then a tag, not inside a word or an address (`page#top`, `&#39;`), so that a Markdown
 * heading (`# Title`) or a link's anchor is none.
 */
const HASHTAG = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}_&/#])#(${TAG})`, 'gu');

/** A hashtag as comments store it: lower case, without the #, at most `COMMENT_LIMITS.hashtagLength` characters (code points, as `.` counts them here). */
export const STORED_HASHTAG = new RegExp(`^(?=.{1,${COMMENT_LIMITS.hashtagLength}}$)${TAG}$`, 'u');

/** A tag as someone typed it (with or without its #, in any case), as comments store it. */
export const normaliseHashtag = (tag: string) => tag.trim().replace(/^#/, '').toLowerCase();

/** The parts of a comment's text in order: plain text, and each #hashtag with the tag it stores (`tag`). */
export function hashtagParts(text: string): { text: string; tag?: string }[] {
  const parts: { text: string; tag?: string }[] = [];
  let at = 0;
  for (const match of text.matchAll(HASHTAG)) {
    const tag = match[1]!.toLowerCase();
    if ([...tag].length > COMMENT_LIMITS.hashtagLength) continue;
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    parts.push({ text: match[0], tag });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** The hashtags of a comment's body, lower case and without the #, each once, in the order they first appear. */
export function hashtagsOf(body: string): string[] {
  return [...new Set(hashtagParts(body).flatMap(({ tag }) => (tag ? [tag] : [])))];
}
