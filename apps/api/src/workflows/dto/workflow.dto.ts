import { KEPT_WHEN_LEFT_OUT, type WorkflowDefinition, explainKept, keptFields, noRepeats, subjectSetIdSchema, validateWorkflowDefinition, withCurrentValues, workflowDefinitionSchema } from '@chorus/tasks';
import { z } from 'zod';
import { unwrap } from '../../common/zod';

/** A workflow's version number: from 1, and no more than its Postgres `integer` column holds. */
export const versionNumberSchema = z.int('must be a whole number').min(1, 'versions start at 1').max(2_147_483_647, 'is beyond any version');

export const subjectSetIdsSchema = z
  .array(subjectSetIdSchema())
  .max(100)
  .superRefine((ids, ctx) => noRepeats(ids, ctx, (id) => id, (earlier) => `repeats subjectSetIds/${earlier}; name each set once`));

/** For OpenAPI: the definition and the ids of the subject sets it serves. */
export const workflowBodySchema = workflowDefinitionSchema.extend({ subjectSetIds: subjectSetIdsSchema.optional() });

/** For OpenAPI: an update's body, whose fields with a default on creation have none (left out, they keep their values). */
export const workflowUpdateBodySchema = workflowBodySchema.extend(
  Object.fromEntries(KEPT_WHEN_LEFT_OUT.map((field) => [field, (workflowDefinitionSchema.shape[field] as z.ZodDefault<z.ZodType>).unwrap().optional()])),
);

/**
 * `If-Match` on a workflow's `PUT`: its `ETag` as the edit was made from it, or a list of them, or `*`, so that an
 * edit made from what is no longer current is refused (412) rather than silently replacing another researcher's.
 * Compared strongly, as RFC 9110 says: a weak tag (`W/"…"`) never matches.
 */
export const ifMatchSchema = z
  .string()
  .max(1000)
  .transform((header) => header.split(',').map((tag) => tag.trim()).filter(Boolean))
  .refine((tags) => tags.length > 0, 'must be the ETag of the workflow as read (GET /workflows/:id gives it), quotes included')
  .optional();

/** `POST /workflows/:id/copies`: where the copy goes, its name, the version copied and whether it serves the source's sets. */
export const workflowCopyBodySchema = z
  .strictObject({
  projectId: z.uuid('must be the id (a UUID) of a project you are a researcher of').optional().meta({ description: 'The project the copy goes in; the source’s when left out' }),
  name: workflowDefinitionSchema.shape.name.optional().meta({ description: 'The copy’s name; the source version’s when left out (a name is data: the lab sends “Copy of …” in its reader’s language)' }),
  version: versionNumberSchema.optional().meta({ description: 'The version copied; the current one when left out' }),
  linkSubjectSets: z.boolean('must be true or false').optional().meta({ description: 'In the same project: whether the copy serves the source’s subject sets (true when left out). A copy in another project serves none (true is refused)' }),
  })
  .default({});
export type WorkflowCopyBody = z.infer<typeof workflowCopyBodySchema>;

export interface WorkflowInput {
  definition: WorkflowDefinition;
  subjectSetIds?: string[];
}

/**
 * Validates a workflow body: the definition (schema and graph checks) and the subject set ids, each error by pointer.
 * An update's body is read with the `current` definition's values in the fields it leaves out that have a default on
 * creation (`withCurrentValues`), as its left-out `subjectSetIds` keep the linked sets; an error in such a kept field
 * says it was kept, since the client never sent it (`explainKept`).
 */
export function parseWorkflowBody(body: unknown, current?: WorkflowDefinition): WorkflowInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return unwrap({ ok: false, errors: [{ pointer: '', message: 'must be a JSON object with the workflow definition' }] });
  }
  const { subjectSetIds, ...definition } = body as Record<string, unknown>;
  const ids = subjectSetIds === undefined ? undefined : subjectSetIdsSchema.safeParse(subjectSetIds);
  const validated = validateWorkflowDefinition(current ? withCurrentValues(definition, current) : definition);
  const kept = current ? keptFields(definition) : [];
  const errors = [
    ...(validated.ok ? [] : explainKept(validated.errors, kept)),
    ...(ids && !ids.success ? ids.error.issues.map((issue) => ({ pointer: `/subjectSetIds${issue.path.map((p) => `/${String(p)}`).join('')}`, message: issue.message })) : []),
  ];
  if (errors.length || !validated.ok) return unwrap({ ok: false, errors });
  return { definition: validated.value, subjectSetIds: ids?.data };
}
