import type { ProjectView, WorkflowSaved, WorkflowView } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { showAccountNotice } from '../../lib/account';
import { workflowSaveRefused } from '../../lib/lab';
import { useClient } from '../../lib/clientContext';
import { labWorkflowPath } from '../../lib/router';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';

/**
 * Which of the project's subject sets the workflow serves: a box each, saved together. The API takes the sets with a
 * whole definition, so the version saved is sent again with them (the editor's unsaved text is not).
 */
export function WorkflowSubjectSets({
  workflow,
  etag,
  project,
  onSaved,
}: { workflow: WorkflowView; etag: string | undefined; project: ProjectView; onSaved: (etag: string | undefined, saved: WorkflowSaved) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem } = useLoaded(() => client.subjectSets(project.id), [client, project.id]);
  const [linked, setLinked] = useState(() => new Set(workflow.subjectSetIds));
  const form = useForm<never>({}, []);
  const submit = form.onSubmit({
    check: () => ({}),
    send: async () => {
      const sets = [...linked];
      const { saved, etag: now } = await client.updateWorkflowForEdit(workflow.id, { ...workflow.definition, subjectSetIds: sets }, etag);
      showAccountNotice(t('lab.links.saved', { count: sets.length }), labWorkflowPath(workflow.id));
      onSaved(now, saved);
    },
    refused: workflowSaveRefused,
  });
  const toggle = (id: string, on: boolean) =>
    setLinked((now) => {
      const next = new Set(now);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const sets = data?.subjectSets ?? [];
  // Saved apart from the definition, which researchers often save instead: a box ticked and not saved is said.
  const saved = new Set(workflow.subjectSetIds);
  const unsaved = linked.size !== saved.size || [...linked].some((id) => !saved.has(id));
  return (
    <section className="lab-section" aria-labelledby="lab-links-heading">
      <h2 id="lab-links-heading">{t('lab.links.title')}</h2>
      <ErrorAlert problem={problem ?? form.problem} focus={!problem} />
      {data && sets.length === 0 ? (
        <p>{t('lab.links.noSets')}</p>
      ) : (
        <form className="account-form" noValidate aria-labelledby="lab-links-heading" onSubmit={(event) => void submit(event)}>
          <fieldset className="lab-checkboxes">
            <legend>{t('lab.links.legend')}</legend>
            {sets.map((set) => (
              <label key={set.id}>
                <input type="checkbox" checked={linked.has(set.id)} onChange={(event) => toggle(set.id, event.target.checked)} />{' '}
                {t('lab.links.set', { name: set.name, count: set.subjects })}
              </label>
            ))}
          </fieldset>
          <p className="field-hint" role="status" data-testid="lab-links-unsaved">
            {unsaved ? t('lab.links.unsaved') : ''}
          </p>
          <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
            {form.busy ? t('lab.saving') : t('lab.links.save')}
          </button>
        </form>
      )}
    </section>
  );
}
