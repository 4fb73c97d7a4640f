/**
 * Characters that do not change which word a volunteer typed, whatever the script: those that show nothing (Unicode's
 * default-ignorable code points: direction marks and overrides such as RLM, LRM and ALM, the byte order mark, soft
 * hyphens, zero-width spaces, variation selectors…) and the Arabic tatweel `ـ`, which only stretches a letter (`كـتب` is
 * `كتب`). The zero-width non-joiner and joiner are not among them: they are spelling (Persian `می‌خواهم`, `کتاب‌خانه`;
 * emoji sequences such as 👨‍👩‍👧).
 */
const MEANINGLESS = /(?![\u200c\u200d])[\p{Default_Ignorable_Code_Point}\u0640]/gu;

/**
 * A zero-width joiner or non-joiner that joins nothing: at either end, or beside a space or an ASCII character (where
 * no script joins letters). It shows nothing there, and would let `\u200dspam` pass for a hidden `spam`.
 */
const STRAY_JOINER = /(?<![^\s\p{ASCII}])[\u200c\u200d]|[\u200c\u200d](?![^\s\p{ASCII}])/gu;

/**
 * Arabic presentation forms (the shapes of letters by their place in a word, and ligatures of letters), which old PDFs
 * and some keyboards give for the letters themselves. Only these are read in their compatibility form (NFKC) for
 * comparison: applied to all text, NFKC would also fold what a transcription may mean to keep (the long s `ſ`,
 * superscripts, ligatures such as `ﬁ`).
 */
const ARABIC_PRESENTATION_FORM = /[\uFB50-\uFDFF\uFE70-\uFEFC]/gu;

/** A presentation form as its letters, unless they hold a space (the isolated vowel marks, phrase ligatures such as `ﷺ`). */
const asLetters = (form: string) => {
  const letters = form.normalize('NFKC');
  return /\s/u.test(letters) ? form : letters;
};

/**
 * What is not content however a text is shown: the direction marks (LRM, RLM, ALM), embeddings, overrides and isolates,
 * which only say in which direction to show text around them, and the byte order mark. All are among `MEANINGLESS`.
 */
const NOT_CONTENT = /[\p{Bidi_Control}\uFEFF]/gu;

/**
 * Volunteers' text as a consensus writes it: as typed, but without what is not content (`NOT_CONTENT`) and with Arabic
 * presentation forms as their letters. Zero-width spaces (a word-break hint in Thai), variation selectors (an emoji's
 * or a CJK variant's), soft hyphens and tatweels stay: they change how a word is shown, not which word it is.
 */
export const writtenText = (text: string) => text.replace(ARABIC_PRESENTATION_FORM, asLetters).replace(NOT_CONTENT, '');

/**
 * Volunteers' text as it is compared: without the characters that do not change a word (`MEANINGLESS`), Arabic
 * presentation forms read as their letters (`ﻛﺘﺐ` is `كتب`). The one rule of what two spellings of a word have in common,
 * for tags (`tidyTag`) and transcriptions (their consensus and known answers); what volunteers typed is stored as typed,
 * and a transcription's consensus writes a spelling they typed (`writtenText`).
 */
export const comparableText = (text: string) => writtenText(text).replace(MEANINGLESS, '').replace(STRAY_JOINER, '');
