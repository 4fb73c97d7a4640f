import { type Language, spokenLanguage } from '@chorus/client';

/**
 * The language of an Accept-Language header (`fr-CH, fr;q=0.9, en;q=0.8`) that Chorus speaks and is wanted most (by
 * its `q`, the order given among equals); undefined for none, or no header. A language with `q=0` (`Q=0`) is not wanted.
 */
export function acceptedLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const wanted = header.split(',').map((part) => {
    const [tag = '', ...params] = part.split(';');
    const q = params.map((param) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(param)?.[1]).find((value) => value !== undefined);
    return { tag: tag.trim(), q: q === undefined ? 1 : Number(q) };
  });
  const ranked = wanted.filter(({ q }) => q > 0).sort((a, b) => b.q - a.q);
  return spokenLanguage(ranked.map(({ tag }) => tag));
}
