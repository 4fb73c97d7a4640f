import { API_KEY_LIMITS, API_KEY_SCOPES, type ApiKeyScope, type ApiKeyView, type NewApiKey } from '@chorus/client';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AskFirst } from '../components/AskFirst';
import { ErrorAlert } from '../components/ErrorAlert';
import { FieldNotes, FormField, SelectField } from '../components/FormField';
import { SecretShownOnce } from '../components/SecretShownOnce';
import { problemAtFields } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { useHeadingFocusedWhenAddressed } from '../lib/focus';
import { whenInWords } from '../lib/formats';
import { useForm } from '../lib/useForm';
import { useLoaded } from '../lib/useLoaded';
import { useSaid } from '../lib/said';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The lifetimes offered, in days: the API's default first. */
const LIFETIMES = [API_KEY_LIMITS.defaultDays, 30, API_KEY_LIMITS.maxDays] as const;
/**
 * The scope a key made here has unless another is chosen: `read`, which no leak can turn into a change or a deletion
 * yet serves any script that only reads (the API's own default, `full`, keeps older scripts working).
 */
const DEFAULT_SCOPE: ApiKeyScope = 'read';
/** The section's place on the account page, as the mailed notice of a new key links to it (`/account#api-keys`). */
const SECTION_HASH = '#api-keys';

/**
 * The account's personal API keys, for scripts (a nightly download): made here (the secret shown once, with a copy
 * button), listed with when each expires and was last used, and revoked after a question. What was done is said in a
 * live region; focus goes to the new secret, or back to the section's heading after a revocation.
 */
