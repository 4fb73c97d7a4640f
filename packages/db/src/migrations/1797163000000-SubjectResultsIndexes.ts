import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A workflow's retired subjects in id order, and those it still serves (its results, `status=retired` or `active`):
  // when few are, a walk of the primary key read most hot rows to find a page of them (early in a large workflow, few
  // are retired; late, few are left). Only a retirement or an unretirement changes `retired_at`, never a submit, whose
  // update may stay HOT.
  ['subject_workflow_status_retired_idx', 'subject_workflow_status', '("workflow_id", "subject_id") WHERE retired_at IS NOT NULL'],
  ['subject_workflow_status_active_idx', 'subject_workflow_status', '("workflow_id", "subject_id") WHERE retired_at IS NULL'],
  // The subjects whose externalId starts with what a researcher typed (its results, `q=`): the unique index serves
  // `LIKE 'abc%'` only in a database of the C collation, and a project's million subjects were read one by one.
  ['subjects_external_id_prefix_idx', 'subjects', '("project_id", "external_id" varchar_pattern_ops) WHERE external_id IS NOT NULL'],
];

/**
 * The indexes that keep a workflow's results, subject by subject, a page's work on a large workflow. Built
 * concurrently, so that the workflow keeps taking classifications while they build.
 */
export class SubjectResultsIndexes1797163000000 implements MigrationInterface {
  name = 'SubjectResultsIndexes1797163000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
