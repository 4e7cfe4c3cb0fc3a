// The Redis store: rounds, votes, answers, jobs and records in Redis (standalone, Sentinel or Cluster).
//
// REDIS_URL forms understood by createRedisClient:
//
//   redis://[[user]:password@]host[:port][/db]
//       One Redis server; port defaults to 6379, db to 0.
//   rediss://[[user]:password@]host[:port][/db]
//       The same over TLS.
//   redis-sentinel://[[user]:password@]host1:port1,host2:port2/<masterName>[/db][?sentinelPassword=…]
//       Redis Sentinel: the sentinels to ask (port defaults to 26379) and the master's name. The
//       password is the master's; add `sentinelPassword` when the sentinels require their own.
//   redis-cluster://[[user]:password@]host1:port1,host2:port2
//       Redis Cluster: some of the nodes (the rest are discovered); db is always 0 in a cluster.
//
// Passwords and user names may be percent-encoded. IPv6 hosts go in brackets: redis://[::1]:6379.
//
// Failure behaviour: a command never waits more than ~2 s. While Redis is unreachable, commands
// fail at once (the offline queue is off) with StoreUnavailableError, and ioredis keeps reconnecting
// in the background with a capped backoff (200 ms, 400 ms … 2 s). The offline queue is off on purpose:
// a queued command that already failed for the caller would otherwise still run after the reconnect
// ("nothing was saved" would then be a lie). For the same reason unanswered commands are not resent
// after a reconnect. On startup, RedisStore.open waits until the connection is ready.
// (In Cluster mode ioredis needs its per-node offline queue, so there the 2 s command timeout is the
// bound; a vote that timed out may still land later, which is harmless as votes are idempotent.)
//
// Writes that touch several keys are a single command, a Lua script or a WATCH/MULTI transaction, and
// the keys involved always share a Cluster hash slot (see keys.ts). The only cross-slot sequences are
// createRound/deleteRound (round keys, tenant index, jobs), ordered so that an interruption leaves
// nothing visible: createRound indexes first (an index entry without a round is skipped by
// listRounds), deleteRound deletes the round first.
//
// Migrations: RedisStore.open() calls migrate(), which brings `<prefix>:schema-version` up to
// SCHEMA_VERSION by running the hooks in MIGRATIONS; an app that builds a RedisStore by hand must
// call migrate() once at start.
import { randomBytes, randomUUID } from 'node:crypto';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { invalid } from './invalid.js';
import { AppError, StoreUnavailableError } from '../core/errors.js';
import {
  AnswerSchema,
  LEVELS,
  LevelSchema,
  RoundSchema,
  emptyCounts,
  type Answer,
  type Level,
  type LevelCounts,
  type Round,
} from '../core/model.js';
import type {
  CardRef,
  Job,
  JobKind,
  RoundSnapshot,
  SnapshotOptions,
  Store,
  StoredRecord,
  VersionedRound,
  VoteInput,
  VoteResult,
} from '../core/ports.js';
import {
  AnswerStatsBuilder,
  INTERACTION_TTL_MS,
  Keys,
  assertPrefix,
  PREVIEW_LINKS,
  answerOrderEntry,
  answerTime,
  encodeAnswerMeta,
  isFilled,
  countField,
  countsFieldPrefix,
  enc,
  dec,
  memberField,
  parseCountField,
  parseMemberField,
} from './keys.js';

export type RedisClient = Redis | Cluster;

/** The schema version this code writes. */
export const SCHEMA_VERSION = 2;

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
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
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

const UPDATE_ATTEMPTS = 5;


/**
 * What the vote script compares a missing revision with: a round written before revisions existed (or by a replica of
 * an older release) has no revision. getRoundVersioned reports it as null, so no vote is ever made on it with one.
 */
const NO_REV = '-';
/** A fresh, unique round revision: random, so a deleted and re-created round never repeats an old one. */
const newRev = (): string => randomBytes(9).toString('base64url');

// ---------------------------------------------------------------------------------------------
// REDIS_URL parsing and the client factory

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'standalone'; host: string; port: number; db: number; tls: boolean; username?: string; password?: string }
  | {
      kind: 'sentinel';
      sentinels: HostPort[];
      name: string;
      db: number;
      username?: string;
      password?: string;
      sentinelPassword?: string;
    }
  | { kind: 'cluster'; nodes: HostPort[]; username?: string; password?: string };

