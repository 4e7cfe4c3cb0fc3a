// The core's delivery on a real Redis: a reminder reads its round once however many people it reaches, a fan-out longer
// than its time budget continues in a fresh lease without reminding anyone twice, markers live with their round, and
// a privacy erase, a retention purge or a tenant forget reads no other round's markers.
import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { channelMark, memberMark, onceMark, progressMark } from '../../src/core/delivery/marks.js';
import type { Job, Store } from '../../src/core/ports.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import type { RedisStore } from '../../src/store/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { RecordingMessenger, deliveryThrough } from '../helpers/recording-messenger.js';
import { COORD, dropPrefix, makeService, redisStore, settings } from '../helpers/world.js';

const stores: RedisStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) {
    await dropPrefix(s);
    await s.close();
  }
});

/** The store with every method call counted by name. */
function counting(store: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

async function roundOf(size: number, opts: { anonymous?: boolean } = {}) {
  const redis = await redisStore();
  stores.push(redis);
  const { store, calls } = counting(redis);
  const clock = new FakeClock(Date.parse('2026-03-02T06:00:00Z'));
  const { service } = makeService(store, clock);
  const people = Array.from({ length: size }, (_, i) => `U_P${String(i).padStart(5, '0')}`);
  const round = await service.startRound({
    tenant: 'T1',
    platform: 'slack',
    settings: settings({ participants: [COORD.id, ...people], ...(opts.anonymous ? { anonymous: true } : {}) }),
    actor: COORD,
  });
  // A third of them have voted on f01.
  for (const [i, member] of people.entries()) {
    if (i % 3 === 0) await service.castVote({ tenant: 'T1', roundId: round.id, factorId: 'f01', actor: { id: member }, level: 'partly', interactionId: `v${i}` });
  }
  return { redis, store, calls, clock, service, round, people };
}

function reminderJob(round: { tenant: string; id: string }, at: number, factorIds = ['f01', 'f02']): Job {
  return { id: `${round.tenant}:${round.id}:reminder:now`, kind: 'reminder', tenant: round.tenant, roundId: round.id, dueAt: at, payload: { factorIds }, attempts: 0 };
}

describe('reminders', () => {
  it('read the round once, whatever the number of people reminded, and remind each of them once', async () => {
    const seen: Record<number, number> = {};
    for (const size of [30, 300]) {
      const w = await roundOf(size);
      const port = new RecordingMessenger();
      const scheduler = new Scheduler({ store: w.store, service: w.service, delivery: deliveryThrough(port, { store: w.store, read: w.service.read, clock: w.clock }), clock: w.clock });
      await w.store.scheduleJobs([reminderJob(w.round, w.clock.now())]);
      w.calls.clear();
      await scheduler.drain();
      const reminded = port.of('reminder').map((r) => r.memberId);
      expect(reminded).toHaveLength(size + 1); // all pending on f02
      expect(new Set(reminded).size).toBe(reminded.length);
      expect(port.of('reminder').find((r) => r.memberId === 'U_P00000')!.factorIds).toEqual(['f02']);
      expect(port.of('reminder').find((r) => r.memberId === 'U_P00001')!.factorIds).toEqual(['f01', 'f02']);
      // One read of the round's votes, one of its markers; no per-person read at all.
      expect(w.calls.get('getSnapshot')).toBe(1);
      expect(w.calls.get('getMarks')).toBe(1);
      expect(w.calls.get('getMemberVote') ?? 0).toBe(0);
      seen[size] = [...w.calls.entries()].filter(([name]) => name.startsWith('get')).reduce((n, [, c]) => n + c, 0);
      // A marker per person reminded, in the round's own hash.
      expect(Object.keys(await w.redis.scanMarks('T1', w.round.id))).toHaveLength(size + 1);
    }
    expect(seen[300]).toBe(seen[30]);
  });

  it('a fan-out longer than its time budget continues in a fresh lease and reminds nobody twice', async () => {
    const w = await roundOf(40);
    const port = new RecordingMessenger();
    const slow = Object.assign(Object.create(port) as RecordingMessenger, {
      dm: async (...args: Parameters<RecordingMessenger['dm']>) => {
        await new Promise((r) => setTimeout(r, 5));
        return port.dm(...args);
      },
    });
    const delivery = deliveryThrough(slow, { store: w.store, read: w.service.read, clock: w.clock });
    const runs: string[] = [];
    const scheduler = new Scheduler({
      store: w.store, service: w.service, delivery, clock: w.clock, fanOutBudgetMs: 30,
      onJob: ({ job, outcome }) => void (job.kind === 'reminder' && runs.push(outcome)),
    });
    await w.store.scheduleJobs([reminderJob(w.round, w.clock.now())]);
    await scheduler.drain();
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.slice(0, -1).every((o) => o === 'retry')).toBe(true);
    expect(runs.at(-1)).toBe('done');
    const reminded = port.of('reminder').map((r) => r.memberId);
    expect(reminded).toHaveLength(41);
    expect(new Set(reminded).size).toBe(41);
    expect(await w.store.listJobs('T1', w.round.id)).not.toContainEqual(expect.objectContaining({ kind: 'reminder', id: reminderJob(w.round, 0).id }));
  });

  it('in an anonymous round keep one count-only marker per job, also across continued leases', async () => {
    const w = await roundOf(20, { anonymous: true });
    const port = new RecordingMessenger();
    let calls = 0;
    const slow = Object.assign(Object.create(port) as RecordingMessenger, {
      dm: async (...args: Parameters<RecordingMessenger['dm']>) => {
        await new Promise((r) => setTimeout(r, 5));
        calls += 1;
        return port.dm(...args);
      },
    });
    const scheduler = new Scheduler({ store: w.store, service: w.service, delivery: deliveryThrough(slow, { store: w.store, read: w.service.read, clock: w.clock }), clock: w.clock, fanOutBudgetMs: 20 });
    await w.store.scheduleJobs([reminderJob(w.round, w.clock.now())]);
    await scheduler.drain();
    expect(calls).toBe(21);
    const marks = await w.redis.scanMarks('T1', w.round.id);
    expect(marks).toEqual({ [progressMark(reminderJob(w.round, 0).id)]: { sent: 21, of: 21 } });
    expect(JSON.stringify(marks)).not.toMatch(/U_P|U_CORA|anon-/);
  });
});

