// The store at national scale: with 1,000 tenants on a 3-master cluster, the job queue and the tenant indexes are
// spread over every master (no hot slot); schema 3 moves a store of the single-slot layout into the bucketed one.
import { randomBytes } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/core/ports.js';
import { RedisStore, createRedisClient, waitUntilReady } from '../../src/store/index.js';
import { BUCKETS, Keys } from '../../src/store/keys.js';
import { makeJob, makeRound } from '../contracts/store.contract.js';
import { deleteKeysWithPrefix } from '../helpers/redis-prefix.js';
import { REDIS_URL, requiredEnv } from '../helpers/world.js';

const opened: RedisStore[] = [];

async function open(url: string): Promise<RedisStore> {
  const client = createRedisClient(url);
  await waitUntilReady(client);
  const store = new RedisStore(client, { prefix: `test-scale-${randomBytes(5).toString('hex')}` });
  await store.migrate();
  opened.push(store);
  return store;
}

afterEach(async () => {
  for (const store of opened.splice(0)) {
    await deleteKeysWithPrefix(store.client, store.keys.prefix);
    await store.close();
  }
});

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** Every key under the prefix, by the master that holds it. */
async function keysByMaster(cluster: Cluster, prefix: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const node of cluster.nodes('master')) {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    out.set(`${node.options.host}:${node.options.port}`, found);
  }
  return out;
}

describe('no hot slot with 1,000 tenants on the cluster', () => {
  it('the job queue, the tenant indexes and the tenant set each live on every master', async () => {
    const store = await open(requiredEnv('REDIS_CLUSTER_URL'));
    const cluster = store.client as Cluster;
    const masters = cluster.nodes('master').length;
    expect(masters).toBe(3);
    const tenants = Array.from({ length: 1000 }, (_, i) => `T${String(i).padStart(4, '0')}`);
    await inBatches(tenants, 50, async (tenant) => {
      await store.createRound(makeRound({ tenant, id: 'r1' }));
      await store.setActiveRoundForChannel(tenant, 'C1', 'r1');
      await store.scheduleJobs(['reminder', 'weekly-digest', 'auto-close'].map((kind, k) => makeJob({ id: `${tenant}:r1:${kind}`, kind: kind as Job['kind'], tenant, roundId: 'r1', dueAt: 1_000 + k })));
    });

    const byMaster = await keysByMaster(cluster, store.keys.prefix);
    const family = (test: (key: string) => boolean) => [...byMaster].filter(([, keys]) => keys.some(test)).map(([node]) => node);
    const jobKey = (k: string) => /:\{jobs:\d+\}:(due|data)$/.test(k);
    const indexKey = (k: string) => /:\{t:[^}]+\}:(rounds|active)$/.test(k);
    const tenantSet = (k: string) => /:\{idx:\d+\}:tenants$/.test(k);
    expect(family(jobKey)).toHaveLength(masters);
    expect(family(indexKey)).toHaveLength(masters);
    expect(family(tenantSet)).toHaveLength(masters);

    // And by slot: as many hash tags as there are buckets or tenants, never one.
    const all = [...byMaster.values()].flat();
    const tags = (test: (key: string) => boolean) => new Set(all.filter(test).map((k) => /\{([^}]+)\}/.exec(k)![1]));
    expect(tags(jobKey).size).toBe(BUCKETS);
    expect(tags(indexKey).size).toBe(1000);
    expect(tags(tenantSet).size).toBe(BUCKETS);
    // Nothing left on the old single slots.
    expect(all.filter((k) => k.includes('{jobs}') || k.includes('{idx}'))).toEqual([]);

    // The queue still behaves as one: 3,000 jobs listed, claimed in due order, each once.
    expect((await store.listTenants()).length).toBe(1000);
    const claimed = await store.claimDueJobs(10_000, 5_000, 60_000);
    expect(claimed).toHaveLength(3000);
    expect(new Set(claimed.map((j) => j.id)).size).toBe(3000);
    expect(claimed.map((j) => j.dueAt)).toEqual([...claimed.map((j) => j.dueAt)].sort((a, b) => a - b));
    expect(await store.claimDueJobs(10_000, 5_000, 60_000)).toEqual([]);
  }, 120_000);
});

