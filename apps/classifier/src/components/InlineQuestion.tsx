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

const FIELDS = 'input:not([type="hidden"]):not(:disabled), select:not(:disabled), textarea:not(:disabled)';

/** The first field of the answers, if they have one: of a radio group, its chosen radio (where Tab would land). */
function firstField(box: HTMLElement): HTMLElement | null {
  const field = box.querySelector<HTMLInputElement>(FIELDS);
  if (field?.type !== 'radio' || !field.name) return field;
  return box.querySelector<HTMLElement>(`input[type="radio"][name="${CSS.escape(field.name)}"]:checked`) ?? field;
}

/**
 * A question asked in the page, below what it is about (an empty answer meant? hand the project over? delete the
 * set?): focus moves to it as it appears, so that a screen reader reads it and the keyboard can answer it: to its
 * first field when the answers have one (a reason to give: the question is read as focus enters it), else to the box.
 */
export function InlineQuestion({ question, hint, className, testId, onCancel, children }: Props) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (box.current) (firstField(box.current) ?? box.current).focus();
  }, []);
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