describe('markers with the round', () => {
  /** Every command Redis receives while `fn` runs, as its arguments. */
  async function monitored(redis: RedisStore, fn: () => Promise<unknown>): Promise<string[][]> {
    const monitor: Redis = await (redis.client as Redis).monitor();
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => void seen.push(args.map(String)));
    await new Promise((r) => setTimeout(r, 50));
    try {
      await fn();
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      monitor.disconnect();
    }
    return seen.filter((args) => args.some((a) => a.startsWith(redis.keys.prefix)));
  }

  it('a privacy erase, a retention purge and a tenant forget touch only their own rounds\u2019 markers', async () => {
    const w = await roundOf(3);
    const jobId = reminderJob(w.round, 0).id;
    await w.redis.putMarks('T1', w.round.id, { [memberMark(jobId, 'U_P00001')]: { at: 1 }, [memberMark(jobId, 'U_P00002')]: { at: 1 }, [channelMark('x')]: { at: 1 } }, 60_000);
    // 40 rounds of another workspace, each with markers naming a person of the same id.
    const others: string[] = [];
    for (let i = 0; i < 40; i++) {
      const other = await w.service.startRound({ tenant: 'T_OTHER', platform: 'slack', settings: settings({ channelId: `C_O${i}`, participants: [COORD.id, 'U_P00001'] }), actor: COORD });
      others.push(other.id);
      await w.redis.putMarks('T_OTHER', other.id, { [memberMark(`T_OTHER:${other.id}:reminder:now`, 'U_P00001')]: { at: 1 } }, 60_000);
    }
    const otherTenant = w.redis.keys.roundBase('T_OTHER', others[0]!).split(':{')[0]!;
    const markerCommands = (cmds: string[][]) => cmds.filter((args) => args.some((a) => a.endsWith(':sent')));

    const erase = await monitored(w.redis, () => w.service.privacy.erasePerson('T1', 'U_P00001'));
    expect(erase.filter((args) => args.some((a) => a.startsWith(otherTenant)))).toEqual([]);
    expect(erase.filter((args) => args.some((a) => a.endsWith(':rec:sent')))).toEqual([]);
    expect(markerCommands(erase).length).toBeGreaterThan(0);
    expect(Object.keys(await w.redis.scanMarks('T1', w.round.id)).sort()).toEqual([channelMark('x'), memberMark(jobId, 'U_P00002')].sort());
    for (const id of others) expect(Object.keys(await w.redis.scanMarks('T_OTHER', id))).toHaveLength(1);

    const purge = await monitored(w.redis, () => w.service.privacy.purgeRound('T1', w.round.id));
    expect(purge.filter((args) => args.some((a) => a.startsWith(otherTenant)))).toEqual([]);
    expect(markerCommands(purge).every((args) => args[0]!.toLowerCase() === 'del')).toBe(true);
    expect(await w.redis.scanMarks('T1', w.round.id)).toEqual({});

    // Forgetting the other workspace deletes its rounds and their markers, one round at a time, reading none of them.
    const forget = await monitored(w.redis, () => w.service.privacy.forgetTenant('T_OTHER'));
    expect(markerCommands(forget).map((args) => args[0]!.toLowerCase())).toEqual(others.map(() => 'del'));
    for (const id of others) expect(await w.redis.scanMarks('T_OTHER', id)).toEqual({});
  });

  it('migration 4 moves the old deployment-wide markers into their rounds, with the TTL, and drops the old hash', async () => {
    const w = await roundOf(2);
    const r = w.round.id;
    const legacy = w.redis.keys.records('sent');
    await w.redis.client.hset(legacy, {
      [`T1:${r}:reminder:2026-03-05T08:00:00.000Z|U_P00001`]: JSON.stringify({ at: 5 }),
      [`T1:${r}:weekly-digest:2026-03-09T07:30:00.000Z|progress`]: JSON.stringify({ sent: 1, of: 1 }),
      [`slack-final|T1|${r}|channel`]: JSON.stringify({ at: 6 }),
      [`teams-final|T1|${r}|U_MANAGER`]: JSON.stringify({ at: 7 }),
      [`teams-too-large|T1|${r}|final`]: JSON.stringify({ at: 8 }),
      [`T1:gone-round:reminder:x|U_P00001`]: JSON.stringify({ at: 9 }),
      ['not a marker']: JSON.stringify({ at: 10 }),
    });
    await w.redis.client.set(w.redis.keys.schemaVersion(), '2');
    expect(await w.redis.migrate()).toEqual({ from: 2, to: 3 });
    expect(await w.redis.client.exists(legacy)).toBe(0);
    expect(await w.redis.scanMarks('T1', w.round.id)).toEqual({
      [memberMark(`T1:${r}:reminder:2026-03-05T08:00:00.000Z`, 'U_P00001')]: { at: 5 },
      [progressMark(`T1:${r}:weekly-digest:2026-03-09T07:30:00.000Z`)]: { sent: 1, of: 1 },
      [channelMark(`T1:${r}:final-digest`)]: { at: 6 },
      [memberMark(`T1:${r}:final-digest`, 'U_MANAGER')]: { at: 7 },
      [onceMark('too-large:final')]: { at: 8 },
    });
    const ttl = await w.redis.client.pttl(w.redis.keys.round('T1', w.round.id).marks);
    expect(ttl).toBeGreaterThan(20 * 24 * 3600 * 1000);
    expect(await w.redis.scanMarks('T1', 'gone-round')).toEqual({});
  });
});
