import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { WEBHOOK_DELIVERIES_KEPT_DAYS, WEBHOOK_FAILURES_BEFORE_DISABLED } from '@chorus/db';
import { createHmac } from 'node:crypto';
import { webhookDeliveryJob } from '@chorus/jobs';
import { isPublicAddress } from '@chorus/runtime';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { type WebhookReceiver, signedWith, startWebhookReceiver } from '../../../test/support/webhook-receiver';
import { voteWorkflow, yesNoWorkflow } from '../../../test/support/workflows';
import { WebhookDeliveries } from '../src/webhooks/webhook-deliveries.service';
import type { WorkerConfig } from '../src/config/config';
import { WebhookSender } from '../src/webhooks/webhook-sender';

/**
 * The worker POSTs each webhook delivery kept with a retirement (or a test event) to its address, signed with the
 * webhook's secret; retries a 500 with the same delivery id; sends nothing for a change rolled back nor to a webhook
 * that does not receive the event; gives up at once on a 4xx; and reaches no private address unless configured to.
 */
let stack: Stack;
let receiver: WebhookReceiver;
let worker: INestApplicationContext;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  // The reconciler looks often, for the deliveries whose job was lost.
  worker = await stack.startWorker({ reconcileEveryMs: 500, reconcileGraceMs: 0 });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.stop();
  await stack.stop();
});

const at = (path: string) => receiver.received.filter((event) => event.path === path);
const deliveriesOf = async (webhookId: string) => (await stack.client.webhookDeliveries(webhookId)).deliveries;
const settled = async (webhookId: string) => (await deliveriesOf(webhookId)).every((delivery) => delivery.state !== 'waiting');
const classify = async (workflowId: string, subjectId: string) => {
  const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  await guest.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
};

