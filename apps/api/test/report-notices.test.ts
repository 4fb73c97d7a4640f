import { Mailer } from '../src/mail/mailer';
import { type TestAccount, newAccount, newMember } from '../../../test/support/accounts';
import { mailStop } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { voteWorkflow } from '../../../test/support/workflows';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack.stop();
});

/** A live project with subjects, and a comment on its first subject by a volunteer. */
async function reportable() {
  const { projectId, workflowId, subjectIds } = await voteWorkflow(stack, 3);
  const author = await newAccount(stack, 'Author');
  const comments = [];
  for (const body of ['Buy cheap watches', 'Call me at 555 0100']) comments.push((await author.client.postComment(subjectIds[0]!, { projectId, body })).id);
  return { projectId, workflowId, subjectIds, commentIds: comments };
}

/** The project as `who` finds it in their own list (the lab's), or in everyone's. */
const listed = async (who: TestAccount | undefined, projectId: string, member = true) =>
  (await (who?.client ?? stack.anonymous).everyProject({ member: who ? member : false })).find((project) => project.id === projectId);

describe('the open reports in the lab’s list of projects', () => {
  it('counts, for the project’s moderators and researchers only, the reported comments and subjects still open, as their lists do', async () => {
    const { projectId, workflowId, subjectIds, commentIds } = await reportable();
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const reviewer = await newMember(stack, projectId, 'reviewer', 'Reviewer');
    const volunteer = await newAccount(stack, 'Volunteer');
    expect((await listed(moderator, projectId))!.openReports).toEqual({ comments: 0, subjects: 0, subjectWorkflows: [] });

    for (const commentId of commentIds) await volunteer.client.reportComment(commentId, { reason: 'spam' });
    // Two volunteers reporting one subject: one subject waiting.
    for (const who of [volunteer, moderator]) await who.client.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other' });
    await volunteer.client.reportSubject(workflowId, { subjectId: subjectIds[1]!, reason: 'other' });
    expect((await listed(moderator, projectId))!.openReports).toEqual({ comments: 2, subjects: 2, subjectWorkflows: [workflowId] });
    expect((await stack.client.getProject(projectId)).openReports).toEqual({ comments: 2, subjects: 2, subjectWorkflows: [workflowId] });

    // Neither a reviewer, nor a volunteer, nor the public is told; nor the moderator in everyone's list, which counts none.
    expect((await listed(moderator, projectId, false))!.openReports).toBeNull();
    expect((await listed(reviewer, projectId))!.openReports).toBeNull();
    expect((await reviewer.client.getProject(projectId)).openReports).toBeNull();
    expect((await stack.anonymous.getProject(projectId)).openReports).toBeNull();
    expect((await listed(volunteer, projectId, false))!.openReports).toBeNull();
    expect((await listed(undefined, projectId))!.openReports).toBeNull();
    expect((await volunteer.client.getProject(projectId)).openReports).toBeNull();

    // Handled (dismissed, hidden, taken down): no longer open.
    await moderator.client.dismissCommentReports(commentIds[0]!);
    await moderator.client.hideComment(commentIds[1]!, 'A phone number');
    await moderator.client.dismissReports(workflowId, subjectIds[0]!);
    await stack.client.retireSubjects(workflowId, { subjectIds: [subjectIds[1]!], reason: 'reported', takeDown: true });
    expect((await listed(moderator, projectId))!.openReports).toEqual({ comments: 0, subjects: 0, subjectWorkflows: [] });
  });
});

