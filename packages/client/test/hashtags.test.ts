import { COMMENT_LIMITS, STORED_HASHTAG, hashtagsOf, normaliseHashtag } from '../src';

describe('hashtags', () => {
  it('takes a tag whole in scripts with combining marks, and stores what the filter then accepts', () => {
    const body = '#İstanbul #हिन्दी #ภาษาไทย #عَرَبِيّ #Stamp';
    const tags = hashtagsOf(body);
    expect(tags).toEqual(['i̇stanbul', 'हिन्दी', 'ภาษาไทย', 'عَرَبِيّ', 'stamp']);
    for (const tag of tags) expect(STORED_HASHTAG.test(normaliseHashtag(`#${tag}`))).toBe(true);
  });

  it('needs a letter, digit or _ first, and none inside a word', () => {
    expect(hashtagsOf('# Title, page#top, &#39;, #\u0301x, हि#tag')).toEqual([]);
    expect(STORED_HASHTAG.test('\u0301x')).toBe(false);
  });

  it('counts a tag’s length in characters, not UTF-16 units', () => {
    const astral = '𝒳'.repeat(COMMENT_LIMITS.hashtagLength);
    expect(hashtagsOf(`#${astral}`)).toEqual([astral]);
    expect(STORED_HASHTAG.test(astral)).toBe(true);
    expect(hashtagsOf(`#${astral}x`)).toEqual([]);
    expect(STORED_HASHTAG.test(`${astral}x`)).toBe(false);
  });
});
