import type { WorkflowSaved, WorkflowView } from '@chorus/client';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextAreaField } from '../../components/FormField';
import { useClient } from '../../lib/clientContext';
import { parseDefinition, prettyJson, workflowSaveRefused } from '../../lib/lab';
import { useForm } from '../../lib/useForm';

/**
 * The workflow's definition as JSON: Save makes a new version when it changed, unless someone saved the workflow since
 * the page read it (`etag`). The API's refusal lists each field by its pointer in the definition (the summary
 * focused); a save's answer says the version now current and its warnings, each by pointer, in a status region.
 */
export function DefinitionEditor({ workflow, etag, onSaved }: { workflow: WorkflowView; etag: string | undefined; onSaved: (etag: string | undefined) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [saved, setSaved] = useState<WorkflowSaved | null>(null);
  const current = prettyJson(workflow.definition);
  const [restored] = useState(() => definitionDrafts.read(workflow.id));
  const form = useForm({ definition: restored ?? current }, ['definition'] as const);
  // Kept on the device while it differs from the version saved: a reload, Back or a link away loses no edit.
  const text = form.values.definition;
  useEffect(() => definitionDrafts.keep(workflow.id, text === current ? null : text), [workflow.id, text, current]);
  const submit = form.onSubmit({
    check: () => {
      const parsed = parseDefinition(form.values.definition);
      return 'error' in parsed ? { definition: parsed.error } : {};
    },
    send: async () => {
      setSaved(null);
      const parsed = parseDefinition(form.values.definition);
      if ('error' in parsed) return;
      const { saved, etag: now } = await client.updateWorkflowForEdit(workflow.id, parsed.definition, etag);
      definitionDrafts.keep(workflow.id, null);
      setSaved(saved);
      onSaved(now);
    },
    refused: workflowSaveRefused,
  });
  return (
    <section className="lab-section" aria-labelledby="lab-definition-heading">
      <h2 id="lab-definition-heading">{t('lab.workflow.definition.title')}</h2>
      <ErrorAlert problem={form.problem} focus />
      <div role="status" data-testid="lab-definition-saved">
        {saved && <SaveAnswer saved={saved} />}
      </div>
      {restored !== null && text === restored && (
        <p className="notice" data-testid="lab-definition-restored">
          {t('lab.workflow.definition.restored')}{' '}
          <button type="button" className="button button-secondary" onClick={() => form.setValue('definition', current)}>
            {t('lab.workflow.definition.discard')}
          </button>
        </p>
      )}
      <form className="account-form" noValidate aria-labelledby="lab-definition-heading" onSubmit={(event) => void submit(event)}>
        <TextAreaField
          id="lab-definition"
          className="lab-definition"
          label={t('lab.workflow.definition.label')}
          hint={t('lab.workflow.definition.hint')}
          rows={20}
          spellCheck={false}
          autoCapitalize="none"
          {...form.field('definition')}
        />
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('lab.saving') : t('lab.workflow.definition.save')}
        </button>
      </form>
    </section>
  );
}

function SaveAnswer({ saved }: { saved: WorkflowSaved }) {
  const { t } = useTranslation();
  return (
    <div className="notice lab-saved">
      <p>{t('lab.workflow.definition.saved', { version: saved.version })}</p>
      {saved.warnings?.length ? (
        <>
          <p>{t('lab.workflow.definition.warnings', { count: saved.warnings.length })}</p>
          <ul data-testid="lab-definition-warnings">
            {saved.warnings.map((warning) => (
              <li key={`${warning.pointer} ${warning.message}`}>{`${warning.pointer}: ${warning.message}`}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** Unsaved edits of workflow definitions, one per workflow, in this browser's storage (none where it is refused). */
const definitionDrafts = {
  key: (workflowId: string) => `chorus.lab.definition.${workflowId}`,
  read(workflowId: string): string | null {
    try {
      return window.localStorage.getItem(this.key(workflowId));
    } catch {
      return null;
    }
  },
  keep(workflowId: string, text: string | null): void {
    try {
      if (text === null) window.localStorage.removeItem(this.key(workflowId));
      else window.localStorage.setItem(this.key(workflowId), text);
    } catch {
      // Storage full or refused: the edit lives in the page only.
    }
  },
};
