import type { MediaFailedSubject } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LabTable } from '../../components/LabTable';
import { ResultNotice } from '../../components/ResultNotice';
import { useClient } from '../../lib/clientContext';
import { whenInWords } from '../../lib/formats';
import { useLoaded } from '../../lib/useLoaded';
import { useMorePages } from '../../lib/useMorePages';
import { useResult } from '../../lib/useResult';
import { ReportedMedia, useCorrection } from './CorrectSubjectAddress';
import { ShowMore } from '../../components/ShowMore';

/**
 * A warning, on a workflow's lab page, that volunteers' browsers could not load some of its subjects' images or
 * recordings (the classifier says so by itself: most volunteers do not report it), with the subjects and their
 * addresses, each to correct as a reported subject's; a correction clears its subject's count. Nothing when none failed.
 * The subjects come the most recently first failed first, a page at a time ("Show more": a failure meanwhile does not
 * move a subject, so none is missed or listed twice). Read again after each of `changes`.
 */
export function MediaFailuresSection({ workflowId, changes }: { workflowId: string; changes: number }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => client.mediaFailures(workflowId), [client, workflowId, changes]);
  const pages = useMorePages(data, (page) => page.failed, (after) => client.mediaFailures(workflowId, { after }));
  const [shown, setShown] = useState(false);
  const [result, say] = useResult();
  const name = (subject: MediaFailedSubject) => subject.externalId ?? subject.subjectId;
  const correction = useCorrection(name, say, reload);

  if (problem) return <ErrorAlert problem={problem} />;
  if (!data?.subjects && !result) return null;
  return (
    <section className="lab-section" aria-labelledby="lab-media-failures-heading" data-testid="lab-media-failures">
      <h2 id="lab-media-failures-heading">{t('lab.mediaFailures.title')}</h2>
      <ErrorAlert problem={pages.problem} />
      <ResultNotice result={result} testId="lab-media-failures-result" />
      {data && data.subjects > 0 && (
        <>
          <p className="notice" data-testid="lab-media-failures-warning">
            {t('lab.mediaFailures.warning', { count: data.subjects, failures: t('lab.mediaFailures.failures', { count: data.failures }), when: whenInWords(data.lastFailedAt!) })}
          </p>
          <button type="button" className="button button-secondary" aria-expanded={shown} aria-controls="lab-media-failures-list" onClick={() => setShown((now) => !now)}>
            {shown ? t('lab.mediaFailures.hide') : t('lab.mediaFailures.show')}
          </button>
        </>
      )}
      <div id="lab-media-failures-list" hidden={!shown}>
        {pages.items.length > 0 && (
          <LabTable data-testid="lab-media-failures-list" aria-labelledby="lab-media-failures-heading">
            <thead>
              <tr>
                <th scope="col">{t('lab.reports.subject')}</th>
                <th scope="col">{t('lab.correction.media')}</th>
                <th scope="col">{t('lab.mediaFailures.count')}</th>
                <th scope="col">{t('lab.mediaFailures.first')}</th>
                <th scope="col">{t('lab.mediaFailures.last')}</th>
              </tr>
            </thead>
            <tbody>
              {pages.items.map((subject, index) => (
                <tr key={subject.subjectId} data-subject-id={subject.subjectId} {...pages.newRow(index)}>
                  <th scope="row">{name(subject)}</th>
                  <td>
                    <ReportedMedia subject={subject} name={name(subject)} onCorrect={() => correction.correct(subject)} />
                  </td>
                  <td>{subject.failures}</td>
                  <td>{whenInWords(subject.firstFailedAt)}</td>
                  <td>{whenInWords(subject.lastFailedAt)}</td>
                </tr>
              ))}
            </tbody>
          </LabTable>
        )}
        <ShowMore next={pages.next} onMore={pages.showMore} loading={pages.loading} label={t('lab.mediaFailures.more')} />
      </div>
      {correction.form}
    </section>
  );
}
