// The durable scheduler: node-cron only ticks; each tick atomically claims due jobs from the store and runs them once.
import cron, { type ScheduledTask } from 'node-cron';
import type { AssessmentService } from '../core/service.js';
import type { Clock, Job, JobKind, Store } from '../core/ports.js';
import type { Round } from '../core/model.js';
import type { Delivery, DeliveryOutcome } from '../core/delivery/delivery.js';
import type { Logger } from '../infra/logger.js';
import { UninstallGrace } from '../core/uninstall.js';

export interface SchedulerOptions {
  store: Store;
  service: AssessmentService;
  /** Cards, reminders and digests go out through it, on the round's platform. */
  delivery: Delivery;
  clock: Clock;
  /** Cron expression for the ticker (node-cron, with seconds). */
  tickCron?: string;
  /** How long a claimed job stays invisible to other replicas. */
  leaseMs?: number;
  /**
   * How long one run of a fan-out (reminders, digests) may take; what is left continues in a fresh lease. Well inside
   * the lease (default: half of it), so no other replica claims a job still sending.
   */
  fanOutBudgetMs?: number;
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

type Outcome = DeliveryOutcome;

export class Scheduler {
  private readonly opts: Required<Omit<SchedulerOptions, 'onJob' | 'uninstalls' | 'logger' | 'fanOutBudgetMs'>> & Pick<SchedulerOptions, 'onJob' | 'logger'>;
  private readonly fanOutBudgetMs: number;
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
    this.fanOutBudgetMs = opts.fanOutBudgetMs ?? this.opts.leaseMs / 2;
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
        if (outcome === 'partial') {
          // The fan-out used its time budget: the job continues in a fresh lease, its markers say who is left.
          await this.opts.store.retryJob(job, this.opts.clock.now(), 'continues: fan-out time budget used');
          result.done += 1;
          this.opts.onJob?.({ job, outcome: 'retry', lagMs });
          continue;
        }
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
    // A plan started from the toolkit reminds its owners before any round exists: the plan stands in for the round.
    if (job.kind === 'action-reminder') return this.remindAction(job, now);
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
        return this.opts.delivery.weeklyDigest(job, round, this.fanOutBudgetMs);
      case 'auto-close':
        if (round.status !== 'open') return 'skipped';
        await this.opts.service.closeRound(round.tenant, round.id, { system: true });
        return 'done';
      case 'final-digest':
        if (round.status !== 'closed' && round.status !== 'archived') return 'skipped';
        return this.opts.delivery.finalDigest(round, { job: job.id, budgetMs: this.fanOutBudgetMs });
      default:
        return this.other(job, round);
    }
  }

  /** Action reminders and retention purges; other kinds are left for later features. */
  protected async other(job: Job, round: Round): Promise<Outcome> {
    if (job.kind === 'retention-purge') {
      return (await this.opts.service.purgeIfExpired(round.tenant, round.id)) ? 'done' : 'skipped';
    }
    return 'skipped';
  }

  /** One reminder to the owner of an open action; none once it is done. */
  private async remindAction(job: Job, now: number): Promise<Outcome> {
    // The action lives in the channel's plan; the job's round is the one its reminder travels with, or the plan itself
    // when no round carries it (older jobs name no channel: their round always exists).
    const channelId = typeof job.payload.channelId === 'string' ? job.payload.channelId : null;
    const round = (await this.opts.store.getRound(job.tenant, job.roundId)) ?? (channelId ? await this.opts.service.planCarrier(job.tenant, channelId) : null);
    if (!round) return 'skipped';
    const actionId = typeof job.payload.actionId === 'string' ? job.payload.actionId : '';
    const action = await this.opts.service.openAction(round.tenant, round.channel.id, actionId);
    if (!action) return 'skipped';
    if (now - job.dueAt > this.opts.reminderStaleMs) return 'skipped';
    return this.opts.delivery.actionReminder(job, round, action.owner, [action]);
  }

  private async openFactor(round: Round, factorId: string): Promise<Outcome> {
    if (round.status !== 'open' || !round.factorIds.includes(factorId)) return 'skipped';
    await this.opts.delivery.postFactorCard(round, factorId);
    return 'done';
  }

  /** The round read once, then each person who has not voted on the job's factors (see Delivery.remind). */
  private async remind(job: Job, round: Round, now: number): Promise<Outcome> {
    // In a peer review's review phase the self-assessment is locked: nothing left for the team to do.
    if (round.status !== 'open' || round.reviewPhase === 'review') return 'skipped';
    if (now - job.dueAt > this.opts.reminderStaleMs) return 'skipped';
    return this.opts.delivery.remind(job, round, now, this.fanOutBudgetMs);
  }
}

function priority(kind: JobKind): number {
  return kind === 'auto-close' ? 0 : kind === 'factor-open' ? 1 : 2;
}
