import { ChorusApiError, type ProjectView } from '@chorus/client';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../components/Breadcrumb';
import { ErrorAlert } from '../components/ErrorAlert';
import { NothingHere } from '../components/NothingHere';
import { FieldGuideDialog } from '../components/FieldGuideDialog';
import { ProjectWorkflows } from '../components/ProjectWorkflows';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { projectPath, replacePath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';

/**
 * A project's own page (`/projects/:slug`, the address researchers share): its whole description, its field guide,
 * and the workflows a volunteer can join now.
 */
export function ProjectPage({ projectSlug }: { projectSlug: string }) {
  const client = useClient();
  const [project, setProject] = useState<ProjectView | null>(null);
  const [missing, setMissing] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [guideOpen, setGuideOpen] = useState(false);
  const { t } = useTranslation();
  useDocumentTitle(missing ? t('project.notFoundTitle') : (project?.title ?? t('project.documentTitleLoading')));

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger; "Try again" bumps it to load the project again
  useEffect(() => {
    let cancelled = false;
    client.getProject(projectSlug).then(
      (found) => {
        if (cancelled) return;
        setProject(found);
        // An address from before the researchers changed the project's slug: show the one it has now.
        if (found.slug !== projectSlug) replacePath(projectPath(found.slug));
      },
      (error: unknown) => {
        if (cancelled) return;
        // No such project, or none the volunteer may see (a draft): trying again cannot help.
        if (error instanceof ChorusApiError && (error.status === 404 || error.status === 403)) setMissing(true);
        else setProblem(describeError(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, projectSlug, attempt]);

  if (missing) return <NothingHere testId="project-not-found" title={t('project.notFoundTitle')} body={t('project.notFound')} />;

  const retry = () => {
    setProblem(null);
    setAttempt((n) => n + 1);
  };
  const fieldGuide = project?.fieldGuide.trim() ?? '';
  return (
    <div className="page page-project">
      <Breadcrumb here={project?.title ?? projectSlug} />
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={retry}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {project ? (
        <article className="project-page" data-project-slug={project.slug}>
          <h1 tabIndex={-1}>
            {project.title}
            {project.status !== 'live' && <span className="badge">{t(`home.status.${project.status}`)}</span>}
          </h1>
          {project.description && <p className="project-description">{project.description}</p>}
          {fieldGuide && (
            <>
              <p>
                <button type="button" className="button button-secondary" onClick={() => setGuideOpen(true)}>
                  {t('project.fieldGuide')}
                </button>
              </p>
              <FieldGuideDialog open={guideOpen} onClose={() => setGuideOpen(false)} guide={fieldGuide} />
            </>
          )}
          <h2>{t('project.workflows')}</h2>
          <ProjectWorkflows project={project} />
        </article>
      ) : (
        !problem && (
          <p className="loading" role="status">
            {t('project.loading')}
          </p>
        )
      )}
    </div>
  );
}
