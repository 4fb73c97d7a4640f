import { type ClipboardEvent, type KeyboardEvent, type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { leftAsStarted, startingText } from '@chorus/tasks';
import { bringIntoView } from '../../lib/focus';
import { isRedo, isUndo } from '../../lib/keyboard';
import { languageAttributes, languageOf, useResearchersWords } from '../../lib/textLanguage';
import { TaskHelp } from '../TaskHelp';
import type { TaskOf, TaskProps } from '../types';
import { type Caret, type History, NO_HISTORY, record, step } from './history';
import { type SelectionChange, replaceSelection, tagShortcutIndex, wrapWithTag } from './textTags';

type Field = HTMLInputElement | HTMLTextAreaElement;

/**
 * A transcription: the subject stays beside an editor, one row per line (Enter starts a new line, Backspace
 * at the start of a line joins it to the one above, arrows move between lines) or one text area in `free`
 * mode. The lines are one stop of Tab, the line last used, so that Tab and Shift+Tab leave the editor at once, for
 * the tag buttons say, with the line's selection as it was. Text tags wrap the selection: a button per tag, or
 * Ctrl+Shift+1…9. The value is the text with lines separated by `\n`; the classifier keeps it as a draft on this
 * device until it is submitted. Ctrl+Z undoes, Ctrl+Shift+Z or Ctrl+Y redoes, from the editor's own history
 * (`history.ts`): typing, and its own edits, which the browser's undo knows nothing of. A correction (`startFrom`) starts
 * from the subject's text, says so, and can go back to that text; left as it is, it says the text needs no change.
 * A checkbox, where the classifier offers it (`onUnsureChange`), asks the team to check the transcription.
 */
export default function TranscriptionTask({ task, id, subject, value, onChange, disabled, unsure = false, onUnsureChange }: TaskProps<TaskOf<'transcription'>>) {
  const text = typeof value === 'string' ? value : '';
  const lines = text.split('\n');
  const fields = useRef<(Field | null)[]>([]);
  const { t } = useTranslation();
  const researchersWords = useResearchersWords();
  /** The field a tag button acts on, and the line Tab reaches: the one focused last (at first, the last line). */
  const lastField = useRef(lines.length - 1);
  const [tabStop, setTabStop] = useState(lastField.current);
  /** Where focus and caret go after the next render (a line was added, joined or a tag inserted). */
  const pendingFocus = useRef<Caret | null>(null);
  const history = useRef<History>(NO_HISTORY);
  /** The caret when the last key went down: where typing that the key makes started. */
  const caretAtKey = useRef<Caret | null>(null);

  /** The instruction, kept in view with the first line. */
  const instruction = useRef<HTMLLegendElement>(null);
  /** Focuses line `index` (its caret from `start` to `end`) in view: the first with the instruction above it. */
  const focusLine = (index: number, start: number, end = start) => {
    const field = fields.current[index];
    if (!field) return;
    field.focus({ preventScroll: true });
    field.setSelectionRange(start, end);
    bringIntoView(field, index === 0 ? instruction.current : null);
  };

  useLayoutEffect(() => {
    const pending = pendingFocus.current;
    if (!pending) return;
    pendingFocus.current = null;
    focusLine(pending.index, pending.start, pending.end);
  });

  /** Changes the text as the editor's own edit, from the caret `from` to `to`. */
  const edit = (after: string, from: Caret, to: Caret) => {
    if (disabled) return;
    history.current = record(history.current, { before: text, after, caretBefore: from, caretAfter: to });
    pendingFocus.current = to;
    onChange(after);
  };
  const setLines = (next: string[], from: Caret, to: { index: number; start: number; end?: number }) => edit(next.join('\n'), from, { ...to, end: to.end ?? to.start });

  /** What the volunteer typed in field `index` (its caret now after it). */
  const typed = (next: string, index: number, field: Field) => {
    if (disabled) return;
    const caretAfter = { index, start: field.selectionStart ?? 0, end: field.selectionEnd ?? 0 };
    const caretBefore = caretAtKey.current?.index === index ? caretAtKey.current : caretAfter;
    history.current = record(history.current, { before: text, after: next, caretBefore, caretAfter, typedAt: Date.now() });
    caretAtKey.current = caretAfter;
    onChange(next);
  };

  /** Undoes (or redoes) the last change, the browser's own undo never: its history is the whole page's. */
  function undoOrRedo(redo: boolean) {
    const stepped = step(history.current, text, redo);
    history.current = stepped.history;
    if (disabled || !('text' in stepped)) return;
    pendingFocus.current = stepped.caret;
    onChange(stepped.text);
  }

  // Undo and redo from the browser's menus come as `beforeinput`: the editor's history serves them too.
  const editor = useRef<HTMLDivElement>(null);
  const undoOrRedoNow = useRef(undoOrRedo);
  undoOrRedoNow.current = undoOrRedo;
  useEffect(() => {
    const element = editor.current;
    const onBeforeInput = (event: InputEvent) => {
      if (event.inputType !== 'historyUndo' && event.inputType !== 'historyRedo') return;
      event.preventDefault();
      undoOrRedoNow.current(event.inputType === 'historyRedo');
    };
    element?.addEventListener('beforeinput', onBeforeInput);
    return () => element?.removeEventListener('beforeinput', onBeforeInput);
  }, []);

  /** Changes the selection (or caret) of the field last used as `change` says, as the editor's own edit. */
  function changeSelection(change: (current: string, start: number, end: number) => SelectionChange) {
    if (disabled) return;
    const index = task.mode === 'free' ? 0 : Math.min(lastField.current, lines.length - 1);
    const field = fields.current[index];
    const current = task.mode === 'free' ? text : (lines[index] ?? '');
    const start = field?.selectionStart ?? current.length;
    const end = field?.selectionEnd ?? current.length;
    const changed = change(current, start, end);
    const after = task.mode === 'free' ? changed.text : lines.map((line, i) => (i === index ? changed.text : line)).join('\n');
    edit(after, { index, start, end }, { index, start: changed.selectionStart, end: changed.selectionEnd });
  }

  function insertTag(tagIndex: number) {
    const tag = task.textTags[tagIndex];
    if (tag) changeSelection((current, start, end) => wrapWithTag(current, start, end, tag));
  }

  /** Text of several lines pasted into a line becomes as many lines, from the caret on (a field of one line would join them). */
  function onLinePaste(event: ClipboardEvent<HTMLInputElement>, index: number) {
    const pasted = event.clipboardData.getData('text/plain').replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
    if (pasted.length < 2) return;
    event.preventDefault();
    const line = lines[index] ?? '';
    const { selectionStart: start, selectionEnd: end } = event.currentTarget;
    const [before, after] = [line.slice(0, start ?? line.length), line.slice(end ?? line.length)];
    const last = pasted.at(-1)!;
    const inserted = [before + pasted[0], ...pasted.slice(1, -1), last + after];
    setLines([...lines.slice(0, index), ...inserted, ...lines.slice(index + 1)], { index, start: start ?? line.length, end: end ?? line.length }, { index: index + inserted.length - 1, start: last.length });
  }

  function onFieldKeyDown(event: KeyboardEvent<Field>, index: number) {
    const tagIndex = tagShortcutIndex(event);
    if (tagIndex !== undefined) {
      event.preventDefault();
      insertTag(tagIndex);
      return;
    }
    if (isUndo(event) || isRedo(event)) {
      event.preventDefault();
      undoOrRedo(isRedo(event));
      return;
    }
    const field = event.currentTarget;
    const start = field.selectionStart ?? 0;
    const end = field.selectionEnd ?? 0;
    const caret = { index, start, end };
    caretAtKey.current = caret;
    if (task.mode === 'free' || event.ctrlKey || event.metaKey || event.altKey || event.nativeEvent.isComposing) return;
    const line = lines[index] ?? '';
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      setLines([...lines.slice(0, index), line.slice(0, start), line.slice(end), ...lines.slice(index + 1)], caret, { index: index + 1, start: 0 });
    } else if (event.key === 'Backspace' && start === 0 && end === 0 && index > 0) {
      event.preventDefault();
      const previous = lines[index - 1] ?? '';
      setLines([...lines.slice(0, index - 1), previous + line, ...lines.slice(index + 1)], caret, { index: index - 1, start: previous.length });
    } else if (event.key === 'ArrowUp' && index > 0) {
      event.preventDefault();
      focusLine(index - 1, start);
    } else if (event.key === 'ArrowDown' && index < lines.length - 1) {
      event.preventDefault();
      focusLine(index + 1, start);
    }
  }

  const hintId = `${id}-keys`;
  const original = startingText(task, subject.locations);
  const correctionId = `${id}-correction`;
  // The rule the answer's validity follows (`parseNewAnswer`): a space or a line break changed makes it a correction.
  const unchanged = leftAsStarted(task, subject.locations, text);
  const language = languageAttributes(languageOf(task, subject));
  const lineInUse = Math.min(tabStop, lines.length - 1);
  const ref = (index: number) => (element: Field | null) => {
    fields.current[index] = element;
  };
  return (
    <fieldset className="task task-transcription" aria-describedby={original === undefined ? hintId : `${correctionId} ${hintId}`}>
      <legend className="task-question" {...researchersWords} ref={instruction}>
        {task.instruction}
      </legend>
      {original !== undefined && (
        <p className="field-hint" id={correctionId} data-testid="correction-hint">
          {t('tasks.transcription.correcting')}
        </p>
      )}
      {task.textTags.length > 0 && (
        <InsertButtons
          label={t('tasks.transcription.tags')}
          controls={`${id}-editor`}
          disabled={disabled}
          buttons={task.textTags.map((tag, index) => ({
            key: tag,
            shown: <>[<bdi>{tag}</bdi>]</>,
            keys: tagShortcut(index),
            insert: () => insertTag(index),
          }))}
        />
      )}
      {task.specialCharacters?.length ? (
        <InsertButtons
          className="special-characters"
          label={t('tasks.transcription.characters')}
          controls={`${id}-editor`}
          disabled={disabled}
          buttons={task.specialCharacters.map((character) => ({
            key: character,
            shown: <bdi>{character}</bdi>,
            name: t('tasks.transcription.insertCharacter', { character }),
            insert: () => changeSelection((current, start, end) => replaceSelection(current, start, end, character)),
          }))}
        />
      ) : null}
      <div className="transcription-editor" id={`${id}-editor`} ref={editor}>
        {task.mode === 'free' ? (
          <textarea
            ref={ref(0)}
            id={`${id}-text`}
            aria-label={original === undefined ? t('tasks.transcription.label') : t('tasks.transcription.correctionLabel')}
            className="transcription-free"
            {...language}
            data-autofocus
            value={text}
            rows={8}
            maxLength={task.maxLength}
            spellCheck={false}
            readOnly={disabled}
            onFocus={() => {
              lastField.current = 0;
            }}
            onChange={(event) => typed(event.target.value, 0, event.target)}
            onKeyDown={(event) => onFieldKeyDown(event, 0)}
          />
        ) : (
          <ol className="transcription-lines">
            {lines.map((line, index) => (
              // Lines have no identity beyond their position; index keys keep focus on the edited row.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <li key={index}>
                <span id={`${id}-line-${index}`} className="visually-hidden">
                  {t('tasks.transcription.line', { number: index + 1, count: lines.length })}
                </span>
                <input
                  ref={ref(index)}
                  type="text"
                  {...language}
                  aria-labelledby={`${id}-line-${index}`}
                  value={line}
                  spellCheck={false}
                  autoComplete="off"
                  // The line last used (at first the last line: where a restored draft left off).
                  data-autofocus={index === lineInUse || undefined}
                  tabIndex={index === lineInUse ? 0 : -1}
                  readOnly={disabled}
                  onFocus={() => {
                    lastField.current = index;
                    setTabStop(index);
                  }}
                  onChange={(event) => typed(lines.map((l, i) => (i === index ? event.target.value.replace(/\n/g, ' ') : l)).join('\n'), index, event.target)}
                  onKeyDown={(event) => onFieldKeyDown(event, index)}
                  onPaste={(event) => onLinePaste(event, index)}
                />
              </li>
            ))}
          </ol>
        )}
      </div>
      {original !== undefined && (
        <div className="transcription-correction">
          <p className="task-message task-message-done" role="status" data-testid="correction-state">
            {unchanged ? t('tasks.transcription.unchanged') : t('tasks.transcription.corrected')}
          </p>
          <button
            type="button"
            className="button button-secondary button-small"
            data-testid="correction-reset"
            aria-disabled={disabled || unchanged || undefined}
            onClick={() => {
              if (!unchanged) edit(original, { index: lastField.current, start: 0, end: 0 }, { index: 0, start: 0, end: 0 });
            }}
          >
            {t('tasks.transcription.reset')}
          </button>
        </div>
      )}
      <LengthNote length={text.length} maxLength={task.maxLength} keepsNoMore={task.mode === 'free'} asStarted={unchanged} />
      {onUnsureChange && (
        <div className="answer answer-unsure">
          <input type="checkbox" id={`${id}-unsure`} data-testid="transcription-unsure" checked={unsure} onChange={() => !disabled && onUnsureChange(!unsure)} aria-disabled={disabled || undefined} />
          <label htmlFor={`${id}-unsure`}>
            <span className="answer-label">{t('tasks.transcription.unsure')}</span>
          </label>
        </div>
      )}
      <p className="keyboard-hint" id={hintId}>
        {task.mode === 'free' ? '' : `${t('tasks.transcription.lineKeys')} `}
        {task.textTags.length > 0 && `${t('tasks.transcription.tagKeys', { count: Math.min(task.textTags.length, 9) })} `}
        {t('tasks.transcription.draft')}
      </p>
      <TaskHelp help={task.help} />
    </fieldset>
  );
}

