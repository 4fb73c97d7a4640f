import { METADATA_PARAMETER, type ProjectRole, SUBJECT_RESULT_SORTS, SUBJECT_RESULT_STATUSES, type SubjectResult, type SubjectResultOrder, type SubjectResultSort, type SubjectResultStatus, type WorkflowView } from '@chorus/client';
import { LONGEST_METADATA_KEY } from '@chorus/tasks';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../../components/Breadcrumb';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CheckboxField, FormField, SelectField } from '../../components/FormField';
import { LabTable } from '../../components/LabTable';
import { NothingHere } from '../../components/NothingHere';
import { SignInForLab } from '../../components/SignInForLab';
import { useSession } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { isResearcher, reviews } from '../../lib/lab';
import { describeError, type Problem } from '../../lib/errors';
import { LAB, Link, labProjectPath, labResultsPath, labSubjectResultPath, labWorkflowPath } from '../../lib/router';
import { subjectName, whatSubjectShows } from '../../lib/subjectName';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { useLoaded } from '../../lib/useLoaded';
import { useVersionDefinitions } from '../../lib/useVersionDefinitions';
import { ConsensusList, RetirementInWords } from './SubjectResultParts';
import { VolunteerSkillsSection } from './VolunteerSkillsSection';
import { useSaid } from '../../lib/said';
import { ShowMore } from '../../components/ShowMore';

/** Subjects shown at a time; "Show more subjects" asks for the next page. */
const PAGE_SIZE = 25;

/** The longest search the API takes: an externalId's length. */
const LONGEST_SEARCH = 500;

/** The longest text the API searches the answers for (`text`). */
const LONGEST_TEXT = 200;

/** The orders the form offers: the API's, and a metadata field's (`sortKey`). */
const ORDERS = [...SUBJECT_RESULT_SORTS, 'metadata'] as const;
type Order = (typeof ORDERS)[number];

interface Filters {
  status: SubjectResultStatus;
  q: string;
  /** Only the subjects with a consensus or reviewed answer that contains it, whatever its case and accents. */
  text: string;
  sort: Order;
  /** The metadata field `sort: 'metadata'` sorts by. */
  sortKey: string;
  /** Only the subjects whose metadata field of this name has `metadataValue` (as text); both empty: all. */
  metadataKey: string;
  metadataValue: string;
  /** Only the subjects with a transcription whose consensus needs checking. */
  needsChecking: boolean;
  /** Only the subjects with a consensus that most volunteers did not give (under bayes, their skills outweighed more votes). */
  againstPlurality: boolean;
  /** Only the subjects with a consensus nobody reviewed yet. */
  notReviewed: boolean;
  /** Only the subjects with an approval whose consensus changed since. */
  consensusChanged: boolean;
}

/** The lab's order: the researchers' own ids (a museum's PC-0001 … PC-0300), which its list is searched by too. */
const DEFAULT_SORT: SubjectResultSort = 'externalId';

/**
 * The filters and order the address names (`?status=retired&q=p1&text=smith&metadata.letter=2&sort=metadata.page&needsChecking=true&againstPlurality=true&reviewed=false&consensusChanged=true`, as the API
 * names them), so that Back from a subject comes back to the same list.
 */
function filtersInAddress(): Filters {
  const query = new URLSearchParams(window.location.search);
  const [status, sort] = [query.get('status') ?? '', query.get('sort') ?? ''];
  const [metadataKey, metadataValue] = [...query].find(([name]) => name.startsWith(METADATA_PARAMETER)) ?? ['', ''];
  const sortKey = sort.startsWith(METADATA_PARAMETER) ? sort.slice(METADATA_PARAMETER.length) : '';
  return {
    status: SUBJECT_RESULT_STATUSES.find((known) => known === status) ?? 'all',
    q: query.get('q') ?? '',
    text: query.get('text') ?? '',
    sort: sortKey ? 'metadata' : (SUBJECT_RESULT_SORTS.find((known) => known === sort) ?? DEFAULT_SORT),
    sortKey,
    metadataKey: metadataKey.slice(METADATA_PARAMETER.length),
    metadataValue,
    needsChecking: query.get('needsChecking') === 'true',
    againstPlurality: query.get('againstPlurality') === 'true',
    notReviewed: query.get('reviewed') === 'false',
    consensusChanged: query.get('consensusChanged') === 'true',
  };
}

/** The order as the API names it: a metadata field's as `metadata.<field>`. */
const sortOf = ({ sort, sortKey }: Filters): SubjectResultOrder => (sort === 'metadata' ? `${METADATA_PARAMETER}${sortKey}` : sort);

/** The metadata filter as the API takes it (`{ letter: '2' }`), when both its field and value are given. */
const metadataFilterOf = ({ metadataKey, metadataValue }: Filters) => (metadataKey && metadataValue ? { [metadataKey]: metadataValue } : undefined);

