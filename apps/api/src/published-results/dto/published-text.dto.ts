import { z } from 'zod';
import { enumOf, pageCursorSchema, pageLimitSchema } from '../../common/zod';
import { downloadTokenSchema } from '../../exports/dto/download.dto';

/** The forms of a set's published text: a page of pages as JSON, or the whole document as plain text. */
export const PUBLISHED_TEXT_FORMATS = ['json', 'text'] as const;

/**
 * Where a page of a set's published text starts (the `next` of the page before): after the subject at this page
 * number, at this position in the set, of this id.
 */
const PAGE_CURSOR = /^(\d{1,9})_(-?\d{1,19})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Where a page of a set's published text starts, read from its cursor. */
export interface PublishedTextAfter {
  page: number;
  /** The set member's position, a bigint as text. */
  position: string;
  subjectId: string;
}

/** The `next` of a page of a set's published text that ends with this subject. */
export const publishedTextCursor = ({ page, position, subjectId }: PublishedTextAfter) => `${page}_${position}_${subjectId}`;

/** The query of `GET /subject-sets/:id/published-text`. */
export const publishedTextQuerySchema = z.strictObject({
  workflowId: z.uuid('must be the id (a UUID) of a workflow, not in draft, that serves the set: the workflow whose published results to read'),
  projectId: z.uuid('must be the id (a UUID) of the project the set is in').optional(),
  format: enumOf(PUBLISHED_TEXT_FORMATS, 'must be json (a page of pages, the default) or text (the whole document, plain text)').default('json'),
  limit: pageLimitSchema(100, 25),
  after: pageCursorSchema(PAGE_CURSOR, ([page, position, subjectId]): PublishedTextAfter => ({ page: Number(page), position: position!, subjectId: subjectId! })),
  /** A download link's (`POST /subject-sets/:id/published-text/download-links`), in place of an Authorization header. */
  token: downloadTokenSchema,
});

/** What a link to a set's published text opens: the set as this workflow gives it. */
export const publishedTextLinkSchema = z.strictObject({ workflowId: publishedTextQuerySchema.shape.workflowId });
export type PublishedTextLinkRequest = z.infer<typeof publishedTextLinkSchema>;
export type PublishedTextQuery = z.infer<typeof publishedTextQuerySchema>;
