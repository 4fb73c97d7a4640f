import { type SubjectLocation, holdsRenewedSchema, locationChangePageSchema, reportedSubjectPageSchema, subjectCorrectedSchema, subjectImagesDescribedSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { refusal } from '../../../test/support/requests';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const guest = async () => stack.anonymous.withToken((await stack.anonymous.guest()).token);
/** A guest volunteer's client and id. */
async function volunteer() {
  const session = await stack.anonymous.guest();
  return { client: stack.anonymous.withToken(session.token), id: session.user.id };
}

const PAGE: SubjectLocation[] = [
  { type: 'image', url: 'https://old.example.org/iiif/p1/full/max/0/default.jpg', iiifService: 'https://old.example.org/iiif/p1', alt: 'A baptism register, page 1' },
  { type: 'text', text: 'Baptisms, [1820]', highlights: [[0, 8]] },
];
const MOVED_IMAGE = { type: 'image' as const, url: 'https://new.example.org/iiif/p1/full/max/0/default.jpg', iiifService: 'https://new.example.org/iiif/p1' };
const MOVED: SubjectLocation[] = [MOVED_IMAGE, PAGE[1]!];

/** A live project with an active workflow over a subject `p1` with an image and a text, and a second, `p2`, of a text only. */
async function registers() {
  const project = await stack.client.createProject({ title: `Registers ${randomUUID().slice(0, 8)}`, status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Pages' });
  const { subjectIds } = await stack.client.addSubjects(set.id, [
    { externalId: 'p1', locations: PAGE },
    { externalId: 'p2', locations: [{ type: 'text', text: 'Burials' }] },
  ]);
  const { id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'Entry?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Any entry?', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflowId);
  return { projectId: project.id, setId: set.id, workflowId, p1: subjectIds[0]!, p2: subjectIds[1]! };
}

const correctionsOf = async (subjectId: string) =>
  (await stack.db.query('SELECT previous_locations, locations, changed_by, reason FROM subject_location_changes WHERE subject_id = $1 ORDER BY changed_at', [subjectId])).rows;
const locationsOf = async (subjectId: string) => (await stack.db.query('SELECT locations FROM subjects WHERE id = $1', [subjectId])).rows[0].locations;
describe('correcting a subject’s locations', () => {
  it('gives its media new addresses for a researcher of its project, recording what they replaced, who, when and why', async () => {
    const { projectId, p1 } = await registers();
    const outsider = await newAccount(stack, 'Outsider');
    const moderator = await newMember(stack, projectId, 'moderator', 'Moderator');
    const input = { locations: MOVED, reason: 'The library moved its IIIF server' };
    // The project is live: others may see it, and are told they may not correct it.
    for (const client of [outsider.client, moderator.client, await guest()]) await refusal(client.correctSubjectLocations(p1, input), { status: 403 });
    expect(await correctionsOf(p1)).toEqual([]);

    const scientist = await newMember(stack, projectId, 'scientist', 'Scientist');
    const corrected = await scientist.client.correctSubjectLocations(p1, input);
    expect(subjectCorrectedSchema.parse(corrected)).toEqual(corrected); // the documented shape, strictly
    // The image sent without its description keeps it.
    const now = [{ ...MOVED_IMAGE, alt: 'A baptism register, page 1' }, PAGE[1]];
    expect(corrected).toEqual({
      subjectId: p1,
      locations: now,
      correction: { previousLocations: PAGE, reason: 'The library moved its IIIF server', correctedBy: scientist.id, correctedAt: expect.any(String) },
    });
    expect(await locationsOf(p1)).toEqual(now);
    expect(await correctionsOf(p1)).toEqual([{ previous_locations: PAGE, locations: now, changed_by: scientist.id, reason: 'The library moved its IIIF server' }]);

    // The same addresses again (a description corrected alone): taken, and no correction recorded.
    const described = await stack.client.correctSubjectLocations(p1, { locations: [{ ...MOVED_IMAGE, alt: 'Register of baptisms, p. 1' }, PAGE[1]!], reason: 'Better words' });
    expect(described).toMatchObject({ correction: null, locations: [{ alt: 'Register of baptisms, p. 1' }, PAGE[1]] });
    expect(await correctionsOf(p1)).toHaveLength(1);
    expect((await refusal(stack.client.correctSubjectLocations(randomUUID(), input))).problem.errors).toEqual([{ pointer: '/params/id', message: expect.any(String) }]);
  });

  it.each([
    ['a location more', [...MOVED, { type: 'audio', url: 'https://new.example.org/p1.mp3' }], '/locations', 'has 3 locations where the subject has 2'],
    ['a location fewer', [MOVED[0]], '/locations', 'has 1 location where the subject has 2'],
    ['another type', [{ type: 'audio', url: 'https://new.example.org/p1.mp3' }, PAGE[1]], '/locations/0/type', 'is audio where the subject\'s location 0 is image'],
    ['another text', [MOVED[0], { type: 'text', text: 'Marriages, [1820]', highlights: [[0, 9]] }], '/locations/1/text', 'differs from the subject\'s text'],
    ['other highlights', [MOVED[0], { type: 'text', text: 'Baptisms, [1820]' }], '/locations/1/highlights', 'differ from the subject\'s highlights'],
  ])('refuses %s as other content, naming the field and changing nothing', async (_name, locations, pointer, message) => {
    const { p1 } = await registers();
    const refused = await refusal(stack.client.correctSubjectLocations(p1, { locations: locations as SubjectLocation[], reason: 'Moved' }));
    expect(refused?.status).toBe(422);
    expect(refused?.problem.errors).toEqual([{ pointer, message: expect.stringContaining(message) }]);
    expect(refused?.problem.errors?.[0]?.message).toContain('upload it under its own externalId');
    expect(await locationsOf(p1)).toEqual(PAGE);
    expect(await correctionsOf(p1)).toEqual([]);
  });

  it('refuses a correction without a reason, or of locations that are not locations, naming the field', async () => {
    const { p1 } = await registers();
    const send = (body: unknown) => refusal(stack.client.request('PATCH', `/subjects/${p1}`, body));
    expect((await send({ locations: MOVED })).problem.errors?.map((error) => error.pointer)).toEqual(['/reason']);
    expect((await send({ locations: MOVED, reason: '  ' })).problem.errors?.map((error) => error.pointer)).toEqual(['/reason']);
    expect((await send({ locations: [{ type: 'image', url: 'file:///p1.jpg' }, PAGE[1]], reason: 'Moved' })).problem.errors?.map((error) => error.pointer)).toEqual(['/locations/0/url']);
    expect(await correctionsOf(p1)).toEqual([]);
  });

  it('gives the raw classifications download what each classification was shown, once corrected since, and that row again since the correction', async () => {
    const { workflowId, p1 } = await registers();
    const [before, after] = [await volunteer(), await volunteer()];
    await before.client.queue(workflowId);
    await before.client.classify({ workflowId, workflowVersion: 1, subjectId: p1, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = new Date().toISOString();
    const download = async (query?: string) => JSON.parse(await stack.client.classifications(workflowId, { format: 'json', since: query })) as { user_id: string; earlier_locations: unknown[] | null }[];
    expect(await download(since)).toEqual([]);

    await stack.client.correctSubjectLocations(p1, { locations: MOVED, reason: 'Moved' });
    await after.client.queue(workflowId);
    await after.client.classify({ workflowId, workflowVersion: 1, subjectId: p1, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    const rows = await download();
    const shown = (volunteerId: string) => rows.find((row) => row.user_id === volunteerId)!.earlier_locations;
    expect(shown(before.id)).toEqual(PAGE);
    expect(shown(after.id)).toBeNull();
    // The row shown before came again: its earlier_locations changed.
    expect((await download(since)).map((row) => row.user_id).sort()).toEqual([before.id, after.id].sort());
  });

  it('tells a page that kept the subject where it is now, when it renews its holds, and the lab’s list of reported subjects too', async () => {
    const { workflowId, p1, p2 } = await registers();
    const volunteer = await guest();
    expect((await volunteer.queue(workflowId)).subjects.map((subject) => subject.id).sort()).toEqual([p1, p2].sort());
    await volunteer.reportSubject(workflowId, { subjectId: p1, reason: 'media-does-not-load' });
    expect((await volunteer.renewHolds(workflowId, [p1, p2])).corrected).toEqual([]);
    const listed = async () => (await stack.client.reportedSubjects(workflowId)).subjects[0]!;
    expect(await listed()).toMatchObject({ subjectId: p1, locations: PAGE, locationsCorrectedAt: null });

    const { locations, correction } = await stack.client.correctSubjectLocations(p1, { locations: MOVED, reason: 'Moved' });
    const renewed = await volunteer.renewHolds(workflowId, [p1, p2]);
    expect(holdsRenewedSchema.parse(renewed)).toEqual(renewed);
    expect(renewed.corrected).toEqual([{ id: p1, locations }]);
    // Only of the workflow's own subjects: another project's workflow, readable by anyone, says nothing of p1.
    const elsewhere = await registers();
    expect((await volunteer.renewHolds(elsewhere.workflowId, [p1])).corrected).toEqual([]);
    const page = await stack.client.reportedSubjects(workflowId);
    expect(reportedSubjectPageSchema.parse(page)).toEqual(page);
    expect(page.subjects[0]).toMatchObject({ subjectId: p1, locations, locationsCorrectedAt: correction!.correctedAt });
  });
});

describe('a subject’s corrections, read back', () => {
  it('lists them newest first, a page at a time, with who made each, when, why, and the locations before and after, to its project’s researchers only', async () => {
    const { projectId, setId, p1, p2 } = await registers();
    const scientist = await newMember(stack, projectId, 'scientist', 'Scientist');
    expect(await stack.client.subjectLocationChanges(p1)).toEqual({ changes: [], next: null });
    await stack.client.correctSubjectLocations(p1, { locations: MOVED, reason: 'The server moved' });
    const back = [{ ...PAGE[0]!, url: 'https://old.example.org/iiif/p1/full/max/0/default.jpg' }, PAGE[1]!];
    await scientist.client.correctSubjectLocations(p1, { locations: back, reason: 'It moved back' });
    // An upload's correction too.
    const third = [{ ...MOVED_IMAGE, url: 'https://third.example.org/p1.jpg' }, PAGE[1]!];
    await stack.client.uploadSubjects(setId, JSON.stringify({ subjects: [{ externalId: 'p1', locations: third }] }), 'application/json', { replaceLocations: true, reason: 'Third home' });
    await stack.client.correctSubjectLocations(p2, { locations: [{ type: 'text', text: 'Burials' }], reason: 'Nothing to move' }); // nothing recorded

    const page = await scientist.client.subjectLocationChanges(p1);
    expect(locationChangePageSchema.parse(page)).toEqual(page); // the documented shape, strictly
    const researcher = (await stack.client.account()).id;
    const at = (locations: SubjectLocation[]) => locations.map((location) => (location.type === 'image' ? location.url : location.type));
    expect(page.changes.map((change) => [change.reason, change.correctedBy, change.correctedByName, at(change.previousLocations), at(change.locations)])).toEqual([
      ['Third home', researcher, expect.any(String), at(back), at(third)],
      ['It moved back', scientist.id, 'Scientist', at(MOVED), at(back)],
      ['The server moved', researcher, expect.any(String), at(PAGE), at(MOVED)],
    ]);
    expect(page.next).toBeNull();
    expect(new Date(page.changes[0]!.correctedAt) >= new Date(page.changes[2]!.correctedAt)).toBe(true);

    const first = await stack.client.subjectLocationChanges(p1, { limit: 2 });
    expect(first.changes.map((change) => change.reason)).toEqual(['Third home', 'It moved back']);
    expect(await stack.client.subjectLocationChanges(p1, { limit: 2, after: first.next! })).toEqual({ changes: [page.changes[2]], next: null });
    expect(await stack.client.subjectLocationChanges(p2)).toEqual({ changes: [], next: null });

    const outsider = await newAccount(stack, 'Outsider');
    const moderator = await newMember(stack, projectId, 'moderator', 'Moderator');
    for (const client of [outsider.client, moderator.client, await guest()]) await refusal(client.subjectLocationChanges(p1), { status: 403 });
    await refusal(stack.client.subjectLocationChanges(randomUUID()), { status: 404 });
    for (const [query, pointer] of [['limit=0', '/query/limit'], ['after=yesterday', '/query/after'], ['sort=old', '/query/sort']] as const) {
      const refused = await refusal(stack.client.request('GET', `/subjects/${p1}/location-changes?${query}`));
      expect([query, refused?.status, refused?.problem.errors?.map((error) => error.pointer)]).toEqual([query, 422, [pointer]]);
    }
  });
});

describe('an upload that corrects locations', () => {
  /** A IIIF manifest of two canvases, the second's image at `host`. */
  const manifest = (host: string, extraImage = false) => ({
    '@context': 'http://iiif.io/api/presentation/3/context.json',
    id: 'https://example.org/manifest/registers',
    type: 'Manifest',
    label: { en: ['Parish registers'] },
    items: ['p1', 'p2'].map((name) => ({
      id: `https://example.org/canvas/${name}`,
      type: 'Canvas',
      width: 1000,
      height: 1500,
      items: [{
        id: `https://example.org/page/${name}`,
        type: 'AnnotationPage',
        items: [name === 'p2' ? host : 'https://images.example.org', ...(extraImage && name === 'p2' ? [host] : [])].map((server, index) => ({
          id: `https://example.org/annotation/${name}/${index}`,
          type: 'Annotation',
          motivation: 'painting',
          target: `https://example.org/canvas/${name}`,
          body: { id: `${server}/iiif/${name}/full/max/0/default.jpg`, type: 'Image', format: 'image/jpeg', service: [{ id: `${server}/iiif/${name}`, type: 'ImageService3', profile: 'level1' }] },
        })),
      }],
    })),
  });

  async function upload(setId: string, body: unknown, query = '') {
    const response = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${setId}/subjects${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/ld+json', authorization: `Bearer ${stack.client.token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { errors?: { pointer: string; message: string }[] } & Record<string, unknown> };
  }

  it('takes a corrected IIIF manifest sent again with replaceLocations=true, recording each correction; without it, says how to correct', async () => {
    const project = await stack.client.createProject({ title: `Manifest ${randomUUID().slice(0, 8)}` });
    const { id: setId } = await stack.client.createSubjectSet(project.id, { name: 'Registers' });
    expect((await upload(setId, manifest('https://typo.example.org'))).body).toMatchObject({ created: 2 });
    const [, p2] = (await stack.client.subjectsOf(setId)).subjects;

    const refused = await upload(setId, manifest('https://images.example.org'));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ pointer: '/subjects/1/locations', message: expect.stringContaining('send the file again with replaceLocations=true and a reason, or correct the subject with PATCH /subjects/:id') }]);
    // A correction that is not one (an image more) is refused with the flag too, naming the field and the canvas.
    const another = await upload(setId, manifest('https://images.example.org', true), '?replaceLocations=true&reason=Typo');
    expect(another.body.errors).toEqual([{ pointer: '/subjects/1/locations', message: expect.stringMatching(/^has 2 locations where the subject has 1: .* \(canvas 2 of the manifest, https:\/\/example.org\/canvas\/p2\)$/) }]);
    expect(await correctionsOf(p2!.id)).toEqual([]);

    const corrected = await upload(setId, manifest('https://images.example.org'), `?replaceLocations=true&reason=${encodeURIComponent('Typo in the host name')}`);
    expect(corrected.body).toMatchObject({ created: 0, existing: 2, addedToSet: 0, updated: 0, corrected: 1 });
    const moved = [{ type: 'image', url: 'https://images.example.org/iiif/p2/full/max/0/default.jpg', iiifService: 'https://images.example.org/iiif/p2' }];
    expect(await locationsOf(p2!.id)).toEqual(moved);
    expect(await correctionsOf(p2!.id)).toEqual([{ previous_locations: p2!.locations, locations: moved, changed_by: expect.any(String), reason: 'Typo in the host name' }]);
    // Sent again as it is now, nothing is corrected.
    expect((await upload(setId, manifest('https://images.example.org'), '?replaceLocations=true&reason=Again')).body).toMatchObject({ existing: 2, corrected: 0 });
    expect(await correctionsOf(p2!.id)).toHaveLength(1);
  });

  it.each([
    ['replaceLocations without a reason', '?replaceLocations=true', '/query/reason'],
    ['a reason without replaceLocations', '?reason=Moved', '/query/reason'],
    ['replaceLocations that is not true or false', '?replaceLocations=yes&reason=Moved', '/query/replaceLocations'],
  ])('refuses %s, naming the parameter', async (_name, query, pointer) => {
    const project = await stack.client.createProject({ title: `Query ${randomUUID().slice(0, 8)}` });
    const { id: setId } = await stack.client.createSubjectSet(project.id, { name: 'Registers' });
    const refused = await upload(setId, manifest('https://images.example.org'), query);
    expect([refused.status, refused.body.errors?.map((error) => error.pointer)]).toEqual([422, [pointer]]);
    expect((await stack.client.subjectsOf(setId)).subjects).toEqual([]);
  });
});

describe('describing a subject’s images', () => {
  const SECOND_IMAGE = { type: 'image' as const, url: 'https://old.example.org/iiif/p1v/full/max/0/default.jpg' };

  it('gives each image its description for a researcher of its project, takes one away with null, and records no correction', async () => {
    const { projectId, workflowId, p1, p2 } = await registers();
    const outsider = await newAccount(stack, 'Outsider');
    const moderator = await newMember(stack, projectId, 'moderator', 'Moderator');
    const descriptions = ['Register of baptisms, page 1, in a clerk’s hand', null];
    for (const client of [outsider.client, moderator.client, await guest()]) await refusal(client.describeSubjectImages(p1, descriptions), { status: 403 });
    expect(await locationsOf(p1)).toEqual(PAGE);

    const scientist = await newMember(stack, projectId, 'scientist', 'Scientist');
    const described = await scientist.client.describeSubjectImages(p1, descriptions);
    expect(subjectImagesDescribedSchema.parse(described)).toEqual(described); // the documented shape, strictly
    const now = [{ ...PAGE[0], alt: 'Register of baptisms, page 1, in a clerk’s hand' }, PAGE[1]];
    expect(described).toEqual({ subjectId: p1, locations: now });
    expect(await locationsOf(p1)).toEqual(now);
    // Volunteers are shown it: the subject in a queue carries it.
    const { subjects } = await (await guest()).queue(workflowId, 10);
    expect(subjects.find((subject) => subject.id === p1)?.locations).toEqual(now);

    const { alt: _, ...undescribed } = PAGE[0] as Extract<SubjectLocation, { type: 'image' }>;
    expect((await stack.client.describeSubjectImages(p1, [null, null])).locations).toEqual([undescribed, PAGE[1]]);
    expect(await locationsOf(p1)).toEqual([undescribed, PAGE[1]]);
    expect(await correctionsOf(p1)).toEqual([]);
    await refusal(stack.client.describeSubjectImages(randomUUID(), [null]), { status: 404 });
    expect((await refusal(stack.client.describeSubjectImages(p2, ['A burial register']))).problem.errors).toEqual([{ pointer: '/descriptions/0', message: expect.stringContaining('only images take a description') }]);
  });

  it.each([
    ['an empty description', ['A', '  ', null], '/descriptions/1', 'must not be empty'],
    ['one too long', ['A', 'x'.repeat(1001), null], '/descriptions/1', 'at most 1000 characters'],
    ['a description of a text', ['A', 'B', 'Words'], '/descriptions/2', 'describes location 2, which is a text'],
    ['an entry fewer than its locations', ['A', 'B'], '/descriptions', 'has 2 entries where the subject has 3 locations'],
    ['a number', ['A', 7, null], '/descriptions/1', 'must be a string'],
  ])('refuses %s, naming the entry and changing nothing', async (_name, descriptions, pointer, message) => {
    const { setId } = await registers();
    const { subjectIds } = await stack.client.addSubjects(setId, [{ externalId: 'p3', locations: [PAGE[0]!, SECOND_IMAGE, PAGE[1]!] }]);
    const refused = await refusal(stack.client.request('PUT', `/subjects/${subjectIds[0]}/image-descriptions`, { descriptions }));
    expect(refused?.status).toBe(422);
    expect(refused?.problem.type).toBe('urn:chorus:problem:validation-failed');
    expect(refused?.problem.errors).toEqual([{ pointer, message: expect.stringContaining(message) }]);
    expect(await locationsOf(subjectIds[0]!)).toEqual([PAGE[0], SECOND_IMAGE, PAGE[1]]);
  });
});
