import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type NewWebhook, WEBHOOK_LIMITS, type WebhookDelivery, type WebhookDisabledReason, type WebhookDeliveryPage, type WebhookList, type WebhookView } from '@chorus/client';
import { WEBHOOK_FAILURES_BEFORE_DISABLED, WEBHOOK_OLD_SECRET_HOURS } from '@chorus/db';
import { hostNotPublic } from '@chorus/runtime';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, notFound, validationFailed } from '../common/problem';
import { cursorTimeSql } from '../common/sql';
import { timePage } from '../common/time-pages';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { IdempotentRequests } from '../idempotent-requests/idempotent-requests';
import { JobProducer } from '../jobs/job-producer';
import { ProjectAccess } from '../projects/project-access';
import { type DeliveriesQuery, type WebhookEdit, type WebhookInput } from './dto/webhooks.dto';

const VIEW = 'id, project_id AS "projectId", url, events, created_at AS "createdAt", disabled_at AS "disabledAt", disabled_reason AS "disabledReason", disabled_error AS "disabledError"';
const DELIVERY = `id, event, attempts, status_code AS "statusCode", error, created_at AS "createdAt", attempted_at AS "attemptedAt",
  CASE WHEN delivered_at IS NOT NULL THEN 'delivered' WHEN failed_at IS NOT NULL THEN 'failed' ELSE 'waiting' END AS state`;
/** The webhook's ($1) deliveries, newest first, after the cursor ($2, $3), $4 at most. */
const DELIVERIES = `SELECT ${DELIVERY}, ${cursorTimeSql('created_at')} AS cursor_time FROM webhook_deliveries
  WHERE webhook_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
  ORDER BY created_at DESC, id DESC LIMIT $4`;

interface WebhookRow {
  id: string;
  projectId: string;
  url: string;
  events: WebhookView['events'];
  createdAt: Date;
  disabledAt: Date | null;
  disabledReason: WebhookDisabledReason | null;
  disabledError: string | null;
}
interface DeliveryRow extends Omit<WebhookDelivery, 'createdAt' | 'attemptedAt'> {
  createdAt: Date;
  attemptedAt: Date | null;
  cursor_time?: string;
}

const viewOf = (row: WebhookRow): WebhookView => ({
  id: row.id,
  projectId: row.projectId,
  url: row.url,
  events: row.events,
  createdAt: row.createdAt.toISOString(),
  disabledAt: row.disabledAt?.toISOString() ?? null,
  disabledReason: row.disabledReason,
  disabledError: row.disabledError,
});
const deliveryOf = ({ cursor_time: _cursor, ...row }: DeliveryRow): WebhookDelivery => ({ ...row, createdAt: row.createdAt.toISOString(), attemptedAt: row.attemptedAt?.toISOString() ?? null });

/** A signing secret: 32 random bytes, prefixed so that one found in a file says what it is. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

const tooManyWebhooks = () =>
  new ProblemException(
    409,
    `This project has ${WEBHOOK_LIMITS.perProject} webhooks, the most it may have: delete one it no longer needs (DELETE /api/v1/webhooks/:id), or subscribe an existing one to more events (PATCH /api/v1/webhooks/:id).`,
    undefined,
    'too-many-webhooks',
  );

/** Why it is off, as a problem's detail says it. */
const offBecause = (webhook: WebhookRow) =>
  webhook.disabledReason === 'failures'
    ? `after ${WEBHOOK_FAILURES_BEFORE_DISABLED} deliveries in a row were given up on, the last: ${webhook.disabledError}`
    : 'by its project’s researchers';

const turnedOff = (webhook: WebhookRow) =>
  new ProblemException(
    409,
    `The webhook ${webhook.id} was turned off ${offBecause(webhook)}, so nothing is sent to it: turn it back on first (PATCH /api/v1/webhooks/${webhook.id} with { "active": true }).`,
    undefined,
    'webhook-turned-off',
  );

/**
 * A retry of a webhook's secret rotation under the same `Idempotency-Key`: refused, naming the webhook, since its new
 * secret is answered once only and a third secret is not what the retry meant.
 */
