import type { QueuedSubject } from '@chorus/client';
import type { CloseReadingAnnotation, TextLocation } from '@chorus/tasks';
import type { TFunction } from 'i18next';
import { type KeyboardEvent, type ReactNode, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasModifier } from '../../lib/keyboard';
import { languageAttributes, languageOf, useResearchersWords } from '../../lib/textLanguage';
import { useSingleKeysOn } from '../../lib/singleKeys';
import { useDigitKeys } from '../../lib/useDigitKeys';
import { useKey } from '../../lib/useKey';
import { TaskHelp } from '../TaskHelp';
import type { Describe, Explain, TaskOf, TaskProps } from '../types';
import { overlaps, passageOf, runsOf, selectedWords, spansOf, wordsOf } from './passage';
import { ChoiceList } from '../ChoiceList';

type Task = TaskOf<'close-reading'>;

/** With evidence to mark, the task shows the passage itself, each word a toggle. */
export function closeReadingPassageShown(task: Task, subject: QueuedSubject): TextLocation | undefined {
  return task.evidence === 'none' ? undefined : passageOf(subject);
}

/** A sense not chosen, or evidence not marked: which one to do. */
export const explainCloseReading: Explain<Task> = (_task, issue, t) => {
  if (issue?.path[0] === 'sense') return t('tasks.closeReading.chooseSense');
  if (issue?.path[0] === 'evidence') return t('tasks.closeReading.markEvidence');
  return undefined;
};

export const describeCloseReading: Describe<Task> = (task, value, t) => {
  const { sense, unsure } = (value ?? {}) as Partial<CloseReadingAnnotation>;
  const label = task.senses.find((choice) => choice.value === sense)?.label ?? sense;
  if (!label) return unsure ? t('tasks.closeReading.unsure') : t('feedback.nothing');
  return unsure ? t('tasks.closeReading.senseUnsure', { sense: label }) : label;
};

function annotation(task: Task, sense: string | null, unsure: boolean, evidence: [number, number][]): CloseReadingAnnotation {
  return {
    sense,
    ...(unsure ? { unsure: true } : {}),
    ...(task.evidence !== 'none' && evidence.length ? { evidence } : {}),
  };
}

/** How to answer by keyboard: number keys reach the first nine senses, the arrow keys every one; U says unsure. */
function keysHint(t: TFunction, senses: number, allowUnsure: boolean, singleKeys: boolean): string {
  if (!singleKeys) return allowUnsure ? t('tasks.closeReading.keysOffWithUnsure') : t('tasks.closeReading.keysOff');
  if (senses > 9) return allowUnsure ? t('tasks.closeReading.keysWithUnsureMany') : t('tasks.closeReading.keysMany');
  if (allowUnsure) return senses === 2 ? t('tasks.closeReading.keysWithUnsureTwo') : t('tasks.closeReading.keysWithUnsure', { count: senses });
  return senses === 2 ? t('tasks.closeReading.keysTwo') : t('tasks.closeReading.keys', { count: senses });
}

/**
 * A close reading: the keyword stays highlighted in the subject's text; the volunteer picks a sense (radio
 * group, keys 1–9), may say they are unsure (U) when the task allows it, and, when the task takes evidence,
 * marks the words that support their reading: each word is a toggle button in one tab stop (arrows move,
 * Space marks, Enter goes on as everywhere else in the classifier), or a click. The question comes first, and takes
 * focus as every task's does; the passage to mark follows it.
 */
