import type { WorkflowView } from '@chorus/client';
import { WORKFLOW_NAME_LENGTH } from '@chorus/tasks';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CheckboxField, FormField, SelectField } from '../../components/FormField';
import { SubmitOrCancel } from '../../components/SubmitOrCancel';
import { problemAtFields, showAccountNotice } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { messageAt } from '../../lib/definitionPlaces';
import { useFocusOnClose } from '../../lib/focus';
import { copyTargets, labProjects } from '../../lib/lab';
import { labWorkflowPath, navigate } from '../../lib/router';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';

/**
 * A new draft workflow from the definition of one of the workflow's versions (`version`), for a project's next phase,
 * say, or for another project the researcher works on (`POST /workflows/:id/copies`): named here first ("Copy of …", in
 * the reader's language: the API keeps names as they are sent). In the same project it serves the workflow's subject
 * sets unless the researcher unticks them; in another it serves none. What the definition names of sets the copy does
 * not serve is left out by the API, and said once the copy's page opens. Only the definition is copied (no
 * classification, progress or earlier version). Escape, as Cancel, sends nothing. `id` tells this form's fields from
 * another one open on the page.
 */
export function CopyWorkflowForm({ id, workflow, version, definition, onCancel }: { id: string; workflow: WorkflowView; version: number; definition: WorkflowView['definition']; onCancel: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  // "Copy of" may take a long name past the most a name holds: cut there, for the researcher to see and change.
  const form = useForm({ name: t('lab.copyWorkflow.defaultName', { name: definition.name }).slice(0, WORKFLOW_NAME_LENGTH), projectId: workflow.projectId }, ['name', 'projectId'] as const);
  const [keepSets, setKeepSets] = useState(true);
  // Chosen among the projects the researcher may edit, this one first; with none but this one, there is nothing to choose.
  const { data: projects } = useLoaded(() => labProjects(client), [client]);
  const targets = copyTargets(projects ?? [], workflow.projectId);
  const sameProject = form.values.projectId === workflow.projectId;
  const sets = workflow.subjectSetIds;
  // Opened by a button, the keyboard goes on to the name it may change.
  useEffect(() => document.getElementById(`${id}-name`)?.focus(), [id]);
  const submit = form.onSubmit({
    check: (t) => (form.values.name.trim() ? {} : { name: t('lab.workflows.nameMissing') }),
    send: async () => {
      const name = form.values.name.trim();
      const where = sameProject ? { linkSubjectSets: keepSets } : { projectId: form.values.projectId };
      const copy = await client.copyWorkflow(workflow.id, { name, version, ...where });
      navigate(labWorkflowPath(copy.id));
      showAccountNotice(
        (t) => [t('lab.copyWorkflow.created', { name, version, from: workflow.name }), ...(copy.dropped.length ? [t('lab.copyWorkflow.dropped', { count: copy.dropped.length })] : [])].join(' '),
        labWorkflowPath(copy.id),
      );
    },
    refused: (error) => problemAtFields(error, ['name', 'projectId'] as const, messageAt),
  });
  return (
    <div className="notice" data-testid="lab-copy-workflow-form">
      <h3 id={`${id}-heading`}>{t('lab.copyWorkflow.heading', { version })}</h3>
      <ErrorAlert problem={form.problem} focus />
      <form
        className="account-form"
        noValidate
        aria-labelledby={`${id}-heading`}
        onSubmit={(event) => void submit(event)}
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          event.preventDefault();
          onCancel();
        }}
      >
        <FormField id={`${id}-name`} label={t('lab.copyWorkflow.nameField')} hint={t('lab.copyWorkflow.nameHint')} maxLength={WORKFLOW_NAME_LENGTH} {...form.field('name')} />
        {targets.length > 1 && (
          <SelectField id={`${id}-project`} label={t('lab.copyWorkflow.projectField')} hint={t('lab.copyWorkflow.projectHint')} {...form.field('projectId')}>
            {targets.map((project) => (
              <option key={project.id} value={project.id}>
                {project.title ?? t('lab.copyWorkflow.thisProject')}
              </option>
            ))}
          </SelectField>
        )}
        {sameProject && sets.length > 0 && (
          <CheckboxField
            id={`${id}-sets`}
            label={t('lab.copyWorkflow.keepSets', { count: sets.length })}
            hint={t('lab.copyWorkflow.keepSetsHint')}
            checked={keepSets}
            onChange={(event) => setKeepSets(event.target.checked)}
          />
        )}
        <SubmitOrCancel submit={form.busy ? t('lab.saving') : t('lab.copyWorkflow.create')} cancel={t('lab.copyWorkflow.cancel')} busy={form.busy} onCancel={onCancel} />
      </form>
    </div>
  );
}

/** "Copy the workflow": `CopyWorkflowForm` from its current version, opened by a button that the keyboard comes back to on Cancel. */
export function CopyWorkflowSection({ workflow }: { workflow: WorkflowView }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const focusButtonOnClose = useFocusOnClose(open, button);
  const close = () => {
    focusButtonOnClose();
    setOpen(false);
  };
  return (
    <section className="lab-section" aria-labelledby="lab-copy-workflow-heading">
      <h2 id="lab-copy-workflow-heading">{t('lab.copyWorkflow.title')}</h2>
      <p>{t('lab.copyWorkflow.lead')}</p>
      {open ? (
        <CopyWorkflowForm id="lab-copy-workflow" workflow={workflow} version={workflow.version} definition={workflow.definition} onCancel={close} />
      ) : (
        <button type="button" id="lab-copy-workflow-open" ref={button} className="button button-secondary" onClick={() => setOpen(true)}>
          {t('lab.copyWorkflow.title')}
        </button>
      )}
    </section>
  );
}
