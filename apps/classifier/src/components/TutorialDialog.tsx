import { type MouseEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog';
import { MarkdownView } from './MarkdownView';
import type { ShownStep } from '../lib/tutorial';
import { useResearchersWords } from '../lib/textLanguage';

interface Props {
  open: boolean;
  /** Opened by itself on a first visit: closing it leads to the task, not back to whatever had focus. */
  returnToTask: boolean;
  onClose(): void;
  workflowName: string;
  steps: ShownStep[];
}

/** A few steps, one at a time; Next and Back move between them, the last button, Skip (or Escape) closes. */
export function TutorialDialog({ open, returnToTask, onClose, workflowName, steps }: Props) {
  const { t } = useTranslation();
  const researchersWords = useResearchersWords();
  const [index, setIndex] = useState(0);
  const headingId = useId();
  useEffect(() => {
    if (open) setIndex(0);
  }, [open]);

  const nextButton = useRef<HTMLButtonElement>(null);
  const stepRef = useRef<HTMLElement>(null);
  // Each step is read from its top, not where a long step before it was left scrolled.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `index` is what changed: the step on show
  useEffect(() => {
    stepRef.current?.closest('dialog')?.scrollTo(0, 0);
  }, [index]);
  const step = steps[Math.min(index, steps.length - 1)];
  const last = index >= steps.length - 1;
  const next = (event: MouseEvent) => {
    // The button becomes the submit button of the last step before the click is over: it must not close the dialog.
    event.preventDefault();
    setIndex(index + 1);
  };
  const actions = (
    <>
      {!last && (
        <button type="submit" className="button button-secondary" data-action="skip-tutorial">
          {t('tutorial.skip')}
        </button>
      )}
      {index > 0 && (
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            // Back goes with the first step: focus moves to Next before it does, rather than to the page.
            if (index === 1) nextButton.current?.focus();
            setIndex(index - 1);
          }}
        >
          {t('tutorial.back')}
        </button>
      )}
      {/* One button for Next and Done, so that focus stays on it from step to step. */}
      <button ref={nextButton} type={last ? 'submit' : 'button'} className="button button-primary" data-autofocus onClick={last ? undefined : next}>
        {last ? t('tutorial.done') : t('tutorial.next')}
      </button>
    </>
  );
  return (
    <Dialog
      open={open}
      returnToTask={returnToTask}
      onClose={onClose}
      title={t('tutorial.title', { workflow: workflowName })}
      testId="tutorial"
      className="tutorial-dialog"
      actions={actions}
    >
      {open && step && (
        <section ref={stepRef} className="tutorial-step" aria-labelledby={headingId} aria-live="polite">
          <p className="muted">{t('tutorial.step', { number: index + 1, count: steps.length })}</p>
          <div {...(step.researchers ? researchersWords : {})}>
            <h3 id={headingId}>{step.title}</h3>
            <MarkdownView text={step.body} firstLevel={4} />
          </div>
        </section>
      )}
    </Dialog>
  );
}
