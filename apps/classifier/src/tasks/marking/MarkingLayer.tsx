import { isRectangle, type Mark, type MarkingTool } from '@chorus/tasks';
import { type KeyboardEvent, type MutableRefObject, type PointerEvent, useEffect, useReducer, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { OpenImage, Point } from '../../components/viewer/openImage';
import { colourOf, type Glyph, glyphOf, numbered, onImage, type Task } from './marks';

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
  onRemoveSelected(): void;
  /** Says a thing politely (what was not placed, where the crosshair rests). */
  say(text: string): void;
  /** Set to what brings the keyboard to the layer, crosshair shown (the task's "Mark on the image"). */
  focusRef: MutableRefObject<(() => void) | null>;
  label: string;
  describedBy: string;
  disabled: boolean;
}

/**
 * The marks over the image, in an SVG layer redrawn at each frame the view changes (zoom, pan, rotation): points
 * as a glyph of their tool's shape and colour, rectangles as their four corners wherever the rotation puts them. The
 * layer takes the pointer while a tool is chosen (a click or tap places a point, a drag draws a rectangle, the wheel
 * and two fingers zoom), and is focusable: the arrow keys move a crosshair across the screen, Enter or Space place.
 * With no tool chosen the marks alone take the pointer, a click selecting one.
 */
