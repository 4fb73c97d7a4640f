import type { DataSource, EntityManager } from 'typeorm';

/** The demo project's slug: the project `DemoService` makes on first start. */
export const DEMO_SLUG = 'ad-or-not';

/** Whether the demo project `p`, owned by `u`, is still the demo's own account's, which nobody can sign in as. */
const UNCLAIMED = `p.slug = $1 AND u.id = p.owner_id AND u.kind = 'registered' AND u.email IS NULL AND u.password_hash IS NULL`;

/**
 * Hands the demo project to the first account that makes a project of its own (`userId`, in the transaction that
 * makes it), so that whoever set up this Chorus can pause, finish or delete it in the lab like any project of theirs.
 * Only while nobody has it: its owner is still the demo's own account, which has no email or password, so nobody
 * could manage it otherwise; and only while no one else has a project, so that on an installation already in use
 * the next newcomer to make a project is not given it. Only to an account whose email is verified, as a live project's
 * owner must be (anyone may sign up and make a draft: the demo is live and holds volunteers' work), and an unverified
 * account's draft does not stand in the way. The demo's row is locked: of two first projects made at once, one takes it.
 */
export async function handOverDemoProject(manager: EntityManager, userId: string): Promise<void> {
  const [demo] = await manager.query<{ id: string; owner_id: string }[]>(
    `SELECT p.id, p.owner_id FROM projects p JOIN users u ON u.id = p.owner_id
     WHERE ${UNCLAIMED}
       AND EXISTS (SELECT 1 FROM users newcomer WHERE newcomer.id = $2 AND newcomer.email_verified_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM projects other JOIN users o ON o.id = other.owner_id
                       WHERE other.id <> p.id AND other.owner_id <> $2 AND o.email_verified_at IS NOT NULL)
     FOR UPDATE OF p`,
    [DEMO_SLUG, userId],
  );
  if (!demo) return;
  await manager.query('UPDATE project_members SET user_id = $2 WHERE project_id = $1 AND user_id = $3', [demo.id, userId, demo.owner_id]);
  await manager.query('UPDATE projects SET owner_id = $2 WHERE id = $1', [demo.id, userId]);
}

/**
 * Lists the demo project or not, as `DEMO_PROJECT` says (`shown`), while nobody has been given it: `false` pauses one
 * made on an earlier start (off the project list; what volunteers gave it stays, and stays readable), `true` makes it
 * live again. One handed over is its researcher's, left as they keep it. Whether it changed.
 */
export async function showUnclaimedDemo(db: DataSource, shown: boolean): Promise<boolean> {
  const [from, to] = shown ? ['paused', 'live'] : ['live', 'paused'];
  const [changed] = await db.query<unknown[][]>(`UPDATE projects p SET status = $3, updated_at = now() FROM users u WHERE ${UNCLAIMED} AND p.status = $2 RETURNING p.id`, [DEMO_SLUG, from, to]);
  return changed!.length > 0;
}
