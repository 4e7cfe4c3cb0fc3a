// Schema migrations of the Redis store: the version it writes, the upgrade hooks, and running them once under a lock.
//
// RedisStore.open() calls RedisStore.migrate(), which brings `<prefix>:schema-version` up to SCHEMA_VERSION by running
// the hooks in MIGRATIONS; an app that builds a RedisStore by hand must call migrate() once at start.
// (Display names in their own hash needed no migration: reads lay the hash over the names still in the round JSON.)
import { randomUUID } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import { AnswerSchema } from '../../core/model.js';
import { answerOrderEntry, answerTime, encodeAnswerMeta, isFilled } from '../answer-summary.js';
import { Keys, bucketOf } from '../keys.js';
import { moveLegacyMarks } from './legacy-marks.js';
import { indexRecords } from './records.js';
import type { RedisClient } from './client.js';
import { pairs } from './replies.js';
import type { StoreScripts, TripRunner } from './scripts.js';

/** The schema version this code writes. */
export const SCHEMA_VERSION = 5;

export interface Migration {
  /** The version this hook upgrades to (it runs when the stored version is lower). */
  version: number;
  up(redis: RedisClient, prefix: string): Promise<void>;
}

/** Ordered upgrade hooks; a store without a version key counts as version 0. */
export const MIGRATIONS: Migration[] = [
  // 2: every answer gets its summary, its factor's totals and (with links) its place in the answer order; digests
  // read those instead of the answers.
  { version: 2, up: buildAnswerMeta },
  // 3: the job queue moves from one `{jobs}` slot into BUCKETS `{jobs:<b>}` queues, each tenant's index into its own
  // `{t:<T>}` slot, and the tenant set into BUCKETS `{idx:<b>}` shards (keys.ts), so no one master holds them all.
  { version: 3, up: shardJobsAndIndexes },
  // 4: delivery markers leave the deployment-wide `rec:sent` hash for a hash beside each round, with a TTL.
  { version: 4, up: moveLegacyMarks },
  // 5: generic records get per-tenant and per-round indexes in the tenant's slot (records.ts), so privacy requests,
  // retention and forgetting a tenant read only that tenant's or round's records.
  { version: 5, up: (redis, prefix) => indexRecords(redis, new Keys(prefix), masters(redis)) },
];

/**
 * Builds the answer summaries, totals and order of every round under `prefix` from its answers (SCAN, on every
 * master of a cluster; HSCAN in batches, so a large round is never one huge reply). Each round's totals and order are
 * rebuilt from scratch, so a re-run gives the same result. An answer that is not valid gets no summary.
 * It runs under the migration lock before this release serves; answers saved meanwhile by an older release (a
 * rolling deploy) get no summary until they are saved again.
 */
export async function buildAnswerMeta(redis: RedisClient, prefix: string): Promise<void> {
  const keys = new Keys(prefix);
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', keys.answersScanPattern(), 'COUNT', 1000);
      cursor = next;
      for (const answersKey of found.filter((k) => keys.isRoundAnswersKey(k))) {
        const target = keys.answerKeysFor(answersKey);
        const totals = new Map<string, number>();
        await redis.del(target.stats, target.order);
        let fieldCursor = '0';
        do {
          const [nextField, flat] = await redis.hscan(answersKey, fieldCursor, 'COUNT', 1000);
          fieldCursor = nextField;
          const meta: Record<string, string> = {};
          const order: string[] = [];
          for (const [field, json] of pairs(flat)) {
            const parsed = AnswerSchema.safeParse(safeJson(json));
            const factor = field.slice(0, Math.max(0, field.indexOf('|')));
            if (!parsed.success || !factor) continue;
            const answer = parsed.data;
            meta[field] = encodeAnswerMeta(answer);
            if (isFilled(answer)) totals.set(`${factor}|answers`, (totals.get(`${factor}|answers`) ?? 0) + 1);
            if (answer.evidence.length > 0) {
              totals.set(`${factor}|evidence`, (totals.get(`${factor}|evidence`) ?? 0) + answer.evidence.length);
              order.push('0', answerOrderEntry(answer.factorId, answer.memberId, answerTime(answer.at)));
            }
          }
          if (Object.keys(meta).length > 0) await redis.hset(target.meta, meta);
          if (order.length > 0) await redis.zadd(target.order, ...order);
        } while (fieldCursor !== '0');
        if (totals.size > 0) await redis.hset(target.stats, Object.fromEntries(totals));
      }
    } while (cursor !== '0');
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What running the migrations needs from the store. */
export interface MigrationTarget {
  client: RedisClient;
  keys: Keys;
  scripts: StoreScripts;
  trip: TripRunner;
}

