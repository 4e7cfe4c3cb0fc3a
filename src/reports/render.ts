// Renders one report into gzip: the formats a factor at a time (report-stream.ts), so only a few batches of answers
// and the compressed text are held, never the whole round nor the whole uncompressed report; the chart from the
// tallies. The same function runs in the bot's own process (the embedded store, the CLI) or in the report
// process (render-process.ts), which reads Redis itself.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip, gzip as gzipCb } from 'node:zlib';
import type { ChannelPlan } from '../core/plan-model.js';
import type { ExportFormat } from './formats.js';
import { loadChartStates, loadReportStates, type ReportReader } from './load.js';

const gzip = promisify(gzipCb);

/** Level 1: a report compresses about as well as at the default level here, at a fraction of its time. */
const GZIP_LEVEL = 1;

export type ReportKind = ExportFormat | 'png';

/** What to render: plain data, so it can be handed to another process. */
export interface RenderJob {
  tenant: string;
  roundId: string;
  kind: ReportKind;
  /** The channel's action plan, read by the caller (it decides which kept copy fits). */
  plan: ChannelPlan | null;
  /** The report's "generated" time, epoch ms. */
  now: number;
  reportUrl?: string;
}

export interface RenderedReport {
  contentType: string;
  filename: string;
  /** The rendering, gzip-compressed. */
  gzipped: Buffer;
}

export interface ReportRenderer {
  render(job: RenderJob): Promise<RenderedReport>;
}

/** Text written piece by piece through gzip, as it comes; the compressed bytes are what is held. */
async function gzipPieces(pieces: AsyncIterable<string>): Promise<Buffer> {
  const gz = createGzip({ level: GZIP_LEVEL });
  const chunks: Buffer[] = [];
  gz.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = finished(gz);
  try {
    for await (const piece of pieces) {
      if (piece !== '' && !gz.write(piece)) await once(gz, 'drain');
    }
    gz.end();
    await done;
  } catch (err) {
    gz.destroy();
    await done.catch(() => undefined);
    throw err;
  }
  return Buffer.concat(chunks);
}

/** Renders the report `job` asks for, reading with `read`. ROUND_NOT_FOUND for an unknown round. */
export async function renderReport(read: ReportReader, job: RenderJob): Promise<RenderedReport> {
  const { tenant, roundId, kind } = job;
  if (kind === 'png') {
    const { state, baseline } = await loadChartStates(read, tenant, roundId);
    const { renderScoreChartPng } = await import('./chart.js');
    return { contentType: 'image/png', filename: 'chart.png', gzipped: await gzip(await renderScoreChartPng(state, baseline), { level: GZIP_LEVEL }) };
  }
  const exportOpts = { now: job.now, plan: job.plan, ...(job.reportUrl ? { reportUrl: job.reportUrl } : {}) };
  // The exporters (and the chart) load with the first report opened, not at start-up.
  const [{ streamReport }, { UnlistedQuestionError }] = await Promise.all([import('./report-stream.js'), import('./report-model.js')]);
  const streamed = await streamReport(read, tenant, roundId, kind, exportOpts);
  if (streamed) {
    try {
      return { contentType: streamed.contentType, filename: streamed.filename, gzipped: await gzipPieces(streamed.pieces) };
    } catch (err) {
      // A CSV or JSON report whose answers name a question the toolkit no longer has: its head needs every answer first.
      if (!(err instanceof UnlistedQuestionError)) throw err;
    }
  }
  const { state, baseline } = await loadReportStates(read, tenant, roundId);
  const { exportRound } = await import('./export.js');
  const result = await exportRound(state, baseline, kind, exportOpts);
  return { contentType: result.contentType, filename: result.filename, gzipped: await gzip(result.body, { level: GZIP_LEVEL }) };
}
