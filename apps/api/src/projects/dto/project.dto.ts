import { projectStatusSchema } from '@chorus/client';
import { singleLine } from '@chorus/tasks';
import { z } from 'zod';
import { asciiSlug, unicodeSlug } from '../../common/slug';

/** A project's id, which `/projects/:id` tells from a slug by this shape. */
export const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A slug's letters (lower-case, or of a script without case, with their marks) and digits, in any script. */
const SLUG = /^[\p{Ll}\p{Lm}\p{Lo}\p{M}\p{Nd}]+(?:-[\p{Ll}\p{Lm}\p{Lo}\p{M}\p{Nd}]+)*$/u;

const slugSchema = z
  .string()
  // One form of each letter ("é" one character, not "e" and an accent), so that an address finds its project.
  .normalize('NFC')
  .regex(SLUG, 'use lower-case letters (of any script: כתבי-יד, ต้นฉบับ), digits and single dashes')
  .min(2)
  .max(100)
  .refine((slug) => !UUID_SHAPED.test(slug), 'has the shape of a project id (a UUID), so /projects/<slug> would look for a project with that id; add a word to it');

export const createProjectSchema = z.strictObject({
  title: singleLine(z.string().trim().min(1).max(200)),
  slug: slugSchema.optional(),
  description: z.string().max(20_000).default(''),
  fieldGuide: z.string().max(200_000).default(''),
  // A project is paused or finished only after being live (`PATCH` then), since either makes it public.
  status: z.enum(['draft', 'live'], 'must be draft or live: a project is paused or finished only after it has been live').default('draft'),
});
export type CreateProjectInput = z.infer<typeof createProjectSchema>;

export const updateProjectSchema = z.strictObject({
  title: singleLine(z.string().trim().min(1).max(200)).optional(),
  /** A new address; the old one still leads to the project until another project takes it. */
  slug: slugSchema.optional(),
  description: z.string().max(20_000).optional(),
  fieldGuide: z.string().max(200_000).optional(),
  status: projectStatusSchema.optional(),
});
export type UpdateProjectInput = z.infer<typeof updateProjectSchema>;

/** An operator's take-down of a project: why, in words its members will read. */
export const takeDownSchema = z.strictObject({
  reason: z.string().trim().min(1, 'say why, in words the project\'s members will read').max(1000),
});
export type TakeDownInput = z.infer<typeof takeDownSchema>;

/** The query of `GET /projects`: `member=true` lists only the caller's projects (in any status, with their role). */
export const projectListQuerySchema = z
  .strictObject({ member: z.enum(['true', 'false'], 'must be true (only the projects you are a member of) or false').optional() })
  .transform(({ member }) => ({ memberOnly: member === 'true' }));
export type ProjectListQuery = z.infer<typeof projectListQuerySchema>;

/** A letter or digit of another script than the Latin (whose accents a slug drops) and ASCII digits. */
const BEYOND_LATIN = /[\p{L}\p{N}](?<!\p{Script=Latin}|[0-9])/u;

/**
 * A slug the slug rule accepts, from a title: a Latin title's letters without their accents ("Écrits" is "ecrits"),
 * readable in any address; a title with letters of other scripts keeps them all ("כתבי יד" is "כתבי-יד", percent-encoded
 * in addresses and shown in its letters by browsers); "project" when nothing is left.
 */
export function slugify(title: string): string {
  const slug = BEYOND_LATIN.test(title) ? unicodeSlug(title.toLowerCase(), 80) : asciiSlug(title, 80);
  if (slug.length >= 2 && !UUID_SHAPED.test(slug)) return slug;
  return slug ? `project-${slug}` : 'project';
}
