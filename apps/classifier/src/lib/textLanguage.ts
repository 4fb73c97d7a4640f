import { textDirection } from '@chorus/tasks';

/**
 * What marks text as written in a task's `language`: `lang` (for screen readers and fonts) and that language's
 * direction, so that a Hebrew line starts at the right before a letter is typed; without one, each text takes the
 * direction of its own first letters.
 */
export const languageAttributes = (language: string | undefined): { lang?: string; dir: 'ltr' | 'rtl' | 'auto' } =>
  language ? { lang: language, dir: textDirection(language) } : { dir: 'auto' };
