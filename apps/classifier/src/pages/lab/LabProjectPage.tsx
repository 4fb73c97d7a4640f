import { ADMINISTRATOR_ROLES, type ProjectStatus, type ProjectView, projectStatusSchema } from '@chorus/client';
import { LONGEST_ALT, LONGEST_MEDIA_URL, isLanguageTag } from '@chorus/tasks';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../../components/Breadcrumb';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loaded } from '../../components/Loaded';
import { FieldNotes, FormField, SelectField, TextAreaField, describedBy } from '../../components/FormField';
import { NothingHere } from '../../components/NothingHere';
import { ProjectImage } from '../../components/ProjectImage';
import { SignInForLab } from '../../components/SignInForLab';
import { problemAtFields, showAccountNotice, useSession } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { inLab, isResearcher } from '../../lib/lab';
import { languageName } from '../../lib/languageName';
import { REOPEN_WAIT_DAYS } from '../../lib/reopenTries';
import { LAB, Link, labProjectPath, projectPath, replacePath } from '../../lib/router';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { usePreviewsAskFirst } from './PreviewsAskFirst';
import { ProjectWorkflowsSection } from './ProjectWorkflowsSection';
import { SubjectSetsSection } from './SubjectSetsSection';
import { TeamSection } from './TeamSection';
import { ActivitySection } from './ActivitySection';
import { ExcludedVolunteersSection } from './ExcludedVolunteers';
import { ContributorsSection } from './ContributorsSection';
import { type CommentAuthor, CommentBansSection } from './CommentBans';
import { type CommentsAsked, DiscussionsSection } from './DiscussionsSection';
import { NewsSection } from './NewsSection';
import { AboutPagesSection } from './AboutPagesSection';
import { WebhooksSection } from './WebhooksSection';
import { ReportedCommentsSection } from './ReportedCommentsSection';
import { whenInWords } from '../../lib/formats';

/**
 * `/lab/projects/:slug`: a project's details, its subject sets and uploads, its workflows, its team, and its subjects'
 * discussions (the comments volunteers reported, and the recent ones); for its moderators, its workflows, where they
 * moderate, and the discussions; for its reviewers, its workflows, whose transcriptions they check.
 */
export function LabProjectPage({ projectSlug }: { projectSlug: string }) {
  const { t } = useTranslation();
  const volunteer = useSession();
  if (volunteer.kind !== 'registered' || !volunteer.userId) return <SignInForLab title={t('lab.title')} here={labProjectPath(projectSlug)} />;
  return <LabProject projectSlug={projectSlug} userId={volunteer.userId} />;
}