/** The key shortcut of the text tag at `index`, as `aria-keyshortcuts` says it: Ctrl+Shift+1…9, for the first nine. */
const tagShortcut = (index: number) => (index < 9 ? `Control+Shift+${index + 1}` : undefined);

/** A button of `InsertButtons`: what it shows, its accessible name if not that, its key shortcut, and what it puts in. */
interface InsertButton {
  key: string;
  shown: ReactNode;
  name?: string;
  keys?: string;
  insert: () => void;
}

/**
 * A toolbar of buttons that each put something into the field in use (a text tag, a special character): pressed by
 * mouse, the caret and selection stay in that field, since a button's mousedown does not take the focus.
 */
function InsertButtons({ label, controls, className, disabled, buttons }: { label: string; controls: string; className?: string; disabled?: boolean; buttons: InsertButton[] }) {
  return (
    <div className={className ? `tag-buttons ${className}` : 'tag-buttons'} role="toolbar" aria-label={label} aria-controls={controls}>
      {buttons.map((button) => (
        <button
          key={button.key}
          type="button"
          className="button button-secondary button-small"
          onMouseDown={(event) => event.preventDefault()}
          onClick={button.insert}
          aria-disabled={disabled || undefined}
          aria-keyshortcuts={button.keys}
          aria-label={button.name}
        >
          {button.shown}
        </button>
      ))}
    </div>
  );
}

