// Privacy work against the size of the deployment (#18 item 3): one tenant's erasure, retention purge and forgetting,
// beside no other tenant and beside 999 others whose records (dead jobs, Teams references, audit, plans, installations)
// sit in the same collections. Time, bytes received from Redis and round trips of each;
// `node --expose-gc --import tsx bench/privacy.ts` runs it alone (REDIS_URL, or a Redis of its own).
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AnonymityKeyring } from '../src/core/anonymity-keys.js';
import { PackRegistry } from '../src/content/registry.js';
import { AssessmentService } from '../src/core/service.js';
import { RedisStore } from '../src/store/index.js';
import { deleteKeysWithPrefix } from '../test/helpers/redis-prefix.js';

const T0 = 'T_ZERO';
const FILLER = 'x'.repeat(300);

/** One tenant's records, about 25, as the platforms and the scheduler write them. */
function recordsOf(tenant: string, roundId: string): [string, string, Record<string, unknown>][] {
  const out: [string, string, Record<string, unknown>][] = [];
  for (let j = 0; j < 5; j++) out.push(['dead-jobs', `${tenant}:${roundId}:reminder:${j}`, { tenant, roundId, kind: 'reminder', payload: { note: FILLER } }]);
  out.push(['teams-ref', `conv|${tenant}|19:chan`, { kind: 'conversation', tenant, key: '19:chan', ref: { note: FILLER } }]);
  for (let j = 0; j < 12; j++) out.push(['teams-ref', `user|${tenant}|29:u${j}`, { kind: 'user', tenant, userId: `29:u${j}`, note: FILLER }]);
  for (let j = 0; j < 5; j++) out.push(['privacy-audit', `2026-01-01T00:00:0${j}.000Z|${tenant}`, { tenant, subject: `U_${j}`, action: 'export', note: FILLER }]);
  out.push(['action-plans', `${tenant}|C_PLAN`, { tenant, channelId: 'C_PLAN', roundIds: [roundId], note: FILLER }]);
  out.push(['slack-installations', tenant, { team: { id: tenant }, bot: { token: `xoxb-${tenant}` }, note: FILLER }]);
  return out;
}

export interface PrivacyBenchRow {
  tenants: number;
  operation: string;
  ms: number;
  kbRead: number;
  roundTrips: number;
}

async function measure(tenants: number): Promise<PrivacyBenchRow[]> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const store = await RedisStore.open(url, { prefix: `bench-privacy-${randomBytes(4).toString('hex')}` });
  const service = new AssessmentService({ store, packs: PackRegistry.fromDir(), clock: { now: () => Date.now() }, anonymityKeys: new AnonymityKeyring('bench-privacy') });
  try {
    const today = new Date().toISOString().slice(0, 10);
    const close = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const start = (channelId: string) =>
      service.startRound({
        tenant: T0, platform: 'slack', actor: { id: 'U_CORA', name: 'Cora' }, names: { U_ANNA: 'Anna' },
        settings: {
          packId: 'integrating-cities-diversity', locale: 'sv', mode: 'internal-evaluation', channelId, participants: ['U_CORA', 'U_ANNA', 'U_BO'],
          managers: [], pacing: 'all-at-once', startDate: today, closeDate: close, timezone: 'Europe/Stockholm',
        },
      });
    const kept = await start('C_KEPT');
    const purged = await start('C_PURGED');
    for (const round of [kept, purged]) {
      await service.castVote({ tenant: T0, roundId: round.id, factorId: 'f01', actor: { id: 'U_ANNA' }, level: 'partly', interactionId: `a-${round.id}` });
      await service.closeRound(T0, round.id, { id: 'U_CORA' });
      await store.putRecord('dead-jobs', `${T0}:${round.id}:reminder:x|U_ANNA`, { tenant: T0, roundId: round.id, payload: { member: 'U_ANNA' } });
    }
    const all = Array.from({ length: tenants }, (_, i) => (i === 0 ? T0 : `T_OTHER_${i}`));
    for (let i = 0; i < all.length; i += 20) {
      await Promise.all(all.slice(i, i + 20).map(async (tenant) => {
        for (const [collection, id, value] of recordsOf(tenant, `R_${tenant}`)) await store.putRecord(collection, id, value);
      }));
    }
    const socket = (store.client as Redis).stream;
    const rows: PrivacyBenchRow[] = [];
    const run = async (operation: string, fn: () => Promise<unknown>) => {
      // Each timing starts after a collection (`npm run bench` runs with --expose-gc), not in the last one's garbage.
      (globalThis as { gc?: () => void }).gc?.();
      const bytes = socket.bytesRead;
      const trips = store.roundTrips();
      const t0 = performance.now();
      await fn();
      rows.push({ tenants, operation, ms: Math.round((performance.now() - t0) * 10) / 10, kbRead: Math.round((socket.bytesRead - bytes) / 102.4) / 10, roundTrips: store.roundTrips() - trips });
    };
    await run('erase a person', () => service.privacy.erasePerson(T0, 'U_ANNA'));
    await run('purge a round (retention)', () => service.privacy.purgeRound(T0, purged.id));
    // Control, while the tenant is still there: the read before the per-tenant indexes (a whole collection).
    await run('(control) read one whole collection', () => store.listRecords('teams-ref'));
    await run('forget the tenant', () => service.privacy.forgetTenant(T0));
    return rows;
  } finally {
    await deleteKeysWithPrefix(store.client, store.keys.prefix);
    await store.close();
  }
}

export async function runPrivacyBench(): Promise<{ rows: PrivacyBenchRow[]; met: boolean }> {
  const one = await measure(1);
  const many = await measure(1000);
  const rows = [...one, ...many];
  const met = one
    .filter((r) => !r.operation.startsWith('(control)'))
    .every((r) => {
      const big = many.find((m) => m.operation === r.operation)!;
      // Judged on the work itself; single timings on a shared machine are shown beside it, not judged.
      return big.roundTrips === r.roundTrips && big.kbRead <= r.kbRead * 1.05 + 1;
    });
  return { rows, met };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { RedisProcess } = await import('../test/setup/redis-servers.js');
  const own = process.env.REDIS_URL ? null : await RedisProcess.start();
  if (own) process.env.REDIS_URL = own.url;
  const result = await runPrivacyBench();
  console.table(result.rows);
  console.log(result.met ? 'met' : 'NOT met');
  await own?.stop();
  process.exit(0);
}
