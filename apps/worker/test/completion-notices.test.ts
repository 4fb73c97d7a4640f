import type { INestApplicationContext } from '@nestjs/common';
import { tellCompletion } from '@chorus/db';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ACCOUNT_PASSWORD, newAccount, newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { mailStop, refusal } from '../../../test/support/requests';
import { until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';
import { CompletionService } from '../src/reaggregation/completion.service';

let stack: Stack;
let worker: INestApplicationContext;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  worker = await stack.startWorker();
});
afterAll(() => stack.stop());

const toldOf = async (workflowId: string): Promise<string[]> =>
  (await stack.db.query("SELECT user_id FROM comment_notifications WHERE workflow_id = $1 AND kind = 'workflow-complete' ORDER BY user_id", [workflowId])).rows.map((row) => row.user_id as string);

describe('a workflow complete', () => {
  it('tells its researchers (mailed, with its downloads) and its volunteers with accounts (mailed if they asked), none a guest, a banned or deleted account; once, however often the job runs', async () => {
    const { projectId, workflowId, subjectIds } = await voteWorkflow(stack, 6, 1);
    const scientist = await newMember(stack, projectId, 'scientist', 'Scientist');
    const quietScientist = await newMember(stack, projectId, 'scientist', 'Quiet');
    await quietScientist.client.changeAccount({ completionMails: false });
    const ada = await newAccount(stack, 'Ada');
    await ada.client.changeAccount({ volunteerCompletionMails: true });
    const bea = await newAccount(stack, 'Bea');
    const banned = await newAccount(stack, 'Banned');
    await banned.client.changeAccount({ volunteerCompletionMails: true });
    const excluded = await newAccount(stack, 'Excluded');
    const deleted = await newAccount(stack, 'Deleted');
    await deleted.client.changeAccount({ volunteerCompletionMails: true });
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    const classify = (client: typeof guest, subjectId: string) => client.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
    // Each retires the subject it answers (one answer retires one); Ada's, the last, completes the workflow.
    await classify(guest, subjectIds[0]!);
    await classify(banned.client, subjectIds[1]!);
    await classify(excluded.client, subjectIds[2]!);
    await classify(deleted.client, subjectIds[3]!);
    await classify(bea.client, subjectIds[4]!);
    await stack.client.banFromComments(projectId, banned.id, 'Spam');
    await stack.client.excludeVolunteer(projectId, excluded.id, 'Random answers');
    await deleted.client.deleteAccount(ACCOUNT_PASSWORD);
    await classify(ada.client, subjectIds[5]!);

    const [owner] = (await stack.db.query('SELECT user_id FROM project_members WHERE project_id = $1 AND role = $2', [projectId, 'owner'])).rows.map((row) => row.user_id as string);
    const expected = [owner!, scientist.id, quietScientist.id, ada.id, bea.id].sort();
    await until(async () => (await toldOf(workflowId)).length >= expected.length, 'the notifications of the completion');
    expect(await toldOf(workflowId)).toEqual(expected);

    const page = await ada.client.notifications();
    expect(page.unread).toBe(1);
    expect(page.notifications).toEqual([
      {
        id: expect.any(String),
        kind: 'workflow-complete',
        createdAt: expect.any(String),
        readAt: null,
        workflow: { id: workflowId, name: 'W', projectId, projectSlug: expect.any(String), projectTitle: expect.stringMatching(/^Vote /), subjectsDone: 6, team: false, resultsPublic: false },
      },
    ]);
    expect((await scientist.client.notifications()).notifications[0]).toMatchObject({ kind: 'workflow-complete', workflow: { id: workflowId, team: true } });

    // The researcher's mail leads to the workflow's downloads, with a one-click stop; the volunteer who asked for one, to the project's page.
    const toScientist = await stack.inbox.take(scientist.email, /is complete/);
    expect(toScientist.text).toContain(`${stack.config.publicUrl}/lab/workflows/${workflowId}#downloads`);
    const toAda = await stack.inbox.take(ada.email, /is complete: thank you/);
    expect(toAda.text).toContain(`#workflow-${workflowId}`);
    expect(toAda.text).toMatch(/6 subjects\s+done/);
    // Nobody else is mailed: Bea did not ask, the quiet scientist turned it off.
    await until(async () => (await stack.db.query("SELECT 1 FROM mail_outbox WHERE kind = 'completion' UNION ALL SELECT 1 FROM completion_mail_deliveries")).rows.length === 0, 'the completion mails sent');
    const mailedOfIt = stack.inbox.mails.filter((mail) => /is complete/.test(mail.subject)).map((mail) => mail.to);
    expect(mailedOfIt.filter((to) => [bea.email, quietScientist.email, banned.email, deleted.email].includes(to))).toEqual([]);

    // The job run again, by a drain that read nothing or by the sweep, tells nobody twice; nor does telling it again.
    const completion = worker.get(CompletionService);
    await completion.reaggregateAfterDrain(workflowId, { retired: 1, workflow: undefined });
    await completion.reaggregateCompleted();
    await worker.get(DataSource).transaction((manager) => tellCompletion(manager, workflowId, ['owner', 'scientist']));
    expect(await toldOf(workflowId)).toEqual(expected);
    expect((await stack.db.query('SELECT count(*)::int AS n FROM completion_mail_deliveries')).rows).toEqual([{ n: 0 }]);

    // Each mail's one-click stop, as a mail client posts it to its List-Unsubscribe address (RFC 8058), turns off the
    // setting it was sent under; the page's way, the same again; the address mails sent before the one stop name, the same.
    const stopsScientist = mailStop(stack, toScientist);
    const stopsAda = mailStop(stack, toAda);
    expect(await stopsScientist.click()).toMatchObject({ status: 200, body: { mails: 'completionMails', project: null } });
    expect(await scientist.client.account()).toMatchObject({ completionMails: false, volunteerCompletionMails: false });
    expect(await stack.anonymous.stopMails(stopsScientist.token)).toEqual({ mails: 'completionMails', project: null });
    expect(await stopsAda.click()).toMatchObject({ status: 200, body: { mails: 'volunteerCompletionMails', project: null } });
    expect(await ada.client.account()).toMatchObject({ completionMails: true, volunteerCompletionMails: false });
    expect(await stopsAda.clickAt('/completion-unsubscriptions')).toMatchObject({ status: 200, body: { mails: 'volunteerCompletionMails', project: null } });
    await refusal(stack.anonymous.stopMails('not-a-token'), { status: 422, pointers: ['/token'] });
  });
});

