// Compiles a round's review calendar into durable, deterministically named jobs.
import { digestTimes, factorWindows, reminderTimes } from './calendar.js';
import type { Round } from './model.js';
import type { Job, JobKind } from './ports.js';

/** A round's job id: `<tenant>:<round>:<kind>[:<suffix>]`. Deterministic, so scheduling twice replaces. */
export function jobId(round: Pick<Round, 'tenant' | 'id'>, kind: JobKind, suffix?: string): string {
  return `${round.tenant}:${round.id}:${kind}${suffix === undefined ? '' : `:${suffix}`}`;
}

/** A round's job; its id from jobId. */
export function roundJob(round: Pick<Round, 'tenant' | 'id'>, kind: JobKind, dueAt: number, suffix?: string, payload: Record<string, unknown> = {}): Job {
  return { id: jobId(round, kind, suffix), kind, tenant: round.tenant, roundId: round.id, dueAt, payload, attempts: 0 };
}

function job(round: Round, kind: JobKind, dueAt: number, suffix: string, payload: Record<string, unknown> = {}): Job {
  return {
    id: jobId(round, kind, suffix),
    kind,
    tenant: round.tenant,
    roundId: round.id,
    dueAt,
    payload,
    attempts: 0,
  };
}

/**
 * Jobs for an opened round: staggered factor openings still in the future, reminders, weekly digests and the auto-close.
 * Ids are deterministic, so compiling twice replaces rather than duplicates.
 */
export function compileJobs(round: Round, now: number): Job[] {
  const windows = factorWindows(round.calendar, round.factorIds);
  const jobs: Job[] = [];
  for (const w of windows) {
    const at = Date.parse(w.opensAt);
    if (at > now) jobs.push(job(round, 'factor-open', at, w.factorId, { factorId: w.factorId }));
  }
  for (const r of reminderTimes(round.calendar, windows)) {
    const at = Date.parse(r.at);
    if (at > now) jobs.push(job(round, 'reminder', at, r.at, { factorIds: r.factorIds }));
  }
  if (round.managers.length > 0) {
    for (const d of digestTimes(round.calendar)) {
      const at = Date.parse(d);
      if (at > now) jobs.push(job(round, 'weekly-digest', at, d));
    }
  }
  jobs.push(job(round, 'auto-close', Math.max(now, Date.parse(round.calendar.closesAt)), 'close'));
  return jobs;
}
