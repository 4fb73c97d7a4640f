import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, testDatabaseName, withDatabase } from '../../../test/support/services';
import { until } from '../../../test/support/waiting';
import type { MigrationInterface } from 'typeorm';
import { dataSourceOptions, ensureDatabase, openDatabase, pendingSchemaChanges, recordWorkflowCompleted, runMigrations, tellCompletion } from '../src';
import { migrations } from '../src/migrations';
import { GoldStandardOnHotRow1796038980497 } from '../src/migrations/1796038980497-GoldStandardOnHotRow';
import { DraftTriesPerSubject1797330000000 } from '../src/migrations/1797330000000-DraftTriesPerSubject';
import { SubjectForeignKeyIndexes1796990000000 } from '../src/migrations/1796990000000-SubjectForeignKeyIndexes';
import { KeptForHold1797190000000 } from '../src/migrations/1797190000000-KeptForHold';
import { AnnotationsList1797225000000 } from '../src/migrations/1797225000000-AnnotationsList';
import { HiddenTagsRenormalised1797229000000 } from '../src/migrations/1797229000000-HiddenTagsRenormalised';
import { GuestAddressHolds1797234000000 } from '../src/migrations/1797234000000-GuestAddressHolds';
import { RetiredUnderVersion1797236000000 } from '../src/migrations/1797236000000-RetiredUnderVersion';
import { RemovalOnMembership1797236600000 } from '../src/migrations/1797236600000-RemovalOnMembership';
import { FinishedBeforeCompletionRuns1797247000000 } from '../src/migrations/1797247000000-FinishedBeforeCompletionRuns';
import { ReporterIds1797248000000 } from '../src/migrations/1797248000000-ReporterIds';
import { HiddenTagsJoinersKept1797311000000 } from '../src/migrations/1797311000000-HiddenTagsJoinersKept';
import { ExternalIdsComposed1797312000000 } from '../src/migrations/1797312000000-ExternalIdsComposed';
import { ClassificationsVersionsIndex1797343000001 } from '../src/migrations/1797343000001-ClassificationsVersionsIndex';
import { SubjectSetNamesUnique1797348000000 } from '../src/migrations/1797348000000-SubjectSetNamesUnique';
import { DemoProjectMarked1797356000000 } from '../src/migrations/1797356000000-DemoProjectMarked';
import { ApiKeyRepliesScoped1797390000000 } from '../src/migrations/1797390000000-ApiKeyRepliesScoped';
import { PassagesNamed1797391000000 } from '../src/migrations/1797391000000-PassagesNamed';
import { LastUnretirementKept1797410000000 } from '../src/migrations/1797410000000-LastUnretirementKept';
import { AgainstPluralityStored1797440000000 } from '../src/migrations/1797440000000-AgainstPluralityStored';
import { ReviewedByRole1797460000000 } from '../src/migrations/1797460000000-ReviewedByRole';
import { NeedsCheckingStored1797480000000 } from '../src/migrations/1797480000000-NeedsCheckingStored';
import { CommentsUpdatedAt1797500000000 } from '../src/migrations/1797500000000-CommentsUpdatedAt';
import { CommentReportsChanged1797653000000 } from '../src/migrations/1797653000000-CommentReportsChanged';
import { TakenDownSubjects1797656000000 } from '../src/migrations/1797656000000-TakenDownSubjects';
import { WorkflowFiguresIndexes1797658000000 } from '../src/migrations/1797658000000-WorkflowFiguresIndexes';
import { ActivityIndex1797659000000 } from '../src/migrations/1797659000000-ActivityIndex';
import { ProjectSearchAndOrder1797659400000 } from '../src/migrations/1797659400000-ProjectSearchAndOrder';
import { ListedDescriptions1797680000000 } from '../src/migrations/1797680000000-ListedDescriptions';
import { SubjectReportsReportedAt1797690000000 } from '../src/migrations/1797690000000-SubjectReportsReportedAt';
import { ComparableConsensus1797710000000 } from '../src/migrations/1797710000000-ComparableConsensus';
import { SearchTrigramIndexes1797770000000 } from '../src/migrations/1797770000000-SearchTrigramIndexes';
import { CommentsByAuthorInProject1797860000000 } from '../src/migrations/1797860000000-CommentsByAuthorInProject';
import { FollowsByCommenting1797950000000 } from '../src/migrations/1797950000000-FollowsByCommenting';
import { WorkflowCompleteNotifications1797970000000 } from '../src/migrations/1797970000000-WorkflowCompleteNotifications';
import { MembershipsByAccount1798000000000 } from '../src/migrations/1798000000000-MembershipsByAccount';
import { ProjectBoards1798020000000 } from '../src/migrations/1798020000000-ProjectBoards';
import { ProjectBoardsIndexes1798020000001 } from '../src/migrations/1798020000001-ProjectBoardsIndexes';

/** Index `name` as a new database's migrations build it: its definition after `USING`, and whether it is valid. */
async function indexBuilt(name: string): Promise<[definition: string, valid: boolean][]> {
  const database = await createTestDatabase();
  const dataSource = await openDatabase(database.url, 1);
  try {
    const indexes: { indexdef: string; valid: boolean }[] = await dataSource.query(
      `SELECT x.indexdef, i.indisvalid AS valid FROM pg_indexes x JOIN pg_class c ON c.relname = x.indexname JOIN pg_index i ON i.indexrelid = c.oid
       WHERE x.indexname = $1`,
      [name],
    );
    return indexes.map(({ indexdef, valid }) => [indexdef.replace(/^.* USING /, ''), valid]);
  } finally {
    await dataSource.destroy();
    await database.drop();
  }
}

