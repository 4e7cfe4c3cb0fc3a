// Retention use cases: every closed round is purged RETENTION_MONTHS after its close.
import type { PrivacyRequests } from '../privacy.js';
import { retentionJob } from '../privacy.js';
import type { Clock, Store } from '../ports.js';

export interface RetentionDeps {
  store: Store;
  clock: Clock;
  privacy: PrivacyRequests;
  /** Closed rounds are purged this many months after their close (RETENTION_MONTHS). */
  retentionMonths: number;
}

export class Retention {
  constructor(private readonly deps: RetentionDeps) {}

  /** Schedules (or moves) the purge of every closed round, e.g. after RETENTION_MONTHS changed. Idempotent. */
  async scheduleRetention(): Promise<number> {
    const { store, retentionMonths } = this.deps;
    let count = 0;
    for (const tenant of await store.listTenants()) {
      for (const round of await store.listRounds(tenant)) {
        const job = retentionJob(round, retentionMonths);
        if (!job) continue;
        await store.scheduleJobs([job]);
        count += 1;
      }
    }
    return count;
  }

  /** Purges a closed round once its retention has passed; false (and nothing deleted) before that. */
  async purgeIfExpired(tenant: string, roundId: string): Promise<boolean> {
    const { store, clock, privacy, retentionMonths } = this.deps;
    const round = await store.getRound(tenant, roundId);
    if (!round) return false;
    const job = retentionJob(round, retentionMonths);
    if (!job) return false;
    if (job.dueAt > clock.now()) {
      await store.scheduleJobs([job]);
      return false;
    }
    await privacy.purgeRound(tenant, roundId);
    return true;
  }
}
