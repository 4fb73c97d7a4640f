import { mentionsOf } from '../src';

describe('@mentions', () => {
  it('takes each name once, as written, ending it at a full stop or a comma that ends the sentence', () => {
    expect(mentionsOf('@Grace, see @ada.l and @jean-paul. Thanks @Grace! @team?')).toEqual(['Grace', 'ada.l', 'jean-paul', 'team']);
  });

  it('finds none in an email address, a word, or a lone @', () => {
    expect(mentionsOf('write to ada@example.org, or x@y; @ alone, @@twice, @.dot')).toEqual([]);
  });

  it('takes names in scripts with combining marks whole', () => {
    expect(mentionsOf('@हिन्दी @Zoë')).toEqual(['हिन्दी', 'Zoë']);
  });
});
