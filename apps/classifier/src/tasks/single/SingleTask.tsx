import { useLayoutEffect, useRef } from 'react';
import { hasModifier, isTypingTarget } from '../../lib/keyboard';
import type { TaskOf, TaskProps } from '../types';

/**
 * A single-choice question: one native radio per answer. Number keys 1–9 pick the Nth answer from anywhere
 * on the page (except while typing in a field); arrow keys move between answers as in any radio group.
 */
export function SingleTask({ task, id, value, onChange, disabled }: TaskProps<TaskOf<'single'>>) {
  const inputs = useRef<(HTMLInputElement | null)[]>([]);
  const latest = useRef({ task, onChange, disabled });
  latest.current = { task, onChange, disabled };

  // A layout effect: the shortcut works from the moment the answers are on screen.
  useLayoutEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const { task, onChange, disabled } = latest.current;
      if (disabled || event.defaultPrevented || hasModifier(event) || isTypingTarget(event.target)) return;
      if (!/^[1-9]$/.test(event.key)) return;
      const index = Number(event.key) - 1;
      const answer = task.answers[index];
      if (!answer) return;
      event.preventDefault();
      onChange(answer.value);
      inputs.current[index]?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

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
              <label htmlFor={inputId}>
                {index < 9 && (
                  <kbd className="answer-key" aria-hidden="true">
                    {index + 1}
                  </kbd>
                )}
                <span className="answer-label">{answer.label}</span>
              </label>
            </div>
          );
        })}
      </div>
      <p className="keyboard-hint" id={hintId}>
        Press {shortcuts === 2 ? '1 or 2' : `1 to ${shortcuts}`} to choose an answer, then Enter to continue.
      </p>
      {task.help && (
        <details className="task-help">
          <summary>Need some help with this task?</summary>
          <p>{task.help}</p>
        </details>
      )}
    </fieldset>
  );
}