it('POSTs a retirement signed, and after a 500 again with the same delivery id; nothing to a webhook not receiving it', async () => {
  const { projectId, workflowId, idOf } = await yesNoWorkflow(stack, [{ externalId: 'page-1' }], 1);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/retired'), events: ['subject.retired'] });
  const other = await stack.client.createWebhook(projectId, { url: receiver.url('/unretired'), events: ['subject.unretired'] });
  receiver.answers.push(500);
  await classify(workflowId, idOf['page-1']!);
  await until(async () => at('/retired').length >= 2, 'the retirement, sent twice');

  const [first, second] = at('/retired');
  for (const event of [first!, second!]) {
    expect(signedWith(event, hook.secret)).toBe(true);
    expect(event.headers['chorus-event']).toBe('subject.retired');
    expect(event.headers['content-type']).toBe('application/json');
  }
  expect(second!.headers['chorus-delivery']).toBe(first!.headers['chorus-delivery']);
  const body = JSON.parse(second!.body);
  expect(body).toMatchObject({ id: first!.headers['chorus-delivery'], event: 'subject.retired', timestamp: Number(second!.headers['chorus-timestamp']) });
  expect(body.data).toMatchObject({ projectId, workflowId, subjectId: idOf['page-1'], externalId: 'page-1', reason: 'count', consensus: { T0: { answer: 'yes', agreement: 1, votes: 1 } } });
  // The consensus as the results API gives it, every field (the results', since, may be the run on completion's);
  // times in UTC to the millisecond, as the API gives them.
  const { subjects } = await stack.client.subjectResults(workflowId, { externalId: 'page-1' });
  expect(Object.keys(body.data.consensus.T0).sort()).toEqual(Object.keys(subjects[0]!.consensus.T0!).sort());
  expect(body.data.consensus.T0).toMatchObject({ algorithm: 'plurality-vote', workflowVersion: 1, notReached: null, offPath: null, needsChecking: false, askedForCheck: 0, plurality: { against: false } });
  expect(body.data.retiredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(signedWith({ ...second!, body: second!.body.replace('page-1', 'page-2') }, hook.secret)).toBe(false);

  await until(async () => (await stack.client.webhookDeliveries(hook.id)).deliveries[0]?.state === 'delivered', 'the delivery recorded');
  expect((await stack.client.webhookDeliveries(hook.id)).deliveries).toMatchObject([{ event: 'subject.retired', state: 'delivered', attempts: 2, statusCode: 200, error: null }]);
  expect((await stack.client.webhookDeliveries(other.id)).deliveries).toEqual([]);
  expect(at('/unretired')).toEqual([]);
});

it('POSTs the completion of a workflow whose last subject retires, one that weighs no skill too', async () => {
  const { projectId, workflowId, subjectIds } = await voteWorkflow(stack, 1, 1, 'vote');
  await stack.client.createWebhook(projectId, { url: receiver.url('/completed'), events: ['workflow.completed'] });
  await classify(workflowId, subjectIds[0]!);
  await until(async () => at('/completed').length > 0, 'the completion');
  expect(at('/completed').map((event) => [event.headers['chorus-event'], JSON.parse(event.body).data])).toMatchObject([['workflow.completed', { projectId, workflowId, name: 'W', status: 'active' }]]);
});

it('sends a delivered event once however often its job runs', async () => {
  const { projectId } = await yesNoWorkflow(stack, [{ externalId: 'x' }], 1);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/once'), events: ['subject.retired'] });
  const ping = await stack.client.pingWebhook(hook.id);
  await until(async () => (await stack.client.webhookDeliveries(hook.id)).deliveries[0]?.state === 'delivered', 'the test event delivered');
  expect(await worker.get(WebhookDeliveries).attempt(ping.id)).toBe('none');
  expect(at('/once')).toHaveLength(1);
  expect(JSON.parse(at('/once')[0]!.body)).toMatchObject({ id: ping.id, event: 'ping', data: { projectId, webhookId: hook.id } });
});

it('sends nothing for a retirement rolled back', async () => {
  const { projectId, workflowId, idOf } = await yesNoWorkflow(stack, [{ externalId: 'kept' }, { externalId: 'undone' }]);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/rolled-back'), events: ['subject.retired'] });
  // The retirement of `undone` fails as it commits, after its delivery was kept in its transaction.
  const trigger = `refuse_${randomUUID().replace(/-/g, '')}`;
  await stack.db.query(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'rolled back by the test'; END $$`);
  await stack.db.query(
    `CREATE CONSTRAINT TRIGGER ${trigger} AFTER UPDATE ON subject_workflow_status DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
     WHEN (NEW.subject_id = '${idOf.undone}' AND NEW.retired_at IS NOT NULL) EXECUTE FUNCTION ${trigger}()`,
  );
  try {
    await expect(stack.client.retireSubjects(workflowId, { subjectIds: [idOf.undone!], reason: 'Blank page' })).rejects.toMatchObject({ status: 500 });
  } finally {
    await stack.db.query(`DROP TRIGGER ${trigger} ON subject_workflow_status`);
    await stack.db.query(`DROP FUNCTION ${trigger}()`);
  }
  await stack.client.retireSubjects(workflowId, { subjectIds: [idOf.kept!], reason: 'Blank page' });
  await until(async () => at('/rolled-back').length > 0, 'the retirement that committed');
  expect(at('/rolled-back').map((event) => JSON.parse(event.body).data)).toMatchObject([{ subjectId: idOf.kept, reason: 'manual' }]);
  expect((await stack.client.webhookDeliveries(hook.id)).deliveries).toHaveLength(1);
});

it('gives up at once on a 4xx answer', async () => {
  const { projectId } = await yesNoWorkflow(stack, [{ externalId: 'x' }]);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/gone'), events: ['subject.retired'] });
  receiver.answers.push(410);
  await stack.client.pingWebhook(hook.id);
  await until(async () => (await stack.client.webhookDeliveries(hook.id)).deliveries[0]?.state === 'failed', 'the delivery given up on');
  expect((await stack.client.webhookDeliveries(hook.id)).deliveries).toMatchObject([{ state: 'failed', attempts: 1, statusCode: 410, error: 'answered 410' }]);
  expect(at('/gone')).toHaveLength(1);
});

it('POSTs an unretirement, and the retirement of each subject of a set retired whole', async () => {
  const { projectId, workflowId, idOf } = await yesNoWorkflow(stack, [{ externalId: 'a' }, { externalId: 'b' }]);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/set'), events: ['subject.retired', 'subject.unretired'] });
  const [subjectSetId] = (await stack.client.getWorkflow(workflowId)).subjectSetIds;
  await stack.client.retireSubjects(workflowId, { subjectSetId: subjectSetId!, reason: 'Done with it' });
  await until(async () => at('/set').length >= 2, 'both retirements');
  await stack.client.unretireSubjects(workflowId, { subjectIds: [idOf.a!], reason: 'Retired by mistake' });
  await until(async () => at('/set').length >= 3, 'the unretirement');
  const sent = at('/set').map((event) => [event.headers['chorus-event'], JSON.parse(event.body).data]);
  expect(sent.slice(0, 2).map(([, data]) => data.subjectId).sort()).toEqual([idOf.a, idOf.b].sort());
  expect(sent.slice(0, 2).map(([event]) => event)).toEqual(['subject.retired', 'subject.retired']);
  expect(sent[2]).toMatchObject(['subject.unretired', { projectId, workflowId, subjectId: idOf.a, externalId: 'a' }]);
  expect(sent[2]![1].unretiredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  await until(() => settled(hook.id), 'the deliveries recorded');
});

it('follows no redirect: a 3xx is given up on, its Location never asked', async () => {
  const { projectId } = await yesNoWorkflow(stack, [{ externalId: 'x' }]);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/moved'), events: ['subject.retired'] });
  receiver.answers.push(302);
  receiver.location = receiver.url('/elsewhere');
  try {
    await stack.client.pingWebhook(hook.id);
    await until(() => settled(hook.id), 'the delivery given up on');
  } finally {
    receiver.location = undefined;
  }
  expect(await deliveriesOf(hook.id)).toMatchObject([{ state: 'failed', attempts: 1, statusCode: 302 }]);
  expect(at('/moved')).toHaveLength(1);
  expect(at('/elsewhere')).toEqual([]);
});

it('tries again after a 429 and a timeout', async () => {
  const { projectId } = await yesNoWorkflow(stack, [{ externalId: 'x' }]);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/busy'), events: ['subject.retired'] });
  receiver.answers.push(429, 'no answer');
  await stack.client.pingWebhook(hook.id);
  await until(async () => (await deliveriesOf(hook.id))[0]?.state === 'delivered', 'the delivery, at the third attempt');
  expect(await deliveriesOf(hook.id)).toMatchObject([{ state: 'delivered', attempts: 3, statusCode: 200, error: null }]);
  expect(at('/busy').map((event) => event.headers['chorus-delivery'])).toEqual(Array(3).fill(at('/busy')[0]!.headers['chorus-delivery']));
});

it('sends, by its reconciler, a delivery whose job was lost after some attempts, once its last attempt\'s hold lapsed', async () => {
  const { projectId } = await yesNoWorkflow(stack, [{ externalId: 'x' }]);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/lost'), events: ['subject.retired'] });
  // As a worker that died mid-send leaves it, its job gone: two attempts made, the last one's hold lapsed.
  const { rows } = await stack.db.query(
    `INSERT INTO webhook_deliveries (webhook_id, event, data, attempts, attempted_at, claimed_until, created_at)
     VALUES ($1, 'ping', $2, 2, now() - interval '1 minute', now() - interval '30 seconds', now() - interval '2 minutes') RETURNING id`,
    [hook.id, { projectId, webhookId: hook.id }],
  );
  await until(async () => (await deliveriesOf(hook.id))[0]?.state === 'delivered', 'the lost delivery, sent by the reconciler');
  expect(await deliveriesOf(hook.id)).toMatchObject([{ id: rows[0].id, state: 'delivered', attempts: 3 }]);
  expect(at('/lost').map((event) => event.headers['chorus-delivery'])).toEqual([rows[0].id]);
});

it('waits for the hold of another attempt to lapse, spending none of its job\'s attempts, then sends', async () => {
  const { projectId } = await yesNoWorkflow(stack, [{ externalId: 'x' }]);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/held'), events: ['subject.retired'] });
  // As a worker mid-send holds it: one attempt made, its claim 2 s more.
  const { rows } = await stack.db.query(
    `INSERT INTO webhook_deliveries (webhook_id, event, data, attempts, attempted_at, claimed_until) VALUES ($1, 'ping', '{}', 1, now(), now() + interval '2 seconds') RETURNING id`,
    [hook.id],
  );
  const queue = worker.get<Queue>(getQueueToken('webhooks'));
  await queue.add(webhookDeliveryJob(rows[0].id).name, webhookDeliveryJob(rows[0].id).data, webhookDeliveryJob(rows[0].id).opts);
  await until(async () => (await deliveriesOf(hook.id))[0]?.state === 'delivered', 'the delivery once the hold lapsed');
  expect(await deliveriesOf(hook.id)).toMatchObject([{ attempts: 2, statusCode: 200 }]);
  expect(at('/held')).toHaveLength(1);
  const job = await queue.getJob(`delivery-${rows[0].id}-0`);
  expect(job?.attemptsMade).toBe(1);
});

it(`forgets, by its reconciler, the deliveries delivered or given up on more than ${WEBHOOK_DELIVERIES_KEPT_DAYS} days ago`, async () => {
  const { projectId } = await yesNoWorkflow(stack, [{ externalId: 'x' }]);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/old'), events: ['subject.retired'] });
  const kept = async (age: string, settled: string) =>
    (await stack.db.query(`INSERT INTO webhook_deliveries (webhook_id, event, data, attempts, created_at, ${settled}) VALUES ($1, 'ping', '{}', 1, now() - $2::interval, now() - $2::interval) RETURNING id`, [hook.id, age])).rows[0].id;
  await kept(`${WEBHOOK_DELIVERIES_KEPT_DAYS + 1} days`, 'delivered_at');
  await kept(`${WEBHOOK_DELIVERIES_KEPT_DAYS + 1} days`, 'failed_at');
  const recent = await kept(`${WEBHOOK_DELIVERIES_KEPT_DAYS - 1} days`, 'delivered_at');
  await until(async () => (await deliveriesOf(hook.id)).length === 1, 'the old deliveries forgotten');
  expect((await deliveriesOf(hook.id)).map((delivery) => delivery.id)).toEqual([recent]);
});

const hmac = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

it('signs with the new secret and the old one for a day after a rotation, then with the new one only, the old one forgotten', async () => {
  const { projectId } = await yesNoWorkflow(stack, [{ externalId: 'x' }]);
  const made = await stack.client.createWebhook(projectId, { url: receiver.url('/rotated'), events: ['subject.retired'] });
  const { secret } = await stack.client.rotateWebhookSecret(made.id);
  await stack.client.pingWebhook(made.id);
  await until(async () => at('/rotated').length > 0, 'the test event, signed twice');
  const [both] = at('/rotated');
  expect(both!.headers['chorus-signature']).toBe(`${hmac(secret, both!.body)},${hmac(made.secret, both!.body)}`);

  await stack.db.query("UPDATE webhooks SET previous_secret_until = now() - interval '1 second' WHERE id = $1", [made.id]);
  await stack.client.pingWebhook(made.id);
  await until(async () => at('/rotated').length > 1, 'the test event, signed once');
  expect(signedWith(at('/rotated')[1]!, secret)).toBe(true);
  // The old secret, signing no more, is not kept either: the reconciler forgets it.
  await until(async () => (await stack.db.query('SELECT 1 FROM webhooks WHERE id = $1 AND previous_secret IS NULL AND previous_secret_until IS NULL', [made.id])).rowCount === 1, 'the old secret forgotten');
});

it(`turns a webhook off after ${WEBHOOK_FAILURES_BEFORE_DISABLED} deliveries given up on in a row, telling its project's owner, and sends it nothing more; a delivery delivered starts the count again`, async () => {
  const { projectId, workflowId, idOf } = await yesNoWorkflow(stack, [{ externalId: 'a' }, { externalId: 'b' }], 1);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/failing'), events: ['subject.retired'] });
  const failures = async () => (await stack.db.query('SELECT failures FROM webhooks WHERE id = $1', [hook.id])).rows[0].failures;
  await stack.db.query('UPDATE webhooks SET failures = 5 WHERE id = $1', [hook.id]);
  await stack.client.pingWebhook(hook.id);
  await until(() => settled(hook.id), 'the delivery delivered');
  expect(await failures()).toBe(0);

  await stack.db.query('UPDATE webhooks SET failures = $2 WHERE id = $1', [hook.id, WEBHOOK_FAILURES_BEFORE_DISABLED - 2]);
  receiver.answers.push(410);
  await stack.client.pingWebhook(hook.id);
  await until(() => settled(hook.id), 'the first delivery given up on');
  expect([await failures(), (await stack.client.webhooks(projectId)).webhooks[0]!.disabledAt]).toEqual([WEBHOOK_FAILURES_BEFORE_DISABLED - 1, null]);
  receiver.answers.push(404);
  await stack.client.pingWebhook(hook.id);
  await until(async () => (await stack.client.webhooks(projectId)).webhooks[0]!.disabledAt !== null, 'the webhook turned off');
  expect((await stack.client.webhooks(projectId)).webhooks[0]).toMatchObject({ disabledReason: 'failures', disabledError: 'answered 404' });
  const { notifications } = await stack.client.notifications();
  expect(notifications.filter((each) => each.kind === 'webhook-disabled')).toMatchObject([
    { kind: 'webhook-disabled', readAt: null, webhook: { id: hook.id, url: receiver.url('/failing'), projectId, reason: 'failures', error: 'answered 404' } },
  ]);

  // Off: a retirement keeps no delivery for it, and one kept before it was turned off is given up on unsent.
  const { rows } = await stack.db.query(`INSERT INTO webhook_deliveries (webhook_id, event, data) VALUES ($1, 'ping', '{}') RETURNING id`, [hook.id]);
  await worker.get(WebhookDeliveries).enqueue([rows[0].id]);
  await classify(workflowId, idOf.a!);
  await until(async () => (await stack.db.query('SELECT 1 FROM subject_workflow_status WHERE subject_id = $1 AND retired_at IS NOT NULL', [idOf.a])).rowCount === 1, 'the retirement');
  await until(() => settled(hook.id), 'the delivery kept before, given up on');
  const deliveries = await deliveriesOf(hook.id);
  expect(deliveries.map((delivery) => delivery.event)).toEqual(['ping', 'ping', 'ping', 'ping']);
  expect(deliveries[0]).toMatchObject({ id: rows[0].id, state: 'failed', attempts: 0, error: 'not sent: the webhook is turned off' });
  expect(at('/failing')).toHaveLength(3);
  expect(await failures()).toBe(WEBHOOK_FAILURES_BEFORE_DISABLED);

  // Back on: sent again, its count started again.
  await stack.client.updateWebhook(hook.id, { active: true });
  await classify(workflowId, idOf.b!);
  await until(async () => at('/failing').length > 3, 'the retirement once back on');
  expect(JSON.parse(at('/failing')[3]!.body).data).toMatchObject({ subjectId: idOf.b });
});

it(`turns a webhook off once, telling each owner once, when two deliveries fail at once as the ${WEBHOOK_FAILURES_BEFORE_DISABLED}th in a row`, async () => {
  const { projectId } = await yesNoWorkflow(stack, [{ externalId: 'x' }]);
  const collaborator = await newMember(stack, projectId, 'collaborator', 'Collaborator');
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/both-failing'), events: ['subject.retired'] });
  await stack.db.query('UPDATE webhooks SET failures = $2 WHERE id = $1', [hook.id, WEBHOOK_FAILURES_BEFORE_DISABLED - 1]);
  const { rows } = await stack.db.query(`INSERT INTO webhook_deliveries (webhook_id, event, data) VALUES ($1, 'ping', '{}'), ($1, 'ping', '{}') RETURNING id`, [hook.id]);
  receiver.answers.push(410, 410);
  // Both attempts wait on the webhook's row, held here, then count their failure as soon as it is let go.
  const holder = new Client({ connectionString: stack.config.databaseUrl });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM webhooks WHERE id = $1 FOR NO KEY UPDATE', [hook.id]);
    const attempts = rows.map(({ id }: { id: string }) => worker.get(WebhookDeliveries).attempt(id));
    await until(
      async () => (await stack.db.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%webhooks%'")).rowCount === 2,
      'both attempts waiting on the webhook',
    );
    await holder.query('COMMIT');
    await Promise.all(attempts);
  } finally {
    await holder.end();
  }
  await until(() => settled(hook.id), 'both deliveries given up on');
  const told = await stack.db.query("SELECT user_id, count(*)::int AS times FROM comment_notifications WHERE webhook_id = $1 AND kind = 'webhook-disabled' GROUP BY user_id", [hook.id]);
  expect(told.rows.map((row: { times: number }) => row.times)).toEqual([1, 1]);
  expect(told.rows.map((row: { user_id: string }) => row.user_id)).toContain(collaborator.id);
  const [webhook] = (await stack.db.query('SELECT failures, disabled_at FROM webhooks WHERE id = $1', [hook.id])).rows;
  expect(webhook).toMatchObject({ failures: WEBHOOK_FAILURES_BEFORE_DISABLED + 1, disabled_at: expect.any(Date) });
});

it('tells a take-down carried to the project\'s other workflows as a retirement in each, not again where it was retired already', async () => {
  const { projectId, workflowId, idOf } = await yesNoWorkflow(stack, [{ externalId: 'down' }, { externalId: 'kept' }, { externalId: 'retired-there' }]);
  const [subjectSetId] = (await stack.client.getWorkflow(workflowId)).subjectSetIds;
  const { id: otherId } = await stack.client.createWorkflow(projectId, {
    name: 'Other',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [subjectSetId!],
  });
  await stack.client.activateWorkflow(otherId);
  const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/taken-down'), events: ['subject.retired'] });
  await stack.client.retireSubjects(otherId, { subjectIds: [idOf['retired-there']!], reason: 'Blank page' });
  await stack.client.retireSubjects(workflowId, { subjectIds: [idOf.down!, idOf['retired-there']!], reason: 'Personal data', takeDown: true });
  // Kept with the changes, in their transactions: one a subject and workflow.
  expect(await deliveriesOf(hook.id)).toHaveLength(4);
  await until(async () => at('/taken-down').length >= 4, 'the retirement by hand and the take-down, told');
  const told = at('/taken-down').map((event) => JSON.parse(event.body).data);
  expect(told.map((data) => `${data.workflowId === workflowId ? 'here' : 'there'} ${data.subjectId === idOf.down ? 'down' : 'retired-there'}`).sort()).toEqual([
    'here down',
    'here retired-there',
    'there down',
    'there retired-there',
  ]);
  for (const data of told) expect(data).toMatchObject({ reason: 'manual' });
});

it('tells a classified subject retired when its set is unlinked from the workflow, and unretired when it is linked again', async () => {
  const { projectId, workflowId, idOf } = await yesNoWorkflow(stack, [{ externalId: 'leaving' }]);
  const workflow = await stack.client.getWorkflow(workflowId);
  const [leavingSet] = workflow.subjectSetIds;
  const other = await stack.client.createSubjectSet(projectId, { name: 'Other' });
  await stack.client.addSubjects(other.id, [{ externalId: 'staying', locations: [{ type: 'text', text: 'staying' }] }]);
  const relink = (subjectSetIds: string[]) => stack.client.updateWorkflow(workflowId, { ...workflow.definition, subjectSetIds });
  await relink([leavingSet!, other.id]);
  await classify(workflowId, idOf.leaving!);
  await until(async () => (await stack.db.query('SELECT 1 FROM subject_workflow_status WHERE subject_id = $1 AND aggregated_count = 1', [idOf.leaving])).rowCount === 1, 'the answer aggregated');
  await stack.client.createWebhook(projectId, { url: receiver.url('/unlinked'), events: ['subject.retired', 'subject.unretired'] });

  await relink([other.id]);
  await until(async () => at('/unlinked').length > 0, 'the retirement by the unlink');
  await relink([leavingSet!, other.id]);
  await until(async () => at('/unlinked').length > 1, 'the unretirement by the link');
  const told = at('/unlinked').map((event) => [event.headers['chorus-event'], JSON.parse(event.body).data]);
  expect(told).toMatchObject([
    ['subject.retired', { workflowId, subjectId: idOf.leaving, reason: 'unlinked' }],
    ['subject.unretired', { workflowId, subjectId: idOf.leaving }],
  ]);
});

describe('without WEBHOOKS_ALLOW_PRIVATE_ADDRESSES', () => {
  it('gives a delivery to a private address up on at its first attempt', async () => {
    await stack.stopWorker();
    worker = await stack.startWorker({ webhooksAllowPrivateAddresses: false });
    try {
      const { projectId } = await yesNoWorkflow(stack, [{ externalId: 'x' }]);
      const hook = await stack.client.createWebhook(projectId, { url: receiver.url('/inside'), events: ['subject.retired'] });
      await stack.client.pingWebhook(hook.id);
      await until(() => settled(hook.id), 'the delivery given up on');
      expect(await deliveriesOf(hook.id)).toMatchObject([{ state: 'failed', attempts: 1, statusCode: null, error: '127.0.0.1 is not a public address' }]);
      expect(at('/inside')).toEqual([]);
    } finally {
      await stack.stopWorker();
      worker = await stack.startWorker({ reconcileEveryMs: 500, reconcileGraceMs: 0 });
    }
  });

  it('refuses loopback, private and link-local addresses, by name too, and sends nothing there', async () => {
    const sender = new WebhookSender({ webhooksAllowPrivateAddresses: false } as WorkerConfig);
    const byAddress = await sender.post(receiver.url('/private'), '{}', {});
    expect(byAddress).toEqual({ error: '127.0.0.1 is not a public address', refused: true });
    const byName = await sender.post(receiver.url('/private').replace('127.0.0.1', 'localhost'), '{}', {});
    expect(byName).toMatchObject({ error: expect.stringMatching(/^localhost resolves to .*, not a public address$/), refused: true });
    expect(at('/private')).toEqual([]);
    // The stack's worker may (WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=true).
    expect(await new WebhookSender({ webhooksAllowPrivateAddresses: true } as WorkerConfig).post(receiver.url('/private'), '{}', {})).toEqual({ status: 200 });
  });

  it('tells public addresses from the others', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::127.0.0.1', '::a00:1', '2002:7f00:1::', '64:ff9b:1::a00:1', '192.88.99.1']) {
      expect([address, isPublicAddress(address)]).toEqual([address, false]);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) expect([address, isPublicAddress(address)]).toEqual([address, true]);
  });
});

