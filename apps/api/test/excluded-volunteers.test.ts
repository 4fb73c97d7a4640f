import type { ChorusClient } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { carefulMinorityWorkflow } from '../../../test/support/workflows';
import { lockExclusion } from '@chorus/db';
import { DataSource } from 'typeorm';
import { ClassificationWriter } from '../src/classifications/classification-writer';
import { refusal } from '../../../test/support/requests';

/**
 * Researchers keep a vandal's classifications out of their project's consensus: every subject the vandal classified
 * is aggregated again without them (a retired one stays retired, as after any re-aggregation), the raw download flags
 * them, and lifting the exclusion counts them again.
 */
let stack: Stack;
let projectId: string;
let workflowId: string;
let subjectIds: Record<string, string>;
let vandalId: string;
let vandal: ChorusClient;

const classify = (who: ChorusClient, externalId: string, value: 'yes' | 'no') =>
  who.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[externalId]!, annotations: [{ task: 'T0', value }] }, randomUUID());
const newVolunteer = async () => stack.anonymous.withToken((await stack.anonymous.guest()).token);
const consensusOf = async (externalId: string) =>
  ((await stack.client.consensus(workflowId, { format: 'json' }).then(JSON.parse)) as Record<string, unknown>[]).find((row) => row.external_id === externalId)!;
const outbox = async (workflow = workflowId) =>
  (await stack.db.query('SELECT subject_id FROM aggregation_outbox WHERE workflow_id = $1 ORDER BY subject_id', [workflow])).rows.map((row: { subject_id: string }) => row.subject_id);
const aggregated = (workflow = workflowId) =>
  until(async () => (await laggingSubjects(stack.db, workflow)) === 0 && (await outbox(workflow)).length === 0, 'the worker to aggregate');
