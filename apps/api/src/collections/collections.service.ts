import { COLLECTION_LIMITS, type CollectedSubjectPage, type Collection, type CollectionPage } from '@chorus/client';
import { projectReadableBySql } from '@chorus/db';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, accountRequired, notFound } from '../common/problem';
import { cursorTimeSql } from '../common/sql';
import { type SubjectRow, subjectView, subjectViewColumnsSql } from '../common/subject-view';
import { timePage } from '../common/time-pages';
import { IdempotentRequests } from '../idempotent-requests/idempotent-requests';
import { accountIdOf } from '../projects/project-access';
import { profileIdSql } from '../common/profile-id';
import type { CollectionSubjectsQuery, CreateCollectionInput, MyCollectionsQuery, PublicCollectionsQuery, UpdateCollectionInput } from './dto/collection.dto';

interface CollectionRow {
  id: string;
  user_id: string;
  name: string;
  description: string | null;
  public: boolean;
  display_name: string | null;
  profile_id: string | null;
  subjects: number;
  has_subject: boolean | null;
  created_at: Date;
  updated_at: Date;
  cursor_time: string;
}

interface CollectedSubjectRow extends SubjectRow {
  team: boolean;
  project_id: string;
  project_slug: string;
  project_title: string;
  created_at: Date;
  cursor_time: string;
}

/**
 * How many of collection `collection`'s subjects account `reader` may see: what the collection shows them, and, for its
 * owner, what its cap counts.
 */
const readableSubjectsSql = (collection: string, reader: string) => `
  (SELECT count(*)::int FROM collection_subjects cs JOIN subjects s ON s.id = cs.subject_id JOIN projects p ON p.id = s.project_id
    WHERE cs.collection_id = ${collection} AND ${projectReadableBySql(reader)})`;

/**
 * Collections ($1: one's id, or null) as a reader ($7: their account id, or null) sees them, with their owner's name
 * (and public profile), how many subjects each holds of projects the reader may read, and whether each holds subject $2
 * (none asked: null); an owner's ($3: or all; $8: their public ones only), newest first after the cursor ($4, $5), $6 at most.
 */
const COLLECTIONS = `
  SELECT c.id, c.user_id, c.name, c.description, c.public, u.display_name, ${profileIdSql('u')} AS profile_id, c.created_at, c.updated_at,
         ${readableSubjectsSql('c.id', '$7::uuid')} AS subjects,
         CASE WHEN $2::uuid IS NOT NULL THEN EXISTS (SELECT 1 FROM collection_subjects cs WHERE cs.collection_id = c.id AND cs.subject_id = $2) END AS has_subject,
         ${cursorTimeSql('c.created_at')} AS cursor_time
  FROM collections c JOIN users u ON u.id = c.user_id
  WHERE ($1::uuid IS NULL OR c.id = $1) AND ($3::uuid IS NULL OR c.user_id = $3) AND (c.public OR NOT $8::boolean)
    AND ($4::timestamptz IS NULL OR (c.created_at, c.id) < ($4::timestamptz, $5::uuid))
  ORDER BY c.created_at DESC, c.id DESC
  LIMIT $6`;

/**
 * A collection's ($1) subjects that the reader ($5, their account id) may read, as `subjectView` shows them (the rule
 * of a volunteer's favourites and of every subject page: their project readable to the reader, a subject taken down
 * shown as such but to its team), the latest added first after the cursor ($2, $3), $4 at most.
 */
const COLLECTED_SUBJECTS = `
  SELECT ${subjectViewColumnsSql('$5::uuid')}, p.id AS project_id, p.slug AS project_slug, p.title AS project_title, cs.created_at,
         ${cursorTimeSql('cs.created_at')} AS cursor_time
  FROM collection_subjects cs JOIN subjects s ON s.id = cs.subject_id JOIN projects p ON p.id = s.project_id
  WHERE cs.collection_id = $1 AND ${projectReadableBySql('$5::uuid')}
    AND ($2::timestamptz IS NULL OR (cs.created_at, cs.subject_id) < ($2::timestamptz, $3::uuid))
  ORDER BY cs.created_at DESC, cs.subject_id DESC
  LIMIT $4`;

