import { languageName } from '../src/lib/languageName';

describe('the name of a language tag', () => {
  afterEach(() => jest.restoreAllMocks());

  it('names the language, script and region of a tag, in the interface’s language', () => {
    expect(languageName('fr-CA', 'en')).toBe('Canadian French');
    expect(languageName('de', 'fr')).toBe('allemand');
  });

  it('names a tag with an extension or a private use by its language', () => {
    expect(languageName('en-u-ca-gregory', 'en')).toBe('English');
    expect(languageName('de-x-foo', 'en')).toBe('German');
  });

  it('is the tag itself where the browser cannot name it', () => {
    jest.spyOn(Intl.DisplayNames.prototype, 'of').mockImplementation(() => {
      throw new RangeError('invalid_argument');
    });
    expect(languageName('de-x-foo', 'en')).toBe('de-x-foo');
  });
});
