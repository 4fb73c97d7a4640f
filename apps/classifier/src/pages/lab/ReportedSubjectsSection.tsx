import { REPORTED_SUBJECTS_ANCHOR, REPORTED_SUBJECT_STATUSES, RETIREMENT_LIMITS, type ReportedSubject, type ReportedSubjectStatus, SUBJECT_REPORT_LIMITS, SUBJECT_REPORT_REASONS, type SubjectsRetired, type WorkflowView } from '@chorus/client';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormField, SelectField } from '../../components/FormField';
import { InlineQuestion } from '../../components/InlineQuestion';
import { LabTable } from '../../components/LabTable';
import { ResultNotice } from '../../components/ResultNotice';
import { problemAtFields, sentence } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { useHeadingFocusedWhenAddressed } from '../../lib/focus';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useMorePages } from '../../lib/useMorePages';
import { useResult } from '../../lib/useResult';
import { ReportCells } from './ReportCells';
import { ReportedMedia, useCorrection } from './CorrectSubjectAddress';
import type { TagsOfSubject } from './TagProposalsSection';
import { whenInWords } from '../../lib/formats';
import { SubmitOrCancel } from '../../components/SubmitOrCancel';
import { Link, subjectPath } from '../../lib/router';
import { textPreview } from '../../lib/subjectName';
import { ShowMore } from '../../components/ShowMore';

interface Props {
  workflow: WorkflowView;
  /** The workflow's project, whose subject pages (the subject as volunteers see it, and its discussion) the list links. */
  projectSlug: string;
  changes: number;
  onChanged(): void;
  /** Lists the tags volunteers proposed for a subject reported for one (where the workflow has tagging tasks). */
  onShowTags?(subject: TagsOfSubject): void;
  /** The caller may correct a subject's media addresses (a researcher; a moderator may not). */
  mayCorrect: boolean;
}

/**
 * The subjects volunteers reported as ones they could not classify (it does not load, it is blank, sensitive, a tag
 * proposed for it is offensive…), those still to handle by default, the most recently first reported first (a report
 * while "Show more" pages does not move a subject, so none is missed or listed twice): what each shows and a link to
 * its page, how many reports and why, their latest notes, and a way to take each down with a reason or to dismiss its
 * reports (and to see the tags of one reported for a tag). Read again after each of `changes`; `onChanged` after a
 * take-down, so the workflow's progress is read again too.
 */
