// Chooses the store: Redis when REDIS_URL is set, otherwise the embedded in-process store.
import type { Store } from '../core/ports.js';
import { MemoryStore } from './memory/store.js';
import { RedisStore } from './redis/store.js';

export interface CreateStoreOptions {
  /** REDIS_URL (see redis/url.ts for the accepted forms); unset means the embedded store. */
  redisUrl?: string;
  /** Key prefix in Redis, e.g. `assess`. */
  prefix: string;
  /** Embedded store only: persist state to this JSON file. */
  snapshotFile?: string;
  /** Redis connection errors while reconnecting (ignored by default). */
  onRedisError?: (err: Error) => void;
}

/** Opens the store; for Redis this waits for the connection and runs the schema migrations. */
export async function createStore(opts: CreateStoreOptions): Promise<Store> {
  if (opts.redisUrl) {
    return RedisStore.open(opts.redisUrl, {
      prefix: opts.prefix,
      ...(opts.onRedisError ? { onError: opts.onRedisError } : {}),
    });
  }
  return new MemoryStore(opts.snapshotFile ? { snapshotFile: opts.snapshotFile } : {});
}

export { MemoryStore } from './memory/store.js';
export { RedisStore } from './redis/store.js';
export { createRedisClient, waitUntilReady, type RedisClient } from './redis/client.js';
export { isUnavailableError } from './redis/errors.js';
export { SCHEMA_VERSION, buildAnswerMeta } from './redis/migrations.js';
export { parseRedisUrl } from './redis/url.js';
