// Exports a round as CSV, Markdown, JSON or a self-contained HTML report, in the round's language.
import type { RoundState } from '../core/read-model.js';
import { renderScoreChartPng } from './chart.js';
import { renderCsv } from './export-csv.js';
import { renderHtml } from './export-html.js';
import { renderJson } from './export-json.js';
import { renderMarkdown } from './export-markdown.js';
import { slug } from './format.js';
import type { ExportFormat } from './formats.js';
import { buildReportModel } from './report-model.js';

export { EXPORT_FORMATS, ExportFormatSchema, type ExportFormat } from './formats.js';

export interface ExportOptions {
  /** The report's "generated" time, epoch ms (the service clock, so tests are stable). */
  now: number;
  /** The signed report URL, linked from the summary parts of the report. */
  reportUrl?: string;
  /** HTML only: leave the chart out (e.g. when rendering it is not wanted). Default true. */
  chart?: boolean;
}

export interface ExportResult {
  contentType: string;
  filename: string;
  body: string | Buffer;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export function contentType(format: ExportFormat): string {
  return CONTENT_TYPES[format];
}

/** "kulturell-mangfald-20260112-7c3f9e21.csv" */
export function exportFilename(state: RoundState, format: ExportFormat): string {
  return `${slug(state.round.title ?? state.pack.shortTitle)}-${slug(state.round.id)}.${format}`;
}

export async function exportRound(
  state: RoundState,
  baseline: RoundState | null,
  format: ExportFormat,
  opts: ExportOptions,
): Promise<ExportResult> {
  const model = buildReportModel(state, baseline, opts);
  const head = { contentType: CONTENT_TYPES[format], filename: exportFilename(state, format) };
  switch (format) {
    case 'csv':
      return { ...head, body: renderCsv(model) };
    case 'md':
      return { ...head, body: renderMarkdown(model) };
    case 'json':
      return { ...head, body: renderJson(model) };
    case 'html': {
      const png = opts.chart === false ? null : await renderScoreChartPng(state, baseline);
      return { ...head, body: renderHtml(model, png) };
    }
  }
}
