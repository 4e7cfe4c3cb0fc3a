// Privacy erasure, a retention purge and forgetting a tenant read what they remove, not the deployment (#18 item 3):
// the same tenant's data is erased, purged and forgotten once beside no other tenant and once beside 199 others, and
// the bytes the store's connection received from Redis (and its round trips) are compared. Records stored before the
// per-tenant indexes (schema 4) are indexed by migration 5, on one server and on a Cluster.
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { RedisStore } from '../../src/store/index.js';
import { SCHEMA_VERSION } from '../../src/store/redis/migrations.js';
import { deleteKeysWithPrefix } from '../helpers/redis-prefix.js';
import { COORD, makeService, redisStore, requiredEnv, settings, testPrefix } from '../helpers/world.js';

const T0 = 'T_ZERO';
const FILLER = 'x'.repeat(300);

/** One tenant's records in every collection privacy requests read, written as schema 4 stored them (no index). */
function legacyRecords(tenant: string, roundId: string): Record<string, Record<string, string>> {
  const json = (v: unknown) => JSON.stringify(v);
  const deadJobs: Record<string, string> = {};
  for (let j = 0; j < 5; j++) {
    const id = `${tenant}:${roundId}:reminder:${j}|U_${j}`;
    deadJobs[id] = json({ id, kind: 'reminder', tenant, roundId, dueAt: 1, payload: { note: FILLER }, attempts: 5, lastError: 'gone' });
  }
  const refs: Record<string, string> = { [`conv|${tenant}|19:chan`]: json({ kind: 'conversation', tenant, key: '19:chan', ref: { note: FILLER }, savedAt: '2026-01-01T00:00:00Z' }) };
  for (let j = 0; j < 8; j++) {
    refs[`user|${tenant}|29:u${j}`] = json({ kind: 'user', tenant, userId: `29:u${j}`, serviceUrl: 'https://smba.example/', botId: 'b', channelId: 'msteams', note: FILLER, savedAt: '2026-01-01T00:00:00Z' });
  }
  const audit: Record<string, string> = {};
  for (let j = 0; j < 5; j++) audit[`2026-01-0${j + 1}T00:00:00.000Z|00000000${j}|${tenant}`] = json({ tenant, at: `2026-01-0${j + 1}T00:00:00.000Z`, asker: 'U_ADMIN', subject: `U_${j}`, action: 'export', outcome: 'allowed', note: FILLER });
  return {
    'dead-jobs': deadJobs,
    'teams-ref': refs,
    'privacy-audit': audit,
    'action-plans': { [`${tenant}|C_PLAN`]: json({ tenant, channelId: 'C_PLAN', roundIds: [roundId], coordinators: ['U_CORA'], note: FILLER }) },
    'slack-installations': { [tenant]: json({ team: { id: tenant }, bot: { token: `xoxb-${tenant}` }, note: FILLER }) },
  };
}

async function writeLegacy(store: RedisStore, tenants: string[]): Promise<void> {
  const client = store.client;
  for (const tenant of tenants) {
    await Promise.all(Object.entries(legacyRecords(tenant, `R_${tenant}`)).map(([collection, records]) => client.hset(store.keys.records(collection), records)));
  }
}

interface Cost {
  bytes: number;
  trips: number;
}

/** What one call costs: bytes the store's connection received from Redis, and its round trips. */
async function cost(store: RedisStore, fn: () => Promise<unknown>): Promise<Cost> {
  const socket = (store.client as Redis).stream;
  const bytes = socket.bytesRead;
  const trips = store.roundTrips();
  await fn();
  return { bytes: socket.bytesRead - bytes, trips: store.roundTrips() - trips };
}

/** A deployment holding `others` tenants besides T0, and T0 with a real round (votes, an answer) and records. */
async function deployment(others: number) {
  const store = await redisStore();
  const { service } = makeService(store);
  const names = { U_CORA: 'Cora', U_ANNA: 'Anna', U_BO: 'Bo' };
  const kept = await service.startRound({ tenant: T0, platform: 'slack', settings: settings({ channelId: 'C_KEPT' }), actor: COORD, names });
  const purged = await service.startRound({ tenant: T0, platform: 'slack', settings: settings({ channelId: 'C_PURGED' }), actor: COORD, names });
  const question = service.packs.get(kept.packId, kept.locale).keyFactors.find((k) => k.id === 'f01')!.questions[0]!.id;
  for (const round of [kept, purged]) {
    await service.castVote({ tenant: T0, roundId: round.id, factorId: 'f01', actor: { id: 'U_ANNA' }, level: 'partly', interactionId: `a-${round.id}` });
    await service.saveAnswer({ tenant: T0, roundId: round.id, factorId: 'f01', actor: { id: 'U_ANNA' }, texts: { [question]: 'Anna skriver' }, evidence: [] });
    await service.closeRound(T0, round.id, COORD);
  }
  // T0's records as the platforms and the scheduler write them now (indexed), naming Anna and both rounds.
  for (const round of [kept, purged]) {
    await store.putRecord('dead-jobs', `${T0}:${round.id}:reminder:x|U_ANNA`, { id: 'x', kind: 'reminder', tenant: T0, roundId: round.id, payload: { member: 'U_ANNA', note: FILLER } });
  }
  await store.putRecord('teams-ref', `user|${T0}|U_ANNA`, { kind: 'user', tenant: T0, userId: 'U_ANNA', serviceUrl: 'https://smba.example/', botId: 'b', channelId: 'msteams', savedAt: '2026-01-01T00:00:00Z' });
  // The other tenants (and more of T0's) as schema 4 left them: migration 5 indexes them.
  const tenants = [T0, ...Array.from({ length: others }, (_, i) => `T_OTHER_${i}`)];
  await writeLegacy(store, tenants);
  await (store.client as Redis).set(store.keys.schemaVersion(), '4');
  expect(await store.migrate()).toEqual({ from: 4, to: SCHEMA_VERSION });
  return { store, service, kept, purged };
}

