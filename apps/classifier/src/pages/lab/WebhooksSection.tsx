import { type NewWebhook, type ProjectView, WEBHOOK_EVENTS, WEBHOOK_LIMITS, type WebhookEventName, type WebhookView } from '@chorus/client';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CheckboxField, FieldNotes, FormField } from '../../components/FormField';
import { InlineQuestion } from '../../components/InlineQuestion';
import { LabTable } from '../../components/LabTable';
import { LoadedList } from '../../components/LoadedList';
import { ResultNotice } from '../../components/ResultNotice';
import { SecretShownOnce } from '../../components/SecretShownOnce';
import { SubmitOrCancel } from '../../components/SubmitOrCancel';
import { problemAtFields } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { type Problem, describeError, goneAt } from '../../lib/errors';
import { whenInWords } from '../../lib/formats';
import { webhookOffReason } from '../../lib/webhooks';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useResult } from '../../lib/useResult';

/** How many of a webhook's last deliveries the lab shows. */
const DELIVERIES_SHOWN = 10;
/** Each event's key in the message catalogue (`lab.webhooks.event.<key>`). */
const EVENT_KEYS = { 'subject.retired': 'subjectRetired', 'subject.unretired': 'subjectUnretired', 'workflow.completed': 'workflowCompleted' } as const satisfies Record<WebhookEventName, string>;

/**
 * The project's webhooks, for its researchers: the addresses Chorus POSTs events to, each with its events, a test
 * event to send, its last deliveries and a delete; a form to add one (events as checkboxes), whose signing secret is
 * then shown this once, with a copy button.
 */
