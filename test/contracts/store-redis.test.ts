// The Store contract on a real Redis (the run's own, or REDIS_URL), plus Redis-only guarantees:
// round trips, schema migrations, URL parsing and error mapping. Every store here uses its own
// random key prefix, and only keys under that prefix are deleted afterwards.
// REDIS_URL=redis-cluster://host:port,… runs the same suite against a Redis Cluster.
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError, StoreUnavailableError } from '../../src/core/errors.js';
import type { Answer } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { encodeAnswerMeta } from '../../src/store/answer-summary.js';
import { memberField } from '../../src/store/keys.js';
import {
  RedisStore,
  SCHEMA_VERSION,
  buildAnswerMeta,
  createRedisClient,
  isUnavailableError,
  parseRedisUrl,
  waitUntilReady,
  type RedisClient,
} from '../../src/store/index.js';
import { deleteKeysWithPrefix } from '../helpers/redis-prefix.js';
import { commandsDuring } from '../helpers/redis-monitor.js';
import { namesAndViewContract } from './store-names-view.contract.js';
import { pagedReadsContract } from './store-paged.contract.js';
import { makeRound, storeContract } from './store.contract.js';
import { REDIS_URL } from '../helpers/world.js';



function randomPrefix(): string {
  return `test:${randomBytes(6).toString('hex')}`;
}

async function openStore(prefix = randomPrefix()): Promise<RedisStore> {
  const client = createRedisClient(REDIS_URL);
  await waitUntilReady(client);
  const store = new RedisStore(client, { prefix });
  await store.migrate();
  return store;
}

async function cleanup(s: Store): Promise<void> {
  const store = s as RedisStore;
  await deleteKeysWithPrefix(store.client, store.keys.prefix);
  await store.close();
}

/** Another process: its own connection, same data. */
async function peer(s: Store): Promise<Store> {
  const client = createRedisClient(REDIS_URL);
  await waitUntilReady(client);
  return new RedisStore(client, { prefix: (s as RedisStore).keys.prefix });
}

storeContract('redis', () => openStore(), cleanup, { peer });
namesAndViewContract('redis', () => openStore(), cleanup, { peer });
pagedReadsContract('redis', () => openStore(), cleanup, { keepsReports: true });