export function MarkingLayer({ task, image, marks, tool, selected, anchor, setAnchor, onPlace, onSelect, onRemoveSelected, say, focusRef, label, describedBy, disabled }: Props) {
  const { t } = useTranslation();
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useEffect(() => image.watchView(redraw), [image]);
  const [crosshair, setCrosshair] = useState<Point>(() => ({ x: image.width / 2, y: image.height / 2 }));
  const [focused, setFocused] = useState(false);
  /** The keyboard used in the layer since the pointer last was: the crosshair is the keyboard's, drawn only then. */
  const [keyed, setKeyed] = useState(false);
  /** A press under way: where it began on the element, and where the pointer is. */
  const [press, setPress] = useState<{ id: number; from: Point; to: Point; slop: number } | null>(null);
  /** The pointers down on the layer, where each is: two make a pinch, which zooms and places nothing. */
  const pointers = useRef(new Map<number, Point>());
  const layer = useRef<HTMLDivElement>(null);

  const at = (event: { clientX: number; clientY: number }): Point => {
    const box = layer.current!.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };
  const inside = ({ x, y }: Point) => x >= 0 && y >= 0 && x <= image.width && y <= image.height;

  focusRef.current = () => {
    layer.current?.focus({ preventScroll: true });
    setKeyed(true);
    image.show(crosshair);
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

  // The crosshair's place, said once it rests, with the mark under it.
  const [rested, setRested] = useState<Point | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: said once for each place the crosshair rests at, in the words and marks of then
  useEffect(() => {
    if (!rested) return;
    const timer = setTimeout(() => {
      const x = Math.round(rested.x);
      const y = Math.round(rested.y);
      const under = markUnder(rested);
      say(under ? t('tasks.marking.crosshairOn', { x, y, mark: under }) : t('tasks.marking.crosshairAt', { x, y }));
    }, SAY_CROSSHAIR_MS);
    return () => clearTimeout(timer);
  }, [rested]);

  // A mark selected (in the list, say) is brought into view, the crosshair on it.
  const shown = numbered(task, marks);
  const selectedMark = selected === null ? undefined : marks[selected];
  useEffect(() => {
    if (!selectedMark) return;
    const centre = isRectangle(selectedMark) ? { x: selectedMark.x + selectedMark.width / 2, y: selectedMark.y + selectedMark.height / 2 } : selectedMark;
    setCrosshair(centre);
    image.show(centre);
  }, [selectedMark, image]);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (!tool || disabled || event.button !== 0) return;
    event.preventDefault();
    pointers.current.set(event.pointerId, at(event));
    layer.current?.setPointerCapture?.(event.pointerId);
    if (pointers.current.size > 1) {
      // A second finger: a pinch, not a mark.
      setPress(null);
      return;
    }
    layer.current?.focus({ preventScroll: true });
    setKeyed(false);
    const point = at(event);
    setPress({ id: event.pointerId, from: point, to: point, slop: event.pointerType === 'mouse' ? MOUSE_SLOP : TOUCH_SLOP });
  };
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
    if (!press || press.id !== event.pointerId || !tool) return;
    setPress(null);
    const to = at(event);
    const dragged = Math.hypot(to.x - press.from.x, to.y - press.from.y) >= press.slop;
    const from = image.toImage(press.from);
    if (inside(from)) setCrosshair(from);
    if (tool.shape === 'point' && !dragged) {
      if (inside(from)) onPlace('point', from);
      else say(t('tasks.marking.nothingPlaced'));
    } else if (tool.shape === 'rectangle') {
      if (dragged) onPlace('rectangle', onImage(from, image), onImage(image.toImage(to), image));
      else say(t('tasks.marking.noArea'));
    }
  };
  const onPointerCancel = (event: PointerEvent<HTMLDivElement>) => {
    pointers.current.delete(event.pointerId);
    setPress(null);
  };

  /** Steps the crosshair across the screen (whatever the rotation), in pixels of the screen. */
  const move = (dx: number, dy: number, big: boolean) => {
    const step = big ? BIG_STEP : STEP;
    const here = image.toElement(crosshair);
    const next = onImage(image.toImage({ x: here.x + dx * step, y: here.y + dy * step }), image);
    setCrosshair(next);
    setRested(next);
    image.show(next);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey || disabled) return;
    setKeyed(true);
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const arrow = arrows[event.key];
    if (arrow) move(arrow[0], arrow[1], event.shiftKey);
    else if ((event.key === 'Enter' || event.key === ' ') && tool) {
      if (tool.shape === 'point') onPlace('point', crosshair);
      else if (anchor) onPlace('rectangle', anchor, crosshair);
      else setAnchor(crosshair);
    } else if (event.key === 'Escape' && (anchor || press)) {
      setAnchor(null);
      setPress(null);
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && selected !== null) onRemoveSelected();
    else return;
    // Taken here: not the page's Enter (go on), nor the image's own arrow keys.
    event.preventDefault();
    event.stopPropagation();
  };
  const onFocus = () => {
    setFocused(true);
    // Reached by Tab: the crosshair is the keyboard's, brought into view.
    if (layer.current?.matches(':focus-visible')) {
      setKeyed(true);
      image.show(crosshair);
    }
  };

  /** The mark under a point of the image, in words, if any. */
  const markUnder = (point: Point): string | undefined => {
    const here = image.toElement(point);
    const found = shown.findLast(({ mark }) => {
      if (isRectangle(mark)) return point.x >= mark.x && point.y >= mark.y && point.x <= mark.x + mark.width && point.y <= mark.y + mark.height;
      const there = image.toElement(mark);
      return Math.hypot(there.x - here.x, there.y - here.y) <= UNDER_CROSSHAIR;
    });
    return found && `${found.tool?.label ?? found.mark.tool} ${found.n}`;
  };

  const corners = (a: Point, b: Point) => {
    const points = [a, { x: b.x, y: a.y }, b, { x: a.x, y: b.y }].map(image.toElement);
    return points.map(({ x, y }) => `${x},${y}`).join(' ');
  };
  const drawing = press && tool?.shape === 'rectangle' ? corners(image.toImage(press.from), image.toImage(press.to)) : anchor ? corners(anchor, crosshair) : null;
  const cross = image.toElement(crosshair);

  return createPortal(
    <div
      ref={layer}
      className={`marking-layer${tool ? ' marking-drawing' : ''}`}
      // An area of its own keys (arrows, Enter, Space, Escape, Delete), as an image editor's: screen readers pass them on.
      role="application"
      aria-label={label}
      aria-describedby={describedBy}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: an application area takes its own keys (arrows, Enter, Space), so it must be reachable by Tab
      tabIndex={0}
      data-testid="marking-layer"
      data-crosshair={`${Math.round(crosshair.x)},${Math.round(crosshair.y)}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerCancel}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      onBlur={() => setFocused(false)}
    >
      <svg className="marking-marks" width="100%" height="100%" aria-hidden="true">
        {shown.map(({ mark, toolIndex, n }, index) => {
          const colour = colourOf(toolIndex);
          const chosen = index === selected;
          // Only with no tool chosen (a tool's click near a mark places another).
          const select = (event: PointerEvent<SVGElement>) => {
            if (disabled || tool) return;
            event.stopPropagation();
            layer.current?.focus({ preventScroll: true });
            onSelect(index);
          };
          const common = { className: chosen ? 'marking-mark marking-selected' : 'marking-mark', onPointerDown: select, 'data-mark': index } as const;
          if (isRectangle(mark)) {
            const outline = corners({ x: mark.x, y: mark.y }, { x: mark.x + mark.width, y: mark.y + mark.height });
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: marks are a list in the order drawn; removing one renumbers the rest, as their names do
              <g key={index} {...common}>
                <polygon points={outline} fill="none" stroke="#fff" strokeWidth={chosen ? 6 : 4} />
                <polygon points={outline} fill="none" stroke={colour} strokeWidth={2} strokeDasharray={chosen ? '6 3' : undefined} />
                <Label at={image.toElement({ x: mark.x, y: mark.y })} text={String(n)} />
              </g>
            );
          }
          const centre = image.toElement(mark);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            <g key={index} {...common}>
              <GlyphShape glyph={glyphOf(toolIndex)} at={centre} colour={colour} chosen={chosen} />
              <Label at={{ x: centre.x + 9, y: centre.y - 9 }} text={String(n)} />
            </g>
          );
        })}
        {drawing && <polygon className="marking-drawn" points={drawing} fill="none" stroke="#fff" strokeWidth={2} strokeDasharray="4 4" />}
        {focused && keyed && (
          <g className="marking-crosshair" data-testid="marking-crosshair">
            <path d={`M${cross.x - 14},${cross.y}H${cross.x + 14}M${cross.x},${cross.y - 14}V${cross.y + 14}`} stroke="#fff" strokeWidth={4} />
            <path d={`M${cross.x - 14},${cross.y}H${cross.x + 14}M${cross.x},${cross.y - 14}V${cross.y + 14}`} stroke="#c2410c" strokeWidth={2} />
          </g>
        )}
      </svg>
    </div>,
    image.overlay,
  );
}

function Label({ at, text }: { at: Point; text: string }) {
  return (
    <text x={at.x} y={at.y} className="marking-number">
      {text}
    </text>
  );
}

/** A point's mark: its tool's shape and colour, on a white halo that shows on dark and light images alike. */
export function GlyphShape({ glyph, at, colour, chosen = false, size = 7 }: { glyph: Glyph; at: Point; colour: string; chosen?: boolean; size?: number }) {
  const { x, y } = at;
  const s = size;
  const d =
    glyph === 'circle'
      ? `M${x - s},${y}a${s},${s} 0 1,0 ${2 * s},0a${s},${s} 0 1,0 ${-2 * s},0`
      : glyph === 'square'
        ? `M${x - s},${y - s}h${2 * s}v${2 * s}h${-2 * s}z`
        : glyph === 'triangle'
          ? `M${x},${y - s}L${x + s},${y + s}H${x - s}z`
          : glyph === 'diamond'
            ? `M${x},${y - s}L${x + s},${y}L${x},${y + s}L${x - s},${y}z`
            : `M${x - s},${y - s}L${x + s},${y + s}M${x + s},${y - s}L${x - s},${y + s}`;
  return (
    <>
      <path d={d} fill="none" stroke="#fff" strokeWidth={chosen ? 7 : 5} />
      <path d={d} fill={glyph === 'cross' ? 'none' : colour} fillOpacity={0.35} stroke={colour} strokeWidth={glyph === 'cross' ? 3 : 2.5} />
    </>
  );
}
