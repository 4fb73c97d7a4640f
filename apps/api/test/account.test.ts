import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { AccountService } from '../src/account/account.service';
import { GENERATIONS_REMEMBERED_AT_MOST, TOKEN_GENERATION_TRUSTED_MS, TokenGenerations } from '../src/auth/token-generations';
import { TokenNews } from '../src/auth/token-news';
import { ApiKeys } from '../src/auth/api-keys';
import { EndedSessions } from '../src/auth/ended-sessions';
import { Tokens } from '../src/auth/tokens';
import type { ProblemException } from '../src/common/problem';
import { InvitationsService } from '../src/members/invitations.service';
import { ProjectsService } from '../src/projects/projects.service';
import { type AnotherProcess, anotherApiProcess } from './another-process';
import { ACCOUNT_PASSWORD, newAccount as createAccount, newMember, signUp } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';
import { refusal } from '../../../test/support/requests';

const PASSWORD = ACCOUNT_PASSWORD;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const newAccount = (name = 'Ada') => createAccount(stack, name);

const news: TokenNews[] = [];
afterEach(() => {
  for (const heard of news.splice(0)) heard.onModuleDestroy();
});

/** Another API process's tokens (`anotherApiProcess`), its Redis connections closed after the test. */
function anotherProcessTokens(options: { newsLost?: boolean } = {}): AnotherProcess {
  const other = anotherApiProcess(stack, options);
  news.push(other.news);
  return other;
}

/** Another API process's token generations (`anotherProcessTokens`). */
const anotherProcess = (options: { newsLost?: boolean } = {}): TokenGenerations => anotherProcessTokens(options).generations;

const signIn = async (email: string, password = PASSWORD) => stack.anonymous.withToken((await stack.anonymous.login({ email, password })).token);

