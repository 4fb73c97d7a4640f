import type { SubjectLocation } from '@chorus/client';
import { Fragment, type ReactNode } from 'react';

type TextLocation = Extract<SubjectLocation, { type: 'text' }>;
type ImageLocation = Extract<SubjectLocation, { type: 'image' }>;

/** Renders a subject's locations in order: texts as text with their highlights, images as images. */
export function SubjectMedia({ locations }: { locations: SubjectLocation[] }) {
  let images = 0;
  return (
    <div className="subject-media">
      {locations.map((location, index) => {
        if (location.type === 'image') images += 1;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a subject's locations are a fixed, ordered list (never reordered, and may repeat), so the position is their identity
          <Fragment key={index}>
            {location.type === 'text' ? (
              <SubjectText location={location} />
            ) : location.type === 'image' ? (
              <SubjectImage location={location} number={images} />
            ) : (
              <p className="subject-unsupported">This kind of media cannot be shown yet.</p>
            )}
          </Fragment>
        );
      })}
    </div>
  );
}

function SubjectText({ location }: { location: TextLocation }) {
  return <p className="subject-text">{withHighlights(location.text, location.highlights ?? [])}</p>;
}

function SubjectImage({ location, number }: { location: ImageLocation; number: number }) {
  return (
    <figure className="subject-image">
      <img src={location.url} alt={`Subject, view ${number}`} decoding="async" />
    </figure>
  );
}

/**
 * Splits `text` at the highlight spans ([start, end) offsets into the JavaScript string) and wraps each
 * span in `<mark>`. Spans are sorted, clamped to the text, and overlapping ones merged, so bad offsets
 * never hide or duplicate text.
 */
export function withHighlights(text: string, highlights: readonly (readonly [number, number])[]): ReactNode[] {
  const spans = normalizeSpans(text.length, highlights);
  const parts: ReactNode[] = [];
  let cursor = 0;
  for (const [start, end] of spans) {
    if (start > cursor) parts.push(text.slice(cursor, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    cursor = end;
  }
  if (cursor < text.length) parts.push(text.slice(cursor));
  return parts;
}

export function normalizeSpans(length: number, highlights: readonly (readonly [number, number])[]): [number, number][] {
  const clamp = (n: number) => Math.min(Math.max(Math.trunc(Number(n) || 0), 0), length);
  const sorted = highlights
    .filter((span) => Array.isArray(span) && span.length >= 2)
    .map(([start, end]) => [clamp(start), clamp(end)] as [number, number])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span[0] < last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}