/** What the form's fields miss, by field: a metadata field to sort by, the field of a value to filter by. */
type FormErrors = Partial<Record<'sortKey' | 'metadataKey', string>>;

/**
 * The workflow and its project, for a results page: `missing` when either is not there, or the account is not one of
 * the project's researchers or reviewers (who alone may read its results); `researcher` whether it is a researcher,
 * who does more there than check the consensus.
 */
export function useResultsWorkflow(workflowId: string) {
  const client = useClient();
  const loaded = useLoaded(async () => {
    const workflow = await client.getWorkflow(workflowId);
    return { workflow, project: await client.getProject(workflow.projectId) };
  }, [client, workflowId]);
  const role = loaded.data?.project.role ?? null;
  return { ...loaded, missing: loaded.missing || (loaded.data !== null && !reviews(role)), researcher: isResearcher(role) };
}

/** The way up from a results page: the lab, then the project and the workflow once read (a reviewer has no workflow page). */
export function resultsBreadcrumb(lab: string, data: { workflow: WorkflowView; project: { slug: string; title: string; role: ProjectRole | null } } | null) {
  if (!data) return [{ to: LAB, label: lab }];
  const workflow = isResearcher(data.project.role) ? [{ to: labWorkflowPath(data.workflow.id), label: data.workflow.name }] : [];
  return [{ to: LAB, label: lab }, { to: labProjectPath(data.project.slug), label: data.project.title }, ...workflow];
}

/** `/lab/workflows/:id/results`: the workflow's subjects with their status and consensus, filtered, a page at a time. */
export function LabResultsPage({ workflowId }: { workflowId: string }) {
  const { t } = useTranslation();
  const volunteer = useSession();
  if (volunteer.kind !== 'registered') return <SignInForLab title={t('lab.title')} here={labResultsPath(workflowId)} />;
  return <LabResults workflowId={workflowId} />;
}

function LabResults({ workflowId }: { workflowId: string }) {
  const { t } = useTranslation();
  const { data, problem, missing, reload, researcher } = useResultsWorkflow(workflowId);
  useDocumentTitle(data ? t('lab.results.documentTitle', { name: data.workflow.name }) : t('lab.title'));
  if (missing) return <NothingHere testId="lab-results-not-found" title={t('lab.results.notFoundTitle')} body={t('lab.results.notFound')} />;
  return (
    <div className="page page-lab" data-testid="lab-results">
      <Breadcrumb up={resultsBreadcrumb(t('lab.title'), data)} here={t('lab.results.title')} />
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {data ? (
        <>
          <h1 tabIndex={-1}>{t('lab.results.heading', { name: data.workflow.name })}</h1>
          <p>{researcher ? t('lab.results.lead') : t('lab.results.reviewerLead')}</p>
          <ResultsList workflow={data.workflow} />
          {researcher && <VolunteerSkillsSection workflow={data.workflow} />}
        </>
      ) : (
        !problem && (
          <p className="loading" role="status">
            {t('classify.loadingWorkflow')}
          </p>
        )
      )}
    </div>
  );
}

/** The list of the metadata fields of the subjects shown, which the fields naming one suggest. */
const METADATA_KEYS = 'lab-results-metadata-keys';

/** A field naming a metadata field (to filter or sort by), the fields of the subjects shown suggested. */
function MetadataKeyField({ onChange, ...field }: { id: string; label: string; hint: string; error?: string; value: string; onChange: (key: string) => void }) {
  return <FormField {...field} list={METADATA_KEYS} maxLength={LONGEST_METADATA_KEY} onChange={(event) => onChange(event.target.value)} />;
}

