import { describe, expect, it } from 'vitest';
import {
  axisColor,
  background,
  contrastRatio,
  mutedTextColor,
  regionBorderColor,
  relativeLuminance,
  seriesColors,
  suppressedHatch,
  textColor,
} from './chart-palette.js';

describe('contrastRatio', () => {
  it('matches the WCAG reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    // #767676 is the classic lightest grey that passes 4.5:1 on white.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(relativeLuminance('#ff0000')).toBeCloseTo(0.2126, 4);
  });

  it('is symmetric', () => {
    expect(contrastRatio('#0072B2', '#ffffff')).toBe(contrastRatio('#ffffff', '#0072B2'));
  });

  it('rejects what is not a #rrggbb colour', () => {
    expect(() => relativeLuminance('red')).toThrow();
  });
});

describe('palette', () => {
  it('draws series with at least 3:1 against the background (WCAG 2.2 non-text contrast)', () => {
    for (const c of seriesColors) expect(contrastRatio(c, background), c).toBeGreaterThanOrEqual(3);
    expect(contrastRatio(regionBorderColor, background)).toBeGreaterThanOrEqual(3);
    expect(contrastRatio(suppressedHatch, background)).toBeGreaterThanOrEqual(3);
  });

  it('writes text with at least 4.5:1', () => {
    for (const c of [textColor, mutedTextColor, axisColor])
      expect(contrastRatio(c, background)).toBeGreaterThanOrEqual(4.5);
  });

  it('has distinct series colours', () => {
    expect(new Set(seriesColors.map((c) => c.toLowerCase())).size).toBe(seriesColors.length);
  });
});