describe('migrations', () => {
  it('import no live code, which may change later: a rule a migration applies is a copy of it as it was then', () => {
    const folder = join(__dirname, '../src/migrations');
    const imported = readdirSync(folder)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...readFileSync(join(folder, file), 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((found) => `${file}: ${found[1]}`));
    // The Markdown parser is pinned to one version (apps/api and packages/db alike).
    expect(imported.filter((line) => !/: (typeorm|mdast-util-from-markdown|\.\/[^/]+)$/.test(line))).toEqual([]);
  });

  it('leave nothing between the entities and the database (run `pnpm migration:generate <Name>` when this fails)', async () => {
    const database = await createTestDatabase();
    const dataSource = await openDatabase(database.url, 2);
    try {
      const { up } = await pendingSchemaChanges(dataSource);
      expect(up).toEqual([]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('build the indexes of a workflow’s results, the externalId prefix one with the operator class and the natural order one with the collation entities cannot name', async () => {
    const database = await createTestDatabase();
    const dataSource = await openDatabase(database.url, 1);
    try {
      const indexes: { indexname: string; indexdef: string }[] = await dataSource.query(
        `SELECT indexname, indexdef FROM pg_indexes
         WHERE indexname IN ('subject_workflow_status_retired_idx', 'subject_workflow_status_active_idx', 'subjects_external_id_prefix_idx', 'subjects_external_id_natural_idx') ORDER BY 1`,
      );
      expect(indexes.map(({ indexname, indexdef }) => [indexname, indexdef.replace(/^.* USING /, '')])).toEqual([
        ['subject_workflow_status_active_idx', 'btree (workflow_id, subject_id) WHERE (retired_at IS NULL)'],
        ['subject_workflow_status_retired_idx', 'btree (workflow_id, subject_id) WHERE (retired_at IS NOT NULL)'],
        ['subjects_external_id_natural_idx', 'btree (project_id, external_id COLLATE natural_order) WHERE (external_id IS NOT NULL)'],
        ['subjects_external_id_prefix_idx', 'btree (project_id, external_id varchar_pattern_ops) WHERE (external_id IS NOT NULL)'],
      ]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('build the index of the versions view concurrently, outside a transaction, holding a workflow’s counted classifications only', async () => {
    expect(migrations.find((migration) => migration.name === 'ClassificationsVersionsIndex1797343000001')).toBeDefined();
    expect(new ClassificationsVersionsIndex1797343000001().transaction).toBe(false);
    expect(await indexBuilt('classifications_versions_idx')).toEqual([['btree (workflow_id, workflow_version) WHERE (NOT made_in_draft)', true]]);
  });

  it('build the index of a project’s comment reports by when each last changed concurrently, outside a transaction', async () => {
    expect(migrations.find((migration) => migration.name === 'CommentReportsChanged1797653000000')).toBeDefined();
    expect(new CommentReportsChanged1797653000000().transaction).toBe(false);
    expect(await indexBuilt('comment_reports_project_changed_idx')).toEqual([['btree (project_id, GREATEST(reported_at, dismissed_at))', true]]);
  });

  it('build the index of an account’s memberships concurrently, outside a transaction (GET /account reads them across projects)', async () => {
    expect(migrations.find((migration) => migration.name === 'MembershipsByAccount1798000000000')).toBeDefined();
    expect(new MembershipsByAccount1798000000000().transaction).toBe(false);
    expect(await indexBuilt('project_members_user_idx')).toEqual([['btree (user_id)', true]]);
  });

  it('build the index of taken-down subjects concurrently, outside a transaction, holding the rows a take-down retired only', async () => {
    expect(migrations.find((migration) => migration.name === 'TakenDownSubjects1797656000000')).toBeDefined();
    expect(new TakenDownSubjects1797656000000().transaction).toBe(false);
    expect(await indexBuilt('subject_workflow_status_taken_down_idx')).toEqual([
      [`btree (subject_id) WHERE ((retired_at IS NOT NULL) AND COALESCE((((retirement_reason)::text = 'manual'::text) AND ((retirement_detail @> '{"takenDown": true}'::jsonb) OR (retirement_detail @> '{"role": "moderator"}'::jsonb))), false))`, true],
    ]);
  });

  it('build the indexes of a workflow’s figures concurrently, outside a transaction: its counted classifications by volunteer, its linked subjects', async () => {
    expect(migrations.find((migration) => migration.name === 'WorkflowFiguresIndexes1797658000000')).toBeDefined();
    expect(new WorkflowFiguresIndexes1797658000000().transaction).toBe(false);
    expect(await indexBuilt('classifications_volunteers_idx')).toEqual([['btree (workflow_id, user_id) WHERE (NOT made_in_draft)', true]]);
    expect(await indexBuilt('subject_workflow_status_figures_idx')).toEqual([
      [`btree (workflow_id, gold_standard, retired_at) WHERE (NOT (((retirement_detail ->> 'unlinked'::text))::boolean IS TRUE))`, true],
    ]);
  });

  it('build the index of a project’s activity per day concurrently, outside a transaction, holding counted classifications only', async () => {
    expect(migrations.find((migration) => migration.name === 'ActivityIndex1797659000000')).toBeDefined();
    expect(new ActivityIndex1797659000000().transaction).toBe(false);
    expect(await indexBuilt('classifications_activity_idx')).toEqual([['btree (workflow_id, created_at, user_id) WHERE (NOT made_in_draft)', true]]);
  });

  it('widen the index of comments by author to (author, project, time) concurrently, outside a transaction, the narrow one gone; down builds the narrow one again', async () => {
    expect(migrations.find((migration) => migration.name === 'CommentsByAuthorInProject1797860000000')).toBeDefined();
    expect(new CommentsByAuthorInProject1797860000000().transaction).toBe(false);
    const database = await createTestDatabase();
    const dataSource = await openDatabase(database.url, 1);
    const queryRunner = dataSource.createQueryRunner();
    const byAuthor = async () =>
      (
        await queryRunner.query(
          `SELECT x.indexname AS name, x.indexdef, i.indisvalid AS valid FROM pg_indexes x JOIN pg_class c ON c.relname = x.indexname JOIN pg_index i ON i.indexrelid = c.oid
           WHERE x.indexname IN ('subject_comments_user_idx', 'subject_comments_user_project_idx') ORDER BY 1`,
        )
      ).map(({ name, indexdef, valid }: { name: string; indexdef: string; valid: boolean }) => [name, indexdef.replace(/^.* USING /, ''), valid]);
    try {
      expect(await byAuthor()).toEqual([['subject_comments_user_project_idx', 'btree (user_id, project_id, created_at, id)', true]]);
      await new CommentsByAuthorInProject1797860000000().down(queryRunner);
      expect(await byAuthor()).toEqual([['subject_comments_user_idx', 'btree (user_id)', true]]);
    } finally {
      await queryRunner.release();
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('create unaccent, which the project search reads through, and build the index of the project list’s order concurrently, outside a transaction', async () => {
    expect(migrations.find((migration) => migration.name === 'ProjectSearchAndOrder1797659400000')).toBeDefined();
    expect(new ProjectSearchAndOrder1797659400000().transaction).toBe(false);
    expect(await indexBuilt('projects_created_idx')).toEqual([['btree (created_at, id)', true]]);
    const database = await createTestDatabase();
    const dataSource = await openDatabase(database.url, 1);
    try {
      expect(await dataSource.query("SELECT extname FROM pg_extension WHERE extname = 'unaccent'")).toEqual([{ extname: 'unaccent' }]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('create pg_trgm and chorus_fold, and build trigram indexes of folded comments’ bodies and projects’ titles and slugs concurrently, which a search by LIKE uses; down drops them; up quotes unaccent’s schema, and names CREATE EXTENSION unaccent where it is missing', async () => {
    expect(migrations.find((migration) => migration.name === 'SearchTrigramIndexes1797770000000')).toBeDefined();
    expect(new SearchTrigramIndexes1797770000000().transaction).toBe(false);
    const database = await createTestDatabase();
    const dataSource = await openDatabase(database.url, 1);
    const trigramIndexes = "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%\\_trgm\\_idx' ORDER BY indexname";
    try {
      expect(await dataSource.query("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")).toEqual([{ extname: 'pg_trgm' }]);
      // Case and accents folded, a full-width ％ read as %; immutable, which an index's expression must be.
      expect(await dataSource.query("SELECT chorus_fold('Écrits À ÇA 100％') AS folded, provolatile FROM pg_proc WHERE proname = 'chorus_fold'")).toEqual([{ folded: 'ecrits a ca 100%', provolatile: 'i' }]);
      expect((await dataSource.query(trigramIndexes)).map((index: { indexdef: string }) => index.indexdef.replace(/^.* USING /, ''))).toEqual([
        'gin (chorus_fold((slug)::text) gin_trgm_ops)',
        'gin (chorus_fold((title)::text) gin_trgm_ops)',
        'gin (chorus_fold(body) gin_trgm_ops)',
      ]);
      const plan: { 'QUERY PLAN': string }[] = await dataSource.transaction(async (manager) => {
        // The tables are empty here, so the planner is told to take any index over a scan, as it would at scale.
        await manager.query('SET LOCAL enable_seqscan = off');
        return manager.query("EXPLAIN SELECT id FROM projects WHERE chorus_fold(title) LIKE '%whaler%' OR chorus_fold(slug) LIKE '%whaler%' UNION ALL SELECT id FROM subject_comments WHERE chorus_fold(body) LIKE '%zeppelin%'");
      });
      const explained = plan.map((row) => row['QUERY PLAN']).join('\n');
      for (const index of ['projects_title_trgm_idx', 'projects_slug_trgm_idx', 'subject_comments_body_trgm_idx']) expect(explained).toMatch(new RegExp(`Bitmap Index Scan on ${index}\\b`));

      const queryRunner = dataSource.createQueryRunner();
      try {
        await new SearchTrigramIndexes1797770000000().down(queryRunner);
      } finally {
        await queryRunner.release();
      }
      expect(await dataSource.query(trigramIndexes)).toEqual([]);
      expect(await dataSource.query("SELECT proname FROM pg_proc WHERE proname = 'chorus_fold'")).toEqual([]);

      // unaccent in a schema whose name needs quoting, as a name and inside the dictionary's literal.
      await dataSource.query(`CREATE SCHEMA "Fold's ""x"""; ALTER EXTENSION unaccent SET SCHEMA "Fold's ""x"""`);
      const upAgain = async () => {
        const runner = dataSource.createQueryRunner();
        try {
          await new SearchTrigramIndexes1797770000000().up(runner);
        } finally {
          await runner.release();
        }
      };
      await upAgain();
      expect(await dataSource.query("SELECT chorus_fold('Écrits') AS folded")).toEqual([{ folded: 'ecrits' }]);
      // Without unaccent, a migration that says how to add it.
      await dataSource.query('DROP INDEX subject_comments_body_trgm_idx, projects_title_trgm_idx, projects_slug_trgm_idx; DROP FUNCTION chorus_fold(text); DROP EXTENSION unaccent');
      await expect(upAgain()).rejects.toThrow('run CREATE EXTENSION unaccent');
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('find a workflow’s effect memberships by their own index, not by scanning every workflow’s', async () => {
    const database = await createTestDatabase();
    const dataSource = await openDatabase(database.url, 1);
    try {
      const plan: { 'QUERY PLAN': string }[] = await dataSource.transaction(async (manager) => {
        // The table is empty here, so the planner is told to take any index over a scan, as it would at scale.
        await manager.query('SET LOCAL enable_seqscan = off');
        return manager.query("EXPLAIN SELECT subject_id, count(*) FROM effect_memberships WHERE workflow_id = '00000000-0000-0000-0000-000000000001' GROUP BY subject_id");
      });
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/(Index|Index Only|Bitmap Index) Scan (using|on) effect_memberships_workflow_idx\b/);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('find a workflow’s consensus that needs checking by its own index, as the results filter asks for it', async () => {
    const database = await createTestDatabase();
    const dataSource = await openDatabase(database.url, 1);
    try {
      const plan: { 'QUERY PLAN': string }[] = await dataSource.transaction(async (manager) => {
        await manager.query('SET LOCAL enable_seqscan = off');
        return manager.query("EXPLAIN SELECT c.subject_id FROM consensus c WHERE c.workflow_id = '00000000-0000-0000-0000-000000000001' AND c.needs_checking");
      });
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/(Index|Index Only|Bitmap Index) Scan (using|on) consensus_needs_checking_idx\b/);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('run once when several processes start together', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    const sources = await Promise.all([openDatabase(url, 1), openDatabase(url, 1), openDatabase(url, 1)]);
    try {
      const [{ count }] = await sources[0]!.query('SELECT count(*)::int AS count FROM migrations');
      expect(count).toBe(sources[0]!.migrations.length);
      expect(count).toBeGreaterThan(0);
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
    }
  });

  it('create a database that does not exist, warning that they did, and say which migrations they applied', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    const name = new URL(url).pathname.slice(1);
    const said: string[] = [];
    const opening = { waitMs: 0, warn: (message: string) => said.push(`warn: ${message}`), info: (message: string) => said.push(`info: ${message}`) };
    await (await openDatabase(url, 1, opening)).destroy();
    expect(said).toEqual([
      expect.stringMatching(new RegExp(`^warn: database "${name}" did not exist on Postgres at [\\d.]+:\\d+ \\(DATABASE_URL\\); created it$`)),
      `info: applied ${migrations.length} migrations to database "${name}": ${migrations.map((migration) => migration.name).join(', ')}`,
    ]);
    said.length = 0;
    await (await openDatabase(url, 1, opening)).destroy();
    expect(said).toEqual([]);
  });

  it('create no database when told not to: opening one that does not exist stops, naming DATABASE_URL and the fixes', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    const name = new URL(url).pathname.slice(1);
    await expect(openDatabase(url, 1, { waitMs: 0, warn: () => undefined, create: false })).rejects.toThrow(
      new RegExp(`^DATABASE_URL: Postgres at [\\d.]+:\\d+ has no database "${name}"; correct the name in DATABASE_URL, or create it .* or set DATABASE_CREATE=true`),
    );
    expect(await ensureDatabase(url, false)).toBe('missing');
  });

  it('run for as long as they need under a statement timeout, which then holds for everything else', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    class SlowMigration1799999999999 implements MigrationInterface {
      async up(queryRunner: { query: (sql: string) => Promise<unknown> }) {
        await queryRunner.query('SELECT pg_sleep(0.3)');
      }
      async down() {}
    }
    const dataSource = new DataSource({ ...dataSourceOptions(url, 1, 100), migrations: [...migrations, SlowMigration1799999999999] });
    await dataSource.initialize();
    try {
      expect(await runMigrations(dataSource)).toContain('SlowMigration1799999999999');
      await expect(dataSource.query('SELECT pg_sleep(0.3)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await dataSource.destroy();
    }
  });

  it('wait for a table a long read holds only briefly at a time, letting its writers through between tries', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await (await openDatabase(url, 1)).destroy();
    class AlterProjects1799999999998 implements MigrationInterface {
      async up(queryRunner: { query: (sql: string) => Promise<unknown> }) {
        await queryRunner.query('ALTER TABLE projects ADD COLUMN lock_probe integer');
      }
      async down() {}
    }
    const reader = new Client({ connectionString: url });
    const writer = new Client({ connectionString: url });
    await Promise.all([reader.connect(), writer.connect()]);
    const dataSource = new DataSource({ ...dataSourceOptions(url, 1), migrations: [...migrations, AlterProjects1799999999998] });
    await dataSource.initialize();
    try {
      // A download's cursor: its transaction holds the table's share lock until it ends.
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM projects');
      const warnings: string[] = [];
      const migrating = runMigrations(dataSource, (message) => warnings.push(message));
      await until(async () => warnings.length > 0, 'the migration to step aside', 20_000);
      expect(warnings[0]).toMatch(/waited 2000 ms for a table another session holds/);
      // Without the step aside, this write queues behind the waiting ALTER for as long as the read lasts.
      await writer.query("SET statement_timeout = '15s'");
      await writer.query("UPDATE projects SET title = title WHERE slug = 'none'");
      await reader.query('COMMIT');
      expect(await migrating).toEqual(['AlterProjects1799999999998']);
      expect(await writer.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'projects' AND column_name = 'lock_probe'")).toMatchObject({ rowCount: 1 });
    } finally {
      await Promise.all([reader.end(), writer.end(), dataSource.destroy()]);
    }
  });

  it('mark the subjects that already had a known answer when the hot row gains gold_standard', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(GoldStandardOnHotRow1796038980497)) });
    await before.initialize();
    const [{ workflow, gold, plain }] = await before.runMigrations().then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'backfill', 'Backfill', id FROM u RETURNING id),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
        g AS (INSERT INTO subjects (project_id, locations, gold_standard) SELECT id, '[]', '{"T0": "yes"}' FROM p RETURNING id),
        s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p RETURNING id),
        st AS (INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT w.id, x.id FROM w, (SELECT id FROM g UNION ALL SELECT id FROM s) x)
      SELECT (SELECT id FROM w) AS workflow, (SELECT id FROM g) AS gold, (SELECT id FROM s) AS plain`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows = await after.query('SELECT subject_id, gold_standard FROM subject_workflow_status WHERE workflow_id = $1', [workflow]);
      expect(new Map(rows.map((row: { subject_id: string; gold_standard: boolean }) => [row.subject_id, row.gold_standard]))).toEqual(new Map([[gold, true], [plain, false]]));
    } finally {
      await after.destroy();
    }
  });

  it('mark the rows kept only for a hold when their set was unlinked, and find them by the mark instead of by their classification count', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(KeptForHold1797190000000)) });
    await before.initialize();
    const [{ workflow }] = await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'kept', 'Kept', id FROM u RETURNING id),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
        s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT id, '[]', e FROM p, (VALUES ('held'), ('classified'), ('manual'), ('open')) x(e) RETURNING id, external_id),
        st AS (INSERT INTO subject_workflow_status (workflow_id, subject_id, classification_count, retired_at, retirement_reason, retirement_detail)
          SELECT w.id, s.id, CASE s.external_id WHEN 'classified' THEN 1 ELSE 0 END, CASE WHEN s.external_id <> 'open' THEN now() END,
            CASE s.external_id WHEN 'open' THEN NULL WHEN 'manual' THEN 'manual' ELSE 'unlinked' END,
            CASE WHEN s.external_id <> 'open' THEN '{"unlinked": true}'::jsonb END
          FROM w, s)
      SELECT (SELECT id FROM w) AS workflow`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows = await after.query(
        'SELECT s.external_id, st.kept_for_hold FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 ORDER BY 1',
        [workflow],
      );
      expect(rows).toEqual([
        { external_id: 'classified', kept_for_hold: false },
        { external_id: 'held', kept_for_hold: true },
        { external_id: 'manual', kept_for_hold: false },
        { external_id: 'open', kept_for_hold: false },
      ]);
      const indexes = await after.query(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'subject_workflow_status' AND (indexdef LIKE '%kept_for_hold%' OR indexdef LIKE '%classification_count%') ORDER BY 1",
      );
      expect(indexes).toEqual([{ indexname: 'subject_workflow_status_kept_for_hold_idx' }]);
    } finally {
      await after.destroy();
    }
  });

  it('give the subjects retired by their rule before the version whose rule retired them, the newest published by then, and none to other retirements', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(RetiredUnderVersion1797236000000)) });
    await before.initialize();
    const [{ workflow }] = await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'versions', 'Versions', id FROM u RETURNING id),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 2 FROM p RETURNING id),
        v AS (INSERT INTO workflow_versions (workflow_id, version, definition, created_at)
          SELECT w.id, x.version, '{}', now() - x.age * interval '1 day' FROM w, (VALUES (1, 10), (2, 5)) x(version, age)),
        s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT id, '[]', e FROM p, (VALUES ('v1'), ('v2'), ('maximum'), ('manual'), ('open')) x(e) RETURNING id, external_id)
      INSERT INTO subject_workflow_status (workflow_id, subject_id, retired_at, retirement_reason)
        SELECT w.id, s.id, now() - x.age * interval '1 day', x.reason
        FROM w, s, (VALUES ('v1', 7, 'count'), ('v2', 1, 'agreement'), ('maximum', 6, 'maximum'), ('manual', 1, 'manual'), ('open', NULL, NULL)) x(subject, age, reason)
        WHERE s.external_id = x.subject
      RETURNING (SELECT id FROM w) AS workflow`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows = await after.query(
        'SELECT s.external_id, st.retired_under_version FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 ORDER BY 1',
        [workflow],
      );
      expect(rows).toEqual([
        { external_id: 'manual', retired_under_version: null },
        { external_id: 'maximum', retired_under_version: 1 },
        { external_id: 'open', retired_under_version: null },
        { external_id: 'v1', retired_under_version: 1 },
        { external_id: 'v2', retired_under_version: 2 },
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('count each subject’s draft tries stored before on its hot row, marking the rows changed, and no other', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(DraftTriesPerSubject1797330000000)) });
    await before.initialize();
    const [{ workflow, tried, untried }] = await runMigrations(before)
      .then(() =>
        before.query(
          `WITH u AS (INSERT INTO users (kind, display_name) SELECT 'registered', n FROM (VALUES ('A'), ('B'), ('C')) x(n) RETURNING id, display_name),
            p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'tries', 'Tries', id FROM u WHERE display_name = 'A' RETURNING id),
            w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
            s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT id, '[]', e FROM p, (VALUES ('tried'), ('untried')) x(e) RETURNING id, external_id),
            st AS (INSERT INTO subject_workflow_status (workflow_id, subject_id, classification_count, updated_at)
                   SELECT w.id, s.id, CASE s.external_id WHEN 'tried' THEN 3 ELSE 1 END, '2020-01-01' FROM w, s),
            c AS (INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key, made_in_draft)
                  SELECT w.id, 1, s.id, u.id, '[]', u.display_name || s.external_id, s.external_id = 'tried' AND u.display_name <> 'C'
                  FROM w, s, u WHERE s.external_id = 'tried' OR u.display_name = 'C')
          SELECT (SELECT id FROM w) AS workflow, (SELECT id FROM s WHERE external_id = 'tried') AS tried, (SELECT id FROM s WHERE external_id = 'untried') AS untried`,
        ),
      )
      .finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows = await after.query("SELECT subject_id, draft_tries, updated_at > '2020-01-01' AS changed FROM subject_workflow_status WHERE workflow_id = $1", [workflow]);
      expect(new Map(rows.map((row: { subject_id: string; draft_tries: number; changed: boolean }) => [row.subject_id, [row.draft_tries, row.changed]]))).toEqual(
        new Map([
          [tried, [2, true]],
          [untried, [0, false]],
        ]),
      );
    } finally {
      await after.destroy();
    }
  });

  it('give the refusals kept for retries of an API key made before scopes the scope `full`, and change no other reply (tester 22)', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(ApiKeyRepliesScoped1797390000000)) });
    await before.initialize();
    const key = { id: '5c8a7980-1b44-4d27-b792-28e1dad00001', name: 'Nightly pull', prefix: 'chorus_AbC1' };
    const refusal = (apiKey: object) => ({ type: 'urn:chorus:problem:api-key-already-made', title: 'Conflict', status: 409, detail: 'An API key was already made', apiKey });
    const replies = {
      // As a Chorus before scopes kept it.
      old: { body: null, refusal: refusal(key) },
      scoped: { body: null, refusal: refusal({ ...key, scope: 'read' }) },
      created: { body: { id: key.id, name: 'A set' } },
    };
    await runMigrations(before)
      .then(() =>
        before.query(
          `INSERT INTO idempotent_requests (account_id, route, key, request_hash, claim, response)
           SELECT gen_random_uuid(), 'POST /api/v1/account/api-keys', x.key, repeat('0', 64), gen_random_uuid(), x.response FROM jsonb_each($1::jsonb) x(key, response)`,
          [JSON.stringify(replies)],
        ),
      )
      .finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows: { key: string; response: unknown }[] = await after.query('SELECT key, response FROM idempotent_requests ORDER BY key');
      expect(Object.fromEntries(rows.map((row) => [row.key, row.response]))).toEqual({ ...replies, old: { body: null, refusal: refusal({ ...key, scope: 'full' }) } });
    } finally {
      await after.destroy();
    }
  });

  it('store on each consensus stored before whether it is against most volunteers’ answers, and find those of a workflow of thousands of rows by their index', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(AgainstPluralityStored1797440000000)) });
    await before.initialize();
    // One row of each kind, and 3,000 a plurality decided, of which every hundredth is against it.
    const [{ workflow }] = await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'plurality', 'Plurality', id FROM u RETURNING id),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
        kinds (subject, answer, algorithm, result) AS (VALUES
          ('bayes against', 'yes', 'bayesian-confusion', '{"counts": {"yes": 1, "no": 2}}'::jsonb),
          ('bayes with', 'no', 'bayesian-confusion', '{"counts": {"yes": 1, "no": 2}}'),
          ('bayes tied', 'yes', 'bayesian-confusion', '{"counts": {"yes": 2, "no": 2}}'),
          ('nobody gave it', 'maybe', 'bayesian-confusion', '{"counts": {"yes": 1}}'),
          ('sense against', 'v', 'sense-vote', '{"counts": {"v": 1, "p": 3}}'),
          ('tie, no answer', NULL, 'plurality-vote', '{"counts": {"yes": 1, "no": 1}}'),
          ('multiple choice', 'a', 'multiple-choice-majority', '{"counts": {"a": 1, "b": 2}}'),
          ('no counts', 'yes', 'plurality-vote', '{}')),
        many AS (SELECT 'many ' || k AS subject, CASE WHEN k % 100 = 0 THEN 'no' ELSE 'yes' END AS answer, 'plurality-vote' AS algorithm, '{"counts": {"yes": 3, "no": 1}}'::jsonb AS result FROM generate_series(1, 3000) k),
        wanted AS (SELECT * FROM kinds UNION ALL SELECT * FROM many),
        s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT p.id, '[]', wanted.subject FROM p, wanted RETURNING id, external_id)
      INSERT INTO consensus (workflow_id, subject_id, task, answer, result, agreement, votes, algorithm, computed_at)
        SELECT w.id, s.id, 'T0', wanted.answer, wanted.result, 0.5, 3, wanted.algorithm, now() FROM w, s JOIN wanted ON wanted.subject = s.external_id
      RETURNING (SELECT id FROM w) AS workflow`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const against = await after.query(
        "SELECT s.external_id FROM consensus c JOIN subjects s ON s.id = c.subject_id WHERE c.workflow_id = $1 AND c.against_plurality AND s.external_id NOT LIKE 'many %' ORDER BY 1",
        [workflow],
      );
      expect(against.map((row: { external_id: string }) => row.external_id)).toEqual(['bayes against', 'nobody gave it', 'sense against']);
      const [{ count }] = await after.query('SELECT count(*)::int AS count FROM consensus WHERE workflow_id = $1 AND against_plurality', [workflow]);
      expect(count).toBe(3 + 30);
      await after.query('ANALYZE consensus');
      // The results filter's subquery, as written there, with sequential scans allowed.
      const plan: { 'QUERY PLAN': string }[] = await after.query('EXPLAIN SELECT c.subject_id FROM consensus c WHERE c.workflow_id = $1 AND c.against_plurality', [workflow]);
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/(Index|Index Only|Bitmap Index) Scan (using|on) consensus_against_plurality_idx\b/);
      // A worker of the earlier release, writing after the migration, leaves flags stale either way: run again, it mends them.
      await after.query(
        "UPDATE consensus c SET against_plurality = NOT against_plurality FROM subjects s WHERE s.id = c.subject_id AND s.external_id IN ('bayes against', 'bayes with')",
      );
      const runner = after.createQueryRunner();
      await new AgainstPluralityStored1797440000000().up(runner).finally(() => runner.release());
      const mended = await after.query(
        "SELECT s.external_id FROM consensus c JOIN subjects s ON s.id = c.subject_id WHERE c.workflow_id = $1 AND c.against_plurality AND s.external_id NOT LIKE 'many %' ORDER BY 1",
        [workflow],
      );
      expect(mended.map((row: { external_id: string }) => row.external_id)).toEqual(['bayes against', 'nobody gave it', 'sense against']);
    } finally {
      await after.destroy();
    }
  });

  it('store on each consensus stored before whether it needs checking, a task a question with no majority cut off too (tester 24 F2)', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(NeedsCheckingStored1797480000000)) });
    await before.initialize();
    // Each subject: its question T0 (answer, agreement) and its transcription T1 (votes, result).
    const [{ workflow }] = await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'checking', 'Checking', id FROM u RETURNING id),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
        kinds (subject, answer, agreement, votes, result) AS (VALUES
          ('low on the path', 'yes', 1, 2, '{"lowConsensus": true}'::jsonb),
          ('agreed on the path', 'yes', 1, 2, '{"lowConsensus": false}'),
          ('nobody wrote it', 'yes', 1, 0, '{"lowConsensus": true}'),
          ('one of two said no', 'no', 0.5, 1, '{"lowConsensus": false, "notReached": {"task": "T0", "answer": "no"}, "offPath": {"answer": "Sir", "agreement": 1, "votes": 1}}'),
          ('tied', NULL, 0.5, 1, '{"lowConsensus": false, "notReached": {"task": "T0", "answer": null}, "offPath": {"answer": "Sir", "agreement": 1, "votes": 1}}'),
          ('two of three said no', 'no', 0.667, 1, '{"lowConsensus": false, "notReached": {"task": "T0", "answer": "no"}, "offPath": {"answer": "Sir", "agreement": 1, "votes": 1}}'),
          ('all said no', 'no', 1, 0, '{"lowConsensus": true, "notReached": {"task": "T0", "answer": "no"}}')),
        s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT p.id, '[]', kinds.subject FROM p, kinds RETURNING id, external_id),
        q AS (INSERT INTO consensus (workflow_id, subject_id, task, answer, result, agreement, votes, algorithm, computed_at)
          SELECT w.id, s.id, 'T0', kinds.answer, '{}', kinds.agreement, 2, 'bayesian-confusion', now() FROM w, s JOIN kinds ON kinds.subject = s.external_id)
      INSERT INTO consensus (workflow_id, subject_id, task, answer, result, agreement, votes, algorithm, computed_at)
        SELECT w.id, s.id, 'T1', NULL, kinds.result, NULL, kinds.votes, 'word-alignment-vote', now() FROM w, s JOIN kinds ON kinds.subject = s.external_id
      RETURNING (SELECT id FROM w) AS workflow`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const flagged = await after.query(
        'SELECT s.external_id, c.task FROM consensus c JOIN subjects s ON s.id = c.subject_id WHERE c.workflow_id = $1 AND c.needs_checking ORDER BY 1, 2',
        [workflow],
      );
      expect(flagged).toEqual([
        { external_id: 'low on the path', task: 'T1' },
        { external_id: 'one of two said no', task: 'T1' },
        { external_id: 'tied', task: 'T1' },
      ]);
      // A worker of the earlier release, writing after the migration, leaves flags stale either way: run again, it mends them.
      await after.query(
        "UPDATE consensus c SET needs_checking = NOT needs_checking FROM subjects s WHERE s.id = c.subject_id AND c.task = 'T1' AND s.external_id IN ('tied', 'agreed on the path')",
      );
      const runner = after.createQueryRunner();
      await new NeedsCheckingStored1797480000000().up(runner).finally(() => runner.release());
      expect(await after.query(
        'SELECT s.external_id, c.task FROM consensus c JOIN subjects s ON s.id = c.subject_id WHERE c.workflow_id = $1 AND c.needs_checking ORDER BY 1, 2',
        [workflow],
      )).toEqual(flagged);
    } finally {
      await after.destroy();
    }
  });

  it('give each comment posted before the latest time it keeps, for since= comments downloads', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(CommentsUpdatedAt1797500000000)) });
    await before.initialize();
    await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'comments', 'Comments', id FROM u RETURNING id),
        s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p RETURNING id, project_id)
      INSERT INTO subject_comments (project_id, subject_id, user_id, body, created_at, edited_at, hidden_at)
        SELECT s.project_id, s.id, u.id, x.body, x.created_at::timestamptz, x.edited_at::timestamptz, x.hidden_at::timestamptz FROM s, u, (VALUES
          ('posted', '2026-01-01T00:00:00Z', NULL, NULL),
          ('edited', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', NULL),
          ('hidden after its edit', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'),
          ('hidden', '2026-01-01T00:00:00Z', NULL, '2026-01-04T00:00:00Z')) x(body, created_at, edited_at, hidden_at)`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows: { body: string; updated_at: Date }[] = await after.query('SELECT body, updated_at FROM subject_comments ORDER BY body');
      expect(rows.map((row) => [row.body, row.updated_at.toISOString()])).toEqual([
        ['edited', '2026-01-02T00:00:00.000Z'],
        ['hidden', '2026-01-04T00:00:00.000Z'],
        ['hidden after its edit', '2026-01-03T00:00:00.000Z'],
        ['posted', '2026-01-01T00:00:00.000Z'],
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('give each account that commented in a discussion before, with a comment there not hidden, a follow of it, unless it chose already; a batch at a time, outside a transaction', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(FollowsByCommenting1797950000000)) });
    await before.initialize();
    await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) SELECT CASE name WHEN 'guest' THEN 'guest' WHEN 'gone' THEN 'deleted' ELSE 'registered' END, name
          FROM unnest(ARRAY['shown', 'hidden', 'both', 'stopped', 'chose', 'guest', 'gone']) name RETURNING id, display_name),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'follows', 'Follows', id FROM u WHERE display_name = 'chose' RETURNING id),
        s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p RETURNING id, project_id),
        c AS (INSERT INTO subject_comments (project_id, subject_id, user_id, body, hidden_at)
          SELECT s.project_id, s.id, u.id, x.body, CASE WHEN x.hidden THEN now() END FROM s, (VALUES
            ('shown', 'one', false), ('shown', 'two', false), ('hidden', 'rude', true), ('both', 'rude', true), ('both', 'fine', false), ('stopped', 'said', false),
            ('guest', 'before the rule', false), ('gone', 'said before leaving', false)) x(name, body, hidden)
          JOIN u ON u.display_name = x.name)
      INSERT INTO discussion_follows (project_id, subject_id, user_id, following)
        SELECT s.project_id, s.id, u.id, u.display_name = 'chose' FROM s, u WHERE u.display_name IN ('stopped', 'chose')`,
    )).finally(() => before.destroy());
    const batch = FollowsByCommenting1797950000000.batch;
    FollowsByCommenting1797950000000.batch = 2;
    const after = await openDatabase(url, 1).finally(() => {
      FollowsByCommenting1797950000000.batch = batch;
    });
    try {
      expect(new FollowsByCommenting1797950000000().transaction).toBe(false);
      const rows: { name: string; following: boolean; chosen: boolean }[] = await after.query(
        'SELECT u.display_name AS name, d.following, d.chosen FROM discussion_follows d JOIN users u ON u.id = d.user_id ORDER BY u.display_name',
      );
      expect(rows.map((row) => [row.name, row.following, row.chosen])).toEqual([
        ['both', true, false],
        ['chose', true, true],
        ['shown', true, false],
        ['stopped', false, true],
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('keep the note and the researcher of the subjects unretired before, in the columns a later retirement leaves alone, and of no other (tester 23 F7)', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(LastUnretirementKept1797410000000)) });
    await before.initialize();
    const [{ workflow, researcher }] = await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'unretired', 'Unretired', id FROM u RETURNING id),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
        s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT id, '[]', e FROM p, (VALUES ('unretired'), ('manual'), ('open')) x(e) RETURNING id, external_id)
      INSERT INTO subject_workflow_status (workflow_id, subject_id, retired_at, retirement_reason, retirement_detail)
        SELECT w.id, s.id, x.retired_at, x.reason, x.detail
        FROM w, s, u, LATERAL (VALUES
          ('unretired', NULL::timestamptz, NULL, jsonb_build_object('unretired', 'Pages out of order', 'by', u.id)),
          ('manual', now(), 'manual', jsonb_build_object('reason', 'torn page', 'by', u.id)),
          ('open', NULL, NULL, NULL)) x(subject, retired_at, reason, detail)
        WHERE s.external_id = x.subject
      RETURNING (SELECT id FROM w) AS workflow, (SELECT id FROM u) AS researcher`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows = await after.query(
        `SELECT s.external_id, st.unretirement_note, st.unretired_by, st.unretired_at, st.unretired_by_role
         FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 ORDER BY 1`,
        [workflow],
      );
      expect(rows).toEqual([
        { external_id: 'manual', unretirement_note: null, unretired_by: null, unretired_at: null, unretired_by_role: null },
        { external_id: 'open', unretirement_note: null, unretired_by: null, unretired_at: null, unretired_by_role: null },
        { external_id: 'unretired', unretirement_note: 'Pages out of order', unretired_by: researcher, unretired_at: null, unretired_by_role: null },
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('give the reviews made before their reviewer’s role now when it is a researcher’s, and none to one no longer on the team or no longer a researcher', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(ReviewedByRole1797460000000)) });
    await before.initialize();
    const [{ workflow }] = await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'Owner'), ('registered', 'Scientist'), ('registered', 'Moderator'), ('registered', 'Gone') RETURNING id, display_name),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'reviewed', 'Reviewed', id FROM u WHERE display_name = 'Owner' RETURNING id),
        m AS (INSERT INTO project_members (project_id, user_id, role) SELECT p.id, u.id, lower(u.display_name) FROM p, u WHERE u.display_name <> 'Gone'),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
        s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT p.id, '[]', u.display_name FROM p, u RETURNING id, external_id)
      INSERT INTO consensus_reviews (workflow_id, subject_id, task, state, value, reviewed_by, reviewed_at)
        SELECT w.id, s.id, 'T0', 'corrected', '"yes"', u.id, now() FROM w, s JOIN u ON u.display_name = s.external_id
      RETURNING (SELECT id FROM w) AS workflow`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows = await after.query(
        'SELECT s.external_id, r.reviewed_by_role FROM consensus_reviews r JOIN subjects s ON s.id = r.subject_id WHERE r.workflow_id = $1 ORDER BY 1',
        [workflow],
      );
      expect(rows).toEqual([
        { external_id: 'Gone', reviewed_by_role: null },
        // A scientist who reviewed, made a moderator since.
        { external_id: 'Moderator', reviewed_by_role: null },
        { external_id: 'Owner', reviewed_by_role: 'owner' },
        { external_id: 'Scientist', reviewed_by_role: 'scientist' },
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('give each consensus and approval stored before the comparable form of its answer, as its version defines the task, so that reordered answers compare alike in SQL', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(ComparableConsensus1797710000000)) });
    await before.initialize();
    // Version 1 asks colours (a multiple choice), a form, a transcription, marks and tags; version 2 makes the colours a single choice.
    const tasks = (colours: string) => ({ colours: { type: colours }, form: { type: 'fields' }, text: { type: 'transcription' }, marks: { type: 'marking' }, tags: { type: 'tagging' }, deep: { type: 'fields' } });
    const marks = JSON.stringify([{ tool: 'penguin', y: 2, x: 1 }, { tool: 'penguin', x: 0, y: 0 }]);
    // Nested far deeper than any answer: read, it would overflow the stack; it is compared as it is.
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const [{ workflow }] = await runMigrations(before)
      .then(() =>
        before.query(
          `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'comparable', 'Comparable', id FROM u RETURNING id),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 2 FROM p RETURNING id),
        v AS (INSERT INTO workflow_versions (workflow_id, version, definition, created_at)
          SELECT w.id, x.version, jsonb_build_object('tasks', x.tasks), now() FROM w, (VALUES (1, $1::jsonb), (2, $2::jsonb)) x(version, tasks)),
        s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT id, '[]', x.external_id FROM p, (VALUES ('s'), ('s2')) x(external_id) RETURNING id, external_id),
        c AS (INSERT INTO consensus (workflow_id, subject_id, task, answer, result, agreement, votes, algorithm, computed_at, workflow_version)
          SELECT w.id, s.id, x.task, x.answer, '{}', 1, 3, 'a', now(), x.version FROM w, s,
            (VALUES ('colours', 'red;blue', 1), ('form', '{"b":"2","a":"1"}', 1), ('text', 'Marié', 1), ('single', 'blue;red', 2), ('tied', NULL, 1),
              ('marks', $3, 1), ('tags', 'owl;cat', 1), ('deep', $4, 1)) x(task, answer, version)
          WHERE s.external_id = 's'),
        -- s2 has no consensus row: its approval is read as the workflow's current version (2) defines the task.
        bulk AS (INSERT INTO subjects (project_id, locations, external_id) SELECT id, '[]', 'bulk-' || g FROM p, generate_series(1, 5001) g RETURNING id),
        bulk_consensus AS (INSERT INTO consensus (workflow_id, subject_id, task, answer, result, agreement, votes, algorithm, computed_at, workflow_version)
          SELECT w.id, bulk.id, 'colours', 'red;blue', '{}', 1, 3, 'a', now(), 1 FROM w, bulk)
      INSERT INTO consensus_reviews (workflow_id, subject_id, task, state, value, approved_consensus, reviewed_by, reviewed_at)
        SELECT w.id, s.id, x.task, 'approved', 'null', x.approved, u.id, now() FROM w, s, u,
          (VALUES ('s', 'colours', 'blue;red'), ('s', 'form', '{"a":"1","b":"2"}'), ('s', 'text', 'Marié'), ('s', 'tied', 'red'), ('s2', 'form', '{"b":"2","a":"1"}')) x(external_id, task, approved)
        WHERE s.external_id = x.external_id
      RETURNING (SELECT id FROM w) AS workflow`,
          [JSON.stringify(tasks('multiple')), JSON.stringify(tasks('single')), marks, deep],
        ),
      )
      .finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const consensus = await after.query("SELECT task, comparable_answer FROM consensus c JOIN subjects s ON s.id = c.subject_id WHERE c.workflow_id = $1 AND s.external_id = 's' ORDER BY task", [workflow]);
      expect(consensus).toEqual([
        { task: 'colours', comparable_answer: '["blue","red"]' },
        { task: 'deep', comparable_answer: null },
        { task: 'form', comparable_answer: '{"a":"1","b":"2"}' },
        { task: 'marks', comparable_answer: JSON.stringify(['{"tool":"penguin","x":0,"y":0}', '{"tool":"penguin","x":1,"y":2}']) },
        // Version 2's single choice, and a tie: their answer as it is.
        { task: 'single', comparable_answer: null },
        { task: 'tags', comparable_answer: '["cat","owl"]' },
        { task: 'text', comparable_answer: 'Marié' },
        { task: 'tied', comparable_answer: null },
      ]);
      // More rows than one batch of the migration: the rows after the first batch have it too.
      const bulk = await after.query("SELECT count(*)::int AS rows, count(*) FILTER (WHERE comparable_answer = '[\"blue\",\"red\"]')::int AS filled FROM consensus c JOIN subjects s ON s.id = c.subject_id WHERE c.workflow_id = $1 AND s.external_id LIKE 'bulk-%'", [workflow]);
      expect(bulk).toEqual([{ rows: 5001, filled: 5001 }]);
      // Each approval's as its consensus's version defines the task: the same form as the consensus's where it is the same answer.
      const approvals = await after.query('SELECT s.external_id, task, approved_comparable FROM consensus_reviews r JOIN subjects s ON s.id = r.subject_id WHERE r.workflow_id = $1 ORDER BY s.external_id, task', [workflow]);
      expect(approvals).toEqual([
        { external_id: 's', task: 'colours', approved_comparable: '["blue","red"]' },
        // Written so already: the answer stands for itself, as the consensus's form is it.
        { external_id: 's', task: 'form', approved_comparable: null },
        { external_id: 's', task: 'text', approved_comparable: null },
        { external_id: 's', task: 'tied', approved_comparable: null },
        // No consensus row: as the workflow's current version defines the task.
        { external_id: 's2', task: 'form', approved_comparable: '{"a":"1","b":"2"}' },
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('name the text passages uploaded before by their set and number, as an upload now does, and no other subject (tester 22 F9)', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(PassagesNamed1797391000000)) });
    await before.initialize();
    // [text, metadata, external_id, set]
    const subjects = [
      ['Dear Sister,', { passage: 1 }, null, 'Letters'],
      ['My dear Tom,', { passage: 2 }, null, 'Letters'],
      // A subject of the project has the id the passage would take: it takes the first free.
      ['Uploaded with its id', {}, 'Letters#3', 'Letters'],
      ['A third letter.', { passage: 3 }, null, 'Letters'],
      ['Named already', { passage: 4 }, 'ms-4', 'Letters'],
      ['A page of another corpus', { passage: 1 }, null, 'Diaries'],
      ['Without a number', { passage: 'one' }, null, 'Diaries'],
      ['In no set', { passage: 5 }, null, null],
    ] as const;
    await runMigrations(before)
      .then(() =>
        before.query(
          `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
            p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'letters', 'Letters', id FROM u RETURNING id),
            sets AS (INSERT INTO subject_sets (project_id, name) SELECT p.id, x.name FROM p, (VALUES ('Letters'), ('Diaries')) x(name) RETURNING id, name),
            x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(text text, metadata jsonb, external_id text, set text)),
            s AS (INSERT INTO subjects (project_id, locations, metadata, external_id) SELECT p.id, jsonb_build_array(jsonb_build_object('type', 'text', 'text', x.text)), x.metadata, x.external_id FROM p, x RETURNING id, locations)
          INSERT INTO subject_set_members (subject_set_id, subject_id) SELECT sets.id, s.id FROM s JOIN x ON x.text = s.locations -> 0 ->> 'text' JOIN sets ON sets.name = x.set`,
          [JSON.stringify(subjects.map(([words, metadata, external_id, set]) => ({ text: words, metadata, external_id, set })))],
        ),
      )
      .finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows: { text: string; external_id: string | null }[] = await after.query("SELECT locations -> 0 ->> 'text' AS text, external_id FROM subjects");
      expect(new Map(rows.map((row) => [row.text, row.external_id]))).toEqual(
        new Map([
          ['Dear Sister,', 'Letters#1'],
          ['My dear Tom,', 'Letters#2'],
          ['Uploaded with its id', 'Letters#3'],
          ['A third letter.', 'Letters#3 (2)'],
          ['Named already', 'ms-4'],
          ['A page of another corpus', 'Diaries#1'],
          ['Without a number', null],
          ['In no set', null],
        ]),
      );
    } finally {
      await after.destroy();
    }
  });

  it('mark the demo made before as the one that came with Chorus, whoever has it now, and no other project', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(DemoProjectMarked1797356000000)) });
    await before.initialize();
    await runMigrations(before)
      .then(() =>
        before.query(
          `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'Teacher') RETURNING id),
            p AS (INSERT INTO projects (slug, title, owner_id) SELECT x.slug, x.slug, id FROM u, (VALUES ('ad-or-not'), ('letters')) x(slug) RETURNING id)
          INSERT INTO subjects (project_id, locations, external_id) SELECT id, '[]', 'demo-01' FROM p`,
        ),
      )
      .finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      expect(await after.query('SELECT slug, came_with_chorus AS "cameWithChorus" FROM projects ORDER BY slug')).toEqual([
        { slug: 'ad-or-not', cameWithChorus: true },
        { slug: 'letters', cameWithChorus: false },
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('give each project made before the plain text of its description’s opening the project list shows', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(ListedDescriptions1797680000000)) });
    await before.initialize();
    await runMigrations(before)
      .then(() =>
        before.query(
          `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'Teacher') RETURNING id)
          INSERT INTO projects (slug, title, owner_id, description) SELECT x.slug, x.slug, id, x.description FROM u,
            (VALUES ('bold', E'# About\\n\\nRead **old** [letters](https://example.org).'), ('none', ''), ('setext', repeat(E'a\n=\n', 5000))) x(slug, description)`,
        ),
      )
      .finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      expect(await after.query('SELECT slug, listed_description AS listed FROM projects ORDER BY slug')).toEqual([
        { slug: 'bold', listed: 'About\nRead old letters.' },
        { slug: 'none', listed: '' },
        { slug: 'setext', listed: `${Array(150).fill('a').join('\n')}…` },
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('give each subject report stored before when it was last made, as far as it keeps it: an open one made again its change, any other its creation', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(SubjectReportsReportedAt1797690000000)) });
    await before.initialize();
    await runMigrations(before)
      .then(() =>
        before.query(
          `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'again'), ('registered', 'once'), ('registered', 'dismissed'), ('deleted', 'erased') RETURNING id, display_name),
            p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'reported-at', 'Reported at', id FROM u WHERE display_name = 'once' RETURNING id),
            w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
            s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p RETURNING id)
          INSERT INTO subject_reports (workflow_id, subject_id, user_id, reason, note, created_at, updated_at, dismissed_at)
          SELECT w.id, s.id, u.id, 'other', x.note, '2026-01-01T00:00:00Z', x.updated::timestamptz, x.dismissed::timestamptz FROM w, s, u
          JOIN (VALUES ('again', 'Other words', '2026-01-03T00:00:00Z', NULL), ('once', 'First words', NULL, NULL),
                       ('dismissed', 'Words', '2026-01-04T00:00:00Z', '2026-01-04T00:00:00Z'), ('erased', NULL, '2026-01-05T00:00:00Z', NULL)) x(name, note, updated, dismissed)
            ON x.name = u.display_name`,
        ),
      )
      .finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows: { name: string; reported_at: Date }[] = await after.query('SELECT u.display_name AS name, r.reported_at FROM subject_reports r JOIN users u ON u.id = r.user_id ORDER BY 1');
      expect(rows.map(({ name, reported_at }) => [name, reported_at.toISOString()])).toEqual([
        ['again', '2026-01-03T00:00:00.000Z'],
        ['dismissed', '2026-01-01T00:00:00.000Z'],
        ['erased', '2026-01-01T00:00:00.000Z'],
        ['once', '2026-01-01T00:00:00.000Z'],
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('count workflows finished before completion runs as completed, and no other, so the sweep starts no run for them', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(FinishedBeforeCompletionRuns1797247000000)) });
    await before.initialize();
    await runMigrations(before)
      .then(() =>
        before.query(
          `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
            p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'finished', 'Finished', id FROM u RETURNING id)
          INSERT INTO workflows (project_id, name, status, version) SELECT p.id, x.status, x.status, 1 FROM p, (VALUES ('finished'), ('active'), ('paused'), ('draft')) x(status)`,
        ),
      )
      .finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows = await after.query('SELECT name, completed_at IS NOT NULL AS completed FROM workflows ORDER BY name');
      expect(rows).toEqual([
        { name: 'active', completed: false },
        { name: 'draft', completed: false },
        { name: 'finished', completed: true },
        { name: 'paused', completed: false },
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('announce no workflow complete or finished before completions were told: each is marked untold, its recorded completion tells nobody, a later one its team', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(WorkflowCompleteNotifications1797970000000)) });
    await before.initialize();
    await runMigrations(before)
      .then(() =>
        before.query(
          `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
            p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'old', 'Old', id FROM u RETURNING id),
            m AS (INSERT INTO project_members (project_id, user_id, role) SELECT p.id, u.id, 'owner' FROM p, u),
            w AS (INSERT INTO workflows (project_id, name, status, version, completed_at)
              SELECT p.id, x.name, x.status, 1, x.completed_at FROM p, (VALUES ('finished', 'finished', NULL::timestamptz), ('complete', 'active', NULL), ('open', 'active', NULL),
                ('draft', 'draft', NULL), ('recorded', 'active', now())) x(name, status, completed_at) RETURNING id, name, project_id),
            s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT id, '[]', e FROM p, (VALUES ('done'), ('left')) x(e) RETURNING id, external_id)
          INSERT INTO subject_workflow_status (workflow_id, subject_id, retired_at, retirement_reason)
            SELECT w.id, s.id, CASE WHEN s.external_id = 'done' THEN now() END, CASE WHEN s.external_id = 'done' THEN 'count' END
            FROM w, s WHERE (w.name IN ('complete', 'draft', 'recorded') AND s.external_id = 'done') OR (w.name = 'open')`,
        ),
      )
      .finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      expect(await after.query('SELECT name, completion_untold AS untold FROM workflows ORDER BY name')).toEqual([
        { name: 'complete', untold: true },
        { name: 'draft', untold: false },
        { name: 'finished', untold: true },
        { name: 'open', untold: false },
        { name: 'recorded', untold: false },
      ]);
      // The worker's sweep records the old completion, telling nobody, nor a webhook registered since; a completion after
      // it is told, its webhook too. TypeORM answers an UPDATE with [rows, count].
      await after.query("INSERT INTO webhooks (project_id, url, events, secret) SELECT id, 'https://example.org/hook', '{workflow.completed}', 'whsec_test' FROM projects");
      const [[{ id }]] = await after.query("UPDATE workflows SET completed_at = now() WHERE name = 'complete' RETURNING id");
      expect(await after.transaction((manager) => recordWorkflowCompleted(manager, id))).toEqual([]);
      expect(await after.transaction((manager) => tellCompletion(manager, id, ['owner']))).toBe(0);
      expect(await after.query('SELECT completion_untold AS untold FROM workflows WHERE id = $1', [id])).toEqual([{ untold: false }]);
      await after.query("UPDATE workflows SET completed_at = now() + interval '1 second' WHERE id = $1", [id]);
      expect(await after.transaction((manager) => recordWorkflowCompleted(manager, id))).toHaveLength(1);
      expect(await after.transaction((manager) => tellCompletion(manager, id, ['owner']))).toBe(1);
    } finally {
      await after.destroy();
    }
  });

  it('give each report stored before its volunteer as whom it was made, for its pseudonym', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(ReporterIds1797248000000)) });
    await before.initialize();
    const volunteers: { id: string }[] = await runMigrations(before)
      .then(() =>
        before.query(
          `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R'), ('guest', 'G') RETURNING id, kind),
            p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'reports', 'Reports', id FROM u WHERE kind = 'registered' RETURNING id),
            w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
            s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p RETURNING id),
            r AS (INSERT INTO subject_reports (workflow_id, subject_id, user_id, reason) SELECT w.id, s.id, u.id, 'other' FROM w, s, u)
          SELECT id FROM u ORDER BY id`,
        ),
      )
      .finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      expect(await after.query('SELECT user_id AS id, reporter_id FROM subject_reports ORDER BY user_id')).toEqual(volunteers.map(({ id }) => ({ id, reporter_id: id })));
    } finally {
      await after.destroy();
    }
  });

  it('give a report stored without its reporter, as a release before reporter_id stores it, its volunteer as reporter, and keep one given', async () => {
    const database = await createTestDatabase();
    const dataSource = await openDatabase(database.url, 1);
    try {
      const [{ volunteer, other }] = await dataSource.query(
        `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R'), ('guest', 'G') RETURNING id, kind),
          p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'earlier', 'Earlier', id FROM u WHERE kind = 'registered' RETURNING id),
          w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
          s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p RETURNING id),
          earlier AS (INSERT INTO subject_reports (workflow_id, subject_id, user_id, reason) SELECT w.id, s.id, u.id, 'other' FROM w, s, u WHERE u.kind = 'guest'),
          given AS (INSERT INTO subject_reports (workflow_id, subject_id, user_id, reporter_id, reason)
            SELECT w.id, s.id, u.id, (SELECT id FROM u WHERE kind = 'guest'), 'other' FROM w, s, u WHERE u.kind = 'registered')
        SELECT (SELECT id FROM u WHERE kind = 'guest') AS volunteer, (SELECT id FROM u WHERE kind = 'registered') AS other`,
      );
      const reporters = () => dataSource.query('SELECT user_id, reporter_id FROM subject_reports ORDER BY user_id = $1', [volunteer]);
      expect(await reporters()).toEqual([{ user_id: other, reporter_id: volunteer }, { user_id: volunteer, reporter_id: volunteer }]);
      await dataSource.query('DELETE FROM subject_reports WHERE user_id = $1', [other]);
      await dataSource.query('UPDATE subject_reports SET user_id = $1', [other]); // a guest's sign-in carries it
      expect(await reporters()).toEqual([{ user_id: other, reporter_id: volunteer }]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('put each researcher’s removal still stored on the effect membership it ended, and none on those routing ended', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(RemovalOnMembership1797236600000)) });
    await before.initialize();
    const [{ researcher }] = await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'removals', 'Removals', id FROM u RETURNING id),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
        ss AS (INSERT INTO subject_sets (project_id, name) SELECT id, x.name FROM p, (VALUES ('Removed'), ('Routed')) x(name) RETURNING id, name),
        s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p RETURNING id),
        e AS (INSERT INTO effect_memberships (subject_id, workflow_id, subject_set_id, added_at, left_at)
          SELECT s.id, w.id, ss.id, now() - interval '1 day', now() - interval '1 hour' FROM s, w, ss),
        r AS (INSERT INTO subject_set_removals (subject_set_id, subject_id, removed_by, removed_at)
          SELECT ss.id, s.id, u.id, now() - interval '1 hour' FROM ss, s, u WHERE ss.name = 'Removed')
      SELECT (SELECT id FROM u) AS researcher`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows = await after.query('SELECT ss.name, e.removed_by FROM effect_memberships e JOIN subject_sets ss ON ss.id = e.subject_set_id ORDER BY 1');
      expect(rows).toEqual([{ name: 'Removed', removed_by: researcher }, { name: 'Routed', removed_by: null }]);
    } finally {
      await after.destroy();
    }
  });

  it('rewrite the hidden tags stored before invisible characters and full-width letters were read away, keeping the first of two hidings of one tag', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(HiddenTagsRenormalised1797229000000)) });
    await before.initialize();
    // As the old rule stored them: NFC, lower case, so `ＳＰＡＭ` as `ｓｐａｍ` and `spam` with a zero-width space as it came.
    const [{ workflow, a, b, user }] = await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'renormalised', 'Tags', id FROM u RETURNING id),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
        s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT id, '[]', e FROM p, (VALUES ('a'), ('b')) x(e) RETURNING id, external_id),
        h AS (INSERT INTO hidden_tags (workflow_id, subject_id, task, tag, hidden_by, reason, hidden_at)
          SELECT w.id, s.id, 'T1', x.tag, u.id, x.reason, now() - x.age * interval '1 minute'
          FROM w, u, s, (VALUES ('a', E'spam\u200b', 'first', 3), ('a', 'ｓｐａｍ', 'second', 2), ('a', 'food', 'ascii', 1), ('b', 'ｓｐａｍ', 'only', 1)) x(subject, tag, reason, age)
          WHERE s.external_id = x.subject),
        un AS (INSERT INTO unhidden_tags (workflow_id, subject_id, task, tag, hidden_by, hidden_at, unhidden_by)
          SELECT w.id, s.id, 'T1', E'\u202eidiot', u.id, now(), u.id FROM w, u, s WHERE s.external_id = 'b')
      SELECT (SELECT id FROM w) AS workflow, (SELECT id FROM s WHERE external_id = 'a') AS a, (SELECT id FROM s WHERE external_id = 'b') AS b, (SELECT id FROM u) AS user`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const hidden = await after.query('SELECT subject_id, tag, reason FROM hidden_tags WHERE workflow_id = $1 ORDER BY subject_id = $2 DESC, tag', [workflow, a]);
      expect(hidden).toEqual([
        { subject_id: a, tag: 'food', reason: 'ascii' },
        { subject_id: a, tag: 'spam', reason: 'first' },
        { subject_id: b, tag: 'spam', reason: 'only' },
      ]);
      expect(await after.query('SELECT tag, unhidden_by FROM unhidden_tags WHERE workflow_id = $1', [workflow])).toEqual([{ tag: 'idiot', unhidden_by: user }]);
    } finally {
      await after.destroy();
    }
  });

  it('keep hidden the tags spelled with a zero-width non-joiner that a hiding stored without it covered, and store hidings without the tatweel', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(HiddenTagsJoinersKept1797311000000)) });
    await before.initialize();
    // As the rule before stored them: `کتاب‌خانه` without its non-joiner, `كـتب` with its tatweel.
    const [{ workflow, a, b, user }] = await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'joiners', 'Tags', id FROM u RETURNING id),
        w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
        s AS (INSERT INTO subjects (project_id, locations, external_id) SELECT id, '[]', e FROM p, (VALUES ('a'), ('b')) x(e) RETURNING id, external_id),
        c AS (INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
          SELECT w.id, 1, s.id, u.id, '[{"task": "T1", "value": {"add": ["کتاب\u200cخانه", "نامه\u200cها"], "up": ["KITAB\u200cKHANA"]}}, {"task": "T2", "value": "کتاب\u200cخانه"}]', 'k'
          FROM w, u, s WHERE s.external_id = 'a'),
        h AS (INSERT INTO hidden_tags (workflow_id, subject_id, task, tag, hidden_by, reason, hidden_at)
          SELECT w.id, s.id, 'T1', x.tag, u.id, x.reason, now() - x.age * interval '1 minute'
          FROM w, u, s, (VALUES ('a', 'کتابخانه', 'insult', 4), ('a', 'kitabkhana', 'latin', 4), ('a', 'كتب', 'plain', 3), ('a', E'\u0643\u0640\u062a\u0628', 'stretched', 2), ('b', E'\u0643\u0640\u062a\u0628', 'only', 1)) x(subject, tag, reason, age)
          WHERE s.external_id = x.subject),
        un AS (INSERT INTO unhidden_tags (workflow_id, subject_id, task, tag, hidden_by, hidden_at, unhidden_by)
          SELECT w.id, s.id, 'T1', E'\u0643\u0640\u062a\u0628', u.id, now(), u.id FROM w, u, s WHERE s.external_id = 'b')
      SELECT (SELECT id FROM w) AS workflow, (SELECT id FROM s WHERE external_id = 'a') AS a, (SELECT id FROM s WHERE external_id = 'b') AS b, (SELECT id FROM u) AS user`,
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const hidden = await after.query('SELECT subject_id, tag, reason FROM hidden_tags WHERE workflow_id = $1 ORDER BY subject_id = $2 DESC, tag COLLATE "C"', [workflow, a]);
      expect(hidden).toEqual([
        // A non-joiner between Latin letters joins nothing: `KITAB‌KHANA` is the hidden `kitabkhana`, no second hiding.
        { subject_id: a, tag: 'kitabkhana', reason: 'latin' },
        { subject_id: a, tag: 'كتب', reason: 'plain' },
        { subject_id: a, tag: 'کتابخانه', reason: 'insult' },
        { subject_id: a, tag: 'کتاب\u200cخانه', reason: 'insult' },
        { subject_id: b, tag: 'كتب', reason: 'only' },
      ]);
      expect(await after.query('SELECT tag, unhidden_by FROM unhidden_tags WHERE workflow_id = $1', [workflow])).toEqual([{ tag: 'كتب', unhidden_by: user }]);
    } finally {
      await after.destroy();
    }
  });

  it('build the index of the comments by hashtag, a GIN index of the array, which the entities cannot name', async () => {
    const database = await createTestDatabase();
    const dataSource = await openDatabase(database.url, 1);
    try {
      const indexes: { indexdef: string }[] = await dataSource.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'subject_comments_hashtags_idx'");
      expect(indexes.map(({ indexdef }) => indexdef.replace(/^.* USING /, ''))).toEqual(['gin (hashtags)']);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('give board discussions their comments and follows: indexes built concurrently and valid in place of the follows’ primary key (its ON CONFLICT still served), the constraints validated, after a cut-short run too; down restores the key and NOT NULL with board rows present', async () => {
    expect(new ProjectBoardsIndexes1798020000001().transaction).toBe(false);
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(ProjectBoardsIndexes1798020000001)) });
    await before.initialize();
    try {
      await runMigrations(before);
      await before.query(
        `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R'), ('registered', 'S') RETURNING id),
          p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'boards', 'Boards', min(id::text)::uuid FROM u RETURNING id),
          s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p RETURNING id, project_id)
        INSERT INTO discussion_follows (project_id, subject_id, user_id, following) SELECT s.project_id, s.id, u.id, true FROM s, u`,
      );
      // Cut short while it built its indexes: the first two built, the third left invalid by its interrupted build.
      await before.query('CREATE INDEX CONCURRENTLY subject_comments_board_discussion_idx ON subject_comments (board_discussion_id, created_at, id)');
      await before.query('CREATE UNIQUE INDEX CONCURRENTLY discussion_follows_subject_key ON discussion_follows (project_id, subject_id, user_id)');
      await expect(before.query('CREATE UNIQUE INDEX CONCURRENTLY discussion_follows_board_key ON discussion_follows (project_id)')).rejects.toThrow(/could not create unique index/);
    } finally {
      await before.destroy();
    }
    const after = await openDatabase(url, 1);
    const queryRunner = after.createQueryRunner();
    const indexes = () =>
      queryRunner.query(
        `SELECT c.relname AS name, i.indisvalid AS valid, i.indisunique AS unique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relname IN ('subject_comments_board_discussion_idx', 'discussion_follows_subject_key', 'discussion_follows_board_key', 'discussion_follows_pkey') ORDER BY 1`,
      );
    const constraints = () =>
      queryRunner.query(
        `SELECT conname AS name, convalidated AS validated FROM pg_constraint WHERE conname IN ('discussion_follows_one_discussion', 'discussion_follows_board_discussion_fkey', 'subject_comments_one_discussion', 'FK_ab356418bd486f35b7f2f456014') ORDER BY 1`,
      );
    const subjectIdRequired = async () => (await queryRunner.query("SELECT attnotnull AS required FROM pg_attribute WHERE attrelid = 'discussion_follows'::regclass AND attname = 'subject_id'"))[0].required;
    try {
      expect(await indexes()).toEqual([
        { name: 'discussion_follows_board_key', valid: true, unique: true },
        { name: 'discussion_follows_subject_key', valid: true, unique: true },
        { name: 'subject_comments_board_discussion_idx', valid: true, unique: false },
      ]);
      expect(await constraints()).toEqual(['FK_ab356418bd486f35b7f2f456014', 'discussion_follows_board_discussion_fkey', 'discussion_follows_one_discussion', 'subject_comments_one_discussion'].map((name) => ({ name, validated: true })));
      expect(await subjectIdRequired()).toBe(false);
      // Up again once done (cut short after any of its steps): nothing to do, nothing refused.
      await new ProjectBoardsIndexes1798020000001().up(queryRunner);
      expect((await indexes()).length).toBe(3);
      // A release before this one follows as it did: its ON CONFLICT names the primary key's columns.
      const followedAgain = 'INSERT INTO discussion_follows (project_id, subject_id, user_id, following) SELECT project_id, subject_id, user_id, false FROM discussion_follows ON CONFLICT (project_id, subject_id, user_id) DO UPDATE SET following = EXCLUDED.following';
      await queryRunner.query(followedAgain);
      expect(await queryRunner.query('SELECT following FROM discussion_follows')).toEqual([{ following: false }, { following: false }]);

      // Board rows present: down drops them, and gives back the key and NOT NULL.
      await queryRunner.query(
        `WITH b AS (INSERT INTO project_boards (project_id, title, position) SELECT id, 'Help', 0 FROM projects RETURNING id, project_id),
          d AS (INSERT INTO board_discussions (project_id, board_id, user_id, title) SELECT b.project_id, b.id, u.id, 'Hello' FROM b, users u WHERE u.display_name = 'R' RETURNING id, project_id, user_id),
          c AS (INSERT INTO subject_comments (project_id, board_discussion_id, user_id, body) SELECT project_id, id, user_id, 'Hi' FROM d)
        INSERT INTO discussion_follows (project_id, board_discussion_id, user_id, following) SELECT project_id, id, user_id, true FROM d`,
      );
      await new ProjectBoardsIndexes1798020000001().down(queryRunner);
      expect(await indexes()).toEqual([{ name: 'discussion_follows_pkey', valid: true, unique: true }]);
      expect(await subjectIdRequired()).toBe(true);
      await queryRunner.query(followedAgain);
      await new ProjectBoards1798020000000().down(queryRunner);
      expect(await queryRunner.query("SELECT attnotnull AS required FROM pg_attribute WHERE attrelid = 'subject_comments'::regclass AND attname = 'subject_id'")).toEqual([{ required: true }]);
      expect(await queryRunner.query('SELECT count(*)::int AS follows FROM discussion_follows')).toEqual([{ follows: 2 }]);
    } finally {
      await queryRunner.release();
      await after.destroy();
    }
  });

  it('build the subject indexes concurrently, outside a transaction, replacing one an interrupted build left invalid', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(SubjectForeignKeyIndexes1796990000000)) });
    await before.initialize();
    try {
      await before.runMigrations();
      await before.query(
        `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
          p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'invalid', 'Invalid', id FROM u RETURNING id),
          w AS (INSERT INTO workflows (project_id, name, version) SELECT id, name, 1 FROM p, (VALUES ('A'), ('B')) n(name) RETURNING id),
          s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p RETURNING id)
        INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT w.id, s.id FROM w, s`,
      );
      // A unique build fails on the subject's two rows and leaves an invalid index under the migration's name.
      await expect(before.query('CREATE UNIQUE INDEX CONCURRENTLY subject_workflow_status_subject_idx ON subject_workflow_status (subject_id)')).rejects.toThrow(/could not create unique index/);
    } finally {
      await before.destroy();
    }
    const after = await openDatabase(url, 1);
    try {
      const indexes = await after.query(
        `SELECT c.relname AS name, i.indisvalid AS valid, i.indisunique AS unique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relname IN ('classifications_subject_idx', 'consensus_subject_idx', 'subject_workflow_status_subject_idx') ORDER BY 1`,
      );
      expect(indexes).toEqual(['classifications_subject_idx', 'consensus_subject_idx', 'subject_workflow_status_subject_idx'].map((name) => ({ name, valid: true, unique: false })));
    } finally {
      await after.destroy();
    }
  });

  it("stamp the live holds of guests made from an address before their holds carried it, and nobody else's", async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(GuestAddressHolds1797234000000)) });
    await before.initialize();
    try {
      await runMigrations(before);
      await before.query(
        `WITH u AS (INSERT INTO users (kind, display_name, guest_address) VALUES ('registered', 'account', NULL), ('guest', 'guest', '203.0.113.9'), ('guest', 'without', NULL) RETURNING id, display_name),
          p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'holds', 'Holds', id FROM u WHERE display_name = 'account' RETURNING id),
          w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
          s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p, generate_series(1, 2) RETURNING id)
        INSERT INTO assignments (workflow_id, user_id, subject_id, expires_at)
        SELECT w.id, u.id, s.id, CASE WHEN s.id = (SELECT min(id::text)::uuid FROM s) THEN now() + interval '1 hour' ELSE now() - interval '1 hour' END FROM w, u, s`,
      );
    } finally {
      await before.destroy();
    }
    const after = await openDatabase(url, 1);
    try {
      const stamped = await after.query(
        `SELECT u.display_name AS holder, a.expires_at > now() AS live, a.guest_address AS address FROM assignments a JOIN users u ON u.id = a.user_id ORDER BY 1, 2`,
      );
      expect(stamped).toEqual([
        { holder: 'account', live: false, address: null },
        { holder: 'account', live: true, address: null },
        { holder: 'guest', live: false, address: null },
        { holder: 'guest', live: true, address: '203.0.113.9' },
        { holder: 'without', live: false, address: null },
        { holder: 'without', live: true, address: null },
      ]);
      expect(await after.query("SELECT indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'assignments_guest_address_idx'")).toEqual([{ valid: true }]);
    } finally {
      await after.destroy();
    }
  });

  it('check the annotations of the classifications stored before, finishing the check an interrupted run left unvalidated', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(AnnotationsList1797225000000)) });
    await before.initialize();
    try {
      await runMigrations(before);
      await before.query(
        `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
          p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'annotations', 'Annotations', id FROM u RETURNING id),
          w AS (INSERT INTO workflows (project_id, name, version) SELECT id, 'W', 1 FROM p RETURNING id),
          s AS (INSERT INTO subjects (project_id, locations) SELECT id, '[]' FROM p RETURNING id)
        INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
        SELECT w.id, 1, s.id, u.id, '[{"task": "T0", "value": "yes"}]', 'k' FROM u, w, s`,
      );
      // Interrupted once the constraint was added, before it was validated.
      await before.query(`ALTER TABLE classifications ADD CONSTRAINT classifications_annotations_list CHECK (jsonb_typeof(annotations) = 'array') NOT VALID`);
    } finally {
      await before.destroy();
    }
    const after = await openDatabase(url, 1);
    try {
      expect(await after.query("SELECT convalidated AS validated FROM pg_constraint WHERE conname = 'classifications_annotations_list'")).toEqual([{ validated: true }]);
    } finally {
      await after.destroy();
    }
  });

  it('compose the externalIds stored decomposed or with direction marks at their ends, leaving those another subject of the project has or would have', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(ExternalIdsComposed1797312000000)) });
    await before.initialize();
    const [amr, amr2, nama] = ['أمر-١', 'أمر-٢', 'نامه-۰۰۳'];
    // Project "a": amr stored composed and decomposed (two subjects already); amr2 decomposed and with an RLM (two
    // that would both become amr2); nama with an RLM alone. Project "b": amr decomposed alone; an id of marks only.
    const stored = [
      ['a', amr], ['a', amr.normalize('NFD')], ['a', amr2.normalize('NFD')], ['a', `${amr2}\u200F`], ['a', `\u200F${nama}`], ['a', 'plain-1'],
      ['b', amr.normalize('NFD')], ['b', '\u200F\u200E'],
    ];
    await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'composed-' || x.slug, 'Ids', u.id FROM u, (VALUES ('a'), ('b')) x(slug) RETURNING id, slug)
      INSERT INTO subjects (project_id, locations, external_id) SELECT p.id, '[]', x.external_id FROM p, unnest($1::text[], $2::text[]) AS x(project, external_id) WHERE p.slug = 'composed-' || x.project`,
      [stored.map(([project]) => project), stored.map(([, id]) => id)],
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const rows: { project: string; external_id: string }[] = await after.query("SELECT right(p.slug, 1) AS project, s.external_id FROM subjects s JOIN projects p ON p.id = s.project_id");
      const expected = [
        ['a', amr], ['a', amr.normalize('NFD')], ['a', amr2.normalize('NFD')], ['a', `${amr2}\u200F`], ['a', nama], ['a', 'plain-1'],
        ['b', amr], ['b', '\u200F\u200E'],
      ];
      expect(rows).toHaveLength(expected.length);
      expect(rows).toEqual(expect.arrayContaining(expected.map(([project, external_id]) => ({ project, external_id }))));
      // Three left as they were, because another subject of their project has (or would have) their id composed.
      expect(rows.filter(({ external_id }) => external_id !== external_id.normalize('NFC') || external_id.endsWith('\u200F'))).toHaveLength(3);
    } finally {
      await after.destroy();
    }
  });

  it('give each subject set a name its project’s only, renaming the later of sets that shared one with the first free number', async () => {
    const url = withDatabase(process.env.CHORUS_TEST_DATABASE_URL!, testDatabaseName());
    await ensureDatabase(url);
    const before = new DataSource({ ...dataSourceOptions(url, 1), migrations: migrations.slice(0, migrations.indexOf(SubjectSetNamesUnique1797348000000)) });
    await before.initialize();
    // Project "a": Letters three times (trimmed, case aside), a "Letters (2)" of its own, and a name of 200 characters twice; project "b": its own Letters.
    const long = 'L'.repeat(200);
    const stored = [['a', 'Letters'], ['a', ' letters'], ['a', 'Letters (2)'], ['a', 'LETTERS'], ['a', long], ['a', long.toLowerCase()], ['b', 'letters']];
    await runMigrations(before).then(() => before.query(
      `WITH u AS (INSERT INTO users (kind, display_name) VALUES ('registered', 'R') RETURNING id),
        p AS (INSERT INTO projects (slug, title, owner_id) SELECT 'names-' || x.slug, 'Sets', u.id FROM u, (VALUES ('a'), ('b')) x(slug) RETURNING id, slug)
      INSERT INTO subject_sets (project_id, name, created_at)
        SELECT p.id, x.name, now() + x.ord * interval '1 second' FROM p, unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(project, name, ord) WHERE p.slug = 'names-' || x.project`,
      [stored.map(([project]) => project), stored.map(([, name]) => name)],
    )).finally(() => before.destroy());
    const after = await openDatabase(url, 1);
    try {
      const sets: { project: string; name: string }[] = await after.query("SELECT right(p.slug, 1) AS project, s.name FROM subject_sets s JOIN projects p ON p.id = s.project_id ORDER BY s.created_at");
      expect(sets.map(({ project, name }) => [project, name])).toEqual([
        ['a', 'Letters'], ['a', 'letters (3)'], ['a', 'Letters (2)'], ['a', 'LETTERS (4)'], ['a', long], ['a', `${'l'.repeat(196)} (2)`], ['b', 'letters'],
      ]);
      const taken = await after.query("INSERT INTO subject_sets (project_id, name) SELECT project_id, ' LETTERS ' FROM subject_sets WHERE name = 'Letters'").catch((error: { constraint?: string }) => error);
      expect(taken).toMatchObject({ constraint: 'subject_sets_project_name_key' });
    } finally {
      await after.destroy();
    }
  });
});
