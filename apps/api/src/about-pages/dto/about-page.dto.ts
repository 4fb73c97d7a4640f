import { ABOUT_PAGE_KINDS, MARKDOWN_LENGTH, type AboutPageKind } from '@chorus/client';
import type { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { ProblemException } from '../../common/problem';

/** An About page as its administrators write it: Markdown; empty (or only spaces) removes the page. */
export const aboutPageInputSchema = z.strictObject({
  content: z.string('write the page in Markdown, or send "" to remove it').max(MARKDOWN_LENGTH),
});
export type AboutPageInput = z.infer<typeof aboutPageInputSchema>;

const KINDS = ABOUT_PAGE_KINDS.join(', ');

/** The `:kind` of an About page's route: one of `ABOUT_PAGE_KINDS`, else no such page (404 naming them). */
export class AboutPageKindPipe implements PipeTransform<unknown, AboutPageKind> {
  transform(kind: unknown): AboutPageKind {
    if ((ABOUT_PAGE_KINDS as readonly unknown[]).includes(kind)) return kind as AboutPageKind;
    throw new ProblemException(404, `A project has no About page "${String(kind)}": its pages are ${KINDS}.`, [{ pointer: '/params/kind', message: `must be one of ${KINDS}` }]);
  }
}
