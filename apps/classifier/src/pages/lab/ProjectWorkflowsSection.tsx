import type { ProjectView } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormField } from '../../components/FormField';
import { LabTable } from '../../components/LabTable';
import { WorkflowProgress } from '../../components/WorkflowProgress';
import { problemAtFields, showAccountNotice } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { isResearcher, starterWorkflow } from '../../lib/lab';
import { Link, labCheckPath, labWorkflowPath, navigate } from '../../lib/router';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';

/**
 * The project's workflows with their status, version and progress, and a form to start a new one (researchers); a
 * reviewer, who has no workflow page, checks each workflow's transcriptions from here.
 */
export function ProjectWorkflowsSection({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const client = useClient();
  const reviewer = project.role === 'reviewer';
  const { data: stats, problem } = useLoaded(() => Promise.all(project.workflows.map((workflow) => client.stats(workflow.id))), [client, project]);
  return (
    <section className="lab-section" aria-labelledby="lab-workflows-heading">
      <h2 id="lab-workflows-heading">{t('lab.workflows.title')}</h2>
      <ErrorAlert problem={problem} />
      {project.workflows.length === 0 ? (
        <p>{t('lab.workflows.none')}</p>
      ) : (
        <LabTable data-testid="lab-workflows">
          <thead>
            <tr>
              <th scope="col">{t('lab.workflows.name')}</th>
              <th scope="col">{t('lab.workflows.status')}</th>
              <th scope="col">{t('lab.workflows.version')}</th>
              <th scope="col">{t('lab.workflows.progress')}</th>
              {reviewer && <th scope="col">{t('lab.workflows.check')}</th>}
            </tr>
          </thead>
          <tbody>
            {project.workflows.map((workflow, index) => (
              <tr key={workflow.id} data-workflow-id={workflow.id}>
                <th scope="row">{reviewer ? workflow.name : <Link to={labWorkflowPath(workflow.id)}>{workflow.name}</Link>}</th>
                <td>{t(`lab.workflowStatus.${workflow.status}`)}</td>
                <td>{workflow.version}</td>
                <td>{stats?.[index] && <WorkflowProgress stats={stats[index]} />}</td>
                {reviewer && (
                  <td>
                    <Link to={labCheckPath(workflow.id)}>{t('lab.workflows.checkTranscriptions')}</Link>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </LabTable>
      )}
      {isResearcher(project.role) && <CreateWorkflowForm projectId={project.id} />}
    </section>
  );
}

/** A new workflow, named here, starting from one yes/no question: its page opens on the editor to design it. */
function CreateWorkflowForm({ projectId }: { projectId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ name: '' }, ['name'] as const);
  const submit = form.onSubmit({
    check: (t) => (form.values.name.trim() ? {} : { name: t('lab.workflows.nameMissing') }),
    send: async () => {
      const { id, version } = await client.createWorkflow(projectId, starterWorkflow(form.values.name.trim()));
      navigate(labWorkflowPath(id));
      showAccountNotice((t) => t('lab.workflows.created', { name: form.values.name.trim(), version }), labWorkflowPath(id));
    },
    refused: (error) => problemAtFields(error, ['name'] as const),
  });
  return (
    <>
      <h3 id="lab-new-workflow-heading">{t('lab.workflows.new')}</h3>
      <ErrorAlert problem={form.problem} focus />
      <form className="account-form" noValidate aria-labelledby="lab-new-workflow-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="lab-workflow-name" label={t('lab.workflows.nameField')} hint={t('lab.workflows.nameHint')} maxLength={200} {...form.field('name')} />
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('lab.saving') : t('lab.workflows.create')}
        </button>
      </form>
    </>
  );
}