const alreadyRotated = (webhook: WebhookRow) => {
  const refused = new ProblemException(
    409,
    `The secret of the webhook ${webhook.id} was already rotated with this Idempotency-Key. Its new secret was answered once, to the request that made it, so it is not shown again and no other was made: use the secret that request was answered with, or, if it was lost, rotate again with a fresh Idempotency-Key.`,
    [{ pointer: '/headers/idempotency-key', message: `already rotated the secret of the webhook ${webhook.id}, which is not shown again; send a fresh key to rotate it again` }],
    'secret-already-rotated',
  );
  refused.body.webhook = viewOf(webhook);
  return refused;
};

/**
 * A retry of a webhook's registration under the same `Idempotency-Key`: refused, naming the webhook the first request
 * made, since its secret is answered once only and a second webhook is not what the retry meant.
 */
const alreadyMade = (webhook: WebhookRow) => {
  const refused = new ProblemException(
    409,
    `A webhook was already registered with this Idempotency-Key (id ${webhook.id}, ${webhook.url}). Its secret was answered once, to the request that made it, so it is not shown again and no second webhook was made: use the secret that request was answered with, or, if it was lost, delete that webhook (DELETE /api/v1/webhooks/${webhook.id}) and register another with a fresh Idempotency-Key.`,
    [{ pointer: '/headers/idempotency-key', message: `already registered the webhook ${webhook.id}, whose secret is not shown again; send a fresh key to register another` }],
    'webhook-already-made',
  );
  refused.body.webhook = viewOf(webhook);
  return refused;
};

