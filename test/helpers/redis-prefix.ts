// Deletes every key under one prefix, on every master of a cluster: tests and benchmarks share one Redis and must
// remove only their own keys. The bot itself never deletes by prefix (erasure and purges name their keys).
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../../src/store/index.js';
import { assertPrefix } from '../../src/store/keys.js';

/** SCAN + UNLINK of `<prefix>:*`; returns how many keys went. */
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