describe('the account', () => {
  it('tells the caller who they are, accounts and guests alike', async () => {
    const { email, id, client } = await newAccount();
    expect(await client.account()).toEqual({ id, kind: 'registered', displayName: 'Ada', email, emailVerified: true, language: null, creditedName: null, namedInAcknowledgements: false, discussionMails: false, followedDiscussionMails: false, reportMails: true, completionMails: true, volunteerCompletionMails: false, publicProfile: false, moderates: false, researches: false, display: null, createdAt: expect.any(String), apiKey: null });
    const guest = await stack.anonymous.guest();
    expect(await stack.anonymous.withToken(guest.token).account()).toMatchObject({ id: guest.user.id, kind: 'guest', email: null, language: null, creditedName: null, namedInAcknowledgements: false, discussionMails: false, followedDiscussionMails: false, reportMails: false, completionMails: false, volunteerCompletionMails: false, publicProfile: false, moderates: false, researches: false, display: null });
  });

  it('tells a volunteer what they have classified, in all and by project, the latest first, and only theirs', async () => {
    const first = await voteWorkflow(stack, 3);
    const second = await voteWorkflow(stack, 2);
    const { client } = await newAccount('Contributor');
    const classifyAll = async (workflowId: string, subjectIds: string[]) => {
      for (const subjectId of subjectIds) await client.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, `k-${randomUUID()}`);
    };
    expect(await client.contribution()).toEqual({ classifications: 0, projects: [] });
    await classifyAll(first.workflowId, first.subjectIds);
    await classifyAll(second.workflowId, second.subjectIds.slice(0, 1));
    // Someone else's classification is not theirs.
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await guest.classify({ workflowId: second.workflowId, workflowVersion: 1, subjectId: second.subjectIds[1]!, annotations: [{ task: 'T0', value: 'no' }] }, `k-${randomUUID()}`);
    // A project taken back to draft is still counted, and said not to be open.
    await stack.client.updateProject(first.projectId, { status: 'draft' });

    const contribution = await client.contribution();
    expect(contribution.classifications).toBe(4);
    expect(contribution.projects.map(({ id, classifications, open }) => ({ id, classifications, open }))).toEqual([
      { id: second.projectId, classifications: 1, open: true },
      { id: first.projectId, classifications: 3, open: false },
    ]);
    expect(contribution.projects[0]).toMatchObject({ slug: expect.any(String), title: expect.stringMatching(/^Vote /), lastClassifiedAt: expect.any(String) });
    expect((await guest.contribution()).classifications).toBe(1);
  });

  it('renames an account, refuses an empty name or an empty change naming the field, and has nothing to rename nor a language for a guest', async () => {
    const { client } = await newAccount();
    expect((await client.renameAccount('  Ada Lovelace ')).displayName).toBe('Ada Lovelace');
    const empty = await refusal(client.renameAccount('   '));
    expect(empty.status).toBe(422);
    expect(empty.problem.errors?.[0]?.pointer).toBe('/displayName');
    expect((await client.account()).displayName).toBe('Ada Lovelace');
    const nothing = await refusal(client.changeAccount({}));
    expect([nothing.status, nothing.problem.errors]).toEqual([422, [{ pointer: '/displayName', message: 'give at least one of displayName, language, creditedName, namedInAcknowledgements, discussionMails, followedDiscussionMails, reportMails, completionMails, volunteerCompletionMails, display, publicProfile' }]]);

    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const refused = await refusal(guest.renameAccount('Someone'));
    expect(refused?.status).toBe(403);
    expect(refused?.problem.type).toMatch(/account-required$/);
    const language = await refusal(guest.changeAccount({ language: 'fr' }));
    expect([language.status, language.problem.type]).toEqual([403, expect.stringMatching(/account-required$/)]);
    expect((await stack.db.query('SELECT language FROM users WHERE id = $1', [(await guest.account()).id])).rows).toEqual([{ language: null }]);
  });

  it('says in GET /account whether the account moderates or researches a project now, whose reports it may be mailed, and whether it researches one, whose completed workflows it may be mailed', async () => {
    const { projectId } = await voteWorkflow(stack, 1, 1);
    const [moderator, researcher, reviewer, volunteer] = [
      await newMember(stack, projectId, 'moderator', 'Mod'),
      await newMember(stack, projectId, 'scientist', 'Sci'),
      await newMember(stack, projectId, 'reviewer', 'Rev'),
      await newAccount('Vol'),
    ];
    const roles = async () => Promise.all([moderator, researcher, reviewer, volunteer].map(async (who) => (({ moderates, researches }) => ({ moderates, researches }))(await who.client.account())));
    const [no, both, moderatesOnly] = [{ moderates: false, researches: false }, { moderates: true, researches: true }, { moderates: true, researches: false }];
    expect(await roles()).toEqual([moderatesOnly, both, no, no]);
    await stack.client.removeMember(projectId, moderator.id);
    await stack.client.removeMember(projectId, researcher.id);
    expect(await roles()).toEqual([no, no, no, no]);
    expect(await stack.client.account()).toMatchObject(both);
  });

  it('mails of completed workflows: on for a researcher, off for a volunteer until asked; each turned apart, a bad value refused at its field, a guest refused', async () => {
    const { client, id } = await newAccount();
    expect(await client.account()).toMatchObject({ completionMails: true, volunteerCompletionMails: false });
    expect(await client.changeAccount({ volunteerCompletionMails: true })).toMatchObject({ completionMails: true, volunteerCompletionMails: true });
    expect(await client.changeAccount({ completionMails: false })).toMatchObject({ completionMails: false, volunteerCompletionMails: true });
    expect(await client.account()).toMatchObject({ completionMails: false, volunteerCompletionMails: true });
    // Turning one off drops its own mails not yet sent, and keeps the other's.
    const waiting = async () => (await stack.db.query('SELECT kind FROM mail_outbox WHERE user_id = $1 ORDER BY kind', [id])).rows.map((row) => row.kind as string);
    await client.changeAccount({ completionMails: true });
    for (const kind of ['completion', 'volunteer-thanks']) {
      await stack.db.query(`INSERT INTO mail_outbox (kind, "to", subject, text, user_id) VALUES ($2, 'ada@example.org', 'Done', 'Done', $1)`, [id, kind]);
    }
    await client.changeAccount({ volunteerCompletionMails: false });
    expect(await waiting()).toEqual(['completion']);
    await stack.db.query(`INSERT INTO mail_outbox (kind, "to", subject, text, user_id) VALUES ('volunteer-thanks', 'ada@example.org', 'Done', 'Done', $1)`, [id]);
    await client.changeAccount({ completionMails: false });
    expect(await waiting()).toEqual(['volunteer-thanks']);
    await stack.db.query('DELETE FROM mail_outbox WHERE user_id = $1', [id]);
    const bad = await refusal(client.changeAccount({ volunteerCompletionMails: 'yes' as unknown as boolean }), { status: 422, pointers: ['/volunteerCompletionMails'] });
    expect(bad.problem.errors?.[0]?.message).toMatch(/must be true .* or false/);
    expect(await client.account()).toMatchObject({ completionMails: false, volunteerCompletionMails: false });
    await refusal(client.changeAccount({ publicProfile: 'yes' as unknown as boolean, completionMails: true }), { status: 422, pointers: ['/publicProfile'] });
    expect(await client.account()).toMatchObject({ publicProfile: false, completionMails: false });
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await refusal(guest.changeAccount({ completionMails: false }), { status: 403, type: 'urn:chorus:problem:account-required' });
  });

  it('keeps how the classifier shows itself to the account, refuses a bad one naming the field, and keeps none for a guest', async () => {
    const { id, client } = await newAccount();
    expect(await client.changeAccount({ display: { theme: 'dark', textSize: 'larger' } })).toMatchObject({ display: { theme: 'dark', textSize: 'larger' } });
    // Another change leaves it as it is; another device signed in reads it.
    expect((await client.changeAccount({ discussionMails: true })).display).toEqual({ theme: 'dark', textSize: 'larger' });
    expect((await (await signIn((await client.account()).email!)).account()).display).toEqual({ theme: 'dark', textSize: 'larger' });

    const bad = async (display: unknown) => (await refusal(client.changeAccount({ display } as never), { status: 422 })).problem.errors;
    expect(await bad({ theme: 'Dark', textSize: 'normal' })).toEqual([{ pointer: '/display/theme', message: expect.stringMatching(/^must be one of device, light, dark .*did you mean "dark"\?/) }]);
    expect(await bad({ theme: 'light', textSize: 'huge' })).toEqual([{ pointer: '/display/textSize', message: 'must be one of normal, large, larger' }]);
    expect(await bad({ theme: 'light' })).toEqual([{ pointer: '/display/textSize', message: 'must be one of normal, large, larger' }]);
    expect(await bad({ theme: 'light', textSize: 'normal', contrast: 'more' })).toEqual([{ pointer: '/display/contrast', message: 'is not a field here; remove it (or check its spelling)' }]);
    expect(await bad('dark')).toEqual([{ pointer: '/display', message: 'must be an object { "theme", "textSize" }' }]);
    expect((await stack.db.query('SELECT display FROM users WHERE id = $1', [id])).rows).toEqual([{ display: { theme: 'dark', textSize: 'larger' } }]);
    // Every setting in one change, each to its own column (the statement's parameters follow the settings' list).
    const every = { discussionMails: true, followedDiscussionMails: false, reportMails: false, completionMails: false, volunteerCompletionMails: true, publicProfile: true, display: { theme: 'light', textSize: 'large' }, namedInAcknowledgements: true } as const;
    await client.changeAccount(every);
    expect(await client.account()).toMatchObject(every);

    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await refusal(guest.changeAccount({ display: { theme: 'dark', textSize: 'normal' } }), { status: 403, type: 'urn:chorus:problem:account-required' });
    expect((await guest.account()).display).toBeNull();
  });

  it('changes the password only with the current one, and ends every token issued before', async () => {
    const { email, client } = await newAccount();
    const otherDevice = await signIn(email);

    const wrong = await refusal(client.changePassword({ currentPassword: 'not my password', newPassword: 'a new long password' }));
    expect(wrong.status).toBe(422);
    expect(wrong.problem.errors).toEqual([{ pointer: '/currentPassword', message: "is not this account's password" }]);
    expect(wrong.problem.type).toBe('urn:chorus:problem:wrong-password');
    const short = await refusal(client.changePassword({ currentPassword: PASSWORD, newPassword: 'short' }));
    expect(short.problem.errors?.[0]?.pointer).toBe('/newPassword');
    // Refused: nothing changed.
    await otherDevice.account();
    await signIn(email);

    const changed = await client.changePassword({ currentPassword: PASSWORD, newPassword: 'a new long password' });
    expect(changed.user.email).toBe(email);
    await refusal(client.account(), { status: 401 });
    await refusal(otherDevice.account(), { status: 401 });
    await refusal(signIn(email), { status: 401 });
    await stack.anonymous.withToken(changed.token).account();
    await signIn(email, 'a new long password');
  });

  it('changes the password once when two devices change it at once with the same current password', async () => {
    const { email, client } = await newAccount();
    const otherDevice = await signIn(email);
    const outcomes = await Promise.allSettled([
      client.changePassword({ currentPassword: PASSWORD, newPassword: 'first new password' }),
      otherDevice.changePassword({ currentPassword: PASSWORD, newPassword: 'second new password' }),
    ]);
    const changed = outcomes.flatMap((outcome, device) => (outcome.status === 'fulfilled' ? [device] : []));
    expect(changed).toHaveLength(1);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    // Refused as a wrong current password, or, had the change ended its token before it was read, as signed out.
    expect([[422, '/currentPassword'], [401, undefined]]).toContainEqual([refused.reason.status, refused.reason.problem.errors?.[0]?.pointer]);
    // The one that went through is the password; the other never was.
    const [kept, lost] = changed[0] === 0 ? ['first new password', 'second new password'] : ['second new password', 'first new password'];
    await signIn(email, kept);
    await refusal(signIn(email, lost), { status: 401 });
  });

  it('signs out everywhere: every token of the account stops working, and signing in again works', async () => {
    const { email, client } = await newAccount();
    const otherDevice = await signIn(email);
    await client.signOutEverywhere();
    await refusal(client.account(), { status: 401 });
    await refusal(otherDevice.account(), { status: 401 });
    expect((await (await signIn(email)).account()).email).toBe(email);
    // A guest's token is their only way in: a guest cannot sign out of it.
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await refusal(guest.signOutEverywhere(), { status: 403 });
  });

  it('deletes an account: its email, password, name, tokens, memberships and holds go; its classifications stay, with no one’s name', async () => {
    const researcher = stack.client;
    const { projectId, workflowId } = await voteWorkflow(stack, 3);
    const { email, id, client } = await newAccount('Volunteer');
    await researcher.invite(projectId, { email, role: 'moderator' });
    await client.acceptInvitation(projectId);
    const other = await researcher.createProject({ title: `Invited ${randomUUID()}` });
    await researcher.invite(other.id, { email, role: 'scientist' });
    const [first] = (await client.queue(workflowId, 3)).subjects;
    await client.classify({ workflowId, workflowVersion: 1, subjectId: first!.id, annotations: [{ task: 'T0', value: 'yes' }] }, `k-${randomUUID()}`);
    // A change of email waiting for its link: its link must not bring the account back.
    const next = `next-${randomUUID().slice(0, 8)}@example.org`;
    await stack.db.query('UPDATE users SET link_mailed_at = NULL WHERE id = $1', [id]); // the verification link went just now
    await client.changeEmail({ email: next, password: PASSWORD });
    const changeLink = stack.inbox.linkToken(await stack.inbox.take(next, /new email/));
    await client.followDiscussion(first!.id, projectId);
    await client.changeAccount({ display: { theme: 'dark', textSize: 'large' } });

    const wrong = await refusal(client.deleteAccount('not my password'));
    expect(wrong.status).toBe(422);
    expect(wrong.problem.errors).toEqual([{ pointer: '/password', message: "is not this account's password" }]);
    expect((await client.account()).email).toBe(email);

    await client.deleteAccount(PASSWORD);
    await refusal(client.account(), { status: 401 });
    await refusal(signIn(email), { status: 401 });
    const { rows: [user] } = await stack.db.query(
      'SELECT kind, email, display_name, password_hash, pending_email, email_verified_at, link_mailed_at, display FROM users WHERE id = $1',
      [id],
    );
    expect(user).toEqual({ kind: 'deleted', email: null, display_name: 'Deleted account', password_hash: null, pending_email: null, email_verified_at: null, link_mailed_at: null, display: null });
    await refusal(stack.anonymous.verifyEmail(changeLink), { status: 422 });
    await refusal(signIn(next), { status: 401 });
    expect((await stack.db.query('SELECT subject_id FROM classifications WHERE user_id = $1', [id])).rows).toEqual([{ subject_id: first!.id }]);
    expect((await stack.db.query('SELECT 1 FROM assignments WHERE user_id = $1', [id])).rows).toEqual([]);
    expect((await stack.db.query('SELECT 1 FROM discussion_follows WHERE user_id = $1', [id])).rows).toEqual([]);
    expect((await researcher.members(projectId)).members.map((member) => member.userId)).not.toContain(id);
    // The email is free for a new account, and nothing addressed to the old one waits for it.
    const newcomer = await signUp(stack, { email, password: PASSWORD, displayName: 'New' });
    expect(newcomer.user.id).not.toBe(id);
    expect((await stack.anonymous.withToken(newcomer.token).myInvitations()).invitations).toEqual([]);

    // Another API process may take the token for up to 30 s more: what it would do as the account is refused.
    const asDeleted = { id, kind: 'registered' as const };
    const statusOf = (promise: Promise<unknown>) => promise.then(() => 'done', (error: ProblemException) => error.body.status);
    expect(await statusOf(stack.app.get(AccountService).change(asDeleted, { displayName: 'Back from the dead' }))).toBe(401);
    expect(await statusOf(stack.app.get(AccountService).signOutEverywhere(asDeleted))).toBe(401);
    expect(await statusOf(stack.app.get(AccountService).view(asDeleted))).toBe(401);
    expect(await statusOf(stack.app.get(InvitationsService).accept(projectId, asDeleted))).toBe(404);
    expect(await statusOf(stack.app.get(ProjectsService).create({ title: 'Made by no one', description: '', fieldGuide: '', language: 'en', status: 'draft' }, asDeleted))).toBe(401);
    expect((await stack.db.query('SELECT display_name FROM users WHERE id = $1', [id])).rows).toEqual([{ display_name: 'Deleted account' }]);
    expect((await stack.db.query('SELECT 1 FROM projects WHERE owner_id = $1', [id])).rows).toEqual([]);
  });

  it("erases the notes of a deleted account's reports, keeping each report and its reason, and gives them again since the deletion", async () => {
    const { workflowId } = await voteWorkflow(stack, 2);
    const { id, client } = await newAccount('Reporter');
    const [subject] = (await client.queue(workflowId, 1)).subjects;
    await client.reportSubject(workflowId, { subjectId: subject!.id, reason: 'sensitive-content', note: 'my phone number is 555-1234' });
    const since = (await stack.db.query(`SELECT to_char((now() + interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since`)).rows[0].since as string;
    const reportsSince = async () => {
      const response = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/subject-reports?format=json&since=${encodeURIComponent(since)}`, { headers: { authorization: `Bearer ${stack.client.token}` } });
      return (await response.json()) as Record<string, unknown>[];
    };
    expect(await reportsSince()).toEqual([]);

    await client.deleteAccount(PASSWORD);
    expect((await stack.db.query('SELECT reason, note FROM subject_reports WHERE user_id = $1', [id])).rows).toEqual([{ reason: 'sensitive-content', note: null }]);
    const [reported] = (await stack.client.reportedSubjects(workflowId)).subjects;
    expect(reported).toMatchObject({ subjectId: subject!.id, notes: [] });
    // A mirror of the reports built from increments gets the report again, without its note.
    expect(await reportsSince()).toEqual([expect.objectContaining({ subject_id: subject!.id, reporter: expect.stringMatching(/^reporter-/), reason: 'sensitive-content', note: null })]);
  });

  it('refuses to delete an account that owns projects, saying which, and changes nothing', async () => {
    const { email, client } = await newAccount('Owner');
    await client.createProject({ title: 'Owned letters' });
    const refused = await refusal(client.deleteAccount(PASSWORD));
    expect(refused?.status).toBe(409);
    expect(refused?.problem.detail).toContain('"Owned letters"');
    expect((await client.account()).email).toBe(email);
    await signIn(email);
  });

  it('ends a token in another API process at once, by its news over Redis', async () => {
    const { id, client } = await newAccount();
    const there = anotherProcess();
    await news.at(-1)!.listening();
    expect(await there.current(id)).toBe(0);
    await client.signOutEverywhere();
    const until = Date.now() + 5_000;
    while ((await there.current(id)) === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await there.current(id)).toBe(1);
  });

  it('ends a token in another API process whose news was lost within the time a process goes by what it read', async () => {
    const { id, client } = await newAccount();
    const there = anotherProcess({ newsLost: true });
    expect(await there.current(id)).toBe(0);
    await client.signOutEverywhere();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now');
    try {
      clock.mockReturnValue(now + TOKEN_GENERATION_TRUSTED_MS - 1_000);
      expect(await there.current(id)).toBe(0);
      clock.mockReturnValue(now + TOKEN_GENERATION_TRUSTED_MS + 1_000);
      expect(await there.current(id)).toBe(1);
    } finally {
      clock.mockRestore();
    }
  });

  it(`remembers at most ${GENERATIONS_REMEMBERED_AT_MOST.toLocaleString('en')} accounts' generations, forgetting first those remembered longest`, async () => {
    const [ada, grace] = [await newAccount('Ada'), await newAccount('Grace')];
    const otherProcess = anotherProcess({ newsLost: true });
    expect(await otherProcess.current(ada.id)).toBe(0);
    expect(await otherProcess.current(grace.id)).toBe(0);
    await ada.client.signOutEverywhere();
    await grace.client.signOutEverywhere();
    // Both raised here; the other process goes by what it read (Ada's first) for as long as it remembers it.
    for (let n = 0; n < GENERATIONS_REMEMBERED_AT_MOST - 2; n++) otherProcess.remember(randomUUID(), 0);
    expect(await otherProcess.current(ada.id)).toBe(0);
    otherProcess.remember(randomUUID(), 0);
    expect(await otherProcess.current(grace.id)).toBe(0);
    expect(await otherProcess.current(ada.id)).toBe(1);
  });

  it('issues a token of the account’s latest generation in a process that still goes by an older one', async () => {
    const { id, client } = await newAccount();
    const otherProcess = anotherProcess({ newsLost: true });
    expect(await otherProcess.current(id)).toBe(0);
    await client.signOutEverywhere();
    const signedInThere = await new Tokens(stack.app.get(JwtService), otherProcess, stack.app.get(EndedSessions), stack.app.get(ApiKeys)).issue({ id, kind: 'registered' });
    expect((await stack.anonymous.withToken(signedInThere).account()).id).toBe(id);
    expect(await otherProcess.current(id)).toBe(1);
  });
});

