import type { QueuedSubject } from '@chorus/client';
import { isRectangle, type Mark, type MarkingTool, type SubjectLocation } from '@chorus/tasks';
import { type KeyboardEvent, type MutableRefObject, useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OpenImageContext, type Point } from '../../components/viewer/openImage';
import { isRedo, isTypingTarget, isUndo } from '../../lib/keyboard';
import { useResearchersWords } from '../../lib/textLanguage';
import { TaskHelp } from '../TaskHelp';
import type { TaskProps } from '../types';
import { colourOf, countInWords, countOf, glyphOf, type MarkHistory, marksIn, markInWords, NO_MARK_HISTORY, numbered, pointMark, rectangleMark, shapeInWords, stepHistory, type Task, toolAtFault, whyNotPlaced, withChange, withMarkEdited } from './marks';
import { type FocusLayer, GlyphShape, type LeftOut, MarkingLayer } from './MarkingLayer';

/** The location marks are drawn on: the subject's first image. */
export const markedLocation = (_task: Task, subject: QueuedSubject): SubjectLocation | undefined => subject.locations.find((location) => location.type === 'image');

/**
 * Marks on the subject's first image (a point on each penguin, a rectangle around each advertisement): a tool chosen
 * from the task's (or none, to move the image), then clicks, drags or the keyboard in the layer over the image
 * (`MarkingLayer`), where a mark chosen is moved and a rectangle resized. The marks are listed in words, each with a
 * Remove button; each placed, moved, resized or removed is said politely. Undo (Ctrl+Z) and Redo (Ctrl+Shift+Z, Ctrl+Y)
 * step through this subject's changes, from the task or the image's viewer.
 * Each tool's count is shown against its limits; going on with one outside them is refused, that tool focused.
 */
/**
 * `listHeading`: the marks list's heading, given their count, where they are not the volunteer's (the lab's correction:
 * the marks to keep); `leftOut`: things drawn on the image apart from the marks, to add back (the lab's correction's);
 * `layerFocus`: set to what brings the keyboard to the image (its crosshair at a point), for the page to call.
 */
