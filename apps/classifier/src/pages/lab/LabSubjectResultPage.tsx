import type { ConsensusReview, EffectMembership, RoutedIn, SubjectClassification, SubjectResultDetail, WorkflowView } from '@chorus/client';
import type { RoutingDecision, Task, WorkflowDefinition } from '@chorus/tasks';
import { type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { AnswersInWords } from '../../components/AnswersInWords';
import { Breadcrumb } from '../../components/Breadcrumb';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LabTable } from '../../components/LabTable';
import { NothingHere } from '../../components/NothingHere';
import { SignInForLab } from '../../components/SignInForLab';
import { SubjectMedia } from '../../components/SubjectMedia';
import { useSession } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { describeError, type Problem } from '../../lib/errors';
import { Link, labResultsPath, labSubjectResultPath, labWorkflowPath } from '../../lib/router';
import { subjectName, textPreview } from '../../lib/subjectName';
import { ResearchersLanguage } from '../../lib/textLanguage';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { useLoaded } from '../../lib/useLoaded';
import { useVersionDefinitions, useWorkflowDefinitions } from '../../lib/useVersionDefinitions';
import { describeWrittenAnswer, promptOf } from '../../tasks/registry';
import { AddressCorrections } from './CorrectSubjectAddress';
import { ConsensusReviews } from './ConsensusReviews';
import { ExcludeVolunteer, LiftExclusion, useLiftExclusion } from './ExcludedVolunteers';
import { resultsBreadcrumb, useResultsWorkflow } from './LabResultsPage';
import { AgainstMostVotes, agreementInWords, ConsensusParts, type DefinitionOf, NeedsChecking, OffPath, RetirementInWords, tasksInOrder, useConsensusInWords, VolunteerInWords } from './SubjectResultParts';
import { TranscriptionCheck } from './TranscriptionCheck';
import { whenInWords } from '../../lib/formats';
import { useSaid } from '../../lib/said';
import { useResult } from '../../lib/useResult';
import { ShowMore } from '../../components/ShowMore';

/** Classifications shown at a time; "Show more classifications" asks for the next page. */
const PAGE_SIZE = 50;

/**
 * `/lab/workflows/:id/results/:subjectId`: one subject of the workflow as volunteers see it, its metadata and status,
 * each task's consensus, and every classification of it, oldest first.
 */
export function LabSubjectResultPage({ workflowId, subjectId }: { workflowId: string; subjectId: string }) {
  const { t } = useTranslation();
  const volunteer = useSession();
  if (volunteer.kind !== 'registered') return <SignInForLab title={t('lab.title')} here={labSubjectResultPath(workflowId, subjectId)} />;
  return <LabSubjectResult workflowId={workflowId} subjectId={subjectId} userId={volunteer.userId} />;
}

function LabSubjectResult({ workflowId, subjectId, userId }: { workflowId: string; subjectId: string; userId: string | null }) {
  const { t } = useTranslation();
  const client = useClient();
  const workflow = useResultsWorkflow(workflowId);
  const subject = useLoaded(() => client.subjectResult(workflowId, subjectId, { limit: PAGE_SIZE }), [client, workflowId, subjectId]);
  const name = subject.data ? (subjectName(subject.data) ?? subject.data.id) : null;
  useDocumentTitle(name ? t('lab.result.documentTitle', { name }) : t('lab.title'));
  if (workflow.missing || subject.missing) return <NothingHere testId="lab-result-not-found" title={t('lab.result.notFoundTitle')} body={t('lab.result.notFound')} />;
  const up = [...resultsBreadcrumb(t('lab.title'), workflow.data), ...(workflow.data ? [{ to: labResultsPath(workflowId), label: t('lab.results.title') }] : [])];
  const problem = workflow.problem ?? subject.problem;
  return (
    <div className="page page-lab" data-testid="lab-result">
      <Breadcrumb up={up} here={name ?? ''} />
      <ErrorAlert problem={problem}>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            workflow.reload();
            subject.reload();
          }}
        >
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {workflow.data && subject.data && name ? (
        <SubjectResultView
          workflow={workflow.data.workflow}
          language={workflow.data.project.language}
          subject={subject.data}
          name={name}
          mayUndo={(review) => workflow.researcher || review.reviewedBy.memberId === userId}
          researcher={workflow.researcher}
          readAgain={subject.reload}
        />
      ) : (
        !problem && (
          <p className="loading" role="status">
            {t('lab.result.loading')}
          </p>
        )
      )}
    </div>
  );
}

