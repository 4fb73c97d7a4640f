import { COMMENT_LIMITS, type SubjectComment } from '@chorus/client';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemAtFields } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { type Problem, describeError } from '../lib/errors';
import { useSaid } from '../lib/said';
import { useForm } from '../lib/useForm';
import { ErrorAlert } from './ErrorAlert';
import { FormField } from './FormField';
import { InlineQuestion } from './InlineQuestion';
import { SubmitOrCancel } from './SubmitOrCancel';

/**
 * Hides one comment from volunteers, with the reason the team will see beside it (in the lab's lists, and on the
 * discussion page, where several comments' forms may be open at once: each field's id is its own).
 */
export function HideComment({ comment, onHidden, onCancel }: { comment: { id: string; author: { displayName: string | null } }; onHidden(hidden: SubjectComment): void; onCancel(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useClient();
  const form = useForm({ reason: '' }, ['reason'] as const);
  const author = comment.author.displayName ?? t('talk.formerVolunteer');
  const submit = form.onSubmit({
    check: (t) => (form.values.reason.trim() ? {} : { reason: t('lab.discussions.reasonMissing') }),
    send: async () => {
      onHidden(await client.hideComment(comment.id, form.values.reason));
    },
    refused: (error) => problemAtFields(error, ['reason'] as const),
  });
  return (
    <InlineQuestion question={t('lab.discussions.question', { author })} hint={t('lab.discussions.questionHint')} className="confirm-empty" testId="lab-comment-hide" onCancel={onCancel}>
      {(questionId) => (
        <form className="account-form" noValidate aria-labelledby={questionId} onSubmit={(event) => void submit(event)}>
          <ErrorAlert problem={form.problem} focus />
          <FormField id={`${id}-reason`} label={t('lab.discussions.reason')} maxLength={COMMENT_LIMITS.hiddenReasonLength} {...form.field('reason')} />
          <SubmitOrCancel submit={t('lab.discussions.hideConfirm')} cancel={t('lab.discussions.keep')} busy={form.busy} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}

/**
 * "Hide" on a subject's discussion page, for the project's moderators and researchers, in the place of the volunteers'
 * Report (what they would report to, they handle): the lab's hiding form, in the page. Cancel or Escape gives focus back
 * to Hide; once hidden, `onHidden` puts the comment in place, marked hidden with the reason.
 */
export function HideOnDiscussion({ comment, onHidden }: { comment: SubjectComment; onHidden(hidden: SubjectComment): void }) {
  const { t } = useTranslation();
  const opener = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const close = () => {
    setOpen(false);
    setTimeout(() => opener.current?.focus());
  };
  return (
    <div className="comment-actions" data-testid="hide-comment">
      <button
        ref={opener}
        type="button"
        className="button button-secondary button-small"
        aria-expanded={open}
        aria-label={t('talk.hideLabel', { name: comment.author.displayName ?? t('talk.formerVolunteer') })}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {t('lab.discussions.hide')}
      </button>
      {open && <HideComment comment={comment} onHidden={onHidden} onCancel={close} />}
    </div>
  );
}

/**
 * "Show again" on a subject's discussion page, for the project's moderators and researchers, on a comment hidden from
 * volunteers, so that one hidden there by mistake is shown again where it was hidden (the lab's lists have it too): no
 * question asked, hiding it again is as easy; busy (pressed again, nothing more is sent) until the answer comes. Once
 * shown, `onShown` puts the comment in place, with Hide.
 */
export function ShowAgainOnDiscussion({ comment, onShown }: { comment: SubjectComment; onShown(shown: SubjectComment): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [problem, setProblem] = useSaid<Problem>();
  const [sending, setSending] = useState(false);
  const showAgain = async () => {
    if (sending) return;
    setSending(true);
    try {
      await client.unhideComment(comment.id);
      setProblem(null);
      onShown({ ...comment, hidden: null });
    } catch (error) {
      setProblem(() => describeError(error));
      setSending(false);
    }
  };
  return (
    <div className="comment-actions" data-testid="show-comment-again">
      <button
        type="button"
        className="button button-secondary button-small"
        aria-label={t('talk.showAgainLabel', { name: comment.author.displayName ?? t('talk.formerVolunteer') })}
        aria-disabled={sending || undefined}
        onClick={() => void showAgain()}
      >
        {t('lab.discussions.showAgain')}
      </button>
      <ErrorAlert problem={problem} />
    </div>
  );
}