describe('erase, purge and forget read what they remove, not the deployment', () => {
  const stores: RedisStore[] = [];

  afterAll(async () => {
    for (const store of stores) {
      await deleteKeysWithPrefix(store.client, store.keys.prefix);
      await store.close();
    }
  });

  it('1 tenant vs 200 tenants: the same bytes and round trips for an erase, a purge and a tenant forget', async () => {
    const results: Record<string, Record<string, Cost>> = {};
    let wholeCollection: Record<string, number> = {};
    for (const others of [0, 199]) {
      const { store, service, purged } = await deployment(others);
      stores.push(store);
      // Control: the read before this change (a whole collection) grows with the deployment in this very setup.
      wholeCollection = { ...wholeCollection, [others + 1]: (await cost(store, () => store.listRecords('teams-ref'))).bytes };
      const erased = await cost(store, () => service.privacy.erasePerson(T0, 'U_ANNA'));
      const purge = await cost(store, () => service.privacy.purgeRound(T0, purged.id));
      const forget = await cost(store, () => service.privacy.forgetTenant(T0));
      results[others + 1] = { erased, purge, forget };
      // Everything of T0 is gone, and only T0's: another tenant's records are all still there.
      for (const collection of ['dead-jobs', 'teams-ref', 'privacy-audit', 'action-plans', 'slack-installations']) {
        expect(await store.listRecords(collection, { tenant: T0 }), collection).toEqual({});
        if (others > 0) expect(Object.keys(await store.listRecords(collection, { tenant: 'T_OTHER_7' })).length, collection).toBeGreaterThan(0);
      }
      expect(await store.listRounds(T0)).toEqual([]);
    }
    console.log('privacy work, 1 tenant vs 200 tenants:', JSON.stringify(results), 'whole teams-ref collection bytes:', JSON.stringify(wholeCollection));
    for (const op of ['erased', 'purge', 'forget']) {
      const one = results[1]![op]!;
      const many = results[200]![op]!;
      // Round ids are random, so a few bytes differ; the work does not grow with the 199 other tenants.
      expect(many.trips, op).toBe(one.trips);
      expect(many.bytes, op).toBeLessThanOrEqual(one.bytes * 1.05 + 512);
    }
    // The control grows about 200-fold: this measurement would see a read of the whole collection.
    expect(wholeCollection[200]!).toBeGreaterThan(wholeCollection[1]! * 100);
  }, 120_000);

  it('migration 5 indexes records stored before it, on a Redis Cluster too', async () => {
    for (const url of [undefined, requiredEnv('REDIS_CLUSTER_URL')]) {
      const store = await redisStore(testPrefix(), url);
      stores.push(store);
      await writeLegacy(store, ['T_A', 'T_B']);
      await store.client.set(store.keys.schemaVersion(), '4');
      expect(await store.migrate()).toEqual({ from: 4, to: SCHEMA_VERSION });
      expect(Object.keys(await store.listRecords('teams-ref', { tenant: 'T_A' })).sort()).toEqual(Object.keys(legacyRecords('T_A', 'R_T_A')['teams-ref']!).sort());
      expect(Object.keys(await store.listRecords('dead-jobs', { tenant: 'T_B', roundId: 'R_T_B' })).length).toBe(5);
      expect(Object.keys(await store.listRecords('slack-installations', { tenant: 'T_B' }))).toEqual(['T_B']);
      expect(Object.keys(await store.listRecords('action-plans', { tenant: 'T_A', roundId: 'R_T_A' }))).toEqual(['T_A|C_PLAN']);
      // Running it again (another replica) changes nothing.
      await store.client.set(store.keys.schemaVersion(), '4');
      await store.migrate();
      expect(Object.keys(await store.listRecords('teams-ref', { tenant: 'T_A' })).length).toBe(9);
    }
  }, 60_000);
});
