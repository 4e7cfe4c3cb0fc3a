// vitest global setup: the tests' own Redis. With REDIS_URL unset, start a redis-server, a 3-master Redis Cluster and a
// Sentinel group on free ports and stop them after the run; a Redis the run did not start is used only when named.
import { MISSING_REDIS, RedisProcess, redisServerInstalled, startCluster, startSentinelGroup, type RedisCluster, type SentinelGroup } from './redis-servers.js';

export default async function setup(): Promise<() => Promise<void>> {
  const started: { stop(): Promise<void> }[] = [];
  const installed = redisServerInstalled();
  if (!process.env.REDIS_URL) {
    if (!installed) throw new Error(MISSING_REDIS);
    const single = await RedisProcess.start();
    started.push(single);
    process.env.REDIS_URL = single.url;
  }
  // The cluster and Sentinel suites run on topologies of their own, started here unless given.
  if (installed) {
    const [cluster, sentinel] = await Promise.all([
      process.env.REDIS_CLUSTER_URL ? null : startCluster({ masters: 3 }),
      process.env.REDIS_SENTINEL_URL ? null : startSentinelGroup({ replicas: 1, sentinels: 3 }),
    ]);
    for (const t of [cluster, sentinel] as (RedisCluster | SentinelGroup | null)[]) if (t) started.push(t);
    if (cluster) process.env.REDIS_CLUSTER_URL = cluster.url;
    if (sentinel) process.env.REDIS_SENTINEL_URL = sentinel.url;
  }
  return async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
  };
}
