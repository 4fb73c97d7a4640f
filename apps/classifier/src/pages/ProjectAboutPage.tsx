import type { AboutPage, AboutPageKind } from '@chorus/client';
import { type KeyboardEvent, useEffect, useRef } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Breadcrumb } from '../components/Breadcrumb';
import { Loaded } from '../components/Loaded';
import { MarkdownView, loadMarkdown } from '../components/MarkdownView';
import { NothingHere } from '../components/NothingHere';
import { useClient } from '../lib/clientContext';
import { Link, aboutPath, projectPath, replacePath } from '../lib/router';
import { researchersWords } from '../lib/textLanguage';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';

/**
 * A project's About pages (`/projects/:slug/about`, each at `/projects/:slug/about/:kind`): the pages its researchers
 * wrote, as tabs (the ARIA tabs pattern: ← → Home End move between them), the one the address names shown, else the
 * first. Choosing a tab puts its address in the address bar, to link to.
 */
export function ProjectAboutPage({ projectSlug, kind }: { projectSlug: string; kind: string | null }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, missing, reload } = useLoaded(async () => {
    const project = await client.getProject(projectSlug);
    return { project, about: await client.aboutPages(project.id) };
  }, [client, projectSlug]);
  const project = data?.project;
  useDocumentTitle(project ? t('about.documentTitle', { project: project.title }) : t('about.title'));
  useEffect(() => {
    loadMarkdown().catch(() => undefined);
  }, []);
  // An address from before the researchers changed the project's slug: show the one it has now.
  useEffect(() => {
    if (project && project.slug !== projectSlug) replacePath(aboutPath(project.slug, kind ?? undefined));
  }, [project, projectSlug, kind]);
  if (missing) return <NothingHere testId="project-not-found" title={t('project.notFoundTitle')} body={t('project.notFound')} />;
  return (
    <div className="page page-about" data-testid="about-page">
      <Breadcrumb up={project ? [{ to: projectPath(project.slug), label: <span {...researchersWords(project.language)}>{project.title}</span> }] : []} here={t('about.title')} />
      <Loaded data={data} problem={problem} reload={reload} loading={t('about.loading')}>
        {({ project, about }) => (
          <>
            <h1 tabIndex={-1}>
              <Trans i18nKey="about.heading" values={{ project: project.title }} components={{ project: <span {...researchersWords(project.language)} /> }} />
            </h1>
            {about.pages.length ? (
              <AboutTabs pages={about.pages} kind={kind} language={about.language} projectSlug={project.slug} />
            ) : (
              <p>
                {t('about.none')} <Link to={projectPath(project.slug)}>{t('about.toProject')}</Link>
              </p>
            )}
          </>
        )}
      </Loaded>
    </div>
  );
}

/** The next tab a key moves to, from tab `at` of `count` (round at either end), if it is one of the tabs' keys. */
function movedTo(key: string, at: number, count: number): number | null {
  if (key === 'ArrowRight') return (at + 1) % count;
  if (key === 'ArrowLeft') return (at - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

/** The pages as tabs, each selected as it takes focus; the panel shows the selected one's Markdown in the project's language. */
function AboutTabs({ pages, kind, language, projectSlug }: { pages: AboutPage[]; kind: string | null; language: string; projectSlug: string }) {
  const { t } = useTranslation();
  const tabs = useRef<Partial<Record<AboutPageKind, HTMLButtonElement | null>>>({});
  const selected = pages.find((page) => page.kind === kind) ?? pages[0]!;
  const select = (page: AboutPage) => replacePath(aboutPath(projectSlug, page.kind));
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const next = movedTo(event.key, pages.indexOf(selected), pages.length);
    if (next === null) return;
    event.preventDefault();
    select(pages[next]!);
    tabs.current[pages[next]!.kind]?.focus();
  };
  return (
    <>
      <div role="tablist" aria-label={t('about.tabs')} className="about-tabs">
        {pages.map((page) => (
          <button
            key={page.kind}
            ref={(tab) => {
              tabs.current[page.kind] = tab;
            }}
            type="button"
            role="tab"
            id={`about-tab-${page.kind}`}
            aria-selected={page === selected}
            aria-controls={`about-panel-${page.kind}`}
            tabIndex={page === selected ? 0 : -1}
            onClick={() => select(page)}
            onKeyDown={onKeyDown}
          >
            {t(`about.kind.${page.kind}`)}
          </button>
        ))}
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the ARIA tabs pattern: Tab from the tab goes into its panel, which may hold no link to take the focus */}
      <div role="tabpanel" id={`about-panel-${selected.kind}`} aria-labelledby={`about-tab-${selected.kind}`} tabIndex={0} className="about-panel" {...researchersWords(language)}>
        <MarkdownView text={selected.content} firstLevel={2} />
      </div>
    </>
  );
}
