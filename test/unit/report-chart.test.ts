// The score chart: a real PNG of the fixed size with visible bars and text, and a localised SVG.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { chartFontFiles } from '../../src/reports/chart-fonts.js';
import { CHART_HEIGHT, CHART_WIDTH, renderScoreChartPng, renderScoreChartSvg } from '../../src/reports/chart.js';
import { realisticRound } from '../golden/realistic-round.js';

interface PixelStats {
  colours: number;
  nonWhite: number;
  barBlue: number;
  baselineGrey: number;
  dark: number;
}

function pixelStats(png: PNG): PixelStats {
  const colours = new Set<number>();
  let nonWhite = 0;
  let barBlue = 0;
  let baselineGrey = 0;
  let dark = 0;
  const d = png.data;
  for (let i = 0; i < d.length; i += 4) {
    const [r, g, b] = [d[i]!, d[i + 1]!, d[i + 2]!];
    colours.add((r << 16) | (g << 8) | b);
    if (r < 250 || g < 250 || b < 250) nonWhite += 1;
    // The current round's bars (#1d5fa6) and the baseline's (#a9b4bf).
    if (Math.abs(r - 0x1d) < 6 && Math.abs(g - 0x5f) < 6 && Math.abs(b - 0xa6) < 6) barBlue += 1;
    if (Math.abs(r - 0xa9) < 6 && Math.abs(g - 0xb4) < 6 && Math.abs(b - 0xbf) < 6) baselineGrey += 1;
    // Text (labels, title) is near-black.
    if (r < 60 && g < 60 && b < 60) dark += 1;
  }
  return { colours: colours.size, nonWhite, barBlue, baselineGrey, dark };
}

describe('score chart', () => {
  it('has a font to draw text with', () => {
    expect(chartFontFiles().length).toBeGreaterThan(0);
  });

  it('renders a PNG of the fixed size with bars for the round and its baseline, and text', async () => {
    const { state, baseline } = await realisticRound({ locale: 'sv' });
    const buffer = await renderScoreChartPng(state, baseline);
    expect(buffer.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const png = PNG.sync.read(buffer);
    expect([png.width, png.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    const stats = pixelStats(png);
    const total = png.width * png.height;
    expect(stats.colours).toBeGreaterThan(50);
    expect(stats.nonWhite / total).toBeGreaterThan(0.05);
    expect(stats.barBlue).toBeGreaterThan(5_000);
    expect(stats.baselineGrey).toBeGreaterThan(5_000);
    expect(stats.dark).toBeGreaterThan(1_000);
  });

  it('longer bars for higher scores: f09 (95) is drawn wider than f12 (7)', async () => {
    const { state } = await realisticRound({ locale: 'en' });
    const svg = await renderScoreChartSvg(state, null);
    // Bars are <path> rects with a width in their d attribute, in factor order; f11 has no score and no bar.
    const widths = [...svg.matchAll(/<path[^>]*aria-roledescription="bar"[^>]*d="M0,0h([\d.]+)v/g)].map((m) => Number(m[1]));
    expect(widths.length).toBe(12);
    expect(widths[8]!).toBeGreaterThan(widths[10]! * 5);
  });

  it('draws no bar for a factor without a score and says why in words, never a bar of 0 (sv, en)', async () => {
    // f11 is mostly "don't know" (8 of 9 voters): the old chart drew it at 50 from the one substantive vote.
    for (const locale of ['sv', 'en'] as const) {
      const { state } = await realisticRound({ locale });
      const f11 = state.tallies.find((x) => x.factorId === 'f11')!;
      expect(f11.score).toBeNull();
      const svg = await renderScoreChartSvg(state, null);
      const bars = [...svg.matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="bar"/g)].map((m) => m[1]!);
      expect(bars).toHaveLength(12);
      expect(bars.some((label) => label.includes('label: 11 '))).toBe(false);
      expect(bars.some((label) => label.includes('label: 12 '))).toBe(true);
      expect(svg).toMatch(locale === 'sv' ? /label: 11 Medling; [^"]*text: vet inte än – ingen poäng/ : /label: 11 Mediation; [^"]*text: don't know yet – no score/);
    }
  });

  it('labels factors "01 Offentliga åtaganden" on a 0–100 axis, with a localised title and legend', async () => {
    const sv = await realisticRound({ locale: 'sv' });
    const svgSv = await renderScoreChartSvg(sv.state, sv.baseline);
    expect(svgSv).toMatch(/^<svg[^>]* width="900" height="520"/);
    expect(svgSv).toContain('Poäng per nyckelfaktor');
    expect(svgSv).toContain('01 Offentliga åtaganden');
    expect(svgSv).toContain('Den här omgången');
    expect(svgSv).toContain('Baslinjen (januari 2025)');
    expect(svgSv).toContain('Poäng (0–100)');
    for (const tick of ['0', '25', '50', '75', '100']) expect(svgSv).toContain(`>${tick}</text>`);
    const en = await realisticRound({ locale: 'en' });
    const svgEn = await renderScoreChartSvg(en.state, en.baseline);
    expect(svgEn).toContain('Score per key factor');
    expect(svgEn).toContain('01 Public commitment');
    expect(svgEn).toContain('Baseline (January 2025)');
  });

  it('still draws a readable chart for a round without votes', async () => {
    const { state } = await realisticRound({ locale: 'sv', empty: true });
    const png = PNG.sync.read(await renderScoreChartPng(state, null));
    expect([png.width, png.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    const stats = pixelStats(png);
    // No bars: only the legend's small colour square is blue.
    expect(stats.barBlue).toBeLessThan(400);
    expect(stats.dark).toBeGreaterThan(1_000);
  });
});
