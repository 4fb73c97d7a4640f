import type { CollectionPage, VolunteerProfile } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { ListedComment } from '../components/ListedComment';
import { Loaded } from '../components/Loaded';
import { ShowMore } from '../components/ShowMore';
import { i18n } from '../i18n';
import { useClient } from '../lib/clientContext';
import { ACCOUNT, Link, collectionPath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';
import { useMorePages } from '../lib/useMorePages';

/** Collections read at a time after those the profile shows; "Show more" asks for the next page. */
const PAGE_SIZE = 24;

/** The month a volunteer joined (`YYYY-MM`, UTC) in the interface language: "March 2026". */
const monthInWords = (month: string) => new Intl.DateTimeFormat(i18n.language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));

/**
 * `/volunteers/:id`: a volunteer's public profile (Zooniverse's): their name, the month they joined, their public
 * collections and their latest comments, as the reader may read them. To the volunteer, while others cannot see it, how
 * to show it.
 */
export function VolunteerPage({ volunteerId }: { volunteerId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data: profile, problem, missing, reload } = useLoaded(() => client.volunteerProfile(volunteerId), [client, volunteerId]);
  useDocumentTitle(profile?.displayName ?? t('profile.title'));
  return (
    <div className="page page-volunteer" data-testid="volunteer">
      {missing && (
        <>
          <h1 tabIndex={-1}>{t('profile.notFoundTitle')}</h1>
          <p data-testid="volunteer-missing">{t('profile.notFound')}</p>
        </>
      )}
      <Loaded data={profile} problem={problem} reload={reload} loading={t('profile.loading')} current={profile !== null || missing}>
        {(profile) => <Profile profile={profile} />}
      </Loaded>
    </div>
  );
}

function Profile({ profile }: { profile: VolunteerProfile }) {
  const { t } = useTranslation();
  return (
    <>
      <h1 tabIndex={-1} data-testid="volunteer-name">
        {profile.displayName}
      </h1>
      <p className="lead muted" data-testid="volunteer-joined">
        {t('profile.joined', { month: monthInWords(profile.joined) })}
      </p>
      {!profile.shown && (
        <p className="notice" data-testid="volunteer-not-shown">
          {t('profile.notShown')} <Link to={`${ACCOUNT}#public-profile`}>{t('profile.turnOn')}</Link>
        </p>
      )}
      <ProfileCollections profile={profile} />
      <section aria-labelledby="volunteer-comments-heading">
        <h2 id="volunteer-comments-heading">
          <CommentsHeading profile={profile} />
        </h2>
        {profile.comments.length === 0 ? (
          <p data-testid="volunteer-no-comments">{t('profile.noComments')}</p>
        ) : (
          <ol className="comment-list">
            {profile.comments.map((comment) => (
              <ListedComment key={comment.id} comment={comment} testId="volunteer-comment" firstLevel={3} />
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

/** How many comments the profile lists of how many (counted no further than `PROFILE_LIMITS.countedComments`). */
function CommentsHeading({ profile: { comments, counts } }: { profile: VolunteerProfile }) {
  const { t } = useTranslation();
  if (counts.moreComments) return t('profile.latestOfMoreComments', { shown: comments.length, total: counts.comments });
  if (comments.length < counts.comments) return t('profile.latestComments', { shown: comments.length, total: counts.comments });
  return t('profile.comments', { count: counts.comments });
}

/** The volunteer's public collections: those the profile brought, then a page at a time. */
function ProfileCollections({ profile }: { profile: VolunteerProfile }) {
  const { t } = useTranslation();
  const client = useClient();
  const more = useMorePages<CollectionPage, CollectionPage['collections'][number]>(
    profile.collections,
    (page) => page.collections,
    (after) => client.volunteerCollections(profile.id, { limit: PAGE_SIZE, after }),
  );
  return (
    <section aria-labelledby="volunteer-collections-heading">
      <h2 id="volunteer-collections-heading">{t('profile.collections', { count: profile.counts.collections })}</h2>
      <ErrorAlert problem={more.problem} />
      {more.items.length === 0 ? (
        <p data-testid="volunteer-no-collections">{t('profile.noCollections')}</p>
      ) : (
        <ul className="collection-list">
          {more.items.map((collection, index) => (
            <li key={collection.id} data-testid="volunteer-collection" {...more.newRow(index)}>
              <Link to={collectionPath(collection.id)}>{collection.name}</Link> <span className="muted">{t('collections.summaryPublic', { count: collection.subjects })}</span>
            </li>
          ))}
        </ul>
      )}
      <ShowMore next={more.next} onMore={more.showMore} loading={more.loading} label={t('profile.moreCollections')} />
    </section>
  );
}
