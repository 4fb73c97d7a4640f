import { isRectangle, type Mark, type MarkingTool, type RectangleMark } from '@chorus/tasks';
import { type FocusEvent, type KeyboardEvent, memo, type MutableRefObject, type PointerEvent, useCallback, useEffect, useId, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { OpenImage, Point } from '../../components/viewer/openImage';
import { CORNERS, type Corner, centreOf, colourOf, cornerOf, type Glyph, glyphOf, markInWords, movedMark, numbered, onImage, resizeCursor, resizedMark, screenBottomRight, type Task, uprightMatrix, viewMatrix } from './marks';

/** The crosshair's step with the arrow keys, in pixels of the screen (Shift: the bigger one), whatever the zoom. */
const STEP = 10;
const BIG_STEP = 50;
/** A press that moves less than this (pixels of the screen) is a click, not a drag: a finger or a pen wobbles more. */
const MOUSE_SLOP = 4;
const TOUCH_SLOP = 10;
const ZOOM_PER_WHEEL_STEP = 1.2;
/** The crosshair's place is said once it has rested this long (not at each step of a key held down). */
const SAY_CROSSHAIR_MS = 600;
/** A mark this near the crosshair (pixels of the screen) is the one under it. */
const UNDER_CROSSHAIR = 12;

/**
 * Things drawn on the image apart from the marks, to take in by pressing them (the lab's things a consensus left out):
 * each where it is, with its name; `describedBy`, what says how they are taken; `addBack`, one pressed (its index).
 */
export interface LeftOut {
  things: readonly { mark: Mark; name: string }[];
  describedBy: string;
  addBack(index: number): void;
}

/** Brings the keyboard to the layer, the crosshair shown where it was or taken to `at` first (a mark just added there). */
export type FocusLayer = (at?: Point) => void;

interface Props {
  task: Task;
  image: OpenImage;
  marks: readonly Mark[];
  /** The tool marks are drawn with; null: the pointer moves and zooms the image. */
  tool: MarkingTool | null;
  selected: number | null;
  /** The rectangle's first corner, placed by keyboard and not yet ended (the task keeps it, to say it is unfinished). */
  anchor: Point | null;
  setAnchor(anchor: Point | null): void;
  onPlace(mark: 'point' | 'rectangle', from: Point, to?: Point): void;
  onSelect(index: number | null): void;
  /** A mark moved or resized (`series`: by the keys, until they rest): what to say of it (undefined when it was not). */
  onEdit(index: number, mark: Mark, how: 'moved' | 'resized', series?: string): string | undefined;
  onRemoveSelected(): void;
  /** Says a thing politely (what was not placed, where the crosshair rests). */
  say(text: string): void;
  /** Set to what brings the keyboard to the layer, crosshair shown (the task's "Mark on the image"). */
  focusRef: MutableRefObject<FocusLayer | null>;
  label: string;
  describedBy: string;
  disabled: boolean;
  /** Things left out, drawn apart from the marks (none by default). */
  leftOut?: LeftOut;
}

/** A press under way: where it began on the element, and where the pointer is; `grab`, the chosen mark (or a rectangle's corner) it drags. */
interface Press {
  id: number;
  from: Point;
  to: Point;
  slop: number;
  grab?: { index: number; corner?: Corner };
}
type Grab = (event: PointerEvent<SVGElement>, index: number, corner?: Corner) => void;
const NOTHING_LEFT_OUT: LeftOut['things'] = [];

const dragged = (press: Press) => Math.hypot(press.to.x - press.from.x, press.to.y - press.from.y) >= press.slop;

/**
 * The marks over the image, in an SVG layer: the marks themselves drawn once in the image's pixels, under one transform
 * that follows the view (zoom, pan, rotation) at each frame, so a frame redraws no mark however many there are; their
 * glyphs and numbers kept upright and of one size by the inverse transform (one style rule). The layer takes the pointer
 * while a tool is chosen (a click or tap places a point, a drag draws a rectangle, the wheel and two fingers zoom), and
 * is focusable: the arrow keys move a crosshair across the screen, Enter or Space place. The chosen mark is dragged to
 * move it, a rectangle's corner handles to resize it, or moved by the arrow keys (Alt and the arrows resize a
 * rectangle). With no tool chosen the marks alone take the pointer, a first press choosing one, a press on the chosen
 * one dragging it (a second finger, a pinch, ends the drag). Things left out (`leftOut`) are drawn dashed and hollow
 * under the marks, under the same transform, each a button of its own (named apart from the marks, which screen readers
 * do not meet: the list names them), pressed or Enter or Space to add it back. Where a mark taking the pointer is on a
 * thing left out, a press is the mark's: marks are chosen and dragged far more often than things are added back, which
 * Tab and the list reach too. With no tool, a rectangle left out is pressed inside as well as on its outline, where no
 * mark is (the innermost, of one inside another): the image's own press, which a drag or the wheel still pans or zooms.
 */
export function MarkingLayer({ task, image, marks, tool, selected, anchor, setAnchor, onPlace, onSelect, onEdit, onRemoveSelected, say, focusRef, label, describedBy, disabled, leftOut }: Props) {
  const { t } = useTranslation();
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useEffect(() => image.watchView(redraw), [image]);
  const [crosshair, setCrosshair] = useState<Point>(() => ({ x: image.width / 2, y: image.height / 2 }));
  const [focused, setFocused] = useState(false);
  /** The keyboard used in the layer since the pointer last was: the crosshair is the keyboard's, drawn only then. */
  const [keyed, setKeyed] = useState(false);
  const [press, setPress] = useState<Press | null>(null);
  /** The pointers down on the layer, where each is: two make a pinch, which zooms and places nothing. */
  const pointers = useRef(new Map<number, Point>());
  const layer = useRef<HTMLDivElement>(null);
  const uprightStyle = useRef<HTMLStyleElement>(null);
  /** This layer's own, so that its upright rule turns only its marks (another layer may be on the page). */
  const scope = useId();

  const at = (event: { clientX: number; clientY: number }): Point => {
    const box = layer.current!.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };
  const inside = ({ x, y }: Point) => x >= 0 && y >= 0 && x <= image.width && y <= image.height;

  /** Where `focusRef` takes the crosshair while it focuses the layer: shown there, not where the crosshair was. */
  const focusingAt = useRef<Point | null>(null);
  focusRef.current = (to = crosshair) => {
    setCrosshair(to);
    focusingAt.current = to;
    layer.current?.focus({ preventScroll: true });
    // On screen, the whole image where it fits: the page may be scrolled to the list or the button below it (a phone).
    layer.current?.scrollIntoView({ block: 'nearest' });
    focusingAt.current = null;
    setKeyed(true);
    image.show(to);
  };
  useEffect(
    () => () => {
      focusRef.current = null;
    },
    [focusRef],
  );

  // The wheel zooms with a tool chosen, not the page: a listener of its own, as React's are passive.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `at` reads the layer's box at each event
  useEffect(() => {
    const element = layer.current;
    if (!element || !tool) return;
    const onWheel = (event: globalThis.WheelEvent) => {
      event.preventDefault();
      if (event.deltaY !== 0) image.zoomBy(event.deltaY < 0 ? ZOOM_PER_WHEEL_STEP : 1 / ZOOM_PER_WHEEL_STEP, at(event));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [image, tool]);

  // What to say once the keys rest (the crosshair's place, a mark moved by them), not at each step of a key held down.
  const [rested, setRested] = useState<{ words(): string } | null>(null);
  /** Counts the rests of the keys: a mark's edits by them between two rests are one change to undo. */
  const rests = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: said once for each rest, in the words and marks of then
  useEffect(() => {
    if (!rested) return;
    const timer = setTimeout(() => {
      rests.current += 1;
      say(rested.words());
    }, SAY_CROSSHAIR_MS);
    return () => clearTimeout(timer);
  }, [rested]);
  const crosshairWords = (point: Point) => {
    const x = Math.round(point.x);
    const y = Math.round(point.y);
    const under = markUnder(point);
    return under ? t('tasks.marking.crosshairOn', { x, y, mark: under.words }) : t('tasks.marking.crosshairAt', { x, y });
  };

  // The crosshair is on the chosen mark, wherever it goes; a mark chosen (in the list, say) is brought into view, once:
  // not at each move or resize, which would take the view away from a corner being dragged.
  const shown = useMemo(() => numbered(task, marks), [task, marks]);
  const selectedMark = selected === null ? undefined : marks[selected];
  useEffect(() => {
    if (selectedMark) setCrosshair(centreOf(selectedMark));
  }, [selectedMark]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the choice changes, the mark as it is then
  useEffect(() => {
    if (selectedMark) image.show(centreOf(selectedMark));
  }, [selected, image]);

  /** The grabbed mark where the press has taken it: moved, or resized by a corner (which keeps its offset from the pointer). */
  const grabbed = (now: Press): Mark | undefined => {
    const mark = now.grab && marks[now.grab.index];
    if (!mark || !now.grab) return undefined;
    const from = image.toImage(now.from);
    const to = image.toImage(now.to);
    const by = { x: to.x - from.x, y: to.y - from.y };
    const { corner } = now.grab;
    if (!corner || !isRectangle(mark)) return movedMark(mark, by, image);
    const was = cornerOf(mark, corner);
    return resizedMark(mark, corner, { x: was.x + by.x, y: was.y + by.y }, image);
  };
  const preview = press?.grab && dragged(press) ? grabbed(press) : undefined;
  const drawn = useMemo(() => (preview && press?.grab ? shown.map((entry, index) => (index === press.grab!.index ? { ...entry, mark: preview } : entry)) : shown), [shown, preview, press]);

  const begin = (event: PointerEvent<Element>, grab?: Press['grab']) => {
    layer.current?.focus({ preventScroll: true });
    setKeyed(false);
    const point = at(event);
    setPress({ id: event.pointerId, from: point, to: point, slop: event.pointerType === 'mouse' ? MOUSE_SLOP : TOUCH_SLOP, grab });
  };
  /** A pointer down, followed by the layer wherever it goes: false for a second finger, a pinch (not a mark). */
  const follow = (event: PointerEvent<Element>): boolean => {
    event.preventDefault();
    pointers.current.set(event.pointerId, at(event));
    layer.current?.setPointerCapture?.(event.pointerId);
    if (pointers.current.size === 1) return true;
    setPress(null);
    return false;
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (disabled || event.button !== 0) return;
    // With no tool the layer takes a pointer only while a mark is dragged: a second finger, a pinch, which ends the drag.
    if (!tool && pointers.current.size === 0) return;
    if (follow(event) && tool) begin(event);
  };
  /**
   * A press on a mark: the chosen mark's drags it; another's, with no tool, chooses it and moves nothing (with a tool only
   * the chosen mark takes the pointer). A second finger, on any mark, is a pinch.
   */
  const onGrab: Grab = (event, index, corner) => {
    if (disabled || event.button !== 0) return;
    if (index !== selected && pointers.current.size === 0) {
      if (!tool) choose(index);
      return;
    }
    event.stopPropagation();
    if (follow(event)) begin(event, { index, corner });
  };
  const latestGrab = useRef(onGrab);
  latestGrab.current = onGrab;
  // One function for every mark, so that a frame, or a change to one mark, draws no other anew.
  const grab = useCallback<Grab>((event, index, corner) => latestGrab.current(event, index, corner), []);
  const latestAddBack = useRef(leftOut?.addBack);
  latestAddBack.current = disabled ? undefined : leftOut?.addBack;
  // As `grab`: one function, so that a frame draws no thing left out anew.
  const addBack = useCallback((index: number) => latestAddBack.current?.(index), []);
  const latestImage = useRef(image);
  latestImage.current = image;
  /** The thing left out focused by keyboard: its halo drawn again over the marks, which would hide it. */
  const [focusedThing, setFocusedThing] = useState<Mark | null>(null);
  // A thing left out focused (by Tab, when zoomed) is brought into view, as a chosen mark is.
  const focusThing = useCallback((mark: Mark | null, byKeyboard = false) => {
    setFocusedThing(byKeyboard ? mark : null);
    if (mark) latestImage.current.show(centreOf(mark));
  }, []);
  const things = leftOut?.things ?? NOTHING_LEFT_OUT;
  // With no tool the image takes the pointer where no mark does: a press of it that did not move, inside a rectangle left out, adds it back.
  useEffect(() => {
    if (tool) return;
    return image.watchClicks((point) => {
      const index = innermostAround(things, image.toImage(point));
      if (index !== undefined) addBack(index);
    });
  }, [image, tool, things, addBack]);

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const before = pointers.current.get(event.pointerId);
    if (before && pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      const then = Math.hypot(a!.x - b!.x, a!.y - b!.y);
      pointers.current.set(event.pointerId, at(event));
      const [c, d] = [...pointers.current.values()];
      const now = Math.hypot(c!.x - d!.x, c!.y - d!.y);
      if (then > 0 && now > 0) image.zoomBy(now / then, { x: (c!.x + d!.x) / 2, y: (c!.y + d!.y) / 2 });
      return;
    }
    if (before) pointers.current.set(event.pointerId, at(event));
    if (press?.id === event.pointerId) setPress({ ...press, to: at(event) });
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    pointers.current.delete(event.pointerId);
    if (!press || press.id !== event.pointerId) return;
    setPress(null);
    const ended = { ...press, to: at(event) };
    if (ended.grab && dragged(ended)) {
      const mark = grabbed(ended);
      const words = mark && onEdit(ended.grab.index, mark, ended.grab.corner ? 'resized' : 'moved');
      if (words) say(words);
      return;
    }
    if (tool) toolPressed(tool, ended);
  };
  /** A press of the tool ended: a point placed at a click, a rectangle drawn by a drag. */
  const toolPressed = ({ shape }: MarkingTool, ended: Press) => {
    const from = image.toImage(ended.from);
    if (inside(from)) setCrosshair(from);
    if (shape === 'point' && !dragged(ended)) {
      if (inside(from)) onPlace('point', from);
      else say(t('tasks.marking.nothingPlaced'));
    } else if (shape === 'rectangle') {
      if (dragged(ended)) onPlace('rectangle', onImage(from, image), onImage(image.toImage(ended.to), image));
      else say(t('tasks.marking.noArea'));
    }
  };
  const onPointerCancel = (event: PointerEvent<HTMLDivElement>) => {
    pointers.current.delete(event.pointerId);
    setPress(null);
  };

  const choose = (index: number) => {
    const entry = shown[index];
    if (!entry) return;
    onSelect(index);
    say(t('tasks.marking.chosen', { mark: markInWords(t, entry.tool, entry.n, entry.mark) }));
  };
  /** Where a step of the keys (pixels of the screen, whatever the rotation) takes a point of the image. */
  const stepped = (from: Point, [dx, dy]: readonly [number, number], big: boolean): Point => {
    const step = big ? BIG_STEP : STEP;
    const here = image.toElement(from);
    return image.toImage({ x: here.x + dx * step, y: here.y + dy * step });
  };
  /** Steps the crosshair across the screen. */
  const move = (arrow: readonly [number, number], big: boolean) => {
    const next = onImage(stepped(crosshair, arrow, big), image);
    setCrosshair(next);
    setRested({ words: () => crosshairWords(next) });
    image.show(next);
  };
  /** Steps the chosen mark across the screen, as the crosshair (which goes with it). */
  const moveChosen = (index: number, mark: Mark, arrow: readonly [number, number], big: boolean) => {
    const centre = centreOf(mark);
    const to = stepped(centre, arrow, big);
    const moved = movedMark(mark, { x: to.x - centre.x, y: to.y - centre.y }, image);
    edited(index, moved, 'moved', centreOf(moved));
  };
  /**
   * Alt and the arrows: the chosen rectangle's side at the screen's right (→ ←) or bottom (↓ ↑) out or in, by a step of
   * the screen, whatever the rotation: → makes it wider on screen, ↓ taller.
   */
  const resizeChosen = (index: number, mark: RectangleMark, arrow: readonly [number, number], big: boolean) => {
    const corner = screenBottomRight(viewMatrix(image.toElement, Math.max(image.width, image.height)));
    const to = onImage(stepped(cornerOf(mark, corner), arrow, big), image);
    edited(index, resizedMark(mark, corner, to, image), 'resized', to);
  };
  /** A mark changed by the keys (brought into view at `show`): one change to undo until the keys rest, said then. */
  const edited = (index: number, mark: Mark, how: 'moved' | 'resized', show: Point) => {
    const words = onEdit(index, mark, how, `${index} ${rests.current}`);
    if (!words) return;
    setRested({ words: () => words });
    image.show(show);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // A thing left out, focused, takes its own keys; the others are the page's.
    if (event.target !== event.currentTarget) return;
    const arrows: Record<string, readonly [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const arrow = arrows[event.key];
    // Another key than an arrow (Enter, Ctrl+Z…) ends the arrows' run: what they did is not said after what it does.
    if (!arrow && !['Shift', 'Alt', 'Control', 'Meta'].includes(event.key) && rested) {
      rests.current += 1;
      setRested(null);
    }
    if (event.ctrlKey || event.metaKey || disabled) return;
    setKeyed(true);
    const chosen = selected === null ? undefined : marks[selected];
    if (event.altKey) {
      // Taken whatever is chosen: not the browser's Back and Forward.
      if (!arrow) return;
      if (chosen && isRectangle(chosen) && !anchor) resizeChosen(selected!, chosen, arrow, event.shiftKey);
      else say(t('tasks.marking.resizeOnlyRectangle'));
    } else if (arrow && chosen && !anchor) moveChosen(selected!, chosen, arrow, event.shiftKey);
    else if (arrow) move(arrow, event.shiftKey);
    else if ((event.key === 'Enter' || event.key === ' ') && tool) {
      if (tool.shape === 'point') onPlace('point', crosshair);
      else if (anchor) onPlace('rectangle', anchor, crosshair);
      else setAnchor(crosshair);
    } else if (event.key === 'Enter' || event.key === ' ') {
      // No tool: the mark under the crosshair is chosen.
      const under = markUnder(crosshair);
      if (under) choose(under.index);
      else say(crosshairWords(crosshair));
    } else if (event.key === 'Escape' && (anchor || press)) {
      setAnchor(null);
      setPress(null);
    } else if (event.key === 'Escape' && selected !== null) {
      onSelect(null);
      say(t('tasks.marking.letGo'));
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && selected !== null) onRemoveSelected();
    else return;
    // Taken here: not the page's Enter (go on), nor the image's own arrow keys.
    event.preventDefault();
    event.stopPropagation();
  };
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    // The crosshair is the layer's own focus's, not a thing left out's.
    if (event.target !== event.currentTarget) return;
    setFocused(true);
    if (focusingAt.current) return;
    // Reached by Tab: the crosshair is the keyboard's, brought into view.
    if (layer.current?.matches(':focus-visible')) {
      setKeyed(true);
      image.show(crosshair);
    }
  };

  /** The mark under a point of the image (a rectangle's edge a little outside it too), if any: its index and its words. */
  const markUnder = (point: Point): { index: number; words: string } | undefined => {
    const here = image.toElement(point);
    const [a, b] = viewMatrix(image.toElement, Math.max(image.width, image.height));
    const slack = UNDER_CROSSHAIR / (Math.hypot(a, b) || 1);
    const index = shown.findLastIndex(({ mark }) => {
      if (isRectangle(mark)) return point.x >= mark.x - slack && point.y >= mark.y - slack && point.x <= mark.x + mark.width + slack && point.y <= mark.y + mark.height + slack;
      const there = image.toElement(mark);
      return Math.hypot(there.x - here.x, there.y - here.y) <= UNDER_CROSSHAIR;
    });
    const found = shown[index];
    return found && { index, words: `${found.tool?.label ?? found.mark.tool} ${found.n}` };
  };

  const corners = (a: Point, b: Point) => {
    const points = [a, { x: b.x, y: a.y }, b, { x: a.x, y: b.y }].map(image.toElement);
    return points.map(({ x, y }) => `${x},${y}`).join(' ');
  };
  const drawing = press && !press.grab && tool?.shape === 'rectangle' ? corners(image.toImage(press.from), image.toImage(press.to)) : anchor ? corners(anchor, crosshair) : null;
  const cross = image.toElement(crosshair);
  const view = viewMatrix(image.toElement, Math.max(image.width, image.height));
  const upright = `matrix(${uprightMatrix(view).join(',')})`;
  const chosenRectangle = selected === null ? undefined : drawn[selected]?.mark;
  const focusedHalo = focusedThing && things.some(({ mark }) => mark === focusedThing) ? focusedThing : null;
  const grabbing = press?.grab ? ' marking-grabbing' : '';
  const resizing = press?.grab?.corner;
  // Set in a rule of its own at each frame (not a property the marks inherit), so only the glyphs' style is computed anew.
  useLayoutEffect(() => {
    const sheet = uprightStyle.current?.sheet;
    if (!sheet) return;
    if (sheet.cssRules.length === 0) sheet.insertRule(`[data-marking-layer="${scope}"] .marking-upright {}`);
    (sheet.cssRules[0] as CSSStyleRule).style.transform = upright;
  });

  return createPortal(
    <div
      ref={layer}
      className={`marking-layer${tool ? ' marking-drawing' : ''}${grabbing}`}
      // An area of its own keys (arrows, Enter, Space, Escape, Delete), as an image editor's: screen readers pass them on.
      role="application"
      aria-label={label}
      aria-describedby={describedBy}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: an application area takes its own keys (arrows, Enter, Space), so it must be reachable by Tab
      tabIndex={0}
      data-testid="marking-layer"
      data-marking-layer={scope}
      data-crosshair={`${Math.round(crosshair.x)},${Math.round(crosshair.y)}`}
      style={resizing ? { cursor: resizeCursor(resizing, view) } : undefined}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerCancel}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      onBlur={(event) => event.target === event.currentTarget && setFocused(false)}
    >
      <style ref={uprightStyle} />
      {/* Only the things left out are met by screen readers here, each a button: the marks are their list's. */}
      <svg className="marking-marks" width="100%" height="100%" role="none">
        <g transform={`matrix(${view.join(' ')})`} data-testid="marking-view">
          {/* Lowest, the chosen rectangle's inside, then the things left out (over it, not hidden by it), the marks on top. */}
          {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: shapes, none of them focusable (the layer is) */}
          <g aria-hidden="true">{!tool && chosenRectangle && isRectangle(chosenRectangle) && selected !== null && <ChosenInside mark={chosenRectangle} index={selected} grab={grab} />}</g>
          <LeftOutShapes task={task} things={things} describedBy={leftOut?.describedBy} addBack={addBack} focus={focusThing} disabled={disabled} />
          {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: shapes, none of them focusable (the layer is) */}
          <g aria-hidden="true">
            <MarkShapes shown={drawn} selected={selected} grab={grab} />
          </g>
        </g>
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: shapes, none of them focusable (the layer is) */}
        <g aria-hidden="true">
          {chosenRectangle && isRectangle(chosenRectangle) && selected !== null && (
            <g className="marking-handles">
              {CORNERS.map((corner) => {
                const { x, y } = image.toElement(cornerOf(chosenRectangle, corner));
                return (
                  <g key={corner} className={`marking-handle marking-handle-${corner}`} data-handle={corner} style={{ cursor: resizeCursor(corner, view) }} onPointerDown={(event) => grab(event, selected, corner)}>
                    <circle cx={x} cy={y} r={16} fill="transparent" />
                    <rect x={x - 6} y={y - 6} width={12} height={12} fill="#fff" stroke="#1d1f24" strokeWidth={2} />
                  </g>
                );
              })}
            </g>
          )}
          {focusedHalo && (
            <g className="marking-left-out-focus" data-testid="marking-left-out-focus">
              {isRectangle(focusedHalo) ? (
                <polygon points={corners(focusedHalo, { x: focusedHalo.x + focusedHalo.width, y: focusedHalo.y + focusedHalo.height })} />
              ) : (
                <path d={glyphPath(glyphOf(task.tools.findIndex((tool) => tool.key === focusedHalo.tool)), image.toElement(focusedHalo), 9)} />
              )}
            </g>
          )}
          {drawing && <polygon className="marking-drawn" points={drawing} fill="none" stroke="#fff" strokeWidth={2} strokeDasharray="4 4" />}
          {focused && keyed && (
            <g className="marking-crosshair" data-testid="marking-crosshair">
              <path className="marking-crosshair-edge" d={`M${cross.x - 14},${cross.y}H${cross.x + 14}M${cross.x},${cross.y - 14}V${cross.y + 14}`} strokeWidth={4} />
              <path className="marking-crosshair-line" d={`M${cross.x - 14},${cross.y}H${cross.x + 14}M${cross.x},${cross.y - 14}V${cross.y + 14}`} strokeWidth={2} />
            </g>
          )}
        </g>
      </svg>
    </div>,
    image.overlay,
  );
}

type Shown = ReturnType<typeof numbered>;

/** Every mark, in the image's pixels: drawn anew only when the marks or the choice change, never for the view. */
const MarkShapes = memo(function MarkShapes({ shown, selected, grab }: { shown: Shown; selected: number | null; grab: Grab }) {
  // biome-ignore lint/suspicious/noArrayIndexKey: marks are a list in the order drawn; removing one renumbers the rest, as their names do
  return shown.map(({ mark, toolIndex, n }, index) => <MarkShape key={index} mark={mark} toolIndex={toolIndex} n={n} index={index} chosen={index === selected} grab={grab} />);
});

/**
 * The chosen rectangle's inside, with no tool: it is dragged from anywhere in it (the image panned from outside it);
 * with a tool, by its outline and handles alone, a drag inside drawing another.
 */
function ChosenInside({ mark, index, grab }: { mark: RectangleMark; index: number; grab: Grab }) {
  return <rect className="marking-chosen-inside" x={mark.x} y={mark.y} width={mark.width} height={mark.height} fill="transparent" onPointerDown={(event) => grab(event, index)} />;
}

const ORIGIN: Point = { x: 0, y: 0 };

/** One mark: a rectangle's outline of one width on screen whatever the zoom, a point's glyph and a number kept upright. */
const MarkShape = memo(function MarkShape({ mark, toolIndex, n, index, chosen, grab }: { mark: Mark; toolIndex: number; n: number; index: number; chosen: boolean; grab: Grab }) {
  const colour = colourOf(toolIndex);
  const common = { className: chosen ? 'marking-mark marking-selected' : 'marking-mark', onPointerDown: (event: PointerEvent<SVGElement>) => grab(event, index), 'data-mark': index } as const;
  if (isRectangle(mark)) {
    const box = { x: mark.x, y: mark.y, width: mark.width, height: mark.height, vectorEffect: 'non-scaling-stroke' } as const;
    return (
      <g {...common}>
        <rect {...box} fill="none" stroke="#fff" strokeWidth={chosen ? 6 : 4} />
        <rect {...box} fill="none" stroke={colour} strokeWidth={2} strokeDasharray={chosen ? '6 3' : undefined} />
        <g transform={`translate(${mark.x} ${mark.y})`}>
          <g className="marking-upright">
            <Label at={ORIGIN} text={String(n)} />
          </g>
        </g>
      </g>
    );
  }
  return (
    <g {...common} transform={`translate(${mark.x} ${mark.y})`}>
      <g className="marking-upright">
        <GlyphShape glyph={glyphOf(toolIndex)} at={ORIGIN} colour={colour} chosen={chosen} />
        <Label at={{ x: 9, y: -9 }} text={String(n)} />
      </g>
    </g>
  );
});

function Label({ at, text }: { at: Point; text: string }) {
  return (
    <text x={at.x} y={at.y} className="marking-number">
      {text}
    </text>
  );
}

/** A glyph's outline (its tool's shape), `size` from its middle at `at`. */
function glyphPath(glyph: Glyph, { x, y }: Point, s: number): string {
  return glyph === 'circle'
    ? `M${x - s},${y}a${s},${s} 0 1,0 ${2 * s},0a${s},${s} 0 1,0 ${-2 * s},0`
    : glyph === 'square'
      ? `M${x - s},${y - s}h${2 * s}v${2 * s}h${-2 * s}z`
      : glyph === 'triangle'
        ? `M${x},${y - s}L${x + s},${y + s}H${x - s}z`
        : glyph === 'diamond'
          ? `M${x},${y - s}L${x + s},${y}L${x},${y + s}L${x - s},${y}z`
          : `M${x - s},${y - s}L${x + s},${y + s}M${x + s},${y - s}L${x - s},${y + s}`;
}

/** A point's mark: its tool's shape and colour, on a white halo that shows on dark and light images alike. */
export function GlyphShape({ glyph, at, colour, chosen = false, size = 7 }: { glyph: Glyph; at: Point; colour: string; chosen?: boolean; size?: number }) {
  const d = glyphPath(glyph, at, size);
  return (
    <>
      <path d={d} fill="none" stroke="#fff" strokeWidth={chosen ? 7 : 5} />
      <path d={d} fill={glyph === 'cross' ? 'none' : colour} fillOpacity={0.35} stroke={colour} strokeWidth={glyph === 'cross' ? 3 : 2.5} />
    </>
  );
}

/** The dashes of a thing left out's outline, in pixels of the screen, gaps and all: never a mark's unbroken line (a chosen one's dashes lie on a solid halo). */
const LEFT_OUT_DASHES = '3 3';

interface LeftOutProps {
  describedBy: string | undefined;
  addBack(index: number): void;
  /** A thing focused (brought into view; `byKeyboard`, its halo drawn over the marks), or none. */
  focus(mark: Mark | null, byKeyboard?: boolean): void;
  disabled: boolean;
}

/** Not the layer's press: no point placed, no rectangle begun. */
const notTheLayers = (event: PointerEvent<SVGElement>) => event.stopPropagation();

/** The things left out, in the image's pixels under the marks: drawn anew only when they change, never for the view. */
const LeftOutShapes = memo(function LeftOutShapes({ task, things, ...props }: LeftOutProps & { task: Task; things: LeftOut['things'] }) {
  return things.map(({ mark, name }, index) => <LeftOutShape key={JSON.stringify(mark)} mark={mark} name={name} toolIndex={task.tools.findIndex((tool) => tool.key === mark.tool)} index={index} {...props} />);
});

/**
 * A thing left out, a button: its tool's shape and colour, hollow and dashed (the halo broken as the colour is), a
 * pointer's target of 24 pixels at least; a press, Enter or Space adds it back (not a mark placed, nor the layer's keys).
 */
const LeftOutShape = memo(function LeftOutShape({ mark, name, toolIndex, index, describedBy, addBack, focus, disabled }: LeftOutProps & { mark: Mark; name: string; toolIndex: number; index: number }) {
  const colour = colourOf(toolIndex);
  const onKeyDown = (event: KeyboardEvent<SVGGElement>) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    event.stopPropagation();
    addBack(index);
  };
  const button = {
    role: 'button',
    tabIndex: 0,
    'aria-label': name,
    'aria-describedby': describedBy,
    'aria-disabled': disabled || undefined,
    className: 'marking-left-out',
    'data-left-out': index,
    onPointerDown: notTheLayers,
    onClick: () => addBack(index),
    onFocus: (event: FocusEvent<SVGGElement>) => focus(mark, event.currentTarget.matches(':focus-visible')),
    onBlur: () => focus(null),
    onKeyDown,
  } as const;
  const line = { fill: 'none', strokeDasharray: LEFT_OUT_DASHES, vectorEffect: 'non-scaling-stroke' } as const;
  if (isRectangle(mark)) {
    const box = { x: mark.x, y: mark.y, width: mark.width, height: mark.height } as const;
    return (
      <g {...button}>
        <rect {...box} fill="none" stroke="transparent" strokeWidth={24} vectorEffect="non-scaling-stroke" />
        <rect {...box} {...line} className="marking-left-out-halo" stroke="#fff" strokeWidth={5} />
        <rect {...box} {...line} stroke={colour} strokeWidth={2.5} />
      </g>
    );
  }
  const d = glyphPath(glyphOf(toolIndex), ORIGIN, 9);
  return (
    <g {...button} transform={`translate(${mark.x} ${mark.y})`}>
      <g className="marking-upright">
        <circle r={12} fill="transparent" />
        <path d={d} {...line} className="marking-left-out-halo" stroke="#fff" strokeWidth={5} />
        <path d={d} {...line} stroke={colour} strokeWidth={2.5} />
      </g>
    </g>
  );
});

/** The rectangle left out that a point of the image is inside (the smallest, of one inside another): its index. */
function innermostAround(things: LeftOut['things'], { x, y }: Point): number | undefined {
  let found: number | undefined;
  let area = Number.POSITIVE_INFINITY;
  things.forEach(({ mark }, index) => {
    if (!isRectangle(mark) || x < mark.x || y < mark.y || x > mark.x + mark.width || y > mark.y + mark.height || mark.width * mark.height >= area) return;
    found = index;
    area = mark.width * mark.height;
  });
  return found;
}
