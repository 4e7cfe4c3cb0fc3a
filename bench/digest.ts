// Digest benchmark: the final summary and weekly digest for 13 factors × 1,000 and × 10,000 participants who all voted and answered, on real Redis.
// Targets: ≤ 200 ms for 1,000 and ≤ 2 s for 10,000, reading the round and its baseline; Redis round trips must not grow with participants.
// Run: npx tsx bench/digest.ts   (REDIS_URL, default redis://127.0.0.1:6379; writes bench/results-digest.json)
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PackRegistry } from '../src/content/registry.js';
import { LEVELS, RoundSchema, type Round } from '../src/core/model.js';
import { AssessmentService } from '../src/core/service.js';
import { buildDigest } from '../src/core/views.js';
import { loadReportStates } from '../src/reports/load.js';
import { RedisStore } from '../src/store/redis-store.js';

export interface DigestBenchResult {
  participants: number;
  factors: number;
  votes: number;
  answers: number;
  /** Median and worst of the timed runs: read round + baseline from Redis, tally, build final and weekly digests. */
  medianMs: number;
  maxMs: number;
  /** Of the median run: reading from Redis vs computing the views. */
  readMs: number;
  buildMs: number;
  /** Store round trips for one digest (round + baseline). */
  roundTrips: number;
  targetMs: number;
  pass: boolean;
}

const RUNS = 7;
const TARGET_MS: Record<number, number> = { 1000: 200, 10000: 2000 };
const FACTORS = Array.from({ length: 13 }, (_, i) => `f${String(i + 1).padStart(2, '0')}`);
const NOW = Date.parse('2026-04-13T15:30:00Z');

function benchRound(tenant: string, id: string, participants: string[], extra: Partial<Round> = {}): Round {
  return RoundSchema.parse({
    id,
    tenant,
    platform: 'slack',
    channel: { id: 'CBENCH', name: 'mangfald-utvardering' },
    packId: 'integrating-cities-diversity',
    locale: 'sv',
    mode: 'internal-evaluation',
    status: 'open',
    createdAt: '2026-03-02T07:00:00.000Z',
    coordinators: [participants[0]],
    participants,
    managers: ['M1', 'M2'],
    names: Object.fromEntries(participants.map((p, i) => [p, `Deltagare ${i + 1}`])),
    calendar: {
      timezone: 'Europe/Stockholm',
      opensAt: '2026-03-02T07:00:00.000Z',
      closesAt: '2026-04-13T15:00:00.000Z',
      pacing: { kind: 'staggered', everyDays: 2, workingDaysOnly: true, answerWindowDays: 14 },
      reminders: { enabled: true, daysBefore: [2], time: '09:00' },
      digest: { enabled: true, weekday: 1, time: '08:00', showNames: true },
    },
    factorIds: FACTORS,
    ...extra,
  });
}

/** Everyone votes on every factor and answers two questions with a link; sent concurrently (ioredis pipelines them). */
async function fill(store: RedisStore, round: Round, withAnswers: boolean): Promise<void> {
  const tasks: (() => Promise<unknown>)[] = [];
  round.participants.forEach((m, i) => {
    FACTORS.forEach((f, j) => {
      const level = LEVELS[(i * 7 + j * 3) % 4]!;
      tasks.push(() =>
        store.recordVote({ tenant: round.tenant, roundId: round.id, factorId: f, memberId: m, level, interactionId: `${m}-${f}`, at: '2026-03-10T10:00:00.000Z' }),
      );
      if (withAnswers) {
        tasks.push(() =>
          store.saveAnswer(round.tenant, round.id, {
            factorId: f,
            memberId: m,
            texts: {
              [`${f}-q1`]: `Ja, delvis. Fullmäktige beslutade 2025 om en plan; förvaltning ${i % 40} följer upp den i årsredovisningen.`,
              [`${f}-q2`]: 'Inte regelbundet. Det nämns i budgettal och på stadens webb, men inte i nämndernas verksamhetsplaner.',
            },
            evidence: [`https://kommun.example/protokoll/2025-${(i % 12) + 1}/${f}.pdf`],
            at: '2026-03-10T10:00:00.000Z',
          }),
        );
      }
    });
  });
  for (let i = 0; i < tasks.length; i += 2000) await Promise.all(tasks.slice(i, i + 2000).map((t) => t()));
}