export function MarkingTask({
  task,
  id,
  subject,
  value,
  onChange,
  setUnfinished,
  disabled,
  refusals = 0,
  listHeading,
  leftOut,
  layerFocus,
}: TaskProps<Task> & { listHeading?: (count: number) => string; leftOut?: LeftOut; layerFocus?: MutableRefObject<FocusLayer | null> }) {
  const { t } = useTranslation();
  const researchersWords = useResearchersWords();
  const marks = marksIn(value);
  const [toolKey, setToolKey] = useState<string | null>(task.tools[0]?.key ?? null);
  const tool = task.tools.find((each) => each.key === toolKey) ?? null;
  const [selected, setSelected] = useState<number | null>(null);
  const [anchor, setAnchorState] = useState<Point | null>(null);
  /** What was last done, said by screen readers (politely), anew each time. */
  const [said, setSaid] = useState<{ text: string; n: number } | null>(null);
  const say = (text: string) => setSaid((last) => ({ text, n: (last?.n ?? 0) + 1 }));
  /** This subject's changes to undo and redo (the task is shown anew for each subject). */
  const [history, setHistory] = useState<MarkHistory>(NO_MARK_HISTORY);
  /** Changes the marks, to be undone, said in `words` (unless the caller says them itself); one of a `series` joins the last. */
  const change = (after: Mark[], words: string, saying = true, series?: string) => {
    onChange(after);
    setHistory((before) => withChange(before, { before: marks, after, words, series }));
    if (saying) say(words);
  };
  const undoOrRedo = (redo: boolean) => {
    if (disabled) return;
    const { history: after, step } = stepHistory(history, marks, redo);
    setHistory(after);
    if (!step) return;
    onChange(step.marks as Mark[]);
    // A move or resize undone keeps its mark chosen; a mark placed or removed changes which is which.
    if (step.marks.length !== marks.length) setSelected(null);
    say(redo ? t('tasks.marking.redone', { change: step.change.words }) : t('tasks.marking.undone', { change: step.change.words }));
  };
  const onTaskKey = (event: KeyboardEvent) => {
    if (!isUndo(event) && !isRedo(event)) return;
    event.preventDefault();
    undoOrRedo(isRedo(event));
  };
  const { image, setImage } = useContext(OpenImageContext);
  // A IIIF service shown: the plain image's size is read (marks are in its pixels) before marking.
  useEffect(() => {
    if (!image?.measure) return;
    let live = true;
    void image.measure().then((read) => live && setImage((shown) => (shown === image ? read : shown)));
    return () => {
      live = false;
    };
  }, [image, setImage]);
  const location = markedLocation(task, subject);
  const opened = image && location?.type === 'image' && image.url === location.url ? image : null;
  const shownImage = opened?.markable ? opened : null;
  const latestUndoOrRedo = useRef(undoOrRedo);
  latestUndoOrRedo.current = undoOrRedo;
  // Ctrl+Z and Ctrl+Y with focus in the viewer of the image marked (on a button of its own) too; its marking layer's
  // keys already reach the task's own handler, through React's portal.
  useEffect(() => {
    const viewer = shownImage?.overlay.closest('.image-viewer');
    if (!viewer) return;
    const onKey = (event: Event) => {
      const key = event as globalThis.KeyboardEvent;
      if ((!isUndo(key) && !isRedo(key)) || isTypingTarget(key.target) || (key.target instanceof Element && key.target.closest('.marking-layer'))) return;
      key.preventDefault();
      latestUndoOrRedo.current(isRedo(key));
    };
    viewer.addEventListener('keydown', onKey);
    return () => viewer.removeEventListener('keydown', onKey);
  }, [shownImage]);
  const toolId = (each: MarkingTool) => `${id}-tool-${each.key}`;
  const ownLayerFocus = useRef<FocusLayer | null>(null);
  const focusLayer = layerFocus ?? ownLayerFocus;
  /** A key of each mark for as long as it is in the list (its index changes as others are removed). */
  const keys = useRef({ of: new WeakMap<Mark, number>(), next: 0 });
  const keyOf = (mark: Mark) => {
    const known = keys.current.of.get(mark);
    if (known !== undefined) return known;
    keys.current.next += 1;
    keys.current.of.set(mark, keys.current.next);
    return keys.current.next;
  };
  /** After a mark is removed by its button: the row that took its place, whose Remove takes focus (none: the heading). */
  const focusAfterRemoval = useRef<number | null>(null);
  useLayoutEffect(() => {
    const row = focusAfterRemoval.current;
    if (row === null) return;
    focusAfterRemoval.current = null;
    const removes = document.getElementById(`${id}-marks`)?.querySelectorAll<HTMLElement>('.marking-remove');
    (removes?.[Math.min(row, removes.length - 1)] ?? document.getElementById(`${id}-list`))?.focus();
  });
  const chooseTool = (key: string | null) => {
    if (disabled) return;
    // A rectangle begun with one tool is not ended with another; the arrows then move the crosshair, not a mark chosen.
    if (anchor) setAnchor(null);
    setSelected(null);
    setToolKey(key);
  };

  const setAnchor = (next: Point | null) => {
    setAnchorState(next);
    // A rectangle begun: the arrows take its far corner, not a mark chosen.
    if (next) setSelected(null);
    setUnfinished(next ? (t) => t('tasks.marking.unfinished') : null);
    if (next && tool) say(t('tasks.marking.started', { label: tool.label }));
    else if (!next && anchor) say(t('tasks.marking.cancelled'));
  };
  // A rectangle begun and not ended is not lost by going on: it is said unfinished until ended or cancelled.
  useEffect(() => () => setUnfinished(null), [setUnfinished]);

  // Each refusal (not the ones before this task was on screen) focuses the tool whose count is wrong.
  const refusalsSeen = useRef(refusals);
  useEffect(() => {
    if (refusals === refusalsSeen.current) return;
    refusalsSeen.current = refusals;
    const fault = toolAtFault(task, marks);
    if (fault) document.getElementById(toolId(fault.tool))?.focus();
  });

  const place = (shape: 'point' | 'rectangle', from: Point, to?: Point) => {
    if (!tool || tool.shape !== shape) return;
    const mark = shape === 'point' ? pointMark(tool.key, from) : rectangleMark(tool.key, from, to ?? from);
    // A rectangle ended where it began has no area: it stays begun, to be ended elsewhere.
    if (!mark) return;
    if (shape === 'rectangle') {
      setAnchorState(null);
      setUnfinished(null);
    }
    const refused = whyNotPlaced(t, tool, marks);
    if (refused) {
      say(refused);
      return;
    }
    const count = countOf(marks, tool);
    // A mark placed is not chosen: the arrows go on moving the crosshair, to place the next.
    setSelected(null);
    change([...marks, mark], t('tasks.marking.placed', { mark: markInWords(t, tool, count + 1, mark) }));
  };
  /**
   * A mark moved or resized (`how`), by the pointer or the keys (`series`: the keys' edits until they rest, one change to
   * undo): what to say of it (the layer says it, when it rests); undefined when it was not, or did not change.
   */
  const edit = (index: number, mark: Mark, how: 'moved' | 'resized', series?: string): string | undefined => {
    const entry = numbered(task, marks)[index];
    const after = withMarkEdited(marks, index, mark);
    if (!entry || !after || disabled) return undefined;
    const inWords = markInWords(t, entry.tool, entry.n, mark);
    const words = how === 'moved' ? t('tasks.marking.moved', { mark: inWords }) : t('tasks.marking.resized', { mark: inWords });
    // The mark edited keeps its row (and the focus there), through undo and redo too.
    keys.current.of.set(mark, keyOf(entry.mark));
    change(after, words, false, series);
    return words;
  };
  const remove = (index: number) => {
    const entry = numbered(task, marks)[index];
    if (!entry) return;
    setSelected(null);
    change(
      marks.filter((_, at) => at !== index),
      t('tasks.marking.removed', { mark: markInWords(t, entry.tool, entry.n, entry.mark) }),
    );
  };
  const removeByButton = (index: number) => {
    focusAfterRemoval.current = index;
    remove(index);
  };
  const onListKey = (event: KeyboardEvent, index: number) => {
    if ((event.key !== 'Delete' && event.key !== 'Backspace') || disabled) return;
    event.preventDefault();
    remove(index);
    document.getElementById(`${id}-list`)?.focus();
  };

  const layerLabel = tool ? t('tasks.marking.layer', { label: tool.label, shape: shapeInWords(t, tool) }) : t('tasks.marking.layerMoving');
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Ctrl+Z and Ctrl+Y from anywhere in the task (its layer too), as in an editor
    <div className="task task-marking" onKeyDown={onTaskKey}>
      <fieldset className="marking-tools" aria-describedby={`${id}-keys`}>
        <legend className="task-question" {...researchersWords}>
          {task.instruction}
        </legend>
        <div className="answers">
          {task.tools.map((each, index) => (
            <div className="answer marking-tool" key={each.key}>
              <input type="radio" id={toolId(each)} name={`${id}-tool`} value={each.key} checked={toolKey === each.key} onChange={() => chooseTool(each.key)} aria-disabled={disabled || undefined} />
              <label htmlFor={toolId(each)}>
                <Swatch shape={each.shape} index={index} />
                <span className="answer-label">
                  <span {...researchersWords}>{each.label}</span> ({shapeInWords(t, each)}):{' '}
                  <span className="marking-count" data-testid={`marking-count-${each.key}`}>
                    {countInWords(t, each, countOf(marks, each))}
                  </span>
                </span>
              </label>
            </div>
          ))}
          <div className="answer marking-tool">
            <input type="radio" id={`${id}-tool-none`} name={`${id}-tool`} value="" checked={toolKey === null} onChange={() => chooseTool(null)} aria-disabled={disabled || undefined} />
            <label htmlFor={`${id}-tool-none`}>
              <span className="answer-label">{t('tasks.marking.move')}</span>
            </label>
          </div>
        </div>
      </fieldset>
      <p className="keyboard-hint" id={`${id}-keys`}>
        {t('tasks.marking.keys')}
      </p>
      <div className="marking-actions">
        {shownImage && (
          <button type="button" className="button button-secondary button-small marking-to-image" onClick={() => focusLayer.current?.()}>
            {t('tasks.marking.toImage')}
          </button>
        )}
        <button type="button" className="button button-secondary button-small marking-undo" onClick={() => undoOrRedo(false)} aria-disabled={disabled || history.done.length === 0 || undefined} aria-keyshortcuts="Control+Z Meta+Z">
          {t('tasks.marking.undo')}
        </button>
        <button type="button" className="button button-secondary button-small marking-redo" onClick={() => undoOrRedo(true)} aria-disabled={disabled || history.undone.length === 0 || undefined} aria-keyshortcuts="Control+Shift+Z Control+Y Meta+Shift+Z">
          {t('tasks.marking.redo')}
        </button>
      </div>
      {/* The image on another page of the subject (or none): said; one loading, or failed, the viewer says so itself. */}
      {!opened && (!location || subject.locations.length > 1) && <p className="notice">{location ? t('tasks.marking.turnToImage') : t('tasks.marking.noImage')}</p>}
      {opened && !opened.markable && !opened.measure && <p className="notice">{t('tasks.marking.unmeasured')}</p>}
      <h3 className="marking-list-heading" id={`${id}-list`} tabIndex={-1}>
        {listHeading ? listHeading(marks.length) : t('tasks.marking.list', { count: marks.length })}
      </h3>
      {marks.length > 0 && (
        <ol className="marking-list" id={`${id}-marks`} aria-labelledby={`${id}-list`}>
          {numbered(task, marks).map(({ mark, tool: of, toolIndex, n }, index) => {
            const words = markInWords(t, of, n, mark);
            return (
              <li key={keyOf(mark)} className="marking-entry" data-testid="marking-entry">
                <Swatch shape={isRectangle(mark) ? 'rectangle' : 'point'} index={toolIndex} />
                <button type="button" className="marking-select" aria-pressed={index === selected} onClick={() => setSelected(index === selected ? null : index)} onKeyDown={(event) => onListKey(event, index)} aria-disabled={disabled || undefined}>
                  {words}
                </button>
                <button type="button" className="button button-secondary button-small marking-remove" aria-label={t('tasks.marking.removeMark', { mark: words })} onClick={() => disabled || removeByButton(index)} aria-disabled={disabled || undefined}>
                  {t('tasks.marking.remove')}
                </button>
              </li>
            );
          })}
        </ol>
      )}
      <p className="visually-hidden" role="status" data-testid="marking-said">
        {said && <span key={said.n}>{said.text}</span>}
      </p>
      <p className="visually-hidden" id={`${id}-layer-hint`}>
        {t('tasks.marking.layerKeys')}
      </p>
      <TaskHelp help={task.help} />
      {shownImage && (
        <MarkingLayer
          task={task}
          image={shownImage}
          marks={marks}
          tool={tool}
          selected={selected}
          anchor={anchor}
          setAnchor={setAnchor}
          onPlace={place}
          onSelect={setSelected}
          onEdit={edit}
          onRemoveSelected={() => selected !== null && remove(selected)}
          say={say}
          focusRef={focusLayer}
          label={layerLabel}
          describedBy={`${id}-layer-hint`}
          disabled={disabled}
          leftOut={leftOut}
        />
      )}
    </div>
  );
}

/** A tool's look on the image, beside its name: its colour, and its shape for points. */
function Swatch({ shape, index }: { shape: 'point' | 'rectangle'; index: number }) {
  return (
    <svg className="marking-swatch" width="20" height="20" aria-hidden="true">
      {shape === 'point' ? <GlyphShape glyph={glyphOf(index)} at={{ x: 10, y: 10 }} colour={colourOf(index)} size={6} /> : <rect x="3" y="5" width="14" height="10" fill="none" stroke={colourOf(index)} strokeWidth="2.5" />}
    </svg>
  );
}
