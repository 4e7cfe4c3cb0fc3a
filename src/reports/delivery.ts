// Renders reports once and hands them out many times: a closed round does not change, so each format (and the chart)
// is rendered once per round revision and link and kept gzipped with the round (Store.keptReport / keepReport);
// downloads of the same report at the same moment share one rendering; and at most `parallel` renderings run at once
// (one by default), so a burst of downloads queues instead of piling rounds of 10,000 people into memory together.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { AppError } from '../core/errors.js';
import { withStoreDeadline } from '../core/store-deadline.js';
import type { Clock, Store } from '../core/ports.js';
import type { ChannelPlan } from '../core/plan-model.js';
import type { PlanReader, ReportReader } from './load.js';
import { renderReport, type RenderedReport, type RenderJob, type ReportRenderer } from './render.js';

const gunzip = promisify(gunzipCb);

/** Kept reports live this long after the last one of the round was kept (closed rounds only). */
export const KEPT_REPORT_TTL_MS = 7 * 24 * 3600 * 1000;
/**
 * Reads are retried while the store is unavailable, for this long: a large rendering holds this process' event loop
 * for a while, and a read of another download waiting meanwhile may time out although Redis answered at once.
 */
const READ_DEADLINE = { deadlineMs: 20_000 };
/** Response chunks: a kept report goes out as a stream of these, never as one write. */
const CHUNK = 64 * 1024;

export type { ReportKind } from './render.js';
import type { ReportKind } from './render.js';

export interface DeliveredReport extends RenderedReport {
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
  /** Where reports are rendered: a process of their own (render-process.ts), or by default this one, with `read`. */
  renderer?: ReportRenderer;
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

  private render(tenant: string, roundId: string, kind: ReportKind, plan: ChannelPlan | null, opts: { reportUrl?: string }): Promise<RenderedReport> {
    const job: RenderJob = { tenant, roundId, kind, plan, now: this.deps.clock.now(), ...(opts.reportUrl ? { reportUrl: opts.reportUrl } : {}) };
    return this.deps.renderer ? this.deps.renderer.render(job) : renderReport(this.deps.read, job);
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
