import { newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { labProjects } from '../src/lib/lab';

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