describe('with the reconciler held off', () => {
  it('POSTs a retirement a re-aggregation makes, enqueued by the re-aggregation itself', async () => {
    await stack.stopWorker();
    worker = await stack.startWorker({ reconcileEveryMs: 60 * 60_000 });
    try {
      const { projectId, workflowId, idOf } = await yesNoWorkflow(stack, [{ externalId: 'again' }], 2);
      await stack.client.createWebhook(projectId, { url: receiver.url('/reaggregated'), events: ['subject.retired'] });
      await classify(workflowId, idOf.again!);
      await until(async () => (await stack.db.query('SELECT 1 FROM subject_workflow_status WHERE subject_id = $1 AND aggregated_count = 1', [idOf.again])).rowCount === 1, 'the answer aggregated');
      const workflow = await stack.client.getWorkflow(workflowId);
      await stack.client.updateWorkflow(workflowId, { ...workflow.definition, retirement: { rule: 'count', count: 1 }, subjectSetIds: workflow.subjectSetIds });
      await until(async () => at('/reaggregated').length > 0, 'the retirement by the re-aggregation');
      expect(JSON.parse(at('/reaggregated')[0]!.body).data).toMatchObject({ workflowId, subjectId: idOf.again, reason: 'count' });
    } finally {
      await stack.stopWorker();
      worker = await stack.startWorker({ reconcileEveryMs: 500, reconcileGraceMs: 0 });
    }
  });

  it('POSTs the retirement of a subject taken out of a linked set, and its unretirement when it is added back, enqueued by the API', async () => {
    await stack.stopWorker();
    worker = await stack.startWorker({ reconcileEveryMs: 60 * 60_000 });
    try {
      const { projectId, workflowId, idOf } = await yesNoWorkflow(stack, [{ externalId: 'out-and-back' }, { externalId: 'staying' }]);
      const [subjectSetId] = (await stack.client.getWorkflow(workflowId)).subjectSetIds;
      await classify(workflowId, idOf['out-and-back']!);
      await until(async () => (await stack.db.query('SELECT 1 FROM subject_workflow_status WHERE subject_id = $1 AND aggregated_count = 1', [idOf['out-and-back']])).rowCount === 1, 'the answer aggregated');
      await stack.client.createWebhook(projectId, { url: receiver.url('/out-and-back'), events: ['subject.retired', 'subject.unretired'] });
      await stack.client.removeSubject(subjectSetId!, idOf['out-and-back']!);
      await until(async () => at('/out-and-back').length > 0, 'the retirement by the removal');
      await stack.client.addSubjects(subjectSetId!, [{ externalId: 'out-and-back', locations: [{ type: 'text', text: 'out-and-back' }] }]);
      await until(async () => at('/out-and-back').length > 1, 'the unretirement by the addition');
      expect(at('/out-and-back').map((event) => [event.headers['chorus-event'], JSON.parse(event.body).data])).toMatchObject([
        ['subject.retired', { workflowId, subjectId: idOf['out-and-back'], reason: 'unlinked' }],
        ['subject.unretired', { workflowId, subjectId: idOf['out-and-back'] }],
      ]);
    } finally {
      await stack.stopWorker();
      worker = await stack.startWorker({ reconcileEveryMs: 500, reconcileGraceMs: 0 });
    }
  });
});
