import { type NewWebhook, WEBHOOK_LIMITS } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { newAccount, newMember } from '../../../test/support/accounts';
import { refusal } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';

/**
 * A project's webhooks: its researchers register addresses and the events to POST there (the secret shown once), list,
 * change and delete them, send a test event and read the deliveries; a bad address or event is refused naming the
 * field; no one else may see or touch them.
 */
let stack: Stack;

const project = async (title: string) => (await stack.client.createProject({ title: `${title} ${randomUUID().slice(0, 8)}`, status: 'live' })).id;

beforeAll(async () => {
  // As in production: no webhook at a private address (the other suites' stacks allow them, for their receivers).
  stack = await startStack({ worker: false, env: { WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'false' } });
});
afterAll(() => stack.stop());

describe('a project’s webhooks', () => {
  it('are registered with their secret shown once, listed without it, changed and deleted', async () => {
    const projectId = await project('Hooks');
    const made = await stack.client.createWebhook(projectId, { url: ' https://93.184.215.14/chorus ', events: ['subject.retired', 'workflow.completed', 'subject.retired'] });
    expect(made).toMatchObject({ projectId, url: 'https://93.184.215.14/chorus', events: ['subject.retired', 'workflow.completed'] });
    expect(made.secret).toMatch(/^whsec_[\w-]{43}$/);

    const { webhooks } = await stack.client.webhooks(projectId);
    expect(webhooks).toEqual([{ id: made.id, projectId, url: 'https://93.184.215.14/chorus', events: ['subject.retired', 'workflow.completed'], createdAt: made.createdAt, disabledAt: null, disabledReason: null, disabledError: null }]);
    expect(JSON.stringify(webhooks)).not.toContain(made.secret);

    const changed = await stack.client.updateWebhook(made.id, { events: ['subject.unretired'] });
    expect(changed).toMatchObject({ id: made.id, url: 'https://93.184.215.14/chorus', events: ['subject.unretired'] });
    const { rows } = await stack.db.query('SELECT secret FROM webhooks WHERE id = $1', [made.id]);
    expect(rows[0].secret).toBe(made.secret);

    await stack.client.deleteWebhook(made.id);
    expect((await stack.client.webhooks(projectId)).webhooks).toEqual([]);
    await refusal(stack.client.deleteWebhook(made.id), { status: 404, pointers: ['/params/id'] });
  });

  it('are registered once under an Idempotency-Key: a retry is refused 409 naming the webhook, never its secret again', async () => {
    const projectId = await project('Retried');
    const register = () =>
      fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.client.token}`, 'content-type': 'application/json', 'idempotency-key': 'register-hook-1' },
        body: JSON.stringify({ url: 'https://93.184.215.14/retried', events: ['subject.retired'] }),
      });
    const first = await register();
    expect(first.status).toBe(201);
    const made = (await first.json()) as NewWebhook;
    const retry = await register();
    expect(retry.status).toBe(409);
    const refused = (await retry.json()) as { errors: unknown };
    expect(refused).toMatchObject({ type: 'urn:chorus:problem:webhook-already-made', webhook: { id: made.id, url: 'https://93.184.215.14/retried' } });
    expect(refused.errors).toEqual([{ pointer: '/headers/idempotency-key', message: expect.stringContaining(made.id) }]);
    expect(JSON.stringify(refused)).not.toContain(made.secret);
    expect((await stack.client.webhooks(projectId)).webhooks.map((webhook) => webhook.id)).toEqual([made.id]);
    const kept = JSON.stringify((await stack.db.query('SELECT response FROM idempotent_requests')).rows);
    expect(kept).toContain(made.id);
    expect(kept).not.toContain(made.secret);
  });

  it('refuse an address that is not http or https, holds credentials or is too long, and an unknown event, naming the field', async () => {
    const projectId = await project('Bad hooks');
    for (const url of ['ftp://example.org/x', 'not an address', 'https://user:secret@example.org/x', `https://93.184.215.14/${'a'.repeat(WEBHOOK_LIMITS.urlLength)}`]) {
      await refusal(stack.client.createWebhook(projectId, { url, events: ['subject.retired'] }), { status: 422, pointers: ['/url'] });
    }
    const unknown = await refusal(stack.client.createWebhook(projectId, { url: 'https://93.184.215.14/x', events: ['subject.retire' as 'subject.retired'] }), { status: 422, pointers: ['/events/0'] });
    expect(unknown.problem.errors![0]!.message).toContain('subject.retired');
    await refusal(stack.client.createWebhook(projectId, { url: 'https://93.184.215.14/x', events: [] }), { status: 422, pointers: ['/events'] });
    const made = await stack.client.createWebhook(projectId, { url: 'https://93.184.215.14/x', events: ['subject.retired'] });
    await refusal(stack.client.updateWebhook(made.id, { url: 'javascript:alert(1)' }), { status: 422, pointers: ['/url'] });
    await refusal(stack.client.updateWebhook(made.id, {}), { status: 422 });
    expect((await stack.client.webhooks(projectId)).webhooks.map((webhook) => webhook.url)).toEqual(['https://93.184.215.14/x']);
  });

  it('refuse, at registration and change, an address whose host is a loopback, private, link-local or reserved address, or a name resolving only to such', async () => {
    const projectId = await project('Inside hooks');
    // URLs write some of these otherwise (`[::ffff:7f00:1]`, `127.0.0.1`), judged as what they are.
    for (const url of [
      'http://127.0.0.1:8080/x', 'http://[::1]/x', 'http://10.1.2.3/x', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:192.168.0.1]/x', 'http://0.0.0.0/x', 'http://localhost:3000/x',
      'http://[::ffff:7f00:1]/', 'http://[::ffff:127.0.0.1]/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.1/', 'http://[::]/', 'http://localhost./', 'http://api.localhost/',
    ]) {
      const refused = await refusal(stack.client.createWebhook(projectId, { url, events: ['subject.retired'] }), { status: 422, pointers: ['/url'] });
      expect([url, refused.problem.errors![0]!.message]).toEqual([url, expect.stringContaining('not a public address')]);
    }
    // A name that does not resolve (no DNS here) passes: each delivery checks the addresses it connects to.
    const made = await stack.client.createWebhook(projectId, { url: 'https://example.org/x', events: ['subject.retired'] });
    const refused = await refusal(stack.client.updateWebhook(made.id, { url: 'http://localhost/x' }), { status: 422, pointers: ['/url'] });
    expect(refused.problem.errors![0]!.message).toMatch(/^must be an address on the public internet: localhost is this machine \(localhost\), not a public address/);
    expect((await stack.client.webhooks(projectId)).webhooks.map((webhook) => webhook.url)).toEqual(['https://example.org/x']);
  });

  it('rotate their secret on asking: the new one shown once, the old one kept a day; a retry under its Idempotency-Key rotates nothing', async () => {
    const projectId = await project('Rotated');
    const made = await stack.client.createWebhook(projectId, { url: 'https://93.184.215.14/rotated', events: ['subject.retired'] });
    const rotated = await stack.client.rotateWebhookSecret(made.id);
    expect(rotated).toMatchObject({ id: made.id, url: 'https://93.184.215.14/rotated', disabledAt: null });
    expect(rotated.secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(rotated.secret).not.toBe(made.secret);
    const kept = async () =>
      (await stack.db.query(`SELECT secret, previous_secret, round(extract(epoch FROM previous_secret_until - now()) / 3600) AS hours FROM webhooks WHERE id = $1`, [made.id])).rows[0];
    expect(await kept()).toEqual({ secret: rotated.secret, previous_secret: made.secret, hours: '24' });

    const rotate = () =>
      fetch(`${stack.baseUrl}/api/v1/webhooks/${made.id}/secret`, { method: 'POST', headers: { authorization: `Bearer ${stack.client.token}`, 'idempotency-key': 'rotate-1' } });
    const first = await rotate();
    expect(first.status).toBe(201);
    const { secret } = (await first.json()) as NewWebhook;
    const retry = await rotate();
    expect(retry.status).toBe(409);
    const body = await retry.text();
    expect(JSON.parse(body)).toMatchObject({ type: 'urn:chorus:problem:secret-already-rotated', webhook: { id: made.id } });
    expect(body).not.toContain(secret);
    expect(await kept()).toMatchObject({ secret, previous_secret: rotated.secret });
    const collaborator = await newMember(stack, projectId, 'scientist', 'Scientist');
    await refusal(collaborator.client.rotateWebhookSecret(made.id), { status: 403 });
  });

  it('are turned off and back on by hand: off, a test event is refused', async () => {
    const projectId = await project('Off');
    const made = await stack.client.createWebhook(projectId, { url: 'https://93.184.215.14/off', events: ['subject.retired'] });
    const off = await stack.client.updateWebhook(made.id, { active: false });
    expect(off).toMatchObject({ disabledAt: expect.any(String), disabledReason: 'by-hand', disabledError: null });
    const refused = await refusal(stack.client.pingWebhook(made.id), { status: 409, type: 'urn:chorus:problem:webhook-turned-off' });
    expect(refused.problem.detail).toContain('turned off by its project’s researchers');
    await stack.db.query('UPDATE webhooks SET failures = 7 WHERE id = $1', [made.id]);
    expect(await stack.client.updateWebhook(made.id, { active: true })).toMatchObject({ disabledAt: null, disabledReason: null, disabledError: null });
    expect((await stack.db.query('SELECT failures FROM webhooks WHERE id = $1', [made.id])).rows[0].failures).toBe(0);
    await stack.client.pingWebhook(made.id);
    await refusal(stack.client.updateWebhook(made.id, { active: 'yes' as unknown as boolean }), { status: 422, pointers: ['/active'] });
  });

  it(`are at most ${WEBHOOK_LIMITS.perProject} a project`, async () => {
    const projectId = await project('Many hooks');
    for (let i = 0; i < WEBHOOK_LIMITS.perProject; i++) await stack.client.createWebhook(projectId, { url: `https://93.184.215.14/${i}`, events: ['subject.retired'] });
    const refused = await refusal(stack.client.createWebhook(projectId, { url: 'https://93.184.215.14/more', events: ['subject.retired'] }), { status: 409, type: 'urn:chorus:problem:too-many-webhooks' });
    expect(refused.problem.detail).toContain(String(WEBHOOK_LIMITS.perProject));
    expect((await stack.client.webhooks(projectId)).webhooks).toHaveLength(WEBHOOK_LIMITS.perProject);
  });

  it('are their project’s owner’s and collaborators’ only: a scientist, a volunteer, a moderator and another project’s collaborator are refused', async () => {
    const projectId = await project('Private hooks');
    const made = await stack.client.createWebhook(projectId, { url: 'https://93.184.215.14/x', events: ['subject.retired'] });
    const collaborator = await newMember(stack, projectId, 'collaborator', 'Collaborator');
    expect((await collaborator.client.webhooks(projectId)).webhooks.map((webhook) => webhook.id)).toEqual([made.id]);
    await collaborator.client.pingWebhook(made.id);

    const scientist = await newMember(stack, projectId, 'scientist', 'Scientist');
    const volunteer = await newAccount(stack, 'Volunteer');
    const moderator = await newMember(stack, projectId, 'moderator', 'Moderator');
    const otherProject = await project('Other');
    const stranger = await newMember(stack, otherProject, 'collaborator', 'Stranger');
    for (const { client } of [scientist, volunteer, moderator, stranger]) {
      await refusal(client.webhooks(projectId), { status: 403 });
      await refusal(client.createWebhook(projectId, { url: 'https://93.184.215.14/y', events: ['subject.retired'] }), { status: 403 });
      await refusal(client.updateWebhook(made.id, { url: 'https://evil.example/' }), { status: 403 });
      await refusal(client.deleteWebhook(made.id), { status: 403 });
      await refusal(client.pingWebhook(made.id), { status: 403 });
      await refusal(client.webhookDeliveries(made.id), { status: 403 });
    }
    await refusal(stack.anonymous.webhooks(projectId), { status: 401 });
    expect((await stack.client.webhooks(projectId)).webhooks).toMatchObject([{ id: made.id, url: 'https://93.184.215.14/x' }]);
    expect((await stack.client.webhookDeliveries(made.id)).deliveries).toMatchObject([{ event: 'ping' }]);
  });

  it('tell of one turned off only those who still administer its project: a collaborator removed no longer sees it', async () => {
    const projectId = await project('Told hooks');
    const made = await stack.client.createWebhook(projectId, { url: 'https://93.184.215.14/told', events: ['subject.retired'] });
    const collaborator = await newMember(stack, projectId, 'collaborator', 'Collaborator');
    await stack.db.query("UPDATE webhooks SET disabled_at = now(), disabled_reason = 'failures', disabled_error = 'answered 500' WHERE id = $1", [made.id]);
    await stack.db.query("INSERT INTO comment_notifications (user_id, kind, webhook_id) VALUES ($1, 'webhook-disabled', $2)", [collaborator.id, made.id]);
    const told = await collaborator.client.notifications();
    expect([told.unread, told.notifications.map((each) => each.kind)]).toEqual([1, ['webhook-disabled']]);

    await stack.client.removeMember(projectId, collaborator.id);
    // The project is public: its former collaborator still reads it, but no more of its webhook.
    const after = await collaborator.client.notifications();
    expect([after.unread, after.notifications]).toEqual([0, []]);
  });

  it('send a test event on asking, listed among the deliveries newest first, a page at a time', async () => {
    const projectId = await project('Ping');
    const made = await stack.client.createWebhook(projectId, { url: 'https://93.184.215.14/x', events: ['workflow.completed'] });
    const first = await stack.client.pingWebhook(made.id);
    expect(first).toMatchObject({ event: 'ping', state: 'waiting', attempts: 0, statusCode: null, error: null, attemptedAt: null });
    const second = await stack.client.pingWebhook(made.id);
    const page = await stack.client.webhookDeliveries(made.id, { limit: 1 });
    expect(page.deliveries.map((delivery) => delivery.id)).toEqual([second.id]);
    const rest = await stack.client.webhookDeliveries(made.id, { limit: 1, after: page.next! });
    expect([rest.deliveries.map((delivery) => delivery.id), rest.next]).toEqual([[first.id], null]);
    await refusal(stack.client.webhookDeliveries(made.id, { after: 'nonsense' }), { status: 422, pointers: ['/query/after'] });
  });
});
