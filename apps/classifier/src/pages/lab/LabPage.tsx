import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LabTable } from '../../components/LabTable';
import { LoadedList } from '../../components/LoadedList';
import { FormField, TextAreaField } from '../../components/FormField';
import { SignInForLab } from '../../components/SignInForLab';
import { problemAtFields, showAccountNotice, useSession } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { keptDrafts } from '../../lib/keptDrafts';
import { labProjects, type LabProject } from '../../lib/lab';
import { reportedCommentsPath, reportedSubjectsPath } from '@chorus/client';
import { LAB, Link, labProjectPath, navigate } from '../../lib/router';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';

/** `/lab`: the projects the signed-in researcher works on, with their role, and a form to create one. */
export function LabPage() {
  const { t } = useTranslation();
  const volunteer = useSession();
  useDocumentTitle(t('lab.title'));
  if (volunteer.kind !== 'registered' || !volunteer.userId) return <SignInForLab title={t('lab.title')} here={LAB} />;
  return (
    <div className="page page-lab" data-testid="lab">
      <h1 tabIndex={-1}>{t('lab.title')}</h1>
      <p className="lead">{t('lab.lead')}</p>
      <YourProjects userId={volunteer.userId} />
      <CreateProjectForm userId={volunteer.userId} />
    </div>
  );
}

function YourProjects({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  // Asked again for another account signed in on this page.
  const { data: projects, problem, reload } = useLoaded(() => labProjects(client), [client, userId]);
  return (
    <section className="lab-section" aria-labelledby="lab-projects-heading">
      <h2 id="lab-projects-heading">{t('lab.projects.title')}</h2>
      <LoadedList items={projects} problem={problem} reload={reload} loading={t('lab.projects.loading')} empty={t('lab.projects.none')}>
        {(listed) => <ProjectTable projects={listed} />}
      </LoadedList>
    </section>
  );
}

function ProjectTable({ projects }: { projects: LabProject[] }) {
  const { t } = useTranslation();
  return (
    <LabTable data-testid="lab-projects">
      <thead>
        <tr>
          <th scope="col">{t('lab.projects.project')}</th>
          <th scope="col">{t('lab.projects.role')}</th>
          <th scope="col">{t('lab.projects.status')}</th>
        </tr>
      </thead>
      <tbody>
        {projects.map((project) => (
          <tr key={project.id} data-project-slug={project.slug}>
            <th scope="row">
              <Link to={labProjectPath(project.slug)}>{project.title}</Link>
              <OpenReportsBadge project={project} />
              {project.cameWithChorus && (
                <>
                  {' '}
                  <span className="badge">{t('lab.projects.cameWithChorus')}</span>
                </>
              )}
            </th>
            <td>{t(`account.settings.invitations.roles.${project.role}`)}</td>
            <td>{t(`home.status.${project.status}`)}</td>
          </tr>
        ))}
      </tbody>
    </LabTable>
  );
}

/**
 * How many reported comments and subjects wait for the project's moderators, to them only (the API gives them nobody
 * else), as links to where they are listed: the project's reported comments when some are open, and the reported
 * subjects of each workflow with some open (the report mails link to the same places).
 */
function OpenReportsBadge({ project }: { project: LabProject }) {
  const { t } = useTranslation();
  const open = project.openReports;
  if (!open || open.comments + open.subjects === 0) return null;
  const workflowName = (id: string) => project.workflows.find((workflow) => workflow.id === id)?.name ?? id;
  return (
    <span className="button-row" data-testid="lab-project-open-reports">
      {open.comments > 0 && (
        <Link to={reportedCommentsPath(project.slug)} className="badge badge-caution">
          {t('lab.projects.openCommentReports', { count: open.comments })}
        </Link>
      )}
      {open.subjectWorkflows.map((id) => (
        <Link key={id} to={reportedSubjectsPath(id)} className="badge badge-caution">
          {t('lab.projects.openSubjectReports', { workflow: workflowName(id) })}
        </Link>
      ))}
    </span>
  );
}

const PROJECT_FIELDS = ['title', 'slug', 'description'] as const;
type ProjectDraft = Record<(typeof PROJECT_FIELDS)[number], string>;
const NO_PROJECT: ProjectDraft = { title: '', slug: '', description: '' };

/** What the researcher typed into "Create a project" and has not created yet, per account, in this browser's storage. */
const projectDrafts = keptDrafts('newProject', (kept): ProjectDraft | null => {
  try {
    const draft = JSON.parse(kept) as Partial<Record<string, unknown>> | null;
    if (!draft || typeof draft !== 'object') return null;
    return Object.fromEntries(PROJECT_FIELDS.map((name) => [name, typeof draft[name] === 'string' ? draft[name] : ''])) as ProjectDraft;
  } catch {
    return null;
  }
});

/**
 * A new project, a draft until the researcher opens it to volunteers: the lab's page for it opens once made. What is
 * typed is kept until the project is created (or the form cleared), as a definition's edit is: a reload or Back
 * gives it back, and says so.
 */
function CreateProjectForm({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const [kept] = useState(() => projectDrafts.read(userId));
  const form = useForm(kept ?? NO_PROJECT, PROJECT_FIELDS);
  const { title, slug, description } = form.values;
  useEffect(() => {
    projectDrafts.keep(userId, title || slug || description ? { title, slug, description } : null);
  }, [userId, title, slug, description]);
  const restored = kept !== null && PROJECT_FIELDS.every((name) => form.values[name] === kept[name]);
  const clear = () => {
    for (const name of PROJECT_FIELDS) form.setValue(name, '');
    document.getElementById('lab-project-title')?.focus(); // the notice and its button go: the keyboard goes on from the form
  };
  const submit = form.onSubmit({
    check: (t) => (form.values.title.trim() ? {} : { title: t('lab.create.titleMissing') }),
    send: async () => {
      const project = await client.createProject({ title, description, ...(slug.trim() ? { slug: slug.trim() } : {}) });
      projectDrafts.keep(userId, null);
      navigate(labProjectPath(project.slug));
      showAccountNotice((t) => t('lab.create.done', { title: project.title }), labProjectPath(project.slug));
    },
    refused: (error) => problemAtFields(error, PROJECT_FIELDS),
  });
  return (
    <section className="lab-section" aria-labelledby="lab-create-heading">
      <h2 id="lab-create-heading">{t('lab.create.title')}</h2>
      <ErrorAlert problem={form.problem} focus />
      {restored && (
        <p className="notice" data-testid="lab-create-restored">
          {t('lab.create.restored')}{' '}
          <button type="button" className="button button-secondary" onClick={clear}>
            {t('lab.create.discard')}
          </button>
        </p>
      )}
      <form className="account-form" noValidate aria-labelledby="lab-create-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="lab-project-title" label={t('lab.fields.title')} maxLength={200} {...form.field('title')} />
        <FormField id="lab-project-slug" label={t('lab.fields.slug')} hint={t('lab.fields.slugHint')} autoCapitalize="none" spellCheck={false} maxLength={100} {...form.field('slug')} />
        <TextAreaField id="lab-project-description" label={t('lab.fields.description')} hint={t('lab.fields.descriptionHint')} rows={3} {...form.field('description')} />
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('lab.create.submitting') : t('lab.create.submit')}
        </button>
      </form>
    </section>
  );
}
