// Digest benchmark: the final summary and weekly digest for 13 factors × 1,000 and × 10,000 participants who all voted and answered, on real Redis.
// Targets: ≤ 200 ms for 1,000 and ≤ 2 s for 10,000, reading the round and its comparison round the way the bot's digest does
// (service.state without answers, whose stats come from the store, and the comparison round's tallies only);
// Redis round trips must not grow with participants.
// Also timed: the digest computation alone, from the same data in memory, to separate it from the store read; and, for
// comparison, reading the round with every answer (what reports and exports still do).
// Run: npx tsx bench/digest.ts   (REDIS_URL, default redis://127.0.0.1:6379; writes bench/results-digest.json)
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AnonymityKeyring } from '../src/core/anonymity-keys.js';
import { PackRegistry } from '../src/content/registry.js';
import { Redis } from 'ioredis';
import { emptyCounts, LEVELS, RoundSchema, type Answer, type Level, type Round } from '../src/core/model.js';
import type { RoundSnapshot } from '../src/core/ports.js';
import { AssessmentService } from '../src/core/service.js';
import { digestReadOptions, type RoundState } from '../src/core/read-model.js';
import { buildDigest } from '../src/core/views/digest.js';
import { AnswerStatsBuilder } from '../src/store/answer-summary.js';
import { RedisStore } from '../src/store/index.js';
import { deleteKeysWithPrefix } from '../test/helpers/redis-prefix.js';

/** A type alias rather than an interface, so it also reads as a plain record (bench/run.ts prints the rows generically). */
export type DigestBenchResult = {
  participants: number;
  factors: number;
  votes: number;
  answers: number;
  /** Median and worst of the timed runs: read round + baseline from Redis (without answers), tally, build final and weekly digests. */
  medianMs: number | null;
  maxMs: number | null;
  /** Of the median run: reading from Redis vs computing the views. */
  readMs: number | null;
  buildMs: number | null;
  /** Store round trips for one digest (round + comparison round). */
  roundTrips: number | null;
  /** The digest computation alone (tallies, final + weekly views) from an in-memory snapshot as the store returns it without answers. */
  computeMs: number;
  /** The same from a snapshot with every answer and no stored stats, so the service adds them up itself (the old path). */
  computeWithAnswersMs: number;
  /** Median time to read the round with every answer (reports and exports), for comparison; null if it failed. */
  readWithAnswersMs: number | null;
  targetMs: number;
  /** The digest computation meets the target. */
  computePass: boolean;
  /** Reading from Redis plus the computation meets the target. */
  pass: boolean;
  /** Set when reading from the store failed (e.g. a store command timeout); the timings are then null. */
  error?: string;
};

const RUNS = 7;
/** 100 participants is not a target of its own; it shows that round trips stay the same as the round grows. */
const TARGET_MS: Record<number, number> = { 100: 200, 1000: 200, 10000: 2000 };
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

const levelOf = (i: number, j: number): Level => LEVELS[(i * 7 + j * 3) % 4]!;

/** A realistic answer: two guiding questions and one evidence link. */
function answerOf(memberId: string, i: number, factorId: string): Answer {
  return {
    factorId,
    memberId,
    texts: {
      [`${factorId}-q1`]: `Ja, delvis. Fullmäktige beslutade 2025 om en plan; förvaltning ${i % 40} följer upp den i årsredovisningen.`,
      [`${factorId}-q2`]: 'Inte regelbundet. Det nämns i budgettal och på stadens webb, men inte i nämndernas verksamhetsplaner.',
    },
    evidence: [`https://kommun.example/protokoll/2025-${(i % 12) + 1}/${factorId}.pdf`],
    at: '2026-03-10T10:00:00.000Z',
  };
}

