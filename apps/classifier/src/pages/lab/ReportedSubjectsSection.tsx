import { RETIREMENT_LIMITS, type ReportedSubject, SUBJECT_REPORT_REASONS, type SubjectsRetired, type WorkflowView } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormField } from '../../components/FormField';
import { InlineQuestion } from '../../components/InlineQuestion';
import { LabTable } from '../../components/LabTable';
import { ResultNotice } from '../../components/ResultNotice';
import { problemAtFields } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useMorePages } from '../../lib/useMorePages';
import { useResult } from '../../lib/useResult';
import { ReportedMedia, useCorrection } from './CorrectSubjectAddress';
import type { TagsOfSubject } from './TagProposalsSection';
import { whenInWords } from '../../lib/formats';
import { SubmitOrCancel } from '../../components/SubmitOrCancel';

interface Props {
  workflow: WorkflowView;
  changes: number;
  onChanged(): void;
  /** Lists the tags volunteers proposed for a subject reported for one (where the workflow has tagging tasks). */
  onShowTags?(subject: TagsOfSubject): void;
  /** The caller may correct a subject's media addresses (a researcher; a moderator may not). */
  mayCorrect: boolean;
}

/**
 * The subjects volunteers reported as ones they could not classify (it does not load, it is blank, sensitive, a tag
 * proposed for it is offensive…), the most recently first reported first (a report while "Show more" pages does not
 * move a subject, so none is missed or listed twice): how many reports and why, their latest notes, and a way to
 * retire each with a reason (and to see the tags of one reported for a tag). Read again after each of `changes`;
 * `onChanged` after a retirement, so the workflow's progress is read again too.
 */
export function ReportedSubjectsSection({ workflow, changes, onChanged, onShowTags, mayCorrect }: Props) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => client.reportedSubjects(workflow.id), [client, workflow.id, changes]);
  const { items: subjects, next, showMore, problem: moreProblem, loading, newRow } = useMorePages(data, (page) => page.subjects, (after) => client.reportedSubjects(workflow.id, { after }));
  const [retiring, setRetiring] = useState<ReportedSubject | null>(null);
  const [result, say] = useResult();
  const name = (subject: ReportedSubject) => subject.externalId ?? subject.subjectId;
  const correction = useCorrection(name, say, reload);

  return (
    <section className="lab-section" aria-labelledby="lab-reports-heading">
      <h2 id="lab-reports-heading">{t('lab.reports.title')}</h2>
      <p>{t('lab.reports.lead')}</p>
      <ErrorAlert problem={problem ?? moreProblem} />
      <ResultNotice result={result} testId="lab-reports-result" />
      {data && <p data-testid="lab-reports-total">{t('lab.reports.total', { count: data.total })}</p>}
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
                <th scope="row">{name(subject)}</th>
                <td>
                  <ReportedMedia subject={subject} name={name(subject)} onCorrect={mayCorrect ? () => correction.correct(subject) : undefined} />
                </td>
                <td>
                  <ul className="lab-report-reasons">
                    {SUBJECT_REPORT_REASONS.filter((reason) => subject.reasons[reason]).map((reason) => (
                      <li key={reason}>{t('lab.reports.reasonCount', { reason: t(`report.reasons.${reason}`), count: subject.reasons[reason] })}</li>
                    ))}
                  </ul>
                </td>
                <td>
                  {subject.notes.length ? (
                    <ul className="lab-report-notes">
                      {subject.notes.map((note) => (
                        <li key={`${note.reporter}-${note.reportedAt}`}>“{note.note}”</li>
                      ))}
                    </ul>
                  ) : (
                    t('lab.reports.noNotes')
                  )}
                </td>
                <td>{subject.reports > 1 ? t('lab.reports.between', { first: whenInWords(subject.firstReportedAt), last: whenInWords(subject.lastReportedAt) }) : whenInWords(subject.lastReportedAt)}</td>
                <td>
                  <div className="lab-actions">
                    {subject.retired ? (
                      t('lab.reports.retired')
                    ) : (
                      <button type="button" className="button button-secondary button-small" onClick={() => setRetiring(subject)} aria-label={t('lab.reports.retireLabel', { subject: name(subject) })}>
                        {t('lab.reports.retire')}
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
      {next && (
        <button type="button" className="button button-secondary" onClick={() => void showMore()} aria-disabled={loading || undefined}>
          {t('lab.reports.more')}
        </button>
      )}
      {retiring && (
        <RetireReported
          key={retiring.subjectId}
          workflowId={workflow.id}
          subject={retiring}
          name={name(retiring)}
          onRetired={({ retired, alreadyRetired }) => {
            // Someone may have retired it meanwhile: said so, not as "0 subjects retired".
            say((t) => (alreadyRetired ? t('lab.subjects.retiredAlready', { count: alreadyRetired }) : t('lab.subjects.retired', { count: retired })));
            setRetiring(null);
            reload();
            onChanged();
          }}
          onCancel={() => setRetiring(null)}
        />
      )}
      {correction.form}
    </section>
  );
}

/** Retires one reported subject with the reason kept for the record (the same retirement as the Subjects section's). */
function RetireReported({ workflowId, subject, name, onRetired, onCancel }: { workflowId: string; subject: ReportedSubject; name: string; onRetired(answer: SubjectsRetired): void; onCancel(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ reason: '' }, ['reason'] as const);
  const submit = form.onSubmit({
    check: (t) => (form.values.reason.trim() ? {} : { reason: t('lab.subjects.reasonMissing') }),
    send: async () => {
      onRetired(await client.retireSubjects(workflowId, { subjectIds: [subject.subjectId], reason: form.values.reason.trim() }));
    },
    refused: (error) => problemAtFields(error, ['reason'] as const),
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
