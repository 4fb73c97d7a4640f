import { useTranslation } from 'react-i18next';
import type { EmptiableType } from '../tasks/registry';
import { InlineQuestion } from './InlineQuestion';

interface Props {
  /** The task's type, whose words ask the question. */
  type: EmptiableType;
  /** Goes on with the empty answer: the second confirmation (Enter, Ctrl+Enter or Done do the same). */
  onConfirm(): void;
  /** Back to the task, to give something after all (Escape does the same). */
  onGoBack(): void;
  disabled: boolean;
}

/**
 * Asks, below the task, whether an empty answer is meant (a blank page, or nothing to tag, is a right answer): focus moves to the question
 * as it appears, so that a screen reader reads it and the keyboard can answer it.
 */
export function ConfirmEmptyAnswer({ type, onConfirm, onGoBack, disabled }: Props) {
  const { t } = useTranslation();
  return (
    <InlineQuestion question={t(`subject.empty.${type}.question`)} hint={t(`subject.empty.${type}.hint`)} className="confirm-empty" testId="empty-answer" onCancel={onGoBack}>
      {() => (
        <div className="confirm-empty-actions">
          <button type="button" className="button button-primary" onClick={onConfirm} aria-disabled={disabled || undefined}>
            {t(`subject.empty.${type}.confirm`)}
          </button>
          <button type="button" className="button button-secondary" onClick={onGoBack}>
            {t('subject.empty.back')}
          </button>
        </div>
      )}
    </InlineQuestion>
  );
}