/** Everyone votes on every factor (and answers, when asked); sent concurrently, which ioredis pipelines. */
async function fill(store: RedisStore, round: Round, withAnswers: boolean): Promise<void> {
  const tasks: (() => Promise<unknown>)[] = [];
  round.participants.forEach((m, i) => {
    FACTORS.forEach((f, j) => {
      const level = levelOf(i, j);
      tasks.push(() =>
        store.recordVote({ tenant: round.tenant, roundId: round.id, factorId: f, memberId: m, level, interactionId: `${m}-${f}`, at: '2026-03-10T10:00:00.000Z' }),
      );
      if (withAnswers) tasks.push(() => store.saveAnswer(round.tenant, round.id, answerOf(m, i, f)));
    });
  });
  for (let i = 0; i < tasks.length; i += 2000) await Promise.all(tasks.slice(i, i + 2000).map((t) => t()));
}

/** The same data as `fill` puts in Redis, as the store returns it with every answer (but without the stats it keeps). */
function memorySnapshot(round: Round): RoundSnapshot {
  const snapshot: RoundSnapshot = { round, counts: {}, votes: {}, answers: {} };
  FACTORS.forEach((f, j) => {
    const counts = emptyCounts();
    const votes: Record<string, Level> = {};
    const answers: Record<string, Answer> = {};
    round.participants.forEach((m, i) => {
      const level = levelOf(i, j);
      counts[level] += 1;
      votes[m] = level;
      answers[m] = answerOf(m, i, f);
    });
    snapshot.counts[f] = counts;
    snapshot.votes[f] = votes;
    snapshot.answers[f] = answers;
  });
  return snapshot;
}

/** The same, as the store returns it without answers: their stats instead. */
function leanSnapshot(full: RoundSnapshot): RoundSnapshot {
  const stats = new AnswerStatsBuilder();
  for (const [f, byMember] of Object.entries(full.answers)) {
    for (const [m, answer] of Object.entries(byMember)) stats.addAnswer(f, m, answer);
  }
  return { ...full, answers: Object.fromEntries(full.round.factorIds.map((f) => [f, {}])), answerStats: stats.build(full.round.factorIds) };
}

/** The round and its comparison round as the bot's digest reads them (the read model's state and baselineState). */
async function loadDigestStates(service: AssessmentService, tenant: string, roundId: string): Promise<{ state: RoundState; baseline: RoundState | null }> {
  return loadStates(service, await service.getRound(tenant, roundId));
}

async function loadStates(service: AssessmentService, round: Round): Promise<{ state: RoundState; baseline: RoundState | null }> {
  const state = await service.state(round.tenant, round.id, digestReadOptions(round));
  return { state, baseline: await service.baselineState(round) };
}

/** Removes our keys (only ours: the Redis may be shared), on a fresh connection in case the store's is still busy. */
async function dropPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  try {
    await deleteKeysWithPrefix(client, prefix);
  } finally {
    client.disconnect();
  }
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

  const targetMs = TARGET_MS[n] ?? 2000;
  const base = { participants: n, factors: FACTORS.length, votes: n * FACTORS.length, answers: n * FACTORS.length, targetMs };
  const digests = (state: RoundState, baseline: RoundState | null) => {
    const final = buildDigest(state, { kind: 'final', baseline, now: NOW, reportUrl: 'https://assess.example.org/reports/x' });
    const weekly = buildDigest(state, { kind: 'weekly', baseline, now: Date.parse('2026-03-30T06:00:00Z') });
    if (final.factors.length !== 13 || final.factors[0]!.voters !== n || final.factors[0]!.answers !== n || !weekly.pendingLine) {
      throw new Error(`digest for ${n} participants has the wrong numbers`);
    }
  };

  // The digest computation on its own, from the same data held in memory.
  const round = (await store.getRound(tenant, roundId))!;
  const snapshot = memorySnapshot(round);
  const lean = leanSnapshot(snapshot);
  const comparison = (await loadStates(service, round)).baseline;
  const computeOf = (snap: RoundSnapshot): number => {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const t0 = performance.now();
      digests(service.stateFromSnapshot(snap), comparison);
      if (i > 0) times.push(performance.now() - t0);
    }
    return round1(median(times));
  };
  const computeMs = computeOf(lean);
  const computeWithAnswersMs = computeOf(snapshot);

  // For comparison: the round with every answer, as reports read it.
  let readWithAnswersMs: number | null = null;
  try {
    const reads: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      await store.getSnapshot(tenant, roundId);
      if (i > 0) reads.push(performance.now() - t0);
    }
    readWithAnswersMs = round1(median(reads));
  } catch {
    // Too big to read within the store's command timeout; the digest itself no longer needs it.
  }

  // End to end: read the round and its comparison round from Redis as the bot's digest does, then compute.
  const runs: { total: number; read: number; build: number; trips: number }[] = [];
  try {
    for (let i = 0; i < RUNS + 1; i++) {
      const trips0 = store.roundTrips();
      const t0 = performance.now();
      const { state, baseline } = await loadDigestStates(service, tenant, roundId);
      const t1 = performance.now();
      digests(state, baseline);
      const t2 = performance.now();
      // The first run warms up the JIT and the script cache; it is not counted.
      if (i > 0) runs.push({ total: t2 - t0, read: t1 - t0, build: t2 - t1, trips: store.roundTrips() - trips0 });
    }
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    const message = `${err instanceof Error ? err.message : String(err)}${cause}`;
    return {
      ...base,
      medianMs: null,
      maxMs: null,
      readMs: null,
      buildMs: null,
      roundTrips: null,
      computeMs,
      computeWithAnswersMs,
      readWithAnswersMs,
      computePass: computeMs <= targetMs,
      pass: false,
      error: `reading the round failed: ${message}`,
    };
  }
  const med = runs.find((r) => r.total === median(runs.map((x) => x.total)))!;
  return {
    ...base,
    medianMs: round1(med.total),
    maxMs: round1(Math.max(...runs.map((r) => r.total))),
    readMs: round1(med.read),
    buildMs: round1(med.build),
    roundTrips: med.trips,
    computeMs,
    computeWithAnswersMs,
    readWithAnswersMs,
    computePass: computeMs <= targetMs,
    pass: med.total <= targetMs,
  };
}