/** The pids of the backends `pid` blocks. */
const blockedBy = async (pid: number) =>
  (await stack.db.query('SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid])).rows.map((row: { pid: number }) => row.pid);
/** A live project whose one active workflow asks whether each of the subjects named is an advertisement, retiring at `count`. */
async function adWorkflow(title: string, names: string[], count: number) {
  const project = (await stack.client.createProject({ title: `${title} ${randomUUID().slice(0, 8)}`, status: 'live' })).id;
  const setId = (await stack.client.createSubjectSet(project, { name: 'Set' })).id;
  const { subjectIds: ids } = await stack.client.addSubjects(setId, names.map((externalId) => ({ externalId, locations: [{ type: 'text' as const, text: externalId }] })));
  const { id: workflow } = await stack.client.createWorkflow(project, {
    name: 'Ad?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count },
    subjectSetIds: [setId],
  });
  await stack.client.activateWorkflow(workflow);
  return { project, workflow, subjects: Object.fromEntries(names.map((name, index) => [name, ids[index]!])) };
}

beforeAll(async () => {
  stack = await startStack();
  ({ project: projectId, workflow: workflowId, subjects: subjectIds } = await adWorkflow('Vandals', ['open', 'retired', 'untouched'], 3));
  const [first, second] = [await newVolunteer(), await newVolunteer()];
  vandal = await newVolunteer();
  await classify(first, 'open', 'no');
  await classify(first, 'retired', 'no');
  await classify(second, 'retired', 'no');
  await classify(first, 'untouched', 'no');
  const vandalism = await classify(vandal, 'open', 'yes');
  await classify(vandal, 'retired', 'yes');
  await aggregated();
  const rows = (await stack.client.classifications(workflowId, { format: 'json' }).then(JSON.parse)) as Record<string, unknown>[];
  vandalId = rows.find((row) => row.classification_id === vandalism.id)!.user_id as string;
});
afterAll(() => stack.stop());

describe('excluding a volunteer from a project’s consensus', () => {
  it('aggregates again exactly the subjects they classified, without their answers; a subject retired by count stays retired', async () => {
    expect(await consensusOf('open')).toMatchObject({ retired: false, T0_votes: 2, T0_agreement: 0.5 });
    expect(await consensusOf('retired')).toMatchObject({ retired: true, retirement_reason: 'count', T0_votes: 3 });

    // Without a worker, what the exclusion owes stays in the outbox to be seen: the vandal's two subjects, not the third.
    await stack.stopWorker();
    const excluded = await stack.client.excludeVolunteer(projectId, vandalId, '  Answers yes to everything  ');
    expect(excluded).toMatchObject({ volunteerId: vandalId, volunteer: { kind: 'guest', name: null }, reason: 'Answers yes to everything', classifications: 2 });
    expect(excluded.excludedBy?.id).toBe((await stack.client.account()).id);
    expect(await outbox()).toEqual([subjectIds.open, subjectIds.retired].sort());
    await stack.startWorker();
    await aggregated();

    expect(await consensusOf('open')).toMatchObject({ retired: false, T0_answer: 'no', T0_votes: 1, T0_agreement: 1 });
    expect(await consensusOf('retired')).toMatchObject({ retired: true, retirement_reason: 'count', T0_answer: 'no', T0_votes: 2, T0_agreement: 1 });
    expect(await consensusOf('untouched')).toMatchObject({ T0_answer: 'no', T0_votes: 1 });
    // Kept: never deleted, only left out.
    expect((await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE user_id = $1', [vandalId])).rows[0].n).toBe(2);
  });

  it('lists the excluded volunteer with why, when, by whom and how many classifications they made', async () => {
    const { excludedVolunteers } = await stack.client.excludedVolunteers(projectId);
    expect(excludedVolunteers).toEqual([expect.objectContaining({ volunteerId: vandalId, reason: 'Answers yes to everything', classifications: 2 })]);
  });

  it('flags their rows in the raw download, and gives them again to since= downloads', async () => {
    const since = (await stack.client.excludedVolunteers(projectId)).excludedVolunteers[0]!.excludedAt;
    const rows = (await stack.client.classifications(workflowId, { format: 'json' }).then(JSON.parse)) as Record<string, unknown>[];
    expect(rows.map((row) => [row.user_id === vandalId, row.excluded_volunteer]).sort()).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [false, false],
      [true, true],
      [true, true],
    ]);
    const changed = (await stack.client.classifications(workflowId, { format: 'json', since }).then(JSON.parse)) as Record<string, unknown>[];
    expect(changed.map((row) => row.user_id)).toEqual([vandalId, vandalId]);
    const csv = await stack.client.classifications(workflowId, { format: 'csv' });
    expect(csv.split('\n')[0]).toContain(',made_in_draft,excluded_volunteer,');
  });

  it('changes nothing when asked again', async () => {
    const before = await stack.client.excludedVolunteers(projectId);
    const stamps = async () => (await stack.db.query('SELECT updated_at FROM classifications WHERE user_id = $1 ORDER BY id', [vandalId])).rows;
    const stamped = await stamps();
    const again = await stack.client.excludeVolunteer(projectId, vandalId, 'Another reason');
    expect(again).toEqual(before.excludedVolunteers[0]);
    expect(await stack.client.excludedVolunteers(projectId)).toEqual(before);
    expect(await stamps()).toEqual(stamped);
  });

  it('refuses bad input with a problem naming the field, changing nothing', async () => {
    const stranger = await newAccount(stack, 'Stranger');
    const cases: [Promise<unknown>, string][] = [
      [stack.client.excludeVolunteer(projectId, randomUUID(), 'A bot'), '/params/userId'],
      [stack.client.excludeVolunteer(projectId, stranger.id, 'Never classified here'), '/params/userId'],
      [stack.client.excludeVolunteer(projectId, vandalId, 'x'.repeat(501)), '/reason'],
      [stack.client.excludeVolunteer(projectId, vandalId, '   '), '/reason'],
    ];
    for (const [request, pointer] of cases) {
      const refused = await refusal(request);
      expect([refused.status, refused.problem.errors?.map((error) => error.pointer)]).toEqual([422, [pointer]]);
    }
    const response = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/excluded-volunteers/${stranger.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${(stack.client as unknown as { token: string }).token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Never classified here' }),
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await stack.client.excludedVolunteers(projectId)).excludedVolunteers.map((each) => each.volunteerId)).toEqual([vandalId]);
  });

  it('is the project’s researchers’ only', async () => {
    for (const outsider of [await newAccount(stack, 'Outsider'), await newMember(stack, projectId, 'moderator', 'Moderator')]) {
      for (const request of [outsider.client.excludedVolunteers(projectId), outsider.client.excludeVolunteer(projectId, vandalId, 'Mine'), outsider.client.liftExclusion(projectId, vandalId)]) {
        await refusal(request, { status: 403 });
      }
    }
    await refusal(stack.anonymous.excludedVolunteers(projectId), { status: 401 });
    expect((await stack.client.excludedVolunteers(projectId)).excludedVolunteers).toHaveLength(1);
  });

  it('once lifted, counts their answers again; lifting it again is a 404', async () => {
    expect(await stack.client.liftExclusion(projectId, vandalId)).toEqual({ lifted: vandalId });
    await aggregated();
    expect(await consensusOf('open')).toMatchObject({ retired: false, T0_votes: 2, T0_agreement: 0.5 });
    expect(await consensusOf('retired')).toMatchObject({ retired: true, T0_votes: 3 });
    expect((await stack.client.excludedVolunteers(projectId)).excludedVolunteers).toEqual([]);
    const rows = (await stack.client.classifications(workflowId, { format: 'json' }).then(JSON.parse)) as Record<string, unknown>[];
    expect(rows.every((row) => row.excluded_volunteer === false)).toBe(true);
    await refusal(stack.client.liftExclusion(projectId, vandalId), { status: 404 });
  });

  it('takes their answers out of the count that stops the queue: an open subject is served until it retires by its count, and one retired with their answers can be unretired and classified again', async () => {
    const counted = async (externalId: string) =>
      (await stack.db.query('SELECT counted_count FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectIds[externalId]])).rows[0].counted_count;
    await stack.client.excludeVolunteer(projectId, vandalId, 'Answers yes to everything');
    await aggregated();
    expect([await counted('open'), await counted('retired')]).toEqual([1, 2]);
    // What they answer while excluded is stored and not counted either.
    await classify(vandal, 'untouched', 'yes');
    expect(await counted('untouched')).toBe(1);
    // Served: at once, unless the worker holds the subject's row for a moment (the queue then says to ask again).
    const served = (who: ChorusClient, externalId: string) =>
      until(async () => (await who.queue(workflowId)).subjects.some((subject) => subject.id === subjectIds[externalId]), `${externalId} to be served`);
    for (const newcomer of [await newVolunteer(), await newVolunteer()]) {
      await served(newcomer, 'open');
      await classify(newcomer, 'open', 'no');
    }
    await aggregated();
    expect(await consensusOf('open')).toMatchObject({ retired: true, retirement_reason: 'count', T0_votes: 3 });

    expect(await stack.client.unretireSubjects(workflowId, { subjectIds: [subjectIds.retired!], reason: 'retired with a vandal’s answer' })).toMatchObject({ unretired: 1 });
    await aggregated();
    expect(await consensusOf('retired')).toMatchObject({ retired: false, T0_votes: 2 });
    const newcomer = await newVolunteer();
    await served(newcomer, 'retired');
    await classify(newcomer, 'retired', 'no');
    await aggregated();
    expect(await consensusOf('retired')).toMatchObject({ retired: true, retirement_reason: 'count', T0_votes: 3 });
  });

  it('leaves their answers out of the volunteers’ skills the worker learns (Dawid–Skene), as out of the bayesian consensus', async () => {
    const volunteers = [await newAccount(stack, 'Careful'), await newAccount(stack, 'Contrary Cid'), await newAccount(stack, 'Contrary Dee')];
    const { workflowId: bayes, idOf } = await carefulMinorityWorkflow(stack, stack.client, 1, async () => volunteers.map((volunteer) => volunteer.client));
    const learned = async () => [...new Set((await stack.client.skills(bayes)).skills.map((skill) => skill.volunteerId))].sort();
    expect(await learned()).toEqual(volunteers.map((volunteer) => volunteer.id).sort());
    const { projectId: bayesProject } = await stack.client.getWorkflow(bayes);
    await stack.client.excludeVolunteer(bayesProject, volunteers[1]!.id, 'Answers every known subject wrong');
    // A whole run learns the skills again first.
    const run = await stack.client.reaggregate(bayes);
    await until(async () => (await stack.client.reaggregation(bayes, run.id)).state === 'completed', 'the re-aggregation');
    expect(await learned()).toEqual([volunteers[0]!.id, volunteers[2]!.id].sort());
    const [open] = ((await stack.client.consensus(bayes, { format: 'json' }).then(JSON.parse)) as Record<string, unknown>[]).filter((row) => row.subject_id === idOf['open-0']);
    expect(open).toMatchObject({ T0_votes: 2 });
  });
});

/**
 * A submit and an exclusion (or its lift) of the same volunteer at once: the subject's `counted_count`, the queue's
 * count toward retirement, ends as what counts, whichever commits first. Each case holds one of the two mid-way with a
 * row lock another connection takes on a hot row it needs, and lets it go once the other has run as far as it can.
 * The `read-before-*` cases fail without the exclusion's lock. The `during-*` and batch cases passed before it too
 * (the submit committed first, and the recount saw it); they guard the fresh read of the exclusion that comes with the
 * lock: they fail if the submit reads it with its statement's own snapshot, taken before it waited.
 */
describe('a volunteer’s submit while their exclusion is made or lifted', () => {
  type Change = 'exclude' | 'lift';
  let project: string;
  let workflow: string;
  let subjects: Record<string, string>;

  beforeAll(async () => {
    ({ project, workflow, subjects } = await adWorkflow('Races', ['known', 'read-before-exclude', 'read-before-lift', 'during-exclude', 'during-lift', 'batch-excluded', 'batch-other', 'batch-another', 'carried', 'carried-own'], 10));
  });

  const classifyHere = (who: ChorusClient, name: string) =>
    who.classify({ workflowId: workflow, workflowVersion: 1, subjectId: subjects[name]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  const change = (what: Change, volunteerId: string) =>
    what === 'exclude' ? stack.client.excludeVolunteer(project, volunteerId, 'Answers yes to everything') : stack.client.liftExclusion(project, volunteerId);
  const counted = async (name: string) =>
    (await stack.db.query('SELECT counted_count FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflow, subjects[name]])).rows[0].counted_count as number;

  /** A volunteer who classified 'known' (and so may be excluded), excluded already before a lift. */
  const volunteerFor = async (what: Change) => {
    const volunteer = await newVolunteer();
    const { id } = await classifyHere(volunteer, 'known');
    const { rows: [{ user_id: userId }] } = await stack.db.query('SELECT user_id FROM classifications WHERE id = $1', [id]);
    if (what === 'lift') await stack.client.excludeVolunteer(project, userId, 'Answers yes to everything');
    await aggregated(workflow); // so that the worker holds no hot row below
    return { volunteer, userId: userId as string };
  };

  /** Runs `first` until another connection's lock on `held`'s hot row stops it, then `second` as far as it goes, then lets go. */
  const interleave = async (held: string, first: () => Promise<unknown>, second: () => Promise<unknown>) => {
    const holder = new Client({ connectionString: stack.config.databaseUrl });
    await holder.connect();
    try {
      const { rows: [{ pid: holderPid }] } = await holder.query('SELECT pg_backend_pid() AS pid');
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2 FOR UPDATE', [workflow, subjects[held]]);
      const running = first();
      running.catch(() => undefined); // awaited below
      await until(async () => (await blockedBy(holderPid)).length > 0, 'the first to wait for the held row', 10_000);
      const [firstPid] = await blockedBy(holderPid);
      const following = second();
      let followed = false;
      following.then(() => (followed = true), () => (followed = true));
      // The second runs through, or waits for the first.
      await until(async () => followed || (await blockedBy(firstPid!)).length > 0, 'the second to run or wait', 10_000);
      await holder.query('ROLLBACK');
      await Promise.all([running, following]);
    } finally {
      await holder.end();
    }
  };

  it.each<[string, Change, number]>([
    ['an exclusion', 'exclude', 0],
    ['a lift', 'lift', 1],
  ])('counts a submit that read the exclusion before %s committed as it ends', async (_, what, expected) => {
    const subject = `read-before-${what}`;
    const { volunteer, userId } = await volunteerFor(what);
    await interleave(subject, () => classifyHere(volunteer, subject), () => change(what, userId));
    expect(await counted(subject)).toBe(expected);
  });

  it.each<[string, Change, number]>([
    ['an exclusion', 'exclude', 0],
    ['a lift', 'lift', 1],
  ])('counts a submit that arrives while %s is being made as it ends (it reads it once committed)', async (_, what, expected) => {
    const subject = `during-${what}`;
    const { volunteer, userId } = await volunteerFor(what);
    await interleave('known', () => change(what, userId), () => classifyHere(volunteer, subject));
    expect(await counted(subject)).toBe(expected);
  });

  /**
   * Runs the submits at once, their rows held back on their way to the group commit until all have come, so that they
   * reach it in one moment and share one batch (the requests' checks before it would spread them over several).
   */
  const inOneBatch = async <T>(submits: (() => Promise<T>)[]): Promise<T[]> => {
    const writer = stack.app.get(ClassificationWriter);
    const store = writer.store.bind(writer);
    const arrived: (() => void)[] = [];
    const held = jest.spyOn(writer, 'store').mockImplementation((row) => new Promise((resolve, reject) => {
      arrived.push(() => store(row).then(resolve, reject));
      if (arrived.length === submits.length) for (const release of arrived) release();
    }));
    try {
      return await Promise.all(submits.map((submit) => submit()));
    } finally {
      held.mockRestore();
    }
  };

  it('counts the submits of one batch that arrives while one of its volunteers is being excluded, each as it ends', async () => {
    const { volunteer, userId } = await volunteerFor('exclude');
    const [other, another] = [await newVolunteer(), await newVolunteer()];
    let answers: Awaited<ReturnType<typeof classifyHere>>[] = [];
    await interleave('known', () => change('exclude', userId), async () => {
      answers = await inOneBatch([() => classifyHere(volunteer, 'batch-excluded'), () => classifyHere(other, 'batch-other'), () => classifyHere(another, 'batch-another')]);
    });
    expect(answers.map((answer) => answer.replayed)).toEqual([false, false, false]);
    expect([await counted('batch-excluded'), await counted('batch-other'), await counted('batch-another')]).toEqual([0, 1, 1]);
  });

  it('counts a guest’s classification carried into an account while the account is being excluded as the exclusion ends (the carry locks both exclusions)', async () => {
    const { volunteer: guest, userId: guestId } = await volunteerFor('lift'); // excluded: its classification changes sides when carried
    await classifyHere(guest, 'carried');
    const account = await newAccount(stack, 'Carried');
    await classifyHere(account.client, 'carried-own');
    await aggregated(workflow);
    expect(await counted('carried')).toBe(0);
    // The carry, counting the classification in (the account is not excluded yet), waits for the subject's row; the
    // exclusion of the account waits for the carry, and then counts it out again.
    await interleave('carried', () => guest.login({ email: account.email, password: ACCOUNT_PASSWORD }), () => change('exclude', account.id));
    expect((await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE user_id = $1', [guestId])).rows[0].n).toBe(0);
    expect([await counted('carried'), await counted('carried-own')]).toEqual([0, 0]);
  });
});

/**
 * A guest's sign-in carries its classifications into the account: where one of the two is excluded from the project and
 * the other not, the carried classifications change sides, counted from then as the account's are (the subjects'
 * `counted_count`, the queue's count toward retirement, and their consensus, aggregated again).
 */
describe('a guest’s work carried into an account', () => {
  const names = ['first', 'second', 'third', 'own'];
  const counts = async (workflow: string, subjects: Record<string, string>) => {
    const { rows } = await stack.db.query('SELECT subject_id, counted_count FROM subject_workflow_status WHERE workflow_id = $1', [workflow]);
    const byId = new Map(rows.map((row: { subject_id: string; counted_count: number }) => [row.subject_id, row.counted_count]));
    return names.map((name) => byId.get(subjects[name]!));
  };
  const consensusIn = async (workflow: string, subject: string) =>
    ((await stack.client.consensus(workflow, { format: 'json' }).then(JSON.parse)) as Record<string, unknown>[]).find((row) => row.subject_id === subject)!;
  const userOf = async (classificationId: string) =>
    (await stack.db.query('SELECT user_id FROM classifications WHERE id = $1', [classificationId])).rows[0].user_id as string;

  /** A project (retiring at 2) where a guest answered 'yes' to the first three subjects and an account 'no' to `own`. */
  async function guestAndAccount(title: string) {
    const { project, workflow, subjects } = await adWorkflow(title, names, 2);
    const answer = (who: ChorusClient, name: string, value: 'yes' | 'no') =>
      who.classify({ workflowId: workflow, workflowVersion: 1, subjectId: subjects[name]!, annotations: [{ task: 'T0', value }] }, randomUUID());
    const guest = await newVolunteer();
    const guestId = await userOf((await answer(guest, 'first', 'yes')).id);
    await answer(guest, 'second', 'yes');
    await answer(guest, 'third', 'yes');
    const account = await newAccount(stack, 'Carried');
    await answer(account.client, 'own', 'no');
    const signIn = async () => expect((await guest.login({ email: account.email, password: ACCOUNT_PASSWORD })).guestWork).toEqual({ classifications: 3, alreadyClassified: 0 });
    return { project, workflow, subjects, guestId, account, answer, signIn };
  }

  it('counts an excluded guest’s classifications once they are an account’s that is not: their subjects aggregated again, one retiring', async () => {
    const { project, workflow, subjects, guestId, answer, signIn } = await guestAndAccount('Excluded guest');
    await stack.client.excludeVolunteer(project, guestId, 'Answers yes to everything');
    await answer(await newVolunteer(), 'first', 'yes');
    await aggregated(workflow);
    expect(await counts(workflow, subjects)).toEqual([1, 0, 0, 1]);
    expect(await consensusIn(workflow, subjects.first!)).toMatchObject({ retired: false, T0_votes: 1 });

    await signIn();
    expect(await counts(workflow, subjects)).toEqual([2, 1, 1, 1]);
    await aggregated(workflow);
    expect(await consensusIn(workflow, subjects.first!)).toMatchObject({ retired: true, retirement_reason: 'count', T0_answer: 'yes', T0_votes: 2 });
    expect(await consensusIn(workflow, subjects.second!)).toMatchObject({ retired: false, T0_answer: 'yes', T0_votes: 1 });
  });

  it('stops counting a guest’s classifications once they are an excluded account’s: their subjects aggregated again without them', async () => {
    const { project, workflow, subjects, account, answer, signIn } = await guestAndAccount('Excluded account');
    await stack.client.excludeVolunteer(project, account.id, 'Answers no to everything');
    await answer(await newVolunteer(), 'second', 'no');
    await aggregated(workflow);
    expect(await counts(workflow, subjects)).toEqual([1, 2, 1, 0]);
    expect(await consensusIn(workflow, subjects.second!)).toMatchObject({ retired: true, T0_votes: 2 });

    await stack.stopWorker();
    try {
      await signIn();
      expect(await counts(workflow, subjects)).toEqual([0, 1, 0, 0]);
      expect(await outbox(workflow)).toEqual([subjects.first, subjects.second, subjects.third].sort());
    } finally {
      await stack.startWorker();
    }
    await aggregated(workflow);
    expect(await consensusIn(workflow, subjects.first!)).toMatchObject({ retired: false, T0_votes: 0 });
    // Retired with the answer, it stays retired, its consensus recomputed without it (as after an exclusion).
    expect(await consensusIn(workflow, subjects.second!)).toMatchObject({ retired: true, T0_answer: 'no', T0_votes: 1 });
  });

  it.each<[string, ('guest' | 'account')[]]>([
    ['neither is excluded', []],
    ['both are excluded', ['guest', 'account']],
  ])('changes no count and owes no aggregation when %s', async (_, excluded) => {
    const { project, workflow, subjects, guestId, account, signIn } = await guestAndAccount(`Carried ${excluded.length}`);
    for (const who of excluded) await stack.client.excludeVolunteer(project, who === 'guest' ? guestId : account.id, 'Careless');
    await aggregated(workflow);
    const before = await counts(workflow, subjects);
    await stack.stopWorker();
    try {
      await signIn();
      expect(await counts(workflow, subjects)).toEqual(before);
      expect(await outbox(workflow)).toEqual([]);
    } finally {
      await stack.startWorker();
    }
  });

  /** `who`'s answer 'yes' to the subject `name` of a project made by `adWorkflow`. */
  const answerIn = (who: ChorusClient, { workflow, subjects }: Awaited<ReturnType<typeof adWorkflow>>, name: string) =>
    who.classify({ workflowId: workflow, workflowVersion: 1, subjectId: subjects[name]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  const countedOf = async ({ workflow, subjects }: Awaited<ReturnType<typeof adWorkflow>>, name: string) =>
    (await stack.db.query('SELECT counted_count FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflow, subjects[name]])).rows[0].counted_count as number;
  const leftWith = async (guestId: string) =>
    (await stack.db.query('SELECT count(*)::int AS n FROM classifications WHERE user_id = $1', [guestId])).rows[0].n as number;

  it('carries a guest’s classifications from several projects, each counted by its own project’s exclusions', async () => {
    const [guestExcluded, accountExcluded, neither] = [await adWorkflow('Guest excluded', ['guest', 'own'], 2), await adWorkflow('Account excluded', ['guest', 'own'], 2), await adWorkflow('Neither excluded', ['guest', 'own'], 2)];
    const guest = await newVolunteer();
    const guestId = await userOf((await answerIn(guest, guestExcluded, 'guest')).id);
    await answerIn(guest, accountExcluded, 'guest');
    await answerIn(guest, neither, 'guest');
    const account = await newAccount(stack, 'Several');
    const projects = [guestExcluded, accountExcluded, neither];
    for (const project of projects) await answerIn(account.client, project, 'own');
    await stack.client.excludeVolunteer(guestExcluded.project, guestId, 'Answers yes to everything');
    await stack.client.excludeVolunteer(accountExcluded.project, account.id, 'Answers yes to everything');
    for (const { workflow } of projects) await aggregated(workflow);
    const before = await Promise.all(projects.map((project) => countedOf(project, 'guest')));
    expect(before).toEqual([0, 1, 1]);

    expect((await guest.login({ email: account.email, password: ACCOUNT_PASSWORD })).guestWork).toEqual({ classifications: 3, alreadyClassified: 0 });
    expect(await Promise.all(projects.map((project) => countedOf(project, 'guest')))).toEqual([before[0]! + 1, before[1]! - 1, before[2]]);
    expect(await leftWith(guestId)).toBe(0);
  });

  it('carries a classification the guest stores in another project while the sign-in waits for an exclusion’s lock', async () => {
    const [first, second] = [await adWorkflow('First project', ['guest'], 2), await adWorkflow('Second project', ['guest'], 2)];
    const guest = await newVolunteer();
    const guestId = await userOf((await answerIn(guest, first, 'guest')).id);
    const account = await newAccount(stack, 'Waited');
    // Another transaction holds the guest's exclusion lock in the first project, as an exclusion being made does.
    const holder = stack.app.get(DataSource).createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      await lockExclusion(holder.manager, first.project, guestId);
      const holderPid = (await holder.query('SELECT pg_backend_pid() AS pid'))[0].pid as number;
      const signIn = guest.login({ email: account.email, password: ACCOUNT_PASSWORD });
      signIn.catch(() => undefined); // awaited below
      await until(async () => (await blockedBy(holderPid)).length > 0, 'the sign-in to wait for the exclusion lock', 10_000);
      await answerIn(guest, second, 'guest');
      await holder.rollbackTransaction();
      expect((await signIn).guestWork).toEqual({ classifications: 2, alreadyClassified: 0 });
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    expect(await leftWith(guestId)).toBe(0);
  });
});
