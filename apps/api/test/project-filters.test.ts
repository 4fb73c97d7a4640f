import { ChorusApiError, type ChorusClient, type ProjectListFilters } from '@chorus/client';
import { newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';

/**
 * `GET /projects?language=&status=`: volunteers find the projects in their language, and the finished ones to read their
 * results; the filters narrow the list (with `search`, `member` and its pages), never widen it: a draft stays its team's.
 * `GET /project-languages`: the languages of the listed projects, with how many.
 */
let stack: Stack;
let researcher: ChorusClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack({ worker: false });
  researcher = (await newAccount(stack, 'Chercheuse')).client;
  // Made oldest first: the list gives them newest first.
  const made: [string, string, 'live' | 'finished' | 'draft'][] = [
    ['Lettres de poilus', 'fr', 'live'],
    ['Registres paroissiaux', 'fr-CA', 'live'],
    ['Journaux de bord', 'FR-ca', 'finished'],
    ['Ship logs', 'en', 'live'],
    ['Whaling logs', 'en-GB', 'finished'],
    ['Brouillon des lettres', 'fr', 'draft'],
    ['Friesische Briefe', 'fy', 'live'],
  ];
  for (const [title, language, status] of made) {
    const project = await researcher.createProject({ title, language, status: status === 'draft' ? 'draft' : 'live' });
    if (status === 'finished') await researcher.updateProject(project.id, { status });
    ids[title] = project.id;
  }
  // Another team's paused project and draft, each in a language no listed project is written in.
  const other = (await newAccount(stack, 'Ikertzailea')).client;
  const paused = await other.createProject({ title: 'Gutun zaharrak', language: 'eu', status: 'live' });
  await other.updateProject(paused.id, { status: 'paused' });
  ids['Gutun zaharrak'] = paused.id;
  ids['Lizhiri kozh'] = (await other.createProject({ title: 'Lizhiri kozh', language: 'br', status: 'draft' })).id;
});
afterAll(() => stack.stop());

const titles = async (query: ProjectListFilters & { limit?: number; before?: string }, client: ChorusClient = stack.anonymous) =>
  (await client.listProjects(query)).projects.map((project) => project.title);

it('lists the projects written in a language or a variety of it, whatever the case of the tag', async () => {
  expect(await titles({ language: 'fr' })).toEqual(['Journaux de bord', 'Registres paroissiaux', 'Lettres de poilus']);
  expect(await titles({ language: 'fr-ca' })).toEqual(['Journaux de bord', 'Registres paroissiaux']);
  expect(await titles({ language: 'EN' })).toEqual(['Whaling logs', 'Ship logs']);
  // A tag is a prefix by its subtags, never by its letters: `f` is no language of these, `fr` not Frisian's `fy`.
  expect(await titles({ language: 'fy' })).toEqual(['Friesische Briefe']);
  expect(await titles({ language: 'de' })).toEqual([]);
});

it('lists the projects in a status, and only the caller\'s own for a status the list does not show', async () => {
  expect(await titles({ status: 'finished' })).toEqual(['Whaling logs', 'Journaux de bord']);
  expect(await titles({ status: 'live', language: 'en' })).toEqual(['Ship logs']);
  expect(await titles({ status: 'draft' })).toEqual([]);
  expect(await titles({ status: 'draft' }, researcher)).toEqual(['Brouillon des lettres']);
  expect(await titles({ status: 'draft', member: true }, researcher)).toEqual(['Brouillon des lettres']);
});

it('never shows a draft to anyone outside its team, whatever the filters', async () => {
  const stranger = (await newAccount(stack, 'Stranger')).client;
  const draft = ids['Brouillon des lettres'];
  for (const client of [stack.anonymous, stranger]) {
    for (const query of [{}, { language: 'fr' }, { status: 'draft' as const }, { status: 'draft' as const, language: 'fr', search: 'brouillon' }, { member: true, status: 'draft' as const }]) {
      expect((await client.listProjects(query)).projects.map((project) => project.id)).not.toContain(draft);
    }
  }
  expect(await titles({ language: 'fr', search: 'lettres' }, researcher)).toEqual(['Brouillon des lettres', 'Lettres de poilus']);
});

it('combines the filters with a search and pages through them with the cursor', async () => {
  expect(await titles({ language: 'fr', search: 'journaux' })).toEqual(['Journaux de bord']);
  expect(await titles({ language: 'en', search: 'logs', status: 'finished' })).toEqual(['Whaling logs']);
  const pages: string[] = [];
  let before: string | undefined;
  do {
    const page = await stack.anonymous.listProjects({ language: 'fr', limit: 1, before });
    pages.push(...page.projects.map((project) => project.title));
    before = page.next ?? undefined;
  } while (before);
  expect(pages).toEqual(['Journaux de bord', 'Registres paroissiaux', 'Lettres de poilus']);
  expect((await stack.anonymous.everyProject({ status: 'live', limit: 1 })).map((project) => project.title)).toEqual(['Friesische Briefe', 'Ship logs', 'Registres paroissiaux', 'Lettres de poilus']);
});

it('refuses a language that is not a tag, or an unknown status, naming the parameter and the fix', async () => {
  const refused = async (query: string, pointer: string, fix: RegExp) => {
    const response = await fetch(`${stack.baseUrl}/api/v1/projects?${query}`);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { type: string; errors: { pointer: string; message: string }[] };
    expect(problem).toMatchObject({ type: 'urn:chorus:problem:validation-failed', errors: [{ pointer }] });
    expect(problem.errors.map((error) => error.message).join(' ')).toMatch(fix);
  };
  await refused('language=fr_CA', '/query/language', /language tag \(BCP 47\)/);
  await refused('language=fran%C3%A7ais&search=lettres', '/query/language', /language tag/);
  await refused('language=', '/query/language', /language tag/);
  await refused('status=done', '/query/status', /live or finished/);
  await refused('status=LIVE&language=fr', '/query/status', /live or finished/);
  const error = await stack.anonymous.listProjects({ status: 'closed' as 'live' }).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ChorusApiError);
});

it('leaves a paused project and a draft out of the list, its languages and its statuses for guests and strangers', async () => {
  const stranger = (await newAccount(stack, 'Stranger')).client;
  for (const client of [stack.anonymous, stranger]) {
    expect((await client.projectLanguages()).languages.map((entry) => entry.language)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(eu|br)$/)]));
    expect(await titles({ language: 'eu' }, client)).toEqual([]);
    expect(await titles({ language: 'br' }, client)).toEqual([]);
    expect(await titles({ status: 'paused' }, client)).toEqual([]);
  }
});

it('answers the languages of the listed projects with as many projects as each finds, drafts and taken-down projects left out', async () => {
  const { languages } = await stack.anonymous.projectLanguages();
  expect(languages).toEqual([
    { language: 'fr', projects: 3 },
    { language: 'en', projects: 2 },
    { language: 'fr-CA', projects: 2 },
    { language: 'en-GB', projects: 1 },
    { language: 'fy', projects: 1 },
  ]);
  for (const { language, projects } of languages) expect(await titles({ language })).toHaveLength(projects);
  await stack.db.query("UPDATE projects SET taken_down_at = now(), taken_down_reason = 'spam' WHERE id = $1", [ids['Friesische Briefe']]);
  expect((await stack.anonymous.projectLanguages()).languages.map((entry) => entry.language)).not.toContain('fy');
  expect(await titles({ language: 'fy' })).toEqual([]);
});
