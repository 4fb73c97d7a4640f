import { type ChorusClient, HIDDEN_TAG_LIMITS, type TagProposalPage, type WorkflowInput, hiddenTagSchema, subjectsUnretiredSchema, tagProposalPageSchema } from '@chorus/client';
import { COMMENT_BAN_LOCKED } from '@chorus/db';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, type TestAccount, newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { committedMeanwhile } from '../../../test/support/waiting';
import { refusal } from '../../../test/support/requests';

/**
 * Moderation: a project's moderators (and its researchers) read the subjects volunteers reported and retire those,
 * list the tags volunteers proposed, and hide a proposed tag from later volunteers.
 */

let stack: Stack;

beforeAll(async () => {
  // Each project here invites its team from the stack's one researcher: more than the default 100 invitations a day.
  stack = await startStack({ worker: false, env: { INVITATIONS_PER_ACCOUNT_PER_DAY: '1000' } });
});
afterAll(async () => {
  await stack.stop();
});

async function guest(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

const TAGGING: Omit<WorkflowInput, 'subjectSetIds'> = {
  name: 'Tag the notices',
  firstTask: 'T0',
  tasks: {
    T0: { type: 'single', question: 'Readable?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
    T1: { type: 'tagging', instruction: 'Tag it' },
  },
  retirement: { rule: 'count', count: 10 },
};

interface Team {
  projectId: string;
  workflowId: string;
  version: number;
  setId: string;
  /** Subject ids by externalId (a, b, c). */
  subjects: Record<string, string>;
  moderator: TestAccount;
  scientist: TestAccount;
  collaborator: TestAccount;
}

/** A live tagging workflow over subjects a, b and c, with a moderator, a scientist and a collaborator besides its owner. */
async function taggingProject(status: 'live' | 'draft' = 'live'): Promise<Team> {
  const project = await stack.client.createProject({ title: `Moderated ${randomUUID().slice(0, 8)}`, status });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, ['a', 'b', 'c'].map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: `Notice ${externalId}` }] })));
  const { id: workflowId, version } = await stack.client.createWorkflow(project.id, { ...TAGGING, subjectSetIds: [set.id] });
  await stack.client.activateWorkflow(workflowId);
  const { rows } = await stack.db.query<{ id: string; external_id: string }>('SELECT id, external_id FROM subjects WHERE project_id = $1', [project.id]);
  return {
    projectId: project.id,
    workflowId,
    version,
    setId: set.id,
    subjects: Object.fromEntries(rows.map((row) => [row.external_id, row.id])),
    moderator: await newMember(stack, project.id, 'moderator', 'Moderator'),
    scientist: await newMember(stack, project.id, 'scientist', 'Scientist'),
    collaborator: await newMember(stack, project.id, 'collaborator', 'Collaborator'),
  };
}

/** A guest's answer to subject `externalId`: readable, with these tags added (and votes). */
async function tagged(team: Team, externalId: string, value: { add?: string[]; up?: string[]; down?: string[] }, volunteer?: ChorusClient): Promise<ChorusClient> {
  const client = volunteer ?? (await guest());
  const annotations = [{ task: 'T0', value: 'yes' }, { task: 'T1', value: { add: [], up: [], down: [], ...value } }];
  await client.classify({ workflowId: team.workflowId, workflowVersion: team.version, subjectId: team.subjects[externalId]!, annotations }, randomUUID());
  return client;
}

const hiddenRows = async (workflowId: string) =>
  (await stack.db.query('SELECT subject_id, task, tag, hidden_by, reason FROM hidden_tags WHERE workflow_id = $1 ORDER BY hidden_at', [workflowId])).rows;

