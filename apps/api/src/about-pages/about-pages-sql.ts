import { ABOUT_PAGE_KINDS, type AboutPageKind } from '@chorus/client';
import type { DataSource } from 'typeorm';

/** A project's About pages with content, in `ABOUT_PAGE_KINDS` order: the `columns` of each. */
export function aboutPageRows<Row>(db: DataSource, projectId: string, columns: string): Promise<Row[]> {
  return db.query<Row[]>(`SELECT ${columns} FROM project_about_pages WHERE project_id = $1 ORDER BY array_position($2::text[], kind::text)`, [projectId, ABOUT_PAGE_KINDS]);
}

/** Which of a project's About pages have content (its view's `aboutPages`), in their order, without reading them. */
export async function aboutPageKinds(db: DataSource, projectId: string): Promise<AboutPageKind[]> {
  return (await aboutPageRows<{ kind: AboutPageKind }>(db, projectId, 'kind')).map((row) => row.kind);
}