async function dropPrefix(store: RedisStore): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await store.client.scan(cursor, 'MATCH', `${store.keys.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await store.client.unlink(...keys);
  } while (cursor !== '0');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

async function benchOne(store: RedisStore, service: AssessmentService, n: number): Promise<DigestBenchResult> {
  const tenant = `T${n}`;
  const participants = Array.from({ length: n }, (_, i) => `U${String(i).padStart(6, '0')}`);
  const baselineId = `baseline-${n}`;
  const roundId = `round-${n}`;
  await store.createRound(benchRound(tenant, baselineId, participants, { isBaseline: true, createdAt: '2025-03-03T07:00:00.000Z' }));
  await fill(store, benchRound(tenant, baselineId, participants), false);
  await store.createRound(benchRound(tenant, roundId, participants, { baselineRoundId: baselineId }));
  await fill(store, benchRound(tenant, roundId, participants), true);
  await store.updateRound(tenant, roundId, (r) => ({ ...r, status: 'closed', closedAt: new Date(NOW).toISOString() }));

  const runs: { total: number; read: number; build: number; trips: number }[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const trips0 = store.roundTrips();
    const t0 = performance.now();
    const { state, baseline } = await loadReportStates(service, tenant, roundId);
    const t1 = performance.now();
    const final = buildDigest(state, { kind: 'final', baseline, now: NOW, reportUrl: 'https://assess.example.org/reports/x' });
    const weekly = buildDigest(state, { kind: 'weekly', baseline, now: Date.parse('2026-03-30T06:00:00Z') });
    const t2 = performance.now();
    if (final.factors.length !== 13 || final.factors[0]!.voters !== n || final.factors[0]!.answers !== n || !weekly.pendingLine) {
      throw new Error(`digest for ${n} participants has the wrong numbers`);
    }
    // The first run warms up the JIT and the script cache; it is not counted.
    if (i > 0) runs.push({ total: t2 - t0, read: t1 - t0, build: t2 - t1, trips: store.roundTrips() - trips0 });
  }
  const med = runs.find((r) => r.total === median(runs.map((x) => x.total)))!;
  const targetMs = TARGET_MS[n] ?? Number.POSITIVE_INFINITY;
  return {
    participants: n,
    factors: FACTORS.length,
    votes: n * FACTORS.length,
    answers: n * FACTORS.length,
    medianMs: round1(med.total),
    maxMs: round1(Math.max(...runs.map((r) => r.total))),
    readMs: round1(med.read),
    buildMs: round1(med.build),
    roundTrips: med.trips,
    targetMs,
    pass: med.total <= targetMs,
  };
}

export async function runDigestBench(sizes = [1000, 10000]): Promise<DigestBenchResult[]> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const store = await RedisStore.open(url, { prefix: `bench-digest-${randomBytes(4).toString('hex')}` });
  const service = new AssessmentService({ store, packs: PackRegistry.fromDir(), clock: { now: () => NOW }, anonymitySecret: 'bench' });
  try {
    const results: DigestBenchResult[] = [];
    for (const n of sizes) results.push(await benchOne(store, service, n));
    return results;
  } finally {
    await dropPrefix(store);
    await store.close();
  }
}

function printTable(results: DigestBenchResult[]): void {
  console.log('participants  votes+answers  median ms  (read / build)  max ms  round trips  target   ');
  for (const r of results) {
    console.log(
      [
        String(r.participants).padStart(12),
        String(r.votes + r.answers).padStart(14),
        String(r.medianMs).padStart(10),
        `(${r.readMs} / ${r.buildMs})`.padStart(15),
        String(r.maxMs).padStart(7),
        String(r.roundTrips).padStart(12),
        `≤ ${r.targetMs} ms ${r.pass ? 'ok' : 'FAIL'}`.padStart(14),
      ].join(''),
    );
  }
  const trips = new Set(results.map((r) => r.roundTrips));
  console.log(trips.size === 1 ? `round trips are constant (${[...trips][0]}) whatever the number of participants` : 'round trips GROW with participants');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runDigestBench();
  printTable(results);
  writeFileSync(join(import.meta.dirname, 'results-digest.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
  process.exitCode = results.every((r) => r.pass) ? 0 : 1;
}
