import type { CommentBan, ProjectView } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ReasonQuestion, type ReasonWords } from '../../components/HideComment';
import { LabTable } from '../../components/LabTable';
import { ResultNotice } from '../../components/ResultNotice';
import { problemAtFields } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { whenInWords } from '../../lib/formats';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useMorePages } from '../../lib/useMorePages';
import { useResult } from '../../lib/useResult';
import { ShowMore } from '../../components/ShowMore';

const STOPPING: ReasonWords = (t) => ({
  question: (author) => t('lab.commentBans.question', { author }),
  hint: t('lab.commentBans.questionHint'),
  reason: t('lab.commentBans.reason'),
  reasonMissing: t('lab.commentBans.reasonMissing'),
  submit: t('lab.commentBans.stop'),
});

/** A volunteer whose comments in the project the lab lists: their account id, and their name to say so. */
export interface CommentAuthor {
  id: string;
  name: string;
}

/**
 * Stops a comment's author from commenting in the project, asked first with the reason (the team's), and whether to
 * hide all their comments there too with it: beside Hide on a reported comment. `author` names them in the question;
 * `onStopped` is told how many comments were hidden.
 */
export function StopCommenting({ projectId, volunteerId, author, onStopped, onCancel }: { projectId: string; volunteerId: string; author: string; onStopped(commentsHidden: number): void; onCancel(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const send = async (reason: string, hideComments: boolean) => {
    const { commentsHidden } = await client.banFromComments(projectId, volunteerId, reason, { hideComments });
    onStopped(commentsHidden);
  };
  const also = { label: t('lab.commentBans.hideAll'), hint: t('lab.commentBans.hideAllHint') };
  return <ReasonQuestion author={author} words={STOPPING} testId="lab-comment-ban" also={also} send={send} onCancel={onCancel} />;
}

/** "Their comments": shows the project's comments by one volunteer in the recent discussions. */
export function TheirCommentsButton({ author, onShow }: { author: CommentAuthor; onShow(author: CommentAuthor): void }) {
  const { t } = useTranslation();
  return (
    <button type="button" className="button button-secondary button-small" aria-label={t('lab.commentBans.theirCommentsLabel', { name: author.name })} onClick={() => onShow(author)}>
      {t('lab.commentBans.theirComments')}
    </button>
  );
}

/**
 * The volunteers stopped from commenting in the project, the most recently stopped first, with why, when and by whom,
 * each with "Let them comment again", and "Their comments" (`onTheirComments`). Read again after each of `changes`
 * (someone stopped from the reported comments).
 */
export function CommentBansSection({ project, changes, onTheirComments }: { project: ProjectView; changes: number; onTheirComments(author: CommentAuthor): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => client.commentBans(project.id), [client, project.id, changes]);
  const { items: bans, next, showMore, problem: moreProblem, loading, newRow } = useMorePages(data, (page) => page.commentBans, (after) => client.commentBans(project.id, { after }));
  const [result, say] = useResult();
  const lifting = useForm<never>({}, []);
  const nameOf = (ban: CommentBan) => ban.volunteer.displayName ?? t('talk.formerVolunteer');
  const letAgain = (ban: CommentBan) =>
    lifting.onSubmit({
      check: () => ({}),
      send: async () => {
        await client.liftCommentBan(project.id, ban.volunteerId);
        const name = nameOf(ban);
        say((t) => t('lab.commentBans.lifted', { name }));
        reload();
      },
      refused: (error) => problemAtFields(error, [] as const),
    });
  return (
    <section className="lab-section" aria-labelledby="lab-comment-bans-heading" data-testid="lab-comment-bans">
      <h2 id="lab-comment-bans-heading">{t('lab.commentBans.title')}</h2>
      <p>{t('lab.commentBans.lead')}</p>
      <ErrorAlert problem={problem ?? moreProblem} />
      <ErrorAlert problem={lifting.problem} focus />
      <ResultNotice result={result} testId="lab-comment-bans-result" />
      {data && bans.length === 0 && <p>{t('lab.commentBans.none')}</p>}
      {bans.length > 0 && (
        <LabTable aria-labelledby="lab-comment-bans-heading">
          <thead>
            <tr>
              <th scope="col">{t('lab.commentBans.volunteer')}</th>
              <th scope="col">{t('lab.commentBans.reason')}</th>
              <th scope="col">{t('lab.commentBans.when')}</th>
              <th scope="col">{t('lab.commentBans.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {bans.map((ban, index) => (
              <tr key={ban.volunteerId} data-volunteer-id={ban.volunteerId} {...newRow(index)}>
                <th scope="row">{nameOf(ban)}</th>
                <td>{ban.reason}</td>
                <td>{ban.bannedBy ? t('lab.commentBans.byWhom', { when: whenInWords(ban.bannedAt), name: ban.bannedBy.name }) : whenInWords(ban.bannedAt)}</td>
                <td>
                  <div className="lab-actions">
                    <TheirCommentsButton author={{ id: ban.volunteerId, name: nameOf(ban) }} onShow={onTheirComments} />
                    <form noValidate onSubmit={(event) => void letAgain(ban)(event)}>
                      <button type="submit" className="button button-secondary button-small" aria-label={t('lab.commentBans.letAgainLabel', { name: nameOf(ban) })} aria-disabled={lifting.busy || undefined}>
                        {t('lab.commentBans.letAgain')}
                      </button>
                    </form>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </LabTable>
      )}
      <ShowMore next={next} onMore={showMore} loading={loading} label={t('lab.commentBans.more')} />
    </section>
  );
}
