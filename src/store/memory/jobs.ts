// The embedded store's job queue: the same leases and order as the Redis queue, over a map of job entries.
import type { Job, JobKind } from '../../core/ports.js';
import type { JobEntry } from './state.js';

function byDue(a: Job, b: Job): number {
  return a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Each method reports whether it changed anything, so the store knows when to save its file. */
export class MemoryJobQueue {
  constructor(private readonly entries: Map<string, JobEntry>) {}

  schedule(jobs: Job[]): boolean {
    for (const job of jobs) this.entries.set(job.id, { json: JSON.stringify(job), score: job.dueAt });
    return jobs.length > 0;
  }

  claim(now: number, limit: number, leaseMs: number): Job[] {
    const due = [...this.entries]
      .filter(([, e]) => e.score <= now)
      .sort(([a, x], [b, y]) => x.score - y.score || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, Math.floor(limit));
    for (const [, entry] of due) entry.score = now + leaseMs;
    return due.map(([, e]) => JSON.parse(e.json) as Job);
  }

  complete(jobId: string): boolean {
    return this.entries.delete(jobId);
  }

  /** A job cancelled meanwhile stays cancelled. */
  retry(job: Job, nextDueAt: number, error: string): boolean {
    if (!this.entries.has(job.id)) return false;
    const next: Job = { ...job, dueAt: nextDueAt, lastError: error };
    this.entries.set(job.id, { json: JSON.stringify(next), score: nextDueAt });
    return true;
  }

  /** Drops a round's jobs, only those of `kinds` when given. */
  cancelRound(tenant: string, roundId: string, kinds?: JobKind[]): boolean {
    let changed = false;
    for (const [id, entry] of this.entries) {
      const job = JSON.parse(entry.json) as Job;
      if (job.tenant !== tenant || job.roundId !== roundId) continue;
      if (kinds === undefined || kinds.includes(job.kind)) changed = this.entries.delete(id) || changed;
    }
    return changed;
  }

  list(tenant?: string, roundId?: string): Job[] {
    return [...this.entries.values()]
      .map((e) => JSON.parse(e.json) as Job)
      .filter((j) => (tenant === undefined || j.tenant === tenant) && (roundId === undefined || j.roundId === roundId))
      .sort(byDue);
  }
}
