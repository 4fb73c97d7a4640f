import { MARKDOWN_LENGTH, projectStatusSchema } from '@chorus/client';
import { imageDescriptionSchema, languageTagSchema, projectImageUrlSchema, singleLine } from '@chorus/tasks';
import { z } from 'zod';
import { asciiSlug, unicodeSlug } from '../../common/slug';
import { pageLimitSchema, timeCursorSchema } from '../../common/zod';
import { searchSchema } from '../../common/search';

/** A project's id, which `/projects/:id` tells from a slug by this shape. */
export const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A slug's letters (lower-case, or of a script without case, with their marks) and digits, in any script. */
const SLUG = /^[\p{Ll}\p{Lm}\p{Lo}\p{M}\p{Nd}]+(?:-[\p{Ll}\p{Lm}\p{Lo}\p{M}\p{Nd}]+)*$/u;

/**
 * The scripts a slug may mix, as Unicode's "moderately restrictive" profile (UTS #39) has it: one script, or Latin with
 * one other that is not Cyrillic or Greek (Japanese: its three together), so that an address cannot pass for another by
 * mixing look-alike letters (a Cyrillic "а" in "pаleo").
 */
const ONE_SCRIPT = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Khmer', 'Mongolian', 'Ethiopic', 'Hangul', 'Han Hiragana Katakana']
  .map((scripts) => (['Latin', 'Cyrillic', 'Greek'].includes(scripts) ? scripts : `${scripts} Latin`))
  .map((scripts) => new RegExp(`^(?:[${scripts.split(' ').map((script) => `\\p{Script_Extensions=${script}}`).join('')}\\p{M}0-9]|-)+$`, 'u'));

/** Characters that show as nothing (joiners, variation selectors, fillers): two addresses that differ only by them look the same. */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;

// The checks after the first say nothing of a slug it refuses already.
const slugSchema = z
  .string()
  // One form of each letter ("é" one character, not "e" and an accent; a full-width "ｐ" a "p"), so that an address finds its project.
  .normalize('NFKC')
  .regex(SLUG, 'use lower-case letters (of any script: כתבי-יד, ต้นฉบับ), digits and single dashes')
  .refine((slug) => !SLUG.test(slug) || !INVISIBLE.test(slug), 'has a character that shows as nothing (a joiner, a variation selector, a filler); leave it out')
  .refine((slug) => !SLUG.test(slug) || ONE_SCRIPT.some((script) => script.test(slug)), 'mixes letters of scripts that could pass for another address (Cyrillic or Greek with Latin, or two scripts besides Latin); write it in one script, or Latin and one other')
  .min(2)
  .max(100)
  .refine((slug) => !UUID_SHAPED.test(slug), 'has the shape of a project id (a UUID), so /projects/<slug> would look for a project with that id; add a word to it');

export const createProjectSchema = z.strictObject({
  title: singleLine(z.string().trim().min(1).max(200)),
  slug: slugSchema.optional(),
  description: z.string().max(MARKDOWN_LENGTH).default(''),
  fieldGuide: z.string().max(200_000).default(''),
  language: languageTagSchema.default('en'),
  // A project is paused or finished only after being live (`PATCH` then), since either makes it public.
  status: z.enum(['draft', 'live'], 'must be draft or live: a project is paused or finished only after it has been live').default('draft'),
});
export type CreateProjectInput = z.infer<typeof createProjectSchema>;

export const updateProjectSchema = z.strictObject({
  title: singleLine(z.string().trim().min(1).max(200)).optional(),
  /** A new address; the old one still leads to the project until another project takes it. */
  slug: slugSchema.optional(),
  description: z.string().max(MARKDOWN_LENGTH).optional(),
  fieldGuide: z.string().max(200_000).optional(),
  language: languageTagSchema.optional(),
  status: projectStatusSchema.optional(),
  /** Its image (https), shown on its cards and its page; null takes it away, with its description. */
  imageUrl: projectImageUrlSchema.nullable().optional(),
  /** What its image shows, for those who cannot see it: needed while it has one. */
  imageAlt: imageDescriptionSchema.nullable().optional(),
  /** Publish its retired subjects' results to volunteers and the public (`GET /workflows/:id/subjects/:subjectId/result`). */
  resultsPublic: z.boolean().optional(),
});
export type UpdateProjectInput = z.infer<typeof updateProjectSchema>;

/** An operator's take-down of a project, or removal of its image: why, in words its members will read. */
export const takeDownSchema = z.strictObject({
  reason: z.string().trim().min(1, 'say why, in words the project\'s members will read').max(1000),
});
export type TakeDownInput = z.infer<typeof takeDownSchema>;

/**
 * The query of `GET /projects`: `member=true` lists only the caller's projects (in any status, with their role);
 * `limit` projects a page (500, as before pages, when left out), those made `before` the cursor (the `next` of the page
 * before); `search`: those with each of its words in their title or slug, whatever their case and accents; `language`:
 * those written in that language (a tag, or its start: `fr` is `fr` and `fr-CA`); `status`: those in that status (the
 * list holding only live and finished projects for those who are not members, `paused` and `draft` find the caller's own).
 */
const projectListFields = z.strictObject({
  member: z.enum(['true', 'false'], 'must be true (only the projects you are a member of) or false').optional(),
  limit: pageLimitSchema(500, 500),
  before: timeCursorSchema,
  search: searchSchema('the title', 'search out').optional(),
  language: languageTagSchema.optional(),
  status: z.enum(projectStatusSchema.options, 'must be live or finished (or paused or draft, which find only the projects you are a member of), or left out for all').optional(),
});
/** Each parameter of `GET /projects`, for its documentation. */
export const projectListParameters = projectListFields.shape;
export const projectListQuerySchema = projectListFields.transform(({ member, ...page }) => ({ memberOnly: member === 'true', ...page }));
export type ProjectListQuery = z.infer<typeof projectListQuerySchema>;

/** A letter or digit of another script than the Latin (whose accents a slug drops) and ASCII digits. */
const BEYOND_LATIN = /\p{L}(?<!\p{Script=Latin})/u;

/**
 * A slug the slug rule accepts, from a title: a Latin title's letters without their accents ("Écrits" is "ecrits"; "Ø",
 * "æ", "ß" spelt "o", "ae", "ss": `asciiSlug`),
 * readable in any address; a title with letters of other scripts keeps them all ("כתבי יד" is "כתבי-יד", percent-encoded
 * in addresses and shown in its letters by browsers); "project" when nothing is left.
 */
export function slugify(title: string): string {
  const readable = BEYOND_LATIN.test(title) ? unicodeSlug(title.toLowerCase(), 80) : '';
  // A title whose letters the rule would refuse in a slug (two scripts, a ½) gets the Latin letters it has.
  const slug = slugSchema.safeParse(readable).success ? readable : asciiSlug(title, 80);
  if (slug.length >= 2 && !UUID_SHAPED.test(slug)) return slug;
  return slug ? `project-${slug}` : 'project';
}
