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
    const about = project.aboutPages.length === 0 ? { projectId: project.id, language: project.language, pages: [] } : await client.aboutPages(project.id);
    return { project, about };
  }, [client, projectSlug]);
  const project = data?.project;
  const shown = data ? shownPage(data.about.pages, kind) : undefined;
  useDocumentTitle(documentTitle());
  useEffect(() => {
    loadMarkdown().catch(() => undefined);
  }, []);
  // An address from before the researchers changed the project's slug, or naming a page it does not have (unknown, or
  // empty): show the address of what is shown.
  useEffect(() => {
    if (!project) return;
    const named = kind === null ? null : (shown?.kind ?? null);
    if (project.slug !== projectSlug || named !== kind) replacePath(aboutPath(project.slug, named ?? undefined));
  }, [project, projectSlug, kind, shown]);
  function documentTitle(): string {
    if (!project) return t('about.title');
    if (!shown) return t('about.documentTitle', { project: project.title });
    return t('about.tabTitle', { page: t(`about.kind.${shown.kind}`), project: project.title });
  }
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
            {shown ? (
              <AboutTabs pages={about.pages} selected={shown} language={about.language} projectSlug={project.slug} />
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

/** The page the address's `kind` names, else (none named, or one without content) the first; none if it has none. */
function shownPage(pages: AboutPage[], kind: string | null): AboutPage | undefined {
  return pages.find((page) => page.kind === kind) ?? pages[0];
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
function AboutTabs({ pages, selected, language, projectSlug }: { pages: AboutPage[]; selected: AboutPage; language: string; projectSlug: string }) {
  const { t } = useTranslation();
  const tabs = useRef<Partial<Record<AboutPageKind, HTMLButtonElement | null>>>({});
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
