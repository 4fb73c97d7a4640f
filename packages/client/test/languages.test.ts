import { firstOf, spokenLanguage } from '../src/languages';

describe('the language Chorus speaks, of tags the most wanted first', () => {
  it('is named by a whole tag first, else by its base, whatever the case', () => {
    const catalogues = ['en', 'pt', 'pt-BR'] as const;
    expect(firstOf(['pt-br'], catalogues)).toBe('pt-BR');
    expect(firstOf(['pt-PT', 'en'], catalogues)).toBe('pt');
    expect(firstOf(['de', ' EN-gb '], catalogues)).toBe('en');
    expect(firstOf(['de', '*'], catalogues)).toBeUndefined();
    expect(spokenLanguage(['fr-CA', 'en'])).toBe('fr');
  });
});