const URL_RE = /^(rediss?|redis-sentinel|redis-cluster):\/\/(?:([^@/?#]*)@)?([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/;

function badUrl(url: string, why: string): Error {
  const safe = url.replace(/\/\/[^@/]*@/, '//***@');
  return new Error(`REDIS_URL ${safe}: ${why}`);
}

function parseHosts(url: string, list: string, defaultPort: number): HostPort[] {
  return list.split(',').map((raw) => {
    const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(raw.trim());
    if (!m) throw badUrl(url, `bad host "${raw}"`);
    const port = m[3] === undefined ? defaultPort : Number(m[3]);
    if (port < 1 || port > 65535) throw badUrl(url, `bad port in "${raw}"`);
    return { host: (m[1] ?? m[2]) as string, port };
  });
}

function parseDb(url: string, raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,2}$/.test(raw)) throw badUrl(url, `bad database number "${raw}"`);
  return Number(raw);
}

/** Parses the REDIS_URL forms documented at the top of this file. */
export function parseRedisUrl(url: string): RedisTarget {
  const m = URL_RE.exec(url.trim());
  if (!m) throw badUrl(url, 'expected redis://, rediss://, redis-sentinel:// or redis-cluster://');
  const [, scheme, userinfo, hostList = '', path = '', query = ''] = m;
  let username: string | undefined;
  let password: string | undefined;
  if (userinfo !== undefined && userinfo !== '') {
    const i = userinfo.indexOf(':');
    if (i < 0) password = decodeURIComponent(userinfo);
    else {
      username = decodeURIComponent(userinfo.slice(0, i)) || undefined;
      password = decodeURIComponent(userinfo.slice(i + 1)) || undefined;
    }
  }
  const auth = { ...(username ? { username } : {}), ...(password ? { password } : {}) };
  const segments = path.split('/').filter((s) => s !== '');
  const params = new URLSearchParams(query);

  if (scheme === 'redis' || scheme === 'rediss') {
    const hosts = parseHosts(url, hostList, 6379);
    const first = hosts[0];
    if (hosts.length !== 1 || !first) throw badUrl(url, 'one host expected; use redis-sentinel:// or redis-cluster:// for several');
    if (segments.length > 1) throw badUrl(url, 'the path is the database number only');
    return { kind: 'standalone', ...first, db: parseDb(url, segments[0]), tls: scheme === 'rediss', ...auth };
  }
  if (scheme === 'redis-sentinel') {
    const name = segments[0];
    if (!name) throw badUrl(url, 'the master name is missing: redis-sentinel://host:port/<masterName>');
    if (segments.length > 2) throw badUrl(url, 'expected /<masterName>[/db]');
    const sentinelPassword = params.get('sentinelPassword') ?? undefined;
    return {
      kind: 'sentinel',
      sentinels: parseHosts(url, hostList, 26379),
      name: decodeURIComponent(name),
      db: parseDb(url, segments[1]),
      ...auth,
      ...(sentinelPassword ? { sentinelPassword } : {}),
    };
  }
  if (segments.length > 0 && !(segments.length === 1 && segments[0] === '0')) {
    throw badUrl(url, 'a cluster has no database number');
  }
  return { kind: 'cluster', nodes: parseHosts(url, hostList, 6379), ...auth };
}

const COMMAND_TIMEOUT_MS = 2000;

/** 200 ms, 400 ms, 800 ms, 1.6 s, then every 2 s, for ever. */
export function reconnectDelay(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 5), 2000);
}

function baseOptions(): RedisOptions {
  return {
    connectTimeout: COMMAND_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    retryStrategy: reconnectDelay,
    // After a failover the old master turns replica and answers READONLY: reconnect (which finds the
    // new master under Sentinel) but don't resend the refused command.
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
  };
}

export interface RedisClientOptions {
  /** Connection errors (reconnect attempts) are reported here; ignored by default. */
  onError?: (err: Error) => void;
}

/** Builds an ioredis client for a REDIS_URL; it connects in the background (see waitUntilReady). */
export function createRedisClient(url: string, opts: RedisClientOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  const onError = opts.onError ?? (() => {});
  let client: RedisClient;
  if (target.kind === 'standalone') {
    client = new Redis({
      ...baseOptions(),
      host: target.host,
      port: target.port,
      db: target.db,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: { servername: target.host } } : {}),
    });
  } else if (target.kind === 'sentinel') {
    client = new Redis({
      ...baseOptions(),
      sentinels: target.sentinels,
      name: target.name,
      db: target.db,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
      sentinelRetryStrategy: reconnectDelay,
    });
  } else {
    // Node connections are created lazily by the cluster and need their offline queue, so only the
    // cluster-level queue is switched off; commandTimeout still bounds every command.
    const { enableOfflineQueue: _q, ...nodeOptions } = baseOptions();
    const clusterOptions: ClusterOptions = {
      enableOfflineQueue: false,
      enableReadyCheck: true,
      clusterRetryStrategy: reconnectDelay,
      slotsRefreshTimeout: COMMAND_TIMEOUT_MS,
      redisOptions: {
        ...nodeOptions,
        ...(target.username ? { username: target.username } : {}),
        ...(target.password ? { password: target.password } : {}),
      },
    };
    client = new Cluster(target.nodes, clusterOptions);
  }
  client.on('error', onError);
  return client;
}

/** Resolves when the client is ready; StoreUnavailableError after `timeoutMs`. */
export function waitUntilReady(client: RedisClient, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const onEnd = () => done(new StoreUnavailableError(new Error('Connection is closed.')));
    const timer = setTimeout(
      () => done(new StoreUnavailableError(new Error(`Redis not ready after ${timeoutMs} ms`))),
      timeoutMs,
    );
    client.on('ready', onReady);
    client.on('end', onEnd);
  });
}

// ---------------------------------------------------------------------------------------------
// Error classification

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Command timed out',
  "Cluster isn't ready",
  'None of startup nodes is available',
  'Failed to refresh slots cache',
  'All sentinels are unreachable',
  'Reached the max retries per request limit',
  'connect ETIMEDOUT',
];
/** Server replies that mean "not now" rather than "wrong": loading after a restart, failover, cluster down. */
const UNAVAILABLE_REPLIES = ['LOADING', 'CLUSTERDOWN', 'MASTERDOWN', 'READONLY', 'TRYAGAIN', 'BUSY'];

/** True for errors that mean Redis could not be reached or cannot serve right now. */
/**
 * Deletes every key under a prefix with SCAN + UNLINK, on every master of a cluster. For tests and benchmarks,
 * which share one Redis and must remove only their own keys; never called by the bot itself.
 */
