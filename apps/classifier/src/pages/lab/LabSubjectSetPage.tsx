import { isProblem, RESEARCHER_ROLES, type ResearcherSubject, SUBJECT_UPLOAD_LIMITS, type SubjectImagesDescribed, type SubjectSetSummary } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../../components/Breadcrumb';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loaded } from '../../components/Loaded';
import { FormField } from '../../components/FormField';
import { AskFirst } from '../../components/AskFirst';
import { DescribeSubjectImages, imagesOf } from './DescribeSubjectImages';
import { previewImageOf, SubjectPreview, usePreviewStates } from './SubjectPreview';
import { LabTable } from '../../components/LabTable';
import { NothingHere } from '../../components/NothingHere';
import { SignInForLab } from '../../components/SignInForLab';
import { showAccountNotice, useSession } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { describeError, type Problem } from '../../lib/errors';
import { setNameRefused } from '../../lib/lab';
import { LAB, labProjectPath, labSubjectSetPath, navigate } from '../../lib/router';
import { subjectName, whatSubjectShows } from '../../lib/subjectName';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useSaid } from '../../lib/said';
import { useFollowedDownload } from '../../lib/useFollowedDownload';
import { ShowMore } from '../../components/ShowMore';

/** Subjects shown at a time; "Show more" asks for the next page. */
const PAGE_SIZE = 50;

/** `/lab/projects/:slug/subject-sets/:id`: a subject set's subjects page by page, each one removable; the set renamed or deleted. */
export function LabSubjectSetPage({ projectSlug, setId }: { projectSlug: string; setId: string }) {
  const { t } = useTranslation();
  const volunteer = useSession();
  if (volunteer.kind !== 'registered') return <SignInForLab title={t('lab.title')} here={labSubjectSetPath(projectSlug, setId)} />;
  return <LabSubjectSet projectSlug={projectSlug} setId={setId} />;
}

function LabSubjectSet({ projectSlug, setId }: { projectSlug: string; setId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, missing, reload } = useLoaded(async () => {
    const project = await client.getProject(projectSlug);
    const { subjectSets } = await client.subjectSets(project.id);
    return { project, set: subjectSets.find((set) => set.id === setId) ?? null };
  }, [client, projectSlug, setId]);
  const set = data?.set;
  useDocumentTitle(set ? t('lab.set.documentTitle', { name: set.name }) : t('lab.title'));

  const researcher = data?.project.role ? RESEARCHER_ROLES.includes(data.project.role) : false;
  if (missing || (data && (!researcher || !set))) return <NothingHere testId="lab-set-not-found" title={t('lab.set.notFoundTitle')} body={t('lab.set.notFound')} />;
  const projectPage = labProjectPath(data?.project.slug ?? projectSlug);
  return (
    <div className="page page-lab" data-testid="lab-set">
      <Breadcrumb
        up={[
          { to: LAB, label: t('lab.title') },
          { to: projectPage, label: data?.project.title ?? projectSlug },
        ]}
        here={set?.name ?? ''}
      />
      <Loaded data={set ?? null} problem={problem} reload={reload} loading={t('project.loading')}>
        {(set) => (
          <>
            <h1 tabIndex={-1}>{set.name}</h1>
            <p>{t('lab.set.count', { count: set.subjects })}</p>
            <DownloadSetFile set={set} />
            <RenameSetForm set={set} onRenamed={reload} />
            <SetSubjects setId={set.id} projectId={data!.project.id} onRemoved={reload} />
            <DeleteSet set={set} projectPage={projectPage} />
          </>
        )}
      </Loaded>
    </div>
  );
}

/**
 * The set's subjects as the CSV file an upload reads (`GET /subject-sets/:id/subjects.csv`), to correct and upload
 * again into the set: each press asks for a new download link and follows it, so the browser saves the file to disk as
 * the API streams it (a set of any size), and no link goes stale here.
 */
function DownloadSetFile({ set }: { set: SubjectSetSummary }) {
  const { t } = useTranslation();
  const client = useClient();
  const { started, problem, save } = useFollowedDownload();
  const download = () => save(async () => (await client.subjectSetCsvLink(set.id)).url, (t) => t('lab.set.downloadStarted'));
  const limits = { subjects: SUBJECT_UPLOAD_LIMITS.subjects, mebibytes: SUBJECT_UPLOAD_LIMITS.bytes / 2 ** 20 };
  return (
    <>
      <p>
        <button type="button" className="button button-secondary" data-testid="lab-set-download" aria-describedby="lab-set-download-hint" onClick={() => void download()}>
          {t('lab.set.download')}
        </button>
      </p>
      <p id="lab-set-download-hint" className="field-hint">
        {t('lab.set.downloadHint', limits)}
      </p>
      {set.subjects > SUBJECT_UPLOAD_LIMITS.subjects && (
        <p className="field-hint" data-testid="lab-set-download-large">
          {t('lab.set.downloadLarge', limits)}
        </p>
      )}
      <p role="status" aria-live="polite">
        {started}
      </p>
      <ErrorAlert problem={problem} focus />
    </>
  );
}

