// Renders reports once and hands them out many times: a closed round does not change, so each format (and the chart)
// is rendered once per round revision and link and kept gzipped with the round (Store.keptReport / keepReport);
// downloads of the same report at the same moment share one rendering; and at most `parallel` renderings run at once
// (one by default), so a burst of downloads queues instead of piling rounds of 10,000 people into memory together.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGzip, gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { AppError } from '../core/errors.js';
import { withStoreDeadline } from '../core/store-deadline.js';
import type { Clock, Store } from '../core/ports.js';
import type { ChannelPlan } from '../core/plan-model.js';
import type { ExportFormat } from './formats.js';
import { loadChartStates, loadReportStates, type PlanReader, type ReportReader } from './load.js';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

/** Kept reports live this long after the last one of the round was kept (closed rounds only). */
export const KEPT_REPORT_TTL_MS = 7 * 24 * 3600 * 1000;
/**
 * Reads are retried while the store is unavailable, for this long: a large rendering holds this process' event loop
 * for a while, and a read of another download waiting meanwhile may time out although Redis answered at once.
 */
const READ_DEADLINE = { deadlineMs: 20_000 };
/** Level 1: a report compresses about as well as at the default level here, at a fraction of its time. */
const GZIP_LEVEL = 1;
/** Response chunks: a kept report goes out as a stream of these, never as one write. */
const CHUNK = 64 * 1024;

export type ReportKind = ExportFormat | 'png';

export interface DeliveredReport {
  contentType: string;
  filename: string;
  /** The rendering, gzip-compressed. */
  gzipped: Buffer;
  /** True when it came from the kept copy (nothing was read but the round and the copy). */
  kept: boolean;
}

export interface ReportDeliveryDeps {
  read: ReportReader;
  /** The channel's action plan, shown in full in every report format. */
  plans?: PlanReader;
  store: Pick<Store, 'getRoundVersioned' | 'keptReport' | 'keepReport'>;
  clock: Clock;
  /** Renderings at once in this process (default 1: a round of 13 × 10,000 takes a few hundred MB while rendered). */
  parallel?: number;
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

/** A small counting semaphore. */
class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await fn();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}

export class ReportDelivery {
  private readonly gate: Gate;
  private readonly inFlight = new Map<string, Promise<DeliveredReport>>();

  constructor(private readonly deps: ReportDeliveryDeps) {
    this.gate = new Gate(Math.max(1, deps.parallel ?? 1));
  }

  /**
   * The report of a round in `kind`, rendered or kept. `reportUrl` is the link it was opened with (the summary links
   * to it): a kept copy is only ever handed out through the same link. ROUND_NOT_FOUND for an unknown round.
   */
  async deliver(tenant: string, roundId: string, kind: ReportKind, opts: { reportUrl?: string } = {}): Promise<DeliveredReport> {
    const versioned = await withStoreDeadline(() => this.deps.store.getRoundVersioned(tenant, roundId), READ_DEADLINE);
    if (!versioned) throw new AppError('ROUND_NOT_FOUND');
    const { round, rev } = versioned;
    const closed = round.status === 'closed' || round.status === 'archived';
    const link = createHash('sha256').update(opts.reportUrl ?? '').digest('base64url').slice(0, 16);
    // The channel's action plan changes apart from the round (every format but the chart shows it): a kept copy is
    // only good for the plan it was rendered with.
    const plan: ChannelPlan | null = kind !== 'png' && this.deps.plans ? await withStoreDeadline(() => this.deps.plans!.channelPlan(tenant, round.channel.id), READ_DEADLINE) : null;
    const planTag = plan ? createHash('sha256').update(JSON.stringify(plan)).digest('base64url').slice(0, 16) : 'none';
    const key = `${rev ?? 'none'}|${kind}|${link}|${planTag}`;
    const flight = `${tenant}\u0000${roundId}\u0000${key}`;
    const running = this.inFlight.get(flight);
    if (running) return running;
    const work = this.produce(tenant, roundId, kind, key, closed && rev !== null, plan, opts);
    this.inFlight.set(flight, work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(flight);
    }
  }

