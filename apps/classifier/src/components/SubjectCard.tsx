import type { QueuedSubject } from '@chorus/client';
import type { SubjectLocation, TextLocation } from '@chorus/tasks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../lib/router';
import { textPreview } from '../lib/subjectName';

const firstImage = (locations: SubjectLocation[]) => locations.find((location): location is Extract<SubjectLocation, { type: 'image' }> => location.type === 'image');

/**
 * A subject in a list of the volunteer's (favourites, a collection): its thumbnail (described as the researchers
 * describe the image) or opening words, its name to open it (`distinctName` where names repeat), and `children`: where
 * it is from, what can be done with it.
 */
export function SubjectCard({ subject, name, distinctName, to, children }: { subject: QueuedSubject; name: string; distinctName: string; to: string; children: ReactNode }) {
  const { t } = useTranslation();
  const image = firstImage(subject.locations);
  const text = subject.locations.find((location): location is TextLocation => location.type === 'text');
  return (
    <li className="subject-card" tabIndex={-1} data-subject-id={subject.id}>
      {image && <img className="subject-card-thumbnail" src={image.url} alt={image.alt ?? ''} loading="lazy" width={96} height={96} />}
      <div className="subject-card-about">
        <h2 className="subject-card-name">
          <Link to={to} aria-label={distinctName === name ? undefined : distinctName}>
            {name}
          </Link>
        </h2>
        {text && <p className="subject-card-preview">{textPreview(text.text)}</p>}
        {subject.takenDown && <p className="subject-card-preview">{t('media.takenDown')}</p>}
        {children}
      </div>
    </li>
  );
}
