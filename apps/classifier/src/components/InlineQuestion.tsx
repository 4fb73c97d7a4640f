import { type ReactNode, useId, useLayoutEffect, useRef } from 'react';

interface Props {
  question: string;
  hint?: string;
  /** The box's class; its question's is the same with `-question` after it. */
  className: string;
  testId: string;
  /** Escape does the same as the answer that goes back. */
  onCancel(): void;
  /** The answers, given the question's id (a form of them is labelled by it). */
  children: (questionId: string) => ReactNode;
}

/**
 * A question asked in the page, below what it is about (an empty answer meant? hand the project over? delete the
 * set?): focus moves to it as it appears, so that a screen reader reads it and the keyboard can answer it.
 */
export function InlineQuestion({ question, hint, className, testId, onCancel, children }: Props) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => box.current?.focus(), []);
  return (
    <div
      ref={box}
      role="alertdialog"
      aria-labelledby={`${id}-question`}
      aria-describedby={hint ? `${id}-hint` : undefined}
      tabIndex={-1}
      className={className}
      data-testid={testId}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onCancel();
      }}
    >
      <p id={`${id}-question`} className={`${className.split(' ').pop()}-question`}>
        {question}
      </p>
      {hint && <p id={`${id}-hint`}>{hint}</p>}
      {children(`${id}-question`)}
    </div>
  );
}
