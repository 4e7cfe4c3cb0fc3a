// The durable job queue in Redis: jobs by id, a due-time index the scheduler claims from, and a set per round.
//
// All job keys share the `{jobs}` slot, so scheduling, claiming and cancelling are single scripts (see keys.ts).
import type { Job, JobKind } from '../../core/ports.js';
import type { Keys } from '../keys.js';
import type { RedisClient } from './client.js';
import { byDue, parseJob } from './replies.js';
import type { JobKeys, StoreScripts, TripRunner } from './scripts.js';

export class RedisJobQueue {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
    private readonly scripts: StoreScripts,
    private readonly trip: TripRunner,
  ) {}

  private jobKeys(): JobKeys {
    return { due: this.keys.jobsDue(), data: this.keys.jobsData(), owner: this.keys.jobsOwner() };
  }

  async schedule(jobs: Job[]): Promise<void> {
    await this.scripts.scheduleJobs(
      this.jobKeys(),
      jobs.map((job) => ({ id: job.id, json: JSON.stringify(job), dueAt: job.dueAt, roundSet: this.keys.roundJobs(job.tenant, job.roundId) })),
    );
  }

  async claim(now: number, limit: number, leaseMs: number): Promise<Job[]> {
    if (limit <= 0) return [];
    const jsons = await this.scripts.claimJobs(this.jobKeys(), { now, limit: Math.floor(limit), leaseUntil: now + leaseMs });
    return jsons.map(parseJob);
  }

  async complete(jobId: string): Promise<void> {
    await this.scripts.completeJob(this.jobKeys(), { id: jobId });
  }

  async retry(job: Job, nextDueAt: number, error: string): Promise<void> {
    const next: Job = { ...job, dueAt: nextDueAt, lastError: error };
    await this.scripts.retryJob(this.jobKeys(), { id: job.id, json: JSON.stringify(next), dueAt: nextDueAt });
  }

  async cancelRound(tenant: string, roundId: string, kinds?: JobKind[]): Promise<void> {
    if (kinds !== undefined && kinds.length === 0) return;
    await this.scripts.cancelJobs({ ...this.jobKeys(), roundSet: this.keys.roundJobs(tenant, roundId) }, { kinds: kinds ?? [] });
  }

  async list(tenant?: string, roundId?: string): Promise<Job[]> {
    let jobs: Job[];
    if (tenant !== undefined && roundId !== undefined) {
      const ids = await this.trip(() => this.client.smembers(this.keys.roundJobs(tenant, roundId)));
      if (ids.length === 0) return [];
      const jsons = await this.trip(() => this.client.hmget(this.keys.jobsData(), ...ids));
      jobs = jsons.filter((j): j is string => j !== null).map(parseJob);
    } else {
      const all = await this.trip(() => this.client.hgetall(this.keys.jobsData()));
      jobs = Object.values(all).map(parseJob);
    }
    return jobs
      .filter((j) => (tenant === undefined || j.tenant === tenant) && (roundId === undefined || j.roundId === roundId))
      .sort(byDue);
  }
}
