// Card refresh economy: 500 signed votes on one card within 10 s, through the real server with the production Slack
// registrar, must cause at most 12 chat.update calls (counted on the local fake Slack), the last one showing the exact tally.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import { build } from '../src/app/build.js';
import { loadConfig } from '../src/config.js';
import { emptyCounts, LEVELS, type Level } from '../src/core/model.js';
import { registerSlack, SlackAdapter } from '../src/platforms/slack/index.js';
import { RedisStore } from '../src/store/index.js';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET, interactionBody, postSigned, votePayload } from '../test/helpers/slack-sign.js';
import { FakeSlackApi } from './fake-slack.js';
import { BENCH_CHANNEL, BENCH_TEAM, dropRedisPrefix, seedRound, sleep, waitUntil, type BenchSection } from './vote-path.js';

export interface CardRefreshResult {
  votes: number;
  /** From the first vote sent to the last one answered. */
  sendSeconds: number;
  non200: number;
  confirmations: number;
  chatUpdates: number;
  /** chat.update calls on any other message (there should be none). */
  otherUpdates: number;
  lastEditExact: boolean;
  storeCountsExact: boolean;
  finalTally: Record<Level, number>;
}

export async function runCardRefresh(opts: { votes?: number; withinMs?: number } = {}): Promise<CardRefreshResult> {
  const votes = opts.votes ?? 500;
  const withinMs = opts.withinMs ?? 9_000;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-card-${randomBytes(4).toString('hex')}`;
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
  // The registrar main.ts uses: one-second coalescing window on real timers.
  const app = await build(config, { adapters: [registerSlack] });
  try {
    const adapter = app.adapters.find((a): a is SlackAdapter => a instanceof SlackAdapter);
    if (!adapter) throw new Error('the Slack adapter did not start');
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const address = app.http.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/slack/events`;

    const { roundId, participants } = await seedRound(seedStore, votes, { cardRefs: false });
    const round = await app.service.getRound(BENCH_TEAM, roundId);
    await adapter.messenger.postFactorCard(round, 'f01');
    const cardTs = (await app.store.getCardRefs(BENCH_TEAM, roundId)).f01!.messageId;
    fake.reset();

    // Everyone votes once on 01, evenly spread over the window.
    const expected = emptyCounts();
    const base = Math.floor(Date.now() / 1000);
    const t0 = performance.now();
    const sent: Promise<{ status: number }>[] = [];
    for (let i = 0; i < votes; i++) {
      const wait = t0 + (i * withinMs) / votes - performance.now();
      if (wait > 0) await sleep(wait);
      const level = LEVELS[i % LEVELS.length] as Level;
      expected[level] += 1;
      const body = interactionBody(
        votePayload({ team: BENCH_TEAM, user: participants[i]!, channel: BENCH_CHANNEL, roundId, factorId: 'f01', level, actionTs: `${base}.${String(i).padStart(6, '0')}`, messageTs: cardTs }),
      );
      sent.push(postSigned(url, body, BENCH_SIGNING_SECRET));
    }
    const answers = await Promise.all(sent);
    const sendSeconds = Math.round((performance.now() - t0) / 100) / 10;

    // Let the last coalescing window close and every edit finish.
    await waitUntil(async () => (fake.stats().ok['chat.postEphemeral'] ?? 0) >= votes, 60_000, 'every vote to be confirmed');
    await waitUntil(() => adapter.updater.pendingKeys().length === 0, 10_000, 'the last card edit');
    await adapter.settled();

    const stats = fake.stats();
    const edits = stats.updates[cardTs];
    const finalCard = adapter.messenger.renderCard(await app.service.state(BENCH_TEAM, roundId), 'f01');
    const counts = await app.store.getCounts(BENCH_TEAM, roundId, 'f01');
    return {
      votes,
      sendSeconds,
      non200: answers.filter((a) => a.status !== 200).length,
      confirmations: stats.ok['chat.postEphemeral'] ?? 0,
      chatUpdates: edits?.count ?? 0,
      otherUpdates: Object.entries(stats.updates).filter(([ts]) => ts !== cardTs).reduce((a, [, u]) => a + u.count, 0),
      lastEditExact: edits !== undefined && isDeepStrictEqual(edits.last.blocks, finalCard.blocks) && edits.last.text === finalCard.text,
      storeCountsExact: isDeepStrictEqual(counts, expected),
      finalTally: counts,
    };
  } finally {
    await app.close();
    await dropRedisPrefix(seedStore, prefix).catch(() => undefined);
    await seedStore.close();
    await fake.close();
  }
}

export async function runCardRefreshBench(): Promise<BenchSection[]> {
  const r = await runCardRefresh();
  const met = r.chatUpdates <= 12 && r.sendSeconds <= 10 && r.lastEditExact && r.storeCountsExact && r.non200 === 0 && r.otherUpdates === 0;
  return [
    {
      key: 'cardRefresh',
      title: 'Card refresh economy: 500 votes on one card within 10 s',
      target: 'at most 12 chat.update calls (counted on the local fake Slack API); the last edit shows the exact tally',
      rows: [
        {
          votes: r.votes,
          'sent within (s)': r.sendSeconds,
          'non-200': r.non200,
          confirmations: r.confirmations,
          'chat.update on the card': r.chatUpdates,
          'chat.update elsewhere': r.otherUpdates,
          'last edit = exact tally': r.lastEditExact ? 'yes' : 'NO',
          'stored tally = votes sent': r.storeCountsExact ? 'yes' : 'NO',
          'final tally': LEVELS.map((l) => `${l} ${r.finalTally[l]}`).join(', '),
        },
      ],
      verdict: met ? 'met' : 'NOT met',
      data: r,
    },
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  runCardRefreshBench().then(
    (s) => {
      console.log(JSON.stringify(s[0]!.rows, null, 2), s[0]!.verdict);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
