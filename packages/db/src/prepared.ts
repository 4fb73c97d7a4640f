import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

interface PgQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const names = new Map<string, string>();

/** The same text always gets the same name, so each connection prepares it once. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `chorus_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs a statement as a named prepared statement: each connection parses and plans it once and then only binds
 * and executes it. For the statements of the hot paths (queue and submit), where planning a statement costs the
 * database as much as running it. Inside a transaction, pass its EntityManager: the statement runs on its
 * connection. Errors are pg's own (with `code`), not wrapped by TypeORM.
 */
export async function preparedQuery<T>(executor: DataSource | EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const connection: PgQueryable = 'queryRunner' in executor && executor.queryRunner ? await executor.queryRunner.connect() : poolOf(executor);
  return (await connection.query({ name: nameOf(text), text, values })).rows as T[];
}

function poolOf(executor: DataSource | EntityManager): PgQueryable {
  const dataSource = 'driver' in executor ? executor : executor.connection;
  return (dataSource.driver as unknown as { master: PgQueryable }).master;
}
