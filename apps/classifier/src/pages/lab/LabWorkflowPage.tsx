import { ADMINISTRATOR_ROLES, isProblem, type ProjectView, type WorkflowSaved, type WorkflowView } from '@chorus/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { classificationsNeededAtLeast } from '@chorus/tasks';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../../components/Breadcrumb';
import { ErrorAlert } from '../../components/ErrorAlert';
import { NothingHere } from '../../components/NothingHere';
import { SignInForLab } from '../../components/SignInForLab';
import { WorkflowProgress } from '../../components/WorkflowProgress';
import { problemAtFields, showAccountNotice, useSession } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { isResearcher, moderates } from '../../lib/lab';
import { classifyPath, LAB, Link, labProjectPath, labWorkflowPath } from '../../lib/router';
import { PROJECT_STATUS_FIELD } from './LabProjectPage';
import { PROJECT_TEAM_HEADING } from './TeamSection';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useRefreshesWhileShown } from '../../lib/useRefreshesWhileShown';
import { CopyWorkflowSection } from './CopyWorkflow';
import { DefinitionEditor, type SavedDefinition } from './DefinitionEditor';
import { DeleteWorkflowSection } from './DeleteWorkflowSection';
import { ReaggregationRuns } from './ReaggregationRuns';
import { MediaFailuresSection } from './MediaFailuresSection';
import { usePreviewsAskFirst } from './PreviewsAskFirst';
import { ReportedSubjectsSection } from './ReportedSubjectsSection';
import { TagProposalsSection, type TagsOfSubject } from './TagProposalsSection';
import { WorkflowDownloads } from './WorkflowDownloads';
import { WorkflowHoldsSection } from './WorkflowHoldsSection';
import { WorkflowResultsSection } from './WorkflowResultsSection';
import { WorkflowSubjectSets } from './WorkflowSubjectSets';
import { WorkflowSubjectsSection } from './WorkflowSubjectsSection';
import { WorkflowVersionsSection } from './WorkflowVersionsSection';

/**
 * `/lab/workflows/:id`: a workflow's status, progress, the way to its results subject by subject, its volunteers' holds,
 * definition, subject sets, versions, subjects retired by hand and priorities, the subjects volunteers reported, the tags they
 * proposed, downloads, a copy of it as a new workflow, and its deletion while it is a draft or paused. Its moderators see only what they may use: the reported subjects and the proposed tags.
 */
export function LabWorkflowPage({ workflowId }: { workflowId: string }) {
  const { t } = useTranslation();
  const volunteer = useSession();
  if (volunteer.kind !== 'registered') return <SignInForLab title={t('lab.title')} here={labWorkflowPath(workflowId)} />;
  return <LabWorkflow workflowId={workflowId} />;
}

