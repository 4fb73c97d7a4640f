import { Injectable } from '@nestjs/common';
import type { GuestWorkCarried } from '@chorus/client';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { byExcludedVolunteerSql, lockExclusionsShared } from '@chorus/db';
import { DEADLOCK_DETECTED, UNIQUE_VIOLATION } from '../common/sql';
import { CountedSet } from '../excluded-volunteers/counted-set';
import { replacesFailure } from '../subject-reports/media-failure-sql';
import { TokenGenerations } from './token-generations';

/** The account's failure (`mine`) to load the medium of the guest's (`theirs`). */
const SAME_FAILURE = 'mine.workflow_id = theirs.workflow_id AND mine.subject_id = theirs.subject_id AND mine.location = theirs.location';

/**
 * Where the guest and the account told the same failure, whether the guest's is the one kept: it is later and replaces
 * the account's (`replacesFailure`), or it is earlier and the account's does not replace it (the failure was first told
 * then, and the researchers' list, ordered by first failure, must not see it move later).
 */
const GUESTS_KEPT = `(theirs.created_at > mine.created_at AND ${replacesFailure('mine', 'theirs')} OR theirs.created_at < mine.created_at AND NOT ${replacesFailure('theirs', 'mine')})`;

/**
 * One statement: the guest's tokens end (their generation is raised, so a later replay of the guest's answers is
 * refused rather than stored as the guest's again), its classifications become the account's, but for subjects the
 * account classified itself (one volunteer never counts twice for a subject; those stay the guest's), and the
 * subjects either held are released where the account has now classified them. A carried classification is stamped
 * `updated_at`, so that an incremental download gives it again with its new volunteer. The guest's reports of subjects go
 * with it too (but of subjects the account reported itself), so that the queue never serves the account what it reported
 * as a guest; unstamped, for nothing the reports download shows of them changes (their pseudonym is of `reporter_id`, the
 * guest's still), and a stamp equal to the classifications' would tell researchers whose they are. And its favourites
 * (but those the account marked itself). And the media it failed to load, each counted once: where the account told the
 * same failure itself, one is kept, the account's, taking the guest's address and time where the guest's is the one that
 * counts (`GUESTS_KEPT`). Only a guest is
 * carried: a token of a guest who has since become an account of its own carries nothing. Only its classifications in
 * the projects $3, whose exclusions of the two are locked (`lockExclusionsShared`); the other projects it has
 * classified in, read in the same snapshot (`elsewhere`: stored after $3 was read, as while the carry waited for a
 * lock), send the carry back to lock them too. Answers the ids of the classifications carried into what counts (of the
 * projects $4, which exclude the guest and not the account), and out of it ($5, the reverse).
 */
const CARRY = `WITH guest AS (
    UPDATE users SET token_generation = token_generation + 1 WHERE id = $1 AND kind = 'guest' RETURNING id, token_generation
  ), moved AS (
    UPDATE classifications c SET user_id = $2, updated_at = now() FROM guest, workflows w
    WHERE c.user_id = guest.id AND w.id = c.workflow_id AND w.project_id = ANY($3::uuid[])
      AND NOT EXISTS (SELECT 1 FROM classifications mine WHERE mine.user_id = $2 AND mine.workflow_id = c.workflow_id AND mine.subject_id = c.subject_id)
      AND NOT EXISTS (SELECT 1 FROM classifications mine WHERE mine.user_id = $2 AND mine.idempotency_key = c.idempotency_key)
    RETURNING c.id, c.workflow_id, c.subject_id, w.project_id
  ), reports AS (
    UPDATE subject_reports r SET user_id = $2 FROM guest
    WHERE r.user_id = guest.id
      AND NOT EXISTS (SELECT 1 FROM subject_reports mine WHERE mine.user_id = $2 AND mine.workflow_id = r.workflow_id AND mine.subject_id = r.subject_id)
  ), favourites AS (
    UPDATE favourites f SET user_id = $2 FROM guest
    WHERE f.user_id = guest.id AND NOT EXISTS (SELECT 1 FROM favourites mine WHERE mine.user_id = $2 AND mine.subject_id = f.subject_id)
  ), failures_replaced AS (
    UPDATE media_failures mine SET url = theirs.url, created_at = theirs.created_at FROM media_failures theirs, guest
    WHERE theirs.user_id = guest.id AND mine.user_id = $2 AND ${SAME_FAILURE} AND ${GUESTS_KEPT}
  ), failures AS (
    UPDATE media_failures theirs SET user_id = $2 FROM guest
    WHERE theirs.user_id = guest.id AND NOT EXISTS (SELECT 1 FROM media_failures mine WHERE mine.user_id = $2 AND ${SAME_FAILURE})
  ), failures_told_twice AS (
    DELETE FROM media_failures theirs USING guest
    WHERE theirs.user_id = guest.id AND EXISTS (SELECT 1 FROM media_failures mine WHERE mine.user_id = $2 AND ${SAME_FAILURE})
  ), guest_holds AS (
    DELETE FROM assignments a USING guest WHERE a.user_id = guest.id
  ), account_holds AS (
    DELETE FROM assignments a USING moved m WHERE a.user_id = $2 AND a.workflow_id = m.workflow_id AND a.subject_id = m.subject_id
  )
  SELECT guest.token_generation AS generation, (SELECT count(*) FROM moved)::int AS classifications,
    (SELECT coalesce(array_agg(id), '{}') FROM moved WHERE project_id = ANY($4::uuid[])) AS counted,
    (SELECT coalesce(array_agg(id), '{}') FROM moved WHERE project_id = ANY($5::uuid[])) AS uncounted,
    (SELECT coalesce(array_agg(DISTINCT w.project_id), '{}') FROM classifications c JOIN workflows w ON w.id = c.workflow_id
       WHERE c.user_id = guest.id AND w.project_id <> ALL($3::uuid[])) AS elsewhere,
    (SELECT count(*) FROM classifications c WHERE c.user_id = guest.id
       AND EXISTS (SELECT 1 FROM classifications mine WHERE mine.user_id = $2 AND mine.workflow_id = c.workflow_id AND mine.subject_id = c.subject_id))::int AS "alreadyClassified"
  FROM guest`;