export function CloseReadingTask({ task, id, subject, value, onChange, disabled }: TaskProps<Task>) {
  const current = (value ?? undefined) as CloseReadingAnnotation | undefined;
  const sense = current?.sense ?? null;
  const unsure = current?.unsure === true;
  const evidence = current?.evidence ?? [];
  const inputs = useRef<(HTMLInputElement | null)[]>([]);
  const unsureRef = useRef<HTMLInputElement>(null);
  const shownPassage = closeReadingPassageShown(task, subject);
  const { t } = useTranslation();
  const researchersWords = useResearchersWords();

  const set = (next: { sense?: string | null; unsure?: boolean; evidence?: [number, number][] }) => {
    if (disabled) return;
    onChange(annotation(task, next.sense !== undefined ? next.sense : sense, next.unsure ?? unsure, next.evidence ?? evidence));
  };

  useDigitKeys((index) => {
    const choice = task.senses[index];
    if (!choice) return false;
    set({ sense: choice.value });
    inputs.current[index]?.focus();
  }, !disabled);
  useKey('u', () => {
    if (!task.allowUnsure) return false;
    set({ unsure: !unsure });
    unsureRef.current?.focus();
  }, !disabled);

  const hintId = `${id}-keys`;
  const singleKeys = useSingleKeysOn();
  return (
    <div className="task task-close-reading">
      <fieldset className="task" aria-describedby={hintId}>
        <legend className="task-question" {...researchersWords}>{task.question}</legend>
        {task.evidence === 'required' && !shownPassage && <p className="task-rule">{t('tasks.closeReading.noTextToMark')}</p>}
        <ChoiceList type="radio" id={`${id}-sense`} choices={task.senses} isChecked={(choice) => sense === choice} onPick={(choice) => set({ sense: choice })} disabled={disabled} inputs={inputs} />
        {task.allowUnsure && (
          <div className="answer answer-unsure">
            <input ref={unsureRef} type="checkbox" id={`${id}-unsure`} checked={unsure} onChange={() => set({ unsure: !unsure })} aria-disabled={disabled || undefined} />
            <label htmlFor={`${id}-unsure`}>
              {singleKeys && (
                <kbd className="answer-key">
                  <span aria-hidden="true">U</span>
                </kbd>
              )}
              <span className="answer-label">{t('tasks.closeReading.unsure')}</span>
            </label>
          </div>
        )}
        <p className="keyboard-hint" id={hintId}>
          {keysHint(t, task.senses.length, task.allowUnsure, singleKeys)}
        </p>
      </fieldset>
      {shownPassage && (
        <EvidencePicker
          id={id}
          text={shownPassage.text}
          highlights={shownPassage.highlights}
          language={languageOf(task, subject)}
          evidence={evidence}
          required={task.evidence === 'required'}
          disabled={disabled}
          onChange={(spans) => set({ evidence: spans })}
        />
      )}
      <TaskHelp help={task.help} />
    </div>
  );
}

interface PickerProps {
  id: string;
  text: string;
  highlights: readonly (readonly [number, number])[] | undefined;
  /** The task's language, the passage's. */
  language: string | undefined;
  evidence: [number, number][];
  required: boolean;
  disabled: boolean;
  onChange(spans: [number, number][]): void;
}

/** The passage with each word a toggle button; one tab stop, arrows move between words (a roving tabindex). */
function EvidencePicker({ id, text, highlights, language, evidence, required, disabled, onChange }: PickerProps) {
  const words = useMemo(() => wordsOf(text), [text]);
  const selected = useMemo(() => selectedWords(words, evidence), [words, evidence]);
  const firstKeyword = Math.max(0, words.findIndex((word) => overlaps(word, highlights)));
  const [active, setActive] = useState(firstKeyword);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const { t } = useTranslation();

  const toggle = (index: number) => {
    if (disabled) return;
    const next = new Set(selected);
    if (next.has(index)) next.delete(index);
    else next.add(index);
    onChange(spansOf(words, next));
  };
  const move = (index: number) => {
    const target = Math.min(Math.max(index, 0), words.length - 1);
    setActive(target);
    buttons.current[target]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    if (hasModifier(event.nativeEvent)) return;
    if (event.key === 'Enter') {
      event.preventDefault(); // a button's Enter would mark the word
      event.currentTarget.form?.requestSubmit();
      return;
    }
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: words.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    move(target);
  };

  const parts: ReactNode[] = runsOf(text, words).map((part) =>
    typeof part === 'string' ? (
      part
    ) : (
      <span key={part.word.start} className="word-run">
        {part.lead}
        <button
          ref={(element) => {
            buttons.current[part.index] = element;
          }}
          type="button"
          className={`word${selected.has(part.index) ? ' word-evidence' : ''}`}
          aria-pressed={selected.has(part.index)}
          tabIndex={part.index === active ? 0 : -1}
          onFocus={() => setActive(part.index)}
          onClick={() => toggle(part.index)}
          onKeyDown={(event) => onKeyDown(event, part.index)}
          data-start={part.word.start}
          // A <mark> is not read out: the keyword says it is the highlighted one in its name.
          aria-label={overlaps(part.word, highlights) ? t('tasks.closeReading.keyword', { word: part.word.text }) : undefined}
        >
          {overlaps(part.word, highlights) ? <mark>{part.word.text}</mark> : part.word.text}
        </button>
        {part.trail}
      </span>
    ),
  );

  const count = selected.size;
  return (
    <div className="evidence">
      <p className="evidence-instruction" id={`${id}-evidence-label`}>
        {required ? t('tasks.closeReading.evidenceRequired') : t('tasks.closeReading.evidenceOptional')}{' '}
        <span className="keyboard-only">{t('tasks.closeReading.evidenceKeys')}</span>
      </p>
      {/* Named briefly, and described (once) by the instruction above it, which is not read again as its name. */}
      <fieldset aria-label={t('tasks.closeReading.evidenceGroup')} aria-describedby={`${id}-evidence-label ${id}-evidence-count`} className="subject-text evidence-passage" {...languageAttributes(language)} data-testid="evidence-passage">
        {parts}
      </fieldset>
      <p className="evidence-count muted" id={`${id}-evidence-count`} aria-live="polite">
        {t('tasks.closeReading.evidenceCount', { count })}
      </p>
    </div>
  );
}

