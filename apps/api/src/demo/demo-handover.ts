import type { EntityManager } from 'typeorm';

/** The demo project's slug: the project `DemoService` makes on first start. */
export const DEMO_SLUG = 'ad-or-not';

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
     WHERE p.slug = $1 AND u.kind = 'registered' AND u.email IS NULL AND u.password_hash IS NULL
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
