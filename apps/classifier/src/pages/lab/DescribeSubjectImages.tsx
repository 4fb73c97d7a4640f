import type { SubjectImagesDescribed, SubjectLocation } from '@chorus/client';
import { LONGEST_ALT } from '@chorus/tasks';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextAreaField } from '../../components/FormField';
import { InlineQuestion } from '../../components/InlineQuestion';
import { problemAtFields } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { useForm } from '../../lib/useForm';
import { SubmitOrCancel } from '../../components/SubmitOrCancel';

/** A subject's images, each with its place among its locations (what the API's `/descriptions/<place>` names). */
export const imagesOf = (locations: SubjectLocation[]) => locations.flatMap((location, place) => (location.type === 'image' ? [{ location, place }] : []));

/**
 * Describes a subject's images for volunteers who cannot see them, a field per image (an empty one takes its
 * description away): each description is what a screen reader says the image is.
 */
export function DescribeSubjectImages({ subjectId, locations, name, onDescribed, onCancel }: { subjectId: string; locations: SubjectLocation[]; name: string; onDescribed(answer: SubjectImagesDescribed): void; onCancel(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const images = imagesOf(locations);
  const order = images.map(({ place }) => `descriptions/${place}`);
  const form = useForm<string>(Object.fromEntries(images.map(({ location, place }) => [`descriptions/${place}`, location.alt ?? ''])), order);
  /** One entry per location: an image's description written (null when left empty), null for a sound or a text. */
  const descriptions = () => locations.map((location, place) => (location.type === 'image' ? form.values[`descriptions/${place}`]!.trim() || null : null));
  const submit = form.onSubmit({
    check: () => ({}),
    send: async () => onDescribed(await client.describeSubjectImages(subjectId, descriptions())),
    refused: (error) => problemAtFields(error, order),
  });
  return (
    <InlineQuestion question={t('lab.describe.question', { subject: name })} hint={t('lab.describe.hint')} className="confirm-empty" testId="lab-describe-images" onCancel={onCancel}>
      {(questionId) => (
        <form className="account-form" noValidate aria-labelledby={questionId} onSubmit={(event) => void submit(event)}>
          <ErrorAlert problem={form.problem} focus />
          {images.map(({ place }, index) => (
            <TextAreaField key={place} id={`lab-describe-image-${place}`} rows={2} maxLength={LONGEST_ALT} label={t('lab.describe.field', { number: index + 1 })} {...form.field(`descriptions/${place}`)} />
          ))}
          <SubmitOrCancel submit={form.busy ? t('lab.saving') : t('lab.describe.submit')} cancel={t('report.cancel')} busy={form.busy} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}
