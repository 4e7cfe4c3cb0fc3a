// The score chart: per-factor scores of a round against its baseline, drawn server-side with Vega-Lite and rasterised with resvg.
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT_FAMILY } from './chart-fonts.js';
import { specToSvg, svgToPng } from './chart-render.js';
import { t } from '../core/i18n.js';
import type { RoundState } from '../core/read-model.js';
import { resultsVisible } from '../core/anonymity.js';
import { showsPeerVerdicts } from '../core/peer-review.js';
import { monthYear } from './format.js';

/** Fixed so chat previews and printed reports look the same every time. */
export const CHART_WIDTH = 900;
export const CHART_HEIGHT = 520;

const COLOURS = { current: '#1d5fa6', peer: '#c2571a', baseline: '#a9b4bf', text: '#222222', grid: '#e3e7eb' } as const;

/** Long factor names wrap onto a second line instead of being cut off. */
const LABEL_LINE_CHARS = 24;
const LABEL_LINE_HEIGHT = 13;

function wrapLabel(text: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > LABEL_LINE_CHARS && lines.length === 0) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

interface ChartRow {
  label: string;
  series: string;
  score: number | null;
  /** Where the value label sits: at the bar's end, or at zero when there is no bar. */
  at: number;
  text: string;
}

function chartSpec(state: RoundState, baseline: RoundState | null): TopLevelSpec {
  const { round, pack } = state;
  const locale = round.locale;
  const before = baseline
    ? t(locale, 'report.chart.baselineFrom', { date: monthYear(baseline.round.calendar.opensAt, round.calendar.timezone, locale) })
    : null;
  // A peer review's chart shows the review team's verdict beside the self-assessment: a reader sees both.
  const peer = state.peer && showsPeerVerdicts(round) ? state.peer : null;
  const reviewers = peer ? t(locale, 'report.chart.peer') : null;
  const current = peer ? t(locale, 'report.chart.self') : t(locale, 'report.chart.current');
  const labels: string[] = [];
  const rows: ChartRow[] = [];
  for (const tally of state.tallies) {
    const factor = pack.keyFactors.find((k) => k.id === tally.factorId);
    const label = wrapLabel(factor ? `${String(factor.number).padStart(2, '0')} ${factor.theme}` : tally.factorId);
    labels.push(label);
    const visible = resultsVisible(round, tally);
    const score = visible ? tally.score : null;
    // No score draws no bar (never a bar of 0, which would read as "not true") and says why in words.
    const missing = !visible ? t(locale, 'report.hiddenShort') : tally.verdict === 'dont-know' ? t(locale, 'report.chart.dontKnow') : t(locale, 'report.chart.noScore');
    rows.push({ label, series: current, score, at: score ?? 0, text: score === null ? missing : String(Math.round(score)) });
    if (peer && reviewers) {
      // The panel's bar follows the team's visibility: a hidden factor hides both.
      const p = peer.factors.find((x) => x.factorId === tally.factorId);
      const theirs = visible && p ? p.tally.score : null;
      const why = !visible ? '' : p?.tally.verdict === 'dont-know' ? t(locale, 'report.chart.dontKnow') : t(locale, 'report.chart.noScore');
      rows.push({ label, series: reviewers, score: theirs, at: theirs ?? 0, text: theirs === null ? why : String(Math.round(theirs)) });
    }
    if (baseline && before) {
      // Either round hiding the factor hides both bars: the earlier score must not stand in for a hidden one.
      const then = baseline.tallies.find((x) => x.factorId === tally.factorId);
      const prev = visible && then && resultsVisible(baseline.round, then) ? then.score : null;
      rows.push({ label, series: before, score: prev, at: prev ?? 0, text: prev === null ? '' : String(Math.round(prev)) });
    }
  }
  const series = [current, ...(reviewers ? [reviewers] : []), ...(before ? [before] : [])];
  const colours = [COLOURS.current, ...(reviewers ? [COLOURS.peer] : []), ...(before ? [COLOURS.baseline] : [])];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    autosize: { type: 'fit', contains: 'padding' },
    padding: { top: 12, right: 24, bottom: 12, left: 12 },
    background: '#ffffff',
    title: { text: t(locale, 'chart.title'), anchor: 'start', fontSize: 17, fontWeight: 'bold', color: COLOURS.text },
    data: { values: rows },
    config: {
      font: CHART_FONT_FAMILY,
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 12, labelColor: COLOURS.text, titleColor: COLOURS.text, gridColor: COLOURS.grid },
      legend: { labelFontSize: 12, symbolType: 'square', labelColor: COLOURS.text },
    },
    encoding: {
      y: {
        field: 'label',
        type: 'nominal',
        scale: { domain: labels, paddingInner: 0.25 },
        axis: {
          title: null,
          labelLimit: 0,
          labelExpr: "split(datum.label, '\\n')",
          // Two-line labels start half a line higher, so they stay centred on their bars.
          labelOffset: { condition: { test: "indexof(datum.value, '\\n') >= 0", value: -LABEL_LINE_HEIGHT / 2 }, value: 0 },
          labelLineHeight: LABEL_LINE_HEIGHT,
          ticks: false,
          labelPadding: 8,
        },
      },
      yOffset: { field: 'series', type: 'nominal', scale: { domain: series } },
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2, invalid: 'filter' },
        transform: [{ filter: 'datum.score != null' }],
        encoding: {
          x: {
            field: 'score',
            type: 'quantitative',
            scale: { domain: [0, 100] },
            axis: { title: t(locale, 'report.chart.axis'), values: [0, 25, 50, 75, 100], grid: true },
          },
          color: {
            field: 'series',
            type: 'nominal',
            scale: { domain: series, range: colours },
            legend: { orient: 'top', title: null, direction: 'horizontal', labelLimit: 0 },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 10, color: COLOURS.text },
        encoding: {
          x: { field: 'at', type: 'quantitative', scale: { domain: [0, 100] } },
          text: { field: 'text', type: 'nominal' },
        },
      },
    ],
  };
}

/** The chart as a standalone SVG document (fixed size, white background, localised title and legend). */
export async function renderScoreChartSvg(state: RoundState, baseline: RoundState | null): Promise<string> {
  return specToSvg(chartSpec(state, baseline));
}

/** The chart as a PNG, for chat messages and the HTML report; no browser needed. */
export async function renderScoreChartPng(state: RoundState, baseline: RoundState | null): Promise<Buffer> {
  return svgToPng(await renderScoreChartSvg(state, baseline));
}
