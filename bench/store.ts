// Store benchmark: votes per second and Redis round trips per vote; digest read (the snapshot without answers, as digests
// read it) time and round trips for 10 vs 1,000 participants, and the same read with every answer for comparison.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { MemoryStore, RedisStore } from '../src/store/index.js';
import { deleteKeysWithPrefix } from '../test/helpers/redis-prefix.js';
import { RoundSchema, type Round } from '../src/core/model.js';
import type { Store } from '../src/core/ports.js';

export interface DigestRead {
  participants: number;
  /** The snapshot without answers (their stats instead), as cards, reminders and digests read it. */
  ms: number;
  roundTrips: number;
  /** The snapshot with every answer (reports and exports). */
  withAnswersMs: number;
  withAnswersRoundTrips: number;
}

export interface StoreBenchResult {
  backend: string;
  votes: number;
  votesPerSecond: number;
  roundTripsPerVote: number;
  digestRead: DigestRead[];
}

const FACTORS = Array.from({ length: 13 }, (_, i) => `f${String(i + 1).padStart(2, '0')}`);
const LEVELS = ['in-place', 'partly', 'not-in-place', 'dont-know'] as const;

export function benchRound(tenant: string, id: string, participants: number): Round {
  return RoundSchema.parse({
    id, tenant, platform: 'slack', channel: { id: 'C1' }, packId: 'integrating-cities-diversity', locale: 'sv',
    mode: 'internal-evaluation', status: 'open', createdAt: '2026-03-02T07:00:00.000Z',
    coordinators: ['U0'], participants: Array.from({ length: participants }, (_, i) => `U${i}`), managers: [],
    calendar: {
      timezone: 'Europe/Stockholm', opensAt: '2026-03-02T07:00:00.000Z', closesAt: '2026-04-13T15:00:00.000Z',
      pacing: { kind: 'all-at-once' }, reminders: { enabled: true, daysBefore: [2], time: '09:00' },
      digest: { enabled: true, weekday: 1, time: '08:00', showNames: false },
    },
    factorIds: FACTORS,
  });
}

/** Fills a round with one vote per participant per factor, concurrently in batches. */
export async function fillVotes(store: Store, round: Round, withAnswers: boolean): Promise<void> {
  const tasks: (() => Promise<unknown>)[] = [];
  for (const m of round.participants) {
    for (const f of FACTORS) {
      const level = LEVELS[(m.length + f.length + Number(m.slice(1))) % 4]!;
      tasks.push(() => store.recordVote({ tenant: round.tenant, roundId: round.id, factorId: f, memberId: m, level, interactionId: `${m}-${f}`, at: '2026-03-03T10:00:00.000Z' }));
      if (withAnswers) {
        tasks.push(() => store.saveAnswer(round.tenant, round.id, { factorId: f, memberId: m, texts: { [`${f}-q1`]: 'Ja, det finns ett beslut i fullmäktige 2025 och en plan, se länken.' }, evidence: ['https://kommun.example/protokoll/2025-11'], at: '2026-03-03T10:00:00.000Z' }));
      }
    }
  }
  for (let i = 0; i < tasks.length; i += 500) await Promise.all(tasks.slice(i, i + 500).map((t) => t()));
}

async function digestRead(store: Store, participants: number, tenant: string): Promise<DigestRead> {
  const round = benchRound(tenant, `digest-${participants}`, participants);
  await store.createRound(round);
  await fillVotes(store, round, true);
  const read = async (answers: boolean) => {
    await store.getSnapshot(tenant, round.id, { answers }); // warm the script cache
    const before = store.roundTrips();
    const t0 = performance.now();
    const snap = await store.getSnapshot(tenant, round.id, { answers });
    const ms = Math.round((performance.now() - t0) * 10) / 10;
    const f = FACTORS[0]!;
    const ok = snap && Object.keys(snap.votes[f] ?? {}).length === participants && snap.answerStats?.[f]?.answers === participants;
    if (!ok || Object.keys(snap.answers[f] ?? {}).length !== (answers ? participants : 0)) throw new Error('digest read returned the wrong data');
    return { ms, roundTrips: store.roundTrips() - before };
  };
  const lean = await read(false);
  const full = await read(true);
  return { participants, ...lean, withAnswersMs: full.ms, withAnswersRoundTrips: full.roundTrips };
}

export async function benchStore(store: Store, label: string, votes = 20_000): Promise<StoreBenchResult> {
  const tenant = `bench-${randomBytes(3).toString('hex')}`;
  const round = benchRound(tenant, 'votes', 5000);
  await store.createRound(round);
  const before = store.roundTrips();
  const t0 = performance.now();
  const concurrency = 100;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < votes) {
        const i = next++;
        await store.recordVote({ tenant, roundId: round.id, factorId: FACTORS[i % 13]!, memberId: `U${i % 5000}`, level: LEVELS[i % 4]!, interactionId: `ix-${i}`, at: '2026-03-03T10:00:00.000Z' });
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const trips = store.roundTrips() - before;
  const digest = [await digestRead(store, 10, tenant), await digestRead(store, 1000, tenant)];
  return { backend: label, votes, votesPerSecond: Math.round(votes / seconds), roundTripsPerVote: trips / votes, digestRead: digest };
}

export async function runStoreBench(): Promise<StoreBenchResult[]> {
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const redis = await RedisStore.open(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { prefix });
  try {
    return [await benchStore(redis, 'redis'), await benchStore(new MemoryStore(), 'embedded')];
  } finally {
    await deleteKeysWithPrefix(redis.client, prefix);
    await redis.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runStoreBench().then((r) => console.log(JSON.stringify(r, null, 2)));
}
