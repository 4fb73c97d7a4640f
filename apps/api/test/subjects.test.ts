import { randomUUID } from 'node:crypto';
import { type ChorusApiError } from '@chorus/client';
import { Client } from 'pg';
import { type Stack, startStack } from '../../../test/support/stack';
import { refusal } from '../../../test/support/requests';
import { until } from '../../../test/support/waiting';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const text = (externalId: string, metadata: Record<string, unknown> = {}) => ({ externalId, metadata, locations: [{ type: 'text' as const, text: `Subject ${externalId}` }] });

describe('subject upload', () => {
  it('is idempotent by externalId, and a re-sent subject joins the new set', async () => {
    const project = await stack.client.createProject({ title: 'Uploads', status: 'live' });
    const first = await stack.client.createSubjectSet(project.id, { name: 'First' });
    const second = await stack.client.createSubjectSet(project.id, { name: 'Second' });
    expect(await stack.client.addSubjects(first.id, [text('a'), text('b')])).toMatchObject({ created: 2, existing: 0, addedToSet: 2 });
    expect(await stack.client.addSubjects(first.id, [text('a'), text('b'), text('c')])).toMatchObject({ created: 1, existing: 2, addedToSet: 1 });
    // One already in the project joins another set: existing, and added to this set; sent again, only existing.
    expect(await stack.client.addSubjects(second.id, [text('a')])).toMatchObject({ created: 0, existing: 1, addedToSet: 1 });
    expect(await stack.client.addSubjects(second.id, [text('a')])).toMatchObject({ created: 0, existing: 1, addedToSet: 0 });
    const { body } = await stack.client.request<{ subjectSets: { name: string; subjects: number }[] }>('GET', `/projects/${project.id}/subject-sets`);
    expect(body.subjectSets).toEqual([expect.objectContaining({ name: 'First', subjects: 3 }), expect.objectContaining({ name: 'Second', subjects: 1 })]);
  });

  it('takes corrected metadata for a subject sent again, and refuses other content under its externalId, changing nothing', async () => {
    const project = await stack.client.createProject({ title: 'Corrections' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    await stack.client.addSubjects(set.id, [text('a', { newspaper: 'The Daily Tset' }), text('b', { newspaper: 'The Echo' })]);
    const corrected = await stack.client.addSubjects(set.id, [text('a', { newspaper: 'The Daily Test' }), text('b'), text('c')]);
    expect(corrected).toMatchObject({ created: 1, existing: 2, updated: 1 });
    const metadataOf = async () => (await stack.db.query('SELECT external_id, metadata FROM subjects WHERE project_id = $1 ORDER BY external_id', [project.id])).rows;
    // Sent without metadata, "b" keeps its own.
    expect(await metadataOf()).toEqual([
      { external_id: 'a', metadata: { newspaper: 'The Daily Test' } },
      { external_id: 'b', metadata: { newspaper: 'The Echo' } },
      { external_id: 'c', metadata: {} },
    ]);
    const other = await stack.client.createSubjectSet(project.id, { name: 'Other' });
    const reused = { externalId: 'b', metadata: {}, locations: [{ type: 'text' as const, text: 'FOR SALE: one bicycle.' }] };
    const error = (await stack.client.addSubjects(other.id, [text('d'), reused]).catch((e) => e)) as ChorusApiError;
    expect(error.problem.errors).toEqual([{ pointer: '/subjects/1/locations', message: expect.stringContaining('the subject "b" already in the project') }]);
    expect((await metadataOf()).map((row) => row.external_id)).toEqual(['a', 'b', 'c']);
  });

  it('takes descriptions (alt) of the images of a subject sent again, keeping them when sent without', async () => {
    const project = await stack.client.createProject({ title: `Described ${randomUUID().slice(0, 8)}` });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Photographs' });
    const photo = (alt?: string, url = 'https://example.org/p1.jpg') => ({ externalId: 'p1', locations: [{ type: 'image' as const, url, ...(alt ? { alt } : {}) }, { type: 'text' as const, text: 'Caption' }] });
    await stack.client.addSubjects(set.id, [photo()]);
    expect(await stack.client.addSubjects(set.id, [photo('A tram on Market Street')])).toMatchObject({ created: 0, existing: 1, updated: 1 });
    expect(await stack.client.addSubjects(set.id, [photo()])).toMatchObject({ existing: 1, updated: 0 });
    const [stored] = (await stack.client.subjectsOf(set.id)).subjects;
    expect(stored?.locations).toEqual([{ type: 'image', url: 'https://example.org/p1.jpg', alt: 'A tram on Market Street' }, { type: 'text', text: 'Caption' }]);
    const other = (await stack.client.addSubjects(set.id, [photo('A tram', 'https://example.org/p2.jpg')]).catch((e) => e)) as ChorusApiError;
    expect(other.problem.errors?.map((error) => error.pointer)).toEqual(['/subjects/0/locations']);
  });

  it('refuses other content under an externalId that another upload made while it was being checked, storing nothing', async () => {
    const project = await stack.client.createProject({ title: 'Racing uploads' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    // Another upload of the same new externalId, with other content, not committed yet: this one's check cannot see it.
    const other = new Client({ connectionString: stack.config.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`INSERT INTO subjects (project_id, locations, metadata, external_id) VALUES ($1, $2, '{}', 'race')`, [
        project.id,
        JSON.stringify([{ type: 'text', text: 'The other upload' }]),
      ]);
      const upload = stack.client.addSubjects(set.id, [text('calm'), text('race')]).catch((e: ChorusApiError) => e);
      await until(async () => (await stack.db.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO subjects%'`)).rows.length > 0, 'the upload to wait for the other');
      await other.query('COMMIT');
      const error = (await upload) as ChorusApiError;
      expect(error.status).toBe(422);
      expect(error.problem.errors).toEqual([{ pointer: '/subjects/1/locations', message: expect.stringContaining('the subject "race" already in the project') }]);
    } finally {
      await other.end();
    }
    const { rows } = await stack.db.query('SELECT s.external_id, s.locations, m.subject_set_id FROM subjects s LEFT JOIN subject_set_members m ON m.subject_id = s.id WHERE s.project_id = $1', [project.id]);
    expect(rows).toEqual([{ external_id: 'race', locations: [{ type: 'text', text: 'The other upload' }], subject_set_id: null }]);
  });

  it('refuses a batch that repeats an externalId, naming the repeat', async () => {
    const project = await stack.client.createProject({ title: 'Repeats' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const error = (await stack.client.addSubjects(set.id, [text('x'), text('y'), text('x')]).catch((e) => e)) as ChorusApiError;
    expect(error.problem.errors).toEqual([{ pointer: '/subjects/2/externalId', message: expect.stringContaining('subject 0') }]);
  });

  it('refuses metadata numbers that reading JSON would change (long catalogue numbers), naming each, storing nothing', async () => {
    const project = await stack.client.createProject({ title: 'Big numbers' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const body = '{"subjects":[{"externalId":"n1","locations":[{"type":"text","text":"x"}],"metadata":{"id":9007199254740993,"ok":9007199254740991,"price":1.1,"refs":[1,12345678901234567890],"far":{"off":1e400}}}]}';
    const response = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${set.id}/subjects`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.client.token}` }, body });
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: { pointer: string; message: string }[] };
    expect(errors.map((error) => error.pointer)).toEqual(['/subjects/0/metadata/id', '/subjects/0/metadata/refs/1', '/subjects/0/metadata/far/off']);
    expect(errors[0]!.message).toMatch(/send it as a string/);
    expect((await stack.db.query('SELECT count(*)::int AS n FROM subjects WHERE project_id = $1', [project.id])).rows[0].n).toBe(0);
    await stack.client.addSubjects(set.id, [text('n1', { id: '9007199254740993', ok: 9007199254740991, price: 1.1 })]);
    expect((await stack.db.query('SELECT metadata FROM subjects WHERE project_id = $1', [project.id])).rows[0].metadata).toEqual({ id: '9007199254740993', ok: 9007199254740991, price: 1.1 });
  });

  it('brings subjects added later into linked workflows, hiding private metadata from volunteers', async () => {
    const project = await stack.client.createProject({ title: 'Later', status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const workflow = await stack.client.createWorkflow(project.id, {
      name: 'W',
      firstTask: 'T0',
      tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] } },
      subjectSetIds: [set.id],
    });
    await stack.client.activateWorkflow(workflow.id);
    await stack.client.addSubjects(set.id, [text('late', { page: 3, '#truth': 'a', '!internal': true, '//note': 'from the donor, not to be shown', 'a//b': 'shown' })]);
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const queue = await volunteer.queue(workflow.id);
    expect(queue.subjects).toHaveLength(1);
    expect(queue.subjects[0]).toMatchObject({ externalId: 'late' });
    expect(queue.subjects[0]!.metadata).toEqual({ page: 3, 'a//b': 'shown' }); // only the prefixes hide, not a // inside a key
    expect(await stack.client.stats(workflow.id)).toMatchObject({ subjects: 1, retired: 0 });
  });
});

describe('deleting a subject set', () => {
  const yesNo = { firstTask: 'T0', tasks: { T0: { type: 'single' as const, question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } } };
  // Asked outside the transaction that holds the locks: within a transaction pg_stat_activity answers as it first did.
  const lockWaits = async (): Promise<number> =>
    (await stack.db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")).rows[0].n;

  it('deletes its subjects in no other set and never classified, keeps the rest, and frees the deleted externalIds', async () => {
    const project = await stack.client.createProject({ title: 'Deleting sets' });
    const wrong = await stack.client.createSubjectSet(project.id, { name: 'Wrong images' });
    const other = await stack.client.createSubjectSet(project.id, { name: 'Other' });
    const [a, b] = (await stack.client.addSubjects(wrong.id, [text('a'), text('b'), text('c')])).subjectIds;
    await stack.client.addSubjects(other.id, [text('c')]);
    const workflow = await stack.client.createWorkflow(project.id, { name: 'Ads', ...yesNo, subjectSetIds: [wrong.id] });
    expect((await stack.client.queue(workflow.id)).subjects).toHaveLength(3); // held: a, b and c
    await stack.client.classify({ workflowId: workflow.id, workflowVersion: 1, subjectId: b!, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());

    const inUse = await refusal(stack.client.deleteSubjectSet(wrong.id));
    expect([inUse.status, inUse.problem.type, inUse.problem.detail]).toEqual([409, 'urn:chorus:problem:subject-set-in-use', expect.stringContaining(`the workflow "Ads" (${workflow.id}) serves it`)]);
    expect((await stack.client.subjectsOf(wrong.id)).subjects).toHaveLength(3);

    await stack.client.updateWorkflow(workflow.id, { name: 'Ads', ...yesNo, subjectSetIds: [other.id] });
    expect(await stack.client.deleteSubjectSet(wrong.id)).toEqual({ deletedSubjects: 1, keptSubjects: 2 });
    const { rows } = await stack.db.query(
      `SELECT (SELECT array_agg(external_id ORDER BY external_id) FROM subjects WHERE project_id = $1) AS subjects,
              (SELECT count(*)::int FROM classifications WHERE subject_id = $2) AS classified, (SELECT count(*)::int FROM assignments WHERE subject_id = $3) AS holds`,
      [project.id, b, a],
    );
    expect(rows[0]).toEqual({ subjects: ['b', 'c'], classified: 1, holds: 0 });
    expect((await stack.client.request<{ subjectSets: { name: string }[] }>('GET', `/projects/${project.id}/subject-sets`)).body.subjectSets.map((set) => set.name)).toEqual(['Other']);
    await refusal(stack.client.subjectsOf(wrong.id), { status: 404 });
    const corrected = { externalId: 'a', locations: [{ type: 'text' as const, text: 'The corrected snippet a' }] };
    expect(await stack.client.addSubjects(other.id, [corrected])).toMatchObject({ created: 1, existing: 0 });
  });

  it('and an upload of its subjects into another set, at once, both succeed (the deadlock between them is tried again)', async () => {
    const project = await stack.client.createProject({ title: 'Deleting while uploading' });
    const [wrong, right] = [await stack.client.createSubjectSet(project.id, { name: 'Wrong' }), await stack.client.createSubjectSet(project.id, { name: 'Right' })];
    const subjects = Array.from({ length: 50 }, (_, i) => text(`race-${i}`));
    const ids = (await stack.client.addSubjects(wrong.id, subjects)).subjectIds;
    // The deletion locks the subjects in id order, the upload in the file's: both are made to wait for the first by id
    // (not the file's first), the deletion first, so that each then holds what the other needs.
    const first = [...ids].sort()[0]!;
    const upload = ids.indexOf(first) > 0 ? subjects : [...subjects].reverse();
    const locker = new Client({ connectionString: stack.config.databaseUrl });
    await locker.connect();
    const waiting = async (n: number) => (await lockWaits()) >= n;
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM subjects WHERE id = $1 FOR UPDATE', [first]);
      const deleting = stack.client.deleteSubjectSet(wrong.id);
      await until(() => waiting(1), 'the deletion to wait');
      const uploading = stack.client.addSubjects(right.id, upload);
      await until(() => waiting(2), 'the upload to wait');
      await locker.query('COMMIT');
      const [deleted, uploaded] = await Promise.all([deleting, uploading]);
      expect(deleted.deletedSubjects + deleted.keptSubjects).toBe(50);
      expect(uploaded.created + uploaded.existing).toBe(50);
    } finally {
      await locker.end();
    }
    expect((await stack.client.subjectsOf(right.id, { limit: 1000 })).subjects).toHaveLength(50);
  });

  it('twice at once, of two sets sharing a subject, deletes the shared subject with the second', async () => {
    const project = await stack.client.createProject({ title: 'Deleting two sets' });
    const [one, two] = [await stack.client.createSubjectSet(project.id, { name: 'One' }), await stack.client.createSubjectSet(project.id, { name: 'Two' })];
    const [shared, onlyOne] = (await stack.client.addSubjects(one.id, [text('shared'), text('only-one')])).subjectIds;
    const onlyTwo = (await stack.client.addSubjects(two.id, [text('shared'), text('only-two')])).subjectIds[1];
    // Both deletions are held on the subject only their set has, each having seen the shared one in the other set.
    const locker = new Client({ connectionString: stack.config.databaseUrl });
    await locker.connect();
    const waiting = async () => (await lockWaits()) >= 2;
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM subjects WHERE id = ANY($1::uuid[]) FOR UPDATE', [[onlyOne, onlyTwo]]);
      const deletions = [stack.client.deleteSubjectSet(one.id), stack.client.deleteSubjectSet(two.id)];
      await until(waiting, 'both deletions to wait');
      await locker.query('COMMIT');
      const deleted = await Promise.all(deletions);
      expect(deleted.map((d) => d.deletedSubjects).sort()).toEqual([1, 2]);
    } finally {
      await locker.end();
    }
    expect((await stack.db.query('SELECT count(*)::int AS n FROM subjects WHERE project_id = $1 OR id = $2', [project.id, shared])).rows[0].n).toBe(0);
  });

  it('is refused while an effect adds subjects to the set, and for anyone but the project’s researchers', async () => {
    const project = await stack.client.createProject({ title: 'Effects', status: 'live' });
    const source = await stack.client.createSubjectSet(project.id, { name: 'Source' });
    const target = await stack.client.createSubjectSet(project.id, { name: 'Ads found' });
    await stack.client.createWorkflow(project.id, { name: 'Find ads', ...yesNo, subjectSetIds: [source.id], effects: [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: target.id }] });
    const refused = await refusal(stack.client.deleteSubjectSet(target.id));
    expect([refused.status, refused.problem.detail]).toEqual([409, expect.stringMatching(/an effect of the workflow "Find ads" \([0-9a-f-]{36}\) adds subjects to it/)]);
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await refusal(volunteer.deleteSubjectSet(source.id), { status: 403 });
    await refusal(stack.client.deleteSubjectSet(randomUUID()), { status: 404 });
    expect((await stack.client.request<{ subjectSets: unknown[] }>('GET', `/projects/${project.id}/subject-sets`)).body.subjectSets).toHaveLength(2);
  });
});

describe('taking one subject out of a set', () => {
  const yesNo = { firstTask: 'T0', tasks: { T0: { type: 'single' as const, question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } } };
  const guest = async () => stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const served = async (workflowId: string) => (await (await guest()).queue(workflowId, 10)).subjects.map((subject) => subject.externalId).sort();

  it('deletes it if unused, keeps it if classified or in another set, and the workflows stop serving it unless another set of theirs has it', async () => {
    const project = await stack.client.createProject({ title: `Removing ${randomUUID().slice(0, 8)}`, status: 'live' });
    const [main, more] = [await stack.client.createSubjectSet(project.id, { name: 'Main' }), await stack.client.createSubjectSet(project.id, { name: 'More' })];
    const [a, b, c, d] = (await stack.client.addSubjects(main.id, [text('a'), text('b'), text('c'), text('d')])).subjectIds as [string, string, string, string];
    await stack.client.addSubjects(more.id, [text('c')]);
    const spare = await stack.client.createSubjectSet(project.id, { name: 'Spare' }); // in no workflow
    await stack.client.addSubjects(spare.id, [text('d')]);
    const both = await stack.client.createWorkflow(project.id, { name: 'Both sets', ...yesNo, subjectSetIds: [main.id, more.id] });
    const one = await stack.client.createWorkflow(project.id, { name: 'Main only', ...yesNo, subjectSetIds: [main.id] });
    await Promise.all([stack.client.activateWorkflow(both.id), stack.client.activateWorkflow(one.id)]);
    const volunteer = await guest();
    const queue = await volunteer.queue(both.id, 10);
    expect(queue.subjects).toHaveLength(4);
    await volunteer.releaseHolds(both.id, [a]); // held now: b, c and d
    await stack.client.classify({ workflowId: both.id, workflowVersion: 1, subjectId: b, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());

    expect(await stack.client.removeSubject(main.id, a)).toEqual({ deletedSubjects: 1, keptSubjects: 0 });
    expect(await stack.client.removeSubject(main.id, b)).toEqual({ deletedSubjects: 0, keptSubjects: 1 });
    expect(await stack.client.removeSubject(main.id, c)).toEqual({ deletedSubjects: 0, keptSubjects: 1 });
    expect(await stack.client.removeSubject(main.id, d)).toEqual({ deletedSubjects: 0, keptSubjects: 1 });
    const { rows } = await stack.db.query(
      `SELECT (SELECT array_agg(external_id ORDER BY external_id) FROM subjects WHERE project_id = $1) AS subjects,
              (SELECT count(*)::int FROM assignments WHERE subject_id = $2) AS holds,
              (SELECT retirement_reason FROM subject_workflow_status WHERE workflow_id = $3 AND subject_id = $4) AS classified`,
      [project.id, a, both.id, b],
    );
    expect(rows[0]).toEqual({ subjects: ['b', 'c', 'd'], holds: 0, classified: 'unlinked' });
    expect((await stack.client.subjectsOf(main.id)).subjects).toEqual([]);
    // The answer on its way to a subject held when it left the workflow is stored, as given after its retirement.
    const late = await volunteer.classify({ workflowId: both.id, workflowVersion: 1, subjectId: d, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    expect(late.afterRetirement).toBe(true);
    // "c" is still in the other set of one workflow; the other has nothing left to serve.
    expect(await served(both.id)).toEqual(['c']);
    expect(await served(one.id)).toEqual([]);
    expect(await stack.client.stats(one.id)).toMatchObject({ subjects: 0 });
    // Its externalId is free again; a subject no longer in the set is not found there.
    expect(await stack.client.addSubjects(main.id, [{ externalId: 'a', locations: [{ type: 'text' as const, text: 'The corrected a' }] }])).toMatchObject({ created: 1 });
    const again = (await stack.client.removeSubject(main.id, c).catch((e) => e)) as ChorusApiError;
    expect([again.status, again.problem.errors?.[0]?.pointer]).toEqual([404, '/params/subjectId']);
    const outsider = await guest();
    expect(((await outsider.removeSubject(more.id, c).catch((e) => e)) as ChorusApiError).status).toBe(403);
    expect((await stack.client.subjectsOf(more.id)).subjects.map((subject) => subject.externalId)).toEqual(['c']);
  });
});

describe('a subject set’s subjects', () => {
  it('are listed a page at a time in the set’s order, as researchers see them, and the set can be renamed', async () => {
    const project = await stack.client.createProject({ title: 'Listing' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Lettres' });
    await stack.client.addSubjects(set.id, [text('e', { '#box': 'B1' }), text('d'), text('c')]);
    await stack.client.addSubjects(set.id, [text('b'), { ...text('a'), goldStandard: { T0: 'yes' } }]);
    const seen: string[] = [];
    let after: string | undefined;
    const pages: number[] = [];
    do {
      const page = await stack.client.subjectsOf(set.id, { limit: 2, after });
      pages.push(page.subjects.length);
      seen.push(...page.subjects.map((subject) => subject.externalId!));
      after = page.next ?? undefined;
    } while (after);
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual(['e', 'd', 'c', 'b', 'a']); // the order of upload
    const [first] = (await stack.client.subjectsOf(set.id, { limit: 1 })).subjects;
    expect(first).toEqual({ id: expect.any(String), externalId: 'e', locations: [{ type: 'text', text: 'Subject e' }], metadata: { '#box': 'B1' }, goldStandard: null });
    expect((await stack.client.subjectsOf(set.id, { after: (await stack.client.subjectsOf(set.id, { limit: 4 })).next! })).subjects[0]?.goldStandard).toEqual({ T0: 'yes' });

    expect(await stack.client.renameSubjectSet(set.id, 'Letters')).toEqual({ id: set.id, name: 'Letters', projectId: project.id });
    const { body } = await stack.client.request<{ subjectSets: { name: string }[] }>('GET', `/projects/${project.id}/subject-sets`);
    expect(body.subjectSets.map((each) => each.name)).toEqual(['Letters']);
  });

  it('sent again with pages inserted, take their places among the pages sent, not the end of the set', async () => {
    const project = await stack.client.createProject({ title: `Inserted pages ${randomUUID().slice(0, 8)}` });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Letters' });
    await stack.client.addSubjects(set.id, [text('p1'), text('p2'), text('p3')]);
    await stack.client.addSubjects(set.id, [text('q1'), text('q2')]); // another letter, after the first
    // The first letter's manifest sent again: a page before its first, one between, two after its last.
    expect(await stack.client.addSubjects(set.id, [text('p0'), text('p1'), text('p1a'), text('p2'), text('p3'), text('p4'), text('p5')])).toMatchObject({ created: 4, addedToSet: 4 });
    const order = async () => (await stack.client.subjectsOf(set.id)).subjects.map((subject) => subject.externalId);
    expect(await order()).toEqual(['p0', 'p1', 'p1a', 'p2', 'p3', 'p4', 'p5', 'q1', 'q2']);
    // A file that has two pages the other way round: each new one goes by the page before it in the file.
    await stack.client.addSubjects(set.id, [text('x0'), text('p3'), text('p2'), text('x1')]);
    expect(await order()).toEqual(['p0', 'p1', 'p1a', 'p2', 'x0', 'x1', 'p3', 'p4', 'p5', 'q1', 'q2']);
    // New subjects alone still go at the end.
    await stack.client.addSubjects(set.id, [text('r1')]);
    expect((await order()).at(-1)).toBe('r1');
  });

  it('are for researchers only, and a bad cursor or name is named', async () => {
    const project = await stack.client.createProject({ title: 'Listing, refused', status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect(((await volunteer.subjectsOf(set.id).catch((e) => e)) as ChorusApiError).status).toBe(403);
    expect(((await volunteer.renameSubjectSet(set.id, 'Mine').catch((e) => e)) as ChorusApiError).status).toBe(403);
    const cursor = (await stack.client.subjectsOf(set.id, { after: 'page-2' }).catch((e) => e)) as ChorusApiError;
    expect(cursor.problem.errors?.map((error) => error.pointer)).toEqual(['/query/after']);
    const unknown = (await stack.client.request('GET', `/subject-sets/${set.id}/subjects?page=2`).catch((e) => e)) as ChorusApiError;
    expect(unknown.problem.errors?.map((error) => error.pointer)).toEqual(['/query/page']);
    const name = (await stack.client.renameSubjectSet(set.id, ' ').catch((e) => e)) as ChorusApiError;
    expect(name.problem.errors?.map((error) => error.pointer)).toEqual(['/name']);
  });
});

describe('a subject set’s name', () => {
  const asSeen = (error: ChorusApiError) => ({ status: error.status, type: error.problem.type, errors: error.problem.errors, subjectSet: error.problem.subjectSet });

  it('is its project’s only, compared trimmed and case aside, on creating and on renaming, a refusal changing nothing', async () => {
    const project = await stack.client.createProject({ title: `Names ${randomUUID().slice(0, 8)}` });
    const letters = await stack.client.createSubjectSet(project.id, { name: 'Letters' });
    const diaries = await stack.client.createSubjectSet(project.id, { name: 'Diaries' });
    const taken = { status: 409, type: 'urn:chorus:problem:subject-set-name-taken', errors: [{ pointer: '/name', message: expect.stringContaining('"Letters"') }], subjectSet: { id: letters.id, name: 'Letters' } };
    for (const name of ['Letters', ' letters ', 'LETTERS']) {
      const error = (await stack.client.createSubjectSet(project.id, { name }).catch((e) => e)) as ChorusApiError;
      expect(asSeen(error)).toEqual(taken);
      expect(error.problem.detail).toMatch(/choose another name, or upload into that set/);
    }
    expect(asSeen((await stack.client.renameSubjectSet(diaries.id, ' letters').catch((e) => e)) as ChorusApiError)).toEqual(taken);
    const names = async () => (await stack.db.query('SELECT id, name FROM subject_sets WHERE project_id = $1 ORDER BY created_at', [project.id])).rows;
    expect(await names()).toEqual([{ id: letters.id, name: 'Letters' }, { id: diaries.id, name: 'Diaries' }]);
    // Its own name in other letters is no other set's; another project's sets are not this one's.
    expect(await stack.client.renameSubjectSet(letters.id, 'letters')).toMatchObject({ name: 'letters' });
    const other = await stack.client.createProject({ title: `Other names ${randomUUID().slice(0, 8)}` });
    expect(await stack.client.createSubjectSet(other.id, { name: 'Letters' })).toMatchObject({ name: 'Letters' });
  });

  it('is given to one of two requests at the same moment, creating or renaming, and refused to the other (409), by the unique index', async () => {
    const project = await stack.client.createProject({ title: `Names at once ${randomUUID().slice(0, 8)}` });
    const names = async () => (await stack.db.query('SELECT name FROM subject_sets WHERE project_id = $1 ORDER BY name', [project.id])).rows.map((row) => row.name);
    /** Runs `requests` together, each held (by `holding`, from a connection of the test's) until all of them wait: none sees the other's set first. */
    async function together<T>(holding: string, parameters: unknown[], requests: (() => Promise<T>)[]): Promise<(T | ChorusApiError)[]> {
      const holder = new Client({ connectionString: stack.config.databaseUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(holding, parameters);
        const answers = requests.map((request) => request().catch((error: ChorusApiError) => error));
        await until(async () => (await stack.db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")).rows[0].n >= requests.length, 'both requests to wait');
        await holder.query('COMMIT');
        return await Promise.all(answers);
      } finally {
        await holder.end();
      }
    }
    type SetView = { id: string; name: string };
    /** The one request of two that made or renamed its set, the other refused with that set named. */
    function oneMadeOneRefused(answers: (SetView | ChorusApiError)[]): SetView {
      const made = answers.filter((answer): answer is SetView => !(answer instanceof Error));
      const refused = answers.filter((answer): answer is ChorusApiError => answer instanceof Error);
      expect(made).toHaveLength(1);
      const set = { id: made[0]!.id, name: made[0]!.name };
      expect(refused.map(asSeen)).toEqual([{ status: 409, type: 'urn:chorus:problem:subject-set-name-taken', errors: [{ pointer: '/name', message: expect.any(String) }], subjectSet: set }]);
      return set;
    }

    // Two creations of `Letters` and ` letters`, waiting on the project's row (each set's key on it) until both have begun.
    const made = await together('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [project.id], [
      () => stack.client.createSubjectSet(project.id, { name: 'Letters' }),
      () => stack.client.createSubjectSet(project.id, { name: ' letters' }),
    ]);
    const letters = oneMadeOneRefused(made);
    expect(await names()).toEqual([letters.name]);

    // Two sets renamed `Maps` and `MAPS`, waiting on their own rows.
    const [diaries, postcards] = [await stack.client.createSubjectSet(project.id, { name: 'Diaries' }), await stack.client.createSubjectSet(project.id, { name: 'Postcards' })];
    const renamed = await together('SELECT 1 FROM subject_sets WHERE id = ANY($1) FOR UPDATE', [[diaries.id, postcards.id]], [
      () => stack.client.renameSubjectSet(diaries.id, 'Maps'),
      () => stack.client.renameSubjectSet(postcards.id, 'MAPS'),
    ]);
    const maps = oneMadeOneRefused(renamed);
    expect((await names()).filter((name: string) => name.toLowerCase() === 'maps')).toEqual([maps.name]);
  });
});

describe('known answers of gold-standard subjects', () => {
  const yesNo = { T0: { type: 'single' as const, question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
  const gold = (externalId: string, goldStandard: Record<string, unknown>) => ({ ...text(externalId), goldStandard });
  const goldOf = async (setId: string) =>
    (await stack.db.query('SELECT s.external_id, s.gold_standard FROM subjects s JOIN subject_set_members m ON m.subject_id = s.id WHERE m.subject_set_id = $1 ORDER BY s.external_id', [setId])).rows;

  it('must be answers the tasks of the workflows a set feeds can take, in JSON and in files alike', async () => {
    const project = await stack.client.createProject({ title: `Gold ${Date.now()}` });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Gold' });
    await stack.client.createWorkflow(project.id, { name: 'Ads', firstTask: 'T0', tasks: yesNo, subjectSetIds: [set.id] });
    const refused = await refusal(stack.client.addSubjects(set.id, [gold('g1', { T0: 'yes' }), gold('g2', { T0: 'Yes', T9: 'for another workflow' })]));
    expect(refused.problem.errors).toEqual([{ pointer: '/subjects/1/goldStandard/T0', message: expect.stringMatching(/^is not an answer task "T0" can take: .* \(workflow "Ads"\)$/) }]);
    const csv = await fetch(`${stack.baseUrl}/api/v1/subject-sets/${set.id}/subjects`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${stack.client.token}` },
      body: 'external_id,text,gold_standard_T0\nc1,One,maybe\n',
    });
    expect(((await csv.json()) as ChorusApiError['problem']).errors).toEqual([{ pointer: '/subjects/0/goldStandard/T0', message: expect.stringContaining('(line 2 of the CSV, column "gold_standard_T0")') }]);
    expect(await goldOf(set.id)).toEqual([]);
    await stack.client.addSubjects(set.id, [gold('g1', { T0: 'yes' }), gold('g2', { T0: 'no', T9: 'for another workflow' })]);
    expect((await goldOf(set.id)).map((row) => row.external_id)).toEqual(['g1', 'g2']);
  });

  it('must not answer a task that another known answer branches away from', async () => {
    const project = await stack.client.createProject({ title: `Gold branches ${Date.now()}` });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Gold' });
    const tasks = {
      T0: { type: 'single' as const, question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
      T1: { type: 'single' as const, question: 'For what?', answers: [{ value: 'goods', label: 'Goods' }, { value: 'services', label: 'Services' }] },
    };
    await stack.client.createWorkflow(project.id, { name: 'Ads', firstTask: 'T0', tasks, subjectSetIds: [set.id] });
    const refused = await refusal(stack.client.addSubjects(set.id, [gold('g1', { T0: 'yes', T1: 'goods' }), gold('g2', { T0: 'no', T1: 'goods' })]));
    expect(refused.problem.errors).toEqual([{ pointer: '/subjects/1/goldStandard/T1', message: expect.stringMatching(/^is for a task that a volunteer giving the other known answers never reaches.* \(workflow "Ads"\)$/) }]);
    expect(await goldOf(set.id)).toEqual([]);
    // Known for the second task alone: any answer to the first may lead there.
    await stack.client.addSubjects(set.id, [gold('g1', { T0: 'yes', T1: 'goods' }), gold('g2', { T0: 'no' }), gold('g3', { T1: 'services' })]);
    expect((await goldOf(set.id)).map((row) => row.external_id)).toEqual(['g1', 'g2', 'g3']);
  });

  it('must name a task of every workflow the subject is in, or it would be gold standard there with nothing to compare', async () => {
    const project = await stack.client.createProject({ title: `Gold keys ${Date.now()}` });
    const [fed, loose] = [await stack.client.createSubjectSet(project.id, { name: 'Fed' }), await stack.client.createSubjectSet(project.id, { name: 'Loose' })];
    await stack.client.createWorkflow(project.id, { name: 'Ads', firstTask: 'T0', tasks: yesNo, subjectSetIds: [fed.id] });
    const lowerCase = await refusal(stack.client.addSubjects(fed.id, [gold('g1', { t0: 'yes' })]));
    expect(lowerCase.problem.errors).toEqual([{ pointer: '/subjects/0/goldStandard/t0', message: expect.stringMatching(/^names no task of the workflow \(its tasks are "T0"; .* \(workflow "Ads"\)$/) }]);
    expect(await goldOf(fed.id)).toEqual([]);
    await stack.client.addSubjects(loose.id, [gold('g2', { T9: 'yes' })]);
    const linking = await refusal(stack.client.createWorkflow(project.id, { name: 'Ads too', firstTask: 'T0', tasks: yesNo, subjectSetIds: [loose.id] }));
    expect(linking.problem.errors).toEqual([{ pointer: '/tasks', message: expect.stringContaining('of the gold-standard subject g2 names no task of the workflow') }]);
  });

  it('are corrected by sending the subject again; a regular subject sent with known answers is refused, not made gold standard', async () => {
    const project = await stack.client.createProject({ title: `Gold fix ${Date.now()}` });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Gold' });
    await stack.client.addSubjects(set.id, [gold('g1', { T0: 'maybe' }), text('plain')]);
    const refused = await refusal(stack.client.addSubjects(set.id, [gold('g1', { T0: 'yes' }), gold('plain', { T0: 'no' })]));
    expect(refused.problem.errors).toEqual([{ pointer: '/subjects/1/goldStandard', message: expect.stringContaining('cannot make the subject "plain", already in the project without known answers, gold standard') }]);
    expect(await goldOf(set.id)).toEqual([{ external_id: 'g1', gold_standard: { T0: 'maybe' } }, { external_id: 'plain', gold_standard: null }]);
    expect(await stack.client.addSubjects(set.id, [gold('g1', { T0: 'yes' }), text('plain')])).toMatchObject({ created: 0, existing: 2, updated: 1 });
    expect(await goldOf(set.id)).toEqual([{ external_id: 'g1', gold_standard: { T0: 'yes' } }, { external_id: 'plain', gold_standard: null }]);
    expect(await stack.client.addSubjects(set.id, [gold('g1', { T0: 'yes' })])).toMatchObject({ created: 0, existing: 1, updated: 0 }); // the same again: nothing to do
  });

  it('need an externalId, by which they are corrected', async () => {
    const set = await stack.client.createSubjectSet((await stack.client.createProject({ title: `Gold id ${Date.now()}` })).id, { name: 'Gold' });
    const { externalId: _, ...withoutId } = gold('g1', { T9: 'nope' });
    const refused = await refusal(stack.client.addSubjects(set.id, [text('plain'), withoutId]));
    expect(refused.problem.errors).toEqual([{ pointer: '/subjects/1/externalId', message: expect.stringContaining('is required for a gold-standard subject') }]);
    expect(await goldOf(set.id)).toEqual([]);
  });

  it('sent again through another set, must still fit the workflows the subject is already in', async () => {
    const project = await stack.client.createProject({ title: `Gold two sets ${Date.now()}` });
    const [a, b] = [await stack.client.createSubjectSet(project.id, { name: 'A' }), await stack.client.createSubjectSet(project.id, { name: 'B' })];
    await stack.client.addSubjects(a.id, [gold('g1', { T0: 'yes' })]);
    await stack.client.createWorkflow(project.id, { name: 'Yes or no', firstTask: 'T0', tasks: yesNo, subjectSetIds: [a.id] });
    const yesMaybe = { T0: { ...yesNo.T0, answers: [{ value: 'yes', label: 'Yes' }, { value: 'maybe', label: 'Maybe' }] } };
    await stack.client.createWorkflow(project.id, { name: 'Yes or maybe', firstTask: 'T0', tasks: yesMaybe, subjectSetIds: [b.id] });
    const refused = await refusal(stack.client.addSubjects(b.id, [gold('g1', { T0: 'maybe' })]));
    expect(refused.problem.errors).toEqual([{ pointer: '/subjects/0/goldStandard/T0', message: expect.stringContaining('(workflow "Yes or no")') }]);
    expect(await goldOf(a.id)).toEqual([{ external_id: 'g1', gold_standard: { T0: 'yes' } }]);
  });

  it('keep a workflow from being linked to them, or from dropping an answer they give, until corrected', async () => {
    const project = await stack.client.createProject({ title: `Gold link ${Date.now()}` });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Gold' });
    await stack.client.addSubjects(set.id, [gold('g1', { T0: 'maybe' })]);
    const linking = await refusal(stack.client.createWorkflow(project.id, { name: 'Ads', firstTask: 'T0', tasks: yesNo, subjectSetIds: [set.id] }));
    expect(linking.problem.errors).toEqual([{ pointer: '/tasks/T0', message: expect.stringContaining('"maybe" of the gold-standard subject g1') }]);
    await stack.client.addSubjects(set.id, [gold('g1', { T0: 'no' })]);
    const { id } = await stack.client.createWorkflow(project.id, { name: 'Ads', firstTask: 'T0', tasks: yesNo, subjectSetIds: [set.id] });
    const onlyYes = { T0: { ...yesNo.T0, answers: [{ value: 'yes', label: 'Yes' }, { value: 'unsure', label: 'Unsure' }] } };
    const dropping = await refusal(stack.client.updateWorkflow(id, { name: 'Ads', firstTask: 'T0', tasks: onlyYes }));
    expect(dropping.problem.errors?.map((error) => error.pointer)).toEqual(['/tasks/T0']);
    expect((await stack.client.getWorkflow(id)).version).toBe(1);
  });
});
