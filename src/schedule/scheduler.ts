// The durable scheduler: node-cron only ticks; each tick atomically claims due jobs from the store and runs them once.
import cron, { type ScheduledTask } from 'node-cron';
import { z } from 'zod';
import type { AssessmentService } from '../core/service.js';
import type { Clock, Job, JobKind, Messenger, Store } from '../core/ports.js';
import type { Round } from '../core/model.js';
import type { Logger } from '../infra/logger.js';
import { UninstallGrace } from '../core/uninstall.js';

export interface SchedulerOptions {
  store: Store;
  service: AssessmentService;
  messenger: Messenger;
  clock: Clock;
  /** Cron expression for the ticker (node-cron, with seconds). */
  tickCron?: string;
  /** How long a claimed job stays invisible to other replicas. */
  leaseMs?: number;
  batchSize?: number;
  /** A reminder more than this late is dropped: no bursts of stale pings after downtime. */
  reminderStaleMs?: number;
  maxAttempts?: number;
  /** Runs `tenant-forget` jobs; one over the same store and service is made when not given. */
  uninstalls?: UninstallGrace;
  /** Called after each job, for metrics and logs. */
  /** Where failures nothing waits for are reported (the retention sweep at start, a tick of the ticker). */
  logger?: Pick<Logger, 'warn'>;
  onJob?: (event: { job: Job; outcome: 'done' | 'skipped' | 'retry' | 'dead'; lagMs: number; error?: unknown }) => void;
}

export interface TickResult {
  claimed: number;
  done: number;
  skipped: number;
  failed: number;
}

export const DEFAULT_REMINDER_STALE_MS = 6 * 60 * 60 * 1000;
const WEEKLY_DIGEST_STALE_MS = 6 * 24 * 60 * 60 * 1000;

