import { newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { copyTargets, labProjects } from '../src/lib/lab';

// The lab's list says nothing in words; the app's catalogues are found through Vite, which Jest is not.
jest.mock('../src/i18n', () => ({ i18n: { t: (key: string) => key } }));

/** The lab's list of the account's projects, read from the API page after page. */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

it('lists every project the researcher works on, newest first, whatever the number of pages', async () => {
  const researcher = (await newAccount(stack, 'Many projects')).client;
  const made: string[] = [];
  for (let n = 1; n <= 5; n++) made.unshift((await researcher.createProject({ title: `Lab page ${n}` })).id);
  const listed = await labProjects(researcher, 2);
  expect(listed.map((project) => project.id)).toEqual(made);
  expect(listed.map((project) => project.role)).toEqual(Array(5).fill('owner'));
});

it('offers a workflow’s copy its own project first, even when the list left it out, then the others the account researches', async () => {
  const researcher = (await newAccount(stack, 'Copier')).client;
  const own = await researcher.createProject({ title: 'Own project' });
  const other = await researcher.createProject({ title: 'Other project' });
  const listed = await labProjects(researcher);
  expect(copyTargets(listed, own.id)).toEqual([
    { id: own.id, title: 'Own project' },
    { id: other.id, title: 'Other project' },
  ]);
  // Moderated only, a project takes no copy; a workflow's project missing from the list is still the one chosen first.
  const moderated = listed.map((project) => (project.id === other.id ? { ...project, role: 'moderator' as const } : project));
  expect(copyTargets(moderated, own.id)).toEqual([{ id: own.id, title: 'Own project' }]);
  expect(copyTargets(listed.filter((project) => project.id !== own.id), own.id)).toEqual([{ id: own.id }, { id: other.id, title: 'Other project' }]);
});
