import type { TaskFeedback } from '@chorus/client';
import type { Annotation, WorkflowDefinition } from '@chorus/tasks';
import { useTranslation } from 'react-i18next';
import { describeValue, promptOf } from '../tasks/registry';
import { Dialog } from './Dialog';
import { focusCurrentTask } from '../lib/focus';

/** Gold-standard feedback on one classification: the volunteer's answers and the known ones. */
export interface SubjectFeedback {
  annotations: Annotation[];
  feedback: TaskFeedback[];
}

/** Per task: the question, whether the volunteer matched the experts, their answer and the experts'. */
export function FeedbackList({ definition, annotations, feedback }: SubjectFeedback & { definition: WorkflowDefinition }) {
  const { t } = useTranslation();
  return (
    <ul className="feedback-list">
      {feedback.map(({ task: key, expected, correct }) => {
        const task = definition.tasks[key];
        const given = annotations.find((annotation) => annotation.task === key)?.value;
        const describe = (value: unknown) => (task ? describeValue(task, value, t) : JSON.stringify(value));
        return (
          <li key={key} className={correct ? 'feedback feedback-correct' : 'feedback feedback-different'} data-correct={correct}>
            <p className="feedback-question">{task ? promptOf(task) : key}</p>
            <p className="feedback-verdict">
              <span aria-hidden="true">{correct ? '✓ ' : '✗ '}</span>
              {correct ? t('feedback.same') : t('feedback.different')}
            </p>
            <p>{t('feedback.yours', { answer: describe(given) })}</p>
            <p>{t('feedback.experts', { answer: describe(expected) })}</p>
          </li>
        );
      })}
    </ul>
  );
}

/** Shown after submitting a gold-standard subject, before the volunteer moves on to the next one. */
export function FeedbackDialog({ definition, shown, onClose }: { definition: WorkflowDefinition; shown: SubjectFeedback | null; onClose(): void }) {
  const { t } = useTranslation();
  const actions = (
    <button type="submit" className="button button-primary" data-autofocus>
      {t('feedback.continue')}
    </button>
  );
  return (
    <Dialog open={shown !== null} onClose={onClose} title={t('feedback.title')} testId="feedback" className="feedback-dialog" actions={actions} describedByContent>
      {shown && (
        <>
          <p>{t('feedback.intro')}</p>
          <FeedbackList definition={definition} {...shown} />
        </>
      )}
    </Dialog>
  );
}

/** Feedback that came back with answers the outbox sent later (they were given offline): a dismissible notice. */
export function LateFeedback({ definition, entries, onDismiss }: { definition: WorkflowDefinition; entries: SubjectFeedback[]; onDismiss(): void }) {
  const { t } = useTranslation();
  const dismiss = () => {
    onDismiss();
    focusCurrentTask(); // the button removes itself: focus goes back to the task, not to the page
  };
  return (
    <div aria-live="polite">
      {entries.length > 0 && (
        <section className="notice late-feedback" aria-labelledby="late-feedback-heading" data-testid="late-feedback">
          <h2 id="late-feedback-heading">{t('feedback.lateTitle')}</h2>
          {entries.map((entry, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: entries only grow at the end and are dismissed together
            <FeedbackList key={index} definition={definition} {...entry} />
          ))}
          <button type="button" className="button button-secondary button-small" onClick={dismiss}>
            {t('feedback.dismiss')}
          </button>
        </section>
      )}
    </div>
  );
}