/** Exponential backoff with jitter: 30 s, 1 min, 2 min … capped at 1 h. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(60 * 60 * 1000, 30_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + random() * 0.4));
}

type Outcome = 'done' | 'skipped';

export class Scheduler {
  private readonly opts: Required<Omit<SchedulerOptions, 'onJob' | 'uninstalls' | 'logger'>> & Pick<SchedulerOptions, 'onJob' | 'logger'>;
  private readonly uninstalls: UninstallGrace;
  private task: ScheduledTask | undefined;
  private running: Promise<TickResult> | undefined;
  private stopped = false;

  constructor(opts: SchedulerOptions) {
    this.opts = {
      tickCron: '*/30 * * * * *',
      leaseMs: 5 * 60 * 1000,
      batchSize: 50,
      reminderStaleMs: DEFAULT_REMINDER_STALE_MS,
      maxAttempts: 8,
      ...opts,
    };
    this.uninstalls =
      opts.uninstalls ?? new UninstallGrace({ store: opts.store, clock: opts.clock, privacy: opts.service.privacy, graceDays: 0 });
  }

  start(): void {
    this.stopped = false;
    // Closed rounds from before retention existed, or from a different RETENTION_MONTHS, get their purge job.
    // Nothing waits for either: a failed sweep runs again at the next start, a failed tick's jobs stay due for the next.
    this.opts.service.scheduleRetention().catch((err: unknown) => this.opts.logger?.warn({ err }, 'scheduling the retention purges failed'));
    this.task = cron.schedule(this.opts.tickCron, () => {
      this.tick().catch((err: unknown) => this.opts.logger?.warn({ err }, 'a scheduler tick failed'));
    }, { noOverlap: true });
  }

  /** Stops the ticker and waits for the tick in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    this.task = undefined;
    // Waited for, not reported again: whoever started the tick (the ticker, a close) has logged its failure.
    await this.running?.catch(() => undefined);
  }

  /** Runs one tick now (also used by `close` so the final digest does not wait for the next tick). */
  tick(): Promise<TickResult> {
    if (this.running) return this.running;
    this.running = this.runTick().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Keeps ticking until nothing is due (tests and the playground's clock). */
  async drain(maxTicks = 100): Promise<TickResult> {
    const total: TickResult = { claimed: 0, done: 0, skipped: 0, failed: 0 };
    for (let i = 0; i < maxTicks; i++) {
      const r = await this.tick();
      total.claimed += r.claimed;
      total.done += r.done;
      total.skipped += r.skipped;
      total.failed += r.failed;
      if (r.claimed === 0) break;
    }
    return total;
  }

  private async runTick(): Promise<TickResult> {
    const result: TickResult = { claimed: 0, done: 0, skipped: 0, failed: 0 };
    const now = this.opts.clock.now();
    const jobs = await this.opts.store.claimDueJobs(now, this.opts.batchSize, this.opts.leaseMs);
    result.claimed = jobs.length;
    // Closes first, so a digest or reminder in the same batch sees the round's final state.
    jobs.sort((a, b) => priority(a.kind) - priority(b.kind) || a.dueAt - b.dueAt);
    for (const job of jobs) {
      const lagMs = Math.max(0, now - job.dueAt);
      try {
        const outcome = await this.run(job, now);
        await this.opts.store.completeJob(job.id);
        if (outcome === 'done') result.done += 1;
        else result.skipped += 1;
        this.opts.onJob?.({ job, outcome, lagMs });
      } catch (error) {
        result.failed += 1;
        const attempts = job.attempts + 1;
        const message = error instanceof Error ? error.message : String(error);
        if (attempts >= this.opts.maxAttempts) {
          await this.opts.store.putRecord('dead-jobs', job.id, { ...job, attempts, lastError: message });
          await this.opts.store.completeJob(job.id);
          this.opts.onJob?.({ job, outcome: 'dead', lagMs, error });
        } else {
          await this.opts.store.retryJob({ ...job, attempts }, now + backoffMs(attempts), message);
          this.opts.onJob?.({ job, outcome: 'retry', lagMs, error });
        }
      }
    }
    return result;
  }

  private async run(job: Job, now: number): Promise<Outcome> {
    // A tenant's forget has no round of its own.
    if (job.kind === 'tenant-forget') return (await this.uninstalls.run(job)) ? 'done' : 'skipped';
    const round = await this.opts.store.getRound(job.tenant, job.roundId);
    if (!round) return 'skipped';
    switch (job.kind) {
      case 'factor-open':
        return this.openFactor(round, String(job.payload.factorId));
      case 'reminder':
        return this.remind(job, round, now);
      case 'weekly-digest':
        // A closed round's final digest supersedes weekly ones; a digest a week late is replaced by the next.
        if (round.status !== 'open' || now - job.dueAt > WEEKLY_DIGEST_STALE_MS) return 'skipped';
        await this.deliverEach(job, round, round.managers, (managerId) => this.opts.messenger.sendWeeklyDigest(round, managerId));
        return 'done';
      case 'auto-close':
        if (round.status !== 'open') return 'skipped';
        await this.opts.service.closeRound(round.tenant, round.id, { system: true });
        return 'done';
      case 'final-digest':
        if (round.status !== 'closed' && round.status !== 'archived') return 'skipped';
        await this.deliverEach(job, round, ['channel'], () => this.opts.messenger.postFinalDigest(round));
        return 'done';
      default:
        return this.other(job, round);
    }
  }

  /** Action reminders and retention purges; other kinds are left for later features. */
  protected async other(job: Job, round: Round): Promise<Outcome> {
    if (job.kind === 'action-reminder') return this.remindAction(job, round, this.opts.clock.now());
    if (job.kind === 'retention-purge') {
      return (await this.opts.service.purgeIfExpired(round.tenant, round.id)) ? 'done' : 'skipped';
    }
    return 'skipped';
  }

  /** One reminder to the owner of an open action; none once it is done, or when the platform can't send one. */
  private async remindAction(job: Job, round: Round, now: number): Promise<Outcome> {
    // The action lives in the channel's plan; the job's round is the one its reminder travels with.
    const actionId = typeof job.payload.actionId === 'string' ? job.payload.actionId : '';
    const action = await this.opts.service.openAction(round.tenant, round.channel.id, actionId);
    const messenger = this.opts.messenger;
    if (!action || !messenger.sendActionReminder) return 'skipped';
    if (now - job.dueAt > this.opts.reminderStaleMs) return 'skipped';
    await this.deliverEach(job, round, [action.owner], (owner) => messenger.sendActionReminder!(round, owner, [action]));
    return 'done';
  }

  private async openFactor(round: Round, factorId: string): Promise<Outcome> {
    if (round.status !== 'open' || !round.factorIds.includes(factorId)) return 'skipped';
    await this.opts.messenger.postFactorCard(round, factorId);
    return 'done';
  }

  private async remind(job: Job, round: Round, now: number): Promise<Outcome> {
    // In a peer review's review phase the self-assessment is locked: nothing left for the team to do.
    if (round.status !== 'open' || round.reviewPhase === 'review') return 'skipped';
    if (now - job.dueAt > this.opts.reminderStaleMs) return 'skipped';
    // Who has voted is all a reminder needs: the answers are not read.
    const state = await this.opts.service.state(round.tenant, round.id, { answers: false });
    const factorIds = (job.payload.factorIds as string[]).filter((id) => {
      const w = state.windows.find((x) => x.factorId === id);
      return w !== undefined && Date.parse(w.dueAt) > now && Date.parse(w.opensAt) <= now;
    });
    if (factorIds.length === 0) return 'skipped';
    const pendingByMember = new Map<string, string[]>();
    for (const factorId of factorIds) {
      for (const member of this.opts.service.pendingMembers(state, factorId)) {
        pendingByMember.set(member, [...(pendingByMember.get(member) ?? []), factorId]);
      }
    }
    // In the round's participant order, so a retried job sees the same order (see deliverCounted).
    const order = new Map(round.participants.map((id, i) => [id, i]));
    const members = [...pendingByMember.keys()].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
    await this.deliverEach(job, round, members, (member) => this.opts.messenger.sendReminder(round, member, pendingByMember.get(member) ?? []));
    return 'done';
  }

  /**
   * Sends to each recipient unless a previous attempt of this job already did, so a retried job resumes where it
   * failed instead of messaging everyone again. Named rounds mark each recipient; anonymous rounds keep counts only.
   */
  private async deliverEach(job: Job, round: Round, recipients: string[], send: (recipient: string) => Promise<void>): Promise<void> {
    if (round.anonymous && !(recipients.length === 1 && recipients[0] === 'channel')) return this.deliverCounted(job, recipients, send);
    for (const recipient of recipients) {
      const key = `${job.id}|${recipient}`;
      if (await this.opts.store.getRecord('sent', key)) continue;
      await send(recipient);
      await this.opts.store.putRecord('sent', key, { at: this.opts.clock.now() });
    }
  }

  /**
   * Delivery progress of an anonymous round's job, with no per-member value anywhere: who was reminded is who had
   * not voted, and even a keyed hash of them could be matched to a person by whoever holds the key. The marker
   * holds two counts: how many of the recipients (in a fixed order) were sent to, and how many recipients there
   * were. A retry works the list out again; people who voted in the meantime have dropped out of it, and at most
   * that many of them were among those already sent to, so skipping (sent − dropped) never skips anyone not yet
   * reminded (someone added to the round meanwhile comes last in the participant order). The price, on a retry
   * only: up to `dropped` people may be reminded a second time. No time is kept.
   */
  private async deliverCounted(job: Job, recipients: string[], send: (recipient: string) => Promise<void>): Promise<void> {
    const key = `${job.id}|progress`;
    const mark = ProgressSchema.safeParse(await this.opts.store.getRecord('sent', key));
    const dropped = mark.success ? Math.max(0, mark.data.of - recipients.length) : 0;
    const done = mark.success ? Math.min(recipients.length, Math.max(0, mark.data.sent - dropped)) : 0;
    for (let i = done; i < recipients.length; i++) {
      await send(recipients[i]!);
      await this.opts.store.putRecord('sent', key, { sent: i + 1, of: recipients.length });
    }
  }
}

const ProgressSchema = z.object({ sent: z.number().int().min(0), of: z.number().int().min(0) });

function priority(kind: JobKind): number {
  return kind === 'auto-close' ? 0 : kind === 'factor-open' ? 1 : 2;
}
