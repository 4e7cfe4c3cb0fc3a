// Builds a service over a chosen store with the real content packs, for domain and scheduler tests.
import { randomBytes } from 'node:crypto';
import { AnonymityKeyring } from '../../src/core/anonymity-keys.js';
import { PackRegistry } from '../../src/content/registry.js';
import { AppError } from '../../src/core/errors.js';
import type { Store } from '../../src/core/ports.js';
import { AssessmentService } from '../../src/core/service.js';
import type { RoundSettingsInput } from '../../src/core/settings.js';
import { MemoryStore, RedisStore } from '../../src/store/index.js';
import { deleteKeysWithPrefix } from './redis-prefix.js';
import { FakeClock } from './fake-clock.js';

export const packs = PackRegistry.fromDir();

export function testPrefix(): string {
  return `test-${randomBytes(5).toString('hex')}`;
}

/** The run's Redis: the one test/setup/global-redis.ts started, or the one REDIS_URL names (never a default port). */
export const REDIS_URL = requiredEnv('REDIS_URL');

/** A URL the global setup provides; a test file run outside `npm test`'s config gets a one-line explanation. */
export function requiredEnv(name: 'REDIS_URL' | 'REDIS_CLUSTER_URL' | 'REDIS_SENTINEL_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with npm test (vitest.config.ts starts Redis) or set ${name}`);
  return value;
}

export async function redisStore(prefix = testPrefix(), url = REDIS_URL): Promise<RedisStore> {
  return RedisStore.open(url, { prefix });
}

/** Deletes every key under the store's prefix (only ours: the machine's Redis is shared). */
export async function dropPrefix(store: RedisStore): Promise<void> {
  await deleteKeysWithPrefix(store.client, store.keys.prefix);
}

export function makeService(store: Store = new MemoryStore(), clock = new FakeClock(Date.parse('2026-03-02T06:00:00Z'))) {
  const service = new AssessmentService({ store, packs, clock, anonymityKeys: new AnonymityKeyring('test-secret') });
  return { service, store, clock };
}

export const COORD = { id: 'U_CORA', name: 'Cora' };
export const MEMBERS = ['U_ANNA', 'U_BO', 'U_CECILIA', 'U_DAVID'];

export function settings(partial: Partial<RoundSettingsInput> = {}): RoundSettingsInput {
  return {
    packId: 'integrating-cities-diversity',
    locale: 'sv',
    mode: 'internal-evaluation',
    channelId: 'C_MANGFALD',
    channelName: 'mangfald-utvardering',
    participants: [COORD.id, ...MEMBERS],
    managers: ['U_MANAGER'],
    pacing: 'all-at-once',
    startDate: '2026-03-02',
    closeDate: '2026-04-13',
    timezone: 'Europe/Stockholm',
    ...partial,
  };
}

/** The AppError code a promise rejects with, 'no error' if it resolves; any other error is rethrown. */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'no error';
}