describe('mails of reports to the moderators', () => {
  /**
   * The mails of reports sent to `email` so far, once the mailer has nothing under way (a report's mails are made after
   * its answer: `Mailer.afterAnswer`) and none waits in the outbox.
   */
  const mailsTo = async (email: string) => {
    const underWay = (stack.app.get(Mailer) as unknown as { sending: Set<Promise<void>> }).sending;
    const settled = async () => underWay.size === 0 && (await stack.db.query('SELECT 1 FROM mail_outbox WHERE "to" = $1', [email])).rowCount === 0;
    await until(settled, `the mails to ${email} sent`, 10_000);
    return stack.inbox.mails.filter((mail) => mail.to === email && mail.text.includes('/account#report-mails'));
  };

  it('mails each moderator once within the hour, however many reports, in their language, with the open reports and the lab’s page', async () => {
    const { projectId, workflowId, subjectIds, commentIds } = await reportable();
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    await moderator.client.changeAccount({ language: 'fr' });
    const volunteer = await newAccount(stack, 'Volunteer');
    await volunteer.client.reportComment(commentIds[0]!, { reason: 'spam' });
    await volunteer.client.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other' });
    await (await newAccount(stack, 'Another')).client.reportComment(commentIds[1]!, { reason: 'abuse' });

    const mails = await mailsTo(moderator.email);
    expect(mails).toHaveLength(1);
    const [{ slug, title }] = (await stack.db.query('SELECT slug, title FROM projects WHERE id = $1', [projectId])).rows;
    expect(mails[0]!.subject).toBe(`Des signalements attendent les modérateurs de « ${title} »`);
    expect(mails[0]!.text).toContain('Signalements\nouverts à présent\u00a0: 1 commentaire.');
    // Where the lab lists them: the project's reported comments (the subject reported after the mail).
    const pagesIn = (text: string) => text.split('les liste\u00a0:\n\n')[1]!.split('\n\n')[0]!.split('\n').map((link) => new URL(link).pathname + new URL(link).hash);
    expect(pagesIn(mails[0]!.text)).toEqual([`/lab/projects/${slug}#reported-comments`]);

    // An hour on, the next report mails them again, with what is open then.
    await stack.db.query("UPDATE project_members SET reports_mailed_at = now() - interval '61 minutes' WHERE project_id = $1", [projectId]);
    await volunteer.client.reportSubject(workflowId, { subjectId: subjectIds[1]!, reason: 'other' });
    const [, later] = await mailsTo(moderator.email);
    expect(later!.text).toContain('2 commentaires et 2 sujets');
    expect(pagesIn(later!.text)).toEqual([`/lab/projects/${slug}#reported-comments`, `/lab/workflows/${workflowId}#reported-subjects`]);

    // Only subject reports open: the mail links to the workflow's alone.
    await stack.db.query('UPDATE comment_reports SET dismissed_at = now() WHERE project_id = $1', [projectId]);
    await stack.db.query("UPDATE project_members SET reports_mailed_at = now() - interval '61 minutes' WHERE project_id = $1", [projectId]);
    await volunteer.client.reportSubject(workflowId, { subjectId: subjectIds[2]!, reason: 'other' });
    const [, , last] = await mailsTo(moderator.email);
    expect(pagesIn(last!.text)).toEqual([`/lab/workflows/${workflowId}#reported-subjects`]);
  });

  it('mails none to a moderator who turned them off, nor to a moderator of their own report, but the other moderators', async () => {
    const { projectId, commentIds } = await reportable();
    const quiet = await newMember(stack, projectId, 'moderator', 'Quiet');
    expect((await quiet.client.changeAccount({ reportMails: false })).reportMails).toBe(false);
    const reporting = await newMember(stack, projectId, 'moderator', 'Reporting');
    const other = await newMember(stack, projectId, 'scientist', 'Other');
    const reviewer = await newMember(stack, projectId, 'reviewer', 'Reviewer');
    expect((await other.client.account()).reportMails).toBe(true);

    await reporting.client.reportComment(commentIds[0]!, { reason: 'spam' });
    const [mail] = await mailsTo(other.email);
    expect(mail!.subject).toMatch(/^Reports wait for the moderators of/);
    expect(mail!.text).toContain('Open reports now:\n1 comment.');
    for (const who of [quiet, reporting, reviewer]) expect(await mailsTo(who.email)).toEqual([]);
  });

  it('mails nobody again for a report made again while it is open', async () => {
    const { projectId, commentIds } = await reportable();
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const volunteer = await newAccount(stack, 'Volunteer');
    await volunteer.client.reportComment(commentIds[0]!, { reason: 'spam' });
    expect(await mailsTo(moderator.email)).toHaveLength(1);
    await stack.db.query("UPDATE project_members SET reports_mailed_at = now() - interval '61 minutes' WHERE project_id = $1", [projectId]);
    expect((await volunteer.client.reportComment(commentIds[0]!, { reason: 'abuse' })).replayed).toBe(true);
    expect(await mailsTo(moderator.email)).toHaveLength(1);
  });

  it('mails each moderator once for reports made at the same moment by different volunteers', async () => {
    const { projectId, subjectIds, workflowId, commentIds } = await reportable();
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const [first, second, third] = await Promise.all(['One', 'Two', 'Three'].map((name) => newAccount(stack, name)));
    await Promise.all([
      first!.client.reportComment(commentIds[0]!, { reason: 'spam' }),
      second!.client.reportComment(commentIds[1]!, { reason: 'spam' }),
      third!.client.reportSubject(workflowId, { subjectId: subjectIds[0]!, reason: 'other' }),
    ]);
    expect(await mailsTo(moderator.email)).toHaveLength(1);
  });

  it('mails again for a report opened again after a moderator dismissed it', async () => {
    const { projectId, commentIds } = await reportable();
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const volunteer = await newAccount(stack, 'Volunteer');
    await volunteer.client.reportComment(commentIds[0]!, { reason: 'spam' });
    expect(await mailsTo(moderator.email)).toHaveLength(1);
    await moderator.client.dismissCommentReports(commentIds[0]!);
    await stack.db.query("UPDATE project_members SET reports_mailed_at = now() - interval '61 minutes' WHERE project_id = $1", [projectId]);
    expect((await volunteer.client.reportComment(commentIds[0]!, { reason: 'abuse' })).replayed).toBe(false);
    expect(await mailsTo(moderator.email)).toHaveLength(2);
  });

  it('mails none to a moderator whose email is not verified', async () => {
    const { projectId, commentIds } = await reportable();
    const unverified = await newMember(stack, projectId, 'moderator', 'Unverified');
    const verified = await newMember(stack, projectId, 'moderator', 'Verified');
    await stack.db.query('UPDATE users SET email_verified_at = NULL WHERE email = $1', [unverified.email]);
    await (await newAccount(stack, 'Volunteer')).client.reportComment(commentIds[0]!, { reason: 'spam' });
    expect(await mailsTo(verified.email)).toHaveLength(1);
    expect(await mailsTo(unverified.email)).toEqual([]);
  });

  it('answers the report before its mails are made, and keeps it when they fail', async () => {
    const { projectId, commentIds } = await reportable();
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    const volunteer = await newAccount(stack, 'Volunteer');
    // The moderators' rows held: the mails wait for them, the answer does not.
    await stack.db.query('BEGIN');
    await stack.db.query('SELECT 1 FROM project_members WHERE project_id = $1 FOR UPDATE', [projectId]);
    expect((await volunteer.client.reportComment(commentIds[0]!, { reason: 'spam' })).replayed).toBe(false);
    await stack.db.query('ROLLBACK');
    expect(await mailsTo(moderator.email)).toHaveLength(1);

    // Marking the moderators mailed fails: the report stands, answered 201, and nobody is mailed.
    await stack.db.query("UPDATE project_members SET reports_mailed_at = now() - interval '61 minutes' WHERE project_id = $1", [projectId]);
    await stack.db.query(`CREATE FUNCTION refuse_report_mails() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'mails refused'; END $$`);
    await stack.db.query(`CREATE TRIGGER refuse_report_mails BEFORE UPDATE OF reports_mailed_at ON project_members FOR EACH ROW WHEN (NEW.project_id = '${projectId}') EXECUTE FUNCTION refuse_report_mails()`);
    try {
      const response = await fetch(`${stack.baseUrl}/api/v1/comments/${commentIds[1]!}/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${volunteer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'abuse' }),
      });
      expect(response.status).toBe(201);
      expect((await moderator.client.reportedComments(projectId)).comments.map((comment) => comment.commentId)).toContain(commentIds[1]);
      expect(await mailsTo(moderator.email)).toHaveLength(1);
    } finally {
      await stack.db.query('DROP TRIGGER refuse_report_mails ON project_members');
      await stack.db.query('DROP FUNCTION refuse_report_mails()');
    }
  });

  it('stops with one click of the mail’s link or its List-Unsubscribe header, the one stop of every mail, turning reportMails off and no other mail', async () => {
    const { projectId, commentIds } = await reportable();
    const moderator = await newMember(stack, projectId, 'moderator', 'Clicks');
    await moderator.client.changeAccount({ discussionMails: true, followedDiscussionMails: true });
    await (await newAccount(stack, 'Volunteer')).client.reportComment(commentIds[0]!, { reason: 'spam' });
    const [mail] = await mailsTo(moderator.email);
    const { token, click } = mailStop(stack, mail!);
    // A purpose of its own: a release that reads only the discussion mails' stops refuses it rather than turn those off.
    expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).purpose).toBe('report-mails-unsubscribe');

    const clicked = await click();
    expect([clicked.status, clicked.body]).toEqual([200, { mails: 'reportMails', project: null }]);
    expect(await moderator.client.account()).toMatchObject({ reportMails: false, discussionMails: true, followedDiscussionMails: true });
    // The page's way, the token in the body: again, the same answer.
    expect(await stack.anonymous.stopMails(token)).toEqual({ mails: 'reportMails', project: null });
  });

  it('drops the mails of reports not yet sent to a moderator who turns them off', async () => {
    const { projectId } = await reportable();
    const moderator = await newMember(stack, projectId, 'moderator', 'Mod');
    // A mail of reports waiting in the outbox (its next attempt later), and a discussion mail, which stays.
    for (const kind of ['moderation', 'discussion']) {
      await stack.db.query(
        "INSERT INTO mail_outbox (kind, \"to\", subject, text, user_id, next_attempt_at) SELECT $1, email, 'Waiting', 'A mail', id, now() + interval '1 hour' FROM users WHERE email = $2",
        [kind, moderator.email],
      );
    }
    await moderator.client.changeAccount({ reportMails: false });
    const { rows } = await stack.db.query('SELECT kind FROM mail_outbox WHERE "to" = $1', [moderator.email]);
    expect(rows).toEqual([{ kind: 'discussion' }]);
    await stack.db.query('DELETE FROM mail_outbox WHERE "to" = $1', [moderator.email]);
  });
});