  private async produce(tenant: string, roundId: string, kind: ReportKind, key: string, keep: boolean, plan: ChannelPlan | null, opts: { reportUrl?: string }): Promise<DeliveredReport> {
    const { store } = this.deps;
    const canKeep = keep && store.keptReport !== undefined && store.keepReport !== undefined;
    const kept = canKeep ? await withStoreDeadline(() => store.keptReport!(tenant, roundId, key, KEPT_REPORT_TTL_MS), READ_DEADLINE) : null;
    if (kept?.body) return { ...(await withStoreDeadline(() => this.head(tenant, roundId, kind), READ_DEADLINE)), gzipped: kept.body, kept: true };
    const rendered = await this.gate.run(() => withStoreDeadline(() => this.render(tenant, roundId, kind, plan, opts), READ_DEADLINE));
    if (kept) await store.keepReport!(tenant, roundId, key, kept.epoch, rendered.gzipped, KEPT_REPORT_TTL_MS);
    return { ...rendered, kept: false };
  }

  /**
   * Renders a report straight into gzip: the formats a factor at a time (report-stream.ts), so only one factor's
   * answers and the compressed text are held, never the whole round nor the whole uncompressed report.
   */
  private async render(tenant: string, roundId: string, kind: ReportKind, plan: ChannelPlan | null, opts: { reportUrl?: string }): Promise<Omit<DeliveredReport, 'kept'>> {
    if (kind === 'png') {
      const { state, baseline } = await loadChartStates(this.deps.read, tenant, roundId);
      const { renderScoreChartPng } = await import('./chart.js');
      return { contentType: 'image/png', filename: 'chart.png', gzipped: await gzip(await renderScoreChartPng(state, baseline), { level: GZIP_LEVEL }) };
    }
    const exportOpts = { now: this.deps.clock.now(), plan, ...(opts.reportUrl ? { reportUrl: opts.reportUrl } : {}) };
    // The exporters (and the chart) load with the first report opened, not at start-up.
    const [{ streamReport }, { CsvShapeError }] = await Promise.all([import('./report-stream.js'), import('./export-csv.js')]);
    const streamed = await streamReport(this.deps.read, tenant, roundId, kind, exportOpts);
    if (streamed) {
      try {
        return { contentType: streamed.contentType, filename: streamed.filename, gzipped: await gzipPieces(streamed.pieces) };
      } catch (err) {
        // A CSV whose answers name a question the toolkit no longer has: its header needs every answer first.
        if (!(err instanceof CsvShapeError)) throw err;
      }
    }
    const { state, baseline } = await loadReportStates(this.deps.read, tenant, roundId);
    const { exportRound } = await import('./export.js');
    const result = await exportRound(state, baseline, kind, exportOpts);
    return { contentType: result.contentType, filename: result.filename, gzipped: await gzip(result.body, { level: GZIP_LEVEL }) };
  }

  /** Content type and file name of a kept report (they depend on the round's title and id only). */
  private async head(tenant: string, roundId: string, kind: ReportKind): Promise<{ contentType: string; filename: string }> {
    if (kind === 'png') return { contentType: 'image/png', filename: 'chart.png' };
    const { contentType, exportFilename } = await import('./export.js');
    const round = await this.deps.read.state(tenant, roundId, { answers: false, votes: false });
    return { contentType: contentType(kind), filename: exportFilename(round, kind) };
  }
}

/** The report's bytes as a stream of chunks: as they are (the client takes gzip) or unpacked. */
export async function reportStream(report: DeliveredReport, acceptsGzip: boolean): Promise<{ stream: Readable; length: number; gzipped: boolean }> {
  const bytes = acceptsGzip ? report.gzipped : await gunzip(report.gzipped);
  function* chunks() {
    for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, Math.min(at + CHUNK, bytes.length));
  }
  return { stream: Readable.from(chunks()), length: bytes.length, gzipped: acceptsGzip };
}
