import type { Annotation, WorkflowDefinition } from '@chorus/tasks';
import { useTranslation } from 'react-i18next';
import { describeValue, promptOf } from '../tasks/registry';

/**
 * A classification's answers, each task's question with the answer in words, under the definition it was given with;
 * busy (and empty) until that definition is read; as given (each task's key and value) when it could not be read.
 */
export function AnswersInWords({ annotations, definition }: { annotations: readonly Annotation[]; definition: WorkflowDefinition | 'unreadable' | undefined }) {
  const { t } = useTranslation();
  return (
    <dl className="recent-answers" aria-busy={!definition || undefined}>
      {definition &&
        annotations.map(({ task: key, value, unsure }) => {
          const task = definition === 'unreadable' ? undefined : definition.tasks[key];
          return (
            <div key={key}>
              <dt>{task ? promptOf(task) : key}</dt>
              <dd>
                {task ? describeValue(task, value, t) : JSON.stringify(value)}
                {unsure && <span className="asked-for-check" data-testid="asked-for-check-mark"> ({t('recent.askedForCheck')})</span>}
              </dd>
            </div>
          );
        })}
    </dl>
  );
}
