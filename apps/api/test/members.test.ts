import { ChorusApiError, type ChorusClient } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ACCOUNT_PASSWORD, newAccount, unverifiedAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { INVITATION_DAYS } from '../src/members/invitations.service';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const problemOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: ChorusApiError) => error);

const account = (name: string) => newAccount(stack, name);

/** Invites the account in the role, and the account accepts. */
async function join(administrator: ChorusClient, projectId: string, person: { client: ChorusClient; email: string }, role: 'collaborator' | 'scientist' | 'moderator') {
  await administrator.invite(projectId, { email: person.email, role });
  return person.client.acceptInvitation(projectId);
}

describe('the projects of an account', () => {
  it('are listed with its role in each, in any status, apart from the public list', async () => {
    const owner = stack.client;
    const [draft, live] = [await owner.createProject({ title: `Mine ${randomUUID().slice(0, 8)}` }), await owner.createProject({ title: `Public ${randomUUID().slice(0, 8)}`, status: 'live' })];
    const ada = await account('ada');
    await join(owner, draft.id, ada, 'moderator');
    const adas = (await ada.client.listProjects({ member: true })).projects;
    expect(adas.map((project) => [project.id, project.role])).toEqual([[draft.id, 'moderator']]);
    // The public list has the live one too, where Ada has no role.
    const listed = (await ada.client.listProjects()).projects;
    expect(listed.find((project) => project.id === live.id)?.role).toBeNull();
    expect((await owner.getProject(draft.id)).role).toBe('owner');
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect((await guest.listProjects({ member: true })).projects).toEqual([]);
    const bad = await problemOf(owner.request('GET', '/projects?member=yes'));
    expect([bad?.status, bad?.problem.errors?.[0]?.pointer]).toEqual([422, '/query/member']);
  });
});

