import { EXCLUSION_REASON_LENGTH, type ProjectView, type VolunteerSkill } from '@chorus/client';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextAreaField } from '../../components/FormField';
import { InlineQuestion } from '../../components/InlineQuestion';
import { LabTable } from '../../components/LabTable';
import { LoadedList } from '../../components/LoadedList';
import { ResultNotice } from '../../components/ResultNotice';
import { problemAtFields } from '../../lib/account';
import { goneAt } from '../../lib/errors';
import { useClient } from '../../lib/clientContext';
import { whenInWords } from '../../lib/formats';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useResult } from '../../lib/useResult';
import { VolunteerInWords } from './SubjectResultParts';

/**
 * Keeps a volunteer's classifications out of the project's consensus, asked first with the reason (kept with the
 * exclusion, for the team); where researchers see a volunteer (their learned skills, a subject's classifications).
 * Once they are excluded it says so in place of its button, unless the page shows the exclusion itself (`onExcluded`).
 */
export function ExcludeVolunteer({ projectId, volunteer, onExcluded }: { projectId: string; volunteer: Pick<VolunteerSkill, 'volunteerId' | 'volunteer'>; onExcluded?: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const id = useId();
  const form = useForm({ reason: '' }, ['reason'] as const);
  const [asking, setAsking] = useState(false);
  const [excluded, setExcluded] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const exclude = form.onSubmit({
    check: (t) => (form.values.reason.trim() ? {} : { reason: t('lab.excluded.reasonNeeded') }),
    send: async () => {
      await client.excludeVolunteer(projectId, volunteer.volunteerId, form.values.reason);
      setAsking(false);
      if (onExcluded) onExcluded();
      else setExcluded(true);
    },
    refused: (error) => problemAtFields(error, ['reason'] as const),
  });
  const goBack = () => {
    setAsking(false);
    form.reset();
    opener.current?.focus();
  };
  if (excluded) return <p role="status">{t('lab.excluded.done')}</p>;
  const { name, kind } = volunteer.volunteer;
  const question = name ? t('lab.excluded.question', { name }) : t(`lab.excluded.questionUnnamed.${kind}`);
  return (
    <>
      <button type="button" ref={opener} className="button button-secondary" onClick={() => setAsking(true)}>
        {t('lab.excluded.exclude')}
      </button>
      {asking && (
        <InlineQuestion question={question} hint={t('lab.excluded.hint')} className="notice lab-confirm" testId="lab-exclude-question" onCancel={goBack}>
          {(questionId) => (
            <form noValidate aria-labelledby={questionId} onSubmit={(event) => void exclude(event)}>
              <ErrorAlert problem={form.problem} />
              <TextAreaField id={`${id}-reason`} label={t('lab.excluded.reason')} maxLength={EXCLUSION_REASON_LENGTH} rows={2} {...form.field('reason')} />
              <div className="lab-actions">
                <button type="submit" className="button button-danger" aria-disabled={form.busy || undefined}>
                  {t('lab.excluded.confirm')}
                </button>
                <button type="button" className="button button-secondary" onClick={goBack}>
                  {t('lab.excluded.cancel')}
                </button>
              </div>
            </form>
          )}
        </InlineQuestion>
      )}
    </>
  );
}

/**
 * "Count them again" for the project's excluded volunteers: `lift(volunteerId, lifted)` submits, then calls `lifted`
 * (what the page shows of it), also when another researcher lifted it first; a refusal is `problem`, for the page to
 * show once.
 */
export function useLiftExclusion(projectId: string) {
  const client = useClient();
  const form = useForm<never>({}, []);
  const lift = (volunteerId: string, lifted: () => void) =>
    form.onSubmit({
      check: () => ({}),
      send: async () => {
        await client.liftExclusion(projectId, volunteerId).catch((error: unknown) => {
          if (!goneAt(error, '/params/userId')) throw error;
        });
        lifted();
      },
      refused: (error) => problemAtFields(error, [] as const),
    });
  return { lift, problem: form.problem, busy: form.busy };
}

/** The "Count them again" button of one excluded volunteer. */
export function LiftExclusion({ lifting, volunteerId, onLifted }: { lifting: ReturnType<typeof useLiftExclusion>; volunteerId: string; onLifted: () => void }) {
  const { t } = useTranslation();
  return (
    <form noValidate onSubmit={(event) => void lifting.lift(volunteerId, onLifted)(event)}>
      <button type="submit" className="button button-secondary" aria-disabled={lifting.busy || undefined}>
        {t('lab.excluded.lift')}
      </button>
    </form>
  );
}

/** The volunteers the project's consensus leaves out, with why, when and by whom; each exclusion can be lifted. */
export function ExcludedVolunteersSection({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => client.excludedVolunteers(project.id), [client, project.id]);
  const lifting = useLiftExclusion(project.id);
  const [result, say] = useResult();
  const lifted = () => {
    say((t) => t('lab.excluded.lifted'));
    reload();
  };
  return (
    <section className="lab-section" aria-labelledby="lab-excluded-heading" data-testid="lab-excluded">
      <h2 id="lab-excluded-heading">{t('lab.excluded.title')}</h2>
      <p>{t('lab.excluded.lead')}</p>
      <ResultNotice result={result} testId="lab-excluded-result" />
      <ErrorAlert problem={lifting.problem} focus />
      <LoadedList items={data?.excludedVolunteers ?? null} problem={problem} reload={reload} loading={t('lab.excluded.loading')} empty={t('lab.excluded.none')}>
        {(shown) => (
          <LabTable>
            <caption>{t('lab.excluded.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('lab.result.volunteer')}</th>
                <th scope="col">{t('lab.excluded.reason')}</th>
                <th scope="col">{t('lab.excluded.when')}</th>
                <th scope="col">{t('lab.excluded.classifications')}</th>
                <th scope="col">{t('lab.excluded.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((excluded) => (
                <tr key={excluded.volunteerId} data-volunteer-id={excluded.volunteerId}>
                  <th scope="row">
                    <VolunteerInWords classification={excluded} />
                  </th>
                  <td>{excluded.reason}</td>
                  <td>
                    {excluded.excludedBy
                      ? t('lab.excluded.byWhom', { when: whenInWords(excluded.excludedAt), name: excluded.excludedBy.name })
                      : whenInWords(excluded.excludedAt)}
                  </td>
                  <td>{excluded.classifications}</td>
                  <td>
                    <LiftExclusion lifting={lifting} volunteerId={excluded.volunteerId} onLifted={lifted} />
                  </td>
                </tr>
              ))}
            </tbody>
          </LabTable>
        )}
      </LoadedList>
    </section>
  );
}