describe("a volunteer's record in a workflow", () => {
  const yes = (workflowId: string, subjectId: string) => ({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] });

  it('counts the caller’s classifications in the workflow, on every device and those a sign-in carried in from a guest, and no one else’s', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 4);
    const other = await voteWorkflow(stack, 1);
    const { email, client } = await newAccount('Counted');
    expect(await client.accountWorkflow(workflowId)).toEqual({ classifications: 0, tutorialSeen: false });
    await client.classify(yes(workflowId, subjectIds[0]!), `k-${randomUUID()}`);
    // Another device of the account's, and another workflow.
    await (await signIn(email)).classify(yes(workflowId, subjectIds[1]!), `k-${randomUUID()}`);
    await client.classify(yes(other.workflowId, other.subjectIds[0]!), `k-${randomUUID()}`);
    // A guest who then signs in: its classification becomes the account's.
    const guest = await stack.anonymous.guest();
    const asGuest = stack.anonymous.withToken(guest.token);
    await asGuest.classify(yes(workflowId, subjectIds[2]!), `k-${randomUUID()}`);
    // Someone else's is not the account's.
    const someoneElse = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await someoneElse.classify(yes(workflowId, subjectIds[3]!), `k-${randomUUID()}`);
    expect(await asGuest.accountWorkflow(workflowId)).toEqual({ classifications: 1, tutorialSeen: false });
    await asGuest.login({ email, password: PASSWORD });
    expect(await client.accountWorkflow(workflowId)).toEqual({ classifications: 3, tutorialSeen: false });
    expect(await client.accountWorkflow(other.workflowId)).toEqual({ classifications: 1, tutorialSeen: false });
  });

  it('counts from the index of a volunteer’s classifications in a workflow, reading no classification row', async () => {
    // A volunteer with many classifications in two workflows: the count of one workflow's reads that workflow's
    // entries of the index by volunteer and workflow, not every entry of the volunteer's (their index across workflows).
    const workflows = [(await voteWorkflow(stack, 1)).workflowId, (await voteWorkflow(stack, 1)).workflowId];
    const volunteer = (await stack.anonymous.guest()).user.id;
    await stack.db.query(
      `WITH made AS (
         INSERT INTO subjects (project_id, locations) SELECT w.project_id, '[{"type": "text", "text": "A notice"}]' FROM workflows w, generate_series(1, 3000) WHERE w.id = ANY($1) RETURNING id, project_id)
       INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
       SELECT w.id, 1, made.id, $2, '[]', gen_random_uuid()::text FROM made JOIN workflows w ON w.project_id = made.project_id AND w.id = ANY($1)`,
      [workflows, volunteer],
    );
    await stack.db.query('VACUUM ANALYZE classifications');
    const plan: { 'QUERY PLAN': string }[] = (await stack.db.query('EXPLAIN SELECT count(*)::int FROM classifications WHERE user_id = $1 AND workflow_id = $2', [volunteer, workflows[0]])).rows;
    // By either index that leads with the volunteer and the workflow (the volunteer's recent ones, or one answer each).
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Only Scan using (classifications_user_recent_idx|classifications_once_per_volunteer_key) on classifications/);
    expect(text).toMatch(/Index Cond: \(\((workflow_id|user_id) = .*\) AND \((workflow_id|user_id) = .*\)\)/);
  });

  it('remembers that an account has seen a workflow’s tutorial, on every device, once however often it is said', async () => {
    const { workflowId } = await voteWorkflow(stack, 1);
    const other = await voteWorkflow(stack, 1);
    const { email, id, client } = await newAccount('Tutored');
    await client.markTutorialSeen(workflowId);
    await client.markTutorialSeen(workflowId);
    expect(await (await signIn(email)).accountWorkflow(workflowId)).toEqual({ classifications: 0, tutorialSeen: true });
    expect((await client.accountWorkflow(other.workflowId)).tutorialSeen).toBe(false);
    const { rows } = await stack.db.query('SELECT workflow_id FROM tutorials_seen WHERE user_id = $1', [id]);
    expect(rows).toEqual([{ workflow_id: workflowId }]);
  });

  it('refuses a guest’s tutorial seen (its browser keeps it), and a bad or unknown workflow naming the field, storing nothing', async () => {
    const { workflowId } = await voteWorkflow(stack, 1);
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const refusedGuest = await refusal(guest.markTutorialSeen(workflowId));
    expect([refusedGuest.status, refusedGuest.problem.type]).toEqual([403, expect.stringMatching(/account-required$/)]);

    const { id, token, client } = await newAccount('Mistyped');
    const raw = await fetch(`${stack.baseUrl}/api/v1/account/workflows/not-a-workflow`, { headers: { authorization: `Bearer ${token}` } });
    expect([raw.status, raw.headers.get('content-type')]).toEqual([422, expect.stringContaining('application/problem+json')]);
    const pointers = async (promise: Promise<unknown>) => {
      const refused = await refusal(promise);
      return [refused?.status, refused?.problem.errors?.map((error) => error.pointer)];
    };
    expect(await pointers(client.markTutorialSeen('not-a-workflow'))).toEqual([422, ['/workflowId']]);
    expect(await pointers(client.markTutorialSeen(randomUUID()))).toEqual([404, ['/workflowId']]);
    expect(await pointers(client.accountWorkflow('not-a-workflow'))).toEqual([422, ['/params/workflowId']]);
    expect(await pointers(client.accountWorkflow(randomUUID()))).toEqual([404, ['/params/workflowId']]);
    // A workflow of a project the volunteer may not see (taken back to draft) is not found either.
    const hidden = await voteWorkflow(stack, 1);
    await stack.client.updateProject(hidden.projectId, { status: 'draft' });
    expect(await pointers(client.markTutorialSeen(hidden.workflowId))).toEqual([404, ['/workflowId']]);
    expect((await stack.db.query('SELECT 1 FROM tutorials_seen WHERE user_id = $1', [id])).rows).toEqual([]);
  });
});

