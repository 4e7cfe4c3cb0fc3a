// Reminder fan-out: one round of N participants (votes on 12 of the 13 factors and an answer each, so the round is
// heavy), a reminder about the 13th that everyone still owes, run by the real scheduler through the production Slack
// adapter against the local fake Slack. Counts the bytes Redis sent the bot while the job ran (INFO total_net_output_bytes)
// and the time, for N from 500 to 5,000: one read of the round, and time linear in N.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { build } from '../src/app/build.js';
import { loadConfig } from '../src/config.js';
import { LEVELS, type Level } from '../src/core/model.js';
import { SLACK_DM_PACE } from '../src/platforms/slack/messenger.js';
import { createSlackRegistrar } from '../src/platforms/slack/index.js';
import { RedisStore } from '../src/store/index.js';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET } from '../test/helpers/slack-sign.js';
import { FakeSlackApi } from './fake-slack.js';
import { BENCH_TEAM, dropRedisPrefix, seedRound, type BenchSection } from './vote-path.js';

export interface RemindResult {
  participants: number;
  pending: number;
  directMessages: number;
  /** Bytes Redis sent to clients while the reminder job ran. */
  redisReadMb: number;
  seconds: number;
  /** Runs of the job (a fan-out that uses its time budget continues in a fresh lease). */
  runs: number;
  /** What Slack's own pace (SLACK_DM_PACE) adds in production: pending / messages per second. */
  pacedMinutes: number;
}

async function netOutputBytes(store: RedisStore): Promise<number> {
  const info = await store.client.info('stats');
  return Number(/total_net_output_bytes:(\d+)/.exec(info)?.[1] ?? 'NaN');
}

export async function runRemind(participants: number): Promise<RemindResult> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-remind-${randomBytes(4).toString('hex')}`;
  const fake = await FakeSlackApi.start({ keepCalls: false });
  const seedStore = await RedisStore.open(redisUrl, { prefix });
  const config = loadConfig({
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
    SLACK_API_URL: fake.url,
    ANONYMITY_SECRET: 'bench-anonymity-secret',
    LOG_LEVEL: 'warn',
    PLAYGROUND: 'off',
  });
  // Slack's pace would make 5,000 messages take 17 minutes of waiting; the bench measures the bot's own work, so the
  // fake Slack is not paced (the production pace is reported beside it).
  const app = await build(config, { adapters: [createSlackRegistrar({ dmPace: { perSecond: 100_000, concurrency: 8 }, chart: false })] });
  try {
    const { roundId, participants: people, factorIds } = await seedRound(seedStore, participants);
    const owed = factorIds.at(-1)!;
    const tasks: (() => Promise<unknown>)[] = [];
    for (const [i, m] of people.entries()) {
      for (const f of factorIds.slice(0, -1)) {
        const level = LEVELS[(i + f.length) % LEVELS.length] as Level;
        tasks.push(() => seedStore.recordVote({ tenant: BENCH_TEAM, roundId, factorId: f, memberId: m, level, interactionId: `${m}-${f}`, at: new Date().toISOString() }));
      }
      tasks.push(() => seedStore.saveAnswer(BENCH_TEAM, roundId, { factorId: factorIds[0]!, memberId: m, texts: { [`${factorIds[0]}-q1`]: 'Ja, fullmäktige beslutade 2025 om en plan; se protokollet och årsredovisningen.' }, evidence: ['https://kommun.example/protokoll/2025-11'], at: new Date().toISOString() }));
    }
    for (let i = 0; i < tasks.length; i += 1000) await Promise.all(tasks.slice(i, i + 1000).map((t) => t()));
    const now = Date.now();
    await seedStore.scheduleJobs([{ id: `${BENCH_TEAM}:${roundId}:reminder:bench`, kind: 'reminder', tenant: BENCH_TEAM, roundId, dueAt: now - 1000, payload: { factorIds: [owed] }, attempts: 0 }]);
    fake.reset();
    const before = await netOutputBytes(seedStore);
    const t0 = performance.now();
    let runs = 0;
    for (let i = 0; i < 100; i++) {
      const r = await app.scheduler.tick();
      runs += r.claimed;
      if (r.claimed === 0) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    const after = await netOutputBytes(seedStore);
    const directMessages = fake.stats().ok['chat.postMessage'] ?? 0;
    return {
      participants,
      pending: participants,
      directMessages,
      redisReadMb: Math.round(((after - before) / 2 ** 20) * 100) / 100,
      seconds: Math.round(seconds * 100) / 100,
      runs,
      pacedMinutes: Math.round((participants / SLACK_DM_PACE.perSecond / 60) * 10) / 10,
    };
  } finally {
    await app.close();
    await dropRedisPrefix(seedStore, prefix).catch(() => undefined);
    await seedStore.close();
    await fake.close();
  }
}

export async function runRemindBench(sizes = [500, 1000, 2000, 5000]): Promise<BenchSection[]> {
  const rows: RemindResult[] = [];
  for (const n of sizes) rows.push(await runRemind(n));
  const at = (n: number) => rows.find((r) => r.participants === n)!;
  const perPerson = rows.map((r) => r.seconds / r.participants);
  // Linear: the time per person at 5,000 within 1.5× of that at 500 (flat or falling per person is linear or better).
  const linear = perPerson.at(-1)! <= 1.5 * perPerson[0]!;
  const met = at(1000).redisReadMb <= 20 && rows.every((r) => r.directMessages === r.pending) && linear;
  return [
    {
      key: 'remind',
      title: 'Reminders: one round read, then paced fan-out (fake Slack)',
      target: '`remind` with 1,000 pending reads ≤ 20 MB from Redis; time linear from 500 to 5,000 participants; one DM each',
      rows: rows.map((r) => ({
        participants: r.participants,
        'DMs sent': r.directMessages,
        'Redis → bot (MB)': r.redisReadMb,
        'time (s)': r.seconds,
        'ms per person': Math.round((r.seconds / r.participants) * 1000 * 100) / 100,
        'job runs': r.runs,
        'at Slack pace (min)': r.pacedMinutes,
      })),
      verdict: met ? 'met' : 'NOT met',
      data: rows,
    },
  ];
}

if (process.argv[1]?.endsWith('remind.js') || process.argv[1]?.endsWith('remind.ts')) {
  const { RedisProcess } = await import('../test/setup/redis-servers.js');
  const own = process.env.REDIS_URL ? null : await RedisProcess.start();
  if (own) process.env.REDIS_URL = own.url;
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const [section] = await runRemindBench(sizes.length > 0 ? sizes : undefined);
  console.log(JSON.stringify(section!.rows, null, 2), section!.verdict);
  await own?.stop();
  process.exit(0);
}