describe('RedisStore specifics', () => {
  const opened: RedisStore[] = [];
  async function fresh(prefix?: string): Promise<RedisStore> {
    const s = await openStore(prefix);
    opened.push(s);
    return s;
  }
  afterEach(async () => {
    for (const s of opened.splice(0)) await cleanup(s);
  });

  /**
   * The commands the server receives from this store's connection while `fn` runs (MONITOR), so
   * the round-trip counter is checked against the server. Null on a cluster (many connections).
   */
  async function serverCommands(store: RedisStore, fn: () => Promise<unknown>): Promise<string[] | null> {
    if (store.client instanceof Cluster) {
      await fn();
      return null;
    }
    // MONITOR's lines trail the replies on a busy machine: commandsDuring brackets `fn` with ECHOs it waits for.
    return commandsDuring(store.client, fn);
  }



  it('records a vote in exactly one round trip', async () => {
    const store = await fresh();
    await store.createRound(makeRound());
    const vote = (i: number) => ({
      tenant: 'T0001',
      roundId: 'round-1',
      factorId: 'f1',
      memberId: `U-${i}`,
      level: 'partly' as const,
      interactionId: `ix-${i}`,
      at: '2026-03-03T10:00:00+01:00',
    });
    await store.recordVote(vote(0)); // the script is now cached on this connection (EVALSHA from here on)
    const before = store.roundTrips();
    const commands = await serverCommands(store, () => store.recordVote(vote(1)));
    expect(store.roundTrips() - before).toBe(1);
    if (commands) expect(commands).toEqual(['evalsha']);
  });

  it('records a vote with the voter’s factor view and name in exactly one round trip too', async () => {
    const store = await fresh();
    await store.createRound(makeRound());
    for (let i = 0; i < 20; i++) {
      await store.saveAnswer('T0001', 'round-1', {
        factorId: 'f1',
        memberId: `U-${i}`,
        texts: { q1: 'svar' },
        evidence: [`https://x.example/${i}`],
        at: '2026-03-03T10:00:00+01:00',
      });
    }
    const vote = (i: number) => ({
      tenant: 'T0001',
      roundId: 'round-1',
      factorId: 'f1',
      memberId: `U-${i}`,
      level: 'partly' as const,
      interactionId: `ix-${i}`,
      at: '2026-03-03T10:00:00+01:00',
      withFactorView: true,
      name: `Person ${i}`,
    });
    await store.recordVote(vote(0)); // the script is now cached on this connection (EVALSHA from here on)
    const rev = await store.client.get(store.keys.round('T0001', 'round-1').rev);
    const before = store.roundTrips();
    let result: Awaited<ReturnType<RedisStore['recordVote']>> | undefined;
    const commands = await serverCommands(store, async () => {
      result = await store.recordVote(vote(1));
    });
    expect(store.roundTrips() - before).toBe(1);
    if (commands) expect(commands).toEqual(['evalsha']);
    expect(result?.factorView).toEqual({
      stats: { answers: 20, evidence: 20, links: ['https://x.example/0', 'https://x.example/1', 'https://x.example/10', 'https://x.example/11', 'https://x.example/12'] },
      answer: { factorId: 'f1', memberId: 'U-1', texts: { q1: 'svar' }, evidence: ['https://x.example/1'], at: '2026-03-03T10:00:00+01:00' },
    });
    // The name went into the round's names hash; the revision every open card carries did not move.
    expect(await store.client.hgetall(store.keys.round('T0001', 'round-1').names)).toEqual({ 'U-0': 'Person 0', 'U-1': 'Person 1' });
    expect(await store.client.get(store.keys.round('T0001', 'round-1').rev)).toBe(rev);
  });

  it('reads a round with its revision without ending a WATCH held on the same connection', async () => {
    // updateRound's optimistic write WATCHes the round on the shared connection; a read in between must not EXEC.
    const store = await fresh();
    if (store.client instanceof Cluster) return void expect(store.client).toBeInstanceOf(Cluster);
    await store.createRound(makeRound());
    const key = store.keys.round('T0001', 'round-1').round;
    const writer = new Redis(REDIS_URL);
    try {
      await store.client.watch(key);
      expect((await store.getRoundVersioned('T0001', 'round-1'))?.round.id).toBe('round-1');
      await writer.append(key, ' '); // another process writes the round meanwhile
      const result = await store.client.multi().get(key).exec();
      expect(result).toBeNull(); // the WATCH still held, so the transaction was aborted
    } finally {
      writer.disconnect();
    }
  });

  it('reads a snapshot in the same round trips for 10 and for 1,000 participants', async () => {
    const store = await fresh();
    const cost = async (roundId: string, members: number): Promise<{ trips: number; commands: string[] | null }> => {
      await store.createRound(makeRound({ id: roundId, participants: Array.from({ length: members }, (_, i) => `U-${i}`) }));
      const votes = [];
      for (let i = 0; i < members; i++) {
        for (const factorId of ['f1', 'f2', 'f3']) {
          votes.push(
            store.recordVote({
              tenant: 'T0001',
              roundId,
              factorId,
              memberId: `U-${i}`,
              level: i % 2 ? 'partly' : 'in-place',
              interactionId: `${roundId}-${factorId}-${i}`,
              at: '2026-03-03T10:00:00+01:00',
            }),
          );
        }
      }
      await Promise.all(votes);
      await store.getSnapshot('T0001', roundId); // warm the script cache
      const before = store.roundTrips();
      let participants = 0;
      const commands = await serverCommands(store, async () => {
        const snap = await store.getSnapshot('T0001', roundId);
        participants = Object.keys(snap?.votes.f1 ?? {}).length;
      });
      expect(participants).toBe(members);
      return { trips: store.roundTrips() - before, commands };
    };
    const small = await cost('small', 10);
    const large = await cost('large', 1000);
    expect(small.trips).toBe(1);
    expect(large.trips).toBe(small.trips);
    if (small.commands) expect(small.commands).toEqual(['evalsha']);
    expect(large.commands).toEqual(small.commands);
  });

  it('sets the schema version and runs a migration hook once', async () => {
    const prefix = randomPrefix();
    const client = createRedisClient(REDIS_URL);
    await waitUntilReady(client);
    const store = new RedisStore(client, { prefix });
    opened.push(store);
    const up = vi.fn(async (redis: RedisClient, p: string) => {
      await redis.set(`${p}:migrated-by-hook`, 'yes');
    });
    const hooks = [{ version: 1, up }];

    expect(await client.get(`${prefix}:schema-version`)).toBeNull();
    // Two processes starting at once: the hook still runs once.
    const other = new RedisStore(createRedisClient(REDIS_URL), { prefix });
    await waitUntilReady(other.client);
    const [a, b] = await Promise.all([store.migrate(hooks), other.migrate(hooks)]);
    await other.close();
    expect(up).toHaveBeenCalledTimes(1);
    expect(up.mock.calls[0]?.[1]).toBe(prefix);
    // The hook brings it to 1; there being no hook for the versions above, the store is then marked current.
    expect([a.to, b.to]).toEqual([SCHEMA_VERSION, SCHEMA_VERSION]);
    expect(await client.get(`${prefix}:schema-version`)).toBe(String(SCHEMA_VERSION));
    expect(await client.get(`${prefix}:migrated-by-hook`)).toBe('yes');
    expect(await client.get(`${prefix}:schema-lock`)).toBeNull();

    expect(await store.migrate(hooks)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    expect(up).toHaveBeenCalledTimes(1);

    await client.set(`${prefix}:schema-version`, String(SCHEMA_VERSION + 1));
    await expect(store.migrate(hooks)).rejects.toThrow(/newer/);
  });

  it('open() connects, migrates and works', async () => {
    const prefix = randomPrefix();
    const store = await RedisStore.open(REDIS_URL, { prefix });
    opened.push(store);
    expect(await store.client.get(`${prefix}:schema-version`)).toBe(String(SCHEMA_VERSION));
    await store.ping();
  });

  it('migration 2 builds the answer summaries of rounds written before them, and nothing else', async () => {
    const store = await fresh();
    const client = store.client;
    const at = (d: number) => `2026-03-0${d}T10:00:00+01:00`;
    const a = (factorId: string, memberId: string, d: number, evidence: string[], text = 'svar'): Answer => ({
      factorId,
      memberId,
      texts: text ? { q1: text } : {},
      evidence,
      at: at(d),
    });
    // Two rounds as version 1 wrote them: answers only (written straight into the hash), no answer-meta.
    const oldAnswers: [string, string, Answer[]][] = [
      ['T0001', 'round-1', [a('f1', 'U-a', 3, ['https://a.example/1']), a('f1', 'U|odd:id{x}', 2, ['https://o.example/1', 'https://o.example/2']), a('f2', 'U-b', 4, [], '')]],
      ['acme:{r:x', 'r:2', Array.from({ length: 2500 }, (_, i) => a('f1', `U-${i}`, 1 + (i % 5), i % 3 ? [`https://big.example/${i}`] : []))],
    ];
    for (const [tenant, roundId, answers] of oldAnswers) {
      await store.createRound(makeRound({ tenant, id: roundId }));
      const k = store.keys.round(tenant, roundId);
      for (let i = 0; i < answers.length; i += 500) {
        const batch = answers.slice(i, i + 500);
        await client.hset(k.answers, Object.fromEntries(batch.map((x) => [memberField(x.factorId, x.memberId), JSON.stringify(x)])));
      }
      await client.del(k.answerMeta, k.answerStats, k.answerOrder);
    }
    // Keys that merely end in "answers" are no rounds: a record collection and a dedupe key of that name.
    await store.putRecord('answers', 'x', { kept: true });
    await store.setIfNotExists('answers', 60_000);
    await client.hset(store.keys.round('T0001', 'round-1').answers, 'not-json', '{');
    await client.set(store.keys.schemaVersion(), '1');

    const before = (await store.getSnapshot('T0001', 'round-1', { answers: false }))!.answerStats;
    expect(before?.f1).toEqual({ answers: 0, evidence: 0, links: [] });

    expect(await store.migrate()).toEqual({ from: 1, to: SCHEMA_VERSION });
    for (const [tenant, roundId, answers] of oldAnswers) {
      const k = store.keys.round(tenant, roundId);
      expect(await client.hlen(k.answerMeta)).toBe(answers.length);
      const first = answers[0]!;
      expect(await client.hget(k.answerMeta, memberField(first.factorId, first.memberId))).toBe(encodeAnswerMeta(first));
    }
    const lean = (await store.getSnapshot('T0001', 'round-1', { answers: false }))!;
    expect(lean.answerStats).toEqual({
      f1: { answers: 2, evidence: 3, links: ['https://o.example/1', 'https://o.example/2', 'https://a.example/1'] },
      f2: { answers: 0, evidence: 0, links: [] },
      f3: { answers: 0, evidence: 0, links: [] },
    });
    // The big round: the summaries give what reading every answer gives.
    const big = (await store.getSnapshot('acme:{r:x', 'r:2', { answers: false }))!.answerStats;
    expect(big?.f1).toMatchObject({ answers: 2500, evidence: 1666 });
    expect(big?.f1?.links).toHaveLength(5);
    expect(big).toEqual((await store.getSnapshot('acme:{r:x', 'r:2'))!.answerStats);
    expect(await client.type(store.keys.records('answers'))).toBe('hash');
    expect(await store.getRecord('answers', 'x')).toEqual({ kept: true });
    expect(await client.exists(`${store.keys.records('answers').slice(0, -'answers'.length)}answer-meta`)).toBe(0);

    // Running it again changes nothing.
    const k1 = store.keys.round('T0001', 'round-1');
    const dump = async () => ({
      meta: await client.hgetall(k1.answerMeta),
      stats: await client.hgetall(k1.answerStats),
      order: await client.zrange(k1.answerOrder, 0, -1),
    });
    const once = await dump();
    expect(once.stats).toEqual({ 'f1|answers': '2', 'f1|evidence': '3' });
    expect(once.order).toHaveLength(2);
    await buildAnswerMeta(client, store.keys.prefix);
    expect(await dump()).toEqual(once);
    // And saving after the migration keeps the totals right.
    await store.saveAnswer('T0001', 'round-1', a('f1', 'U-a', 3, [], ''));
    expect((await store.getSnapshot('T0001', 'round-1', { answers: false }))!.answerStats?.f1).toEqual({
      answers: 1,
      evidence: 2,
      links: ['https://o.example/1', 'https://o.example/2'],
    });
  });

  it('reads the answer stats without the answers in one script call, the same for 10 and 1,000 answers', async () => {
    const store = await fresh();
    await store.createRound(makeRound());
    const tripsFor = async () => {
      await store.getSnapshot('T0001', 'round-1', { answers: false }); // warm the script cache
      const before = store.roundTrips();
      const snap = await store.getSnapshot('T0001', 'round-1', { answers: false });
      return { trips: store.roundTrips() - before, stats: snap!.answerStats?.f1 };
    };
    const save = (from: number, to: number) =>
      Promise.all(
        Array.from({ length: to - from }, (_, i) =>
          store.saveAnswer('T0001', 'round-1', {
            factorId: 'f1',
            memberId: `U-${String(from + i).padStart(4, '0')}`,
            texts: { q1: 'svar' },
            evidence: [`https://x.example/${from + i}`],
            at: '2026-03-03T10:00:00+01:00',
          }),
        ),
      );
    await save(0, 10);
    const small = await tripsFor();
    await save(10, 1000);
    const large = await tripsFor();
    expect(small.trips).toBe(1);
    expect(large.trips).toBe(1);
    expect(small.stats).toMatchObject({ answers: 10, evidence: 10 });
    // Same time for all: the member id decides the preview's order.
    expect(large.stats).toEqual({ answers: 1000, evidence: 1000, links: [0, 1, 2, 3, 4].map((i) => `https://x.example/${i}`) });
    // Two totals for the factor, and one order entry per answer with links.
    const k = store.keys.round('T0001', 'round-1');
    expect(await store.client.hlen(k.answerStats)).toBe(2);
    expect(await store.client.zcard(k.answerOrder)).toBe(1000);
  });

  it('lets non-connection errors through unchanged', async () => {
    const store = await fresh();
    await store.client.set(store.keys.records('broken'), 'not a hash');
    const err = await store.putRecord('broken', 'x', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(AppError);
    expect((err as Error).message).toMatch(/WRONGTYPE/);
  });

  it('maps a closed connection to StoreUnavailableError', async () => {
    const store = new RedisStore(createRedisClient(REDIS_URL), { prefix: randomPrefix() });
    await waitUntilReady(store.client);
    await store.close();
    const started = Date.now();
    await expect(store.getRound('T0001', 'round-1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails fast with StoreUnavailableError when nothing listens', async () => {
    const client = createRedisClient('redis://127.0.0.1:1');
    const started = Date.now();
    await expect(waitUntilReady(client, 1500)).rejects.toBeInstanceOf(StoreUnavailableError);
    const store = new RedisStore(client, { prefix: randomPrefix() });
    await expect(store.recordVote({
      tenant: 't',
      roundId: 'r',
      factorId: 'f',
      memberId: 'm',
      level: 'partly',
      interactionId: 'i',
      at: '2026-03-03T10:00:00+01:00',
    })).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(3000);
    client.disconnect();
  });

  it('classifies errors', () => {
    const withCode = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:6379`), { code });
    expect(isUnavailableError(withCode('ECONNREFUSED'))).toBe(true);
    expect(isUnavailableError(withCode('ETIMEDOUT'))).toBe(true);
    expect(isUnavailableError(new Error('Connection is closed.'))).toBe(true);
    expect(isUnavailableError(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(true);
    expect(isUnavailableError(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toBe(true);
    expect(isUnavailableError(new Error('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(isUnavailableError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isUnavailableError(new Error('ERR syntax error'))).toBe(false);
    expect(isUnavailableError('nope')).toBe(false);
  });
});

describe('parseRedisUrl', () => {
  it('understands the REDIS_URL forms', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ kind: 'standalone', host: '127.0.0.1', port: 6379, db: 0, tls: false });
    expect(parseRedisUrl('redis://:s%40cret@cache.internal/3')).toEqual({
      kind: 'standalone',
      host: 'cache.internal',
      port: 6379,
      db: 3,
      tls: false,
      password: 's@cret',
    });
    expect(parseRedisUrl('rediss://bot:pw@h:6380/1')).toEqual({
      kind: 'standalone',
      host: 'h',
      port: 6380,
      db: 1,
      tls: true,
      username: 'bot',
      password: 'pw',
    });
    expect(parseRedisUrl('redis://[::1]:7000')).toMatchObject({ host: '::1', port: 7000 });
    expect(parseRedisUrl('redis-sentinel://:pw@a:26379,b:26380,c/mymaster/2')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 'a', port: 26379 },
        { host: 'b', port: 26380 },
        { host: 'c', port: 26379 },
      ],
      name: 'mymaster',
      db: 2,
      password: 'pw',
    });
    expect(parseRedisUrl('redis-sentinel://a:26379/mymaster?sentinelPassword=spw')).toMatchObject({
      sentinelPassword: 'spw',
      db: 0,
    });
    expect(parseRedisUrl('redis-cluster://a:7000,b:7001')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
  });

  it('rejects malformed URLs without echoing the password', () => {
    for (const bad of [
      'http://x',
      'redis://a:1,b:2',
      'redis://h:99999',
      'redis://h/notanumber',
      'redis-sentinel://a:26379',
      'redis-cluster://a:7000/3',
    ]) {
      expect(() => parseRedisUrl(bad), bad).toThrow(/REDIS_URL/);
    }
    expect(() => parseRedisUrl('redis://:hunter2@h/x')).toThrow(/^(?!.*hunter2)/);
  });

  it('builds the right client for each form (without connecting)', () => {
    const sentinel = createRedisClient('redis-sentinel://:pw@127.0.0.1:1/mymaster');
    expect(sentinel).toBeInstanceOf(Redis);
    expect(sentinel.options).toMatchObject({ name: 'mymaster', password: 'pw', sentinels: [{ host: '127.0.0.1', port: 1 }] });
    sentinel.disconnect();
    const cluster = createRedisClient('redis-cluster://127.0.0.1:1,127.0.0.1:2');
    expect(cluster).toBeInstanceOf(Cluster);
    cluster.disconnect();
    const tls = createRedisClient('rediss://127.0.0.1:1') as Redis;
    expect(tls.options.tls).toBeTruthy();
    expect(tls.options).toMatchObject({ maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 2000 });
    tls.disconnect();
  });
});