describe('signing out on one device', () => {
  const sessionOf = async (token: string) => (await stack.app.get(Tokens).verify(token, { endedSession: 'accepted' }))!.session.id;
  /** A token as they were issued before tokens named their session: no `sid`. */
  const tokenWithoutSession = (id: string, expiresIn: number) => stack.app.get(JwtService).signAsync({ sub: id, kind: 'registered', gen: 0 }, { expiresIn });

  it("ends the device's session only: its token is refused, the account's other sessions go on, and signing in again works", async () => {
    const { email, client, token } = await newAccount();
    const phone = await signIn(email);
    await client.signOut();
    const refused = await refusal(client.account());
    expect(refused?.status).toBe(401);
    expect(refused?.problem.errors).toEqual([{ pointer: '/headers/authorization', message: 'is not a valid token' }]);
    expect((await phone.account()).email).toBe(email);
    expect((await (await signIn(email)).account()).email).toBe(email);
    // Kept until the token would have expired anyway, then forgotten.
    const { rows } = await stack.db.query('SELECT extract(epoch FROM expires_at)::int AS expires FROM ended_sessions WHERE session_id = $1', [await sessionOf(token)]);
    expect(rows).toEqual([{ expires: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp }]);
  });

  it('is harmless twice: signing out again with the same token changes nothing', async () => {
    const { email, client, token } = await newAccount();
    const phone = await signIn(email);
    await client.signOut();
    await client.signOut();
    expect((await stack.db.query('SELECT count(*)::int AS n FROM ended_sessions WHERE session_id = $1', [await sessionOf(token)])).rows).toEqual([{ n: 1 }]);
    await refusal(client.account(), { status: 401 });
    expect((await phone.account()).email).toBe(email);
    // A token that proves nothing is still refused.
    await refusal(stack.anonymous.withToken(`${token}x`).signOut(), { status: 401 });
  });

  it("refuses a guest, whose token is its only way back to its work, as signing out everywhere does", async () => {
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const refused = await refusal(guest.signOut());
    expect(refused?.status).toBe(403);
    expect(refused?.problem.type).toContain('account-required');
    expect((await guest.account()).kind).toBe('guest');
  });

  it('takes tokens issued before sessions until they expire, and signs one out alone', async () => {
    const { id, email } = await newAccount();
    const [laptop, phone] = [stack.anonymous.withToken(await tokenWithoutSession(id, 3_600)), stack.anonymous.withToken(await tokenWithoutSession(id, 7_200))];
    expect((await laptop.account()).email).toBe(email);
    expect((await phone.account()).email).toBe(email);
    await laptop.signOut();
    await refusal(laptop.account(), { status: 401 });
    expect((await phone.account()).email).toBe(email);
  });

  it('ends a session in another API process at once, by its news over Redis, and not the account’s other sessions', async () => {
    const { email, client, token } = await newAccount();
    const phone = await signIn(email);
    const there = anotherProcessTokens();
    await news.at(-1)!.listening();
    expect(await there.tokens.verify(token)).toBeDefined();
    await client.signOut();
    const until = Date.now() + 5_000;
    while ((await there.tokens.verify(token)) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await there.tokens.verify(token)).toBeUndefined();
    expect(await there.tokens.verify(phone.token!)).toBeDefined();
  });

  it('ends a session in another API process whose news was lost within the time a process goes by what it read', async () => {
    const { client, token } = await newAccount();
    const there = anotherProcessTokens({ newsLost: true });
    expect(await there.tokens.verify(token)).toBeDefined();
    await client.signOut();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now');
    try {
      clock.mockReturnValue(now + TOKEN_GENERATION_TRUSTED_MS - 1_000);
      expect(await there.tokens.verify(token)).toBeDefined();
      clock.mockReturnValue(now + TOKEN_GENERATION_TRUSTED_MS + 1_000);
      expect(await there.tokens.verify(token)).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
  });

  it('is documented in the API documentation: a bearer token needed, 204, and 403 for a guest', async () => {
    const document = (await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).json()) as { paths: Record<string, { post?: { responses: Record<string, unknown>; security?: unknown[] } }> };
    const signOut = document.paths['/auth/sign-out']?.post;
    expect(Object.keys(signOut?.responses ?? {})).toEqual(expect.arrayContaining(['204', '403', 'default']));
    expect(JSON.stringify(signOut?.responses['204'])).toContain('other sessions go on');
    expect(signOut?.security).toEqual([{ bearer: [] }]);
  });

  it('forgets ended sessions a while after their tokens have expired (a clock a little ahead of the API’s takes none too soon)', async () => {
    const { id } = await newAccount();
    const tokens = [3_600, 7_200, 10_800].map((seconds) => tokenWithoutSession(id, seconds));
    const [expired, justExpired, live] = (await Promise.all(tokens)).map((token) => stack.anonymous.withToken(token));
    for (const session of [expired, justExpired, live]) await session!.signOut();
    const expire = (token: string, ago: string) => stack.db.query('UPDATE ended_sessions SET expires_at = now() - $2::interval WHERE session_id = $1', [token, ago]);
    await expire(await sessionOf(expired!.token!), '6 minutes');
    await expire(await sessionOf(justExpired!.token!), '1 second');
    expect(await stack.app.get(EndedSessions).forgetExpired()).toBeGreaterThanOrEqual(1);
    const kept = [await sessionOf(justExpired!.token!), await sessionOf(live!.token!)];
    const { rows } = await stack.db.query('SELECT session_id FROM ended_sessions WHERE session_id = ANY($1::uuid[]) ORDER BY session_id', [[await sessionOf(expired!.token!), ...kept]]);
    expect(rows.map((row) => row.session_id)).toEqual([...kept].sort());
  });
});
