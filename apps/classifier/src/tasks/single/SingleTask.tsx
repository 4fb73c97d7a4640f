import type { TFunction } from 'i18next';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSingleKeysOn } from '../../lib/singleKeys';
import { useDigitKeys } from '../../lib/useDigitKeys';
import { TaskHelp } from '../TaskHelp';
import type { Describe, TaskOf, TaskProps } from '../types';
import { ChoiceList } from '../ChoiceList';
import { useResearchersWords } from '../../lib/textLanguage';

export const describeSingle: Describe<TaskOf<'single'>> = (task, value, t) =>
  task.answers.find((answer) => answer.value === value)?.label ?? (typeof value === 'string' ? value : t('feedback.nothing'));

/** How to answer by keyboard: number keys reach the first nine answers, the arrow keys every one. */
function keysHint(t: TFunction, answers: number, singleKeys: boolean): string {
  if (!singleKeys) return t('tasks.single.keysOff');
  if (answers > 9) return t('tasks.single.keysMany');
  return answers === 2 ? t('tasks.single.keysTwo') : t('tasks.single.keys', { count: answers });
}

/**
 * A single-choice question: one native radio per answer. Number keys 1–9 pick the Nth answer from anywhere
 * on the page (except while typing in a field); arrow keys move between answers as in any radio group.
 */
export function SingleTask({ task, id, value, onChange, disabled }: TaskProps<TaskOf<'single'>>) {
  const inputs = useRef<(HTMLInputElement | null)[]>([]);
  const { t } = useTranslation();
  const researchersWords = useResearchersWords();
  useDigitKeys((index) => {
    const answer = task.answers[index];
    if (!answer) return false;
    onChange(answer.value);
    inputs.current[index]?.focus();
  }, !disabled);

  const hintId = `${id}-keys`;
  const singleKeys = useSingleKeysOn();
  return (
    <fieldset className="task task-single" aria-describedby={hintId}>
      <legend className="task-question" {...researchersWords}>{task.question}</legend>
      <ChoiceList type="radio" id={`${id}-answer`} choices={task.answers} isChecked={(answer) => value === answer} onPick={onChange} disabled={disabled} inputs={inputs} />
      <p className="keyboard-hint" id={hintId}>
        {keysHint(t, task.answers.length, singleKeys)}
        {task.answers.length === 2 && <span className="swipe-hint"> {t('tasks.single.swipe', { right: task.answers[0]!.label, left: task.answers[1]!.label })}</span>}
      </p>
      <TaskHelp help={task.help} />
    </fieldset>
  );
}
