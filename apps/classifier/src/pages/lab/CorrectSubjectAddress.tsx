import { type LocationChangePage, type ReportedSubject, SUBJECT_CORRECTION_LIMITS, type SubjectCorrected, type SubjectLocation } from '@chorus/client';
import { Fragment, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormField } from '../../components/FormField';
import { InlineQuestion } from '../../components/InlineQuestion';
import { problemAtFields } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { describeError, type Problem } from '../../lib/errors';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { whenInWords } from '../../lib/formats';
import { SubmitOrCancel } from '../../components/SubmitOrCancel';
import { type Saying, useSaid } from '../../lib/said';
import { ShowMore } from '../../components/ShowMore';

type Medium = Extract<SubjectLocation, { type: 'image' | 'audio' }>;
/** A subject whose media addresses the lab shows and corrects: one volunteers reported, or whose media their browsers could not load. */
export type SubjectWithMedia = Pick<ReportedSubject, 'subjectId' | 'locations' | 'locationsCorrectedAt'>;
/** A subject's images and recordings, each with its place among its locations (what the API's pointers name). */
const mediaOf = (locations: SubjectLocation[]) => locations.flatMap((location, place) => (location.type === 'text' ? [] : [{ location, place }]));

/** "Image 2", "Recording 1": a medium named by its type and its number among the subject's media of that type. */
function useMediumNames(locations: SubjectLocation[]): (place: number) => string {
  const { t } = useTranslation();
  return (place) => {
    const { type } = locations[place] as Medium;
    const number = locations.slice(0, place + 1).filter((location) => location.type === type).length;
    return t(`lab.correction.${type}`, { number });
  };
}

/**
 * The addresses volunteers' browsers load a reported subject's media from, as links (a report that an image does not
 * load is checked by opening it), when it was last corrected, and the way to correct them for those who may (`onCorrect`:
 * the project's researchers, not its moderators).
 */
export function ReportedMedia({ subject, name, onCorrect }: { subject: SubjectWithMedia; name: string; onCorrect?(): void }) {
  const { t } = useTranslation();
  const mediumName = useMediumNames(subject.locations);
  const media = mediaOf(subject.locations);
  if (!media.length) return <>{t('lab.correction.textOnly')}</>;
  return (
    <>
      <ul className="lab-report-media">
        {media.map(({ location, place }) => (
          <li key={place}>
            {mediumName(place)}
            {t('app.colon')}
            <a href={location.url}>{location.url}</a>
            {location.type === 'image' && location.iiifService && (
              <>
                {' '}
                ({t('lab.correction.service')}
                {t('app.colon')}
                <a href={location.iiifService}>{location.iiifService}</a>)
              </>
            )}
          </li>
        ))}
      </ul>
      {subject.locationsCorrectedAt && (
        <p>{t('lab.correction.correctedAt', { when: whenInWords(subject.locationsCorrectedAt) })}</p>
      )}
      {onCorrect && (
        <button type="button" className="button button-secondary button-small" onClick={onCorrect} aria-label={t('lab.correction.correctLabel', { subject: name })}>
          {t('lab.correction.correct')}
        </button>
      )}
    </>
  );
}

/**
 * The subject a section's list is correcting, if any: `correct` opens its form, and `form` is it (null when none), which
 * says what it did (`say`) and, once corrected, has the section read its list again (`reload`), the subject at its new address.
 */
export function useCorrection<T extends SubjectWithMedia>(name: (subject: T) => string, say: (text: Saying<string>) => void, reload: () => void): { correct(subject: T): void; form: ReactNode } {
  const [correcting, setCorrecting] = useState<T | null>(null);
  const form = correcting && (
    <CorrectSubjectAddress
      key={correcting.subjectId}
      subject={correcting}
      name={name(correcting)}
      onCorrected={({ correction }) => {
        const subject = name(correcting);
        say((t) => (correction ? t('lab.correction.done', { subject }) : t('lab.correction.unchanged', { subject })));
        setCorrecting(null);
        reload();
      }}
      onCancel={() => setCorrecting(null)}
    />
  );
  return { correct: setCorrecting, form };
}

/** A medium's form fields: its address, and an image's IIIF Image API service. */
const fieldsOf = ({ location, place }: { location: Medium; place: number }) => [`locations/${place}/url`, ...(location.type === 'image' ? [`locations/${place}/iiifService`] : [])];

/**
 * Gives a reported subject's images and recordings new addresses (the library moved its image server, a URL had a
 * typo), with the reason kept for the record: the same content only, which the API checks.
 */
