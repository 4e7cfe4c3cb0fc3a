// Deletes every key under one prefix, on every master of a cluster: tests and benchmarks share one Redis and must
// remove only their own keys. The bot itself never deletes by prefix (erasure and purges name their keys).
import { createHash } from 'node:crypto';
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

/**
 * A digest of a key's value for "nothing stored" checks: DUMP, except for sets, whose members are sorted first. A set of
 * strings is a hash table in Redis 7.0, and DUMP writes it in table order, which changes when Redis grows or rehashes
 * the table, on a read as much as on a write, though not one member changed.
 */
export async function valueDigest(client: RedisClient, key: string): Promise<string> {
  if ((await client.type(key)) === 'set') {
    const members = (await client.smembers(key)).sort();
    return createHash('sha256').update(`set\u0000${members.join('\u0000')}`).digest('hex');
  }
  const dump = await client.dumpBuffer(key);
  return dump ? createHash('sha256').update(dump).digest('hex') : '';
}
