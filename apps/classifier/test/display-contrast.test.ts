import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The palette of styles.css, light and dark, read from its variables: the pairs the interface puts together are at
 * least 4.5:1 for text and 3:1 for the edges of controls and focus rings (WCAG 1.4.3 and 1.4.11), in both themes.
 */

const STYLES = readFileSync(join(__dirname, '..', 'src', 'styles.css'), 'utf8');

/** The variables a rule of styles.css (by its selector, as written) sets. */
function variablesOf(selector: string): Record<string, string> {
  const start = STYLES.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`styles.css has no rule ${selector}`);
  const body = STYLES.slice(start, STYLES.indexOf('\n}', start));
  return Object.fromEntries([...body.matchAll(/^\s*--([\w-]+):\s*([^;]+);/gm)].map(([, name, value]) => [name!, value!.trim()]));
}

const LIGHT = variablesOf(':root');
const THEMES = { light: LIGHT, dark: { ...LIGHT, ...variablesOf(":root[data-theme='dark']") } };

/** A variable's colour as [r, g, b] (0–255), following `var(--other)`. */
function colour(palette: Record<string, string>, name: string): [number, number, number] {
  const value = palette[name];
  if (value === undefined) throw new Error(`the palette has no --${name}`);
  const other = /^var\(--([\w-]+)\)$/.exec(value);
  if (other) return colour(palette, other[1]!);
  const hex = /^#([0-9a-f]{6})$/i.exec(value);
  if (!hex) throw new Error(`--${name} is ${value}, not a #rrggbb colour`);
  return [0, 2, 4].map((at) => Number.parseInt(hex[1]!.slice(at, at + 2), 16)) as [number, number, number];
}

/** WCAG 2's relative luminance. */
function luminance([r, g, b]: [number, number, number]): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function contrast(palette: Record<string, string>, foreground: string, background: string): number {
  const [lighter, darker] = [luminance(colour(palette, foreground)), luminance(colour(palette, background))].sort((a, b) => b - a);
  return (lighter! + 0.05) / (darker! + 0.05);
}

/** Text (4.5:1) on what it is written on. */
const TEXT: [string, string][] = [
  ...['paper', 'canvas', 'accent-soft', 'danger-soft', 'mark', 'notice-soft', 'evidence', 'caution-soft'].map((on): [string, string] => ['ink', on]),
  ['muted', 'paper'],
  ['muted', 'canvas'],
  ['accent', 'paper'],
  ['accent', 'canvas'],
  ['accent', 'accent-soft'],
  ['accent-dark', 'paper'],
  ['accent-dark', 'accent-soft'],
  ['on-accent', 'accent'],
  ['on-accent', 'accent-dark'],
  ['on-accent', 'danger'],
  ['on-accent', 'danger-dark'],
  ['danger', 'paper'],
  ['danger', 'danger-soft'],
  ['caution', 'paper'],
  ['on-header', 'header'],
  ['header-button-ink', 'header-button'],
];
/** Edges of controls and focus rings (3:1) against what they stand on. */
const CONTROLS: [string, string][] = [
  ['control-line', 'paper'],
  ['control-line', 'canvas'],
  ['accent', 'paper'],
  ['accent', 'canvas'],
  ['danger', 'paper'],
  ['focus', 'paper'],
  ['focus', 'canvas'],
  ['focus', 'accent-soft'],
  ['header-focus', 'header'],
  ['header-button', 'header'],
  // Focus rings and the crosshair over the subject, whatever the theme.
  ['stage-focus', 'stage'],
];

describe.each(Object.entries(THEMES))('the %s palette', (_, palette) => {
  it.each(TEXT)('has text in --%s readable on --%s (4.5:1)', (foreground, background) => {
    expect(contrast(palette, foreground, background)).toBeGreaterThanOrEqual(4.5);
  });
  it.each(CONTROLS)('has --%s seen against --%s (3:1)', (foreground, background) => {
    expect(contrast(palette, foreground, background)).toBeGreaterThanOrEqual(3);
  });
});

describe('the dark palette', () => {
  it('is its own: every colour of the light one but the subject’s stage and its focus, set again', () => {
    const dark = variablesOf(":root[data-theme='dark']");
    const colours = Object.keys(LIGHT).filter((name) => !['radius', 'stage', 'stage-focus'].includes(name));
    expect(colours.filter((name) => !(name in dark))).toEqual([]);
  });
});

describe('styles.css', () => {
  it('writes colours only in the palettes’ rules, and the numbers drawn over a subject (the same in both themes)', () => {
    const allowed = [':root', ":root[data-theme='dark']", '.marking-number'];
    const written = [...STYLES.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^{}]*)\}/g)]
      .map(([, selector, body]) => [selector!.trim(), body!] as const)
      .filter(([selector, body]) => !allowed.includes(selector) && /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?)\(/i.test(body));
    expect(written.map(([selector]) => selector)).toEqual([]);
  });
});