export function ApiKeysSection() {
  const { t } = useTranslation();
  const client = useClient();
  const loaded = useLoaded(() => client.apiKeys(), [client]);
  const keys = loaded.data?.apiKeys ?? null;
  const [problem, setProblem] = useSaid<Problem>();
  const [made, setMade] = useState<NewApiKey | null>(null);
  const [result, setResult] = useSaid<string>();
  const [asking, setAsking] = useState<ApiKeyView | null>(null);
  const [revoking, setRevoking] = useState(false);
  // Opened from a new key's notice: straight to the keys, so that one the owner did not make is revoked at once.
  const heading = useHeadingFocusedWhenAddressed(SECTION_HASH);
  const opener = useRef<HTMLElement | null>(null);

  const revoke = async (key: ApiKeyView) => {
    if (revoking) return;
    setRevoking(true);
    setProblem(null);
    try {
      await client.revokeApiKey(key.id);
      setAsking(null);
      setMade((shown) => (shown?.id === key.id ? null : shown));
      setResult((t) => t('account.settings.apiKeys.revoked', { name: key.name }));
      loaded.reload();
      heading.current?.focus();
    } catch (error) {
      setProblem(() => describeError(error));
    } finally {
      setRevoking(false);
    }
  };

  return (
    <section className="account-section" aria-labelledby="account-api-keys-heading" data-testid="api-keys">
      <h2 id="account-api-keys-heading" tabIndex={-1} ref={heading}>
        {t('account.settings.apiKeys.title')}
      </h2>
      <p>{t('account.settings.apiKeys.lead')}</p>
      <div role="status" data-testid="api-keys-result">
        {result && <p className="notice">{result}</p>}
      </div>
      <ErrorAlert problem={problem ?? loaded.problem} />
      {/* A parent of its own: as a bare conditional sibling here, React left the secret on the page once it was cleared. */}
      <div>{made && <NewKeySecret key={made.id} made={made} />}</div>
      {keys && keys.length > 0 && (
        <ul className="api-keys" data-testid="api-key-list">
          {keys.map((key) => (
            <li key={key.id} data-key-id={key.id}>
              <p>
                <strong>{key.name}</strong>
                {key.prefix && (
                  <>
                    {' '}
                    <code data-testid="api-key-prefix">{key.prefix}…</code>
                  </>
                )}
                {', '}
                <span data-testid="api-key-scope">{t(`account.settings.apiKeys.scopes.${key.scope}.listed`)}</span>
                {t('app.colon')}
                {Date.parse(key.expiresAt) <= Date.now()
                  ? t('account.settings.apiKeys.expired', { date: whenInWords(key.expiresAt, 'date') })
                  : t('account.settings.apiKeys.expires', { date: whenInWords(key.expiresAt, 'date') })}{' '}
                {key.lastUsedAt ? t('account.settings.apiKeys.lastUsed', { date: whenInWords(key.lastUsedAt) }) : t('account.settings.apiKeys.neverUsed')}
              </p>
              <button
                type="button"
                className="button button-secondary"
                onClick={(event) => {
                  opener.current = event.currentTarget;
                  setAsking(key);
                }}
              >
                {t('account.settings.apiKeys.revoke', { name: key.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {keys && keys.length === 0 && <p>{t('account.settings.apiKeys.none')}</p>}
      {asking && (
        <AskFirst
          key={asking.id}
          asked={{
            testId: 'api-key-revoke-question',
            question: t('account.settings.apiKeys.revokeQuestion', { name: asking.name }),
            hint: t('account.settings.apiKeys.revokeHint'),
            confirm: t('account.settings.apiKeys.revoke', { name: asking.name }),
            cancel: t('account.settings.apiKeys.keep'),
          }}
          busy={revoking}
          onConfirm={(event) => {
            event.preventDefault();
            void revoke(asking);
          }}
          onCancel={() => {
            setAsking(null);
            opener.current?.focus();
          }}
        />
      )}
      <NewKeyForm
        made={(key) => {
          setResult(null);
          setMade(key);
          loaded.reload();
        }}
      />
    </section>
  );
}

/** The form that makes a key: its name, what it may do and how long it lasts. */
function NewKeyForm({ made }: { made: (key: NewApiKey) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ name: '', scope: DEFAULT_SCOPE as string, days: String(API_KEY_LIMITS.defaultDays) }, ['name', 'scope', 'days'] as const);
  const submit = form.onSubmit({
    check: (t) => (form.values.name.trim() ? {} : { name: t('account.settings.apiKeys.nameMissing') }),
    send: async () => {
      const expiresAt = new Date(Date.now() + Number(form.values.days) * DAY_MS).toISOString();
      const key = await client.createApiKey({ name: form.values.name.trim(), scope: form.values.scope as ApiKeyScope, expiresAt });
      form.reset();
      made(key);
    },
    refused: (error) => {
      const { fields, form: whole } = problemAtFields(error, ['name', 'scope', 'expiresAt'] as const);
      return { fields: { name: fields.name, scope: fields.scope, days: fields.expiresAt }, form: whole };
    },
  });
  return (
    <>
      <h3 id="account-api-key-new-heading">{t('account.settings.apiKeys.newTitle')}</h3>
      <ErrorAlert problem={form.problem} />
      <form className="account-form" noValidate aria-labelledby="account-api-key-new-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="settings-api-key-name" label={t('account.settings.apiKeys.name')} hint={t('account.settings.apiKeys.nameHint')} maxLength={API_KEY_LIMITS.nameLength} autoComplete="off" {...form.field('name')} />
        <ScopeChoice {...form.field('scope')} />
        <SelectField id="settings-api-key-days" label={t('account.settings.apiKeys.lifetime')} {...form.field('days')}>
          {LIFETIMES.map((days) => (
            <option key={days} value={days}>
              {t('account.settings.apiKeys.days', { count: days })}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button button-secondary" aria-disabled={form.busy || undefined}>
          {t('account.settings.apiKeys.create')}
        </button>
      </form>
    </>
  );
}

/**
 * What a new key may do, as a radio group (arrow keys move between the scopes), each scope with a line saying what it
 * lets a script do; an error the API gives at `/scope` under them all.
 */
function ScopeChoice({ value, error, inputRef, onChange }: { value: string; error?: string; inputRef: (input: HTMLElement | null) => void; onChange: (event: { target: { value: string } }) => void }) {
  const { t } = useTranslation();
  const id = 'settings-api-key-scope';
  return (
    <fieldset className="api-key-scopes" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="field-label">{t('account.settings.apiKeys.scope')}</legend>
      {API_KEY_SCOPES.map((scope) => (
        <div key={scope} className="api-key-scope">
          <input
            type="radio"
            id={`${id}-${scope}`}
            name={id}
            value={scope}
            checked={value === scope}
            ref={value === scope ? inputRef : undefined}
            aria-describedby={`${id}-${scope}-hint`}
            onChange={() => onChange({ target: { value: scope } })}
          />{' '}
          <label htmlFor={`${id}-${scope}`}>{t(`account.settings.apiKeys.scopes.${scope}.label`)}</label>
          <FieldNotes id={`${id}-${scope}`} hint={t(`account.settings.apiKeys.scopes.${scope}.hint`)} />
        </div>
      ))}
      <FieldNotes id={id} error={error} />
    </fieldset>
  );
}

/** A key just made: its secret, shown this once. */
function NewKeySecret({ made }: { made: NewApiKey }) {
  const { t } = useTranslation();
  return (
    <SecretShownOnce
      id="settings-api-key-secret"
      testId="api-key"
      dataId={made.id}
      secret={made.secret}
      message={t('account.settings.apiKeys.made', { name: made.name, date: whenInWords(made.expiresAt, 'date') })}
      texts={{ label: t('account.settings.apiKeys.secret'), copy: t('account.settings.apiKeys.copy'), copied: t('account.settings.apiKeys.copied'), copyFailed: t('account.settings.apiKeys.copyFailed') }}
    />
  );
}
