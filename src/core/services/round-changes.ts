// What a coordinator fixes in a round after it has started: reopen a closed round, move its close date, add or remove
// participants. The calendar's jobs follow each change: they are compiled again and replace the old ones (idempotent).
import { DateTime } from 'luxon';
import { validateCalendar } from '../calendar.js';
import { AppError } from '../errors.js';
import { compileJobs } from '../jobs.js';
import { assertCoordinator } from '../lifecycle.js';
import type { Round } from '../model.js';
import { ownValue } from '../own.js';
import type { JobKind } from '../ports.js';
import { nowIso, type Actor, type CoreDeps } from './context.js';

/** The calendar's own jobs; a change cancels them all and compiles them again from the changed round. */
const CALENDAR_JOBS: JobKind[] = ['factor-open', 'reminder', 'weekly-digest', 'auto-close'];

/** A reopened round with no later close date stays open this many days. */
export const REOPEN_DEFAULT_DAYS = 7;

/** The instant a local date (YYYY-MM-DD) closes at: the round's own closing time of day, in its timezone. */
export function closeInstant(round: Round, date: string): number {
  const zone = round.calendar.timezone;
  const day = DateTime.fromISO(date, { zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date.trim()) || !day.isValid) throw new AppError('INVALID_DATE', { date: date.slice(0, 40) });
  const old = DateTime.fromISO(round.calendar.closesAt, { setZone: true }).setZone(zone);
  return day.set({ hour: old.hour, minute: old.minute, second: 0, millisecond: 0 }).toMillis();
}

/** An open anonymous round keeps everyone it has: see changeParticipants. */
function assertRemovable(round: Round, remove: ReadonlySet<string>): void {
  if (round.anonymous && round.participants.some((id) => remove.has(id))) throw new AppError('ANONYMOUS_PARTICIPANT_REMOVE');
}

export class RoundChanges {
  constructor(private readonly deps: CoreDeps) {}

  /** Jobs follow the round: the calendar's jobs are cancelled and compiled again (same ids, so running twice is harmless). */
  private async reschedule(round: Round): Promise<void> {
    const { store, clock } = this.deps;
    await store.cancelRoundJobs(round.tenant, round.id, CALENDAR_JOBS);
    await store.scheduleJobs(compileJobs(round, clock.now()));
  }

