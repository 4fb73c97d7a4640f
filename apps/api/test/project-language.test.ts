import { randomUUID } from 'node:crypto';
import { newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { refusal } from '../../../test/support/requests';

/**
 * A project's `language`: the language its researchers write in (BCP 47), `en` unless given, set on create and update
 * by its administrators, given in its view and the project list; a tag of the wrong form is refused naming
 * `/language`, changing nothing.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

it('keeps the language a project is written in: English unless given, set on create and update, in its view and the list', async () => {
  const researcher = await newAccount(stack, 'Chercheuse');
  const english = await researcher.client.createProject({ title: `Letters ${randomUUID()}` });
  expect(english.language).toBe('en');

  const french = await researcher.client.createProject({ title: `Lettres ${randomUUID()}`, language: 'fr' });
  expect(french.language).toBe('fr');
  expect((await researcher.client.getProject(french.id)).language).toBe('fr');

  const arabic = await researcher.client.updateProject(english.id, { language: 'ar-EG' });
  expect(arabic.language).toBe('ar-EG');
  expect((await researcher.client.updateProject(english.id, { title: 'Letters, renamed' })).language).toBe('ar-EG'); // left out, kept
  const listed = (await researcher.client.listProjects({ member: true })).projects;
  expect(listed.find((project) => project.id === english.id)?.language).toBe('ar-EG');
  expect(listed.find((project) => project.id === french.id)?.language).toBe('fr');
});

it('refuses a language that is not a language tag, naming /language, and changes nothing', async () => {
  const researcher = await newAccount(stack, 'Researcher');
  const title = `Refused ${randomUUID()}`;
  for (const language of ['he_IL', 'עברית', '', 'x'.repeat(101)]) {
    const refused = await refusal(researcher.client.createProject({ title, language }), { status: 422, type: 'urn:chorus:problem:validation-failed' });
    expect(new Set(refused.problem.errors?.map((error) => error.pointer))).toEqual(new Set(['/language']));
  }
  expect((await stack.db.query('SELECT count(*)::int AS n FROM projects WHERE title = $1', [title])).rows[0].n).toBe(0);

  const project = await researcher.client.createProject({ title, language: 'he' });
  const refused = await refusal(researcher.client.updateProject(project.id, { title: 'Changed', language: 'he_IL' }), { status: 422, pointers: ['/language'] });
  expect(refused.problem.errors?.[0]?.message).toMatch(/language tag \(BCP 47\)/);
  expect(await researcher.client.getProject(project.id)).toMatchObject({ title, language: 'he' });
});
