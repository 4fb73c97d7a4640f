import { Injectable } from '@nestjs/common';
import type { GuestWorkCarried } from '@chorus/client';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DEADLOCK_DETECTED, UNIQUE_VIOLATION } from '../common/sql';
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
 * carried: a token of a guest who has since become an account of its own carries nothing.
 */
const CARRY = `WITH guest AS (
    UPDATE users SET token_generation = token_generation + 1 WHERE id = $1 AND kind = 'guest' RETURNING id, token_generation
  ), moved AS (
    UPDATE classifications c SET user_id = $2, updated_at = now() FROM guest
    WHERE c.user_id = guest.id
      AND NOT EXISTS (SELECT 1 FROM classifications mine WHERE mine.user_id = $2 AND mine.workflow_id = c.workflow_id AND mine.subject_id = c.subject_id)
      AND NOT EXISTS (SELECT 1 FROM classifications mine WHERE mine.user_id = $2 AND mine.idempotency_key = c.idempotency_key)
    RETURNING c.workflow_id, c.subject_id
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
    (SELECT count(*) FROM classifications c WHERE c.user_id = guest.id
       AND EXISTS (SELECT 1 FROM classifications mine WHERE mine.user_id = $2 AND mine.workflow_id = c.workflow_id AND mine.subject_id = c.subject_id))::int AS "alreadyClassified"
  FROM guest`;

/**
 * Statements tried at most: one loses to a classification the account stores at the same moment (a unique index, or a
 * deadlock with a batch of submits that takes the same index entries in another order).
 */
const ATTEMPTS = 3;

/**
 * A guest's work carried into an account it signs in to on the same device: what a volunteer who classified before
 * signing in expects. The guest's outstanding holds are released (the device asks anew, as the account).
 */
@Injectable()
export class GuestWork {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly generations: TokenGenerations) {}

  /**
   * How many of the guest's classifications are now the account's, and how many stay the guest's because the account
   * had classified those subjects itself (none when the guest is gone or already an account).
   */
  async carryInto(guestId: string, accountId: string): Promise<GuestWorkCarried> {
    for (let attempt = 1; ; attempt++) {
      try {
        const [carried] = await this.db.query<(GuestWorkCarried & { generation: number })[]>(CARRY, [guestId, accountId]);
        if (!carried) return { classifications: 0, alreadyClassified: 0 };
        this.generations.raised(guestId, carried.generation);
        return { classifications: carried.classifications, alreadyClassified: carried.alreadyClassified };
      } catch (error) {
        const { code } = error as { code?: string };
        if ((code !== UNIQUE_VIOLATION && code !== DEADLOCK_DETECTED) || attempt === ATTEMPTS) throw error;
      }
    }
  }
}
