import { randomUUID } from 'node:crypto';
import type { ChorusClient, ProjectChanges } from '@chorus/client';
import { newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { refusal } from '../../../test/support/requests';

/**
 * A project's image: its administrators set it through `PATCH /projects/:id` (https, with the words that describe it),
 * or take it away (null); the project's page and the project list give it with its words.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const IMAGE = 'https://images.example.org/parish/vestry.jpg';
const ALT = 'The vestry minute book open at its first page';

const imageOf = async (projectId: string) => (await stack.db.query('SELECT image_url, image_alt FROM projects WHERE id = $1', [projectId])).rows[0];
const listed = async (client: ChorusClient, projectId: string, search: string) => (await client.listProjects({ search })).projects.find((project) => project.id === projectId);

it('sets a project’s image with its description, shows both on its page and in the list, and takes both away with null', async () => {
  const title = `Vestry ${randomUUID().slice(0, 8)}`;
  const project = await stack.client.createProject({ title, status: 'live' });
  expect([project.imageUrl, project.imageAlt]).toEqual([null, null]);
  expect((await listed(stack.anonymous, project.id, title))).toMatchObject({ imageUrl: null, imageAlt: null });

  const saved = await stack.client.updateProject(project.id, { imageUrl: IMAGE, imageAlt: `  ${ALT} ` });
  expect([saved.imageUrl, saved.imageAlt]).toEqual([IMAGE, ALT]);
  expect(await stack.anonymous.getProject(project.slug)).toMatchObject({ imageUrl: IMAGE, imageAlt: ALT });
  expect(await listed(stack.anonymous, project.id, title)).toMatchObject({ imageUrl: IMAGE, imageAlt: ALT });

  // Its description alone changes; other fields leave the image as it is.
  expect(await stack.client.updateProject(project.id, { imageAlt: 'The minute book' })).toMatchObject({ imageUrl: IMAGE, imageAlt: 'The minute book' });
  expect(await stack.client.updateProject(project.id, { title: `${title} again` })).toMatchObject({ imageUrl: IMAGE, imageAlt: 'The minute book' });

  const cleared = await stack.client.updateProject(project.id, { imageUrl: null });
  expect([cleared.imageUrl, cleared.imageAlt]).toEqual([null, null]);
  expect(await imageOf(project.id)).toEqual({ image_url: null, image_alt: null });
  expect(await listed(stack.anonymous, project.id, title)).toMatchObject({ imageUrl: null, imageAlt: null });
});

it.each<[string, ProjectChanges, string]>([
  ['an http address', { imageUrl: 'http://images.example.org/vestry.jpg', imageAlt: ALT }, '/imageUrl'],
  ['a javascript: address', { imageUrl: 'javascript:alert(document.cookie)', imageAlt: ALT }, '/imageUrl'],
  ['a data: address', { imageUrl: 'data:image/png;base64,iVBORw0KGgo=', imageAlt: ALT }, '/imageUrl'],
  ['no address at all', { imageUrl: 'vestry.jpg', imageAlt: ALT }, '/imageUrl'],
  ['an address over 2000 characters', { imageUrl: `https://images.example.org/${'a'.repeat(2000)}.jpg`, imageAlt: ALT }, '/imageUrl'],
  ['an image without its description', { imageUrl: IMAGE }, '/imageAlt'],
  ['an image with an empty description', { imageUrl: IMAGE, imageAlt: '   ' }, '/imageAlt'],
  ['a description over 1000 characters', { imageUrl: IMAGE, imageAlt: 'a'.repeat(1001) }, '/imageAlt'],
  ['a description of no image', { imageAlt: ALT }, '/imageAlt'],
  ['a description taken away from an image', { imageAlt: null }, '/imageAlt'],
  ['a description for an image taken away', { imageUrl: null, imageAlt: ALT }, '/imageAlt'],
])('refuses %s, naming the field, and changes nothing', async (_, changes, pointer) => {
  const project = await stack.client.createProject({ title: `Refused ${randomUUID().slice(0, 8)}` });
  // Those about an image kept are tried on a project that has one.
  const hasImage = changes.imageUrl === undefined && changes.imageAlt === null;
  if (hasImage) await stack.client.updateProject(project.id, { imageUrl: IMAGE, imageAlt: ALT });
  const before = await imageOf(project.id);
  await refusal(stack.client.updateProject(project.id, { ...changes, title: 'Not saved' }), { status: 422, pointers: [pointer] });
  expect(await imageOf(project.id)).toEqual(before);
  expect((await stack.client.getProject(project.id)).title).toBe(project.title);
});

it('lets only the project’s administrators set its image', async () => {
  const project = await stack.client.createProject({ title: `Guarded ${randomUUID().slice(0, 8)}`, status: 'live' });
  const change = { imageUrl: IMAGE, imageAlt: ALT };
  for (const role of ['scientist', 'moderator', 'reviewer'] as const) {
    const member = await newMember(stack, project.id, role, role);
    await refusal(member.client.updateProject(project.id, change), { status: 403 });
  }
  const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  await refusal(guest.updateProject(project.id, change), { status: 403 });
  await refusal(stack.anonymous.updateProject(project.id, change), { status: 401 });
  expect(await imageOf(project.id)).toEqual({ image_url: null, image_alt: null });

  const collaborator = await newMember(stack, project.id, 'collaborator', 'Collaborator');
  expect(await collaborator.client.updateProject(project.id, change)).toMatchObject(change);
});
