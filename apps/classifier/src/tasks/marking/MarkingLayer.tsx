import type { Mark, MarkingTool } from '@chorus/tasks';
import { type KeyboardEvent, type PointerEvent, useEffect, useReducer, useRef, useState, type WheelEvent } from 'react';
import { createPortal } from 'react-dom';
import type { OpenImage, Point } from '../../components/viewer/openImage';
import { colourOf, type Glyph, glyphOf, isRectangle, numbered, onImage, type Task } from './marks';

/** The crosshair's step with the arrow keys, in pixels of the screen (Shift: the bigger one), whatever the zoom. */
const STEP = 10;
const BIG_STEP = 50;
/** A press that moves less than this (pixels of the screen) is a click, not a drag. */
const DRAG_SLOP = 4;
const ZOOM_PER_WHEEL_STEP = 1.2;

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
  label: string;
  describedBy: string;
  disabled: boolean;
}

/**
 * The marks over the image, in an SVG layer redrawn at each frame the view changes (zoom, pan, rotation): points
 * as a glyph of their tool's shape and colour, rectangles as their four corners wherever the rotation puts them. The
 * layer takes the pointer while a tool is chosen (a click places a point, a drag draws a rectangle, the wheel still
 * zooms), and is focusable: the arrow keys move a crosshair, Enter or Space place.
 */
export function MarkingLayer({ task, image, marks, tool, selected, anchor, setAnchor, onPlace, onSelect, onRemoveSelected, label, describedBy, disabled }: Props) {
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useEffect(() => image.watchView(redraw), [image]);
  const [crosshair, setCrosshair] = useState<Point>(() => ({ x: image.width / 2, y: image.height / 2 }));
  const [focused, setFocused] = useState(false);
  /** A press under way: where it began on the element, and where the pointer is. */
  const [press, setPress] = useState<{ id: number; from: Point; to: Point } | null>(null);
  const layer = useRef<HTMLDivElement>(null);

  const at = (event: { clientX: number; clientY: number }): Point => {
    const box = layer.current!.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };
  const inside = ({ x, y }: Point) => x >= 0 && y >= 0 && x <= image.width && y <= image.height;

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (!tool || disabled || event.button !== 0) return;
    event.preventDefault();
    layer.current?.focus({ preventScroll: true });
    layer.current?.setPointerCapture?.(event.pointerId);
    const point = at(event);
    setPress({ id: event.pointerId, from: point, to: point });
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (press?.id === event.pointerId) setPress({ ...press, to: at(event) });
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (!press || press.id !== event.pointerId || !tool) return;
    setPress(null);
    const to = at(event);
    const dragged = Math.hypot(to.x - press.from.x, to.y - press.from.y) >= DRAG_SLOP;
    const from = image.toImage(press.from);
    if (tool.shape === 'point' && !dragged && inside(from)) onPlace('point', from);
    else if (tool.shape === 'rectangle' && dragged) onPlace('rectangle', onImage(from, image), onImage(image.toImage(to), image));
  };
  const onWheel = (event: WheelEvent<HTMLDivElement>) => {
    if (event.deltaY !== 0) image.zoomBy(event.deltaY < 0 ? ZOOM_PER_WHEEL_STEP : 1 / ZOOM_PER_WHEEL_STEP, at(event));
  };

  const move = (dx: number, dy: number, big: boolean) => {
    // A step of the screen, in pixels of the image at this zoom.
    const origin = image.toImage({ x: 0, y: 0 });
    const across = image.toImage({ x: 1, y: 0 });
    const scale = Math.hypot(across.x - origin.x, across.y - origin.y) * (big ? BIG_STEP : STEP);
    const next = onImage({ x: crosshair.x + dx * scale, y: crosshair.y + dy * scale }, image);
    setCrosshair(next);
    image.show(next);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey || disabled) return;
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

  const shown = numbered(task, marks);
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
      onPointerCancel={() => setPress(null)}
      onWheel={tool ? onWheel : undefined}
      onKeyDown={onKeyDown}
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
    >
      <svg className="marking-marks" width="100%" height="100%" aria-hidden="true">
        {shown.map(({ mark, toolIndex, n }, index) => {
          const colour = colourOf(toolIndex);
          const chosen = index === selected;
          const select = (event: PointerEvent<SVGElement>) => {
            if (disabled) return;
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
        {focused && (
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
