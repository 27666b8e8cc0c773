/**
 * Colours for charts and maps. Series colours are the Okabe–Ito palette (safe for the common
 * colour-vision deficiencies), with orange and sky blue darkened just enough to reach WCAG 2.2
 * non-text contrast (3:1) against the white background; yellow is left out because no darkening
 * keeps it distinct from orange. Text uses colours of at least 4.5:1. Series also differ by dash
 * and symbol, so colour is never the only cue (WCAG 1.4.1).
 */
export const background = '#ffffff';
export const textColor = '#262626';
export const mutedTextColor = '#595959';
export const axisColor = '#595959';
export const gridLineColor = '#e0e0e0';

export const seriesColors = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#C68900',
  '#4B9DCB',
  '#000000',
] as const;
export const seriesDashes = ['solid', 'dashed', 'dotted'] as const;
export const seriesSymbols = [
  'circle',
  'rect',
  'triangle',
  'diamond',
  'emptyCircle',
  'emptyRect',
  'emptyTriangle',
] as const;

/** ColorBrewer "Blues" (single hue, so it reads in any colour vision and in greyscale). */
export const sequentialColors = ['#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'] as const;
/** Regions are outlined with a 3:1 stroke, so light classes still show their shape. */
export const regionBorderColor = '#767676';
export const suppressedFill = '#d9d9d9';
export const suppressedHatch = '#595959';
export const noDataFill = '#f4f4f4';
/** Shading behind the "before" and "after" segments of a change-point chart. */
export const beforeShade = 'rgba(0, 114, 178, 0.07)';
export const afterShade = 'rgba(213, 94, 0, 0.08)';
export const suppressedShade = 'rgba(89, 89, 89, 0.12)';

export const fontFamily =
  'system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, Liberation Sans, Arial, sans-serif';

function channel(v: number): number {
  const s = v / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`Not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((x) => channel(parseInt(x, 16)));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG contrast ratio between two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