export function WebhooksSection({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => client.webhooks(project.id), [client, project.id]);
  const [result, say] = useResult();
  // A webhook just made, or whose secret was just rotated: its secret, shown this once.
  const [made, setMade] = useState<{ webhook: NewWebhook; rotated: boolean } | null>(null);
  return (
    <section className="lab-section" aria-labelledby="lab-webhooks-heading" data-testid="lab-webhooks">
      <h2 id="lab-webhooks-heading">{t('lab.webhooks.title')}</h2>
      <p>{t('lab.webhooks.lead')}</p>
      <ResultNotice result={result} testId="lab-webhooks-result" />
      <div>
        {made && (
          <SecretShownOnce
            key={made.webhook.secret}
            id="lab-webhook-secret"
            testId="lab-webhook"
            dataId={made.webhook.id}
            secret={made.webhook.secret}
            message={made.rotated ? t('lab.webhooks.rotated', { url: made.webhook.url }) : t('lab.webhooks.made', { url: made.webhook.url })}
            texts={{ label: t('lab.webhooks.secret'), copy: t('lab.webhooks.copy'), copied: t('lab.webhooks.copied'), copyFailed: t('lab.webhooks.copyFailed') }}
          />
        )}
      </div>
      <LoadedList items={data?.webhooks ?? null} problem={problem} reload={reload} loading={t('lab.webhooks.loading')} empty={t('lab.webhooks.none')}>
        {(webhooks) => (
          <ul className="lab-webhooks">
            {webhooks.map((webhook) => (
              <li key={webhook.id} data-webhook-id={webhook.id}>
                <WebhookEntry
                  webhook={webhook}
                  onRotated={(rotated) => {
                    say(null);
                    setMade({ webhook: rotated, rotated: true });
                  }}
                  onTurnedOn={() => {
                    say((t) => t('lab.webhooks.turnedOn', { url: webhook.url }));
                    reload();
                  }}
                  onDeleted={() => {
                    setMade((shown) => (shown?.webhook.id === webhook.id ? null : shown));
                    say((t) => t('lab.webhooks.deleted', { url: webhook.url }));
                    reload();
                  }}
                />
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
      {(data?.webhooks.length ?? 0) >= WEBHOOK_LIMITS.perProject && <p>{t('lab.webhooks.full', { most: WEBHOOK_LIMITS.perProject })}</p>}
      {(data?.webhooks.length ?? 0) < WEBHOOK_LIMITS.perProject && (
        <AddWebhook
          projectId={project.id}
          onAdded={(webhook) => {
            say(null);
            setMade({ webhook, rotated: false });
            reload();
          }}
        />
      )}
    </section>
  );
}

/** The form that adds a webhook: its address, and its events as checkboxes (every one at first). */
function AddWebhook({ projectId, onAdded }: { projectId: string; onAdded: (webhook: NewWebhook) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ url: '', events: WEBHOOK_EVENTS.join(' ') }, ['url', 'events'] as const);
  const chosen = form.values.events.split(' ').filter(Boolean) as WebhookEventName[];
  const toggle = (event: WebhookEventName, on: boolean) => {
    const events = WEBHOOK_EVENTS.filter((each) => (each === event ? on : chosen.includes(each)));
    form.field('events').onChange({ target: { value: events.join(' ') } });
  };
  const submit = form.onSubmit({
    check: (t) => ({
      ...(form.values.url.trim() ? {} : { url: t('lab.webhooks.urlNeeded') }),
      ...(chosen.length ? {} : { events: t('lab.webhooks.eventsNeeded') }),
    }),
    send: async () => {
      const webhook = await client.createWebhook(projectId, { url: form.values.url.trim(), events: chosen });
      form.reset();
      onAdded(webhook);
    },
    refused: (error) => problemAtFields(error, ['url', 'events'] as const),
  });
  const eventsError = form.field('events').error;
  return (
    <form className="account-form" noValidate aria-labelledby="lab-webhook-new-heading" onSubmit={(event) => void submit(event)}>
      <h3 id="lab-webhook-new-heading">{t('lab.webhooks.add')}</h3>
      <ErrorAlert problem={form.problem} focus />
      <FormField id="lab-webhook-url" type="url" label={t('lab.webhooks.url')} hint={t('lab.webhooks.urlHint')} maxLength={WEBHOOK_LIMITS.urlLength} autoComplete="off" {...form.field('url')} />
      <fieldset className="lab-webhook-events" aria-describedby={eventsError ? 'lab-webhook-events-error' : undefined}>
        <legend className="field-label">{t('lab.webhooks.events')}</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <CheckboxField
            key={event}
            id={`lab-webhook-event-${event.replace('.', '-')}`}
            label={t(`lab.webhooks.event.${EVENT_KEYS[event]}`)}
            checked={chosen.includes(event)}
            onChange={(change) => toggle(event, change.target.checked)}
          />
        ))}
        <FieldNotes id="lab-webhook-events" error={eventsError} />
      </fieldset>
      <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
        {form.busy ? t('lab.saving') : t('lab.webhooks.create')}
      </button>
    </form>
  );
}

/**
 * A webhook: its address and events (and, turned off, when and why, with a button that turns it back on), a test event
 * to send, a new secret to make (asked first: the old one soon stops signing), its last deliveries, and a delete asked first.
 */
function WebhookEntry({ webhook, onRotated, onTurnedOn, onDeleted }: { webhook: WebhookView; onRotated: (webhook: NewWebhook) => void; onTurnedOn: () => void; onDeleted: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const deliveries = useLoaded(() => client.webhookDeliveries(webhook.id, { limit: DELIVERIES_SHOWN }), [client, webhook.id]);
  const [deleting, setDeleting] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [pinging, setPinging] = useState(false);
  const [pinged, setPinged] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({}, [] as const);
  // Deleted meanwhile (by another researcher): what was asked is done.
  const gone = (error: unknown) => {
    if (!goneAt(error, '/params/id')) throw error;
  };
  const remove = form.onSubmit({
    check: () => ({}),
    send: async () => {
      await client.deleteWebhook(webhook.id).catch(gone);
      onDeleted();
    },
    refused: (error) => problemAtFields(error, [] as const),
  });
  // One call of the entry's at a time (a test event, a new secret, turning it back on); what went wrong said above its buttons.
  const act = async <T,>(call: () => T) => {
    if (pinging) return;
    setPinging(true);
    setPinged(false);
    setProblem(null);
    try {
      await call();
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setPinging(false);
    }
  };
  const ping = () =>
    act(async () => {
      await client.pingWebhook(webhook.id);
      setPinged(true);
      deliveries.reload();
    });
  const rotate = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setRotating(false);
    return act(async () => onRotated(await client.rotateWebhookSecret(webhook.id)));
  };
  const turnOn = () =>
    act(async () => {
      await client.updateWebhook(webhook.id, { active: true });
      onTurnedOn();
    });
  const headingId = `lab-webhook-${webhook.id}`;
  return (
    <article aria-labelledby={headingId}>
      <h3 id={headingId}>
        <code>{webhook.url}</code>
      </h3>
      <p className="muted">{t('lab.webhooks.receives', { events: webhook.events.map((event) => t(`lab.webhooks.event.${EVENT_KEYS[event]}`)).join(t('app.semicolon')) })}</p>
      {webhook.disabledAt && (
        <p className="notice" data-testid="lab-webhook-disabled">
          {t('lab.webhooks.disabled', { when: whenInWords(webhook.disabledAt), reason: webhookOffReason(t, webhook.disabledReason ?? 'by-hand', webhook.disabledError) })}
        </p>
      )}
      <ErrorAlert problem={problem} />
      <div className="lab-actions">
        {webhook.disabledAt ? (
          <button type="button" className="button button-primary" aria-describedby={headingId} aria-disabled={pinging || undefined} onClick={() => void turnOn()}>
            {t('lab.webhooks.turnOn')}
          </button>
        ) : (
          <button type="button" className="button button-secondary" aria-describedby={headingId} aria-disabled={pinging || undefined} onClick={() => void ping()}>
            {t('lab.webhooks.ping')}
          </button>
        )}
        <button type="button" className="button button-secondary" aria-describedby={headingId} aria-disabled={pinging || undefined} onClick={() => setRotating(true)}>
          {t('lab.webhooks.rotate')}
        </button>
        <button type="button" className="button button-secondary" aria-describedby={headingId} onClick={() => deliveries.reload()}>
          {t('lab.webhooks.refresh')}
        </button>
        <button type="button" className="button button-secondary" aria-describedby={headingId} onClick={() => setDeleting(true)}>
          {t('lab.webhooks.delete')}
        </button>
      </div>
      {/* There before it says anything, so that screen readers read what it comes to say. */}
      <p role="status" className="muted" data-testid="lab-webhook-pinged">
        {pinged ? t('lab.webhooks.pinged') : ''}
      </p>
      {rotating && (
        <InlineQuestion question={t('lab.webhooks.rotateQuestion', { url: webhook.url })} className="notice lab-confirm" testId="lab-webhook-rotate-question" onCancel={() => setRotating(false)}>
          {(questionId) => (
            <form noValidate aria-labelledby={questionId} onSubmit={(event: FormEvent<HTMLFormElement>) => void rotate(event)}>
              <SubmitOrCancel submit={t('lab.webhooks.confirmRotate')} cancel={t('lab.webhooks.keepSecret')} busy={pinging} onCancel={() => setRotating(false)} />
            </form>
          )}
        </InlineQuestion>
      )}
      {deleting && (
        <InlineQuestion question={t('lab.webhooks.deleteQuestion', { url: webhook.url })} className="notice lab-confirm" testId="lab-webhook-delete-question" onCancel={() => setDeleting(false)}>
          {(questionId) => (
            <form noValidate aria-labelledby={questionId} onSubmit={(event: FormEvent<HTMLFormElement>) => void remove(event)}>
              <ErrorAlert problem={form.problem} />
              <SubmitOrCancel submit={t('lab.webhooks.confirmDelete')} cancel={t('lab.webhooks.keep')} busy={form.busy} onCancel={() => setDeleting(false)} danger />
            </form>
          )}
        </InlineQuestion>
      )}
      <h4>{t('lab.webhooks.deliveries')}</h4>
      <LoadedList items={deliveries.data?.deliveries ?? null} problem={deliveries.problem} reload={deliveries.reload} loading={t('lab.webhooks.loadingDeliveries')} empty={t('lab.webhooks.noDeliveries')}>
        {(items) => (
          <LabTable data-testid="lab-webhook-deliveries">
            <thead>
              <tr>
                <th scope="col">{t('lab.webhooks.when')}</th>
                <th scope="col">{t('lab.webhooks.eventColumn')}</th>
                <th scope="col">{t('lab.webhooks.state')}</th>
                <th scope="col">{t('lab.webhooks.statusCode')}</th>
                <th scope="col">{t('lab.webhooks.attempts')}</th>
                <th scope="col">{t('lab.webhooks.error')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((delivery) => (
                <tr key={delivery.id} data-delivery-id={delivery.id}>
                  <td>{whenInWords(delivery.createdAt)}</td>
                  <td>
                    <code>{delivery.event}</code>
                  </td>
                  <td>{t(`lab.webhooks.states.${delivery.state}`)}</td>
                  <td>{delivery.statusCode ?? '–'}</td>
                  <td>{delivery.attempts}</td>
                  <td>{delivery.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </LabTable>
        )}
      </LoadedList>
    </article>
  );
}
