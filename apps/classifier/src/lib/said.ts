import type { TFunction } from 'i18next';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * How to say something in the interface's language (a notice, a problem, a field's error): a function of the
 * catalogue's `t`, kept in state instead of its words, and said again at every render, so that switching the language
 * says it in the new one.
 */
export type Saying<T> = (t: TFunction) => T;

/**
 * State said in the interface's language: set with how to say it (or null), read as said in the language now; the
 * saying itself third, to tell one message from another whatever the language.
 */
export function useSaid<T>(initial: Saying<T> | null = null): [T | null, (saying: Saying<T> | null) => void, Saying<T> | null] {
  const { t } = useTranslation();
  const [saying, setSaying] = useState<Saying<T> | null>(() => initial);
  const say = useCallback((next: Saying<T> | null) => setSaying(() => next), []);
  // Said again only when the saying or the language changes: a problem said anew at every render would be a new
  // object each time, and an alert that takes focus when its problem changes would take it at every render.
  const said = useMemo(() => (saying ? saying(t) : null), [saying, t]);
  return [said, say, saying];
}