export function ReportedSubjectsSection({ workflow, projectSlug, changes, onChanged, onShowTags, mayCorrect }: Props) {
  const { t } = useTranslation();
  const client = useClient();
  const [status, setStatus] = useState<ReportedSubjectStatus>('open');
  const { data, problem, reload } = useLoaded(() => client.reportedSubjects(workflow.id, { status }), [client, workflow.id, changes, status]);
  const { items: subjects, next, showMore, problem: moreProblem, loading, newRow } = useMorePages(data, (page) => page.subjects, (after) => client.reportedSubjects(workflow.id, { status, after }));
  // One form at a time: opening one closes the other.
  const [handling, setHandling] = useState<Handling | null>(null);
  const retiring = handling?.action === 'retire' ? handling.subject : null;
  const dismissing = handling?.action === 'dismiss' ? handling.subject : null;
  const cancel = () => {
    setHandling(null);
    handling?.opener.focus();
  };
  const [result, say] = useResult();
  const name = (subject: ReportedSubject) => subject.externalId ?? subject.subjectId;
  const correction = useCorrection(name, say, reload);
  const heading = useHeadingFocusedWhenAddressed(`#${REPORTED_SUBJECTS_ANCHOR}`);

  return (
    <section className="lab-section" id={REPORTED_SUBJECTS_ANCHOR} aria-labelledby="lab-reports-heading">
      <h2 id="lab-reports-heading" tabIndex={-1} ref={heading}>
        {t('lab.reports.title')}
      </h2>
      <p>{t('lab.reports.lead')}</p>
      <ErrorAlert problem={problem ?? moreProblem} />
      <ResultNotice result={result} testId="lab-reports-result" />
      <SelectField id="lab-reports-status" label={t('lab.reports.show')} value={status} onChange={(event) => setStatus(event.target.value as ReportedSubjectStatus)}>
        {REPORTED_SUBJECT_STATUSES.map((each) => (
          <option key={each} value={each}>
            {t(`lab.reports.statuses.${each}`)}
          </option>
        ))}
      </SelectField>
      {data && <p data-testid="lab-reports-total">{t(`lab.reports.totals.${status}`, { count: data.total })}</p>}
      {subjects.length > 0 && (
        <LabTable data-testid="lab-reports" aria-labelledby="lab-reports-heading">
          <thead>
            <tr>
              <th scope="col">{t('lab.reports.subject')}</th>
              <th scope="col">{t('lab.correction.media')}</th>
              <th scope="col">{t('lab.reports.why')}</th>
              <th scope="col">{t('lab.reports.notes')}</th>
              <th scope="col">{t('lab.reports.when')}</th>
              <th scope="col">{t('lab.reports.status')}</th>
            </tr>
          </thead>
          <tbody>
            {subjects.map((subject, index) => (
              <tr key={subject.subjectId} data-subject-id={subject.subjectId} {...newRow(index)}>
                <th scope="row">
                  <Link to={subjectPath(projectSlug, subject.subjectId)} aria-label={t('lab.reports.openLabel', { subject: name(subject) })}>
                    {name(subject)}
                  </Link>
                  <ReportedExcerpt subject={subject} name={name(subject)} />
                </th>
                <td>
                  <ReportedMedia subject={subject} name={name(subject)} onCorrect={mayCorrect ? () => correction.correct(subject) : undefined} />
                </td>
                <ReportCells reported={subject} reasons={SUBJECT_REPORT_REASONS} reasonWord={(reason) => t(`report.reasons.${reason}`)} />
                <td>
                  <div className="lab-actions">
                    <HandledState subject={subject} />
                    {/* Offered for a subject retired by its rule too: reports often come after, and a take-down is not a retirement. */}
                    {!subject.takenDown && (
                      <button type="button" className="button button-secondary button-small" onClick={(event) => setHandling({ action: 'retire', subject, opener: event.currentTarget })} aria-label={t('lab.reports.retireLabel', { subject: name(subject) })}>
                        {t('lab.reports.retire')}
                      </button>
                    )}
                    {!subject.takenDown && subject.openReports > 0 && (
                      <button type="button" className="button button-secondary button-small" onClick={(event) => setHandling({ action: 'dismiss', subject, opener: event.currentTarget })} aria-label={t('lab.reports.dismissLabel', { subject: name(subject) })}>
                        {t('lab.reports.dismiss')}
                      </button>
                    )}
                    {onShowTags && subject.reasons['offensive-tag'] && (
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        onClick={() => onShowTags({ subjectId: subject.subjectId, name: name(subject) })}
                        aria-label={t('lab.reports.showTagsLabel', { subject: name(subject) })}
                      >
                        {t('lab.reports.showTags')}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </LabTable>
      )}
      <ShowMore next={next} onMore={showMore} loading={loading} label={t('lab.reports.more')} />
      {retiring && (
        <RetireReported
          key={retiring.subjectId}
          workflowId={workflow.id}
          subject={retiring}
          name={name(retiring)}
          onRetired={({ takenDown }) => {
            // Someone may have taken it down meanwhile: said so, not as "0 subjects retired".
            const subject = name(retiring);
            say((t) => (takenDown ? t('lab.reports.takenDown', { subject }) : t('lab.reports.takenDownAlready', { subject })));
            setHandling(null);
            reload();
            onChanged();
          }}
          onCancel={cancel}
        />
      )}
      {dismissing && (
        <DismissReports
          key={dismissing.subjectId}
          workflowId={workflow.id}
          subject={dismissing}
          name={name(dismissing)}
          onDismissed={() => {
            const subject = name(dismissing);
            say((t) => t('lab.reports.dismissed', { subject }));
            setHandling(null);
            reload();
          }}
          onCancel={cancel}
        />
      )}
      {correction.form}
    </section>
  );
}

/** A reported subject being taken down or dismissed, and the button that asked, where focus goes back if the moderator changes their mind. */
interface Handling {
  action: 'retire' | 'dismiss';
  subject: ReportedSubject;
  opener: HTMLButtonElement;
}

/** What a reported subject shows, for a moderator to check before deciding: its first image, small, or its text's start. */
function ReportedExcerpt({ subject, name }: { subject: ReportedSubject; name: string }) {
  const { t } = useTranslation();
  const image = subject.locations.find((location) => location.type === 'image');
  if (image) return <img className="lab-preview-image lab-report-excerpt" src={image.url} loading="lazy" width={64} height={64} alt={image.alt ?? t('lab.reports.imageOf', { subject: name })} />;
  const text = subject.locations.find((location) => location.type === 'text');
  return text ? <span className="lab-preview-text lab-report-excerpt">{textPreview(text.text)}</span> : null;
}

/** Whether a reported subject was handled: taken down, or its reports dismissed (when, and the note). */
function HandledState({ subject }: { subject: ReportedSubject }) {
  const { t } = useTranslation();
  if (subject.takenDown) return <>{t('lab.reports.retired')}</>;
  if (subject.retired && (subject.openReports > 0 || !subject.dismissal)) return <>{t('lab.reports.retiredNotTakenDown')}</>;
  if (subject.openReports > 0 || !subject.dismissal) return null;
  const when = whenInWords(subject.dismissal.dismissedAt);
  return <>{subject.dismissal.note ? t('lab.reports.dismissedWithNote', { when, note: subject.dismissal.note }) : t('lab.reports.dismissedOn', { when })}</>;
}

/** A refusal's field errors in the lab's words: about the subject, without the request's JSON pointer. */
const aboutSubject = (t: TFunction, name: string) => ({ message }: { message: string }) => `${name}${t('app.colon')}${sentence(message)}`;

/** Dismisses a reported subject's open reports, with an optional note: handled, it stays served. */
function DismissReports({ workflowId, subject, name, onDismissed, onCancel }: { workflowId: string; subject: ReportedSubject; name: string; onDismissed(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ note: '' }, ['note'] as const);
  const submit = form.onSubmit({
    check: () => ({}),
    send: async () => {
      await client.dismissReports(workflowId, subject.subjectId, form.values.note.trim());
      onDismissed();
    },
    refused: (error) => problemAtFields(error, ['note'] as const, aboutSubject(t, name)),
  });
  return (
    <InlineQuestion question={t('lab.reports.dismissQuestion', { subject: name })} className="confirm-empty" testId="lab-report-dismiss" onCancel={onCancel}>
      {(questionId) => (
        <form className="account-form" noValidate aria-labelledby={questionId} onSubmit={(event) => void submit(event)}>
          <ErrorAlert problem={form.problem} focus />
          <FormField id="lab-report-dismiss-note" label={t('lab.reports.dismissNote')} hint={t('lab.reports.dismissNoteHint')} maxLength={SUBJECT_REPORT_LIMITS.dismissalNoteLength} {...form.field('note')} />
          <SubmitOrCancel submit={t('lab.reports.dismiss')} cancel={t('report.cancel')} busy={form.busy} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}

/** Takes one reported subject down (`takeDown`: out of every workflow of the project, retired already or not) with the reason kept for the record. */
function RetireReported({ workflowId, subject, name, onRetired, onCancel }: { workflowId: string; subject: ReportedSubject; name: string; onRetired(answer: SubjectsRetired): void; onCancel(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ reason: '' }, ['reason'] as const);
  const submit = form.onSubmit({
    check: (t) => (form.values.reason.trim() ? {} : { reason: t('lab.subjects.reasonMissing') }),
    send: async () => {
      onRetired(await client.retireSubjects(workflowId, { subjectIds: [subject.subjectId], reason: form.values.reason.trim(), takeDown: true }));
    },
    refused: (error) => problemAtFields(error, ['reason'] as const, aboutSubject(t, name)),
  });
  return (
    <InlineQuestion question={t('lab.reports.retireQuestion', { subject: name })} className="confirm-empty" testId="lab-report-retire" onCancel={onCancel}>
      {(questionId) => (
        <form className="account-form" noValidate aria-labelledby={questionId} onSubmit={(event) => void submit(event)}>
          <ErrorAlert problem={form.problem} focus />
          <FormField id="lab-report-retire-reason" label={t('lab.subjects.reason')} hint={t('lab.subjects.reasonHint')} maxLength={RETIREMENT_LIMITS.reasonLength} {...form.field('reason')} />
          <SubmitOrCancel submit={t('lab.reports.retire')} cancel={t('report.cancel')} busy={form.busy} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}