const removeButtonId = (subject: ResearcherSubject) => `lab-set-remove-${subject.id}`;
const describeButtonId = (subject: ResearcherSubject) => `lab-set-describe-${subject.id}`;

/**
 * The set's subjects, page by page in the set's order, each of which can be taken out of the set, asked first, and
 * have its images described.
 */
function SetSubjects({ setId, projectId, onRemoved }: { setId: string; projectId: string; onRemoved: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [subjects, setSubjects] = useState<ResearcherSubject[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [problem, setProblem] = useSaid<Problem>();
  const [said, say] = useSaid<string>();
  const status = useRef<HTMLDivElement | null>(null);
  const { states, preview } = usePreviewStates(projectId);
  const previewed = subjects.filter((subject) => previewImageOf(subject)).length;
  const previewsFailed = subjects.filter((subject) => states.get(subject.id) === 'failed').length;

  const load = async (after?: string) => {
    setProblem(null);
    try {
      const page = await client.subjectsOf(setId, { limit: PAGE_SIZE, ...(after ? { after } : {}) });
      setSubjects((shown) => (after ? [...shown, ...page.subjects] : page.subjects));
      setNext(page.next);
    } catch (error) {
      setProblem(() => describeError(error));
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: the first page, once per set
  useEffect(() => void load(), [setId]);

  const [removing, setRemoving] = useState<string | null>(null);
  /** The subject whose taking out is asked first (a slip in a long table takes one out of a live workflow). */
  const [asking, setAsking] = useState<string | null>(null);
  const keep = (subject: ResearcherSubject) => {
    setAsking(null);
    requestAnimationFrame(() => document.getElementById(removeButtonId(subject))?.focus());
  };
  /** The subject whose images are being described. */
  const [describing, setDescribing] = useState<ResearcherSubject | null>(null);
  const stopDescribing = (subject: ResearcherSubject) => {
    setDescribing(null);
    requestAnimationFrame(() => document.getElementById(describeButtonId(subject))?.focus());
  };
  const described = (subject: ResearcherSubject, { locations }: SubjectImagesDescribed) => {
    setSubjects((shown) => shown.map((one) => (one.id === subject.id ? { ...one, locations } : one)));
    say((t) => t('lab.describe.done', { subject: subjectName(subject) ?? subject.id }));
    setDescribing(null);
    status.current?.focus();
  };
  const remove = async (subject: ResearcherSubject) => {
    if (removing) return;
    setAsking(null);
    setProblem(null);
    setRemoving(subject.id);
    try {
      const { deletedSubjects } = await client.removeSubject(setId, subject.id);
      setSubjects((shown) => shown.filter((one) => one.id !== subject.id));
      const name = subjectName(subject) ?? subject.id;
      say((t) => (deletedSubjects > 0 ? t('lab.set.removedDeleted', { name }) : t('lab.set.removedKept', { name })));
      status.current?.focus();
      onRemoved();
    } catch (error) {
      setProblem(() => describeError(error));
    } finally {
      setRemoving(null);
    }
  };

  return (
    <section className="lab-section" aria-labelledby="lab-set-subjects-heading">
      <h2 id="lab-set-subjects-heading">{t('lab.set.subjects')}</h2>
      <ErrorAlert problem={problem} focus />
      <div role="status" tabIndex={-1} ref={status} data-testid="lab-set-status">
        {said && <p className="notice">{said}</p>}
      </div>
      {/* Its own polite region: the previews fail one by one as they come into view, and the count is read as it changes. */}
      <p role="status" data-testid="lab-set-previews-failed">
        {previewsFailed > 0 && t('lab.preview.summary', { count: previewsFailed, total: previewed })}
      </p>
      {next !== undefined && subjects.length === 0 && <p>{t('lab.set.empty')}</p>}
      {subjects.length > 0 && (
        <LabTable data-testid="lab-set-subjects">
          <thead>
            <tr>
              <th scope="col">{t('lab.set.externalId')}</th>
              <th scope="col">{t('lab.set.shows')}</th>
              <th scope="col">{t('lab.preview.title')}</th>
              <th scope="col">{t('lab.set.knownAnswers')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('lab.set.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {subjects.map((subject) => (
              <tr key={subject.id} data-subject-id={subject.id}>
                <th scope="row" className="lab-subject-name">
                  {subject.externalId ?? '—'}
                </th>
                <td>{whatSubjectShows(subject)}</td>
                <td>
                  <SubjectPreview subject={subject} state={states.get(subject.id)} onState={(state) => preview(subject.id, state)} />
                </td>
                <td>{subject.goldStandard ? Object.entries(subject.goldStandard).map(([task, answer]) => `${task}${t('app.colon')}${JSON.stringify(answer)}`).join('; ') : ''}</td>
                <td>
                  {asking === subject.id ? (
                    <AskFirst
                      asked={{
                        testId: 'lab-set-remove-question',
                        question: t('lab.set.removeQuestion', { name: subjectName(subject) ?? subject.id }),
                        confirm: t('lab.set.removeConfirm'),
                        cancel: t('lab.set.removeCancel'),
                        confirmId: 'lab-set-remove-confirm',
                      }}
                      busy={removing !== null}
                      onConfirm={(event) => {
                        event.preventDefault();
                        void remove(subject);
                      }}
                      onCancel={() => keep(subject)}
                    />
                  ) : (
                    <div className="lab-actions">
                      {imagesOf(subject.locations).length > 0 && (
                        <button type="button" id={describeButtonId(subject)} className="button button-secondary" aria-expanded={describing?.id === subject.id} onClick={() => setDescribing(subject)}>
                          {t('lab.describe.open')}
                          <span className="visually-hidden"> {subjectName(subject) ?? subject.id}</span>
                        </button>
                      )}
                      <button type="button" id={removeButtonId(subject)} className="button button-secondary" aria-disabled={removing !== null || undefined} onClick={() => setAsking(subject.id)}>
                        {t('lab.set.remove')}
                        <span className="visually-hidden"> {subjectName(subject) ?? subject.id}</span>
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </LabTable>
      )}
      {describing && (
        <DescribeSubjectImages
          key={describing.id}
          subjectId={describing.id}
          locations={describing.locations}
          name={subjectName(describing) ?? describing.id}
          onDescribed={(answer) => described(describing, answer)}
          onCancel={() => stopDescribing(describing)}
        />
      )}
      <ShowMore next={next} onMore={load} label={t('lab.set.more')} id="lab-set-more" />
    </section>
  );
}

function RenameSetForm({ set, onRenamed }: { set: SubjectSetSummary; onRenamed: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ name: set.name }, ['name'] as const);
  const submit = form.onSubmit({
    check: (t) => (form.values.name.trim() ? {} : { name: t('lab.upload.nameMissing') }),
    send: async () => {
      const renamed = await client.renameSubjectSet(set.id, form.values.name.trim());
      showAccountNotice((t) => t('lab.set.renamed', { name: renamed.name }));
      onRenamed();
    },
    refused: (error) => setNameRefused(error),
  });
  return (
    <section className="lab-section" aria-labelledby="lab-set-rename-heading">
      <h2 id="lab-set-rename-heading">{t('lab.set.rename')}</h2>
      <ErrorAlert problem={form.problem} focus />
      <form className="account-form" noValidate aria-labelledby="lab-set-rename-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="lab-set-name" label={t('lab.set.name')} maxLength={200} {...form.field('name')} />
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('lab.saving') : t('lab.set.saveName')}
        </button>
      </form>
    </section>
  );
}

/**
 * Deleting the set, asked twice: it deletes the subjects that are in no other set and were never classified (so that
 * corrected ones can be uploaded again under the same external ids). A set a workflow serves is refused.
 */
function DeleteSet({ set, projectPage }: { set: SubjectSetSummary; projectPage: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useSaid<Problem>();

  const remove = async () => {
    setProblem(null);
    try {
      const { deletedSubjects, keptSubjects } = await client.deleteSubjectSet(set.id);
      navigate(projectPage);
      showAccountNotice((t) => t('lab.set.deleted', { name: set.name, deleted: deletedSubjects, kept: keptSubjects }), projectPage);
    } catch (error) {
      setAsking(false);
      setProblem((t) => isProblem(error, 'subject-set-in-use') ? { detail: t('lab.set.inUse'), fields: [] } : describeError(error));
    }
  };
  return (
    <section className="lab-section" aria-labelledby="lab-set-delete-heading">
      <h2 id="lab-set-delete-heading">{t('lab.set.delete')}</h2>
      <ErrorAlert problem={problem} focus />
      <p>{t('lab.set.deleteLead')}</p>
      {asking ? (
        <AskFirst
          asked={{
            testId: 'lab-set-delete-question',
            question: t('lab.set.deleteQuestion', { name: set.name, count: set.subjects }),
            confirm: t('lab.set.deleteConfirm'),
            cancel: t('lab.set.deleteCancel'),
            confirmId: 'lab-set-delete-confirm',
          }}
          busy={false}
          onConfirm={(event) => {
            event.preventDefault();
            void remove();
          }}
          onCancel={() => setAsking(false)}
        />
      ) : (
        <button type="button" id="lab-set-delete" className="button button-secondary" onClick={() => setAsking(true)}>
          {t('lab.set.delete')}
        </button>
      )}
    </section>
  );
}