/** Whether the caller may undo a review: a researcher any, a reviewer their own. */
type MayUndo = (review: ConsensusReview) => boolean;

/**
 * `language` is the project's: its researchers correct a form's numbers as volunteers type them there. `readAgain`
 * reads the subject's results again, in place of these (an approval found its consensus changed since).
 */
function SubjectResultView({
  workflow,
  language,
  subject,
  name,
  mayUndo,
  researcher,
  readAgain,
}: { workflow: WorkflowView; language: string; subject: SubjectResultDetail; name: string; mayUndo: MayUndo; researcher: boolean; readAgain: () => void }) {
  const { t } = useTranslation();
  const metadata = Object.entries(subject.metadata);
  return (
    <>
      <h1 tabIndex={-1}>{name}</h1>
      {subject.leftWorkflow && (
        <p className="notice" data-testid="lab-result-left">
          {t('lab.result.leftWorkflow')}
        </p>
      )}
      <dl className="lab-facts" data-testid="lab-result-facts">
        <div className="lab-fact">
          <dt>{t('lab.result.id')}</dt>
          <dd>
            <code>{subject.id}</code>
          </dd>
        </div>
        <div className="lab-fact">
          <dt>{t('lab.result.externalId')}</dt>
          <dd>{subject.externalId ?? t('lab.result.none')}</dd>
        </div>
        <div className="lab-fact">
          <dt>{t('lab.results.classifications')}</dt>
          <dd>{subject.classificationCount}</dd>
        </div>
        <div className="lab-fact">
          <dt>{t('lab.results.favourites')}</dt>
          <dd>{subject.favourites}</dd>
        </div>
        <div className="lab-fact">
          <dt>{t('lab.results.state')}</dt>
          <dd>
            <RetirementInWords subject={subject} />
          </dd>
        </div>
      </dl>
      <section className="lab-section" aria-labelledby="lab-result-media-heading">
        <h2 id="lab-result-media-heading">{t('lab.result.media')}</h2>
        <SubjectMedia locations={subject.locations} subject={subject} />
        {researcher && <AddressCorrections subjectId={subject.id} />}
      </section>
      <section className="lab-section" aria-labelledby="lab-result-metadata-heading">
        <h2 id="lab-result-metadata-heading">{t('lab.result.metadata')}</h2>
        {metadata.length ? (
          <dl className="lab-facts">
            {metadata.map(([key, value]) => (
              <div key={key} className="lab-fact">
                <dt>{key}</dt>
                <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p>{t('lab.result.noMetadata')}</p>
        )}
      </section>
      {subject.routedFrom && subject.routedFrom.length > 0 && <RoutedFrom routedFrom={subject.routedFrom} />}
      {subject.routing && subject.routing.length > 0 && <Routing workflowId={workflow.id} routing={subject.routing} />}
      <ResearchersLanguage.Provider value={language}>
        <Results workflow={workflow} subject={subject} name={name} mayUndo={mayUndo} researcher={researcher} readAgain={readAgain} />
      </ResearchersLanguage.Provider>
    </>
  );
}

/**
 * The subject sets this workflow's effects put the subject in by its consensus, and when it left one (a later
 * consensus no longer met the effect, or a researcher took it out, which no effect undoes).
 */
function Routing({ workflowId, routing }: { workflowId: string; routing: EffectMembership[] }) {
  const { t } = useTranslation();
  const taskOf = useDecidingTasks(useMemo(() => routing.map((route) => ({ ...route, workflowId })), [routing, workflowId]));
  return (
    <section className="lab-section" aria-labelledby="lab-result-routing-heading" data-testid="lab-result-routing">
      <h2 id="lab-result-routing-heading">{t('lab.result.routingTitle')}</h2>
      <p>{t('lab.result.routingLead')}</p>
      <ul>
        {routing.map((route) => (
          <li key={route.subjectSetId}>
            <strong>{route.name}</strong>
            {t('app.colon')}
            <MembershipInWords route={route} task={taskOf(workflowId, route.decidedBy)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Where the subject came from: the other workflows whose effects put it in a set that feeds this one, each a link to
 * its page, with the set and when, as that workflow's own `Routing` says it.
 */
function RoutedFrom({ routedFrom }: { routedFrom: RoutedIn[] }) {
  const { t } = useTranslation();
  const taskOf = useDecidingTasks(routedFrom);
  return (
    <section className="lab-section" aria-labelledby="lab-result-routed-from-heading" data-testid="lab-result-routed-from">
      <h2 id="lab-result-routed-from-heading">{t('lab.result.routedFromTitle')}</h2>
      <p>{t('lab.result.routedFromLead')}</p>
      <ul>
        {routedFrom.map((route) => (
          <li key={`${route.workflowId} ${route.subjectSetId}`}>
            <Link to={labWorkflowPath(route.workflowId)}>{route.workflowName}</Link>
            {t('app.colon')}
            {t('lab.result.routedFromInto', { set: t('subject.quoted', { text: route.name }) })} <MembershipInWords route={route} task={taskOf(route.workflowId, route.decidedBy)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The task whose consensus decided each routing, in the definition of the version that decided it (of the workflow
 * whose effect it is: another one's for `RoutedFrom`): undefined until it is read, or when it cannot be.
 */
function useDecidingTasks(routes: readonly (EffectMembership & { workflowId: string })[]) {
  const decided = useMemo(() => routes.flatMap(({ workflowId, decidedBy }) => (decidedBy ? [{ workflowId, workflowVersion: decidedBy.version }] : [])), [routes]);
  const definitionOf = useWorkflowDefinitions(decided);
  return (workflowId: string, decidedBy: RoutingDecision | null): Task | undefined => {
    const definition = decidedBy && definitionOf(workflowId, decidedBy.version);
    return definition && definition !== 'unreadable' ? definition.tasks[decidedBy.when.task] : undefined;
  };
}

/**
 * When an effect put the subject in a set, and when it left it (and whether a researcher took it out), or that it is
 * still there; then what decided it (`DecisionInWords`).
 */
function MembershipInWords({ route, task }: { route: EffectMembership; task: Task | undefined }) {
  const { t } = useTranslation();
  const when = (time: string) => <time dateTime={time}>{whenInWords(time)}</time>;
  return (
    <>
      {t('lab.result.routedAt')} {when(route.addedAt)}
      {t('app.semicolon')}
      {route.leftAt ? (
        <>
          {t('lab.result.leftAt')} {when(route.leftAt)}
        </>
      ) : (
        t('lab.result.stillThere')
      )}
      {route.removedByResearcher ? (
        <>
          {t('app.semicolon')}
          {t('lab.result.removedByResearcher')} {when(route.removedByResearcher.removedAt)} ({t('lab.result.removedStays')})
        </>
      ) : null}
      {t('app.semicolon')}
      <DecisionInWords decidedBy={route.decidedBy} task={task} />
    </>
  );
}

/**
 * What decided a routing: the consensus (its answer and agreement) on the task that met the effect, then the effect's
 * condition, in the words of the deciding version's task (its question, its answers' labels), each isolated (<bdi>)
 * and a long one previewed; the task's key and the answers as stored until that version is read. Or that a membership
 * made before Chorus recorded it says nothing.
 */
function DecisionInWords({ decidedBy, task }: { decidedBy: EffectMembership['decidedBy']; task: Task | undefined }) {
  const { t, i18n } = useTranslation();
  if (!decidedBy) return <span data-testid="lab-result-decided-by">{t('lab.result.decidedByNotRecorded')}</span>;
  const { when, answer, agreement } = decidedBy;
  const answerInWords = (written: string) => textPreview(task ? describeWrittenAnswer(task, written, t) : written);
  const decision = {
    task: textPreview(task ? promptOf(task) : when.task),
    answer: answer === null ? '' : answerInWords(answer),
    agreement: agreement === null ? '' : agreementInWords(agreement, i18n.language),
  };
  const condition = {
    answer: when.answer === undefined ? '' : answerInWords(when.answer),
    agreement: when.agreementAtLeast === undefined ? '' : agreementInWords(when.agreementAtLeast, i18n.language),
  };
  return (
    <span data-testid="lab-result-decided-by">
      <Decision values={decision} />{' '}
      <Condition values={condition} />
    </span>
  );
}

/** The task and the answers, isolated (<bdi>), so that one in Arabic or Hebrew does not carry the words after it into its own direction. */
const isolated = <bdi />;
const ISOLATED = { task: isolated, answer: isolated };

/** A decision in words, by which of its consensus's answer and agreement there are (each empty when there is none). */
function Decision({ values }: { values: { task: string; answer: string; agreement: string } }) {
  if (values.answer && values.agreement) return <Trans i18nKey="lab.result.decidedByAnswerAgreement" values={values} components={ISOLATED} />;
  if (values.answer) return <Trans i18nKey="lab.result.decidedByAnswer" values={values} components={ISOLATED} />;
  if (values.agreement) return <Trans i18nKey="lab.result.decidedByAgreement" values={values} components={ISOLATED} />;
  return <Trans i18nKey="lab.result.decidedBy" values={values} components={ISOLATED} />;
}

/** An effect's condition in words, by which of an answer and an agreement it asks for (each empty when it does not). */
function Condition({ values }: { values: { answer: string; agreement: string } }) {
  if (values.answer && values.agreement) return <Trans i18nKey="lab.result.effectAskedAnswerAgreement" values={values} components={ISOLATED} />;
  if (values.answer) return <Trans i18nKey="lab.result.effectAskedAnswer" values={values} components={ISOLATED} />;
  if (values.agreement) return <Trans i18nKey="lab.result.effectAskedAgreement" values={values} components={ISOLATED} />;
  return <Trans i18nKey="lab.result.effectAskedAny" />;
}

/**
 * The subject's consensus, task by task, then its classifications a page at a time, each in the words of its version;
 * from their first page again when the subject's results are read again.
 */
function Results({ workflow, subject, name, mayUndo, researcher, readAgain }: { workflow: WorkflowView; subject: SubjectResultDetail; name: string; mayUndo: MayUndo; researcher: boolean; readAgain: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [classifications, setClassifications] = useState(subject.classifications);
  const [next, setNext] = useState(subject.nextClassifications);
  const [read, setRead] = useState(subject);
  if (read !== subject) {
    setRead(subject);
    setClassifications(subject.classifications);
    setNext(subject.nextClassifications);
  }
  const [problem, setProblem] = useSaid<Problem>();
  /** After "Show more classifications", the first one it brought takes focus (the button may be gone). */
  const focusRow = useRef<number | null>(null);
  const table = useRef<HTMLTableElement>(null);
  const shown = useMemo(() => [...Object.values(subject.consensus), ...classifications], [subject, classifications]);
  const definitionOf = useVersionDefinitions(workflow.id, workflow.version, workflow.definition, shown);
  const exclusions = useExclusions(workflow.projectId, researcher, table);

  const showMore = async (after: string) => {
    setProblem(null);
    try {
      const page = await client.subjectResult(workflow.id, subject.id, { limit: PAGE_SIZE, after });
      focusRow.current = classifications.length;
      setClassifications((before) => [...before, ...page.classifications]);
      setNext(page.nextClassifications);
    } catch (error) {
      setProblem(() => describeError(error));
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: `classifications` is the trigger: the rows "Show more" brought are on screen
  useEffect(() => {
    if (focusRow.current === null) return;
    table.current?.querySelectorAll<HTMLElement>('tbody th')[focusRow.current]?.focus();
    focusRow.current = null;
  }, [classifications]);

  return (
    <>
      <ConsensusTable subject={subject} name={name} current={workflow.definition} definitionOf={definitionOf} />
      <ConsensusReviews workflowId={workflow.id} subject={subject} current={workflow.definition} name={name} mayUndo={mayUndo} readAgain={readAgain} />
      <TranscriptionCheck subject={subject} classifications={classifications} name={name} />
      <ClassificationsTable subject={subject} name={name} classifications={classifications} definitionOf={definitionOf} table={table} exclusions={researcher ? exclusions : null} />
      <ErrorAlert problem={problem} />
      <ShowMore next={next} onMore={showMore} label={t('lab.result.more')} id="lab-result-more" />
    </>
  );
}

/** Each task's consensus (and a gold-standard subject's known answer beside it), as the consensus download has it. */
function ConsensusTable({ subject, name, current, definitionOf }: { subject: SubjectResultDetail; name: string; current: WorkflowDefinition; definitionOf: DefinitionOf }) {
  const { t, i18n } = useTranslation();
  const inWords = useConsensusInWords(definitionOf);
  const known = subject.goldStandard;
  const tasks = tasksInOrder({ ...Object.fromEntries(Object.keys(known ?? {}).map((task) => [task, undefined])), ...subject.consensus });
  /** The task as the version named defined it, else as the current version does. */
  const taskOf = (task: string, version?: number) => (version === undefined ? undefined : definitionOf(version)?.tasks[task]) ?? current.tasks[task];
  return (
    <section className="lab-section" aria-labelledby="lab-result-consensus-heading">
      <h2 id="lab-result-consensus-heading">{t('lab.result.consensusTitle')}</h2>
      {tasks.length ? (
        <LabTable data-testid="lab-result-consensus">
          <caption>{t('lab.result.consensusCaption', { name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('lab.result.task')}</th>
              <th scope="col">{t('lab.results.consensus')}</th>
              <th scope="col">{t('lab.result.agreement')}</th>
              <th scope="col">{t('lab.result.votes')}</th>
              <th scope="col">{t('lab.result.how')}</th>
              {known && <th scope="col">{t('lab.result.knownAnswer')}</th>}
            </tr>
          </thead>
          <tbody>
            {tasks.map(([task, consensus]) => {
              const definition = taskOf(task, consensus?.workflowVersion);
              return (
                <tr key={task}>
                  <th scope="row">{definition ? t('lab.result.taskNamed', { task, prompt: promptOf(definition) }) : task}</th>
                  <td className="lab-transcription-text">
                    {consensus ? <ConsensusParts consensus={consensus} definition={definition} otherwise={inWords(task, consensus)} /> : t('lab.results.noConsensus')}
                    {consensus && <AgainstMostVotes consensus={consensus} />}
                    {consensus && <NeedsChecking consensus={consensus} />}
                    {consensus && <OffPath consensus={consensus} definition={definition} question={consensus.notReached ? subject.consensus[consensus.notReached.task] : undefined} />}
                  </td>
                  <td>{agreementInWords(consensus?.agreement ?? null, i18n.language)}</td>
                  <td>{consensus?.votes ?? 0}</td>
                  <td>{consensus ? t('lab.result.howComputed', { algorithm: consensus.algorithm, version: consensus.workflowVersion }) : '—'}</td>
                  {known && <td className="lab-transcription-text">{Object.hasOwn(known, task) ? (definition ? describeWrittenAnswer(definition, known[task], t) : JSON.stringify(known[task])) : '—'}</td>}
                </tr>
              );
            })}
          </tbody>
        </LabTable>
      ) : (
        <p>{t('lab.result.noConsensus')}</p>
      )}
    </section>
  );
}

type Exclusions = ReturnType<typeof useExclusions>;

/**
 * The researchers' part in the classifications: which volunteers the project's consensus leaves out (read once, then
 * kept as this page excludes and lifts), what the last change did, and focus, after one, on the control that took the
 * place of the one used in its row. Nothing is read for a reviewer, who may not see them.
 */
function useExclusions(projectId: string, researcher: boolean, table: RefObject<HTMLTableElement | null>) {
  const client = useClient();
  const loaded = useLoaded(() => (researcher ? client.excludedVolunteers(projectId) : Promise.resolve(null)), [client, projectId, researcher]);
  const [excluded, setExcluded] = useState<ReadonlySet<string> | null>(null);
  useEffect(() => {
    if (loaded.data) setExcluded(new Set(loaded.data.excludedVolunteers.map((each) => each.volunteerId)));
  }, [loaded.data]);
  const [result, say] = useResult();
  const lifting = useLiftExclusion(projectId);
  const actedIn = useRef<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `excluded` is the trigger: the row acted in shows its other control
  useEffect(() => {
    if (actedIn.current === null) return;
    table.current?.querySelector<HTMLElement>(`tr[data-classification-id="${actedIn.current}"] .lab-exclusion button`)?.focus();
    actedIn.current = null;
  }, [excluded]);
  /** The volunteer of the classification acted on is excluded now, or counted again. */
  const mark = (classificationId: string, volunteerId: string, now: boolean) => {
    actedIn.current = classificationId;
    setExcluded((before) => {
      const next = new Set(before);
      if (now) next.add(volunteerId);
      else next.delete(volunteerId);
      return next;
    });
    say((t) => (now ? t('lab.excluded.done') : t('lab.excluded.lifted')));
  };
  return { projectId, excluded, problem: loaded.problem, reload: loaded.reload, result, lifting, mark };
}

/** The exclusion's messages: the list unread, a lift refused, and what the last change did (a live region, there from the start). */
function ExclusionMessages({ exclusions }: { exclusions: Exclusions }) {
  const { t } = useTranslation();
  return (
    <>
      <ErrorAlert problem={exclusions.problem}>
        <button type="button" className="button button-secondary" onClick={exclusions.reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      <ErrorAlert problem={exclusions.lifting.problem} focus />
      <div role="status" data-testid="lab-result-exclusion-status">
        {exclusions.result && <p key={exclusions.result.n}>{exclusions.result.text(t)}</p>}
      </div>
    </>
  );
}

/** A classification's volunteer counted again when excluded, else excluded (asked first); nothing before the exclusions are read. */
function ExclusionAction({ classification, exclusions }: { classification: SubjectClassification; exclusions: Exclusions }) {
  const { volunteerId, volunteer } = classification;
  if (!volunteerId || !exclusions.excluded) return null;
  if (exclusions.excluded.has(volunteerId)) {
    return <LiftExclusion lifting={exclusions.lifting} volunteerId={volunteerId} onLifted={() => exclusions.mark(classification.id, volunteerId, false)} />;
  }
  return <ExcludeVolunteer projectId={exclusions.projectId} volunteer={{ volunteerId, volunteer }} onExcluded={() => exclusions.mark(classification.id, volunteerId, true)} />;
}

/**
 * Every classification shown so far, oldest first: when, by which volunteer (by name, as the downloads name them), under
 * which version, and the answers; to researchers (`exclusions`), whether its volunteer is excluded from the consensus.
 */
function ClassificationsTable({
  subject,
  name,
  classifications,
  definitionOf,
  table,
  exclusions,
}: { subject: SubjectResultDetail; name: string; classifications: SubjectClassification[]; definitionOf: DefinitionOf; table: RefObject<HTMLTableElement | null>; exclusions: Exclusions | null }) {
  const { t } = useTranslation();
  const isExcluded = (classification: SubjectClassification) => Boolean(classification.volunteerId && exclusions?.excluded?.has(classification.volunteerId));
  return (
    <section className="lab-section" aria-labelledby="lab-result-classifications-heading">
      <h2 id="lab-result-classifications-heading">{t('lab.result.classificationsTitle')}</h2>
      <div role="status" data-testid="lab-result-status">
        <p>{subject.classificationCount + subject.draftTries ? t('lab.result.shown', { shown: classifications.length, count: subject.classificationCount + subject.draftTries }) : t('lab.result.noClassifications')}</p>
      </div>
      {exclusions && <ExclusionMessages exclusions={exclusions} />}
      {classifications.length > 0 && (
        <LabTable data-testid="lab-result-classifications" ref={table}>
          <caption>{t('lab.result.classificationsCaption', { name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('lab.result.when')}</th>
              <th scope="col">{t('lab.result.volunteer')}</th>
              <th scope="col">{t('lab.result.version')}</th>
              <th scope="col">{t('lab.result.answers')}</th>
              <th scope="col">{t('lab.result.notes')}</th>
              {exclusions && <th scope="col">{t('lab.excluded.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {classifications.map((classification) => (
              <tr key={classification.id} data-classification-id={classification.id}>
                <th scope="row" tabIndex={-1}>
                  <time dateTime={classification.createdAt}>{whenInWords(classification.createdAt)}</time>
                </th>
                <td>
                  <VolunteerInWords classification={classification} />
                </td>
                <td>{classification.workflowVersion}</td>
                <td>
                  <AnswersInWords annotations={classification.annotations} definition={definitionOf(classification.workflowVersion)} />
                </td>
                <td>
                  <ClassificationNotes classification={classification} retirement={subject.retirement} excluded={isExcluded(classification)} />
                </td>
                {exclusions && (
                  <td className="lab-exclusion">
                    <ExclusionAction classification={classification} exclusions={exclusions} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </LabTable>
      )}
    </section>
  );
}

/**
 * What sets a classification apart: not counted (gold standard, after retirement, a try in draft, its volunteer
 * excluded), or the one that met the rule, which retired the subject unless the team has taken it down since (a
 * retirement by hand that keeps it).
 */
function ClassificationNotes({ classification, retirement, excluded }: { classification: SubjectClassification; retirement: SubjectResultDetail['retirement']; excluded: boolean }) {
  const { t } = useTranslation();
  const metRule = classification.id === retirement?.byClassificationId;
  const notes = [
    ...(metRule ? [retirement?.reason === 'manual' ? t('lab.result.metRuleBeforeTakeDown') : t('lab.result.retiredIt')] : []),
    ...(classification.goldStandard ? [t('lab.result.goldStandard')] : []),
    ...(classification.afterRetirement ? [t('lab.result.afterRetirement')] : []),
    ...(classification.madeInDraft ? [t('lab.result.madeInDraft')] : []),
    ...(excluded ? [t('lab.result.excludedVolunteer')] : []),
  ];
  return notes.length ? (
    <ul className="lab-consensus">
      {notes.map((note) => (
        <li key={note}>{note}</li>
      ))}
    </ul>
  ) : null;
}