describe('reported subjects, for moderators', () => {
  it('lists them to moderators and researchers, and to no one else', async () => {
    const team = await taggingProject();
    await (await guest()).reportSubject(team.workflowId, { subjectId: team.subjects.a!, reason: 'offensive-tag', note: 'A rude tag' });
    for (const member of [team.moderator, team.scientist, team.collaborator]) {
      expect(await member.client.reportedSubjects(team.workflowId)).toMatchObject({ total: 1, subjects: [{ subjectId: team.subjects.a, reasons: { 'offensive-tag': 1 } }] });
    }
    const outsider = await newAccount(stack, 'Outsider');
    for (const client of [outsider.client, await guest()]) await refusal(client.reportedSubjects(team.workflowId), { status: 403 });
  });

  it('lets a moderator retire a reported subject with a reason, recorded as theirs, and no other subject, set or unretirement', async () => {
    const team = await taggingProject();
    await (await guest()).reportSubject(team.workflowId, { subjectId: team.subjects.a!, reason: 'sensitive-content' });
    await (await guest()).reportSubject(team.workflowId, { subjectId: team.subjects.b!, reason: 'offensive-tag' });
    const moderator = team.moderator.client;

    expect(await moderator.retireSubjects(team.workflowId, { subjectIds: [team.subjects.a!], reason: 'A name and address' })).toEqual({ retired: 1, takenDown: 1 });
    const { rows } = await stack.db.query("SELECT retirement_reason, retirement_detail->>'by' AS by, retirement_detail->>'reason' AS why FROM subject_workflow_status WHERE subject_id = $1", [team.subjects.a]);
    expect(rows).toEqual([{ retirement_reason: 'manual', by: team.moderator.id, why: 'A name and address' }]);
    // By externalId too; retiring it again keeps the first retirement.
    expect(await moderator.retireSubjects(team.workflowId, { externalIds: ['b', 'a'], reason: 'Reported' })).toEqual({ retired: 1, alreadyRetired: 1, takenDown: 1 });

    // A subject nobody reported, named among reported ones: refused whole, naming it.
    await refusal(moderator.retireSubjects(team.workflowId, { subjectIds: [team.subjects.a!, team.subjects.c!], reason: 'Tidy up' }), { status: 403, pointers: ['/subjectIds/1'] });
    await refusal(moderator.retireSubjects(team.workflowId, { externalIds: ['c'], reason: 'Tidy up' }), { status: 403, pointers: ['/externalIds/0'] });
    // Nor one the moderator reported themselves.
    await moderator.reportSubject(team.workflowId, { subjectId: team.subjects.c!, reason: 'other' });
    await refusal(moderator.retireSubjects(team.workflowId, { externalIds: ['c'], reason: 'Reported it myself' }), { status: 403, pointers: ['/externalIds/0'] });
    await refusal(moderator.retireSubjects(team.workflowId, { subjectSetId: team.setId, reason: 'All of them' }), { status: 403, pointers: ['/subjectSetId'] });
    await refusal(moderator.unretireSubjects(team.workflowId, { subjectIds: [team.subjects.a!], reason: 'Back' }), { status: 403 });
    const { rows: retired } = await stack.db.query('SELECT count(*)::int AS n FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NOT NULL', [team.workflowId]);
    expect(retired[0].n).toBe(2);
    // Researchers retire any subject, as before.
    expect(await team.scientist.client.retireSubjects(team.workflowId, { subjectIds: [team.subjects.c!], reason: 'Out of scope' })).toEqual({ retired: 1 });

    // The consensus download says who retired each by hand, and in which role: a moderator's take-down, or a researcher's decision.
    const retiredBy = async () =>
      Object.fromEntries(
        (await stack.client.consensus(team.workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line)).map((row) => [row.external_id, [row.retired_by, row.retired_by_role, row.retirement_note]]),
      );
    expect(await retiredBy()).toEqual({ a: [team.moderator.id, 'moderator', 'A name and address'], b: [team.moderator.id, 'moderator', 'Reported'], c: [team.scientist.id, 'scientist', 'Out of scope'] });
    // The role they had then, kept with the retirement; for one from before it was kept, the member's role now.
    await stack.db.query("UPDATE project_members SET role = 'collaborator' WHERE user_id = $1 AND project_id = $2", [team.scientist.id, team.projectId]);
    expect((await retiredBy()).c).toEqual([team.scientist.id, 'scientist', 'Out of scope']);
    await stack.db.query("UPDATE subject_workflow_status SET retirement_detail = retirement_detail - 'role' WHERE workflow_id = $1", [team.workflowId]);
    expect((await retiredBy()).c).toEqual([team.scientist.id, 'collaborator', 'Out of scope']);
  });

  it('stay retired when their set is unretired, counted; named, one is put back, and its retirement stays in the download (round 25)', async () => {
    const team = await taggingProject();
    await (await guest()).reportSubject(team.workflowId, { subjectId: team.subjects.a!, reason: 'sensitive-content', note: 'home address visible' });
    await (await guest()).reportSubject(team.workflowId, { subjectId: team.subjects.b!, reason: 'offensive-tag' });
    await team.moderator.client.retireSubjects(team.workflowId, { externalIds: ['a'], reason: 'personal data on label' });
    // A researcher's retirement on a volunteer's report is moderation too; one of a subject nobody reported is not.
    await team.scientist.client.retireSubjects(team.workflowId, { externalIds: ['b'], reason: 'Offensive' });
    await team.scientist.client.retireSubjects(team.workflowId, { externalIds: ['c'], reason: 'Out of scope' });
    const collaborator = team.collaborator.client;

    const bySet = await collaborator.unretireSubjects(team.workflowId, { subjectSetId: team.setId, reason: 'Start again' });
    expect(subjectsUnretiredSchema.parse(bySet)).toEqual({ unretired: 1, leftModerated: 2 });
    const rowOf = async () =>
      Object.fromEntries((await stack.client.consensus(team.workflowId, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line)).map((row) => [row.external_id, row]));
    const afterSet = await rowOf();
    expect(afterSet.a).toMatchObject({ retired: true, retirement_note: 'personal data on label', retired_by: team.moderator.id, retired_by_role: 'moderator', unretired_retirement: null });
    expect(afterSet.b).toMatchObject({ retired: true, retirement_note: 'Offensive', retired_by_role: 'scientist' });
    expect(afterSet.c).toMatchObject({ retired: false, unretirement_note: 'Start again', unretired_retirement: { reason: 'manual', note: 'Out of scope', by: team.scientist.id, role: 'scientist', at: expect.any(String) } });

    // Named, a researcher may put it back: the answer says it was moderated, the download keeps who retired it and why.
    expect(await collaborator.unretireSubjects(team.workflowId, { externalIds: ['a'], reason: 'Label covered' })).toEqual({ unretired: 1, moderatedUnretired: 1 });
    const a = (await rowOf()).a;
    expect(a).toMatchObject({
      retired: false,
      retirement_note: null,
      retired_by: null,
      unretired_by: team.collaborator.id,
      unretirement_note: 'Label covered',
      unretired_retirement: { reason: 'manual', note: 'personal data on label', by: team.moderator.id, role: 'moderator', at: afterSet.a.retired_at },
    });

    // Retired again by its rule (as a later count would) and unretired again: the take-down stays on record, as the
    // unretirement undid no moderation; the unretired_* columns are the last unretirement's.
    await stack.db.query("UPDATE subject_workflow_status SET retired_at = now(), retirement_reason = 'count' WHERE workflow_id = $1 AND subject_id = $2", [team.workflowId, team.subjects.a!]);
    expect(await collaborator.unretireSubjects(team.workflowId, { externalIds: ['a'], reason: 'Counted again' })).toEqual({ unretired: 1 });
    expect((await rowOf()).a).toMatchObject({ retired: false, unretirement_note: 'Counted again', unretired_retirement: a.unretired_retirement });
  });
});

