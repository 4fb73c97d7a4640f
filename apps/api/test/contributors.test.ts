import type { ChorusClient, ContributorList } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { ACCOUNT_PASSWORD, type TestAccount, newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { yesNoWorkflow } from '../../../test/support/workflows';
import { refusal } from '../../../test/support/requests';

/**
 * Credited names: a volunteer says whether projects may name them in their acknowledgements (nobody is named without
 * saying yes), and under which name; a project's researchers download those who said yes, with their counted
 * classifications, and how many other volunteers classified, a number only.
 */
let stack: Stack;
let projectId: string;
let workflowId: string;
let subjectIds: Record<string, string>;
let named: Record<'ada' | 'abe' | 'bob' | 'cy', TestAccount>;
let notNamed: Record<'dee' | 'eve' | 'fay' | 'gus', TestAccount>;

const classify = (who: ChorusClient, externalId: string, workflow = workflowId) =>
  who.classify({ workflowId: workflow, workflowVersion: 1, subjectId: subjectIds[externalId]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
const contributorsPath = (project = projectId) => `/api/v1/projects/${project}/contributors`;
async function download(path: string, token: string | undefined) {
  const response = await fetch(`${stack.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
const optIn = (who: TestAccount, creditedName?: string | null) => who.client.changeAccount({ namedInAcknowledgements: true, ...(creditedName === undefined ? {} : { creditedName }) });

beforeAll(async () => {
  stack = await startStack({ worker: false });
  ({ projectId, workflowId, idOf: subjectIds } = await yesNoWorkflow(stack, [{ externalId: 'a' }, { externalId: 'b' }, { externalId: 'c' }], 20));
  named = { ada: await newAccount(stack, 'Ada'), abe: await newAccount(stack, 'Abe'), bob: await newAccount(stack, 'Bob'), cy: await newAccount(stack, 'Cy') };
  notNamed = { dee: await newAccount(stack, 'Dee'), eve: await newAccount(stack, 'Eve'), fay: await newAccount(stack, 'Fay'), gus: await newAccount(stack, 'Gus') };
  await optIn(named.ada, 'Ada Lovelace');
  await optIn(named.abe);
  await optIn(named.bob, 'Robert');
  await named.bob.client.changeAccount({ creditedName: '' }); // back to his display name
  await optIn(named.cy, '=cmd|calc');
  for (const who of [notNamed.eve, notNamed.fay, notNamed.gus]) await optIn(who, 'Named Anyway');
  await notNamed.gus.client.changeAccount({ namedInAcknowledgements: false });

  for (const externalId of ['a', 'b', 'c']) await classify(named.cy.client, externalId);
  for (const externalId of ['a', 'b']) await classify(named.ada.client, externalId);
  await classify(named.abe.client, 'c');
  await classify(named.bob.client, 'b');
  for (const who of [notNamed.dee, notNamed.eve, notNamed.fay, notNamed.gus]) await classify(who.client, 'a');
  await classify(stack.anonymous.withToken((await stack.anonymous.guest()).token), 'b');
  // Eve is kept out of the project's consensus: her classifications do not count, here neither.
  await stack.client.excludeVolunteer(projectId, notNamed.eve.id, 'Answers yes to everything');
  // Fay deletes her account: never named again, counted among the others.
  await notNamed.fay.client.deleteAccount(ACCOUNT_PASSWORD);
  // The researcher said yes, but only tried a draft workflow: tries count toward nothing.
  await stack.client.changeAccount({ namedInAcknowledgements: true });
  const { id: draft } = await stack.client.createWorkflow(projectId, {
    name: 'Draft',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: (await stack.db.query<{ id: string }>('SELECT id FROM subject_sets WHERE project_id = $1', [projectId])).rows.map((set) => set.id),
  });
  await classify(stack.client, 'a', draft);
  // Another project's classifications are its own.
  const other = await yesNoWorkflow(stack, [{ externalId: 'x' }]);
  await named.ada.client.classify({ workflowId: other.workflowId, workflowVersion: 1, subjectId: other.idOf.x!, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
});
afterAll(() => stack.stop());

describe('the credited name and the acknowledgements setting of an account', () => {
  it('start empty and off, are changed and shown by the account, and are neither for a guest', async () => {
    const fresh = await newAccount(stack, 'Hal');
    expect(await fresh.client.account()).toMatchObject({ displayName: 'Hal', creditedName: null, namedInAcknowledgements: false });
    expect(await fresh.client.changeAccount({ creditedName: '  Hal 9000 ', namedInAcknowledgements: true })).toMatchObject({ displayName: 'Hal', creditedName: 'Hal 9000', namedInAcknowledgements: true });
    // Each is changed alone: what is left out stays.
    expect(await fresh.client.changeAccount({ namedInAcknowledgements: false })).toMatchObject({ creditedName: 'Hal 9000', namedInAcknowledgements: false });
    expect(await fresh.client.changeAccount({ creditedName: null })).toMatchObject({ creditedName: null, namedInAcknowledgements: false });

    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect(await guest.account()).toMatchObject({ kind: 'guest', creditedName: null, namedInAcknowledgements: false });
    const refused = await refusal(guest.changeAccount({ namedInAcknowledgements: true }));
    expect([refused.status, refused.problem.type]).toEqual([403, 'urn:chorus:problem:account-required']);
  });

  it('refuses a bad credited name or setting naming the field, with a display name’s rules, and changes nothing', async () => {
    const volunteer = await newAccount(stack, 'Ivy');
    await volunteer.client.changeAccount({ creditedName: 'Ivy Green', namedInAcknowledgements: true });
    const before = await volunteer.client.account();
    const bad: [Record<string, unknown>, string][] = [
      [{ creditedName: 'Ivy\nRed', displayName: 'Changed' }, '/creditedName'],
      [{ creditedName: 'x'.repeat(101) }, '/creditedName'],
      [{ creditedName: 7 }, '/creditedName'],
      [{ namedInAcknowledgements: 'yes', displayName: 'Changed' }, '/namedInAcknowledgements'],
    ];
    for (const [body, pointer] of bad) {
      const refused = await refusal(volunteer.client.changeAccount(body as never));
      expect([refused.status, refused.problem.type, refused.problem.errors?.map((error) => error.pointer)]).toEqual([422, 'urn:chorus:problem:validation-failed', [pointer]]);
    }
    expect(await volunteer.client.account()).toEqual(before);
    // The display name's rule, from its one home: the same length refused there too.
    expect((await refusal(volunteer.client.renameAccount('x'.repeat(101)))).problem.errors?.map((error) => error.pointer)).toEqual(['/displayName']);
  });
});

describe('the contributors download', () => {
  it('names those who said yes, under their credited name or display name, most classifications first, and counts the others without naming them', async () => {
    const list = await stack.client.contributors(projectId);
    expect(list.contributors.map(({ credited_name, classifications }) => [credited_name, classifications])).toEqual([
      ['=cmd|calc', 3],
      ['Ada Lovelace', 2],
      ['Abe', 1],
      ['Bob', 1],
    ]);
    // Dee did not say yes, Gus took it back, Fay deleted her account, and a guest: counted, never named.
    expect(list.otherVolunteers).toBe(4);
    const { rows } = await stack.db.query<{ first: Date; last: Date }>('SELECT min(created_at) AS first, max(created_at) AS last FROM classifications WHERE user_id = $1 AND workflow_id = $2', [named.ada.id, workflowId]);
    expect(list.contributors[1]).toEqual({ credited_name: 'Ada Lovelace', classifications: 2, first_classified_at: rows[0]!.first.toISOString(), last_classified_at: rows[0]!.last.toISOString() });
    expect(list.contributors[1]!.first_classified_at < list.contributors[1]!.last_classified_at).toBe(true);

    const json = await download(`${contributorsPath()}?format=json`, stack.client.token);
    expect([json.headers.get('content-type'), json.headers.get('chorus-other-volunteers')]).toEqual(['application/json; charset=utf-8', '4']);
    expect(json.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="contributors-.*-${projectId}-\\d{8}T\\d{6}Z\\.json"`));
    // No user id, no email, of anyone, named or not.
    for (const who of [...Object.values(named), ...Object.values(notNamed)]) {
      expect(json.text).not.toContain(who.id);
      expect(json.text).not.toContain(who.email);
    }
    expect(json.text).not.toMatch(/Named Anyway|Dee|Gus|Eve|Fay|Deleted account/);
  });

  it('writes CSV as the other downloads do, formulas guarded, the total in a header', async () => {
    const csv = await download(`${contributorsPath()}?format=CSV`, stack.client.token);
    expect([csv.status, csv.headers.get('content-type'), csv.headers.get('chorus-other-volunteers')]).toEqual([200, 'text/csv; charset=utf-8', '4']);
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0]!)).toEqual(['credited_name', 'classifications', 'first_classified_at', 'last_classified_at']);
    expect(records.map((record) => [record.credited_name, record.classifications])).toEqual([
      ["'=cmd|calc", '3'],
      ['Ada Lovelace', '2'],
      ['Abe', '1'],
      ['Bob', '1'],
    ]);
    const ndjson = await download(`${contributorsPath()}?format=ndjson`, stack.client.token);
    expect([ndjson.status, JSON.parse(ndjson.text).errors]).toEqual([422, [{ pointer: '/query/format', message: 'must be csv or json' }]]);
  });

  it('is the project’s researchers’ only, and so is its summary: 401 without a token, 403 for a volunteer or a moderator, 404 for a project that is not there', async () => {
    const moderator = await newMember(stack, projectId, 'moderator', 'Mo');
    for (const path of [contributorsPath, (project?: string) => `${contributorsPath(project)}/summary`]) {
      expect((await download(path(), undefined)).status).toBe(401);
      expect((await download(path(), named.ada.token)).status).toBe(403);
      expect((await download(path(), moderator.token)).status).toBe(403);
      expect((await download(path(randomUUID()), stack.client.token)).status).toBe(404);
    }
    const scientist = await newMember(stack, projectId, 'scientist', 'Sci');
    expect((await download(`${contributorsPath()}?format=json`, scientist.token)).status).toBe(200);
    expect(await scientist.client.contributorSummary(projectId)).toEqual({ named: 4, otherVolunteers: 4 });
    // A link opens it without an Authorization header, for the lab's browser to save.
    const link = await scientist.client.contributorsDownloadLink(projectId);
    const linked = await download(`${link.url}&format=json`, undefined);
    expect((JSON.parse(linked.text) as ContributorList).otherVolunteers).toBe(4);
    await refusal(named.ada.client.contributorsDownloadLink(projectId), { status: 403 });
  });

  it('opens with a downloads-scoped API key of a researcher, and is 404 for a project that is not public to the one asking', async () => {
    const key = await stack.client.createApiKey({ name: 'Acknowledgements', scope: 'downloads' });
    const keyed = await download(`${contributorsPath()}?format=json`, key.secret);
    expect([keyed.status, (JSON.parse(keyed.text) as ContributorList).otherVolunteers]).toEqual([200, 4]);
    const draft = await stack.client.createProject({ title: `Private ${randomUUID().slice(0, 8)}` });
    expect((await download(contributorsPath(draft.id), named.ada.token)).status).toBe(404);
    expect((await download(`${contributorsPath(draft.id)}/summary`, named.ada.token)).status).toBe(404);
  });

  it('gives an empty list (a CSV of its column names only) and no others for a project nobody classified in', async () => {
    const empty = await yesNoWorkflow(stack, [{ externalId: 'z' }]);
    expect(await stack.client.contributors(empty.projectId)).toEqual({ contributors: [], otherVolunteers: 0 });
    const csv = await download(`${contributorsPath(empty.projectId)}?format=csv`, stack.client.token);
    expect([csv.text, csv.headers.get('chorus-other-volunteers')]).toEqual(['credited_name,classifications,first_classified_at,last_classified_at\n', '0']);
  });
});

