import { useRef, useState } from 'react';
import { useDigitKeys } from '../../lib/useDigitKeys';
import { TaskHelp } from '../TaskHelp';
import type { TaskOf, TaskProps } from '../types';
import { ChoiceLabel } from '../ChoiceLabel';

/** What the volunteer is asked to choose, in words: "Choose 1 or 2 answers.", "Choose any that apply." */
export function choiceRule(min: number, max: number, total: number): string {
  const answers = (n: number) => `${n} answer${n === 1 ? '' : 's'}`;
  if (min === 0 && max >= total) return 'Choose any answers that apply.';
  if (min === max) return `Choose exactly ${answers(min)}.`;
  if (min === 0) return `Choose up to ${answers(max)}.`;
  if (max >= total) return `Choose at least ${answers(min)}.`;
  return `Choose between ${min} and ${answers(max)}.`;
}

/**
 * A multiple-choice question: one native checkbox per answer; number keys 1–9 tick or untick the Nth.
 * Ticking one answer too many is refused with a message saying why, never by a silently disabled control;
 * too few is explained when the volunteer tries to continue.
 */
export function MultipleTask({ task, id, value, onChange, disabled }: TaskProps<TaskOf<'multiple'>>) {
  const chosen = Array.isArray(value) ? (value as string[]) : [];
  const max = task.maxChoices ?? task.answers.length;
  const [message, setMessage] = useState('');
  const inputs = useRef<(HTMLInputElement | null)[]>([]);

  function toggle(answerValue: string) {
    if (disabled) return;
    if (chosen.includes(answerValue)) {
      setMessage('');
      onChange(chosen.filter((v) => v !== answerValue));
      return;
    }
    if (chosen.length >= max) {
      setMessage(`You can choose at most ${max} answer${max === 1 ? '' : 's'}. Untick one before choosing another.`);
      return;
    }
    setMessage('');
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
  return (
    <fieldset className="task task-multiple" aria-describedby={`${ruleId} ${hintId}`}>
      <legend className="task-question">{task.question}</legend>
      <p className="task-rule" id={ruleId}>
        {choiceRule(task.minChoices, max, task.answers.length)}
      </p>
      <div className="answers">
        {task.answers.map((answer, index) => {
          const inputId = `${id}-answer-${index}`;
          return (
            <div className="answer" key={answer.value}>
              <input
                ref={(element) => {
                  inputs.current[index] = element;
                }}
                type="checkbox"
                id={inputId}
                value={answer.value}
                checked={chosen.includes(answer.value)}
                onChange={() => toggle(answer.value)}
                aria-disabled={disabled || undefined}
              />
              <ChoiceLabel htmlFor={inputId} index={index} label={answer.label} />
            </div>
          );
        })}
      </div>
      <p className="task-message" role="status" data-testid="task-message">
        {message}
      </p>
      <p className="keyboard-hint" id={hintId}>
        Press {shortcuts === 1 ? '1' : `1 to ${shortcuts}`} (or Space on a focused answer) to tick or untick, then Enter to continue.
      </p>
      <TaskHelp help={task.help} />
    </fieldset>
  );
}