describe('project members', () => {
  it('lets the owner invite people by email in a role, change it and remove them, and each role does what it may', async () => {
    const owner = stack.client;
    const project = await owner.createProject({ title: `Members ${randomUUID().slice(0, 8)}` });
    const ada = await account('ada');
    const bob = await account('bob');
    expect((await problemOf(ada.client.getProject(project.id)))?.status).toBe(404);

    await owner.invite(project.id, { email: ada.email.toUpperCase(), role: 'scientist' });
    expect((await problemOf(ada.client.getProject(project.id)))?.status).toBe(404); // invited is not a member yet
    expect(await ada.client.acceptInvitation(project.id)).toEqual({ userId: ada.id, displayName: 'ada', email: ada.email, role: 'scientist' });
    // A scientist sees the draft and the members, designs workflows, but does not manage people.
    expect((await ada.client.getProject(project.id)).id).toBe(project.id);
    await ada.client.createSubjectSet(project.id, { name: 'By a scientist' });
    expect((await ada.client.members(project.id)).members.map((member) => member.role)).toEqual(['owner', 'scientist']);
    const refused = await problemOf(ada.client.invite(project.id, { email: bob.email, role: 'scientist' }));
    expect(refused?.status).toBe(403);
    expect(refused?.problem.detail).toMatch(/you are a scientist of "Members .*"; ask its owner for another role/); // not "ask to be added"
    // Nor the project itself: its title, description, field guide and status are the administrators'.
    expect((await problemOf(ada.client.updateProject(project.id, { title: 'Taken over' })))?.status).toBe(403);
    expect((await problemOf(ada.client.updateProject(project.id, { status: 'live' })))?.status).toBe(403);
    expect((await owner.getProject(project.id)).status).toBe('draft');

    await owner.setMember(project.id, { email: ada.email, role: 'collaborator' });
    expect((await ada.client.updateProject(project.id, { description: 'Edited by a collaborator' })).description).toBe('Edited by a collaborator');
    expect(await join(ada.client, project.id, bob, 'scientist')).toMatchObject({ userId: bob.id, role: 'scientist' });
    expect(await ada.client.setMember(project.id, { email: bob.email, role: 'moderator' })).toMatchObject({ userId: bob.id, role: 'moderator' });
    // A moderator is a member (sees the draft) but not a researcher.
    expect((await bob.client.getProject(project.id)).id).toBe(project.id);
    expect((await problemOf(bob.client.members(project.id)))?.status).toBe(403);
    // Nobody but an administrator removes another; anyone may leave.
    expect((await problemOf(bob.client.removeMember(project.id, ada.id)))?.status).toBe(403);
    expect(await bob.client.removeMember(project.id, bob.id)).toEqual({ removed: bob.id });
    expect((await problemOf(bob.client.getProject(project.id)))?.status).toBe(404);
    await join(ada.client, project.id, bob, 'moderator');

    expect(await ada.client.removeMember(project.id, bob.id)).toEqual({ removed: bob.id });
    expect((await problemOf(bob.client.getProject(project.id)))?.status).toBe(404);
    expect((await owner.members(project.id)).members.map((member) => member.userId)).toEqual([project.ownerId, ada.id]);
  });

  it('refuses what cannot be: a role for someone not a member, the owner, a guest, someone not in the project, naming the field', async () => {
    const owner = stack.client;
    const project = await owner.createProject({ title: `Members ${randomUUID().slice(0, 8)}` });
    const nobody = await problemOf(owner.setMember(project.id, { email: 'nobody-here@example.org', role: 'scientist' }));
    expect([nobody?.status, nobody?.problem.errors?.[0]?.pointer]).toEqual([422, '/email']);
    expect(nobody?.problem.errors?.[0]?.message).toContain(`invite them with POST /projects/${project.id}/invitations`);
    const me = (await owner.members(project.id)).members[0]!;
    const demote = await problemOf(owner.setMember(project.id, { email: me.email!, role: 'scientist' }));
    expect([demote?.status, demote?.problem.errors?.[0]?.pointer]).toEqual([422, '/email']);
    const removeOwner = await problemOf(owner.removeMember(project.id, me.userId));
    expect([removeOwner?.status, removeOwner?.problem.errors?.[0]?.pointer]).toEqual([422, '/params/userId']);
    const stranger = await problemOf(owner.removeMember(project.id, randomUUID()));
    expect([stranger?.status, stranger?.problem.errors?.[0]?.pointer]).toEqual([404, '/params/userId']);
    const badRole = await problemOf(owner.setMember(project.id, { email: me.email!, role: 'admin' as 'scientist' }));
    expect([badRole?.status, badRole?.problem.errors?.[0]?.pointer]).toEqual([422, '/role']);
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect((await problemOf(guest.members(project.id)))?.status).toBe(404);
    // What a stranger named is what was not found: a workflow or set of a draft project, not "the project".
    const set = await owner.createSubjectSet(project.id, { name: 'Private' });
    expect((await problemOf(guest.subjectsOf(set.id)))?.problem.detail).toBe(`Subject set ${set.id} was not found`);
    expect((await owner.members(project.id)).members).toEqual([me]);
  });

  it('lets the owner, and only the owner, hand the project to another member, staying on as a collaborator, and then delete their account', async () => {
    const olive = await account('olive');
    const project = await olive.client.createProject({ title: `Handed over ${randomUUID().slice(0, 8)}` });
    const [ada, bob] = [await account('ada'), await account('bob')];
    await join(olive.client, project.id, ada, 'scientist');
    await join(olive.client, project.id, bob, 'collaborator');
    const owns = await problemOf(olive.client.deleteAccount(ACCOUNT_PASSWORD));
    expect([owns?.status, owns?.problem.type, owns?.problem.detail]).toEqual([409, 'urn:chorus:problem:owns-projects', expect.stringContaining('role "owner"')]);
    // A collaborator administers the project, but it is not theirs to give.
    const byCollaborator = await problemOf(bob.client.setMember(project.id, { email: ada.email, role: 'owner' }));
    expect(byCollaborator?.status).toBe(403);

    expect(await olive.client.setMember(project.id, { email: ada.email, role: 'owner' })).toMatchObject({ userId: ada.id, role: 'owner' });
    expect((await ada.client.members(project.id)).members[0]).toMatchObject({ userId: ada.id, role: 'owner' }); // owner first
    const roles = Object.fromEntries((await ada.client.members(project.id)).members.map((member) => [member.userId, member.role]));
    expect(roles).toEqual({ [ada.id]: 'owner', [bob.id]: 'collaborator', [olive.id]: 'collaborator' });
    expect((await stack.db.query('SELECT owner_id FROM projects WHERE id = $1', [project.id])).rows[0].owner_id).toBe(ada.id);
    // The former owner is an administrator no more able to give it away, and can now leave Chorus.
    expect((await problemOf(olive.client.setMember(project.id, { email: bob.email, role: 'owner' })))?.status).toBe(403);
    await olive.client.deleteAccount(ACCOUNT_PASSWORD);
    expect((await ada.client.members(project.id)).members.map((member) => member.userId).sort()).toEqual([ada.id, bob.id].sort());
  });

  it('never hands a project to someone who left it, or was removed or given another role, while the hand-over waited', async () => {
    const olive = await account('olive');
    const project = await olive.client.createProject({ title: `Raced ${randomUUID().slice(0, 8)}` });
    const [ada, bob] = [await account('ada'), await account('bob')];
    await join(olive.client, project.id, ada, 'scientist');
    await join(olive.client, project.id, bob, 'collaborator');
    const locker = new Client({ connectionString: stack.config.databaseUrl });
    await locker.connect();
    try {
      // The project's row held (as another hand-over would): the hand-over to Ada waits, and Ada leaves meanwhile.
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [project.id]);
      const handing = problemOf(olive.client.setMember(project.id, { email: ada.email, role: 'owner' }));
      await until(async () => (await stack.db.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT owner_id FROM projects%'")).rowCount! > 0, 'the hand-over to wait');
      await ada.client.removeMember(project.id, ada.id);
      await locker.query('COMMIT');
      const refused = await handing;
      expect([refused?.status, refused?.problem.errors]).toEqual([422, [{ pointer: '/email', message: 'names someone who left the project meanwhile' }]]);
    } finally {
      await locker.end();
    }
    const { rows } = await stack.db.query("SELECT p.owner_id, m.user_id FROM projects p JOIN project_members m ON m.project_id = p.id AND m.role = 'owner' WHERE p.id = $1", [project.id]);
    expect(rows).toEqual([{ owner_id: olive.id, user_id: olive.id }]);
    // Handed over for good, the new owner can be neither removed nor given another role by a collaborator.
    await join(olive.client, project.id, ada, 'scientist');
    await olive.client.setMember(project.id, { email: ada.email, role: 'owner' });
    expect((await problemOf(bob.client.removeMember(project.id, ada.id)))?.status).toBe(422);
    expect((await problemOf(bob.client.setMember(project.id, { email: ada.email, role: 'moderator' })))?.status).toBe(422);
  });

  it('lets the owner delete a project nobody has classified in, once it is not live, so an account with only test drafts can go', async () => {
    const olive = await account('olive');
    const draft = await olive.client.createProject({ title: `Test draft ${randomUUID().slice(0, 8)}` });
    const set = await olive.client.createSubjectSet(draft.id, { name: 'Set' });
    await olive.client.addSubjects(set.id, [{ externalId: 'a', locations: [{ type: 'text', text: 'A' }] }]);
    const { id: workflowId } = await olive.client.createWorkflow(draft.id, {
      name: 'W', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'y', label: 'Y' }, { value: 'n', label: 'N' }] } }, subjectSetIds: [set.id],
    });
    const ada = await account('ada');
    await join(olive.client, draft.id, ada, 'collaborator');
    expect((await problemOf(ada.client.deleteProject(draft.id)))?.status).toBe(403); // the owner's alone
    await olive.client.updateProject(draft.id, { status: 'live' });
    expect((await problemOf(olive.client.deleteProject(draft.id)))?.problem.type).toBe('urn:chorus:problem:project-live');
    await olive.client.updateProject(draft.id, { status: 'draft' });
    await stack.db.query("INSERT INTO assignments (workflow_id, user_id, subject_id, expires_at) SELECT $1, $2, subject_id, now() + interval '1 hour' FROM subject_workflow_status WHERE workflow_id = $1", [workflowId, ada.id]);
    await olive.client.deleteProject(draft.id);
    expect((await problemOf(olive.client.getProject(draft.id)))?.status).toBe(404);
    for (const table of ['subjects', 'subject_sets', 'workflows', 'project_members']) {
      expect((await stack.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE project_id = $1`, [draft.id])).rows[0].n).toBe(0);
    }
    expect((await stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1', [workflowId])).rows[0].n).toBe(0);
    await olive.client.deleteAccount(ACCOUNT_PASSWORD);

    // A project with classifications stays, and says how to leave it.
    const classified = await stack.client.createProject({ title: `Classified ${randomUUID().slice(0, 8)}`, status: 'live' });
    const classifiedSet = await stack.client.createSubjectSet(classified.id, { name: 'Set' });
    await stack.client.addSubjects(classifiedSet.id, [{ externalId: 'a', locations: [{ type: 'text', text: 'A' }] }]);
    const classifiedWorkflow = await stack.client.createWorkflow(classified.id, {
      name: 'W', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'y', label: 'Y' }, { value: 'n', label: 'N' }] } }, subjectSetIds: [classifiedSet.id],
    });
    await stack.client.activateWorkflow(classifiedWorkflow.id);
    const volunteer = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const [subject] = (await volunteer.queue(classifiedWorkflow.id, 1)).subjects;
    await volunteer.classify({ workflowId: classifiedWorkflow.id, workflowVersion: 1, subjectId: subject!.id, annotations: [{ task: 'T0', value: 'y' }] }, randomUUID());
    await stack.client.updateProject(classified.id, { status: 'paused' });
    const kept = await problemOf(stack.client.deleteProject(classified.id));
    expect([kept?.status, kept?.problem.type, kept?.problem.detail]).toEqual([409, 'urn:chorus:problem:project-classified', expect.stringContaining('role "owner"')]);
    expect((await stack.client.getProject(classified.id)).id).toBe(classified.id);
  });

  it('invites by email without saying whether it has an account; only its account accepts or declines, and administrators withdraw', async () => {
    const owner = stack.client;
    const project = await owner.createProject({ title: `Invitations ${randomUUID().slice(0, 8)}` });
    const ada = await account('ada');
    const later = `later-${randomUUID().slice(0, 8)}@example.org`;
    const toAda = await owner.invite(project.id, { email: ada.email, role: 'moderator' });
    const toNobody = await owner.invite(project.id, { email: later, role: 'scientist' });
    // The same answer whether or not the email has an account.
    expect(Object.keys(toAda)).toEqual(Object.keys(toNobody));
    expect(toNobody).toEqual({ email: later, role: 'scientist', invitedAt: expect.any(String) });
    expect((await owner.invitations(project.id)).invitations.map((invitation) => invitation.email).sort()).toEqual([ada.email, later].sort());
    // Invited again: the latest role.
    await owner.invite(project.id, { email: ada.email, role: 'collaborator' });
    expect(await ada.client.myInvitations()).toEqual({
      invitations: [{ projectId: project.id, projectSlug: project.slug, projectTitle: project.title, role: 'collaborator', invitedAt: expect.any(String) }],
    });
    // Only the account with that email sees or accepts it.
    const eve = await account('eve');
    expect((await eve.client.myInvitations()).invitations).toEqual([]);
    expect((await problemOf(eve.client.acceptInvitation(project.id)))?.status).toBe(404);
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect((await guest.myInvitations()).invitations).toEqual([]);
    expect((await problemOf(guest.acceptInvitation(project.id)))?.status).toBe(404);

    expect(await ada.client.acceptInvitation(project.id)).toMatchObject({ userId: ada.id, role: 'collaborator' });
    expect((await ada.client.myInvitations()).invitations).toEqual([]);
    expect((await problemOf(ada.client.acceptInvitation(project.id)))?.status).toBe(404); // accepted once
    const already = await problemOf(owner.invite(project.id, { email: ada.email, role: 'moderator' }));
    expect([already?.status, already?.problem.errors?.[0]?.pointer]).toEqual([409, '/email']);
    expect(already?.problem.detail).toMatch(/change their role with PUT/);
    // The owner's role never changes, so that is not what to do.
    const ownerEmail = (await owner.account()).email!;
    const invitingOwner = await problemOf(ada.client.invite(project.id, { email: ownerEmail, role: 'scientist' }));
    expect([invitingOwner?.status, invitingOwner?.problem.errors]).toEqual([409, [{ pointer: '/email', message: "is the project's owner" }]]);
    expect(invitingOwner?.problem.detail).not.toMatch(/PUT/);

    // An account registered later with the invited email finds it there once it has verified the email, and may
    // decline it; until then, whoever registered the address can neither see, join nor decline.
    const session = await unverifiedAccount(stack, later, 'Later');
    const latecomer = stack.anonymous.withToken(session.token);
    for (const attempt of [latecomer.myInvitations(), latecomer.acceptInvitation(project.id), latecomer.declineInvitation(project.id)]) {
      const refused = await problemOf(attempt);
      expect([refused?.status, refused?.problem.type]).toEqual([403, 'urn:chorus:problem:email-unverified']);
    }
    await stack.anonymous.verifyEmail(stack.inbox.linkToken(await stack.inbox.takeVerification(later)));
    expect((await latecomer.myInvitations()).invitations.map((invitation) => invitation.role)).toEqual(['scientist']);
    await latecomer.declineInvitation(project.id);
    expect((await problemOf(latecomer.acceptInvitation(project.id)))?.status).toBe(404);
    expect((await owner.invitations(project.id)).invitations).toEqual([]);

    // Withdrawn before it is accepted; only administrators withdraw.
    await owner.invite(project.id, { email: eve.email, role: 'moderator' });
    expect((await problemOf(eve.client.withdrawInvitation(project.id, eve.email)))?.status).toBe(404);
    await ada.client.withdrawInvitation(project.id, eve.email.toUpperCase());
    expect((await problemOf(eve.client.acceptInvitation(project.id)))?.status).toBe(404);
    expect((await problemOf(owner.withdrawInvitation(project.id, eve.email)))?.status).toBe(404);
    expect((await owner.members(project.id)).members.map((member) => member.userId)).toEqual([project.ownerId, ada.id]);

    // An email path that is no email is refused naming it, and never read as another address (a Kelvin sign is not a k).
    for (const odd of [' padded@example.org ', '\u212a@example.org', 'not-an-email']) {
      const refused = await problemOf(owner.withdrawInvitation(project.id, odd));
      expect([refused?.status, refused?.problem.errors?.[0]?.pointer]).toEqual([422, '/params/email']);
    }
  });

  it('mails the invitation to its email, naming the project, the role and who invited; not again within a day', async () => {
    const owner = stack.client;
    const project = await owner.createProject({ title: `Mailed ${randomUUID().slice(0, 8)}` });
    const invited = `invited-${randomUUID().slice(0, 8)}@example.org`;
    await owner.invite(project.id, { email: invited, role: 'scientist' });
    const mail = await stack.inbox.take(invited);
    expect(mail.subject).toBe(`You are invited to join "${project.title}" on Chorus`);
    expect(mail.text).toContain(`Researcher invited you to join the project "${project.title}" on Chorus, as a scientist.`);
    expect(mail.text).toContain(`${stack.config.publicUrl}/account`);
    expect(mail.text).toContain(`${INVITATION_DAYS} days`);

    // Invited again at once: the new role, no second mail. A day later: mailed again.
    await owner.invite(project.id, { email: invited, role: 'moderator' });
    await stack.db.query(`UPDATE project_invitations SET mailed_at = now() - interval '1 day 1 minute' WHERE project_id = $1`, [project.id]);
    await owner.invite(project.id, { email: invited, role: 'collaborator' });
    expect((await stack.inbox.take(invited)).text).toContain('as a collaborator.');
    expect(stack.inbox.mails.filter((received) => received.to === invited)).toHaveLength(2);
  });

  it('is sent only by an administrator whose own email is verified, as it is mailed in their name', async () => {
    const sender = await newAccount(stack, 'Unverified sender', { verified: false });
    const project = await sender.client.createProject({ title: 'URGENT: your payroll, at http://evil.example' });
    const invited = `target-${randomUUID().slice(0, 8)}@example.org`;
    const refused = await problemOf(sender.client.invite(project.id, { email: invited, role: 'scientist' }));
    expect(refused).toMatchObject({ status: 403, problem: { type: expect.stringMatching(/email-unverified$/) } });
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM project_invitations WHERE email = $1', [invited]);
    expect(rows[0].n).toBe(0);
    await stack.anonymous.verifyEmail(stack.inbox.linkToken(await stack.inbox.takeVerification(sender.email)));
    await sender.client.invite(project.id, { email: invited, role: 'scientist' });
    expect((await stack.inbox.take(invited)).subject).toContain(project.title);
  });

  it('mails an invitation made again twice at once only once', async () => {
    const owner = stack.client;
    const project = await owner.createProject({ title: `At once ${randomUUID().slice(0, 8)}` });
    const invited = `at-once-${randomUUID().slice(0, 8)}@example.org`;
    // An invitation mailed two days ago, made again while both new invitations wait for its row: each took its
    // snapshot before the row was there.
    const holder = new Client({ connectionString: stack.config.databaseUrl });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(
      `INSERT INTO project_invitations (project_id, email, role, invited_by, mailed_at)
       SELECT id, $2, 'scientist', owner_id, now() - interval '2 days' FROM projects WHERE id = $1`,
      [project.id, invited],
    );
    const invitations = [owner.invite(project.id, { email: invited, role: 'moderator' }), owner.invite(project.id, { email: invited, role: 'collaborator' })];
    const lockWaits = async () =>
      (await stack.db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")).rows[0].n;
    await until(async () => (await lockWaits()) === 2, 'both invitations waiting for the row');
    await holder.query('COMMIT');
    await holder.end();
    await Promise.all(invitations);

    await stack.inbox.take(invited);
    await new Promise((resolve) => setTimeout(resolve, 500)); // long enough for a second mail on its way to arrive
    expect(stack.inbox.mails.filter((received) => received.to === invited)).toHaveLength(1);
  });

  it(`lets an invitation be accepted for ${INVITATION_DAYS} days only`, async () => {
    const owner = stack.client;
    const project = await owner.createProject({ title: `Invitations ${randomUUID().slice(0, 8)}` });
    const ada = await account('ada');
    await owner.invite(project.id, { email: ada.email, role: 'moderator' });
    await stack.db.query(`UPDATE project_invitations SET created_at = now() - interval '${INVITATION_DAYS} days 1 minute' WHERE project_id = $1`, [project.id]);
    expect((await ada.client.myInvitations()).invitations).toEqual([]);
    expect((await owner.invitations(project.id)).invitations).toEqual([]);
    expect((await problemOf(ada.client.acceptInvitation(project.id)))?.status).toBe(404);
    // Invited again: a new invitation.
    await owner.invite(project.id, { email: ada.email, role: 'moderator' });
    expect(await ada.client.acceptInvitation(project.id)).toMatchObject({ userId: ada.id, role: 'moderator' });
  });
});
