import { COMMENT_LIMITS, type SubjectComment } from '@chorus/client';
import type { TFunction } from 'i18next';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemAtFields } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { type Problem, describeError } from '../lib/errors';
import { useSaid } from '../lib/said';
import { useForm } from '../lib/useForm';
import { ErrorAlert } from './ErrorAlert';
import { CheckboxField, FormField } from './FormField';
import { InlineQuestion } from './InlineQuestion';
import { SubmitOrCancel } from './SubmitOrCancel';

/** What a `ReasonQuestion` says in the language of `t` (read at each render, for the words to follow a switch of language). */
export type ReasonWords = (t: TFunction) => { question(author: string): string; hint: string; reason: string; reasonMissing: string; submit: string };

/**
 * A moderator's action on a comment's author or the comment, asked first with the reason the team will see (hiding the
 * comment, stopping its author commenting in the project): `send` makes it with the reason given. Each field's id is
 * its own, as several such forms may be open at once.
 */
export function ReasonQuestion({
  author,
  words,
  testId,
  also,
  send,
  onCancel,
}: {
  author: string;
  words: ReasonWords;
  testId: string;
  /** A checkbox for more to do with the same reason (its label and hint), its choice given to `send`. */
  also?: { label: string; hint: string };
  send(reason: string, also: boolean): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const form = useForm({ reason: '' }, ['reason'] as const);
  const [alsoChecked, setAlsoChecked] = useState(false);
  const submit = form.onSubmit({
    check: (t) => (form.values.reason.trim() ? {} : { reason: words(t).reasonMissing }),
    send: () => send(form.values.reason, alsoChecked),
    refused: (error) => problemAtFields(error, ['reason'] as const),
  });
  const said = words(t);
  return (
    <InlineQuestion question={said.question(author)} hint={said.hint} className="confirm-empty" testId={testId} onCancel={onCancel}>
      {(questionId) => (
        <form className="account-form" noValidate aria-labelledby={questionId} onSubmit={(event) => void submit(event)}>
          <ErrorAlert problem={form.problem} focus />
          <FormField id={`${id}-reason`} label={said.reason} maxLength={COMMENT_LIMITS.hiddenReasonLength} {...form.field('reason')} />
          {also && <CheckboxField id={`${id}-also`} label={also.label} hint={also.hint} checked={alsoChecked} onChange={(event) => setAlsoChecked(event.target.checked)} />}
          <SubmitOrCancel submit={said.submit} cancel={t('lab.discussions.keep')} busy={form.busy} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}

const HIDING: ReasonWords = (t) => ({
  question: (author) => t('lab.discussions.question', { author }),
  hint: t('lab.discussions.questionHint'),
  reason: t('lab.discussions.reason'),
  reasonMissing: t('lab.discussions.reasonMissing'),
  submit: t('lab.discussions.hideConfirm'),
});

/**
 * Hides one comment from volunteers, with the reason the team will see beside it (in the lab's lists, and on the
 * discussion page, where several comments' forms may be open at once).
 */
export function HideComment({ comment, onHidden, onCancel }: { comment: { id: string; author: { displayName: string | null } }; onHidden(hidden: SubjectComment): void; onCancel(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  return (
    <ReasonQuestion
      author={comment.author.displayName ?? t('talk.formerVolunteer')}
      words={HIDING}
      testId="lab-comment-hide"
      send={async (reason) => onHidden(await client.hideComment(comment.id, reason))}
      onCancel={onCancel}
    />
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
