import { useRef } from 'react';
import { useDigitKeys } from '../../lib/useDigitKeys';
import { TaskHelp } from '../TaskHelp';
import type { TaskOf, TaskProps } from '../types';
import { ChoiceLabel } from '../ChoiceLabel';

/**
 * A single-choice question: one native radio per answer. Number keys 1–9 pick the Nth answer from anywhere
 * on the page (except while typing in a field); arrow keys move between answers as in any radio group.
 */
export function SingleTask({ task, id, value, onChange, disabled }: TaskProps<TaskOf<'single'>>) {
  const inputs = useRef<(HTMLInputElement | null)[]>([]);
  useDigitKeys((index) => {
    const answer = task.answers[index];
    if (!answer) return false;
    onChange(answer.value);
    inputs.current[index]?.focus();
  }, !disabled);

  const hintId = `${id}-keys`;
  const shortcuts = Math.min(task.answers.length, 9);
  return (
    <fieldset className="task task-single" aria-describedby={hintId}>
      <legend className="task-question">{task.question}</legend>
      <div className="answers">
        {task.answers.map((answer, index) => {
          const inputId = `${id}-answer-${index}`;
          return (
            <div className="answer" key={answer.value}>
              <input
                ref={(element) => {
                  inputs.current[index] = element;
                }}
                type="radio"
                id={inputId}
                name={id}
                value={answer.value}
                checked={value === answer.value}
                onChange={() => {
                  if (!disabled) onChange(answer.value);
                }}
                aria-disabled={disabled || undefined}
              />
              <ChoiceLabel htmlFor={inputId} index={index} label={answer.label} />
            </div>
          );
        })}
      </div>
      <p className="keyboard-hint" id={hintId}>
        Press {shortcuts === 2 ? '1 or 2' : `1 to ${shortcuts}`} to choose an answer, then Enter to continue.
        {task.answers.length === 2 && <span className="swipe-hint"> On a touch screen, swipe the subject right for “{task.answers[0]!.label}” or left for “{task.answers[1]!.label}”.</span>}
      </p>
      <TaskHelp help={task.help} />
    </fieldset>
  );
}
