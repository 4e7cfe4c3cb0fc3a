// The durable scheduler on a real Redis with a fake clock: DST reminders, catch-up, several replicas, retries.
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisStore } from '../../src/store/index.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { RecordingMessenger, deliveryThrough } from '../helpers/recording-messenger.js';
import { COORD, MEMBERS, dropPrefix, makeService, redisStore, settings } from '../helpers/world.js';

const stores: RedisStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) {
    await dropPrefix(s);
    await s.close();
  }
});

async function world(startIso: string, partial = {}) {
  const store = await redisStore();
  stores.push(store);
  const clock = new FakeClock(Date.parse(startIso));
  const { service } = makeService(store, clock);
  const messenger = new RecordingMessenger();
  const delivery = deliveryThrough(messenger, { store, read: service.read, clock });
  const scheduler = new Scheduler({ store, service, delivery, clock });
  const round = await service.startRound({ tenant: 'T1', platform: 'slack', settings: settings(partial), actor: COORD });
  return { store, clock, service, messenger, delivery, scheduler, round };
}

describe('scheduler', () => {
  it('a reminder across the Europe/Stockholm spring DST change fires once, at 09:00 local', async () => {
    // Due Monday 30 March 17:00; the reminder two days before is Saturday 28 March 09:00 CET = 08:00 UTC.
    // Summer time starts Sunday 29 March.
    const w = await world('2026-03-16T09:00:00Z', { startDate: '2026-03-16', closeDate: '2026-03-30', digestEnabled: false });
    await w.service.castVote({ tenant: 'T1', roundId: w.round.id, factorId: 'f01', actor: { id: 'U_ANNA' }, level: 'partly', interactionId: 'i1' });
    w.clock.set('2026-03-28T07:59:00Z');
    await w.scheduler.drain();
    expect(w.messenger.of('reminder')).toHaveLength(0);
    w.clock.set('2026-03-28T08:00:00Z');
    await w.scheduler.drain();
    const reminders = w.messenger.of('reminder');
    expect(reminders.map((r) => r.memberId).sort()).toEqual([COORD.id, ...MEMBERS].sort());
    // Anna voted on f01, so her reminder names the other 12 factors only.
    expect(reminders.find((r) => r.memberId === 'U_ANNA')!.factorIds).not.toContain('f01');
    expect(reminders.find((r) => r.memberId === 'U_BO')!.factorIds).toHaveLength(13);
    w.clock.set('2026-03-29T12:00:00Z');
    await w.scheduler.drain();
    w.clock.set('2026-03-30T10:00:00Z');
    await w.scheduler.drain();
    expect(w.messenger.of('reminder')).toHaveLength(reminders.length);
  });

  it('after two days down mid-round, the missed digest runs once and stale reminders do not burst', async () => {
    const w = await world('2026-03-02T06:00:00Z', { startDate: '2026-03-02', closeDate: '2026-03-20' });
    // Reminder due Wed 18 March 09:00; weekly digest Mon 16 March 08:00. Down from Sat 14 to Thu 19 March.
    w.clock.set('2026-03-14T12:00:00Z');
    await w.scheduler.drain();
    const before = { reminders: w.messenger.of('reminder').length, weekly: w.messenger.of('weekly').length };
    w.clock.set('2026-03-19T10:00:00Z');
    await w.scheduler.drain();
    expect(w.messenger.of('reminder')).toHaveLength(before.reminders);
    expect(w.messenger.of('weekly')).toHaveLength(before.weekly + 1);
    await w.scheduler.drain();
    expect(w.messenger.of('weekly')).toHaveLength(before.weekly + 1);
  });

  it('after downtime past the close, the close and the final digest run exactly once', async () => {
    const w = await world('2026-03-02T06:00:00Z', { pacing: 'staggered', startDate: '2026-03-02', closeDate: '2026-03-20' });
    w.clock.set('2026-03-22T12:00:00Z');
    const r = await w.scheduler.drain();
    expect(r.claimed).toBeGreaterThan(0);
    expect(w.messenger.of('reminder')).toHaveLength(0);
    expect(w.messenger.of('weekly')).toHaveLength(0);
    expect(w.messenger.of('final')).toHaveLength(1);
    expect((await w.service.getRound('T1', w.round.id)).status).toBe('closed');
    const again = await w.scheduler.drain();
    expect(again.claimed).toBe(0);
    expect(w.messenger.of('final')).toHaveLength(1);
    // Only the retention purge is left, RETENTION_MONTHS after the close.
    expect((await w.store.listJobs('T1', w.round.id)).map((j) => j.kind)).toEqual(['retention-purge']);
  });

  it('staggered openings post each factor card once, when it opens', async () => {
    const w = await world('2026-03-02T06:00:00Z', { pacing: 'staggered', startDate: '2026-03-02', closeDate: '2026-04-30', remindersEnabled: false, digestEnabled: false });
    w.clock.set('2026-03-05T12:00:00Z');
    await w.scheduler.drain();
    expect(w.messenger.of('card').map((c) => c.factorId)).toEqual(['f02']);
    w.clock.set('2026-03-06T12:00:00Z');
    await w.scheduler.drain();
    await w.scheduler.drain();
    expect(w.messenger.of('card').map((c) => c.factorId)).toEqual(['f02', 'f03']);
  });

  it('three scheduler instances on one Redis run each job exactly once', async () => {
    const w = await world('2026-03-02T06:00:00Z', { pacing: 'staggered', startDate: '2026-03-02', closeDate: '2026-04-30' });
    const replicas = [w.scheduler, new Scheduler({ store: w.store, service: w.service, delivery: w.delivery, clock: w.clock }), new Scheduler({ store: w.store, service: w.service, delivery: w.delivery, clock: w.clock })];
    // Walk through the whole calendar a few hours at a time, ticking all replicas concurrently.
    for (let t = Date.parse('2026-03-02T06:00:00Z'); t <= Date.parse('2026-05-01T00:00:00Z'); t += 3 * 3600 * 1000) {
      w.clock.set(t);
      await Promise.all(replicas.map((s) => s.tick()));
    }
    const cards = w.messenger.of('card').map((c) => c.factorId);
    expect(cards).toHaveLength(12);
    expect(new Set(cards).size).toBe(12);
    const reminderKeys = w.messenger.of('reminder').map((r) => `${r.memberId}|${r.factorIds.join(',')}`);
    expect(new Set(reminderKeys).size).toBe(reminderKeys.length);
    const weekly = w.messenger.of('weekly');
    // Mondays 2 March … 27 April at 08:00, one digest per manager each.
    expect(weekly.length).toBe(9);
    expect(new Set(weekly.map((d) => d.managerId))).toEqual(new Set(['U_MANAGER']));
    expect(w.messenger.of('final')).toHaveLength(1);
  });

  it('a job whose handler throws is retried with backoff, and resumes without re-sending', async () => {
    const w = await world('2026-03-02T06:00:00Z', { startDate: '2026-03-02', closeDate: '2026-03-20', remindersEnabled: false, digestEnabled: false });
    await w.service.closeRound('T1', w.round.id, COORD);
    w.messenger.failNext = 1;
    const first = await w.scheduler.tick();
    expect(first.failed).toBe(1);
    expect(w.messenger.of('final')).toHaveLength(0);
    const [job] = await w.store.listJobs('T1', w.round.id);
    expect(job).toMatchObject({ kind: 'final-digest', attempts: 1 });
    expect(job!.dueAt).toBeGreaterThan(w.clock.now());
    expect((await w.scheduler.tick()).claimed).toBe(0);
    w.clock.advance(5 * 60 * 1000);
    const second = await w.scheduler.tick();
    expect(second.done).toBe(1);
    expect(w.messenger.of('final')).toHaveLength(1);
  });
});