  /**
   * Reopens a closed round (its coordinator), until `closeDate` (YYYY-MM-DD) or, when none is given and the old close
   * date has passed, for REOPEN_DEFAULT_DAYS days. Votes and answers stay; the final digest comes again when it closes.
   */
  async reopenRound(tenant: string, roundId: string, actor: Actor, closeDate?: string): Promise<Round> {
    const { store, clock, read } = this.deps;
    const current = await read.getRound(tenant, roundId);
    assertCoordinator(current, actor.id);
    if (current.status === 'open' || current.status === 'draft') throw new AppError('ROUND_STILL_OPEN');
    if (current.status !== 'closed') throw new AppError('ILLEGAL_TRANSITION', { from: current.status, to: 'open' });
    // An anonymous round publishes its answers once nobody can add one (anonymity.ts answersFinal): reopened, the next
    // close would show, beside the first, exactly what the people who answered in between wrote and voted.
    if (current.anonymous) throw new AppError('ANONYMOUS_REOPEN');
    const now = clock.now();
    const closesAt = closeDate
      ? closeInstant(current, closeDate)
      : Math.max(Date.parse(current.calendar.closesAt), closeInstant(current, DateTime.fromMillis(now, { zone: current.calendar.timezone }).plus({ days: REOPEN_DEFAULT_DAYS }).toISODate()!));
    if (closesAt <= now) throw new AppError('CLOSE_DATE_NOT_LATER', { date: closeDate ?? '' });
    const other = await read.activeRoundId(tenant, current.channel.id);
    if (other && other !== roundId) {
      const active = await read.findRound(tenant, other);
      if (active && (active.status === 'open' || active.status === 'draft')) throw new AppError('ROUND_ALREADY_OPEN_IN_CHANNEL');
    }
    const calendar = { ...current.calendar, closesAt: new Date(closesAt).toISOString() };
    validateCalendar(calendar);
    const reopened = await store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      if (r.status !== 'closed') throw new AppError('ROUND_STILL_OPEN');
      if (r.anonymous) throw new AppError('ANONYMOUS_REOPEN');
      const { closedAt: _closed, ...rest } = r;
      return { ...rest, status: 'open', calendar: { ...r.calendar, closesAt: calendar.closesAt }, reopenedAt: nowIso(clock) };
    });
    // The final digest of the first close is history; a purge scheduled from it would come too early.
    await store.cancelRoundJobs(tenant, roundId, ['final-digest', 'retention-purge']);
    await store.setActiveRoundForChannel(tenant, reopened.channel.id, reopened.id);
    await this.reschedule(reopened);
    return reopened;
  }

  /** Moves an open round's close date (later or earlier, never into the past); due dates, reminders and digests follow. */
  async extendRound(tenant: string, roundId: string, actor: Actor, closeDate: string): Promise<Round> {
    const { store, clock, read } = this.deps;
    const current = await read.getRound(tenant, roundId);
    assertCoordinator(current, actor.id);
    if (current.status !== 'open') throw new AppError('ROUND_CLOSED');
    const closesAt = closeInstant(current, closeDate);
    if (closesAt <= clock.now() || closesAt <= Date.parse(current.calendar.opensAt)) throw new AppError('CLOSE_DATE_NOT_LATER', { date: closeDate });
    const closesIso = new Date(closesAt).toISOString();
    validateCalendar({ ...current.calendar, closesAt: closesIso });
    const changed = await store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      if (r.status !== 'open') throw new AppError('ROUND_CLOSED');
      return { ...r, calendar: { ...r.calendar, closesAt: closesIso } };
    });
    await this.reschedule(changed);
    return changed;
  }

  /**
   * Adds or removes participants of an open round. Votes already given stay; reminders and the pending list follow the
   * new list at once, as they read it when they run. An open anonymous round only grows: removing someone and watching
   * `pending`, `remind` or the digest's count would show whether that person had voted (ANONYMOUS_PARTICIPANT_REMOVE,
   * checked again inside the write, so nothing is stored). Only participants vote, so a person added cannot have voted.
   */
  async changeParticipants(
    tenant: string,
    roundId: string,
    actor: Actor,
    change: { add?: string[]; remove?: string[]; names?: Record<string, string> },
  ): Promise<{ round: Round; added: string[]; removed: string[] }> {
    const { store, read } = this.deps;
    const current = await read.getRound(tenant, roundId);
    assertCoordinator(current, actor.id);
    if (current.status !== 'open') throw new AppError('ROUND_CLOSED');
    const add = [...new Set(change.add ?? [])];
    const remove = new Set(change.remove ?? []);
    assertRemovable(current, remove);
    const reviewer = add.find((id) => current.reviewers.includes(id) || current.reviewLead === id);
    if (reviewer) throw new AppError('REVIEWER_IS_PARTICIPANT', { member: ownValue(change.names, reviewer) ?? ownValue(current.names, reviewer) ?? reviewer });
    let added: string[] = [];
    let removed: string[] = [];
    const round = await store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      if (r.status !== 'open') throw new AppError('ROUND_CLOSED');
      assertRemovable(r, remove);
      added = add.filter((id) => !r.participants.includes(id) && !remove.has(id));
      removed = r.participants.filter((id) => remove.has(id));
      if (added.length === 0 && removed.length === 0) return r;
      const names = { ...r.names };
      for (const id of added) {
        const name = ownValue(change.names, id);
        if (typeof name === 'string' && name) names[id] = name;
      }
      return { ...r, participants: [...r.participants.filter((id) => !remove.has(id)), ...added], names };
    });
    return { round, added, removed };
  }
}