/** Share of the most characters from which the volunteer is shown how many they have used. */
const NEAR_THE_LIMIT = 0.8;

/** How long typing must pause before the length note is read out. */
const SPEAK_AFTER_MS = 800;

/**
 * How much of the task's `maxLength` the transcription uses, once it nears it. The free text area keeps nothing more
 * once full (`keepsNoMore`), which would otherwise go unnoticed; lines can go beyond it, and are refused until cut.
 * A correction's text left as it was (`asStarted`) is valid whatever its length: no note until it changes.
 */
function LengthNote({ length, maxLength, keepsNoMore, asStarted }: { length: number; maxLength: number; keepsNoMore: boolean; asStarted: boolean }) {
  const { t } = useTranslation();
  const message = (() => {
    if (asStarted || length < NEAR_THE_LIMIT * maxLength) return '';
    // Beyond it first: a text tag wrapped round a selection can take even the free text area past its most.
    if (length > maxLength) return t('tasks.transcription.tooLong', { length, count: maxLength });
    if (keepsNoMore && length >= maxLength) return t('tasks.transcription.full', { count: maxLength });
    return t('tasks.transcription.length', { length, count: maxLength });
  })();
  const warning = !asStarted && (length > maxLength || (keepsNoMore && length >= maxLength));
  // Said once typing pauses, not at every key: the note on screen follows each key.
  const [spoken, setSpoken] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSpoken(message), SPEAK_AFTER_MS);
    return () => clearTimeout(timer);
  }, [message]);
  return (
    <>
      <p className={`task-message${warning ? '' : ' task-message-done'}`} data-testid="length-note">
        {message}
      </p>
      <p className="visually-hidden" aria-live="polite" data-testid="length-note-spoken">
        {spoken}
      </p>
    </>
  );
}