describe('a workflow complete again, or out of its volunteers’ sight', () => {
  const answer = (client: typeof stack.client, workflowId: string, subjectId: string) =>
    client.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  const toldCount = async (workflowId: string) =>
    (await stack.db.query("SELECT user_id, count(*)::int AS n FROM comment_notifications WHERE workflow_id = $1 AND kind = 'workflow-complete' GROUP BY user_id ORDER BY user_id", [workflowId])).rows;
  const ownerOf = async (projectId: string) => (await stack.db.query("SELECT user_id FROM project_members WHERE project_id = $1 AND role = 'owner'", [projectId])).rows[0].user_id as string;

  it('tells its team of every completion, each volunteer once, mailed once however many subjects they did, a job run again telling nobody twice', async () => {
    const { projectId, workflowId, subjectIds } = await voteWorkflow(stack, 2, 1);
    const owner = await ownerOf(projectId);
    const ada = await newAccount(stack, 'Ada');
    await ada.client.changeAccount({ volunteerCompletionMails: true });
    const bea = await newAccount(stack, 'Bea');
    await answer(ada.client, workflowId, subjectIds[0]!);
    await answer(bea.client, workflowId, subjectIds[1]!);
    const once = [{ user_id: owner, n: 1 }, { user_id: ada.id, n: 1 }, { user_id: bea.id, n: 1 }].sort((a, b) => a.user_id.localeCompare(b.user_id));
    await until(async () => (await toldOf(workflowId)).length === 3, 'the first completion told');
    expect(await toldCount(workflowId)).toEqual(once);

    // Reopened (a subject added) and complete again by Ada's second answer: the team is told again, volunteers not.
    const [{ subject_set_id: setId }] = (await stack.db.query('SELECT subject_set_id FROM workflow_subject_sets WHERE workflow_id = $1', [workflowId])).rows;
    await stack.client.addSubjects(setId, [{ externalId: 'late', locations: [{ type: 'text' as const, text: 'Late' }] }]);
    const [{ id: late }] = (await stack.db.query("SELECT id FROM subjects WHERE project_id = $1 AND external_id = 'late'", [projectId])).rows;
    await until(async () => (await stack.db.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, late])).rows.length > 0, 'the subject linked');
    await answer(ada.client, workflowId, late);
    await until(async () => (await toldOf(workflowId)).length === 4, 'the second completion told');
    const twiceToTheTeam = once.map((row) => (row.user_id === owner ? { ...row, n: 2 } : row));
    expect(await toldCount(workflowId)).toEqual(twiceToTheTeam);
    const completion = worker.get(CompletionService);
    await completion.reaggregateAfterDrain(workflowId, { retired: 1, workflow: undefined });
    await completion.reaggregateCompleted();
    expect(await toldCount(workflowId)).toEqual(twiceToTheTeam);

    await until(async () => (await stack.db.query("SELECT 1 FROM mail_outbox WHERE kind IN ('completion', 'volunteer-thanks') UNION ALL SELECT 1 FROM completion_mail_deliveries")).rows.length === 0, 'the completion mails sent');
    expect(stack.inbox.mails.filter((mail) => mail.to === ada.email && /is complete/.test(mail.subject))).toHaveLength(1);
  });

  it('tells a volunteer who can no longer read its project nothing, its team still', async () => {
    const { projectId, workflowId, subjectIds } = await voteWorkflow(stack, 2, 1);
    const owner = await ownerOf(projectId);
    const ada = await newAccount(stack, 'Ada');
    await answer(ada.client, workflowId, subjectIds[0]!);
    // Taken down by the operators (as POST /admin/projects/:id/take-down stores it): its members only may read it.
    await stack.db.query('UPDATE projects SET taken_down_at = now() WHERE id = $1', [projectId]);
    await answer(stack.client, workflowId, subjectIds[1]!);
    await until(async () => (await toldOf(workflowId)).length > 0, 'the completion told');
    expect(await toldOf(workflowId)).toEqual([owner]);
    expect((await ada.client.notifications()).unread).toBe(0);
  });
});
