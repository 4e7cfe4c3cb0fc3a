// The history chart: each key factor's score across a channel's rounds, as small multiples, drawn like the score chart (Vega-Lite → SVG → resvg PNG).
import type { TopLevelSpec } from 'vega-lite';
import { specToSvg, svgToPng } from './chart-render.js';
import { CHART_FONT_FAMILY } from './chart-fonts.js';
import type { History } from '../core/history.js';
import { t } from '../core/i18n.js';

export const HISTORY_CHART_WIDTH = 960;

const COLOURS = { line: '#1d5fa6', baseline: '#c0392b', text: '#222222', grid: '#e3e7eb' } as const;

interface HistoryPoint {
  factor: string;
  round: string;
  order: number;
  score: number | null;
  baseline: boolean;
}

function historySpec(history: History): TopLevelSpec {
  const { locale } = history;
  const points: HistoryPoint[] = [];
  for (const f of history.factors) {
    f.scores.forEach((score, i) => {
      const r = history.rounds[i]!;
      points.push({ factor: f.header, round: r.label, order: i, score, baseline: r.isBaseline });
    });
  }
  const rounds = history.rounds.map((r) => r.label);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: '#ffffff',
    padding: 12,
    title: { text: t(locale, 'modes.history.chartTitle'), anchor: 'start', fontSize: 17, fontWeight: 'bold', color: COLOURS.text },
    data: { values: points },
    config: {
      font: CHART_FONT_FAMILY,
      view: { stroke: COLOURS.grid },
      axis: { labelFontSize: 10, titleFontSize: 11, labelColor: COLOURS.text, titleColor: COLOURS.text, gridColor: COLOURS.grid },
      header: { labelFontSize: 11, labelColor: COLOURS.text, labelLimit: 205 },
    },
    facet: { field: 'factor', type: 'nominal', sort: history.factors.map((f) => f.header), header: { title: null } },
    columns: 4,
    spec: {
      width: Math.floor(HISTORY_CHART_WIDTH / 4) - 40,
      height: 110,
      layer: [
        {
          mark: { type: 'line', point: { filled: true, size: 40 }, color: COLOURS.line, strokeWidth: 2 },
          transform: [{ filter: 'datum.score != null' }],
          encoding: {
            x: { field: 'round', type: 'ordinal', sort: rounds, axis: { title: null, labelAngle: 0 } },
            y: { field: 'score', type: 'quantitative', scale: { domain: [0, 100] }, axis: { title: null, values: [0, 50, 100] } },
          },
        },
        {
          mark: { type: 'point', shape: 'diamond', size: 70, filled: true, color: COLOURS.baseline },
          transform: [{ filter: 'datum.baseline && datum.score != null' }],
          encoding: {
            x: { field: 'round', type: 'ordinal', sort: rounds },
            y: { field: 'score', type: 'quantitative', scale: { domain: [0, 100] } },
          },
        },
      ],
    },
  };
}

/** The history chart as an SVG document. */
export async function renderHistoryChartSvg(history: History): Promise<string> {
  return specToSvg(historySpec(history));
}

/** The history chart as a PNG, for chat links, the playground and `assess-bot history --chart`. */
export async function renderHistoryChartPng(history: History): Promise<Buffer> {
  return svgToPng(await renderHistoryChartSvg(history));
}
