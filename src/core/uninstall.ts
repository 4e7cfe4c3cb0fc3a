// Forgetting a workspace after an uninstall: a durable job due after a grace period, which a reinstall cancels.
import type { Clock, Job, Store } from './ports.js';
import type { PrivacyRequests } from './privacy.js';

export const DEFAULT_UNINSTALL_GRACE_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Tenant-wide jobs have no round; they are filed under this id, which no round id can take (see newRoundId). */
export const TENANT_JOBS = '~tenant';

/** The scope key of a forget that covers the whole tenant. */
export const WHOLE_TENANT = 'all';

/** What an uninstall forgets. */
export interface ForgetScope {
  /**
   * Names the scope in the job id, so the same uninstall twice is one job and a reinstall cancels exactly it:
   * `all` for the whole tenant, `team:<id>` for one Teams team, `chat:<id>` for one group chat.
   */
  key: string;
  /** Only the rounds of these channels; absent, the whole tenant (rounds, installation, references, markers). */
  channels?: string[];
}

export function tenantForgetJobId(tenant: string, key: string): string {
  return `${tenant}:${TENANT_JOBS}:tenant-forget:${key}`;
}

/** How long a request-path answer to "is a forget pending for this tenant?" is trusted before the store is asked again. */
const PENDING_CACHE_MS = 60_000;

export interface UninstallGraceDeps {
  store: Store;
  clock: Clock;
  privacy: PrivacyRequests;
  graceDays: number;
  /** Monotonic time for the request-path cache (the app clock may be a fake one). */
  monotonic?: () => number;
}

/**
 * Schedules, cancels and runs the forgetting of uninstalled tenants. The job lives in the store, so a restart or
 * another replica runs it; the cache below only spares the request path a store read per request.
 */
export class UninstallGrace {
  private readonly pendingCache = new Map<string, { pending: boolean; at: number }>();
  private readonly monotonic: () => number;

  constructor(private readonly deps: UninstallGraceDeps) {
    this.monotonic = deps.monotonic ?? (() => performance.now());
  }

  get graceMs(): number {
    return this.deps.graceDays * DAY_MS;
  }

  /**
   * Schedules the forget `graceDays` from now. Teams reports one removal twice (an installationUpdate and the bot
   * leaving the conversation), the second after the first has deleted the references it read channels from; so a
   * forget already waiting for the same scope keeps its time and gains the channels, and never shrinks.
   */
  async schedule(tenant: string, scope: ForgetScope): Promise<Job> {
    const id = tenantForgetJobId(tenant, scope.key);
    const existing = (await this.pending(tenant)).find((j) => j.id === id);
    const before = existing ? channelsOf(existing) : undefined;
    const channels = existing && before === null ? null : scope.channels ? [...new Set([...(before ?? []), ...scope.channels])] : null;
    const job: Job = {
      id,
      kind: 'tenant-forget',
      tenant,
      roundId: TENANT_JOBS,
      dueAt: existing?.dueAt ?? this.deps.clock.now() + this.graceMs,
      payload: { key: scope.key, ...(channels ? { channels } : {}) },
      attempts: 0,
    };
    await this.deps.store.scheduleJobs([job]);
    this.remember(tenant, true);
    return job;
  }

  /** The forgets still waiting for a tenant. */
  async pending(tenant: string): Promise<Job[]> {
    const jobs = (await this.deps.store.listJobs(tenant, TENANT_JOBS)).filter((j) => j.kind === 'tenant-forget');
    this.remember(tenant, jobs.length > 0);
    return jobs;
  }

  /**
   * A reinstall: cancels the forget of these scopes (`team:<id>`), or every pending forget of the tenant when none
   * is named. The whole-tenant forget is always cancelled, since the tenant has the app again. Returns how many.
   */
  async cancel(tenant: string, keys?: string[]): Promise<number> {
    const jobs = await this.pending(tenant);
    const wanted = keys ? new Set([...keys, WHOLE_TENANT]) : null;
    const cancelled = jobs.filter((j) => wanted === null || wanted.has(String(j.payload.key)));
    for (const job of cancelled) await this.deps.store.completeJob(job.id);
    this.remember(tenant, jobs.length > cancelled.length);
    return cancelled.length;
  }

  /**
   * For every request from a workspace: cancels a pending forget, asking the store at most once a minute per tenant
   * (a forget scheduled by another replica is seen within that minute; the grace period is days).
   */
  async cancelIfPending(tenant: string): Promise<number> {
    const known = this.pendingCache.get(tenant);
    if (known && !known.pending && this.monotonic() - known.at < PENDING_CACHE_MS) return 0;
    return this.cancel(tenant);
  }

  /** Runs a due forget (the scheduler's `tenant-forget` job); null when a reinstall cancelled it meanwhile. */
  async run(job: Job): Promise<{ rounds: number; records: number } | null> {
    // The scheduler leased the job before a reinstall may have cancelled it; the store has the last word.
    if (!(await this.pending(job.tenant)).some((j) => j.id === job.id)) return null;
    const channels = channelsOf(job);
    let result: { rounds: number; records: number };
    if (channels === null) {
      result = await this.deps.privacy.forgetTenant(job.tenant);
      // Forgets of single teams still waiting are covered by this one.
      for (const other of await this.pending(job.tenant)) if (other.id !== job.id) await this.deps.store.completeJob(other.id);
    } else {
      const wanted = new Set(channels);
      let rounds = 0;
      for (const round of await this.deps.store.listRounds(job.tenant)) {
        if (!wanted.has(round.channel.id)) continue;
        await this.deps.privacy.purgeRound(job.tenant, round.id);
        rounds += 1;
      }
      result = { rounds, records: 0 };
    }
    this.pendingCache.delete(job.tenant);
    return result;
  }

  private remember(tenant: string, pending: boolean): void {
    if (this.pendingCache.size > 10_000) this.pendingCache.clear();
    this.pendingCache.set(tenant, { pending, at: this.monotonic() });
  }
}

/** The channels a forget covers; null for the whole tenant. */
function channelsOf(job: Job): string[] | null {
  return Array.isArray(job.payload.channels) ? job.payload.channels.filter((c): c is string => typeof c === 'string') : null;
}