describe('taking down a reported gold-standard subject (round 26 F2)', () => {
  it('retires it from every pick, gold-standard slots included, when a moderator or researcher names it after a report, until a researcher puts it back; unreported, it is still refused', async () => {
    const project = await stack.client.createProject({ title: `Gold reported ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Mixed' });
    const { subjectIds } = await stack.client.addSubjects(set.id, [
      { externalId: 'snip-001', locations: [{ type: 'text', text: 'A regular snippet' }] },
      { externalId: 'snip-002', goldStandard: { T0: 'yes' }, locations: [{ type: 'text', text: 'Call me on 07700 900123' }] },
      { externalId: 'snip-003', goldStandard: { T0: 'no' }, locations: [{ type: 'text', text: 'Known answer' }] },
    ]);
    const [regular, reported, unreported] = subjectIds as [string, string, string];
    const { id: workflowId } = await stack.client.createWorkflow(project.id, { ...TAGGING, selection: { order: 'random', goldStandardRate: 1 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(workflowId);
    const moderator = await newMember(stack, project.id, 'moderator', 'Moderator');
    const servedIds = async () => (await (await guest()).queue(workflowId, 3)).subjects.map((subject) => subject.id).sort();
    expect(await servedIds()).toEqual([...subjectIds].sort());
    await (await guest()).reportSubject(workflowId, { subjectId: reported, reason: 'sensitive-content', note: 'a phone number' });

    // Not reported: a gold-standard subject is still never retired, by a researcher either.
    await refusal(stack.client.retireSubjects(workflowId, { subjectIds: [unreported], reason: 'Tidy up' }), { status: 422, pointers: ['/subjectIds/0'] });
    expect(await moderator.client.retireSubjects(workflowId, { externalIds: ['snip-002'], reason: 'A phone number' })).toEqual({ retired: 1, takenDown: 1 });
    for (let i = 0; i < 3; i++) expect(await servedIds()).toEqual([regular, unreported].sort());
    // The workflow's progress counts no retirement: its subjects left to classify are as they were.
    expect(await stack.client.stats(workflowId)).toMatchObject({ subjects: 3, retired: 0, goldStandard: 2 });
    const { rows } = await stack.db.query("SELECT retirement_reason, retirement_detail->>'role' AS role FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2", [workflowId, reported]);
    expect(rows).toEqual([{ retirement_reason: 'manual', role: 'moderator' }]);
    // A set's retirement still leaves its gold-standard subjects served, and a set's unretirement the taken-down one retired.
    expect(await stack.client.retireSubjects(workflowId, { subjectSetId: set.id, reason: 'Pause' })).toEqual({ retired: 1, leftGoldStandard: 2, alreadyRetired: 1 });
    expect(await stack.client.unretireSubjects(workflowId, { subjectSetId: set.id, reason: 'Resume' })).toEqual({ unretired: 1, leftModerated: 1 });
    expect(await servedIds()).toEqual([regular, unreported].sort());

    expect(await stack.client.unretireSubjects(workflowId, { subjectIds: [reported], reason: 'Number blacked out' })).toEqual({ unretired: 1, moderatedUnretired: 1 });
    expect(await servedIds()).toEqual([...subjectIds].sort());
  });
});

describe('hiding a proposed tag', () => {
  it('takes it out of the tags proposed to volunteers, whatever its case, recording who, when and why; hiding it again stores nothing', async () => {
    const team = await taggingProject();
    await tagged(team, 'a', { add: ['Food'] });
    await tagged(team, 'a', { add: ['Idiot'], up: ['food'] });
    await tagged(team, 'b', { add: ['idiot'] });
    const volunteer = await guest();
    expect((await volunteer.proposedTags(team.workflowId, team.subjects.a!, 'T1')).tags.map((each) => each.tag)).toEqual(['food', 'idiot']);

    const hidden = await team.moderator.client.hideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: ' IDIOT ', reason: '  An insult  ' });
    expect(hidden).toEqual({ subjectId: team.subjects.a, task: 'T1', tag: 'idiot', reason: 'An insult', hiddenBy: team.moderator.id, hiddenAt: expect.any(String), replayed: false });
    const { replayed: _, ...answered } = hidden;
    expect(hiddenTagSchema.parse(answered)).toEqual(answered); // the documented shape, strictly
    expect(await volunteer.proposedTags(team.workflowId, team.subjects.a!, 'T1')).toEqual({ tags: [{ tag: 'food', up: 2, down: 0 }] });
    // Of that subject only.
    expect(await volunteer.proposedTags(team.workflowId, team.subjects.b!, 'T1')).toEqual({ tags: [{ tag: 'idiot', up: 1, down: 0 }] });

    const again = await team.scientist.client.hideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: 'idiot', reason: 'second thoughts' });
    expect(again).toEqual({ ...hidden, replayed: true });
    expect(await hiddenRows(team.workflowId)).toEqual([{ subject_id: team.subjects.a, task: 'T1', tag: 'idiot', hidden_by: team.moderator.id, reason: 'An insult' }]);
    // A volunteer who types it again adds it to their own answer, but it is not proposed to others.
    await tagged(team, 'a', { add: ['idiot'] });
    expect((await volunteer.proposedTags(team.workflowId, team.subjects.a!, 'T1')).tags.map((each) => each.tag)).toEqual(['food']);
  });

  it('marks it in both downloads, which keep it, so that an import can drop it (round 16a F2)', async () => {
    const team = await taggingProject();
    await tagged(team, 'a', { add: ['Call Dan on 07700 900123', 'Food'] });
    await tagged(team, 'a', { up: ['call dan on 07700 900123'], down: ['food'] });
    await tagged(team, 'b', { add: ['Call Dan on 07700 900123'] });
    await team.moderator.client.hideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: 'call dan on 07700 900123', reason: 'A phone number' });
    const rows = async (download: Promise<string>) => (await download).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

    const consensus = await rows(stack.client.consensus(team.workflowId, { format: 'ndjson' }));
    const bySubject = Object.fromEntries(consensus.map((row) => [row.external_id, row]));
    // Normalised, as the consensus result's tags[].tag names it.
    expect(bySubject.a!.hidden_tags).toEqual({ T1: ['call dan on 07700 900123'] });
    expect(bySubject.b!.hidden_tags).toBeNull(); // hidden for subject a only
    expect(bySubject.c!.hidden_tags).toBeNull();

    const raw = await rows(stack.client.classifications(team.workflowId, { format: 'ndjson' }));
    const marked = raw.map((row) => [row.external_id, row.hidden_tags]);
    // Each answer's hidden tags as it typed them, so that they match its annotations and T1_answer.
    expect(marked).toHaveLength(3);
    expect(marked).toEqual(expect.arrayContaining([['a', { T1: ['Call Dan on 07700 900123'] }], ['a', { T1: ['call dan on 07700 900123'] }], ['b', null]]));
    // The CSV has the column too, quoted as JSON cells are.
    expect((await stack.client.classifications(team.workflowId, { format: 'csv' })).split('\n')[0]).toContain(',annotations,hidden_tags,');
  });

  it('keeps it hidden when it comes back with an invisible character or in full-width letters, and counts those as the one tag (round 13a F5)', async () => {
    const team = await taggingProject();
    await tagged(team, 'a', { add: ['spam', 'food'] });
    await team.moderator.client.hideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: 'spam', reason: 'Spam' });
    await tagged(team, 'a', { add: ['spam\u200b', 'f\u00adood'] });
    await tagged(team, 'a', { add: ['ＳＰＡＭ'] });
    await tagged(team, 'a', { add: ['\u202espam'] });
    const volunteer = await guest();
    // One tag each, as consensus counts them: food with both its votes, spam (all its variants) hidden.
    expect((await volunteer.proposedTags(team.workflowId, team.subjects.a!, 'T1')).tags).toEqual([{ tag: 'food', up: 2, down: 0 }]);
    const page = await team.moderator.client.tagProposals(team.workflowId);
    expect(page.proposals.map((proposal) => proposal.tags.map((each) => [each.tag, each.hidden?.reason ?? null]))).toEqual([
      [['\u202espam', 'Spam']],
      [['ＳＰＡＭ', 'Spam']],
      [['spam\u200b', 'Spam'], ['f\u00adood', null]],
      [['spam', 'Spam'], ['food', null]],
    ]);
    // A moderator may name the tag in any of its forms; the hiding stored is the one tag's.
    const again = await team.moderator.client.hideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: 'spam\u2060' });
    expect([again.tag, again.replayed]).toEqual(['spam', true]);
    await team.moderator.client.unhideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: 'ｓｐａｍ' });
    expect((await volunteer.proposedTags(team.workflowId, team.subjects.a!, 'T1')).tags).toEqual([{ tag: 'spam', up: 4, down: 0 }, { tag: 'food', up: 2, down: 0 }]);
  });

  it('is for the project’s moderators and researchers: refused to others, and a draft’s workflow is not found by outsiders', async () => {
    const team = await taggingProject();
    await tagged(team, 'a', { add: ['one', 'two', 'three', 'four'] });
    const hide = (client: ChorusClient, tag: string) => client.hideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag });
    for (const [client, tag] of [[team.moderator.client, 'one'], [team.scientist.client, 'two'], [team.collaborator.client, 'three'], [stack.client, 'four']] as const) {
      expect((await hide(client, tag)).replayed).toBe(false);
    }
    const outsider = await newAccount(stack, 'Outsider');
    for (const client of [outsider.client, await guest()]) await refusal(hide(client, 'one'), { status: 403 });
    await refusal(hide(stack.anonymous, 'one'), { status: 401 });
    expect(await hiddenRows(team.workflowId)).toHaveLength(4);

    const draft = await taggingProject('draft');
    await tagged(draft, 'a', { add: ['secret'] }, stack.client);
    await refusal(outsider.client.hideTag(draft.workflowId, { subjectId: draft.subjects.a!, task: 'T1', tag: 'secret' }), { status: 404, pointers: ['/params/id'] });
    expect((await draft.moderator.client.hideTag(draft.workflowId, { subjectId: draft.subjects.a!, task: 'T1', tag: 'secret' })).tag).toBe('secret');
  });

  it.each([
    ['no task', (s: Record<string, string>) => ({ subjectId: s.a, tag: 'rude' }), '/task'],
    ['a task that is not a tagging task', (s: Record<string, string>) => ({ subjectId: s.a, task: 'T0', tag: 'rude' }), '/task'],
    ['a subject that is not an id', () => ({ subjectId: 'first', task: 'T1', tag: 'rude' }), '/subjectId'],
    ['a subject of no workflow', () => ({ subjectId: randomUUID(), task: 'T1', tag: 'rude' }), '/subjectId'],
    ['a tag nobody proposed for the subject', (s: Record<string, string>) => ({ subjectId: s.b, task: 'T1', tag: 'rude' }), '/tag'],
    ['an empty tag', (s: Record<string, string>) => ({ subjectId: s.a, task: 'T1', tag: '  ' }), '/tag'],
    ['a tag holding the list separator', (s: Record<string, string>) => ({ subjectId: s.a, task: 'T1', tag: 'rude;crude' }), '/tag'],
    ['a reason too long', (s: Record<string, string>) => ({ subjectId: s.a, task: 'T1', tag: 'rude', reason: 'x'.repeat(HIDDEN_TAG_LIMITS.reasonLength + 1) }), '/reason'],
    ['an unknown field', (s: Record<string, string>) => ({ subjectId: s.a, task: 'T1', tag: 'rude', colour: 'red' }), '/colour'],
  ])('refuses %s with a problem naming the field, and hides nothing', async (_name, body, pointer) => {
    const team = await taggingProject();
    await tagged(team, 'a', { add: ['rude'] });
    const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${team.workflowId}/hidden-tags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${team.moderator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body(team.subjects)),
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await response.json()) as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).toEqual([pointer]);
    expect(await hiddenRows(team.workflowId)).toEqual([]);
  });
});

const unhiddenRows = async (workflowId: string) =>
  (await stack.db.query('SELECT subject_id, task, tag, hidden_by, reason, unhidden_by, unhidden_at > hidden_at AS later FROM unhidden_tags WHERE workflow_id = $1 ORDER BY unhidden_at', [workflowId])).rows;

describe('showing a hidden tag again', () => {
  it('proposes it to volunteers again, whatever its case, recording the hiding it ended and who ended it; again, it changes nothing', async () => {
    const team = await taggingProject();
    await tagged(team, 'a', { add: ['Food', 'Pun'] });
    await tagged(team, 'b', { add: ['pun'] });
    const volunteer = await guest();
    for (const subject of ['a', 'b']) await team.moderator.client.hideTag(team.workflowId, { subjectId: team.subjects[subject]!, task: 'T1', tag: 'pun', reason: 'Looked rude' });
    expect((await volunteer.proposedTags(team.workflowId, team.subjects.a!, 'T1')).tags.map((each) => each.tag)).toEqual(['food']);

    await team.scientist.client.unhideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: ' PUN ' });
    expect((await volunteer.proposedTags(team.workflowId, team.subjects.a!, 'T1')).tags.map((each) => each.tag)).toEqual(['food', 'pun']);
    // Of that subject only.
    expect(await volunteer.proposedTags(team.workflowId, team.subjects.b!, 'T1')).toEqual({ tags: [] });
    // The list says it was shown again, by whom and when, with the hiding that ended: for a moderator about to hide it.
    const shownAgain = { hiddenBy: team.moderator.id, hiddenAt: expect.any(String), reason: 'Looked rude', shownAgainBy: team.scientist.id, shownAgainAt: expect.any(String) };
    expect((await team.moderator.client.tagProposals(team.workflowId, { subjectId: team.subjects.a! })).proposals[0]!.tags).toEqual([
      { tag: 'Food', hidden: null, shownAgain: null },
      { tag: 'Pun', hidden: null, shownAgain },
    ]);
    expect((await team.moderator.client.tagProposals(team.workflowId, { subjectId: team.subjects.b! })).proposals[0]!.tags).toEqual([
      { tag: 'pun', hidden: { hiddenBy: team.moderator.id, hiddenAt: expect.any(String), reason: 'Looked rude' }, shownAgain: null },
    ]);
    const ended = { subject_id: team.subjects.a, task: 'T1', tag: 'pun', hidden_by: team.moderator.id, reason: 'Looked rude', unhidden_by: team.scientist.id, later: true };
    expect(await unhiddenRows(team.workflowId)).toEqual([ended]);
    expect(await hiddenRows(team.workflowId)).toEqual([{ subject_id: team.subjects.b, task: 'T1', tag: 'pun', hidden_by: team.moderator.id, reason: 'Looked rude' }]);

    // A retry, or a tag never hidden: the same answer, nothing recorded.
    await team.moderator.client.unhideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: 'pun' });
    await team.moderator.client.unhideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: 'food' });
    await team.moderator.client.unhideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: 'never proposed' });
    expect(await unhiddenRows(team.workflowId)).toEqual([ended]);
    // Hidden again, and shown again: each time recorded.
    await team.moderator.client.hideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: 'pun' });
    await team.moderator.client.unhideTag(team.workflowId, { subjectId: team.subjects.a!, task: 'T1', tag: 'pun' });
    expect(await unhiddenRows(team.workflowId)).toEqual([ended, { ...ended, reason: null, unhidden_by: team.moderator.id }]);
    // The list gives the last showing again.
    expect((await team.moderator.client.tagProposals(team.workflowId, { subjectId: team.subjects.a! })).proposals[0]!.tags[1]!.shownAgain).toEqual({
      ...shownAgain,
      reason: null,
      shownAgainBy: team.moderator.id,
    });
  });

  it('is for the project’s moderators and researchers: refused to others (a draft’s workflow not found), and names a bad query parameter', async () => {
    const team = await taggingProject();
    await tagged(team, 'a', { add: ['rude'] });
    const tag = { subjectId: team.subjects.a!, task: 'T1', tag: 'rude' };
    await team.moderator.client.hideTag(team.workflowId, tag);
    const outsider = await newAccount(stack, 'Outsider');
    for (const client of [outsider.client, await guest()]) await refusal(client.unhideTag(team.workflowId, tag), { status: 403 });
    await refusal(stack.anonymous.unhideTag(team.workflowId, tag), { status: 401 });
    expect(await hiddenRows(team.workflowId)).toHaveLength(1);
    for (const [query, pointer] of [
      [`subjectId=${team.subjects.a}&task=T0&tag=rude`, '/query/task'],
      [`subjectId=${randomUUID()}&task=T1&tag=rude`, '/query/subjectId'],
      [`subjectId=a&task=T1&tag=rude`, '/query/subjectId'],
      [`subjectId=${team.subjects.a}&task=T1`, '/query/tag'],
      [`subjectId=${team.subjects.a}&task=T1&tag=rude&reason=why`, '/query/reason'],
    ] as const) {
      await refusal(team.moderator.client.request('DELETE', `/workflows/${team.workflowId}/hidden-tags?${query}`), { status: 422, pointers: [pointer] });
    }
    expect(await hiddenRows(team.workflowId)).toHaveLength(1);
    await team.collaborator.client.unhideTag(team.workflowId, tag);
    expect(await hiddenRows(team.workflowId)).toEqual([]);

    const draft = await taggingProject('draft');
    await tagged(draft, 'a', { add: ['secret'] }, stack.client);
    await draft.moderator.client.hideTag(draft.workflowId, { subjectId: draft.subjects.a!, task: 'T1', tag: 'secret' });
    await refusal(outsider.client.unhideTag(draft.workflowId, { subjectId: draft.subjects.a!, task: 'T1', tag: 'secret' }), { status: 404, pointers: ['/params/id'] });
    expect(await hiddenRows(draft.workflowId)).toHaveLength(1);
  });
});

describe("a workflow's tag proposals", () => {
  it('lists the answers that proposed tags, the most recent first, a page at a time, each tag with its hiding', async () => {
    const team = await taggingProject();
    await tagged(team, 'a', { add: ['Horse', 'cart'] });
    await tagged(team, 'b', { add: [], up: [] }); // proposes nothing
    await tagged(team, 'b', { add: ['rude word'] });
    await (await guest()).classify({ workflowId: team.workflowId, workflowVersion: team.version, subjectId: team.subjects.c!, annotations: [{ task: 'T0', value: 'no' }] }, randomUUID());
    await tagged(team, 'a', { add: ['RUDE  word'] });
    await team.moderator.client.hideTag(team.workflowId, { subjectId: team.subjects.b!, task: 'T1', tag: 'rude word', reason: 'Insult' });

    const page = await team.moderator.client.tagProposals(team.workflowId);
    expect(tagProposalPageSchema.parse(page)).toEqual(page); // the documented shape, strictly
    expect(page.next).toBeNull();
    expect(page.proposals.map((proposal) => [proposal.externalId, proposal.tags.map((each) => [each.tag, each.hidden?.reason ?? null])])).toEqual([
      ['a', [['RUDE  word', null]]], // hidden for subject b only
      ['b', [['rude word', 'Insult']]],
      ['a', [['Horse', null], ['cart', null]]],
    ]);
    expect(page.proposals[1]!.tags[0]!.hidden).toEqual({ hiddenBy: team.moderator.id, hiddenAt: expect.any(String), reason: 'Insult' });
    const { rows } = await stack.db.query('SELECT id, user_id FROM classifications WHERE subject_id = $1 ORDER BY created_at LIMIT 1', [team.subjects.a]);
    // The volunteer by user id only.
    expect(page.proposals[2]).toMatchObject({ classificationId: rows[0].id, subjectId: team.subjects.a, task: 'T1', userId: rows[0].user_id });

    const one = await team.scientist.client.tagProposals(team.workflowId, { limit: 2 });
    expect(one.proposals.map((proposal) => proposal.externalId)).toEqual(['a', 'b']);
    const two = await team.scientist.client.tagProposals(team.workflowId, { limit: 2, after: one.next! });
    expect(two).toMatchObject({ proposals: [{ externalId: 'a', tags: [{ tag: 'Horse' }, { tag: 'cart' }] }], next: null });
    // One subject's.
    const ofB = await team.moderator.client.tagProposals(team.workflowId, { subjectId: team.subjects.b! });
    expect(ofB.proposals.map((proposal) => proposal.externalId)).toEqual(['b']);
  });

  it('lists only the answers stored since a moment (new since a moderator last looked), a page at a time', async () => {
    const team = await taggingProject();
    await tagged(team, 'a', { add: ['Horse'] });
    const { rows } = await stack.db.query(`SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS looked`);
    await tagged(team, 'b', { add: ['cart'] });
    await tagged(team, 'a', { add: ['wagon'] });
    const since = rows[0].looked as string;
    const tagsOf = (page: TagProposalPage) => page.proposals.map((proposal) => proposal.tags.map((each) => each.tag).join());
    expect(tagsOf(await team.moderator.client.tagProposals(team.workflowId, { since }))).toEqual(['wagon', 'cart']);
    const one = await team.moderator.client.tagProposals(team.workflowId, { since, limit: 1 });
    expect(tagsOf(one)).toEqual(['wagon']);
    expect(await team.moderator.client.tagProposals(team.workflowId, { since, limit: 1, after: one.next! })).toMatchObject({ proposals: [{ tags: [{ tag: 'cart' }] }], next: null });
    expect(tagsOf(await team.moderator.client.tagProposals(team.workflowId, { since, subjectId: team.subjects.a! }))).toEqual(['wagon']);
    expect(tagsOf(await team.moderator.client.tagProposals(team.workflowId, { since: '2999-01-01' }))).toEqual([]);
  });

  it('is for moderators and researchers only, and names a bad query parameter', async () => {
    const team = await taggingProject();
    const outsider = await newAccount(stack, 'Outsider');
    for (const client of [outsider.client, await guest()]) await refusal(client.tagProposals(team.workflowId), { status: 403 });
    expect((await team.collaborator.client.tagProposals(team.workflowId)).proposals).toEqual([]);
    for (const [query, pointer] of [['after=yesterday', '/query/after'], ['limit=0', '/query/limit'], ['subjectId=a', '/query/subjectId'], ['sort=new', '/query/sort'], ['since=last%20week', '/query/since']] as const) {
      await refusal(team.moderator.client.request('GET', `/workflows/${team.workflowId}/tag-proposals?${query}`), { status: 422, pointers: [pointer] });
    }
  });
});

describe('an excluded volunteer’s proposed tags', () => {
  it('are left out of the tags proposed to volunteers, as consensus leaves them out', async () => {
    const team = await taggingProject();
    await tagged(team, 'a', { add: ['food'] });
    const vandal = await tagged(team, 'a', { add: ['idiot'] });
    const volunteer = await tagged(team, 'a', { up: ['food'] });
    expect((await volunteer.proposedTags(team.workflowId, team.subjects.a!, 'T1')).tags.map((each) => each.tag).sort()).toEqual(['food', 'idiot']);
    await stack.client.excludeVolunteer(team.projectId, (await vandal.account()).id, 'Insults');
    expect(await volunteer.proposedTags(team.workflowId, team.subjects.a!, 'T1')).toEqual({ tags: [{ tag: 'food', up: 2, down: 0 }] });
  });
});

describe('stopping a volunteer from commenting in a project (a comment ban)', () => {
  /** A request sent as it is: the status and the problem. */
  async function send(method: string, path: string, token: string, body?: unknown) {
    const response = await fetch(`${stack.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), body: (text ? JSON.parse(text) : {}) as { type?: string; detail?: string; errors?: { pointer: string }[] } };
  }

  it('refuses their comments and edits in that project only, with a problem of its own, until it is lifted', async () => {
    const team = await taggingProject();
    const other = await taggingProject();
    const volunteer = await newAccount(stack, 'Vandal');
    const subjectId = team.subjects.a!;
    const comment = await volunteer.client.postComment(subjectId, { projectId: team.projectId, body: 'First words' });

    const ban = await team.moderator.client.banFromComments(team.projectId, volunteer.id, '  Spam, again and again ');
    expect(ban).toEqual({ volunteerId: volunteer.id, volunteer: { displayName: 'Vandal' }, reason: 'Spam, again and again', bannedAt: expect.any(String), bannedBy: { id: team.moderator.id, name: 'Moderator' }, commentsHidden: 0 });
    // Stopped again: the same ban, with the new reason (idempotent).
    const again = await team.scientist.client.banFromComments(team.projectId, volunteer.id, 'Spam');
    expect([again.bannedAt, again.reason, again.bannedBy?.id]).toEqual([ban.bannedAt, 'Spam', team.scientist.id]);
    const { commentsHidden: _, ...listed } = again;
    expect((await team.moderator.client.commentBans(team.projectId)).commentBans).toEqual([listed]);
    // Their discussion pages say so up front; no one else's, nor another project's.
    const bannedIn = async (client: ChorusClient, projectId = team.projectId, subject = subjectId) => (await client.subjectDiscussion(subject, projectId)).commentBanned;
    expect([await bannedIn(volunteer.client), await bannedIn(team.moderator.client), await bannedIn(stack.anonymous), await bannedIn(volunteer.client, other.projectId, other.subjects.a!)]).toEqual([true, false, false, false]);

    for (const [method, path, body] of [
      ['POST', `/subjects/${subjectId}/comments`, { projectId: team.projectId, body: 'More spam' }],
      ['PATCH', `/comments/${comment.id}`, { body: 'Edited spam' }],
    ] as const) {
      const refused = await send(method, path, volunteer.token, body);
      expect([refused.status, refused.contentType, refused.body.type]).toEqual([403, 'application/problem+json; charset=utf-8', 'urn:chorus:problem:comment-banned']);
      expect(refused.body.detail).toContain('You may not comment in this project');
      expect(refused.body.detail).not.toContain('Spam');
    }
    const stored = await stack.db.query<{ body: string }>('SELECT body FROM subject_comments WHERE user_id = $1', [volunteer.id]);
    expect(stored.rows).toEqual([{ body: 'First words' }]);
    // Another project is not concerned.
    expect((await volunteer.client.postComment(other.subjects.a!, { projectId: other.projectId, body: 'Elsewhere' })).body).toBe('Elsewhere');

    await team.moderator.client.liftCommentBan(team.projectId, volunteer.id);
    await team.moderator.client.liftCommentBan(team.projectId, volunteer.id);
    expect((await team.moderator.client.commentBans(team.projectId)).commentBans).toEqual([]);
    expect(await bannedIn(volunteer.client)).toBe(false);
    expect((await volunteer.client.postComment(subjectId, { projectId: team.projectId, body: 'Sorry' })).body).toBe('Sorry');
    expect((await volunteer.client.editComment(comment.id, 'First words, edited')).body).toBe('First words, edited');
  });

  it('hides all their comments in that project with the ban’s reason when asked, saying how many, and no one else’s nor another project’s; again, none; lifted, they stay hidden', async () => {
    const team = await taggingProject();
    const other = await taggingProject();
    const [spammer, bystander] = [await newAccount(stack, 'Spammer'), await newAccount(stack, 'Bystander')];
    const reader = await newAccount(stack, 'Reader');
    const post = (account: TestAccount, subjectId: string, body: string, projectId = team.projectId) => account.client.postComment(subjectId, { projectId, body });
    const spam = [await post(spammer, team.subjects.a!, 'Cheap watches'), await post(spammer, team.subjects.b!, 'Cheap pills')];
    const hiddenBefore = await post(spammer, team.subjects.c!, 'Rude');
    await team.moderator.client.hideComment(hiddenBefore.id, 'Rude words');
    const kept = [await post(bystander, team.subjects.a!, 'A fine stamp'), await post(spammer, other.subjects.a!, 'Elsewhere', other.projectId)];
    // A mail of their comment not yet sent, as the outbox keeps it.
    await stack.db.query(`INSERT INTO mail_outbox (kind, "to", subject, text, next_attempt_at, comment_id, user_id) VALUES ('discussion', $1, 'Held', 'Held', now() + interval '1 hour', $2, $3)`, [reader.email, spam[0]!.id, reader.id]);
    const hiding = async (ids: string[]) =>
      (await stack.db.query<{ hidden_reason: string | null; hidden_by: string | null }>('SELECT hidden_reason, hidden_by FROM subject_comments WHERE id = ANY($1::uuid[]) ORDER BY created_at', [ids])).rows.map((row) => [row.hidden_reason, row.hidden_by]);

    const ban = await team.moderator.client.banFromComments(team.projectId, spammer.id, 'Spam', { hideComments: true });
    expect(ban).toEqual({ volunteerId: spammer.id, volunteer: { displayName: 'Spammer' }, reason: 'Spam', bannedAt: expect.any(String), bannedBy: { id: team.moderator.id, name: 'Moderator' }, commentsHidden: 2 });
    expect(await hiding(spam.map((comment) => comment.id))).toEqual([['Spam', team.moderator.id], ['Spam', team.moderator.id]]);
    // One hidden before keeps its own reason; others' comments and another project's stay shown.
    expect(await hiding([hiddenBefore.id])).toEqual([['Rude words', team.moderator.id]]);
    expect(await hiding(kept.map((comment) => comment.id))).toEqual([[null, null], [null, null]]);
    expect((await stack.db.query('SELECT 1 FROM mail_outbox WHERE "to" = $1', [reader.email])).rows).toEqual([]);
    expect((await bystander.client.projectComments(team.projectId)).comments.map((comment) => comment.body)).toEqual(['A fine stamp']);

    // Sent again (a replay, or by another of the team): the same ban, nothing more to hide, nothing changed.
    const again = await team.scientist.client.banFromComments(team.projectId, spammer.id, 'Spam again', { hideComments: true });
    expect([again.bannedAt, again.commentsHidden]).toEqual([ban.bannedAt, 0]);
    expect(await hiding(spam.map((comment) => comment.id))).toEqual([['Spam', team.moderator.id], ['Spam', team.moderator.id]]);
    // Without it, what they wrote stays as it was.
    const shown = await post(bystander, team.subjects.b!, 'Shown');
    expect((await team.moderator.client.banFromComments(team.projectId, bystander.id, 'Off topic')).commentsHidden).toBe(0);
    expect(await hiding([shown.id])).toEqual([[null, null]]);

    await team.moderator.client.liftCommentBan(team.projectId, spammer.id);
    expect(await hiding(spam.map((comment) => comment.id))).toEqual([['Spam', team.moderator.id], ['Spam', team.moderator.id]]);
    const refused = await send('PUT', `/projects/${team.projectId}/comment-bans/${spammer.id}`, team.moderator.token, { reason: 'Spam', hideComments: 'yes' });
    expect([refused.status, refused.body.errors]).toEqual([422, [expect.objectContaining({ pointer: '/hideComments' })]]);
    expect((await team.moderator.client.commentBans(team.projectId)).commentBans.map((each) => each.volunteerId)).toEqual([bystander.id]);
  });

  it('refuses a comment or an edit sent while a ban of its author commits, never storing it after the ban', async () => {
    const team = await taggingProject();
    const volunteer = await newAccount(stack, 'Racer');
    const subjectId = team.subjects.a!;
    const comment = await volunteer.client.postComment(subjectId, { projectId: team.projectId, body: 'Before' });
    // A ban made as PUT comment-bans makes it, under its lock, committed once the request waits for that lock.
    const ban = `WITH locked AS MATERIALIZED (${COMMENT_BAN_LOCKED}) INSERT INTO comment_bans (project_id, user_id, reason) SELECT $1, $2, 'Spam' FROM locked`;
    for (const [method, path, body] of [
      ['POST', `/subjects/${subjectId}/comments`, { projectId: team.projectId, body: 'Sent meanwhile' }],
      ['PATCH', `/comments/${comment.id}`, { body: 'Edited meanwhile' }],
    ] as const) {
      await stack.db.query('DELETE FROM comment_bans WHERE user_id = $1', [volunteer.id]);
      const refused = await committedMeanwhile(stack.config.databaseUrl, ban, [team.projectId, volunteer.id], () => send(method, path, volunteer.token, body));
      expect([method, refused.status, refused.body.type]).toEqual([method, 403, 'urn:chorus:problem:comment-banned']);
    }
    const stored = await stack.db.query<{ body: string }>('SELECT body FROM subject_comments WHERE user_id = $1', [volunteer.id]);
    expect(stored.rows).toEqual([{ body: 'Before' }]);
  });

  it('lets a banned volunteer delete their comments', async () => {
    const team = await taggingProject();
    const volunteer = await newAccount(stack, 'Regretful');
    const comment = await volunteer.client.postComment(team.subjects.a!, { projectId: team.projectId, body: 'Spam' });
    await team.moderator.client.banFromComments(team.projectId, volunteer.id, 'Spam');
    await volunteer.client.deleteComment(comment.id);
    expect((await stack.db.query('SELECT 1 FROM subject_comments WHERE id = $1', [comment.id])).rows).toEqual([]);
  });

  it('forgets the bans of a deleted account, and names no one for those a deleted account made', async () => {
    const team = await taggingProject();
    const [leaving, staying] = [await newAccount(stack, 'Leaving'), await newAccount(stack, 'Staying')];
    const formerModerator = await newMember(stack, team.projectId, 'moderator', 'Former');
    await formerModerator.client.banFromComments(team.projectId, staying.id, 'Spam');
    await team.moderator.client.banFromComments(team.projectId, leaving.id, 'Abuse');
    await formerModerator.client.deleteAccount(ACCOUNT_PASSWORD);
    await leaving.client.deleteAccount(ACCOUNT_PASSWORD);
    const { commentBans } = await team.moderator.client.commentBans(team.projectId);
    expect(commentBans.map(({ volunteerId, reason, bannedBy }) => ({ volunteerId, reason, bannedBy }))).toEqual([{ volunteerId: staying.id, reason: 'Spam', bannedBy: null }]);
    expect((await stack.db.query('SELECT reason FROM comment_bans WHERE user_id = $1', [leaving.id])).rows).toEqual([]);
    // Nor can a deleted account be stopped.
    const refused = await send('PUT', `/projects/${team.projectId}/comment-bans/${leaving.id}`, team.moderator.token, { reason: 'Spam' });
    expect([refused.status, refused.body.errors?.map((each) => each.pointer)]).toEqual([422, ['/params/userId']]);
  });

  it('lifts a volunteer’s ban once a role puts them on the team, by an invitation or a role changed, not as a reviewer', async () => {
    const team = await taggingProject();
    const [invited, reviewer, heir] = [await newAccount(stack, 'Invited'), await newAccount(stack, 'Reviewer'), await newAccount(stack, 'Heir')];
    for (const account of [heir, reviewer, invited]) await team.moderator.client.banFromComments(team.projectId, account.id, 'Spam');
    const bannedIds = async () => (await team.moderator.client.commentBans(team.projectId)).commentBans.map((each) => each.volunteerId);
    for (const [account, role] of [[invited, 'moderator'], [reviewer, 'reviewer'], [heir, 'reviewer']] as const) {
      await stack.client.invite(team.projectId, { email: account.email, role });
      await account.client.acceptInvitation(team.projectId);
    }
    expect(await bannedIds()).toEqual([reviewer.id, heir.id]);
    await stack.client.setMember(team.projectId, { email: reviewer.email, role: 'scientist' });
    expect(await bannedIds()).toEqual([heir.id]);
    // Handed the project: its owner now.
    await stack.client.setMember(team.projectId, { email: heir.email, role: 'owner' });
    expect(await bannedIds()).toEqual([]);
  });

  describe('raced against a change that commits while it runs', () => {
    /** A ban made as PUT comment-bans makes it: under its lock, first in its transaction. */
    const BAN = `WITH locked AS MATERIALIZED (${COMMENT_BAN_LOCKED}) INSERT INTO comment_bans (project_id, user_id, reason) SELECT $1, $2, 'Spam' FROM locked`;

    it('lifts a ban that commits while a role putting its volunteer on the team is given', async () => {
      const team = await taggingProject();
      const reviewer = await newMember(stack, team.projectId, 'reviewer', 'Reviewer');
      await committedMeanwhile(stack.config.databaseUrl, BAN, [team.projectId, reviewer.id], () => stack.client.setMember(team.projectId, { email: reviewer.email, role: 'scientist' }));
      expect((await stack.db.query('SELECT 1 FROM comment_bans WHERE user_id = $1', [reviewer.id])).rows).toEqual([]);
    });

    it('refuses a ban sent while a role putting its volunteer on the team commits', async () => {
      const team = await taggingProject();
      const reviewer = await newMember(stack, team.projectId, 'reviewer', 'Reviewer');
      // A role given as the members' routes give it: under the ban's lock, which they take to lift a ban.
      const promoted = `WITH locked AS MATERIALIZED (${COMMENT_BAN_LOCKED}) UPDATE project_members SET role = 'moderator' FROM locked WHERE project_id = $1 AND user_id = $2`;
      const refused = await committedMeanwhile(stack.config.databaseUrl, promoted, [team.projectId, reviewer.id], () => send('PUT', `/projects/${team.projectId}/comment-bans/${reviewer.id}`, team.moderator.token, { reason: 'Spam' }));
      expect([refused.status, refused.body.errors?.map((each) => each.pointer)]).toEqual([422, ['/params/userId']]);
      expect((await stack.db.query('SELECT 1 FROM comment_bans WHERE user_id = $1', [reviewer.id])).rows).toEqual([]);
    });

    it('refuses a ban sent while its volunteer’s account deletion commits', async () => {
      const team = await taggingProject();
      const leaving = await newAccount(stack, 'Leaving');
      // An account's deletion holds its row from the start (FOR UPDATE), then marks it deleted and drops its bans.
      const deleted = "UPDATE users SET kind = 'deleted' WHERE id = $1";
      const refused = await committedMeanwhile(stack.config.databaseUrl, deleted, [leaving.id], () => send('PUT', `/projects/${team.projectId}/comment-bans/${leaving.id}`, team.moderator.token, { reason: 'Spam' }));
      expect([refused.status, refused.body.errors?.map((each) => each.pointer)]).toEqual([422, ['/params/userId']]);
      expect((await stack.db.query('SELECT 1 FROM comment_bans WHERE user_id = $1', [leaving.id])).rows).toEqual([]);
    });

    it('drops a ban that commits while its volunteer’s account is being deleted', async () => {
      const team = await taggingProject();
      const leaving = await newAccount(stack, 'Leaving');
      // A ban as PUT comment-bans makes it: the account's row shared until it commits.
      const ban = "WITH shared AS MATERIALIZED (SELECT 1 FROM users WHERE id = $2 FOR SHARE) INSERT INTO comment_bans (project_id, user_id, reason) SELECT $1, $2, 'Spam' FROM shared";
      await committedMeanwhile(stack.config.databaseUrl, ban, [team.projectId, leaving.id], () => leaving.client.deleteAccount(ACCOUNT_PASSWORD));
      expect((await stack.db.query('SELECT 1 FROM comment_bans WHERE user_id = $1', [leaving.id])).rows).toEqual([]);
    });
  });

  it('refuses to stop one of the team, the owner or another moderator, and hides a project not public from outsiders', async () => {
    const team = await taggingProject();
    const other = await newMember(stack, team.projectId, 'moderator', 'Other moderator');
    const { rows: [{ owner_id: ownerId }] } = await stack.db.query<{ owner_id: string }>('SELECT owner_id FROM projects WHERE id = $1', [team.projectId]);
    for (const userId of [other.id, ownerId, team.scientist.id]) {
      const refused = await send('PUT', `/projects/${team.projectId}/comment-bans/${userId}`, team.moderator.token, { reason: 'Spam' });
      expect([refused.status, refused.body.errors?.map((each) => each.pointer)]).toEqual([422, ['/params/userId']]);
    }
    const draft = await taggingProject('draft');
    const outsider = await newAccount(stack, 'Outsider');
    for (const [method, path, body] of [
      ['GET', `/projects/${draft.projectId}/comment-bans`, undefined],
      ['PUT', `/projects/${draft.projectId}/comment-bans/${outsider.id}`, { reason: 'Spam' }],
      ['DELETE', `/projects/${draft.projectId}/comment-bans/${outsider.id}`, undefined],
    ] as const) {
      expect([method, (await send(method, path, outsider.token, body)).status]).toEqual([method, 404]);
    }
    expect((await draft.moderator.client.commentBans(draft.projectId)).commentBans).toEqual([]);
  });

  it('is for the project’s moderators and researchers, with a reason, naming a bad field', async () => {
    const team = await taggingProject();
    const volunteer = await newAccount(stack, 'Volunteer');
    const bystander = await newAccount(stack, 'Bystander');
    for (const [method, body] of [['PUT', { reason: 'I say so' }], ['DELETE', undefined], ['GET', undefined]] as const) {
      const path = `/projects/${team.projectId}/comment-bans${method === 'GET' ? '' : `/${bystander.id}`}`;
      expect((await send(method, path, volunteer.token, body)).status).toBe(403);
    }
    for (const [reason, pointer] of [[' ', '/reason'], ['x'.repeat(501), '/reason']] as const) {
      const refused = await send('PUT', `/projects/${team.projectId}/comment-bans/${volunteer.id}`, team.moderator.token, { reason });
      expect([refused.status, refused.contentType, refused.body.errors?.map((each) => each.pointer)]).toEqual([422, 'application/problem+json; charset=utf-8', [pointer]]);
    }
    const missing = await send('PUT', `/projects/${team.projectId}/comment-bans/${volunteer.id}`, team.moderator.token, {});
    expect([missing.status, missing.body.errors?.map((each) => each.pointer)]).toEqual([422, ['/reason']]);
    const guestId = (await stack.anonymous.guest()).user.id;
    for (const userId of [team.collaborator.id, guestId, randomUUID()]) {
      const refused = await send('PUT', `/projects/${team.projectId}/comment-bans/${userId}`, team.moderator.token, { reason: 'Spam' });
      expect([refused.status, refused.body.errors?.map((each) => each.pointer)]).toEqual([422, ['/params/userId']]);
    }
    expect((await team.moderator.client.commentBans(team.projectId)).commentBans).toEqual([]);
    // A page at a time, the most recent first.
    await team.moderator.client.banFromComments(team.projectId, volunteer.id, 'First');
    await team.moderator.client.banFromComments(team.projectId, bystander.id, 'Second');
    const first = await team.moderator.client.commentBans(team.projectId, { limit: 1 });
    expect(first.commentBans.map((each) => each.reason)).toEqual(['Second']);
    const second = await team.moderator.client.commentBans(team.projectId, { limit: 1, after: first.next! });
    expect([second.commentBans.map((each) => each.reason), second.next]).toEqual([['First'], null]);
  });
});
