// The durable job queue in Redis: BUCKETS queues (keys.ts), each with jobs by id, a due-time index the scheduler
// claims from, and a set per round.
//
// A job lives in the bucket of its id, and all of a bucket's keys share its `{jobs:<b>}` slot, so scheduling,
// claiming, completing and retrying a job are each one script on one slot: a claim leases a job atomically, exactly
// once across replicas. A claim looks at every bucket and takes the earliest due jobs overall; cancelling a round's
// jobs runs one script per bucket.
import type { Job, JobKind } from '../../core/ports.js';
import { BUCKETS, bucketOf, type Keys } from '../keys.js';
import type { RedisClient } from './client.js';
import { byDue, pairs, parseJob } from './replies.js';
import type { StoreScripts, TripRunner } from './scripts.js';

const ALL_BUCKETS = Array.from({ length: BUCKETS }, (_, b) => b);

export class RedisJobQueue {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
    private readonly scripts: StoreScripts,
    private readonly trip: TripRunner,
  ) {}

  async schedule(jobs: Job[]): Promise<void> {
    const byBucket = new Map<number, Job[]>();
    for (const job of jobs) {
      const b = bucketOf(job.id);
      byBucket.set(b, [...(byBucket.get(b) ?? []), job]);
    }
    await Promise.all(
      [...byBucket].map(([b, some]) =>
        this.scripts.scheduleJobs(
          this.keys.jobBucket(b),
          some.map((job) => ({ id: job.id, json: JSON.stringify(job), dueAt: job.dueAt, roundSet: this.keys.roundJobs(b, job.tenant, job.roundId) })),
        ),
      ),
    );
  }

  /**
   * Looks at the `limit` earliest due jobs over all buckets (a ZRANGEBYSCORE per bucket, in parallel) to decide how
   * many to take from each bucket, then leases that many from each with one atomic script per bucket, earliest first.
   * A job another replica leased in between is not there for the script, which takes the bucket's next due job
   * instead: each job is claimed exactly once, and concurrent replicas do not starve each other. Returned in due order.
   */
  async claim(now: number, limit: number, leaseMs: number): Promise<Job[]> {
    const n = Math.floor(limit);
    if (n <= 0) return [];
    const peeks = await Promise.all(
      ALL_BUCKETS.map((b) => this.trip(() => this.client.zrangebyscore(this.keys.jobBucket(b).due, '-inf', now, 'WITHSCORES', 'LIMIT', 0, n))),
    );
    const picked = peeks
      .flatMap((flat, b) => pairs(flat).map(([id, score]) => ({ id, due: Number(score), b })))
      .sort((x, y) => x.due - y.due || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
      .slice(0, n);
    const perBucket = new Map<number, number>();
    for (const p of picked) perBucket.set(p.b, (perBucket.get(p.b) ?? 0) + 1);
    const claimed = await Promise.all(
      [...perBucket].map(([b, count]) => this.scripts.claimJobs(this.keys.jobBucket(b), { now, limit: count, leaseUntil: now + leaseMs })),
    );
    return claimed
      .flat()
      .map(parseJob)
      .sort((x, y) => x.dueAt - y.dueAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  }

  async complete(jobId: string): Promise<void> {
    await this.scripts.completeJob(this.keys.jobBucket(bucketOf(jobId)), { id: jobId });
  }

  async retry(job: Job, nextDueAt: number, error: string): Promise<void> {
    const next: Job = { ...job, dueAt: nextDueAt, lastError: error };
    await this.scripts.retryJob(this.keys.jobBucket(bucketOf(job.id)), { id: job.id, json: JSON.stringify(next), dueAt: nextDueAt });
  }

  async cancelRound(tenant: string, roundId: string, kinds?: JobKind[]): Promise<void> {
    if (kinds !== undefined && kinds.length === 0) return;
    await Promise.all(
      ALL_BUCKETS.map((b) =>
        this.scripts.cancelJobs({ ...this.keys.jobBucket(b), roundSet: this.keys.roundJobs(b, tenant, roundId) }, { kinds: kinds ?? [] }),
      ),
    );
  }

  async list(tenant?: string, roundId?: string): Promise<Job[]> {
    const perBucket = await Promise.all(ALL_BUCKETS.map((b) => this.listBucket(b, tenant, roundId)));
    return perBucket
      .flat()
      .filter((j) => (tenant === undefined || j.tenant === tenant) && (roundId === undefined || j.roundId === roundId))
      .sort(byDue);
  }

  private async listBucket(b: number, tenant?: string, roundId?: string): Promise<Job[]> {
    const { data } = this.keys.jobBucket(b);
    if (tenant !== undefined && roundId !== undefined) {
      const ids = await this.trip(() => this.client.smembers(this.keys.roundJobs(b, tenant, roundId)));
      if (ids.length === 0) return [];
      const jsons = await this.trip(() => this.client.hmget(data, ...ids));
      return jsons.filter((j): j is string => j !== null).map(parseJob);
    }
    const all = await this.trip(() => this.client.hgetall(data));
    return Object.values(all).map(parseJob);
  }
}
