import type { ProjectView } from '@chorus/client';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../components/Breadcrumb';
import { Loaded } from '../components/Loaded';
import { NothingHere } from '../components/NothingHere';
import { FieldGuideDialog } from '../components/FieldGuideDialog';
import { ProjectImage } from '../components/ProjectImage';
import { ProjectWorkflows } from '../components/ProjectWorkflows';
import { ReadableSets, useReadableSets } from '../components/ReadableSets';
import { LatestNews } from '../components/ProjectNews';
import { ProjectBoards } from './BoardPages';
import { MarkdownView, loadMarkdown } from '../components/MarkdownView';
import { useClient } from '../lib/clientContext';
import { Link, aboutPath, discussionsPath, labProjectPath, projectPath, replacePath, statsPath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';
import { researchersWords, ResearchersLanguage } from '../lib/textLanguage';

/**
 * A project's own page (`/projects/:slug`, the address researchers share): its whole description (Markdown), the way to its About pages, its field guide,
 * the workflows a volunteer can join now, the sets that read as a document when it publishes its results, its latest news (and getting it by email); for one of its reviewers, the way to the transcriptions they check.
 */
export function ProjectPage({ projectSlug }: { projectSlug: string }) {
  const client = useClient();
  const { data: project, problem, missing, reload: retry } = useLoaded(() => client.getProject(projectSlug), [client, projectSlug]);
  const [guideOpen, setGuideOpen] = useState(false);
  const { t } = useTranslation();
  useDocumentTitle(missing ? t('project.notFoundTitle') : (project?.title ?? t('project.documentTitleLoading')));
  // Its description is Markdown: its renderer is fetched alongside the project, not once the project is here (a
  // failure to fetch it is said where the description goes, by the part that renders it).
  useEffect(() => {
    loadMarkdown().catch(() => undefined);
  }, []);
  // An address from before the researchers changed the project's slug: show the one it has now.
  useEffect(() => {
    if (project && project.slug !== projectSlug) replacePath(projectPath(project.slug));
  }, [project, projectSlug]);

  if (missing) return <NothingHere testId="project-not-found" title={t('project.notFoundTitle')} body={t('project.notFound')} />;

  const fieldGuide = project?.fieldGuide.trim() ?? '';
  return (
    <div className="page page-project">
      <Breadcrumb here={project ? <span {...researchersWords(project.language)}>{project.title}</span> : projectSlug} />
      <Loaded data={project} problem={problem} reload={retry} loading={t('project.loading')}>
        {(project) => (
          <ResearchersLanguage.Provider value={project.language}>
            <article className="project-page" data-project-slug={project.slug}>
              <h1 tabIndex={-1}>
                <span {...researchersWords(project.language)}>{project.title}</span>
                {project.status !== 'live' && (
                  <>
                    {' '}
                    <span className="badge">{t(`home.status.${project.status}`)}</span>
                  </>
                )}
              </h1>
              {project.imageUrl && <ProjectImage url={project.imageUrl} alt={project.imageAlt ?? ''} language={project.language} wide />}
              {project.description && (
                <div className="project-description" {...researchersWords(project.language)}>
                  <MarkdownView text={project.description} firstLevel={2} />
                </div>
              )}
              {project.aboutPages.length > 0 && (
                <p className="project-about">
                  <Link to={aboutPath(project.slug)} data-testid="project-about-link">
                    {t('project.about')}
                  </Link>
                </p>
              )}
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
              <WorkflowsAndReading project={project} />
              <LatestNews project={project} />
              <ProjectBoards project={project} />
              <p className="project-discussions">
                <Link to={discussionsPath(project.slug)}>{t('project.recentDiscussions')}</Link>
              </p>
              <p className="project-stats">
                <Link to={statsPath(project.slug)} data-testid="project-stats-link">
                  {t('project.stats')}
                </Link>
              </p>
              {project.role === 'reviewer' && (
                <p data-testid="project-check-transcriptions">
                  <Link to={labProjectPath(project.slug)}>{t('project.checkTranscriptions')}</Link>
                </p>
              )}
            </article>
          </ResearchersLanguage.Provider>
        )}
      </Loaded>
    </div>
  );
}

/** The project's workflows with their figures, then its sets that read as a document: every Read link from one answer. */
function WorkflowsAndReading({ project }: { project: ProjectView }) {
  const readable = useReadableSets(project);
  return (
    <>
      <ProjectWorkflows project={project} progress readable={readable} />
      <ReadableSets project={project} sets={readable} />
    </>
  );
}