function LabProject({ projectSlug, userId }: { projectSlug: string; userId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data: project, problem, missing, reload } = useLoaded(() => client.getProject(projectSlug), [client, projectSlug]);
  useDocumentTitle(project ? t('lab.project.documentTitle', { title: project.title }) : t('lab.title'));
  // A slug the project had before, or one just changed here: the address shows the one it has now.
  useEffect(() => {
    if (project && project.slug !== projectSlug) replacePath(labProjectPath(project.slug));
  }, [project, projectSlug]);

  // A live project opens to anyone: its lab page only to its researchers, moderators and reviewers.
  if (missing || (project && !inLab(project.role))) return <NothingHere testId="lab-project-not-found" title={t('project.notFoundTitle')} body={t('lab.project.notFound')} />;
  return (
    <div className="page page-lab" data-testid="lab-project">
      <Breadcrumb up={[{ to: LAB, label: t('lab.title') }]} here={project?.title ?? projectSlug} />
      <Loaded data={project} problem={problem} reload={reload} loading={t('project.loading')}>
        {(project) => (
          <>
            <h1 tabIndex={-1}>
              {project.title}{' '}
              <span className="badge">{t(`home.status.${project.status}`)}</span>
            </h1>
            {project.takenDownAt && (
              <OperatorsNotice id="lab-taken-down" title={t('lab.project.takenDownTitle')} text={t('lab.project.takenDown', { when: whenInWords(project.takenDownAt) })} reason={project.takenDownReason} />
            )}
            {project.imageRemovedAt && (
              <OperatorsNotice id="lab-image-removed" title={t('lab.project.imageRemovedTitle')} text={t('lab.project.imageRemoved', { when: whenInWords(project.imageRemovedAt) })} reason={project.imageRemovedReason} />
            )}
            {project.cameWithChorus && isResearcher(project.role) && (
              <section className="notice" aria-labelledby="lab-demo-heading" data-testid="lab-demo">
                <h2 id="lab-demo-heading">{t('lab.project.demoTitle')}</h2>
                <p>{t('lab.project.demo')}</p>
              </section>
            )}
            <p>
              <Link to={projectPath(project.slug)}>{t('lab.project.volunteersView')}</Link>
            </p>
            {isResearcher(project.role) ? (
              <>
                {project.role && ADMINISTRATOR_ROLES.includes(project.role) && <ProjectDetailsForm project={project} onSaved={reload} />}
                <SubjectSetsSection projectId={project.id} projectSlug={project.slug} />
                <ProjectWorkflowsSection project={project} />
                <ActivitySection project={project} />
                <NewsSection project={project} />
                {project.role && ADMINISTRATOR_ROLES.includes(project.role) && <AboutPagesSection project={project} />}
                <TeamSection project={project} userId={userId} onOwnRoleChanged={reload} />
                <ExcludedVolunteersSection project={project} />
                <ContributorsSection project={project} />
                {project.role && ADMINISTRATOR_ROLES.includes(project.role) && <WebhooksSection project={project} />}
                <CommentModeration project={project} />
              </>
            ) : project.role === 'reviewer' ? (
              <>
                <p className="lead">{t('lab.project.reviewerLead')}</p>
                <ProjectWorkflowsSection project={project} />
              </>
            ) : (
              <>
                <p className="lead" data-testid="lab-moderator-lead">{t('lab.project.moderatorLead')}</p>
                <ProjectWorkflowsSection project={project} />
                <CommentModeration project={project} />
              </>
            )}
          </>
        )}
      </Loaded>
    </div>
  );
}

/**
 * The project's discussions as its moderators and researchers handle them: the reported comments, the recent ones (or
 * one volunteer's, asked for by "Their comments" of a reported comment or a ban), and the volunteers stopped from
 * commenting.
 */
function CommentModeration({ project }: { project: ProjectView }) {
  // A comment hidden in one of the two comment sections is read again in the other.
  const [discussionChanges, setDiscussionChanges] = useState(0);
  const [reportChanges, setReportChanges] = useState(0);
  const [banChanges, setBanChanges] = useState(0);
  // What the recent comments were last asked to show (null: nothing asked yet), a new object each time so that asking
  // again moves focus again; another author's are another list, started afresh rather than the old one shown meanwhile.
  const [asked, setAsked] = useState<CommentsAsked | null>(null);
  const showTheirs = (author: CommentAuthor) => setAsked({ author });
  return (
    <>
      <ReportedCommentsSection project={project} changes={discussionChanges} onChanged={() => setReportChanges((n) => n + 1)} onBanned={() => setBanChanges((n) => n + 1)} onTheirComments={showTheirs} />
      <DiscussionsSection
        key={asked?.author?.id ?? 'all'}
        project={project}
        changes={reportChanges}
        onChanged={() => setDiscussionChanges((n) => n + 1)}
        asked={asked}
        onAllComments={() => setAsked({ author: null })}
      />
      <CommentBansSection project={project} changes={banChanges} onTheirComments={showTheirs} />
    </>
  );
}

