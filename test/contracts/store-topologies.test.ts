// The Store contract on a Redis Cluster of three masters and on a Sentinel group (both started by test/setup/global-redis.ts,
// or named by REDIS_CLUSTER_URL / REDIS_SENTINEL_URL), besides the single-server suite in store-redis.test.ts.
import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/core/ports.js';
import { RedisStore, createRedisClient, waitUntilReady } from '../../src/store/index.js';
import { deleteKeysWithPrefix } from '../helpers/redis-prefix.js';
import { requiredEnv } from '../helpers/world.js';
import { storeContract } from './store.contract.js';
import { namesAndViewContract } from './store-names-view.contract.js';
import { pagedReadsContract } from './store-paged.contract.js';

for (const [name, variable] of [
  ['redis cluster', 'REDIS_CLUSTER_URL'],
  ['redis sentinel', 'REDIS_SENTINEL_URL'],
] as const) {
  const url = requiredEnv(variable);
  const open = async (prefix = `test:${randomBytes(6).toString('hex')}`): Promise<RedisStore> => {
    const client = createRedisClient(url);
    await waitUntilReady(client);
    const store = new RedisStore(client, { prefix });
    await store.migrate();
    return store;
  };
  const cleanup = async (s: Store) => {
    const store = s as RedisStore;
    await deleteKeysWithPrefix(store.client, store.keys.prefix);
    await store.close();
  };
  const peer = (s: Store) => open((s as RedisStore).keys.prefix);
  storeContract(name, () => open(), cleanup, { peer });
  namesAndViewContract(name, () => open(), cleanup, { peer });
  pagedReadsContract(name, () => open(), cleanup, { keepsReports: true });
}
