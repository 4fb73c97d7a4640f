import { isLanguageTag, textDirection } from '@chorus/tasks';
import { createContext, useContext } from 'react';

/**
 * What marks text as written in a task's `language`: `lang` (for screen readers and fonts) and that language's
 * direction, so that a Hebrew line starts at the right before a letter is typed; without one, each text takes the
 * direction of its own first letters.
 */
export const languageAttributes = (language: string | undefined): { lang?: string; dir: 'ltr' | 'rtl' | 'auto' } =>
  language ? { lang: language, dir: textDirection(language) } : { dir: 'auto' };

/** A language tag a catalogue's metadata may give: of a language's code (`he`, `ar`, `sr-Latn`), not its name (`English`). */
const LANGUAGE_CODE = /^[a-z]{2,3}(-|$)/i;

/**
 * The language of a subject's text and of what volunteers type about it: the subject's own, when its metadata's
 * `language` is a language tag (a collection of letters in several languages), else its task's, if it gives one.
 */
export function languageOf(task: { language?: string } | undefined, subject: { metadata: Record<string, unknown> }): string | undefined {
  const own = subject.metadata.language;
  const tag = typeof own === 'string' ? own.trim() : '';
  return LANGUAGE_CODE.test(tag) && isLanguageTag(tag) ? tag : task?.language;
}

/**
 * The language a project's researchers write in (its `language`), for the pages that show their words: a project's
 * title and description, its workflows' names, questions, answers, help and tutorial, its field guide, the subjects'
 * metadata shown. Given by the page that has the project; none, and each text takes the direction of its first letters.
 */
export const ResearchersLanguage = createContext<string | undefined>(undefined);

/**
 * `lang` and `dir` for the researchers' words in their project's `language`, so that a screen reader reads an English
 * project's question with an English voice in the French interface: right to left when that language is written so
 * (an Arabic project's), else in the direction of each text's own letters (a project left in English, the default,
 * whose questions are in Hebrew keeps them right to left).
 */
export const researchersWords = (language: string | undefined): { lang?: string; dir: 'rtl' | 'auto' } =>
  language ? { lang: language, dir: textDirection(language) === 'rtl' ? 'rtl' : 'auto' } : { dir: 'auto' };

/** The language of the page's project (`ResearchersLanguage`): its documents' too, so how numbers are typed in its forms. */
export const useResearchersLanguage = () => useContext(ResearchersLanguage);

/** `researchersWords` for the project of the page (`ResearchersLanguage`). */
export const useResearchersWords = () => researchersWords(useResearchersLanguage());