/** A project's webhooks: made (their secret shown once), listed, changed, deleted, tested; and their deliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly jobs: JobProducer,
    private readonly idempotentRequests: IdempotentRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new webhook with its secret; the project's row is locked while its webhooks are counted, so that two at once cannot pass the cap. */
  async create(projectId: string, { url, events }: WebhookInput, user: AuthUser): Promise<NewWebhook> {
    await this.access.requireAdministrator(projectId, user, '/params/id');
    await this.requireReachable(url);
    const secret = newSecret();
    const row = await this.db.transaction(async (manager) => {
      await manager.query('SELECT 1 FROM projects WHERE id = $1 FOR NO KEY UPDATE', [projectId]);
      const [{ count }] = await manager.query<{ count: number }[]>('SELECT count(*)::int AS count FROM webhooks WHERE project_id = $1', [projectId]);
      if (count! >= WEBHOOK_LIMITS.perProject) throw tooManyWebhooks();
      const [made] = await manager.query<WebhookRow[]>(`INSERT INTO webhooks (project_id, url, events, secret, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${VIEW}`, [
        projectId,
        url,
        events,
        secret,
        user.id,
      ]);
      await this.idempotentRequests.keepAnswerIn(manager, { body: null, refusal: alreadyMade(made!).body });
      return made!;
    });
    return { ...viewOf(row), secret };
  }

  async list(projectId: string, user: AuthUser): Promise<WebhookList> {
    await this.access.requireAdministrator(projectId, user, '/params/id');
    const rows = await this.db.query<WebhookRow[]>(`SELECT ${VIEW} FROM webhooks WHERE project_id = $1 ORDER BY created_at, id`, [projectId]);
    return { webhooks: rows.map(viewOf) };
  }

  /** Fails unless the webhook exists and the caller administers its project, its owner or a collaborator (404 for one they may not see). */
  async requireAdministrator(webhookId: string, user: AuthUser): Promise<WebhookRow> {
    const [row] = await this.db.query<WebhookRow[]>(`SELECT ${VIEW} FROM webhooks WHERE id = $1`, [webhookId]);
    if (!row) throw notFound(`Webhook ${webhookId}`, '/params/id');
    await this.access.requireAdministrator(row.projectId, user, '/params/id');
    return row;
  }

  /**
   * Changes its address or events, or turns it off or back on (`active`): back on, its count of failures in a row starts
   * again; off by hand, it says so (`by-hand`); either way again changes nothing.
   */
  async update(webhookId: string, { url, events, active }: WebhookEdit, user: AuthUser): Promise<WebhookView> {
    await this.requireAdministrator(webhookId, user);
    if (url === undefined && events === undefined && active === undefined) throw validationFailed([{ pointer: '', message: 'changes nothing: give the new url, the new events, active, or several' }]);
    if (url !== undefined) await this.requireReachable(url);
    const [[row]] = await this.db.query<[WebhookRow[], number]>(
      `UPDATE webhooks SET url = coalesce($2, url), events = coalesce($3, events),
         failures = CASE WHEN $4::boolean AND disabled_at IS NOT NULL THEN 0 ELSE failures END,
         disabled_at = CASE WHEN $4::boolean THEN NULL WHEN NOT $4::boolean THEN coalesce(disabled_at, now()) ELSE disabled_at END,
         disabled_reason = CASE WHEN $4::boolean THEN NULL WHEN NOT $4::boolean THEN coalesce(disabled_reason, 'by-hand') ELSE disabled_reason END,
         disabled_error = CASE WHEN $4::boolean THEN NULL ELSE disabled_error END
       WHERE id = $1 RETURNING ${VIEW}`,
      [webhookId, url ?? null, events ?? null, active ?? null],
    );
    if (!row) throw notFound(`Webhook ${webhookId}`, '/params/id');
    return viewOf(row);
  }

  /**
   * A new secret for the webhook, answered this once; the one it replaces signs its deliveries too for
   * `WEBHOOK_OLD_SECRET_HOURS` (a rotation within them replaces that one: only the last two sign).
   */
  async rotateSecret(webhookId: string, user: AuthUser): Promise<NewWebhook> {
    await this.requireAdministrator(webhookId, user);
    const secret = newSecret();
    const row = await this.db.transaction(async (manager) => {
      const [[rotated]] = await manager.query<[WebhookRow[], number]>(
        `UPDATE webhooks SET previous_secret = secret, previous_secret_until = now() + interval '${WEBHOOK_OLD_SECRET_HOURS} hours', secret = $2 WHERE id = $1 RETURNING ${VIEW}`,
        [webhookId, secret],
      );
      if (!rotated) throw notFound(`Webhook ${webhookId}`, '/params/id');
      await this.idempotentRequests.keepAnswerIn(manager, { body: null, refusal: alreadyRotated(rotated).body });
      return rotated;
    });
    return { ...viewOf(row), secret };
  }

  /** Deletes the webhook and its deliveries: those not yet made are never made. */
  async delete(webhookId: string, user: AuthUser): Promise<void> {
    await this.requireAdministrator(webhookId, user);
    await this.db.query('DELETE FROM webhooks WHERE id = $1', [webhookId]);
  }

  /** Keeps a `ping` delivery for the webhook, whatever events it receives, and asks for it to be sent. */
  async ping(webhookId: string, user: AuthUser): Promise<WebhookDelivery> {
    const webhook = await this.requireAdministrator(webhookId, user);
    if (webhook.disabledAt) throw turnedOff(webhook);
    const [row] = await this.db.query<DeliveryRow[]>(
      `INSERT INTO webhook_deliveries (webhook_id, event, data) VALUES ($1, 'ping', jsonb_build_object('projectId', $2::uuid, 'webhookId', $1::uuid, 'sentBy', $3::uuid)) RETURNING ${DELIVERY}`,
      [webhookId, webhook.projectId, user.id],
    );
    await this.jobs.deliverWebhooks([row!.id]);
    return deliveryOf(row!);
  }

  /** Refuses an address whose host is not public (`hostNotPublic`), unless `WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`. */
  private async requireReachable(url: string): Promise<void> {
    if (this.config.webhooksAllowPrivateAddresses) return;
    const problem = await hostNotPublic(new URL(url).hostname);
    if (problem) throw validationFailed([{ pointer: '/url', message: `must be an address on the public internet: ${problem} (Chorus never reaches into the network it runs in)` }]);
  }

  async deliveries(webhookId: string, { limit, after }: DeliveriesQuery, user: AuthUser): Promise<WebhookDeliveryPage> {
    await this.requireAdministrator(webhookId, user);
    const rows = await this.db.query<Required<DeliveryRow>[]>(DELIVERIES, [webhookId, after?.time ?? null, after?.id ?? null, limit + 1]);
    const { page, next } = timePage(rows, limit);
    return { deliveries: page.map(deliveryOf), next };
  }
}

