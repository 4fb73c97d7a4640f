import type { TFunction } from 'i18next';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSingleKeysOn } from '../../lib/singleKeys';
import { useSaid } from '../../lib/said';
import { useDigitKeys } from '../../lib/useDigitKeys';
import { TaskHelp } from '../TaskHelp';
import { listOf } from '../../lib/formats';
import type { Describe, Explain, TaskOf, TaskProps } from '../types';
import { ChoiceList } from '../ChoiceList';
import { useResearchersWords } from '../../lib/textLanguage';

/** What the volunteer is asked to choose, in words: "Choose 1 or 2 answers.", "Choose any that apply." */
export function choiceRule(t: TFunction, min: number, max: number, total: number): string {
  if (min === 0 && max >= total) return t('tasks.multiple.ruleAny');
  if (min === max) return t('tasks.multiple.ruleExactly', { count: min });
  if (min === 0) return t('tasks.multiple.ruleUpTo', { count: max });
  if (max >= total) return t('tasks.multiple.ruleAtLeast', { count: min });
  return t('tasks.multiple.ruleBetween', { min, count: max });
}

/** Too few or too many answers: the rule, in words. */
export const explainMultiple: Explain<TaskOf<'multiple'>> = (task, _issue, t) => choiceRule(t, task.minChoices, task.maxChoices ?? task.answers.length, task.answers.length);

/** Nothing ticked where the task asks for no answer (`minChoices` 0): right when none applies, so it is confirmed, not refused. */
export const multipleIsEmpty = (value: unknown): boolean => Array.isArray(value) && value.length === 0;

export const describeMultiple: Describe<TaskOf<'multiple'>> = (task, value, t) => {
  const chosen = Array.isArray(value) ? value : [];
  const labels = chosen.map((v) => task.answers.find((answer) => answer.value === v)?.label ?? String(v));
  return labels.length ? listOf(labels) : t('feedback.nothing');
};

/**
 * A multiple-choice question: one native checkbox per answer; number keys 1–9 tick or untick the Nth.
 * Ticking one answer too many is refused with a message saying why, never by a silently disabled control;
 * too few is explained when the volunteer tries to continue.
 */
export function MultipleTask({ task, id, value, onChange, disabled }: TaskProps<TaskOf<'multiple'>>) {
  const chosen = Array.isArray(value) ? (value as string[]) : [];
  const max = task.maxChoices ?? task.answers.length;
  const [message, setMessage] = useSaid<string>();
  const { t } = useTranslation();
  const researchersWords = useResearchersWords();
  const inputs = useRef<(HTMLInputElement | null)[]>([]);

  function toggle(answerValue: string) {
    if (disabled) return;
    if (chosen.includes(answerValue)) {
      setMessage(null);
      onChange(chosen.filter((v) => v !== answerValue));
      return;
    }
    if (chosen.length >= max) {
      setMessage((t) => t('tasks.multiple.tooMany', { count: max }));
      return;
    }
    setMessage(null);
    // Keep the answers in the task's order, whatever order they were ticked in.
    const next = new Set([...chosen, answerValue]);
    onChange(task.answers.map((answer) => answer.value).filter((v) => next.has(v)));
  }

  useDigitKeys((index) => {
    const answer = task.answers[index];
    if (!answer) return false;
    toggle(answer.value);
    inputs.current[index]?.focus();
  }, !disabled);

  const hintId = `${id}-keys`;
  const ruleId = `${id}-rule`;
  const shortcuts = Math.min(task.answers.length, 9);
  const singleKeys = useSingleKeysOn();
  return (
    <fieldset className="task task-multiple" aria-describedby={`${ruleId} ${hintId}`}>
      <legend className="task-question" {...researchersWords}>{task.question}</legend>
      <p className="task-rule" id={ruleId}>
        {choiceRule(t, task.minChoices, max, task.answers.length)}
      </p>
      <ChoiceList type="checkbox" id={`${id}-answer`} choices={task.answers} isChecked={(answer) => chosen.includes(answer)} onPick={toggle} disabled={disabled} inputs={inputs} />
      <p className="task-message" role="status" data-testid="task-message">
        {message}
      </p>
      <p className="keyboard-hint" id={hintId}>
        {!singleKeys ? t('tasks.multiple.keysOff') : shortcuts === 2 ? t('tasks.multiple.keysTwo') : t('tasks.multiple.keys', { count: shortcuts })}
      </p>
      <TaskHelp help={task.help} />
    </fieldset>
  );
}