function toCollection(row: CollectionRow, reader: string | null): Collection {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    public: row.public,
    owner: { id: row.profile_id, displayName: row.display_name },
    mine: row.user_id === reader,
    subjects: row.subjects,
    ...(row.has_subject === null ? {} : { hasSubject: row.has_subject }),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const collectionNotFound = () => notFound('The collection (or it is private, and not yours)', '/params/id');

/** Only an account gathers collections: a guest is asked to make one (its finds would be lost with its browser). */
const collectionsNeedAnAccount = () => accountRequired('Collections are kept by accounts: create one (POST /api/v1/auth/register) or sign in, then gather subjects into collections.');

function accountOf(user: AuthUser | undefined): string {
  const account = accountIdOf(user);
  if (!account) throw collectionsNeedAnAccount();
  return account;
}

/**
 * Volunteers' collections (Zooniverse's "Collections"): named sets of subjects from any project, an account's own,
 * private or shared with everyone. A reader sees a collection's subjects of projects they may read only.
 */
@Injectable()
export class CollectionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly idempotentRequests: IdempotentRequests,
  ) {}

  async create({ name, description, public: isPublic }: CreateCollectionInput, user: AuthUser): Promise<Collection> {
    const account = accountOf(user);
    return this.db.transaction(async (manager) => {
      // The account's row held: two creations at once are counted one after the other, and an account being deleted
      // (its row kept, marked deleted) gets none after its collections are gone.
      const [registered] = await manager.query("SELECT 1 FROM users WHERE id = $1 AND kind = 'registered' FOR NO KEY UPDATE", [account]);
      if (!registered) throw collectionsNeedAnAccount();
      const [{ count }] = await manager.query('SELECT count(*)::int AS count FROM collections WHERE user_id = $1', [account]);
      if (count >= COLLECTION_LIMITS.perAccount) {
        throw new ProblemException(
          409,
          `You have ${COLLECTION_LIMITS.perAccount} collections, the most an account may keep: delete one you no longer need, or add to one you have.`,
          [{ pointer: '/name', message: `would be your collection number ${COLLECTION_LIMITS.perAccount + 1}` }],
          'too-many-collections',
        );
      }
      const [{ id }] = await manager.query('INSERT INTO collections (user_id, name, description, public) VALUES ($1, $2, $3, $4) RETURNING id', [account, name, description ?? null, isPublic ?? false]);
      const collection = toCollection((await this.rowOf(manager, id, account))!, account);
      await this.idempotentRequests.keepAnswerIn(manager, { body: collection });
      return collection;
    });
  }

  /** A collection, to its owner, or to anyone while it is public. */
  async read(id: string, user: AuthUser | undefined): Promise<Collection> {
    const reader = accountIdOf(user);
    const row = await this.rowOf(this.db.manager, id, reader);
    if (!row || (!row.public && row.user_id !== reader)) throw collectionNotFound();
    return toCollection(row, reader);
  }

  async update(id: string, changes: UpdateCollectionInput, user: AuthUser): Promise<Collection> {
    const account = accountOf(user);
    await this.assertOwn(this.db.manager, id, account);
    // Only the fields the schema knows, each named by the schema itself.
    const sets = Object.entries(changes).filter(([, value]) => value !== undefined);
    const assignments = sets.map(([field], index) => `"${field}" = $${index + 2}`);
    await this.db.query(`UPDATE collections SET ${assignments.join(', ')}, updated_at = now() WHERE id = $1`, [id, ...sets.map(([, value]) => value)]);
    return this.read(id, user);
  }

  /** Deletes a collection of the caller's with its list of subjects (never the subjects); the same 204 once it is gone. */
  async delete(id: string, user: AuthUser): Promise<void> {
    await this.db.query('DELETE FROM collections WHERE id = $1 AND user_id = $2', [id, accountOf(user)]);
  }

  /**
   * Puts a subject the caller may read in a collection of theirs, and answers the collection: `added` false when it was
   * there already, which changes nothing. A full collection refuses a new one.
   */
  async add(id: string, subjectId: string, user: AuthUser): Promise<{ added: boolean; collection: Collection }> {
    const account = accountOf(user);
    const added = await this.db.transaction(async (manager) => {
      await this.assertOwn(manager, id, account, 'FOR UPDATE');
      // A repeated PUT is answered as the first was, even once the subject's project is closed to the caller.
      const [there] = await manager.query('SELECT 1 FROM collection_subjects WHERE collection_id = $1 AND subject_id = $2', [id, subjectId]);
      if (there) return false;
      const [readable] = await manager.query(`SELECT 1 FROM subjects s JOIN projects p ON p.id = s.project_id WHERE s.id = $1 AND ${projectReadableBySql('$2::uuid')}`, [subjectId, account]);
      if (!readable) throw notFound(`Subject ${subjectId} (or its project is not open to you)`, '/params/subjectId');
      // The subjects the owner sees in it, as it shows them: those of projects closed to them since do not count.
      const [{ count }] = await manager.query(`SELECT ${readableSubjectsSql('$1', '$2::uuid')} AS count`, [id, account]);
      if (count >= COLLECTION_LIMITS.subjects) {
        throw new ProblemException(
          409,
          `The collection holds ${COLLECTION_LIMITS.subjects} subjects, the most one may: take some out, or start another collection.`,
          [{ pointer: '/params/subjectId', message: `would be subject number ${COLLECTION_LIMITS.subjects + 1} of the collection` }],
          'collection-full',
        );
      }
      // Those it keeps unseen (leaving a project, a draft's) are bounded too: the rows stored, whoever may see them.
      const [{ stored }] = await manager.query('SELECT count(*)::int AS stored FROM collection_subjects WHERE collection_id = $1', [id]);
      if (stored >= COLLECTION_LIMITS.stored) {
        throw new ProblemException(
          409,
          `The collection keeps ${COLLECTION_LIMITS.stored} subjects, the most one may, counting those of projects closed to you since (not shown, kept should they open again): start another collection.`,
          [{ pointer: '/params/subjectId', message: `would be subject number ${COLLECTION_LIMITS.stored + 1} the collection keeps` }],
          'collection-keeps-too-many',
        );
      }
      await manager.query('INSERT INTO collection_subjects (collection_id, subject_id) VALUES ($1, $2)', [id, subjectId]);
      await manager.query('UPDATE collections SET updated_at = now() WHERE id = $1', [id]);
      return true;
    });
    return { added, collection: await this.read(id, user) };
  }

  /** Takes a subject out of a collection of the caller's; the same 204 whether or not it was in it. */
  async remove(id: string, subjectId: string, user: AuthUser): Promise<void> {
    const account = accountOf(user);
    await this.assertOwn(this.db.manager, id, account);
    await this.db.query('DELETE FROM collection_subjects WHERE collection_id = $1 AND subject_id = $2', [id, subjectId]);
  }

  /** A page of a collection's subjects the reader may see, the latest added first. */
  async subjects(id: string, { limit, after }: CollectionSubjectsQuery, user: AuthUser | undefined): Promise<CollectedSubjectPage> {
    await this.read(id, user);
    const rows = await this.db.query<(CollectedSubjectRow & { cursor_time: string })[]>(COLLECTED_SUBJECTS, [id, after?.time ?? null, after?.id ?? null, limit + 1, accountIdOf(user)]);
    const { page, next } = timePage(rows, limit);
    return {
      subjects: page.map((row) => ({
        subject: subjectView(row, row.team),
        project: { id: row.project_id, slug: row.project_slug, title: row.project_title },
        addedAt: row.created_at.toISOString(),
      })),
      next,
    };
  }

  /** The caller's collections, newest first, a page at a time; with `subjectId`, each says whether it holds that subject. */
  async mine({ subjectId, limit, after }: MyCollectionsQuery, user: AuthUser): Promise<CollectionPage> {
    const account = accountOf(user);
    const rows = await this.db.query<CollectionRow[]>(COLLECTIONS, [null, subjectId ?? null, account, after?.time ?? null, after?.id ?? null, limit + 1, account, false]);
    const { page, next } = timePage(rows, limit);
    return { collections: page.map((row) => toCollection(row, account)), next };
  }

  /** A volunteer's ($1) public collections, newest first, a page at a time, as the reader sees them (their profile's). */
  async publicOf(owner: string, { limit, after }: PublicCollectionsQuery, user: AuthUser | undefined): Promise<CollectionPage> {
    const reader = accountIdOf(user);
    const rows = await this.db.query<CollectionRow[]>(COLLECTIONS, [null, null, owner, after?.time ?? null, after?.id ?? null, limit + 1, reader, true]);
    const { page, next } = timePage(rows, limit);
    return { collections: page.map((row) => toCollection(row, reader)), next };
  }

  private async rowOf(manager: EntityManager, id: string, reader: string | null): Promise<CollectionRow | undefined> {
    const [row] = await manager.query<CollectionRow[]>(COLLECTIONS, [id, null, null, null, null, 1, reader, false]);
    return row;
  }

  /** Fails, as if there were none, unless the collection is the account's (`lock`: held for the transaction). */
  private async assertOwn(manager: EntityManager, id: string, account: string, lock = ''): Promise<void> {
    const [own] = await manager.query(`SELECT 1 FROM collections WHERE id = $1 AND user_id = $2 ${lock}`, [id, account]);
    if (!own) throw collectionNotFound();
  }
}
