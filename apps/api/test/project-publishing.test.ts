import { randomUUID } from 'node:crypto';
import type { ChorusClient } from '@chorus/client';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Logger } from '@nestjs/common';
import { Tokens } from '../src/auth/tokens';
import { newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { committedMeanwhile } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';
import { refusal } from '../../../test/support/requests';

/**
 * A project goes live (onto the public list) only from an account whose email is verified, and the operators of this
 * Chorus (OPERATOR_IDS) take one down from the public, with a reason its members see, and restore it.
 */
const OPERATOR = randomUUID();
let stack: Stack;
let operator: ChorusClient;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { OPERATOR_IDS: OPERATOR } });
  const email = `operator-${OPERATOR}@example.org`;
  await stack.db.query("INSERT INTO users (id, kind, display_name, email, email_verified_at) VALUES ($1, 'registered', 'Operator', $2, now())", [OPERATOR, email]);
  operator = stack.anonymous.withToken((await stack.app.get(Tokens).session({ id: OPERATOR, kind: 'registered', displayName: 'Operator', email, emailVerified: true })).token);
});
afterAll(() => stack.stop());

const listedIds = async (client: ChorusClient = stack.anonymous) => (await client.listProjects()).projects.map((project) => project.id);

it('publishes a project only from an account whose email is verified, and changes nothing otherwise', async () => {
  const fresh = await newAccount(stack, 'Fresh', { verified: false });
  const title = `Unverified ${randomUUID()}`;
  await refusal(fresh.client.createProject({ title, status: 'live' }), { status: 403, type: 'urn:chorus:problem:email-unverified', pointers: ['/status'] });
  expect((await stack.db.query('SELECT count(*)::int AS n FROM projects WHERE title = $1', [title])).rows[0].n).toBe(0);

  // A draft it may make, but not take live.
  const draft = await fresh.client.createProject({ title });
  await refusal(fresh.client.updateProject(draft.id, { status: 'live' }), { status: 403, type: 'urn:chorus:problem:email-unverified', pointers: ['/status'] });
  expect((await fresh.client.getProject(draft.id)).status).toBe('draft');
  expect(await listedIds()).not.toContain(draft.id);

  // Verified, the same account publishes it.
  await stack.anonymous.verifyEmail(stack.inbox.linkToken(await stack.inbox.takeVerification(fresh.email)));
  expect((await fresh.client.updateProject(draft.id, { status: 'live' })).status).toBe('live');
  expect(await listedIds()).toContain(draft.id);
});