describe('the contributors summary (the lab page’s two numbers)', () => {
  it('counts those named and the others as the download does, without the rows (its 401, 403 and 404 are above)', async () => {
    expect(await stack.client.contributorSummary(projectId)).toEqual({ named: 4, otherVolunteers: 4 });
    const empty = await yesNoWorkflow(stack, [{ externalId: 'z' }]);
    expect(await stack.client.contributorSummary(empty.projectId)).toEqual({ named: 0, otherVolunteers: 0 });
  });
});

describe('what counts', () => {
  it('counts a classification made after its subject retired (unlike consensus), and an excluded volunteer’s again once let back in', async () => {
    const project = await yesNoWorkflow(stack, [{ externalId: 'a' }, { externalId: 'b' }], 20);
    const [late, back] = [await newAccount(stack, 'Lea'), await newAccount(stack, 'Ben')];
    await optIn(late);
    await optIn(back);
    const classifyIn = (who: ChorusClient, externalId: string) =>
      who.classify({ workflowId: project.workflowId, workflowVersion: 1, subjectId: project.idOf[externalId]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await classifyIn(late.client, 'b');
    await stack.client.retireSubjects(project.workflowId, { subjectIds: [project.idOf.a!], reason: 'enough of these' });
    await classifyIn(late.client, 'a');
    const { rows } = await stack.db.query<{ after_retirement: boolean }>('SELECT after_retirement FROM classifications WHERE user_id = $1 ORDER BY created_at', [late.id]);
    expect(rows.map((row) => row.after_retirement)).toEqual([false, true]);
    await classifyIn(back.client, 'b');
    await stack.client.excludeVolunteer(project.projectId, back.id, 'Testing');
    const counts = async () => (await stack.client.contributors(project.projectId)).contributors.map(({ credited_name, classifications }) => [credited_name, classifications]);
    expect(await counts()).toEqual([['Lea', 2]]);
    await stack.client.liftExclusion(project.projectId, back.id);
    expect(await counts()).toEqual([['Lea', 2], ['Ben', 1]]);
    expect(await stack.client.contributorSummary(project.projectId)).toEqual({ named: 2, otherVolunteers: 0 });
  });
});