export async function runDigestBench(sizes = [100, 1000, 10000]): Promise<DigestBenchResult[]> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-digest-${randomBytes(4).toString('hex')}`;
  const results: DigestBenchResult[] = [];
  try {
    for (const n of sizes) {
      // A fresh connection per size, so a timed-out huge reply on one cannot slow the next.
      const store = await RedisStore.open(url, { prefix });
      const service = new AssessmentService({ store, packs: PackRegistry.fromDir(), clock: { now: () => NOW }, anonymityKeys: new AnonymityKeyring('bench') });
      try {
        results.push(await benchOne(store, service, n));
      } finally {
        store.client.disconnect();
      }
    }
    return results;
  } finally {
    await dropPrefix(url, prefix);
  }
}

function printTable(results: DigestBenchResult[]): void {
  const show = (x: number | null) => (x === null ? '–' : String(x));
  console.log(
    'participants  votes+answers  end-to-end ms (read / build)  max ms  round trips  compute ms  (with answers)  read with answers ms  target (end-to-end, compute)',
  );
  for (const r of results) {
    console.log(
      [
        String(r.participants).padStart(12),
        String(r.votes + r.answers).padStart(15),
        `${show(r.medianMs)} (${show(r.readMs)} / ${show(r.buildMs)})`.padStart(30),
        show(r.maxMs).padStart(8),
        show(r.roundTrips).padStart(13),
        String(r.computeMs).padStart(12),
        `(${r.computeWithAnswersMs})`.padStart(16),
        show(r.readWithAnswersMs).padStart(22),
        `  ≤ ${r.targetMs} ms (${r.pass ? 'ok' : 'FAIL'}, ${r.computePass ? 'ok' : 'FAIL'})`,
      ].join(''),
    );
    if (r.error) console.log(`${' '.repeat(14)}${r.error}`);
  }
  const trips = [...new Set(results.map((r) => r.roundTrips).filter((x) => x !== null))];
  if (trips.length === 1) console.log(`round trips per digest are constant (${trips[0]}) whatever the number of participants`);
  else if (trips.length > 1) console.log(`round trips per digest differ between sizes: ${trips.join(', ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runDigestBench();
  printTable(results);
  writeFileSync(join(import.meta.dirname, 'results-digest.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
  process.exitCode = results.every((r) => r.pass) ? 0 : 1;
}
