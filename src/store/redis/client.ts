// The ioredis client for a REDIS_URL: timeouts, reconnects and the wait for the first connection.
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
// Failover: one command rides out a short blip (Cluster: MOVED/ASK/TRYAGAIN/CLUSTERDOWN retried for ~2 s; Sentinel:
// the failover detector follows +switch-master at once), then fails as StoreUnavailableError. Riding out a whole
// failover (5–15 s) is the caller's choice, for idempotent calls only: core/store-deadline.ts (withStoreDeadline).
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../../core/errors.js';
import { parseRedisUrl } from './url.js';

export type RedisClient = Redis | Cluster;

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
      // Subscribe to the sentinels' +switch-master and reconnect to the new master as soon as it is promoted,
      // rather than when the old one stops answering.
      failoverDetector: true,
      updateSentinels: true,
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
      // While a master fails over, its slots answer MOVED/ASK/TRYAGAIN/CLUSTERDOWN. Each redirection waits a little
      // (refreshing the slot map), so 10 of them span ~2 s before "Too many Cluster redirections" (unavailable).
      maxRedirections: 10,
      retryDelayOnMoved: 100,
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      retryDelayOnTryAgain: 200,
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
