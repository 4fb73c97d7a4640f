import { type ChorusApiError, type ChorusClient, SUBJECT_REPORT_LIMITS, reportedSubjectPageSchema, subjectReportSchema } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { newAccount, newMember, signUp } from '../../../test/support/accounts';
import { sendRaw } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { committedMeanwhile } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

/** The workflow's reports download, as JSON rows. */
async function reportDownload(workflowId: string): Promise<Record<string, string | null>[]> {
  const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/subject-reports?format=json`, { headers: { authorization: `Bearer ${stack.client.token}` } });
  return (await response.json()) as Record<string, string | null>[];
}

async function guest(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

const reportsOf = async (workflowId: string) =>
  (await stack.db.query('SELECT subject_id, user_id, reason, note, dismissed_at FROM subject_reports WHERE workflow_id = $1 ORDER BY created_at', [workflowId])).rows;

/** A report sent as it is (`sendRaw`), for what the client's types would not let through. */
const postReport = (workflowId: string, token: string, body: unknown) => sendRaw(stack, 'POST', `/workflows/${workflowId}/subject-reports`, token, body);

describe('reporting a subject', () => {
  it('stores the report and ends the hold, so that another volunteer is served the subject at once', async () => {
    // Retired after one classification: one volunteer at a time may hold the only subject.
    const { workflowId, subjectIds } = await voteWorkflow(stack, 1, 1);
    const [reporter, next] = [await guest(), await guest()];
    expect((await reporter.queue(workflowId)).subjects.map((subject) => subject.id)).toEqual(subjectIds);
    expect((await next.queue(workflowId)).subjects).toEqual([]);

    const report = await reporter.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'media-does-not-load', note: '  The scan is black.  ' });
    expect(report).toMatchObject({ subjectId: subjectIds[0], reason: 'media-does-not-load', note: 'The scan is black.', replayed: false });
    const { replayed: _, ...answered } = report;
    expect(subjectReportSchema.parse(answered)).toEqual(answered); // the documented shape, strictly
    expect(await reportsOf(workflowId)).toEqual([{ subject_id: subjectIds[0], user_id: expect.any(String), reason: 'media-does-not-load', note: 'The scan is black.', dismissed_at: null }]);
    expect((await stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [workflowId])).rows[0].n).toBe(0);
    expect((await next.queue(workflowId)).subjects.map((subject) => subject.id)).toEqual(subjectIds);
  });

  it('gives an open report the reason and note of a report made again, the volunteer’s latest words, and its time, which the list and the download tell; sent again as it is, it changes nothing; dismissed, it opens again', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 1);
    const volunteer = await guest();
    await volunteer.queue(workflowId);
    const first = await volunteer.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'blank-or-unreadable' });
    expect(first.note).toBeNull();
    const updatedAt = async () => (await stack.db.query('SELECT updated_at FROM subject_reports WHERE workflow_id = $1', [workflowId])).rows[0].updated_at as Date | null;
    /** What the list and the download tell of the subject's report: when first and last made. */
    const told = async () => {
      const [listed] = (await stack.client.reportedSubjects(workflowId)).subjects;
      const [row] = await reportDownload(workflowId);
      return { first: listed?.firstReportedAt, last: listed?.lastReportedAt, noted: listed?.notes[0]?.reportedAt, downloaded: [row?.reported_at, row?.last_reported_at] };
    };
    const again = await volunteer.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other', note: 'second thoughts' });
    expect(again).toEqual({ ...first, reason: 'other', note: 'second thoughts', reportedAt: expect.any(String), replayed: true });
    expect(Date.parse(again.reportedAt)).toBeGreaterThan(Date.parse(first.reportedAt));
    expect(await told()).toEqual({ first: first.reportedAt, last: again.reportedAt, noted: again.reportedAt, downloaded: [first.reportedAt, again.reportedAt] });
    expect(await reportsOf(workflowId)).toEqual([expect.objectContaining({ reason: 'other', note: 'second thoughts' })]);
    const changed = await updatedAt();
    expect(changed).not.toBeNull(); // a since= download gives it again
    expect(await volunteer.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other', note: 'second thoughts' })).toEqual(again);
    expect(await updatedAt()).toEqual(changed);
    expect((await told()).last).toBe(again.reportedAt);

    // A dismissal moves no report time; reported again, the report is open again, its time moved.
    await stack.client.dismissReports(workflowId, subjectIds[0]!);
    expect((await stack.client.reportedSubjects(workflowId, { status: 'handled' })).subjects[0]?.lastReportedAt).toBe(again.reportedAt);
    const dismissed = (await updatedAt())!;
    const reopened = await volunteer.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'sensitive-content' });
    expect(reopened).toEqual({ ...first, reason: 'sensitive-content', reportedAt: expect.any(String), replayed: false });
    expect(Date.parse(reopened.reportedAt)).toBeGreaterThan(Date.parse(again.reportedAt));
    expect((await updatedAt())!.getTime()).toBeGreaterThan(dismissed.getTime()); // a since= download gives it again
    expect((await stack.client.reportedSubjects(workflowId)).subjects).toEqual([expect.objectContaining({ subjectId: subjectIds[0], openReports: 1, reasons: { 'sensitive-content': 1 } })]);
    expect(await told()).toEqual({ first: first.reportedAt, last: reopened.reportedAt, noted: undefined, downloaded: [first.reportedAt, reopened.reportedAt] });
    expect(await reportsOf(workflowId)).toHaveLength(1);
  });

  it('answers a report stored meanwhile by another request of the volunteer’s, or dismissed meanwhile by a moderator, never an error', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 1);
    const subjectId = subjectIds[0]!;
    const session = await stack.anonymous.guest();
    const volunteer = stack.anonymous.withToken(session.token);

    // Sent twice at once: the first stored commits while the other waits for it, which gives it its words. The first's
    // created_at, a second after the other's now(), stands for a transaction begun after the other's statement: the
    // report made again takes that time, never an earlier one.
    const first = "INSERT INTO subject_reports (workflow_id, subject_id, user_id, reason, note, created_at) VALUES ($1, $2, $3, $4, NULL, now() + interval '1 second')";
    const twice = await committedMeanwhile(stack.config.databaseUrl, first, [workflowId, subjectId, session.user.id, 'other'], () =>
      postReport(workflowId, volunteer.token!, { subjectId, reason: 'blank-or-unreadable', note: 'Sent twice' }),
    );
    expect([twice.status, twice.body]).toEqual([200, expect.objectContaining({ reason: 'blank-or-unreadable', note: 'Sent twice' })]);
    expect(await reportsOf(workflowId)).toEqual([expect.objectContaining({ reason: 'blank-or-unreadable', note: 'Sent twice', dismissed_at: null })]);
    const { rows: [times] } = await stack.db.query('SELECT created_at, reported_at FROM subject_reports WHERE workflow_id = $1', [workflowId]);
    expect([times.reported_at, twice.body]).toEqual([times.created_at, expect.objectContaining({ reportedAt: times.created_at.toISOString() })]);

    // Dismissed while the report waits for it: the report opens it again with the volunteer's words.
    await volunteer.reportSubject(workflowId, { subjectId, reason: 'other', note: 'Open again' });
    const dismissal = 'UPDATE subject_reports SET dismissed_at = now(), updated_at = now() WHERE workflow_id = $1 AND subject_id = $2';
    const reopened = await committedMeanwhile(stack.config.databaseUrl, dismissal, [workflowId, subjectId], () =>
      postReport(workflowId, volunteer.token!, { subjectId, reason: 'sensitive-content', note: 'Reopened' }),
    );
    expect([reopened.status, reopened.body]).toEqual([201, expect.objectContaining({ reason: 'sensitive-content', note: 'Reopened' })]);
    expect(await reportsOf(workflowId)).toEqual([expect.objectContaining({ reason: 'sensitive-content', note: 'Reopened', dismissed_at: null })]);
  });

  it.each([
    ['an unknown reason', (subjectId: string) => ({ subjectId, reason: 'boring' }), 422, '/reason'],
    ['a note too long', (subjectId: string) => ({ subjectId, reason: 'other', note: 'x'.repeat(SUBJECT_REPORT_LIMITS.noteLength + 1) }), 422, '/note'],
    ['an unknown field', (subjectId: string) => ({ subjectId, reason: 'other', colour: 'red' }), 422, '/colour'],
    ['a subject that is not an id', () => ({ subjectId: 'first', reason: 'other' }), 422, '/subjectId'],
    ['a subject that does not exist', () => ({ subjectId: randomUUID(), reason: 'other' }), 422, '/subjectId'],
  ])('refuses %s with a problem naming the field, and stores nothing', async (_name, body, status, pointer) => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 1);
    const refused = await postReport(workflowId, (await stack.anonymous.guest()).token, body(subjectIds[0]!));
    expect(refused.status).toBe(status);
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors?.map((error) => error.pointer)).toContain(pointer);
    expect(await reportsOf(workflowId)).toEqual([]);
  });

  it('refuses a subject of another workflow, naming it', async () => {
    const { workflowId } = await voteWorkflow(stack, 1);
    const other = await voteWorkflow(stack, 1);
    const refused = await postReport(workflowId, (await stack.anonymous.guest()).token, { subjectId: other.subjectIds[0], reason: 'other' });
    expect(refused).toMatchObject({ status: 422, body: { errors: [{ pointer: '/subjectId' }] } });
    expect(await reportsOf(workflowId)).toEqual([]);
  });

  it('keeps the subject from the account a guest’s sign-in carried the report into, and from no one else', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2);
    const asGuest = await guest();
    await asGuest.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other' });
    const email = `carried-report-${randomUUID()}@example.org`;
    const signedIn = await signUp(stack, { email, displayName: 'Carried report' }, asGuest);
    const account = stack.anonymous.withToken(signedIn.token);
    expect((await account.queue(workflowId)).subjects.map((subject) => subject.id)).toEqual([subjectIds[1]]);
    expect((await (await guest()).queue(workflowId)).subjects.map((subject) => subject.id).sort()).toEqual(subjectIds);
  });

  it('refuses a workflow the volunteer may not see', async () => {
    const { workflowId, subjectIds, projectId } = await voteWorkflow(stack, 1);
    await stack.client.updateProject(projectId, { status: 'draft' });
    const refused = await postReport(workflowId, (await stack.anonymous.guest()).token, { subjectId: subjectIds[0], reason: 'other' });
    expect(refused).toMatchObject({ status: 404, body: { errors: [{ pointer: '/params/id' }] } });
    expect(await reportsOf(workflowId)).toEqual([]);
  });
});

describe("a workflow's reported subjects", () => {
  it('lists each reported subject with its reports counted by reason, its latest notes, when, and whether it is retired', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 3);
    const [a, b, c] = [await guest(), await guest(), await guest()];
    await a.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'media-does-not-load' });
    await b.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'media-does-not-load', note: 'Broken link' });
    await c.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'sensitive-content', note: 'A name and address' });
    await a.reportSubject(workflowId, { subjectId: subjectIds[1]!, reason: 'other', note: 'Upside down' });
    await stack.client.retireSubjects(workflowId, { subjectIds: [subjectIds[1]!], reason: 'reported upside down' });

    const page = await stack.client.reportedSubjects(workflowId, { status: 'all' });
    expect(reportedSubjectPageSchema.parse(page)).toEqual(page); // the documented shape, strictly
    expect(page.total).toBe(2);
    expect(page.next).toBeNull();
    // The most recently first reported first.
    expect(page.subjects.map((subject) => subject.subjectId)).toEqual([subjectIds[1], subjectIds[0]]);
    const [second, first] = page.subjects;
    expect(first).toMatchObject({ externalId: expect.any(String), reports: 3, reasons: { 'media-does-not-load': 2, 'sensitive-content': 1 }, retired: false, openReports: 3, dismissal: null });
    expect(first!.notes.map((note) => note.note)).toEqual(['A name and address', 'Broken link']);
    expect(first!.notes[0]).toEqual({ reporter: expect.stringMatching(/^reporter-/), reason: 'sensitive-content', note: 'A name and address', reportedAt: expect.any(String) });
    expect(Date.parse(first!.firstReportedAt)).toBeLessThan(Date.parse(first!.lastReportedAt));
    expect(second).toMatchObject({ reports: 1, reasons: { other: 1 }, retired: true });
    // Volunteers are named by pseudonym only: not by name, email or user id.
    expect(JSON.stringify(page)).not.toMatch(/@|Guest/);
    const reporterIds = (await reportsOf(workflowId)).map((row) => row.user_id as string);
    for (const userId of reporterIds) expect(JSON.stringify(page)).not.toContain(userId);

    const firstPage = await stack.client.reportedSubjects(workflowId, { limit: 1, status: 'all' });
    expect(firstPage.subjects.map((subject) => subject.subjectId)).toEqual([subjectIds[1]]);
    const nextPage = await stack.client.reportedSubjects(workflowId, { limit: 1, status: 'all', after: firstPage.next! });
    expect(nextPage).toMatchObject({ subjects: [{ subjectId: subjectIds[0] }], next: null });

    // A page asked for wrongly is refused by its parameter.
    for (const [query, pointer] of [['after=yesterday', '/query/after'], ['limit=0', '/query/limit'], ['limit=101', '/query/limit'], ['sort=new', '/query/sort'], ['status=closed', '/query/status']] as const) {
      const refused = (await stack.client.request('GET', `/workflows/${workflowId}/reported-subjects?${query}`).catch((error) => error)) as ChorusApiError;
      expect([query, refused.status, refused.problem.errors?.map((error) => error.pointer)]).toEqual([query, 422, [pointer]]);
    }
  });

  it('dismisses a subject’s open reports (moderators and researchers), kept with who, when and the note: it stays served, leaves the open list, and comes back with a new report (round 26 F4)', async () => {
    const { workflowId, subjectIds, projectId } = await voteWorkflow(stack, 3);
    const [kept, retired, untouched] = subjectIds as [string, string, string];
    for (const subjectId of subjectIds) await (await guest()).reportSubject(workflowId, { subjectId, reason: 'other', note: 'Odd' });
    await stack.client.retireSubjects(workflowId, { subjectIds: [retired], reason: 'reported', takeDown: true });
    const listed = async (status?: 'open' | 'handled' | 'all') => {
      const page = await stack.client.reportedSubjects(workflowId, status ? { status } : {});
      return { total: page.total, ids: page.subjects.map((subject) => subject.subjectId) };
    };
    // Open by default: a subject taken down is handled.
    expect(await listed()).toEqual({ total: 2, ids: [untouched, kept] });
    const moderator = await newMember(stack, projectId, 'moderator', 'Moderator');

    expect(await moderator.client.dismissReports(workflowId, kept, '  A dark scan, readable enough  ')).toEqual({ dismissed: 1 });
    expect(await moderator.client.dismissReports(workflowId, kept, 'Again')).toEqual({ dismissed: 0 }); // a retry changes nothing
    expect(await listed()).toEqual({ total: 1, ids: [untouched] });
    expect(await listed('handled')).toEqual({ total: 2, ids: [retired, kept] });
    const [handled] = (await stack.client.reportedSubjects(workflowId, { status: 'handled' })).subjects.filter((subject) => subject.subjectId === kept);
    expect(handled).toMatchObject({ openReports: 0, retired: false, dismissal: { dismissedAt: expect.any(String), note: 'A dark scan, readable enough' } });
    const row = (await reportDownload(workflowId)).find((each) => each.subject_id === kept)!;
    expect(row).toMatchObject({ dismissed_at: handled!.dismissal!.dismissedAt, dismissed_by: moderator.id, dismissal_note: 'A dark scan, readable enough', retired_at: null });
    // It stays served.
    expect((await (await guest()).queue(workflowId, 3)).subjects.map((subject) => subject.id)).toContain(kept);

    // A new report opens it again; a researcher dismisses it too, without a note.
    await (await guest()).reportSubject(workflowId, { subjectId: kept, reason: 'blank-or-unreadable' });
    expect((await listed()).ids).toEqual([untouched, kept]);
    expect(await stack.client.dismissReports(workflowId, kept)).toEqual({ dismissed: 1 });
    expect((await listed()).ids).toEqual([untouched]);

    // Refused: a volunteer, a subject nobody reported, a bad note; nothing changes.
    const volunteer = await newAccount(stack, 'Volunteer');
    expect(((await volunteer.client.dismissReports(workflowId, untouched).catch((error) => error)) as ChorusApiError).status).toBe(403);
    const other = await voteWorkflow(stack, 1);
    const notReported = (await stack.client.dismissReports(workflowId, other.subjectIds[0]!).catch((error) => error)) as ChorusApiError;
    expect([notReported.status, notReported.problem.errors?.map((error) => error.pointer)]).toEqual([404, ['/params/subjectId']]);
    const long = (await stack.client.request('POST', `/workflows/${workflowId}/reported-subjects/${untouched}/dismissal`, { note: 'x'.repeat(SUBJECT_REPORT_LIMITS.dismissalNoteLength + 1) }).catch((error) => error)) as ChorusApiError;
    expect([long.status, long.problem.errors?.map((error) => error.pointer)]).toEqual([422, ['/note']]);
    expect((await listed()).ids).toEqual([untouched]);
  });

  it('keeps a reported subject that the retirement rule retired open until its reports are dismissed: only a moderation retirement handles them', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 1, 1);
    const [subjectId] = subjectIds as [string];
    await (await guest()).reportSubject(workflowId, { subjectId, reason: 'sensitive-content', note: 'A name and address' });
    // Retired as the worker's retirement rule retires it (this suite runs no worker), reading no report.
    await stack.db.query("UPDATE subject_workflow_status SET retired_at = now(), retirement_reason = 'count' WHERE workflow_id = $1 AND subject_id = $2", [workflowId, subjectId]);
    const listed = async (status: 'open' | 'handled') => (await stack.client.reportedSubjects(workflowId, { status })).subjects.map((subject) => [subject.subjectId, subject.retired]);
    expect(await listed('open')).toEqual([[subjectId, true]]);
    expect(await listed('handled')).toEqual([]);

    await stack.client.dismissReports(workflowId, subjectId);
    expect(await listed('open')).toEqual([]);
    expect(await listed('handled')).toEqual([[subjectId, true]]);
  });

  it('pages by each subject’s first report, so that a subject reported again while a researcher pages is listed once', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 3);
    for (const subjectId of subjectIds) await (await guest()).reportSubject(workflowId, { subjectId, reason: 'other' });
    const firstPage = await stack.client.reportedSubjects(workflowId, { limit: 2 });
    // The subject first reported earliest, on the next page, is reported again meanwhile.
    await (await guest()).reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'blank-or-unreadable' });
    const nextPage = await stack.client.reportedSubjects(workflowId, { limit: 2, after: firstPage.next! });
    expect(nextPage.next).toBeNull();
    const listed = [...firstPage.subjects, ...nextPage.subjects].map((subject) => subject.subjectId);
    expect(listed).toEqual([subjectIds[2], subjectIds[1], subjectIds[0]]);
    expect(nextPage.subjects[0]!.reports).toBe(2);
  });

  it('refuses the list to those who are not moderators or researchers of the project', async () => {
    const { workflowId, projectId, subjectIds } = await voteWorkflow(stack, 1);
    await (await guest()).reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other' });
    const outsider = await newAccount(stack, 'Outsider');
    for (const client of [outsider.client, await guest()]) {
      const refused = await client.reportedSubjects(workflowId).then(() => undefined, (error: ChorusApiError) => error);
      expect(refused?.status).toBe(403);
    }
    for (const role of ['scientist', 'moderator'] as const) {
      const member = await newMember(stack, projectId, role, role);
      expect((await member.client.reportedSubjects(workflowId)).total).toBe(1);
    }
  });

  it('changes nothing in the reports download when a guest’s sign-in carries a report into an account, whose classifications it stamps (round 16b)', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2);
    const asGuest = await guest();
    await asGuest.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[1]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    await asGuest.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other', note: 'Upside down' });
    const email = `carried-${randomUUID()}@example.org`;
    const account = await signUp(stack, { email, password: 'a long password', displayName: 'Carried' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = new Date().toISOString();
    const changedSince = async () => {
      const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/subject-reports?format=json&since=${encodeURIComponent(since)}`, { headers: { authorization: `Bearer ${stack.client.token}` } });
      return (await response.json()) as unknown[];
    };
    const listedNotes = async () => (await stack.client.reportedSubjects(workflowId)).subjects.flatMap((subject) => subject.notes);
    const [downloaded, listed] = [await reportDownload(workflowId), await listedNotes()];
    expect(downloaded).toHaveLength(1);

    expect((await asGuest.login({ email, password: 'a long password' })).guestWork).toEqual({ classifications: 1, alreadyClassified: 0 });
    // Carried: the report counts for the account, and its classification is stamped, named in the raw download.
    expect((await reportsOf(workflowId)).map((row) => row.user_id)).toEqual([account.user.id]);
    const raw = await stack.client.classifications(workflowId, { format: 'csv' });
    expect(raw).toContain(account.user.id);
    // Yet the report is as it was, to its updated_at and pseudonym: nothing ties the moment of the carry to it.
    expect(await reportDownload(workflowId)).toEqual(downloaded);
    expect(await changedSince()).toEqual([]);
    expect(await listedNotes()).toEqual(listed);
  });

  it('names a report an earlier release stores, without reporter_id, during a rolling deploy as its volunteer’s others, across a sign-in too', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2);
    const asGuest = await guest();
    await asGuest.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other' });
    const [{ user_id: guestId }] = await reportsOf(workflowId);
    // The release before reporter_id stores a report so, still running beside this one until the deploy ends.
    await stack.db.query(
      `INSERT INTO subject_reports (workflow_id, subject_id, user_id, reason, note) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workflow_id, subject_id, user_id) DO NOTHING RETURNING id, subject_id, reason, note, created_at`,
      [workflowId, subjectIds[1], guestId, 'blank-or-unreadable', null],
    );
    const reporters = async () => (await reportDownload(workflowId)).map((row) => row.reporter);
    const [made, stored] = await reporters();
    expect(made).toMatch(/^reporter-[0-9a-f]{20}$/);
    expect(stored).toBe(made);

    const account = await signUp(stack, { email: `earlier-release-${randomUUID()}@example.org`, displayName: 'Earlier release' }, asGuest);
    expect((await reportsOf(workflowId)).map((row) => row.user_id)).toEqual([account.user.id, account.user.id]);
    expect(await reporters()).toEqual([made, made]);
  });

  it('never lets researchers learn who reported: the pseudonym joins to no download that names volunteers (round 16a F6)', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 3);
    const [alice, bob] = [await newAccount(stack, 'Alice Reporter'), await newAccount(stack, 'Bob Reporter')];
    for (const volunteer of [alice, bob]) {
      await volunteer.client.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[2]!, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    }
    await alice.client.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'offensive-tag', note: 'Rude' });
    await alice.client.reportSubject(workflowId, { subjectId: subjectIds[1]!, reason: 'other' });
    await bob.client.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'offensive-tag' });

    const raw = await stack.client.classifications(workflowId, { format: 'csv' });
    expect(raw).toContain(alice.id); // the raw download names them, with their display names
    expect(raw).toContain('Alice Reporter');
    const reports = await reportDownload(workflowId);
    const reporterOf = Object.fromEntries(reports.map((row) => [`${row.subject_id}/${row.reason}/${row.note ?? ''}`, row.reporter]));
    const aliceAs = reporterOf[`${subjectIds[0]}/offensive-tag/Rude`]!;
    // One volunteer's reports share a pseudonym; another's differs; none is a user id, nor appears in the raw download.
    expect(reporterOf[`${subjectIds[1]}/other/`]).toBe(aliceAs);
    expect(reporterOf[`${subjectIds[0]}/offensive-tag/`]).not.toBe(aliceAs);
    for (const row of reports) {
      expect(Object.keys(row)).not.toContain('user_id');
      expect([alice.id, bob.id]).not.toContain(row.reporter);
      expect(raw).not.toContain(row.reporter);
    }
    // The lab's list names them as the download does.
    const listed = (await stack.client.reportedSubjects(workflowId)).subjects.flatMap((subject) => subject.notes);
    expect(listed).toEqual([expect.objectContaining({ reporter: aliceAs, note: 'Rude' })]);
    // The same volunteer in another workflow is another pseudonym, so reports cannot be joined across workflows either.
    const other = await voteWorkflow(stack, 1);
    await alice.client.reportSubject(other.workflowId, { subjectId: other.subjectIds[0]!, reason: 'other' });
    const [elsewhere] = await reportDownload(other.workflowId);
    expect(elsewhere!.reporter).toMatch(/^reporter-/);
    expect(elsewhere!.reporter).not.toBe(aliceAs);
  });

  it('downloads every report, one row each, naming volunteers by pseudonym', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 1);
    const volunteer = await newAccount(stack, 'Reporter');
    await volunteer.client.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other', note: 'Says "hello", twice' });
    const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/subject-reports?format=csv`, { headers: { authorization: `Bearer ${stack.client.token}` } });
    expect(response.status).toBe(200);
    const [header, row, ...rest] = (await response.text()).trim().split('\n');
    expect(header).toBe('report_id,subject_id,external_id,reporter,reason,note,reported_at,updated_at,retired_at,retirement_reason,dismissed_at,dismissed_by,dismissal_note,last_reported_at');
    expect(row).toMatch(new RegExp(`${subjectIds[0]},v0,reporter-[0-9a-f]{20},other,"Says ""hello"", twice",`));
    expect(row).not.toContain(volunteer.email);
    expect(row).not.toContain(volunteer.id);
    expect(rest).toEqual([]);
  });
});