/** The projects the guest ($1; only a guest) classified in. */
const GUEST_PROJECTS = `SELECT DISTINCT w.project_id FROM classifications c JOIN workflows w ON w.id = c.workflow_id JOIN users u ON u.id = c.user_id
  WHERE c.user_id = $1 AND u.kind = 'guest'`;

/**
 * Of the projects $1, those that exclude one of the guest ($2) and the account ($3) and not the other, each with the
 * way its classifications carried change sides: 1 into what counts (the guest is the one excluded), -1 out of it.
 */
const CHANGING_SIDES = `SELECT p.project_id, CASE WHEN ${byExcludedVolunteerSql('g', 'p.project_id')} THEN 1 ELSE -1 END AS sign
  FROM unnest($1::uuid[]) AS p(project_id), (SELECT $2::uuid AS user_id) g, (SELECT $3::uuid AS user_id) a
  WHERE ${byExcludedVolunteerSql('g', 'p.project_id')} <> ${byExcludedVolunteerSql('a', 'p.project_id')}`;

type Carried = GuestWorkCarried & { generation: number; counted: string[]; uncounted: string[]; elsewhere: string[] };

/**
 * Statements tried at most: one loses to a classification the account stores at the same moment (a unique index, or a
 * deadlock with a batch of submits that takes the same index entries in another order), or to one the guest stores in
 * a project whose exclusions it had not locked (`ClassifiedElsewhere`).
 */
const ATTEMPTS = 3;

/**
 * The guest classified in projects the carry had not locked the exclusions of: it is rolled back, and tried again with
 * them locked too, in key order with the others (taking them after the others could wait in a cycle).
 */
class ClassifiedElsewhere extends Error {}

/**
 * A guest's work carried into an account it signs in to on the same device: what a volunteer who classified before
 * signing in expects. The guest's outstanding holds are released (the device asks anew, as the account). Where a
 * project excludes one of the two from its consensus and not the other, the classifications carried there change
 * sides: their subjects are counted again and re-aggregated, as after an exclusion or its lift.
 */
@Injectable()
export class GuestWork {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly generations: TokenGenerations,
    private readonly counted: CountedSet,
  ) {}

  /**
   * How many of the guest's classifications are now the account's, and how many stay the guest's because the account
   * had classified those subjects itself (none when the guest is gone or already an account).
   */
  async carryInto(guestId: string, accountId: string): Promise<GuestWorkCarried> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { carried, workflows } = await this.db.transaction((manager) => this.carry(manager, guestId, accountId));
        if (!carried) return { classifications: 0, alreadyClassified: 0 };
        this.generations.raised(guestId, carried.generation);
        await this.counted.aggregate(workflows);
        return { classifications: carried.classifications, alreadyClassified: carried.alreadyClassified };
      } catch (error) {
        const { code } = error as { code?: string };
        const again = error instanceof ClassifiedElsewhere || code === UNIQUE_VIOLATION || code === DEADLOCK_DETECTED;
        if (!again || attempt === ATTEMPTS) throw error;
      }
    }
  }

  /**
   * `CARRY`, after the exclusions of the guest and the account from each project it classified in are locked and
   * read, and the hot rows of the subjects whose classifications change sides locked, as an exclusion takes them; then
   * those subjects' counts. Answers what `CARRY` answers, and the workflows owed an aggregation once committed; throws
   * `ClassifiedElsewhere` (rolled back) where the guest classified in another project since its projects were read.
   */
  private async carry(manager: EntityManager, guestId: string, accountId: string): Promise<{ carried?: Carried; workflows: string[] }> {
    const projects = (await manager.query<{ project_id: string }[]>(GUEST_PROJECTS, [guestId])).map((row) => row.project_id);
    await lockExclusionsShared(manager, [...projects, ...projects], [...projects.map(() => guestId), ...projects.map(() => accountId)]);
    const sides: { project_id: string; sign: 1 | -1 }[] = await manager.query(CHANGING_SIDES, [projects, guestId, accountId]);
    const changing = (sign: 1 | -1) => sides.filter((side) => side.sign === sign).map((side) => side.project_id);
    if (sides.length) await this.counted.lockSubjects(manager, { volunteerId: guestId, projectIds: sides.map((side) => side.project_id) });
    const [carried] = await manager.query<Carried[]>(CARRY, [guestId, accountId, projects, changing(1), changing(-1)]);
    if (!carried) return { workflows: [] };
    if (carried.elsewhere.length) throw new ClassifiedElsewhere(`the guest classified in ${carried.elsewhere.length} more projects during the carry`);
    const workflows: string[] = [];
    if (carried.counted.length) workflows.push(...(await this.counted.recount(manager, { classificationIds: carried.counted }, 1)));
    if (carried.uncounted.length) workflows.push(...(await this.counted.recount(manager, { classificationIds: carried.uncounted }, -1)));
    return { carried, workflows };
  }
}
