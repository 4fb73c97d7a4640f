import type { OwnClassification, OwnClassificationList } from '@chorus/client';
import type { SubjectLocation, TextLocation, WorkflowDefinition } from '@chorus/tasks';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AnswersInWords } from '../components/AnswersInWords';
import { ErrorAlert } from '../components/ErrorAlert';
import { FavouriteToggle } from '../components/FavouriteToggle';
import { useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { whenInWords } from '../lib/formats';
import { CLASSIFICATIONS, Link, accountPath, classifyPath, subjectPath } from '../lib/router';
import { useSaid } from '../lib/said';
import { distinctSubjectNames, textPreview, volunteerSubjectName } from '../lib/subjectName';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useWorkflowDefinitions } from '../lib/useVersionDefinitions';

/** Classifications shown at a time; "Show older ones" asks for the next page. */
const PAGE_SIZE = 20;
const NONE: OwnClassification[] = [];

/**
 * `/classifications`: what the volunteer classified, in every project and workflow, the newest first, each with its
 * subject, where and when, the answers given, a way to its discussion, and to classify more there (unless its project
 * was taken back to draft). A guest sees theirs, and is invited to create an account to keep them.
 */
export function ClassificationsPage() {
  const { t } = useTranslation();
  const client = useClient();
  const volunteer = useSession();
  useDocumentTitle(t('classifications.title'));
  const [list, setList] = useState<OwnClassificationList | null>(null);
  const [problem, setProblem] = useSaid<Problem>();
  /** After "Show older ones", the first classification it brought takes focus: the button may be gone (no more pages). */
  const focusItem = useRef<number | null>(null);
  const items = useRef<HTMLOListElement>(null);
  const shown = list?.classifications ?? NONE;
  const definitionOf = useWorkflowDefinitions(shown);

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await client.myClassifications({ limit: PAGE_SIZE, after });
        setList((before) => {
          if (!after || !before) return page;
          focusItem.current = before.classifications.length;
          return { ...page, classifications: [...before.classifications, ...page.classifications] };
        });
        setProblem(null);
      } catch (error) {
        setProblem(() => describeError(error));
      }
    },
    [client],
  );
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (focusItem.current === null || !list) return;
    items.current?.querySelectorAll<HTMLElement>(':scope > li')[focusItem.current]?.focus();
    focusItem.current = null;
  }, [list]);
  const distinctNames = distinctSubjectNames(
    shown.map((classification) => classification.subject),
    t('classifications.subject'),
  );

  return (
    <div className="page page-classifications" data-testid="classifications">
      <h1 tabIndex={-1}>{t('classifications.title')}</h1>
      <p className="lead">{list ? t('classifications.leadWithTotal', { count: list.total }) : t('classifications.lead')}</p>
      {volunteer.kind !== 'registered' && (
        <p data-testid="classifications-guest">
          {t('classifications.guest')} <Link to={accountPath('create-account', CLASSIFICATIONS)}>{t('account.createAccount')}</Link> ·{' '}
          <Link to={accountPath('sign-in', CLASSIFICATIONS)}>{t('account.signIn')}</Link>
        </p>
      )}
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={() => void load(list?.next ?? undefined)}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {list === null ? (
        !problem && (
          <p className="loading" role="status">
            {t('classifications.loading')}
          </p>
        )
      ) : shown.length === 0 ? (
        <p data-testid="classifications-none">{t('classifications.none')}</p>
      ) : (
        <ol className="favourite-list" ref={items}>
          {shown.map((classification, index) => (
            <ClassificationItem
              key={classification.id}
              classification={classification}
              distinctName={distinctNames[index]!}
              definition={definitionOf(classification.workflow.id, classification.workflowVersion)}
            />
          ))}
        </ol>
      )}
      {list?.next && (
        <button type="button" className="button button-secondary" onClick={() => void load(list.next ?? undefined)}>
          {t('recent.older')}
        </button>
      )}
    </div>
  );
}

/**
 * A classification in the list: its subject's thumbnail or opening words, its name leading to the subject's discussion
 * (while the workflow is open to the volunteer),
 * where and when it was made, the answers (once the version's definition is read; left out where it cannot be, as in
 * a project taken back to draft), and ways to mark the subject a favourite and to classify more there.
 */
function ClassificationItem({
  classification,
  distinctName,
  definition,
}: { classification: OwnClassification; distinctName: string; definition: WorkflowDefinition | 'unreadable' | undefined }) {
  const { t } = useTranslation();
  const { subject, project, workflow, createdAt } = classification;
  const name = volunteerSubjectName(subject) ?? t('classifications.subject');
  const image = subject.locations.find((location): location is Extract<SubjectLocation, { type: 'image' }> => location.type === 'image');
  const text = subject.locations.find((location): location is TextLocation => location.type === 'text');
  return (
    <li className="favourite-item" tabIndex={-1} data-subject-id={subject.id}>
      {image && <img className="favourite-thumbnail" src={image.url} alt={image.alt ?? ''} loading="lazy" width={96} height={96} />}
      <div className="favourite-about">
        <h2 className="favourite-name">
          {/* A project taken back to draft shows its discussions to its team alone: named, not linked. */}
          {classification.open ? (
            <Link to={subjectPath(project.slug, subject.id)} data-testid="classification-discussion" aria-label={t('talk.discussNamed', { name: distinctName })}>
              {name}
            </Link>
          ) : (
            distinctName
          )}
        </h2>
        {text && <p className="favourite-preview">{textPreview(text.text)}</p>}
        <p className="favourite-where muted">
          {t('favourites.where', { project: project.title, workflow: workflow.name })}
          <br />
          <time dateTime={createdAt}>{t('classifications.when', { date: whenInWords(createdAt) })}</time>
        </p>
        {definition !== 'unreadable' && <AnswersInWords annotations={classification.annotations} definition={definition} />}
        <div className="favourite-actions">
          <FavouriteToggle subjectId={subject.id} workflowId={workflow.id} favourite={classification.favourite} name={distinctName} />
          {classification.open ? (
            <Link to={classifyPath(project.slug, workflow.id)}>{t('favourites.classify', { workflow: workflow.name })}</Link>
          ) : (
            <p className="favourite-closed" data-testid="classification-closed">
              {t('classifications.closed')}
            </p>
          )}
        </div>
      </div>
    </li>
  );
}
