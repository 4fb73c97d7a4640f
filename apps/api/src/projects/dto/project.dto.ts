import { z } from 'zod';

const slugSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and single dashes').min(2).max(100);

export const createProjectSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  slug: slugSchema.optional(),
  description: z.string().max(20_000).default(''),
  fieldGuide: z.string().max(200_000).default(''),
  status: z.enum(['draft', 'live', 'paused', 'finished']).default('draft'),
});
export type CreateProjectInput = z.infer<typeof createProjectSchema>;

export const updateProjectSchema = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(20_000).optional(),
  fieldGuide: z.string().max(200_000).optional(),
  status: z.enum(['draft', 'live', 'paused', 'finished']).optional(),
});
export type UpdateProjectInput = z.infer<typeof updateProjectSchema>;

export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return slug.length >= 2 ? slug : `project-${slug}`;
}