/** The filters, then the subjects they pass, in the order chosen, `PAGE_SIZE` at a time; what is shown is said in a status line. */
function ResultsList({ workflow }: { workflow: WorkflowView }) {
  const { t } = useTranslation();
  const client = useClient();
  const [filters, setFilters] = useState<Filters>(filtersInAddress);
  const [draft, setDraft] = useState<Filters>(filters);
  const [formErrors, setFormErrors] = useState<FormErrors>({});
  const [subjects, setSubjects] = useState<SubjectResult[]>([]);
  /** The next page's cursor; undefined until the first page is read. */
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [problem, setProblem] = useSaid<Problem>();
  /** Counts requests, so that a page asked for under filters since changed is dropped. */
  const requests = useRef(0);
  /** After "Show more subjects", the first subject it brought takes focus (the button may be gone: no more pages). */
  const focusRow = useRef<number | null>(null);
  const table = useRef<HTMLTableElement>(null);
  const consensusShown = useMemo(() => subjects.flatMap((subject) => Object.values(subject.consensus)), [subjects]);
  const definitionOf = useVersionDefinitions(workflow.id, workflow.version, workflow.definition, consensusShown);
  /** The metadata fields of the subjects shown, offered as the fields to filter and sort by. */
  const metadataKeys = useMemo(() => [...new Set(subjects.flatMap((subject) => Object.keys(subject.metadata)))].sort(), [subjects]);

  const load = async (after?: string) => {
    const request = ++requests.current;
    setProblem(null);
    try {
      const page = await client.subjectResults(workflow.id, {
        status: filters.status,
        q: filters.q || undefined,
        text: filters.text || undefined,
        metadata: metadataFilterOf(filters),
        sort: sortOf(filters),
        needsChecking: filters.needsChecking,
        againstPlurality: filters.againstPlurality,
        reviewed: filters.notReviewed ? false : undefined,
        consensusChanged: filters.consensusChanged || undefined,
        limit: PAGE_SIZE,
        after,
      });
      if (request !== requests.current) return;
      if (after) focusRow.current = subjects.length;
      setSubjects((shown) => (after ? [...shown, ...page.subjects] : page.subjects));
      setNext(page.next);
    } catch (error) {
      if (request === requests.current) setProblem(() => describeError(error));
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: the first page, once per filters applied
  useEffect(() => {
    setNext(undefined);
    void load();
  }, [filters]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `subjects` is the trigger: the rows "Show more" brought are on screen
  useEffect(() => {
    if (focusRow.current === null) return;
    table.current?.querySelectorAll<HTMLAnchorElement>('tbody tr th a')[focusRow.current]?.focus();
    focusRow.current = null;
  }, [subjects]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const applied = { ...draft, q: draft.q.trim(), text: draft.text.trim(), sortKey: draft.sortKey.trim(), metadataKey: draft.metadataKey.trim(), metadataValue: draft.metadataValue.trim() };
    const errors: FormErrors = {
      ...(applied.sort === 'metadata' && !applied.sortKey ? { sortKey: t('lab.results.sortKeyMissing') } : {}),
      ...(applied.metadataValue && !applied.metadataKey ? { metadataKey: t('lab.results.metadataKeyMissing') } : {}),
    };
    setFormErrors(errors);
    if (errors.metadataKey || errors.sortKey) {
      document.getElementById(errors.metadataKey ? 'lab-results-metadata-key' : 'lab-results-sort-key')?.focus();
      return;
    }
    const metadataFilter = metadataFilterOf(applied);
    // In the address too, as the API names them, without a new history entry: Back from a subject comes back to this list.
    const inAddress = {
      ...(applied.status === 'all' ? {} : { status: applied.status }),
      q: applied.q,
      text: applied.text,
      ...(metadataFilter ? { [`${METADATA_PARAMETER}${applied.metadataKey}`]: applied.metadataValue } : {}),
      ...(applied.sort === DEFAULT_SORT ? {} : { sort: sortOf(applied) }),
      ...(applied.needsChecking ? { needsChecking: 'true' } : {}),
      ...(applied.againstPlurality ? { againstPlurality: 'true' } : {}),
      ...(applied.notReviewed ? { reviewed: 'false' } : {}),
      ...(applied.consensusChanged ? { consensusChanged: 'true' } : {}),
    };
    window.history.replaceState(window.history.state, '', labResultsPath(workflow.id, inAddress));
    setFilters(applied);
  };

  const which = t(`lab.results.statuses.${filters.status}`);
  const count = subjects.length;
  const shown = !count ? t('lab.results.none') : next ? t('lab.results.shownMore', { count }) : t('lab.results.shown', { count });
  return (
    <section className="lab-section" aria-labelledby="lab-results-list-heading">
      <h2 id="lab-results-list-heading">{t('lab.results.subjects')}</h2>
      <form className="account-form lab-filters" aria-label={t('lab.results.filters')} noValidate onSubmit={apply}>
        <SelectField id="lab-results-status" label={t('lab.results.status')} value={draft.status} onChange={(event) => setDraft({ ...draft, status: event.target.value as SubjectResultStatus })}>
          {SUBJECT_RESULT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`lab.results.statuses.${status}`)}
            </option>
          ))}
        </SelectField>
        <SelectField id="lab-results-sort" label={t('lab.results.sort')} value={draft.sort} onChange={(event) => setDraft({ ...draft, sort: event.target.value as Order })}>
          {ORDERS.map((sort) => (
            <option key={sort} value={sort}>
              {t(`lab.results.sorts.${sort}`)}
            </option>
          ))}
        </SelectField>
        {draft.sort === 'metadata' && (
          <MetadataKeyField id="lab-results-sort-key" label={t('lab.results.sortKey')} hint={t('lab.results.sortKeyHint')} error={formErrors.sortKey} value={draft.sortKey} onChange={(sortKey) => setDraft({ ...draft, sortKey })} />
        )}
        <FormField id="lab-results-q" label={t('lab.results.q')} hint={t('lab.results.qHint')} maxLength={LONGEST_SEARCH} value={draft.q} onChange={(event) => setDraft({ ...draft, q: event.target.value })} />
        <FormField id="lab-results-text" type="search" label={t('lab.results.text')} hint={t('lab.results.textHint')} maxLength={LONGEST_TEXT} value={draft.text} onChange={(event) => setDraft({ ...draft, text: event.target.value })} />
        <MetadataKeyField
          id="lab-results-metadata-key"
          label={t('lab.results.metadataKey')}
          hint={t('lab.results.metadataKeyHint')}
          error={formErrors.metadataKey}
          value={draft.metadataKey}
          onChange={(metadataKey) => setDraft({ ...draft, metadataKey })}
        />
        <FormField id="lab-results-metadata-value" label={t('lab.results.metadataValue')} value={draft.metadataValue} onChange={(event) => setDraft({ ...draft, metadataValue: event.target.value })} />
        <datalist id={METADATA_KEYS}>
          {metadataKeys.map((key) => (
            <option key={key} value={key} />
          ))}
        </datalist>
        <CheckboxField
          id="lab-results-needs-checking"
          label={t('lab.results.onlyNeedsChecking')}
          hint={t('lab.results.onlyNeedsCheckingHint')}
          checked={draft.needsChecking}
          onChange={(event) => setDraft({ ...draft, needsChecking: event.target.checked })}
        />
        <CheckboxField
          id="lab-results-against-plurality"
          label={t('lab.results.onlyAgainstMostVotes')}
          hint={t('lab.results.onlyAgainstMostVotesHint')}
          checked={draft.againstPlurality}
          onChange={(event) => setDraft({ ...draft, againstPlurality: event.target.checked })}
        />
        <CheckboxField
          id="lab-results-not-reviewed"
          label={t('lab.results.onlyNotReviewed')}
          hint={t('lab.results.onlyNotReviewedHint')}
          checked={draft.notReviewed}
          onChange={(event) => setDraft({ ...draft, notReviewed: event.target.checked })}
        />
        <CheckboxField
          id="lab-results-consensus-changed"
          label={t('lab.results.onlyConsensusChanged')}
          hint={t('lab.results.onlyConsensusChangedHint')}
          checked={draft.consensusChanged}
          onChange={(event) => setDraft({ ...draft, consensusChanged: event.target.checked })}
        />
        <button type="submit" className="button button-primary">
          {t('lab.results.apply')}
        </button>
      </form>
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={() => void load(subjects.length ? (next ?? undefined) : undefined)}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      <div role="status" data-testid="lab-results-status">
        {next === undefined ? (!problem && <p className="loading">{t('lab.results.loading')}</p>) : <p>{shown}</p>}
      </div>
      {subjects.length > 0 && (
        <LabTable data-testid="lab-results-table" ref={table}>
          <caption>
            {filters.q ? t('lab.results.captionSearch', { which, name: workflow.name, q: filters.q }) : t('lab.results.caption', { which, name: workflow.name })}
            {filters.text && t('lab.results.captionText', { text: filters.text })}
            {filters.needsChecking && t('lab.results.captionNeedsChecking')}
            {filters.againstPlurality && t('lab.results.captionAgainstMostVotes')}
            {filters.notReviewed && t('lab.results.captionNotReviewed')}
            {filters.consensusChanged && t('lab.results.captionConsensusChanged')}
            {metadataFilterOf(filters) && t('lab.results.captionMetadata', { key: filters.metadataKey, value: filters.metadataValue })}
            {t(`lab.results.captionOrder.${filters.sort}`, { key: filters.sortKey })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('lab.results.subject')}</th>
              <th scope="col">{t('lab.results.shows')}</th>
              <th scope="col">{t('lab.results.classifications')}</th>
              <th scope="col">{t('lab.results.favourites')}</th>
              <th scope="col">{t('lab.results.state')}</th>
              <th scope="col">{t('lab.results.consensus')}</th>
            </tr>
          </thead>
          <tbody>
            {subjects.map((subject) => (
              <tr key={subject.id} data-subject-id={subject.id}>
                <th scope="row" className="lab-subject-name">
                  <Link to={labSubjectResultPath(workflow.id, subject.id)}>{subjectName(subject) ?? subject.id}</Link>
                </th>
                <td>{whatSubjectShows(subject)}</td>
                <td>{subject.classificationCount}</td>
                <td>{subject.favourites}</td>
                <td>
                  <RetirementInWords subject={subject} />
                </td>
                <td>
                  <ConsensusList consensus={subject.consensus} reviews={subject.reviews} definitionOf={definitionOf} />
                </td>
              </tr>
            ))}
          </tbody>
        </LabTable>
      )}
      <ShowMore next={next} onMore={load} label={t('lab.results.more')} id="lab-results-more" />
    </section>
  );
}