/**
 * Brings the stored schema up to SCHEMA_VERSION, running each hook newer than the stored version once, in order.
 * Safe to call from several processes at once: one migrates under a lock, the others wait for it. Refuses to run
 * against a newer schema than this code knows.
 */
export async function runMigrations(
  { client, keys, scripts, trip }: MigrationTarget,
  migrations: Migration[] = MIGRATIONS,
): Promise<{ from: number; to: number }> {
  const versionKey = keys.schemaVersion();
  const readVersion = async () => Number((await trip(() => client.get(versionKey))) ?? 0);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const from = await readVersion();
  if (from > SCHEMA_VERSION) {
    throw new Error(`store schema is version ${from}, newer than this release understands (${SCHEMA_VERSION})`);
  }
  if (from === SCHEMA_VERSION) return { from, to: from };

  const lockKey = keys.schemaLock();
  const token = randomUUID();
  const deadline = Date.now() + 60_000;
  while ((await trip(() => client.set(lockKey, token, 'PX', 60_000, 'NX'))) === null) {
    if ((await readVersion()) >= SCHEMA_VERSION) return { from, to: SCHEMA_VERSION };
    if (Date.now() > deadline) throw new Error('timed out waiting for another process to migrate the store');
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    let current = await readVersion();
    const start = current;
    for (const m of sorted) {
      if (m.version <= current || m.version > SCHEMA_VERSION) continue;
      await m.up(client, keys.prefix);
      await trip(() => client.set(versionKey, String(m.version)));
      current = m.version;
    }
    if (current < SCHEMA_VERSION) await trip(() => client.set(versionKey, String(SCHEMA_VERSION)));
    return { from: start, to: SCHEMA_VERSION };
  } finally {
    await scripts.unlock({ lock: lockKey }, { token }).catch(() => undefined);
  }
}

/** Every master of a cluster, or the one server. */
function masters(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/**
 * Schema 3: moves the jobs and indexes of the single-slot layout into the bucketed one, copying before deleting, so a
 * re-run after an interruption finds the copies in place and copies again (every write is an idempotent set). A
 * job keeps its due time or lease; a job whose JSON names no tenant and round is dropped (nothing could run it).
 * Replicas of the previous release must be stopped first: they would keep writing jobs to the old keys.
 */
export async function shardJobsAndIndexes(redis: RedisClient, prefix: string): Promise<void> {
  const keys = new Keys(prefix);
  const old = keys.legacy();
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(old.jobsData, cursor, 'COUNT', 500);
    cursor = next;
    for (const [id, json] of pairs(flat)) {
      const job = safeJson(json) as { tenant?: unknown; roundId?: unknown } | undefined;
      const due = await redis.zscore(old.jobsDue, id);
      if (due === null || typeof job?.tenant !== 'string' || typeof job.roundId !== 'string') continue;
      const b = bucketOf(id);
      const k = keys.jobBucket(b);
      const roundSet = keys.roundJobs(b, job.tenant, job.roundId);
      await redis.multi().hset(k.data, id, json).hset(k.owner, id, roundSet).zadd(k.due, due, id).sadd(roundSet, id).exec();
    }
  } while (cursor !== '0');
  for (const node of masters(redis)) {
    let keyCursor = '0';
    do {
      const [next, found] = await node.scan(keyCursor, 'MATCH', `${prefix}:{jobs}:round:*`, 'COUNT', 1000);
      keyCursor = next;
      for (const key of found) await redis.del(key);
    } while (keyCursor !== '0');
  }
  await redis.del(old.jobsData);
  await redis.del(old.jobsDue);
  await redis.del(old.jobsOwner);

  let setCursor = '0';
  do {
    const [next, tenants] = await redis.sscan(old.tenants, setCursor, 'COUNT', 500);
    setCursor = next;
    for (const tenant of tenants) {
      const rounds = await redis.zrange(old.tenantRounds(tenant), 0, -1, 'WITHSCORES');
      if (rounds.length > 0) {
        const args: string[] = [];
        for (const [roundId, score] of pairs(rounds)) args.push(score, roundId);
        await redis.zadd(keys.tenantRounds(tenant), ...args);
      }
      const active = await redis.hgetall(old.activeChannels(tenant));
      if (Object.keys(active).length > 0) await redis.hset(keys.activeChannels(tenant), active);
      await redis.sadd(keys.tenants(tenant), tenant);
      await redis.del(old.tenantRounds(tenant));
      await redis.del(old.activeChannels(tenant));
    }
  } while (setCursor !== '0');
  await redis.del(old.tenants);
}