export function CorrectSubjectAddress({ subject, name, onCorrected, onCancel }: { subject: SubjectWithMedia; name: string; onCorrected(answer: SubjectCorrected): void; onCancel(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const mediumName = useMediumNames(subject.locations);
  const media = mediaOf(subject.locations) as { location: Medium; place: number }[];
  const order = [...media.flatMap(fieldsOf), 'reason'];
  const initial = Object.fromEntries(media.flatMap(({ location, place }) => [[`locations/${place}/url`, location.url], ...(location.type === 'image' ? [[`locations/${place}/iiifService`, location.iiifService ?? '']] : [])]));
  const form = useForm<string>({ ...initial, reason: '' }, order);
  /** The subject's locations with the addresses written: its texts, and an image's description, as they are. */
  const corrected = (): SubjectLocation[] =>
    subject.locations.map((location, place) => {
      if (location.type === 'text') return location;
      const url = form.values[`locations/${place}/url`]!.trim();
      if (location.type === 'audio') return { ...location, url };
      const { iiifService: _, ...image } = location;
      const service = form.values[`locations/${place}/iiifService`]!.trim();
      return { ...image, url, ...(service ? { iiifService: service } : {}) };
    });
  const submit = form.onSubmit({
    check: (t) => ({
      ...Object.fromEntries(media.filter(({ place }) => !form.values[`locations/${place}/url`]!.trim()).map(({ place }) => [`locations/${place}/url`, t('lab.correction.urlMissing')])),
      ...(form.values.reason!.trim() ? {} : { reason: t('lab.correction.reasonMissing') }),
    }),
    send: async () => {
      onCorrected(await client.correctSubjectLocations(subject.subjectId, { locations: corrected(), reason: form.values.reason!.trim() }));
    },
    refused: (error) => problemAtFields(error, order),
  });
  return (
    <InlineQuestion question={t('lab.correction.question', { subject: name })} hint={t('lab.correction.hint')} className="confirm-empty" testId="lab-report-correct" onCancel={onCancel}>
      {(questionId) => (
        <form className="account-form" noValidate aria-labelledby={questionId} onSubmit={(event) => void submit(event)}>
          <ErrorAlert problem={form.problem} focus />
          {media.map(({ location, place }) => (
            <Fragment key={place}>
              <FormField id={`lab-correct-url-${place}`} type="url" label={t('lab.correction.url', { medium: mediumName(place) })} {...form.field(`locations/${place}/url`)} />
              {location.type === 'image' && (
                <FormField
                  id={`lab-correct-service-${place}`}
                  type="url"
                  label={t('lab.correction.serviceField', { medium: mediumName(place) })}
                  hint={t('lab.correction.serviceHint')}
                  {...form.field(`locations/${place}/iiifService`)}
                />
              )}
            </Fragment>
          ))}
          <FormField id="lab-correct-reason" label={t('lab.correction.reason')} hint={t('lab.correction.reasonHint')} maxLength={SUBJECT_CORRECTION_LIMITS.reasonLength} {...form.field('reason')} />
          <SubmitOrCancel submit={t('lab.correction.submit')} cancel={t('report.cancel')} busy={form.busy} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}

/**
 * The corrections of a subject's addresses, newest first (`Address corrected on … by …`, with the reason), a page at a
 * time; nothing when it has none. For the project's researchers, who alone may read them.
 */
export function AddressCorrections({ subjectId }: { subjectId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem } = useLoaded(() => client.subjectLocationChanges(subjectId), [client, subjectId]);
  /** The pages after the first, asked for with "Show earlier corrections". */
  const [more, setMore] = useState<LocationChangePage | null>(null);
  const [moreProblem, setMoreProblem] = useSaid<Problem>();
  const changes = [...(data?.changes ?? []), ...(more?.changes ?? [])];
  const next = more ? more.next : data?.next;
  const showMore = async (after: string) => {
    try {
      const page = await client.subjectLocationChanges(subjectId, { after });
      setMoreProblem(null);
      setMore({ changes: [...(more?.changes ?? []), ...page.changes], next: page.next });
    } catch (error) {
      setMoreProblem(() => describeError(error));
    }
  };
  if (!changes.length) return <ErrorAlert problem={problem} />;
  return (
    <>
      <h3 id="lab-corrections-heading">{t('lab.correction.history')}</h3>
      <ul className="lab-corrections" aria-labelledby="lab-corrections-heading" data-testid="lab-corrections">
        {changes.map((change) => (
          <li key={change.id}>
            {t('lab.correction.corrected', { when: whenInWords(change.correctedAt), who: change.correctedByName ?? t('lab.correction.someone'), reason: change.reason })}
          </li>
        ))}
      </ul>
      <ErrorAlert problem={problem ?? moreProblem} />
      <ShowMore next={next} onMore={showMore} label={t('lab.correction.earlier')} small />
    </>
  );
}
