import { tidyExternalId } from '@chorus/tasks';
import type { EntityManager } from 'typeorm';
import { likeLiteralSql } from '../common/sql';

/**
 * What names a corpus's passages: its file's name, without folders or extension (`letters-1890.txt`: `letters-1890`),
 * when the upload gives it (`fileName`), else the set's name.
 */
export function corpusName(fileName: string | undefined, setName: string): string {
  const file = fileName?.split(/[\\/]/).pop()?.replace(/\.[^.]*$/, '').trim();
  return file || setName;
}

/**
 * A text corpus's passage as Chorus names it (its externalId): its corpus's name (`corpusName`) and its number in the
 * corpus, `Letters#3`. Kept when the passage moves in a corpus sent again: an externalId never changes, and downloads
 * and retirements name it.
 */
export const passageName = (corpus: string, passage: number) => tidyExternalId(`${corpus}#${passage}`);

/** `name`, or, when it is `taken` (another passage had that number in another corpus), the first of `name (2)`, `name (3)`… that is not. */
export function freeName(name: string, taken: ReadonlySet<string>): string {
  let free = name;
  for (let copy = 2; taken.has(free); copy++) free = `${name} (${copy})`;
  return free;
}

/**
 * The externalIds to give a corpus's passages (`passageName`, made free by `freeName`): for each passage that the
 * project has under no externalId (new, or stored before passages were named), else undefined, its stored one kept.
 * Names are chosen under a lock of the project's passage names, so that corpora uploaded at once do not choose alike.
 */
export async function passageNames(manager: EntityManager, projectId: string, corpus: string, subjects: readonly { metadata?: Record<string, unknown> }[], contentKeys: readonly string[]): Promise<(string | undefined)[]> {
  await manager.query("SELECT pg_advisory_xact_lock(hashtext('passage names ' || $1))", [projectId]);
  const named: { content_key: string }[] = await manager.query(
    'SELECT content_key FROM subjects WHERE project_id = $1 AND content_key = ANY($2::text[]) AND external_id IS NOT NULL',
    [projectId, contentKeys],
  );
  const prefix = passageName(corpus, 0).slice(0, -1);
  const rows: { external_id: string }[] = await manager.query(`SELECT external_id FROM subjects WHERE project_id = $1 AND external_id LIKE ${likeLiteralSql('$2::text')} || '%'`, [projectId, prefix]);
  const taken = new Set(rows.map((row) => row.external_id));
  const alreadyNamed = new Set(named.map((row) => row.content_key));
  return subjects.map((subject, index) => {
    if (alreadyNamed.has(contentKeys[index]!)) return undefined;
    const number = typeof subject.metadata?.passage === 'number' ? subject.metadata.passage : index + 1;
    const name = freeName(passageName(corpus, number), taken);
    taken.add(name);
    return name;
  });
}
