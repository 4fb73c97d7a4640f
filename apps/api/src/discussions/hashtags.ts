import { COMMENT_LIMITS } from '@chorus/client';

/**
 * A #hashtag in a comment: `#` then letters, digits and `_`, not inside a word or an address (`page#top`, `&#39;`), so
 * that a Markdown heading (`# Title`) or a link's anchor is none.
 */
const HASHTAG = /(?<![\p{L}\p{N}_&/#])#([\p{L}\p{N}_]+)/gu;

/** The hashtags of a comment's body, lower case and without the #, each once, in the order they first appear. */
export function hashtagsOf(body: string): string[] {
  const tags = [...body.matchAll(HASHTAG)].map((match) => match[1]!.toLowerCase()).filter((tag) => tag.length <= COMMENT_LIMITS.hashtagLength);
  return [...new Set(tags)];
}