it("lets the operators take a project down from the public with a reason its members see, and restore it", async () => {
  const { projectId, workflowId } = await voteWorkflow(stack, 5);
  const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  expect((await guest.queue(workflowId, 2)).subjects).toHaveLength(2);

  // Only operators; the owner cannot take their own down (nor anyone else theirs).
  const byOwner = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/take-down`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${stack.client.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'mine' }),
  });
  expect(byOwner.status).toBe(403);
  expect(byOwner.headers.get('content-type')).toContain('application/problem+json');
  expect(((await byOwner.json()) as { detail: string }).detail).toContain('OPERATOR_IDS');
  await refusal(stack.client.restoreProject(projectId), { status: 403 });
  // Bad input names the field and changes nothing; an unknown project is not found.
  await refusal(operator.takeDownProject(projectId, { reason: '  ' }), { status: 422, pointers: ['/reason'] });
  expect(await listedIds()).toContain(projectId);
  await refusal(operator.takeDownProject(randomUUID(), { reason: 'spam' }), { status: 404 });

  const reason = 'Advertises a casino; write to abuse@chorus.example.org to discuss it.';
  const takenDown = await operator.takeDownProject(projectId, { reason });
  expect(takenDown).toEqual({ projectId, takenDownAt: expect.any(String), takenDownReason: reason });

  // Gone for everyone but its members: the list, its page, its queue and its answers.
  expect(await listedIds()).not.toContain(projectId);
  expect(await listedIds(guest)).not.toContain(projectId);
  await refusal(stack.anonymous.getProject(projectId), { status: 404 });
  await refusal(guest.queue(workflowId, 2), { status: 404 });
  const [held] = (await stack.db.query('SELECT subject_id FROM assignments WHERE workflow_id = $1 LIMIT 1', [workflowId])).rows;
  await refusal(guest.classify({ workflowId, workflowVersion: 1, subjectId: held.subject_id, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID()));
  expect((await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE workflow_id = $1', [workflowId])).rows[0].n).toBe(0);

  // Its members see that it is taken down, and why, on its page and in their list; setting its status changes nothing.
  expect(await stack.client.getProject(projectId)).toMatchObject({ status: 'live', takenDownAt: takenDown.takenDownAt, takenDownReason: reason });
  expect((await stack.client.listProjects({ member: true })).projects.find((project) => project.id === projectId)).toMatchObject({ takenDownReason: reason });
  await stack.client.updateProject(projectId, { status: 'paused' });
  await stack.client.updateProject(projectId, { status: 'live' });
  expect(await listedIds()).not.toContain(projectId);

  await operator.restoreProject(projectId);
  expect(await listedIds()).toContain(projectId);
  expect(await stack.client.getProject(projectId)).toMatchObject({ status: 'live', takenDownAt: null, takenDownReason: null });
  expect((await guest.queue(workflowId, 2)).subjects.length).toBeGreaterThan(0);
});

/** Every page of the list `client` is given (`member`: of its projects only), `limit` projects a page, walked through each page's `next`; `between` runs after the first. */
async function walkPages(client: ChorusClient, { limit, member }: { limit: number; member?: boolean }, between: () => Promise<unknown> = async () => undefined): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let before: string | undefined;
  for (let pages = 1; ; pages++) {
    const page = await client.listProjects({ limit, before, member });
    expect(page.projects.length).toBeLessThanOrEqual(limit);
    ids.push(...page.projects.map((project) => project.id));
    if (!page.next) return { ids, pages };
    if (pages === 1) await between();
    before = page.next;
  }
}

it('lists the projects a page at a time, newest first, each once, and projects made meanwhile do not move the pages', async () => {
  const made = [];
  for (let n = 1; n <= 5; n++) made.push(await stack.client.createProject({ title: `Paged ${n}`, status: 'live' }));
  // Three made at the same moment, across a page's end: their ids order them.
  const tied = made.slice(1, 4).map((project) => project.id);
  await stack.db.query('UPDATE projects SET created_at = (SELECT created_at FROM projects WHERE id = $1) WHERE id = ANY($2::uuid[])', [tied[0], tied]);
  const whole = await stack.anonymous.listProjects();
  expect(whole.next).toBeNull();
  expect(whole.projects.map((project) => project.id).filter((id) => tied.includes(id))).toEqual([...tied].sort().reverse());

  let meanwhile = '';
  const walked = await walkPages(stack.anonymous, { limit: 2 }, async () => (meanwhile = (await stack.client.createProject({ title: 'Paged meanwhile', status: 'live' })).id));
  expect(walked.ids).toEqual(whole.projects.map((project) => project.id));
  expect(new Set(walked.ids).size).toBe(walked.ids.length);
  expect(walked.pages).toBe(Math.ceil(whole.projects.length / 2));
  // The new one heads the list from its first page on.
  expect((await stack.anonymous.listProjects({ limit: 1 })).projects.map((project) => project.id)).toEqual([meanwhile]);

  // A researcher's pages hold their draft too, each project once; so do the pages of their projects only.
  const draft = await stack.client.createProject({ title: 'Paged draft' });
  for (const query of [{ limit: 2 }, { limit: 1, member: true }]) {
    const own = await walkPages(stack.client, query);
    expect(own.ids).toContain(draft.id);
    expect(new Set(own.ids).size).toBe(own.ids.length);
    expect(own.ids).toEqual((await stack.client.listProjects({ member: query.member })).projects.map((project) => project.id));
  }
});

it("reads every page of a researcher's projects for the lab, not the first alone", async () => {
  const researcher = (await newAccount(stack, 'many-projects')).client;
  const made: string[] = [];
  for (let n = 1; n <= 5; n++) made.unshift((await researcher.createProject({ title: `Lab project ${n}` })).id);
  expect((await researcher.listProjects({ member: true, limit: 2 })).projects).toHaveLength(2);
  expect((await researcher.everyProject({ member: true, limit: 2 })).map((project) => project.id)).toEqual(made);
});

it('finds projects by the words of their title or slug, whatever their case, and % and _ as the letters they are', async () => {
  const titles = ['Herbarium Sheets 100%', 'Herbarium sheets 1000', 'Ship_logs of Whalers', 'Shipxlogs of Whalers'];
  const ids = new Map<string, string>();
  for (const title of titles) ids.set(title, (await stack.client.createProject({ title, status: 'live' })).id);
  const bySlug = await stack.client.createProject({ title: 'Pressed plants', slug: 'kew-gardens-press', status: 'live' });
  const found = async (search: string) => (await stack.anonymous.listProjects({ search })).projects.map((project) => project.id).sort();

  expect(await found('SHEETS herbarium')).toEqual([ids.get('Herbarium Sheets 100%'), ids.get('Herbarium sheets 1000')].sort());
  expect(await found('100%')).toEqual([ids.get('Herbarium Sheets 100%')]);
  expect(await found('ship_logs')).toEqual([ids.get('Ship_logs of Whalers')]);
  expect(await found('  whalers   SHIPX ')).toEqual([ids.get('Shipxlogs of Whalers')]);
  expect(await found('KEW-gardens')).toEqual([bySlug.id]);
  expect(await found('herbarium whalers')).toEqual([]);
  // A backslash is a letter too (LIKE's escape character otherwise).
  const folio = await stack.client.createProject({ title: 'Folio a\\b', status: 'live' });
  await stack.client.createProject({ title: 'Folio ab', status: 'live' });
  expect(await found('a\\b')).toEqual([folio.id]);
  // The owner's draft is searched as their other projects are: left out where its title lacks the words.
  const draft = await stack.client.createProject({ title: 'Herbarium draft' });
  const ownFound = async (search: string) => (await stack.client.listProjects({ search })).projects.map((project) => project.id);
  expect(await ownFound('whalers')).not.toContain(draft.id);
  expect(await ownFound('herbarium DRAFT')).toEqual([draft.id]);
  // Pages of a search walk its projects only.
  const first = await stack.anonymous.listProjects({ search: 'whalers', limit: 1 });
  const second = await stack.anonymous.listProjects({ search: 'whalers', limit: 1, before: first.next! });
  expect([...first.projects, ...second.projects].map((project) => project.id)).toEqual([ids.get('Shipxlogs of Whalers'), ids.get('Ship_logs of Whalers')]);
  expect(second.next).toBeNull();
});

it('finds projects whatever the accents and case of their words or of the search, and a full-width ％ or ＿ as the letter it stands for', async () => {
  const found = async (search: string) => (await stack.anonymous.listProjects({ search })).projects.map((project) => project.id).sort();
  const accented = await stack.client.createProject({ title: 'Écrits de guerre', status: 'live' });
  const plain = await stack.client.createProject({ title: 'Ecrits du front', status: 'live' });
  const both = [accented.id, plain.id].sort();
  for (const search of ['ecrits', 'ECRITS', 'écrits', 'ÉCRITS', 'e\u0301crits']) expect(await found(search)).toEqual(both);
  expect(await found('écrits GUERRE')).toEqual([accented.id]);
  // Its slug ("ecrits-du-front") is searched the same way.
  expect(await found('écrits-du')).toEqual([plain.id]);
  // unaccent reads ％ as % and ＿ as _: letters still, never a wildcard.
  const tally = await stack.client.createProject({ title: 'Tally 100% folded', status: 'live' });
  await stack.client.createProject({ title: 'Tally 1000 folded', status: 'live' });
  const snake = await stack.client.createProject({ title: 'Folded a_b', status: 'live' });
  await stack.client.createProject({ title: 'Folded axb', status: 'live' });
  expect(await found('100％ folded')).toEqual([tally.id]);
  expect(await found('a＿b')).toEqual([snake.id]);
});

it('looks a search’s words up in the trigram indexes of folded titles and slugs, in the statement the list runs', async () => {
  // Enough projects for a walk of them all to cost more than the indexes: the statement is then planned as at scale.
  await stack.db.query(
    `INSERT INTO projects (slug, title, status, owner_id, created_at)
     SELECT 'bulk-' || n, 'Herbarium sheets ' || n, 'live', $1, now() - n * interval '1 day' FROM generate_series(1, 3000) n`,
    [OPERATOR],
  );
  await stack.db.query('ANALYZE projects');
  const ran = jest.spyOn(PostgresQueryRunner.prototype, 'query'); // observed, not replaced
  try {
    await stack.anonymous.listProjects({ search: 'whaler' });
    const [sql, parameters] = ran.mock.calls.find(([sql]) => sql.includes('cursor_time'))!;
    const [{ 'QUERY PLAN': plan }] = (await stack.db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, parameters as unknown[] | undefined)).rows;
    expect(JSON.stringify(plan)).toContain('"Index Name":"projects_title_trgm_idx"');
    expect(JSON.stringify(plan)).toContain('"Index Name":"projects_slug_trgm_idx"');
  } finally {
    ran.mockRestore();
    await stack.db.query("DELETE FROM projects WHERE slug LIKE 'bulk-%'");
  }
});

it('refuses a bad limit, cursor or search with a problem naming the parameter and the fix', async () => {
  const refused = async (query: Parameters<ChorusClient['listProjects']>[0], pointer: string, fix: RegExp) => {
    const { problem } = await refusal(stack.anonymous.listProjects(query), { status: 422, type: 'urn:chorus:problem:validation-failed', pointers: [pointer] });
    expect(problem.errors?.map((error) => error.message).join(' ')).toMatch(fix);
  };
  await refused({ limit: 0 }, '/query/limit', />=\s*1|at least|too small/i);
  await refused({ limit: 501 }, '/query/limit', /<=\s*500|at most|too big/i);
  await refused({ before: 'not-a-cursor' }, '/query/before', /"next" of the page before/);
  await refused({ before: '2026-02-31T10:00:00.000000Z_7f3c5d9e-1111-4222-8333-944455556666' }, '/query/before', /no real moment/);
  await refused({ search: '   ' }, '/query/search', /leave search out/);
  await refused({ search: 'x'.repeat(201) }, '/query/search', /200 characters/);
  // At most 8 different words, as a search of a project's comments (each one more condition on every title).
  await refused({ search: 'a b c d e f g h i' }, '/query/search', /at most 8 different words/);
  expect((await stack.anonymous.listProjects({ search: 'a b c d e f g h H A' })).projects).toEqual(expect.any(Array));
  // Postgres refuses a NUL in text (22021), and a year before 0001 (22008): each a 422 here, not a 500 there (a NUL by
  // the address's guard, before routing, hence its pointer /query).
  await refused({ search: 'a\u0000b' }, '/query', /NUL character/);
  await refused({ before: '0000-01-01T00:00:00.000000Z_7f3c5d9e-1111-4222-8333-944455556666' }, '/query/before', /no real moment/);
  const fetched = await fetch(`${stack.baseUrl}/api/v1/projects?limit=many`);
  expect(fetched.status).toBe(422);
  expect(fetched.headers.get('content-type')).toContain('application/problem+json');
  expect(await fetched.json()).toMatchObject({ errors: [{ pointer: '/query/limit' }] });
});

it('lets the operators remove an abusive image and its description, the project staying up, and no one else', async () => {
  const { projectId } = await voteWorkflow(stack, 2);
  const [imageUrl, imageAlt] = ['https://images.example.org/abusive.png', 'Something abusive'];
  await stack.client.updateProject(projectId, { imageUrl, imageAlt });

  // Only operators: not its owner, not a volunteer, answered as problem+json naming OPERATOR_IDS; the image stays.
  const byOwner = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/image-removal`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${stack.client.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'mine' }),
  });
  expect([byOwner.status, byOwner.headers.get('content-type')]).toEqual([403, expect.stringContaining('application/problem+json')]);
  expect(((await byOwner.json()) as { detail: string }).detail).toContain('OPERATOR_IDS');
  const volunteer = await newAccount(stack, 'Volunteer');
  await refusal(volunteer.client.removeProjectImage(projectId, { reason: 'ugly' }), { status: 403 });
  // Bad input names the field and changes nothing; an unknown project is not found.
  await refusal(operator.removeProjectImage(projectId, { reason: '  ' }), { status: 422, type: 'urn:chorus:problem:validation-failed', pointers: ['/reason'] });
  await refusal(operator.removeProjectImage(projectId, {} as { reason: string }), { status: 422, pointers: ['/reason'] });
  await refusal(operator.removeProjectImage(randomUUID(), { reason: 'spam' }), { status: 404 });
  expect(await stack.client.getProject(projectId)).toMatchObject({ imageUrl, imageAlt });

  const logged = jest.spyOn(Logger.prototype, 'log');
  try {
    // Changed just before the removal takes its lock: the address logged is the one removed.
    const replaced = 'https://images.example.org/replaced.png';
    await committedMeanwhile(stack.config.databaseUrl, 'UPDATE projects SET image_url = $2 WHERE id = $1', [projectId, replaced], () =>
      operator.removeProjectImage(projectId, { reason: 'An offensive picture\n[Nest] forged line' }),
    );
    const removals = logged.mock.calls.map(([message]) => String(message)).filter((message) => message.includes(`removed the image of project ${projectId}`));
    expect(removals).toEqual([`operator ${OPERATOR} removed the image of project ${projectId} ("${replaced}"): "An offensive picture\\n[Nest] forged line"`]);
  } finally {
    logged.mockRestore();
  }
  const reason = 'An offensive picture\n[Nest] forged line';
  expect(await stack.anonymous.getProject(projectId)).toMatchObject({ status: 'live', takenDownAt: null, imageUrl: null, imageAlt: null, imageRemovedAt: null, imageRemovedReason: null });
  expect(await listedIds()).toContain(projectId);
  // Its members see when and why; no one else does.
  const removed = await stack.client.getProject(projectId);
  expect(removed).toMatchObject({ imageUrl: null, imageAlt: null, imageRemovedAt: expect.any(String), imageRemovedReason: reason });
  expect((await stack.client.listProjects({ member: true })).projects.find((project) => project.id === projectId)).toMatchObject({ imageRemovedReason: reason });
  expect(await volunteer.client.getProject(projectId)).toMatchObject({ imageRemovedAt: null, imageRemovedReason: null });
  // Again: nothing more to do, and nothing changes.
  await operator.removeProjectImage(projectId, { reason: 'Another reason' });
  expect(await stack.client.getProject(projectId)).toEqual(removed);
  // A new image from its administrators: the removal is no longer news.
  await stack.client.updateProject(projectId, { imageUrl, imageAlt: 'A kinder picture' });
  expect(await stack.client.getProject(projectId)).toMatchObject({ imageUrl, imageRemovedAt: null, imageRemovedReason: null });
});