describe('schema 3: from one {jobs} and one {idx} slot to buckets', () => {
  it('moves jobs (with their due times and leases), tenant indexes, active channels and the tenant set', async () => {
    const store = await open(REDIS_URL);
    const redis = store.client as Redis;
    const keys = new Keys(store.keys.prefix);
    const old = keys.legacy();
    // Rounds as the previous release left them: round keys as today, indexes and jobs on the old single slots.
    for (const [tenant, id] of [['T1', 'a'], ['T1', 'b'], ['T2', 'c']] as const) await store.createRound(makeRound({ tenant, id, createdAt: `2026-03-0${id === 'a' ? 1 : 2}T08:00:00Z` }));
    for (const tenant of ['T1', 'T2']) {
      await redis.del(keys.tenantRounds(tenant), keys.activeChannels(tenant), keys.tenants(tenant));
    }
    await redis.sadd(old.tenants, 'T1', 'T2');
    await redis.zadd(old.tenantRounds('T1'), Date.parse('2026-03-01T08:00:00Z'), 'a', Date.parse('2026-03-02T08:00:00Z'), 'b');
    await redis.zadd(old.tenantRounds('T2'), Date.parse('2026-03-02T08:00:00Z'), 'c');
    await redis.hset(old.activeChannels('T1'), 'C-general', 'b');
    const jobs = [
      makeJob({ id: 'T1:a:reminder', tenant: 'T1', roundId: 'a', dueAt: 1_000 }),
      makeJob({ id: 'T1:b:auto-close', kind: 'auto-close', tenant: 'T1', roundId: 'b', dueAt: 2_000 }),
      makeJob({ id: 'T2:c:reminder', tenant: 'T2', roundId: 'c', dueAt: 3_000 }),
    ];
    for (const job of jobs) {
      const set = `${store.keys.prefix}:{jobs}:round:${job.tenant}:${job.roundId}`;
      await redis.hset(old.jobsData, job.id, JSON.stringify(job));
      await redis.hset(old.jobsOwner, job.id, set);
      // The second job is leased by a running scheduler until 50,000.
      await redis.zadd(old.jobsDue, job.id === 'T1:b:auto-close' ? 50_000 : job.dueAt, job.id);
      await redis.sadd(set, job.id);
    }
    await redis.set(keys.schemaVersion(), '2');

    expect(await store.migrate()).toEqual({ from: 2, to: 3 });

    expect(await store.listTenants()).toEqual(['T1', 'T2']);
    expect((await store.listRounds('T1')).map((r) => r.id)).toEqual(['a', 'b']);
    expect(await store.activeRoundForChannel('T1', 'C-general')).toBe('b');
    expect((await store.listJobs()).map((j) => j.id)).toEqual(jobs.map((j) => j.id));
    expect((await store.listJobs('T1', 'b')).map((j) => j.id)).toEqual(['T1:b:auto-close']);
    expect((await store.claimDueJobs(10_000, 10, 60_000)).map((j) => j.id)).toEqual(['T1:a:reminder', 'T2:c:reminder']);
    expect((await store.claimDueJobs(60_000, 10, 60_000)).map((j) => j.id)).toEqual(['T1:b:auto-close']);
    await store.cancelRoundJobs('T1', 'a');
    expect((await store.listJobs('T1')).map((j) => j.id)).toEqual(['T1:b:auto-close']);
    const left = await redis.keys(`${store.keys.prefix}:*`);
    expect(left.filter((k) => k.includes('{jobs}') || k.includes('{idx}'))).toEqual([]);
    // A second run (another replica starting) changes nothing.
    expect(await store.migrate()).toEqual({ from: 3, to: 3 });
  });
});