function LabWorkflow({ workflowId }: { workflowId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const loaded = useLoaded(async () => {
    const { workflow, etag } = await client.getWorkflowForEdit(workflowId);
    return { workflow, etag, project: await client.getProject(workflow.projectId) };
  }, [client, workflowId]);
  const { workflow, etag, project } = loaded.data ?? {};
  // Subjects retired, returned, prioritised or given back here: the progress is read again after each.
  const [subjectChanges, setSubjectChanges] = useState(0);
  // Re-aggregations a save started: the list of runs is read again after each.
  const [runsStarted, setRunsStarted] = useState(0);
  useDocumentTitle(workflow ? t('lab.workflow.documentTitle', { name: workflow.name }) : t('lab.title'));

  // A live project's workflow opens to anyone: its lab page only to those who moderate or research it.
  if (loaded.missing || (project && !moderates(project.role))) return <NothingHere testId="lab-workflow-not-found" title={t('classify.notFoundTitle')} body={t('lab.workflow.notFound')} />;
  return (
    <div className="page page-lab" data-testid="lab-workflow">
      <Breadcrumb up={[{ to: LAB, label: t('lab.title') }, ...(project ? [{ to: labProjectPath(project.slug), label: project.title }] : [])]} here={workflow?.name ?? ''} />
      <ErrorAlert problem={loaded.problem}>
        <button type="button" className="button button-secondary" onClick={loaded.reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {workflow && project ? (
        <>
          <h1 tabIndex={-1}>
            {workflow.name}{' '}
            <span className="badge" data-testid="lab-workflow-status">
              {t(`lab.workflowStatus.${workflow.status}`)}
            </span>
          </h1>
          <p data-testid="lab-workflow-version">{t('lab.workflow.version', { version: workflow.version })}</p>
          {isResearcher(project.role) ? (
            <>
              <p data-testid="lab-workflow-roles">
                {t('lab.workflow.roles')} <Link to={`${labProjectPath(project.slug)}#${PROJECT_TEAM_HEADING}`}>{t('lab.workflow.teamLink')}</Link>
              </p>
              <StatusSection workflow={workflow} project={project} changes={subjectChanges} onChanged={loaded.reload} />
              <MediaFailuresSection workflowId={workflow.id} changes={subjectChanges} />
              <ProgressSection workflow={workflow} changes={subjectChanges} runsStarted={runsStarted} />
              <WorkflowResultsSection workflowId={workflow.id} />
              <WorkflowHoldsSection workflowId={workflow.id} onReleased={() => setSubjectChanges((n) => n + 1)} />
              <WorkflowEdits workflow={workflow} etag={etag} project={project} reload={loaded.reload} onRunStarted={() => setRunsStarted((n) => n + 1)} />
              <WorkflowSubjectsSection workflow={workflow} onChanged={() => setSubjectChanges((n) => n + 1)} />
            </>
          ) : (
            <p className="lead">{t('lab.workflow.moderatorLead')}</p>
          )}
          <Moderation workflow={workflow} projectSlug={project.slug} researcher={isResearcher(project.role)} changes={subjectChanges} onChanged={() => setSubjectChanges((n) => n + 1)} />
          {isResearcher(project.role) && <WorkflowDownloads workflow={workflow} />}
          {isResearcher(project.role) && <CopyWorkflowSection workflow={workflow} />}
          {isResearcher(project.role) && (workflow.status === 'draft' || workflow.status === 'paused') && (
            <DeleteWorkflowSection workflow={workflow} projectPage={labProjectPath(project.slug)} />
          )}
        </>
      ) : (
        !loaded.problem && (
          <p className="loading" role="status">
            {t('classify.loadingWorkflow')}
          </p>
        )
      )}
    </div>
  );
}

/**
 * What volunteers sent that may need a moderator: the subjects they reported, and the tags they proposed where the
 * workflow has tagging tasks (a subject reported for a tag lists its own).
 */
function Moderation({ workflow, projectSlug, researcher, changes, onChanged }: { workflow: WorkflowView; projectSlug: string; researcher: boolean; changes: number; onChanged: () => void }) {
  const tagging = Object.values(workflow.definition.tasks).some((task) => task.type === 'tagging');
  const [tagsOf, setTagsOf] = useState<TagsOfSubject | null>(null);
  const tagsHeading = useRef<HTMLHeadingElement>(null);
  const showTags = (subject: TagsOfSubject | null) => {
    setTagsOf(subject);
    tagsHeading.current?.focus(); // the list below changes: the keyboard goes on from its heading
  };
  return (
    <>
      <ReportedSubjectsSection workflow={workflow} projectSlug={projectSlug} changes={changes} onChanged={onChanged} onShowTags={tagging ? showTags : undefined} mayCorrect={researcher} />
      {tagging && <TagProposalsSection workflow={workflow} subject={tagsOf} onAllSubjects={() => showTags(null)} headingRef={tagsHeading} />}
    </>
  );
}

type StatusChange = 'activate' | 'pause' | 'finish';

/** The changes of status the API allows from this one. */
function changesFrom(status: WorkflowView['status']): StatusChange[] {
  if (status === 'active') return ['pause', 'finish'];
  if (status === 'paused') return ['activate', 'finish'];
  return ['activate'];
}

/**
 * Whether nothing is left to classify (`complete`): as the page read the workflow, then read again after each change
 * of its subjects here (`changes`: retired or returned by hand), without reading the whole workflow (and its editor) again.
 */
function useComplete(workflow: WorkflowView, changes: number): boolean {
  const client = useClient();
  const [complete, setComplete] = useState(workflow.complete);
  useEffect(() => setComplete(workflow.complete), [workflow]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `changes` is the trigger
  useEffect(() => {
    if (!changes) return;
    let current = true;
    client.getWorkflow(workflow.id).then(
      (read) => current && setComplete(read.complete),
      () => undefined, // the status line keeps what it said; the progress below says what failed
    );
    return () => {
      current = false;
    };
  }, [changes]);
  return complete;
}

/**
 * Opening the workflow to volunteers, pausing it, finishing it: a button for each change its status allows; a draft's
 * way to try it, saying that tries never count; and, while its project is not live, that volunteers see none of it.
 */
function StatusSection({ workflow, project, changes, onChanged }: { workflow: WorkflowView; project: ProjectView; changes: number; onChanged: () => void }) {
  const projectSlug = project.slug;
  const { t } = useTranslation();
  const client = useClient();
  const complete = useComplete(workflow, changes);
  const form = useForm<never>({}, []);
  const heading = useRef<HTMLHeadingElement>(null);
  // A refusal is about the workflow as it was: once it changed (its sets linked, say), it may no longer hold.
  const { reset } = form;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `workflow` is the trigger: a new read of it
  useEffect(() => reset(), [workflow]);
  /** Activated while previews of the project's subjects did not load in this browser: asked first. */
  const ask = usePreviewsAskFirst(project.id, 'activate', () => document.getElementById('lab-status-activate')?.focus());
  const change = (to: StatusChange) =>
    form.onSubmit({
      check: () => ({}),
      send: async () => {
        const request = { activate: () => client.activateWorkflow(workflow.id), pause: () => client.pauseWorkflow(workflow.id), finish: () => client.finishWorkflow(workflow.id) }[to];
        const changed = await request();
        showAccountNotice((t) => t('lab.status.changed', { name: changed.name, status: t(`lab.workflowStatus.${changed.status}`) }), labWorkflowPath(workflow.id));
        onChanged();
        heading.current?.focus(); // the button pressed is gone: the keyboard goes on from the section
      },
      refused: (error, t) => (isProblem(error, 'no-subject-set') ? { fields: {}, form: { detail: t('lab.status.noSubjectSet'), fields: [] } } : problemAtFields(error, [] as const)),
    });
  return (
    <section className="lab-section" aria-labelledby="lab-status-heading">
      <h2 id="lab-status-heading" tabIndex={-1} ref={heading}>
        {t('lab.status.title')}
      </h2>
      {project.status !== 'live' && <ProjectNotLive project={project} />}
      <p data-testid="lab-status-explain">{workflow.status === 'active' && complete ? t('lab.status.explain.activeComplete') : t(`lab.status.explain.${workflow.status}`)}</p>
      {workflow.status === 'draft' && (
        <p data-testid="lab-draft-tries">
          <Link to={classifyPath(projectSlug, workflow.id)}>{t('lab.status.tryDraft')}</Link> {t('lab.status.draftTries')}
        </p>
      )}
      <ErrorAlert problem={form.problem} focus />
      <div className="lab-actions">
        {changesFrom(workflow.status).map((to) => (
          <form key={to} noValidate aria-label={t(`lab.status.${to}`)} onSubmit={(event) => (to === 'activate' ? ask.guard(event, (sent) => void change(to)(sent)) : void change(to)(event))}>
            <button type="submit" id={`lab-status-${to}`} className={to === 'activate' ? 'button button-primary' : 'button button-secondary'} aria-disabled={form.busy || undefined}>
              {t(`lab.status.${to}`)}
            </button>
          </form>
        ))}
      </div>
      {ask.question}
    </section>
  );
}

/**
 * An active workflow of a project that is not live serves no volunteer: said first, with the way to the project's
 * status (its administrators') or whom to ask.
 */
function ProjectNotLive({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const status = t(`home.status.${project.status}`);
  return (
    <div className="notice" role="note" data-testid="lab-project-not-live">
      <p>
        <strong>{t('lab.status.projectNotLive', { status })}</strong>{' '}
        {project.role && ADMINISTRATOR_ROLES.includes(project.role) ? (
          <Link to={`${labProjectPath(project.slug)}#${PROJECT_STATUS_FIELD}`}>{t('lab.status.setProjectLive', { title: project.title })}</Link>
        ) : (
          t('lab.status.askProjectLive')
        )}
      </p>
    </div>
  );
}

/** How often an active workflow's progress is read again while its page is shown (a class or a team watching it fill). */
const PROGRESS_REFRESH_MS = 30_000;

/**
 * Subjects retired, classifications and volunteers so far, the team's tries in draft apart (read again after each of
 * `changes`, and every `PROGRESS_REFRESH_MS` while the workflow is active and the page shown, and as it shows again
 * after longer hidden: `useRefreshesWhileShown`), and a re-aggregation on request; the runs listed read again after
 * those and after each run a save started (`runsStarted`).
 */
function ProgressSection({ workflow, changes, runsStarted }: { workflow: WorkflowView; changes: number; runsStarted: number }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data: stats, problem, reload: reloadStats } = useLoaded(() => client.stats(workflow.id), [client, workflow, changes]);
  const [refreshed, setRefreshed] = useState(0);
  const reload = useCallback(() => {
    reloadStats();
    setRefreshed((n) => n + 1);
  }, [reloadStats]);
  const refreshes = useRefreshesWhileShown(PROGRESS_REFRESH_MS, workflow.status === 'active');
  useEffect(() => {
    if (refreshes > 0) reload();
  }, [refreshes, reload]);
  const form = useForm<never>({}, []);
  const reaggregate = form.onSubmit({
    check: () => ({}),
    send: async () => {
      await client.reaggregate(workflow.id);
      showAccountNotice((t) => t('lab.progress.reaggregating'), labWorkflowPath(workflow.id));
      reload();
    },
    refused: (error) => problemAtFields(error, [] as const),
  });
  return (
    <section className="lab-section" aria-labelledby="lab-progress-heading">
      <h2 id="lab-progress-heading">{t('lab.progress.title')}</h2>
      <ErrorAlert problem={problem ?? form.problem} />
      {stats && (
        <>
          <p>
            <WorkflowProgress stats={stats} />
          </p>
          <p>{t('lab.progress.details', { volunteers: stats.volunteers, held: stats.held, gold: stats.goldStandard })}</p>
          {stats.draftTries > 0 && <p data-testid="lab-progress-tries">{t('lab.progress.draftTries', { count: stats.draftTries })}</p>}
          {stats.reaggregating && <p>{t('lab.progress.stillReaggregating')}</p>}
          <TooFewVolunteers workflow={workflow} volunteers={stats.volunteers} />
        </>
      )}
      <div className="lab-actions">
        <button type="button" className="button button-secondary" onClick={reload}>
          {t('lab.progress.refresh')}
        </button>
        <form noValidate aria-label={t('lab.progress.reaggregate')} onSubmit={(event) => void reaggregate(event)}>
          <button type="submit" className="button button-secondary" aria-disabled={form.busy || undefined}>
            {t('lab.progress.reaggregate')}
          </button>
        </form>
      </div>
      <p className="field-hint">{t('lab.progress.reaggregateHint')}</p>
      <ReaggregationRuns workflowId={workflow.id} refreshed={refreshed + changes + runsStarted} />
    </section>
  );
}

/**
 * Says so when an active workflow's volunteers so far are too few for any subject to retire: each classifies a subject
 * once, so a rule that needs more classifications than there are volunteers (30, in a class of 25) retires nothing.
 * Only a fact so far: more may still join.
 */
function TooFewVolunteers({ workflow, volunteers }: { workflow: WorkflowView; volunteers: number }) {
  const { t } = useTranslation();
  const needed = classificationsNeededAtLeast(workflow.definition.retirement);
  // Before anyone has taken part there is nothing to tell: every new workflow would be "too few".
  if (workflow.status !== 'active' || needed < 2 || volunteers === 0 || volunteers >= needed) return null;
  return (
    <p className="notice" data-testid="lab-too-few-volunteers">
      {t('lab.progress.tooFewVolunteers', { needed, count: volunteers })}
    </p>
  );
}

/**
 * The definition and the linked sets, edited from what the page first read: their saves send the ETag that was read
 * with (then each save's own), never one a reload got since (after a status change, say), which would let a
 * colleague's save in between be overwritten unawares. That ETag is kept with the definition it names
 * (`SavedDefinition`): the sets' save sends the definition again with them, and, pressed just after a new version was
 * saved, before the page has read it back, sends that version's, not the one shown before (which, with the new ETag,
 * would have undone it).
 * The sets ticked are the edits' own: kept over every save and read of the workflow, and saved by either button (a new
 * version of the definition takes the sets ticked and not saved yet with it). A save whose answer says it started a
 * re-aggregation is told to the page (`onRunStarted`), whose list of runs then shows it. A version made current again
 * under "Versions" is such a save too.
 */
function WorkflowEdits({
  workflow,
  etag,
  project,
  reload,
  onRunStarted,
}: { workflow: WorkflowView; etag: string | undefined; project: ProjectView; reload: () => void; onRunStarted: () => void }) {
  const [current, setCurrent] = useState<SavedDefinition>(() => ({ definition: workflow.definition, etag }));
  const [ticked, setTicked] = useState<ReadonlySet<string>>(() => new Set(workflow.subjectSetIds));
  // The versions made current again under "Versions": the editor starts anew from the latest once the page has read it
  // (an unsaved edit of its own kept as a draft), rather than offer the definition before it to save over it.
  const [madeCurrent, setMadeCurrent] = useState<number[]>([]);
  const editorStart = Math.max(0, ...madeCurrent.filter((made) => workflow.version >= made));
  const saved = (now: SavedDefinition, answer?: WorkflowSaved) => {
    setCurrent(now);
    reload();
    if (answer?.reaggregation) onRunStarted();
  };
  const linked = new Set(workflow.subjectSetIds);
  const unsaved = ticked.size !== linked.size || [...ticked].some((id) => !linked.has(id));
  return (
    <>
      <DefinitionEditor
        key={editorStart}
        workflow={workflow}
        last={current}
        setsTicked={unsaved ? [...ticked] : null}
        onSaved={saved}
      />
      <WorkflowSubjectSets workflow={workflow} saved={current} project={project} ticked={ticked} onTick={setTicked} unsaved={unsaved} onSaved={saved} />
      <WorkflowVersionsSection
        workflow={workflow}
        etag={current.etag}
        onRestored={(now, answer) => {
          setMadeCurrent((versions) => [...versions, answer.version]);
          saved(now, answer);
        }}
      />
    </>
  );
}