export async function deleteKeysWithPrefix(client: RedisClient, prefix: string): Promise<number> {
  assertPrefix(prefix);
  const nodes: Redis[] = client instanceof Cluster ? client.nodes('master') : [client];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      // A cluster refuses multi-key commands across slots, so there each key goes on its own.
      if (client instanceof Cluster) for (const key of keys) deleted += await node.unlink(key);
      else deleted += await node.unlink(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}

export function isUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof StoreUnavailableError) return true;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (UNAVAILABLE_MESSAGES.some((m) => err.message.includes(m))) return true;
  if (UNAVAILABLE_REPLIES.some((r) => err.message.startsWith(r + ' ') || err.message === r)) return true;
  // ioredis wraps some failures (e.g. cluster "Too many Cluster redirections") with the last error.
  const last = (err as { lastNodeError?: unknown }).lastNodeError;
  return last !== undefined && last !== err && isUnavailableError(last);
}

function mapError(err: unknown): unknown {
  return isUnavailableError(err) && !(err instanceof StoreUnavailableError) ? new StoreUnavailableError(err) : err;
}

// ---------------------------------------------------------------------------------------------
// Lua scripts. All keys a script touches share one hash slot.

/**
 * KEYS: status, interaction, votes, voted-at, counts, rev. ARGV: member field, level, at, ttl ms, counts prefix, expected
 * round revision ('' = do not check). Returns {accepted (1, 0, or 2 = the round changed since the caller read it),
 * applied, previous level, counts…}.
 */
const VOTE_LUA = `
local p = ARGV[5]
local function counts()
  local c = redis.call('HMGET', KEYS[5], p .. 'in-place', p .. 'partly', p .. 'not-in-place', p .. 'dont-know')
  return tonumber(c[1]) or 0, tonumber(c[2]) or 0, tonumber(c[3]) or 0, tonumber(c[4]) or 0
end
local prev = redis.call('HGET', KEYS[3], ARGV[1]) or ''
if ARGV[6] ~= '' and (redis.call('GET', KEYS[6]) or '${NO_REV}') ~= ARGV[6] then
  return {2, 0, prev, counts()}
end
if redis.call('GET', KEYS[1]) ~= 'open' then
  return {0, 0, prev, counts()}
end
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[4]) then
  return {1, 0, prev, counts()}
end
if prev ~= ARGV[2] then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
  if prev ~= '' then redis.call('HINCRBY', KEYS[5], p .. prev, -1) end
  redis.call('HINCRBY', KEYS[5], p .. ARGV[2], 1)
end
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
return {1, 1, prev, counts()}
`;

/**
 * KEYS: round, counts, votes, answers, answer-meta, answer-stats, answer-order. ARGV: '1'/'0' answers, '1'/'0' votes.
 * Returns {round, counts, votes or {}, answers or {}, answer-stats, preview}: the preview is, per factor, the fields and
 * summaries of its first PREVIEW_LINKS answers with links in the answer order. Factors are found by jumping through
 * the order (two range reads each), so its cost does not grow with the number of answers.
 */
const SNAPSHOT_LUA = `
local votes, answers, preview = {}, {}, {}
if ARGV[2] == '1' then votes = redis.call('HGETALL', KEYS[3]) end
if ARGV[1] == '1' then answers = redis.call('HGETALL', KEYS[4]) end
local start = '-'
while true do
  local first = redis.call('ZRANGEBYLEX', KEYS[7], start, '+', 'LIMIT', 0, 1)[1]
  if not first then break end
  local f = string.sub(first, 1, string.find(first, '|', 1, true) - 1)
  for _, entry in ipairs(redis.call('ZRANGEBYLEX', KEYS[7], '[' .. f .. '|', '(' .. f .. '}', 'LIMIT', 0, ${PREVIEW_LINKS})) do
    local field = f .. '|' .. string.match(entry, '^[^|]*|[^|]*|(.*)$')
    local meta = redis.call('HGET', KEYS[5], field)
    if meta then
      preview[#preview + 1] = field
      preview[#preview + 1] = meta
    end
  end
  start = '(' .. f .. '}'
end
return {redis.call('GET', KEYS[1]), redis.call('HGETALL', KEYS[2]), votes, answers, redis.call('HGETALL', KEYS[6]), preview}
`;

/** KEYS: round, rev. Returns {round JSON or false, rev or false}. */
const ROUND_VERSIONED_LUA = `
return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])}
`;

/** KEYS: round, status, rev. ARGV: json, status, rev. */
const CREATE_ROUND_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
return 1
`;

/** KEYS: tenants, tenant rounds. ARGV: tenant, score, round id. */
const INDEX_ADD_LUA = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[3])
return 1
`;

/** KEYS: tenants, tenant rounds, active channels. ARGV: tenant, round id. */
const INDEX_REMOVE_LUA = `
redis.call('ZREM', KEYS[2], ARGV[2])
local a = redis.call('HGETALL', KEYS[3])
for i = 1, #a, 2 do
  if a[i + 1] == ARGV[2] then redis.call('HDEL', KEYS[3], a[i]) end
end
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[1], ARGV[1]) end
return 1
`;

/** KEYS: due, data, owner, then one round set per job. ARGV: id, json, dueAt per job. */
const SCHEDULE_LUA = `
local n = #ARGV / 3
for i = 1, n do
  local id, json, due, rs = ARGV[3 * i - 2], ARGV[3 * i - 1], ARGV[3 * i], KEYS[3 + i]
  local old = redis.call('HGET', KEYS[3], id)
  if old and old ~= rs then redis.call('SREM', old, id) end
  redis.call('HSET', KEYS[2], id, json)
  redis.call('HSET', KEYS[3], id, rs)
  redis.call('ZADD', KEYS[1], due, id)
  redis.call('SADD', rs, id)
end
return n
`;