const DETAIL_FIELDS = ['title', 'description', 'imageUrl', 'imageAlt', 'language', 'languageTag', 'status'] as const;
/** The languages the project language field offers by name (any other is typed as its tag). */
const COMMON_LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'pt', 'nl', 'pl', 'sv', 'da', 'fi', 'cy', 'ru', 'uk', 'el', 'tr', 'ar', 'he', 'fa', 'ur', 'hi', 'bn', 'sw', 'zh', 'ja', 'ko', 'th', 'vi', 'id', 'la'];
/** The language field's choice of a language named by its tag, below it. */
const OTHER_LANGUAGE = 'other';
/** An image address the preview tries, once the researcher leaves its field: an https one (the API takes no other). */
const PREVIEWED = /^https:\/\/[^/\s]+/i;
/** The project's status field, which a workflow's page links to (`#…`) while the project is not live. */
export const PROJECT_STATUS_FIELD = 'lab-details-status';

/** What the API lets its administrators change of a project here: title, description, image, language, status and whether it publishes results. */
function ProjectDetailsForm({ project, onSaved }: { project: ProjectView; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const common = COMMON_LANGUAGES.includes(project.language);
  const form = useForm(
    { title: project.title, description: project.description, imageUrl: project.imageUrl ?? '', imageAlt: project.imageAlt ?? '', language: common ? project.language : OTHER_LANGUAGE, languageTag: common ? '' : project.language, status: project.status },
    DETAIL_FIELDS,
  );
  const other = form.values.language === OTHER_LANGUAGE;
  const [resultsPublic, setResultsPublic] = useState(project.resultsPublic);
  // The address the preview loads: the one left in the field, not each one typed on the way (each a request to its host).
  const [previewed, setPreviewed] = useState(project.imageUrl ?? '');
  const shownPreview = PREVIEWED.test(previewed) && previewed === form.values.imageUrl.trim();
  // Come from a workflow's page to make the project live: the keyboard (and the view) starts at the status.
  useEffect(() => {
    if (window.location.hash === `#${PROJECT_STATUS_FIELD}`) document.getElementById(PROJECT_STATUS_FIELD)?.focus();
  }, []);
  const submit = form.onSubmit({
    check: (t) => ({
      ...(form.values.title.trim() ? {} : { title: t('lab.create.titleMissing') }),
      ...(form.values.imageUrl.trim() && !form.values.imageAlt.trim() ? { imageAlt: t('lab.fields.imageAltMissing') } : {}),
      ...(other && !isLanguageTag(form.values.languageTag.trim()) ? { languageTag: t('lab.fields.languageTagInvalid') } : {}),
    }),
    send: async () => {
      const { title, description, status } = form.values;
      const language = other ? form.values.languageTag.trim() : form.values.language;
      const imageUrl = form.values.imageUrl.trim() || null;
      // No image: none is sent, or its taking away (which takes its description with it).
      const image = imageUrl ? { imageUrl, imageAlt: form.values.imageAlt } : project.imageUrl ? { imageUrl } : {};
      const saved = await client.updateProject(project.id, { title, description, ...image, language, status: status as ProjectStatus, resultsPublic });
      // Live with nothing to classify: every volunteer who opens it is told no workflow is open.
      const empty = saved.status === 'live' && !saved.workflows.some((workflow) => workflow.status === 'active');
      showAccountNotice((t) => {
        const said = t('lab.project.saved', { title: saved.title, status: t(`home.status.${saved.status}`) });
        return empty ? `${said} ${t('lab.project.liveWithoutWorkflow')}` : said;
      }, labProjectPath(saved.slug));
      onSaved();
    },
    refused: (error) => {
      const refusal = problemAtFields(error, DETAIL_FIELDS);
      // A tag typed is refused at the field it was typed in.
      const { language, ...fields } = refusal.fields;
      return other && language ? { ...refusal, fields: { ...fields, languageTag: language } } : refusal;
    },
  });
  /** Made live while previews of its subjects did not load in this browser: asked first. */
  const ask = usePreviewsAskFirst(project.id, 'live', () => document.getElementById('lab-details-save')?.focus());
  const submitOrAsk = (event: FormEvent) => {
    if (form.values.status === 'live' && project.status !== 'live') return ask.guard(event, (sent) => void submit(sent));
    void submit(event);
  };
  return (
    <section className="lab-section" aria-labelledby="lab-details-heading">
      <h2 id="lab-details-heading">{t('lab.project.details')}</h2>
      <ErrorAlert problem={form.problem} focus />
      <form className="account-form" noValidate aria-labelledby="lab-details-heading" onSubmit={submitOrAsk}>
        <FormField id="lab-details-title" label={t('lab.fields.title')} maxLength={200} {...form.field('title')} />
        <TextAreaField id="lab-details-description" label={t('lab.fields.description')} hint={t('lab.fields.descriptionHint')} rows={4} {...form.field('description')} />
        <FormField id="lab-details-image-url" type="url" label={t('lab.fields.imageUrl')} hint={t('lab.fields.imageUrlHint')} maxLength={LONGEST_MEDIA_URL} spellCheck={false} autoCapitalize="none" {...form.field('imageUrl')} onBlur={(event) => setPreviewed(event.target.value.trim())} />
        <FormField
          id="lab-details-image-alt"
          label={t('lab.fields.imageAlt')}
          hint={t('lab.fields.imageAltHint')}
          maxLength={LONGEST_ALT}
          {...form.field('imageAlt')}
          warning={form.values.imageAlt.trim() && !form.values.imageUrl.trim() ? t('lab.fields.imageAltWithoutImage') : undefined}
        />
        {shownPreview && (
          <figure className="lab-image-preview" aria-labelledby="lab-details-image-preview">
            <figcaption id="lab-details-image-preview" className="field-label">
              {t('lab.fields.imagePreview')}
            </figcaption>
            <ProjectImage url={previewed} alt={form.values.imageAlt.trim()} language={project.language} />
          </figure>
        )}
        <SelectField id="lab-details-language" label={t('lab.fields.language')} hint={t('lab.fields.languageHint')} {...form.field('language')}>
          {COMMON_LANGUAGES.map((language) => ({ language, name: languageName(language, i18n.language) }))
            .sort((a, b) => a.name.localeCompare(b.name, i18n.language))
            .map(({ language, name }) => (
              <option key={language} value={language}>
                {name}
              </option>
            ))}
          <option value={OTHER_LANGUAGE}>{t('lab.fields.languageOther')}</option>
        </SelectField>
        {other && <FormField id="lab-details-language-tag" label={t('lab.fields.languageTag')} hint={t('lab.fields.languageTagHint')} maxLength={100} spellCheck={false} autoCapitalize="none" {...form.field('languageTag')} />}
        <SelectField id={PROJECT_STATUS_FIELD} label={t('lab.fields.status')} hint={t('lab.fields.statusHint', { days: REOPEN_WAIT_DAYS })} {...form.field('status')}>
          {projectStatusSchema.options.map((status) => (
            <option key={status} value={status}>
              {t(`home.status.${status}`)}
            </option>
          ))}
        </SelectField>
        <div className="field">
          <label className="lab-checkbox">
            <input type="checkbox" id="lab-details-results-public" checked={resultsPublic} {...describedBy({ id: 'lab-details-results-public', hint: t('lab.fields.resultsPublicHint') })} onChange={(event) => setResultsPublic(event.target.checked)} /> {t('lab.fields.resultsPublic')}
          </label>
          <FieldNotes id="lab-details-results-public" hint={t('lab.fields.resultsPublicHint')} />
        </div>
        <button type="submit" id="lab-details-save" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('lab.saving') : t('lab.project.save')}
        </button>
      </form>
      {ask.question}
    </section>
  );
}

/** What the operators of this Chorus did to the project, and their reason, for its team. */
function OperatorsNotice({ id, title, text, reason }: { id: string; title: string; text: string; reason: string | null }) {
  return (
    <section className="notice" aria-labelledby={`${id}-heading`} data-testid={id}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <p>{text}</p>
      <blockquote>{reason}</blockquote>
    </section>
  );
}
