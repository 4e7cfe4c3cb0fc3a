// Child process of the memory benchmark: builds the app, opens 1,000 rounds, and reports its RSS.
import { randomBytes } from 'node:crypto';
import { build } from '../src/app/build.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/infra/logger.js';
import { type RedisStore } from '../src/store/index.js';
import { deleteKeysWithPrefix } from '../test/helpers/redis-prefix.js';

const backend = process.argv[2] ?? 'redis';
const rounds = Number(process.argv[3] ?? 1000);
const prefix = `bench-mem-${randomBytes(4).toString('hex')}`;
const config = loadConfig({
  LOG_LEVEL: 'silent', PLAYGROUND: 'off', ANONYMITY_SECRET: 'bench-anonymity-secret', REDIS_PREFIX: prefix,
  ...(backend === 'redis' ? { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' } : {}),
});
const app = await build(config, { adapters: [], logger: createLogger('silent') });
const baseline = process.memoryUsage().rss;
const participants = Array.from({ length: 12 }, (_, i) => `U${i}`);
for (let i = 0; i < rounds; i++) {
  const round = await app.service.startRound({
    tenant: `T${i % 50}`,
    platform: 'slack',
    actor: { id: 'U0', name: 'Cora' },
    settings: {
      packId: 'integrating-cities-diversity', locale: i % 2 ? 'sv' : 'en', mode: 'internal-evaluation', channelId: `C${i}`,
      participants, managers: ['M1'], pacing: 'staggered', startDate: '2026-12-01', closeDate: '2027-01-12', timezone: 'Europe/Stockholm',
    },
  });
  await app.service.castVote({ tenant: round.tenant, roundId: round.id, factorId: 'f01', actor: { id: 'U1' }, level: 'partly', interactionId: `v${i}` });
}
await app.scheduler.tick();
global.gc?.();
const rss = process.memoryUsage().rss;
if (backend === 'redis') {
  await deleteKeysWithPrefix((app.store as RedisStore).client, prefix);
}
await app.close();
console.log(JSON.stringify({ backend, rounds, rssMb: Math.round(rss / 1048576), startRssMb: Math.round(baseline / 1048576), heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1048576) }));
process.exit(0);