/** KEYS: due, data. ARGV: now, limit, lease-until. Returns the leased jobs' JSON. */
const CLAIM_LUA = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[2], id)
  if json then
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    out[#out + 1] = json
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`;

/** KEYS: due, data, owner. ARGV: id. (The round set's name comes from owner; same {jobs} slot.) */
const COMPLETE_LUA = `
local rs = redis.call('HGET', KEYS[3], ARGV[1])
if rs then redis.call('SREM', rs, ARGV[1]) end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
`;

/** KEYS: due, data. ARGV: id, json, dueAt. A job cancelled meanwhile stays cancelled. */
const RETRY_LUA = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
`;

/** KEYS: due, data, owner, round set. ARGV: the kinds to cancel (none = all). */
const CANCEL_LUA = `
local filter = nil
if #ARGV > 0 then
  filter = {}
  for _, k in ipairs(ARGV) do filter[k] = true end
end
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  local json = redis.call('HGET', KEYS[2], id)
  if not json then
    redis.call('SREM', KEYS[4], id)
  elseif (not filter) or filter[cjson.decode(json).kind] then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('SREM', KEYS[4], id)
    n = n + 1
  end
end
return n
`;

/**
 * Lua shared by the save and erase scripts. forget() takes an answer's summary out of the factor's totals and the
 * answer order and deletes it; remember() puts one in. Fields are <F>|<M>, both encoded (no '|' inside).
 */
const ANSWER_META_LUA = `
local function forget(meta, stats, order, field)
  local old = redis.call('HGET', meta, field)
  if not old then return end
  local sep = string.find(field, '|', 1, true)
  local f, m = string.sub(field, 1, sep - 1), string.sub(field, sep + 1)
  local filled, links, at = string.match(old, '^(%d)|(%d+)|(%d+)|')
  if filled then
    if filled == '1' then redis.call('HINCRBY', stats, f .. '|answers', -1) end
    if tonumber(links) > 0 then
      redis.call('HINCRBY', stats, f .. '|evidence', -tonumber(links))
      redis.call('ZREM', order, f .. '|' .. string.format('%015d', tonumber(at)) .. '|' .. m)
    end
  end
  redis.call('HDEL', meta, field)
end
local function remember(meta, stats, order, field, value, filled, links, entry)
  local f = string.sub(field, 1, string.find(field, '|', 1, true) - 1)
  redis.call('HSET', meta, field, value)
  if filled == '1' then redis.call('HINCRBY', stats, f .. '|answers', 1) end
  if tonumber(links) > 0 then
    redis.call('HINCRBY', stats, f .. '|evidence', tonumber(links))
    redis.call('ZADD', order, 0, entry)
  end
end
`;

/**
 * KEYS: round, answers, answer-meta, answer-stats, answer-order. ARGV: field, answer JSON, its summary, filled (0/1),
 * link count, answer-order entry. Replaces the answer and its summary in one go, only while the round exists.
 */
const SAVE_ANSWER_LUA = `${ANSWER_META_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
forget(KEYS[3], KEYS[4], KEYS[5], ARGV[1])
remember(KEYS[3], KEYS[4], KEYS[5], ARGV[1], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
return 1
`;

/** KEYS: round, hash. ARGV: field, value. Writes into a round's hash only while the round exists. */
const HSET_IF_ROUND_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`;

/**
 * KEYS: round, votes, voted-at, answers, answer-meta, answer-stats, answer-order. ARGV: '|' .. encoded member,
 * '|' .. encoded replacement.
 * Fields are <F>|<M> with both parts encoded (no '|' inside), so a suffix match is an exact member match.
 */
const ERASE_MEMBER_LUA = `${ANSWER_META_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
local from, to = ARGV[1], ARGV[2]
local function owned(field)
  return #field > #from and string.sub(field, -#from) == from
end
local moved = 0
for _, key in ipairs({KEYS[2], KEYS[3]}) do
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local field = all[i]
    if owned(field) then
      local target = string.sub(field, 1, #field - #from) .. to
      redis.call('HSET', key, target, all[i + 1])
      redis.call('HDEL', key, field)
      if key == KEYS[2] then moved = moved + 1 end
    end
  end
end
local dropped = 0
local answers = redis.call('HGETALL', KEYS[4])
for i = 1, #answers, 2 do
  if owned(answers[i]) then
    redis.call('HDEL', KEYS[4], answers[i])
    dropped = dropped + 1
  end
end
-- Summaries go with their answers (and any left without one, whatever wrote it), out of the totals and order too.
for _, field in ipairs(redis.call('HKEYS', KEYS[5])) do
  if owned(field) then forget(KEYS[5], KEYS[6], KEYS[7], field) end
end
return {moved, dropped}
`;

/** KEYS: lock. ARGV: token. */
const UNLOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const SCRIPTS = {
  vote: { lua: VOTE_LUA, numberOfKeys: 6 },
  snapshot: { lua: SNAPSHOT_LUA, numberOfKeys: 7 },
  createRound: { lua: CREATE_ROUND_LUA, numberOfKeys: 3 },
  roundVersioned: { lua: ROUND_VERSIONED_LUA, numberOfKeys: 2 },
  indexAdd: { lua: INDEX_ADD_LUA, numberOfKeys: 2 },
  indexRemove: { lua: INDEX_REMOVE_LUA, numberOfKeys: 3 },
  schedule: { lua: SCHEDULE_LUA }, // variable number of keys: the first argument is the count
  claim: { lua: CLAIM_LUA, numberOfKeys: 2 },
  complete: { lua: COMPLETE_LUA, numberOfKeys: 3 },
  retry: { lua: RETRY_LUA, numberOfKeys: 2 },
  cancel: { lua: CANCEL_LUA, numberOfKeys: 4 },
  hsetIfRound: { lua: HSET_IF_ROUND_LUA, numberOfKeys: 2 },
  saveAnswer: { lua: SAVE_ANSWER_LUA, numberOfKeys: 5 },
  eraseMember: { lua: ERASE_MEMBER_LUA, numberOfKeys: 7 },
  unlock: { lua: UNLOCK_LUA, numberOfKeys: 1 },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

// WATCH is per connection, and any EXEC on the connection drops every WATCH on it. So on one
// shared client, WATCH…EXEC sequences are serialised, and no other code in this file uses MULTI
// (multi-key writes are Lua scripts instead).
const watchQueues = new WeakMap<object, Promise<void>>();

async function serialisedOn<T>(client: object, fn: () => Promise<T>): Promise<T> {
  const previous = watchQueues.get(client) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = previous.then(() => mine);
  watchQueues.set(client, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (watchQueues.get(client) === tail) watchQueues.delete(client);
  }
}

function pairs(flat: unknown): [string, string][] {
  const out: [string, string][] = [];
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), String(flat[i + 1])]);
  return out;
}

function toLevel(value: unknown): Level | null {
  const parsed = LevelSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function countsFrom(values: unknown[]): LevelCounts {
  const counts = emptyCounts();
  LEVELS.forEach((level, i) => {
    counts[level] = Number(values[i] ?? 0) || 0;
  });
  return counts;
}

function parseJob(json: string): Job {
  return JSON.parse(json) as Job;
}

function byDue(a: Job, b: Job): number {
  return a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface RedisStoreOptions {
  prefix: string;
}

export interface OpenRedisStoreOptions extends RedisStoreOptions, RedisClientOptions {
  /** How long to wait for the first connection (default 10 s). */
  readyTimeoutMs?: number;
  /** Upgrade hooks; defaults to MIGRATIONS. */
  migrations?: Migration[];
}

const PARSED_ROUND_CACHE = 256;
const PARSED_ROUND_MAX_CHARS = 32 * 1024;

export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly keys: Keys;
  private trips = 0;

  constructor(
    readonly client: RedisClient,
    opts: RedisStoreOptions,
  ) {
    this.keys = new Keys(opts.prefix);
    for (const [name, def] of Object.entries(SCRIPTS)) {
      client.defineCommand(`assessStore_${name}`, def);
    }
  }

  /** Connects to REDIS_URL, waits until ready and migrates the schema. */
  static async open(url: string, opts: OpenRedisStoreOptions): Promise<RedisStore> {
    const client = createRedisClient(url, opts);
    try {
      await waitUntilReady(client, opts.readyTimeoutMs);
      const store = new RedisStore(client, opts);
      await store.migrate(opts.migrations);
      return store;
    } catch (err) {
      client.disconnect();
      throw mapError(err);
    }
  }

  roundTrips(): number {
    return this.trips;
  }

  /** One round trip: runs `fn`, mapping connection failures to StoreUnavailableError. */
  private async trip<T>(fn: () => Promise<T>): Promise<T> {
    this.trips += 1;
    try {
      return await fn();
    } catch (err) {
      throw mapError(err);
    }
  }

  private script(name: ScriptName, ...args: (string | number)[]): Promise<unknown> {
    const fn = (this.client as unknown as Record<string, ScriptFn>)[`assessStore_${name}`];
    if (!fn) throw new Error(`script ${name} is not defined`);
    return this.trip(() => fn.apply(this.client, args));
  }

  async ping(): Promise<void> {
    await this.trip(() => this.client.ping());
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  // --- schema version -----------------------------------------------------------------------

  /**
   * Brings the stored schema up to SCHEMA_VERSION, running each hook newer than the stored version
   * once, in order. Safe to call from several processes at once: one migrates under a lock, the
   * others wait for it. Refuses to run against a newer schema than this code knows.
   */
  async migrate(migrations: Migration[] = MIGRATIONS): Promise<{ from: number; to: number }> {
    const versionKey = this.keys.schemaVersion();
    const readVersion = async () => Number((await this.trip(() => this.client.get(versionKey))) ?? 0);
    const sorted = [...migrations].sort((a, b) => a.version - b.version);
    const from = await readVersion();
    if (from > SCHEMA_VERSION) {
      throw new Error(`store schema is version ${from}, newer than this release understands (${SCHEMA_VERSION})`);
    }
    if (from === SCHEMA_VERSION) return { from, to: from };

    const lockKey = this.keys.schemaLock();
    const token = randomUUID();
    const deadline = Date.now() + 60_000;
    while ((await this.trip(() => this.client.set(lockKey, token, 'PX', 60_000, 'NX'))) === null) {
      if ((await readVersion()) >= SCHEMA_VERSION) return { from, to: SCHEMA_VERSION };
      if (Date.now() > deadline) throw new Error('timed out waiting for another process to migrate the store');
      await new Promise((r) => setTimeout(r, 200));
    }
    try {
      let current = await readVersion();
      const start = current;
      for (const m of sorted) {
        if (m.version <= current || m.version > SCHEMA_VERSION) continue;
        await m.up(this.client, this.keys.prefix);
        await this.trip(() => this.client.set(versionKey, String(m.version)));
        current = m.version;
      }
      if (current < SCHEMA_VERSION) await this.trip(() => this.client.set(versionKey, String(SCHEMA_VERSION)));
      return { from: start, to: SCHEMA_VERSION };
    } finally {
      await this.script('unlock', lockKey, token).catch(() => undefined);
    }
  }

  // --- rounds -------------------------------------------------------------------------------

  /**
   * Validated rounds by their exact JSON: every vote reads its round, and re-validating an unchanged round with zod
   * was a measurable share of the vote path. Callers get their own copy; large rounds are not cached.
   */
  private readonly parsedRounds = new Map<string, Round>();

  private parseRound(json: string): Round {
    const cached = this.parsedRounds.get(json);
    if (cached) return structuredClone(cached);
    const round = RoundSchema.parse(JSON.parse(json));
    if (json.length <= PARSED_ROUND_MAX_CHARS) {
      if (this.parsedRounds.size >= PARSED_ROUND_CACHE) this.parsedRounds.delete(this.parsedRounds.keys().next().value!);
      this.parsedRounds.set(json, structuredClone(round));
    }
    return round;
  }

  async createRound(input: Round): Promise<void> {
    let round: Round;
    try {
      round = RoundSchema.parse(input);
    } catch (err) {
      invalid(err);
    }
    const k = this.keys.round(round.tenant, round.id);
    // Index first: an index entry whose round never got written is skipped by listRounds.
    await this.script(
      'indexAdd',
      this.keys.tenants(),
      this.keys.tenantRounds(round.tenant),
      round.tenant,
      Date.parse(round.createdAt),
      round.id,
    );
    const created = await this.script('createRound', k.round, k.status, k.rev, JSON.stringify(round), round.status, newRev());
    if (Number(created) !== 1) throw new AppError('CONFLICT');
  }

  async getRound(tenant: string, roundId: string): Promise<Round | null> {
    const json = await this.trip(() => this.client.get(this.keys.round(tenant, roundId).round));
    return json === null ? null : this.parseRound(json);
  }

  async getRoundVersioned(tenant: string, roundId: string): Promise<VersionedRound | null> {
    const k = this.keys.round(tenant, roundId);
    // A script, not MULTI (which would drop a WATCH of updateRound on the shared connection): the JSON and its
    // revision are read at the same instant.
    const [json, rev] = (await this.script('roundVersioned', k.round, k.rev)) as [string | null, string | null];
    if (json === null || json === undefined) return null;
    // No revision: an older release wrote the round, and may write it again without one; it cannot be remembered.
    return { round: this.parseRound(json), rev: rev ?? null };
  }

  async updateRound(tenant: string, roundId: string, mutate: (round: Round) => Round): Promise<Round> {
    const k = this.keys.round(tenant, roundId);
    return serialisedOn(this.client, async () => {
      for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
        await this.trip(() => this.client.watch(k.round));
        let next: Round;
        try {
          const json = await this.trip(() => this.client.get(k.round));
          if (json === null) throw new AppError('ROUND_NOT_FOUND');
          const changed = mutate(this.parseRound(json));
          try {
            next = RoundSchema.parse(changed);
          } catch (err) {
            invalid(err);
          }
          if (next.id !== roundId || next.tenant !== tenant) {
            throw new AppError('INVALID_INPUT', { detail: 'a round keeps its id and tenant' });
          }
        } catch (err) {
          await this.trip(() => this.client.unwatch()).catch(() => undefined);
          throw err;
        }
        const result = await this.trip(() =>
          this.client.multi().set(k.round, JSON.stringify(next)).set(k.status, next.status).set(k.rev, newRev()).exec(),
        );
        if (result !== null) {
          const failed = result.find(([err]) => err !== null);
          if (failed?.[0]) throw mapError(failed[0]);
          return next;
        }
        // Another writer changed the round between our read and our write: read again.
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
      }
      throw new AppError('CONFLICT');
    });
  }

  async listRounds(tenant: string): Promise<Round[]> {
    const ids = await this.trip(() => this.client.zrange(this.keys.tenantRounds(tenant), 0, -1));
    const jsons = await this.getMany(ids.map((id) => this.keys.round(tenant, id).round));
    return jsons.filter((j): j is string => j !== null).map((j) => this.parseRound(j));
  }

  /** GET of keys in different slots: one pipeline on a single server, parallel GETs on a cluster. */
  private async getMany(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    if (this.client instanceof Cluster) {
      return Promise.all(keys.map((key) => this.trip(() => this.client.get(key))));
    }
    const pipeline = this.client.pipeline();
    for (const key of keys) pipeline.get(key);
    const results = await this.trip(() => pipeline.exec());
    return (results ?? []).map(([err, value]) => {
      if (err) throw mapError(err);
      return (value as string | null) ?? null;
    });
  }

  async listTenants(): Promise<string[]> {
    const tenants = await this.trip(() => this.client.smembers(this.keys.tenants()));
    return tenants.sort();
  }

  async deleteRound(tenant: string, roundId: string): Promise<void> {
    const k = this.keys.round(tenant, roundId);
    // The round first (one DEL, one slot): from then on nothing can vote or read it. Interaction
    // dedupe keys are left to expire (INTERACTION_TTL_MS); they hold no personal data.
    await this.trip(() => this.client.del(...k.all));
    await this.script(
      'indexRemove',
      this.keys.tenants(),
      this.keys.tenantRounds(tenant),
      this.keys.activeChannels(tenant),
      tenant,
      roundId,
    );
    await this.cancelRoundJobs(tenant, roundId);
  }

  async activeRoundForChannel(tenant: string, channelId: string): Promise<string | null> {
    return this.trip(() => this.client.hget(this.keys.activeChannels(tenant), channelId));
  }

  async setActiveRoundForChannel(tenant: string, channelId: string, roundId: string | null): Promise<void> {
    const key = this.keys.activeChannels(tenant);
    if (roundId === null) await this.trip(() => this.client.hdel(key, channelId));
    else await this.trip(() => this.client.hset(key, channelId, roundId));
  }

  // --- votes and answers --------------------------------------------------------------------

  async recordVote(vote: VoteInput): Promise<VoteResult> {
    const parsed = LevelSchema.safeParse(vote.level);
    if (!parsed.success) invalid(parsed.error);
    const level = parsed.data;
    const k = this.keys.round(vote.tenant, vote.roundId);
    const reply = (await this.script(
      'vote',
      k.status,
      this.keys.interaction(vote.tenant, vote.roundId, vote.interactionId),
      k.votes,
      k.votedAt,
      k.counts,
      k.rev,
      memberField(vote.factorId, vote.memberId),
      level,
      vote.at,
      INTERACTION_TTL_MS,
      countsFieldPrefix(vote.factorId),
      vote.roundRev ?? '',
    )) as unknown[];
    if (Number(reply[0]) === 2) return { accepted: false, applied: false, stale: true, previous: toLevel(reply[2]), counts: countsFrom(reply.slice(3)) };
    return {
      accepted: Number(reply[0]) === 1,
      applied: Number(reply[1]) === 1,
      previous: toLevel(reply[2]),
      counts: countsFrom(reply.slice(3)),
    };
  }

  /** Ignored when the round does not exist (as in the memory store). */
  async saveAnswer(tenant: string, roundId: string, input: Answer): Promise<void> {
    let answer: Answer;
    try {
      answer = AnswerSchema.parse(input);
    } catch (err) {
      invalid(err);
    }
    const k = this.keys.round(tenant, roundId);
    const field = memberField(answer.factorId, answer.memberId);
    await this.script(
      'saveAnswer',
      k.round,
      k.answers,
      k.answerMeta,
      k.answerStats,
      k.answerOrder,
      field,
      JSON.stringify(answer),
      encodeAnswerMeta(answer),
      isFilled(answer) ? 1 : 0,
      answer.evidence.length,
      answerOrderEntry(answer.factorId, answer.memberId, answerTime(answer.at)),
    );
  }

  /**
   * One script call in either mode. With `answers: false` the answers hash is not read at all: the stats come from
   * the answer-meta hash. Answers are validated when written, so they are only JSON-parsed here.
   */
  async getSnapshot(tenant: string, roundId: string, opts: SnapshotOptions = {}): Promise<RoundSnapshot | null> {
    const withAnswers = opts.answers !== false;
    const k = this.keys.round(tenant, roundId);
    const reply = (await this.script(
      'snapshot',
      k.round,
      k.counts,
      k.votes,
      k.answers,
      k.answerMeta,
      k.answerStats,
      k.answerOrder,
      withAnswers ? '1' : '0',
      opts.votes === false ? '0' : '1',
    )) as unknown[];
    const roundJson = reply[0];
    if (typeof roundJson !== 'string') return null;
    const round = this.parseRound(roundJson);
    const snapshot: RoundSnapshot = { round, counts: {}, votes: {}, answers: {} };
    for (const f of round.factorIds) {
      snapshot.counts[f] = emptyCounts();
      snapshot.votes[f] = {};
      snapshot.answers[f] = {};
    }
    for (const [field, value] of pairs(reply[1])) {
      const parsed = parseCountField(field);
      const level = parsed && toLevel(parsed.level);
      if (!parsed || !level) continue;
      (snapshot.counts[parsed.factorId] ??= emptyCounts())[level] = Number(value) || 0;
    }
    for (const [field, value] of pairs(reply[2])) {
      const parsed = parseMemberField(field);
      const level = toLevel(value);
      if (!parsed || !level) continue;
      (snapshot.votes[parsed.factorId] ??= {})[parsed.memberId] = level;
    }
    const stats = new AnswerStatsBuilder();
    if (withAnswers) {
      for (const [field, value] of pairs(reply[3])) {
        const parsed = parseMemberField(field);
        if (!parsed) continue;
        const answer = JSON.parse(value) as Answer;
        (snapshot.answers[parsed.factorId] ??= {})[parsed.memberId] = answer;
        stats.addAnswer(parsed.factorId, field.slice(field.indexOf('|') + 1), answer);
      }
    } else {
      // The stored totals and preview: the same stats as adding up the answers, without reading them.
      for (const [field, value] of pairs(reply[4])) {
        const parsed = parseCountField(field);
        if (!parsed) continue;
        if (parsed.level === 'answers') stats.addTotals(parsed.factorId, Number(value) || 0, 0);
        else if (parsed.level === 'evidence') stats.addTotals(parsed.factorId, 0, Number(value) || 0);
      }
      for (const [field, meta] of pairs(reply[5])) {
        const parsed = parseMemberField(field);
        if (parsed) stats.addPreview(parsed.factorId, field.slice(field.indexOf('|') + 1), meta);
      }
    }
    snapshot.answerStats = stats.build(round.factorIds);
    return snapshot;
  }

  async getCounts(tenant: string, roundId: string, factorId: string): Promise<LevelCounts> {
    const key = this.keys.round(tenant, roundId).counts;
    const values = await this.trip(() =>
      this.client.hmget(key, ...LEVELS.map((level) => countField(factorId, level))),
    );
    return countsFrom(values);
  }

  async getMemberVote(tenant: string, roundId: string, factorId: string, memberId: string): Promise<Level | null> {
    const key = this.keys.round(tenant, roundId).votes;
    return toLevel(await this.trip(() => this.client.hget(key, memberField(factorId, memberId))));
  }

  async getMemberAnswer(tenant: string, roundId: string, factorId: string, memberId: string): Promise<Answer | null> {
    const key = this.keys.round(tenant, roundId).answers;
    const json = await this.trip(() => this.client.hget(key, memberField(factorId, memberId)));
    return json === null ? null : AnswerSchema.parse(JSON.parse(json));
  }

  async eraseMember(tenant: string, roundId: string, memberId: string, replacementId: string): Promise<{ votes: number; answers: number }> {
    const k = this.keys.round(tenant, roundId);
    const reply = (await this.script(
      'eraseMember',
      k.round,
      k.votes,
      k.votedAt,
      k.answers,
      k.answerMeta,
      k.answerStats,
      k.answerOrder,
      `|${enc(memberId)}`,
      `|${enc(replacementId)}`,
    )) as unknown[];
    return { votes: Number(reply[0]) || 0, answers: Number(reply[1]) || 0 };
  }

  // --- card refs ------------------------------------------------------------------------------

  /** Ignored when the round does not exist. */
  async setCardRef(tenant: string, roundId: string, factorId: string, ref: CardRef): Promise<void> {
    const k = this.keys.round(tenant, roundId);
    const value = JSON.stringify({ messageId: ref.messageId, channelId: ref.channelId });
    await this.script('hsetIfRound', k.round, k.cards, enc(factorId), value);
  }

  async getCardRefs(tenant: string, roundId: string): Promise<Record<string, CardRef>> {
    const all = await this.trip(() => this.client.hgetall(this.keys.round(tenant, roundId).cards));
    const out: Record<string, CardRef> = {};
    for (const [field, json] of Object.entries(all)) out[dec(field)] = JSON.parse(json) as CardRef;
    return out;
  }

  // --- idempotency keys and records -----------------------------------------------------------

  async setIfNotExists(key: string, ttlMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const ok = await this.trip(() => this.client.set(this.keys.nx(key), '1', 'PX', ttl, 'NX'));
    return ok === 'OK';
  }

  async ensureSecret(name: string, candidate: string): Promise<string> {
    const key = this.keys.secret(name);
    // SET NX decides between replicas starting at once; whoever lost reads the winner's value.
    const created = await this.trip(() => this.client.set(key, candidate, 'NX'));
    if (created === 'OK') return candidate;
    const stored = await this.trip(() => this.client.get(key));
    if (stored === null || stored.length === 0) throw new Error(`store secret ${name} vanished while being read`);
    return stored;
  }

  async putRecord(collection: string, id: string, value: StoredRecord): Promise<void> {
    await this.trip(() => this.client.hset(this.keys.records(collection), id, JSON.stringify(value)));
  }

  async getRecord(collection: string, id: string): Promise<StoredRecord | null> {
    const json = await this.trip(() => this.client.hget(this.keys.records(collection), id));
    return json === null ? null : (JSON.parse(json) as StoredRecord);
  }

  async deleteRecord(collection: string, id: string): Promise<void> {
    await this.trip(() => this.client.hdel(this.keys.records(collection), id));
  }

  async listRecords(collection: string): Promise<Record<string, StoredRecord>> {
    const all = await this.trip(() => this.client.hgetall(this.keys.records(collection)));
    const out: Record<string, StoredRecord> = {};
    for (const [id, json] of Object.entries(all)) out[id] = JSON.parse(json) as StoredRecord;
    return out;
  }

  // --- jobs -----------------------------------------------------------------------------------

  private jobKeys(): [string, string, string] {
    return [this.keys.jobsDue(), this.keys.jobsData(), this.keys.jobsOwner()];
  }

  async scheduleJobs(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return;
    const keys: string[] = this.jobKeys();
    const args: (string | number)[] = [];
    for (const job of jobs) {
      keys.push(this.keys.roundJobs(job.tenant, job.roundId));
      args.push(job.id, JSON.stringify(job), job.dueAt);
    }
    await this.script('schedule', keys.length, ...keys, ...args);
  }

  async claimDueJobs(now: number, limit: number, leaseMs: number): Promise<Job[]> {
    if (limit <= 0) return [];
    const [due, data] = this.jobKeys();
    const jsons = (await this.script('claim', due, data, now, Math.floor(limit), now + leaseMs)) as string[];
    return jsons.map(parseJob);
  }

  async completeJob(jobId: string): Promise<void> {
    await this.script('complete', ...this.jobKeys(), jobId);
  }

  async retryJob(job: Job, nextDueAt: number, error: string): Promise<void> {
    const [due, data] = this.jobKeys();
    const next: Job = { ...job, dueAt: nextDueAt, lastError: error };
    await this.script('retry', due, data, job.id, JSON.stringify(next), nextDueAt);
  }

  async cancelRoundJobs(tenant: string, roundId: string, kinds?: JobKind[]): Promise<void> {
    if (kinds !== undefined && kinds.length === 0) return;
    await this.script('cancel', ...this.jobKeys(), this.keys.roundJobs(tenant, roundId), ...(kinds ?? []));
  }

  async listJobs(tenant?: string, roundId?: string): Promise<Job[]> {
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
