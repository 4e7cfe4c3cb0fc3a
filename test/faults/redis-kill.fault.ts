// Redis killed with SIGKILL in the middle of a burst of votes, then restarted on its AOF: no acknowledged vote is lost
// (acknowledged = Slack got its 200 and the voter's confirmation reached Slack), and every vote sent while Redis was down
// was answered with the clear "try again in a moment" message, never with silence.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config.js';
import { t } from '../../src/core/i18n.js';
import { LEVELS, type Level } from '../../src/core/model.js';
import { registerSlack, SlackAdapter } from '../../src/platforms/slack/index.js';
import { RedisStore } from '../../src/store/index.js';
import { FakeSlackApi } from '../../bench/fake-slack.js';
import { BENCH_CHANNEL, BENCH_TEAM, seedRound } from '../../bench/vote-path.js';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET, interactionBody, postSigned, votePayload } from '../helpers/slack-sign.js';
import { talliesMatchVotes } from '../security/harness.js';
import { hasRedisServer } from '../helpers/ports.js';
import { OwnRedis } from './helpers/processes.js';

const VOTERS = 240;

describe.skipIf(!hasRedisServer)('Redis SIGKILL mid-burst', () => {
  let redis: OwnRedis;
  let fake: FakeSlackApi;
  let app: App;
  let slack: SlackAdapter;
  let roundId: string;
  let participants: string[];
  let factorIds: string[];

  beforeAll(async () => {
    redis = await OwnRedis.start();
    fake = await FakeSlackApi.start();
    const prefix = `faults-${randomBytes(4).toString('hex')}`;
    const seed = await RedisStore.open(redis.url, { prefix });
    ({ roundId, participants, factorIds } = await seedRound(seed, VOTERS, { cardRefs: true }));
    await seed.close();
    const config = loadConfig({
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
      SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
      SLACK_API_URL: fake.url,
      ANONYMITY_SECRET: 'bench-anonymity-secret',
      LOG_LEVEL: 'silent',
      PLAYGROUND: 'off',
    });
    // As main.ts wires it: the production Slack registrar, real timers, real retries.
    app = await build(config, { adapters: [registerSlack] });
    slack = app.adapters.find((a): a is SlackAdapter => a instanceof SlackAdapter)!;
    await app.http.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await fake?.close();
    await redis?.remove();
  });

  type Phase = 'up' | 'down' | 'back';
  const sent: { user: string; factorId: string; level: Level; phase: Phase; status: number }[] = [];

  async function vote(i: number, phase: () => Phase): Promise<void> {
    const user = participants[i]!;
    const factorId = factorIds[i % factorIds.length]!;
    const level = LEVELS[i % LEVELS.length] as Level;
    const body = interactionBody(votePayload({ team: BENCH_TEAM, user, channel: BENCH_CHANNEL, roundId, factorId, level, actionTs: `1768203012.${String(i).padStart(6, '0')}` }));
    const at = phase();
    const address = app.http.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, body, BENCH_SIGNING_SECRET);
    sent.push({ user, factorId, level, phase: at, status: res.status });
  }

  /** Sends votes `from`..`to` with `concurrency` in flight; `onDone` runs after each answer. */
  async function burst(from: number, to: number, concurrency: number, phase: () => Phase, onDone: (answered: number) => Promise<void> = async () => undefined) {
    let next = from;
    let answered = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < to) {
          const i = next++;
          await vote(i, phase);
          answered += 1;
          await onDone(answered);
        }
      }),
    );
  }

  it('loses no acknowledged vote and answers every vote during the outage with "try again"', async () => {
    let phase: Phase = 'up';
    let killing: Promise<void> | null = null;
    // 160 votes, 16 at a time; Redis is SIGKILLed when 80 have been answered, with the rest still coming.
    await burst(0, 160, 16, () => phase, async (answered) => {
      if (answered === 80 && !killing) {
        killing = redis.kill().then(() => {
          phase = 'down';
        });
        await killing;
      }
    });
    // 40 more while Redis stays down.
    await burst(160, 200, 8, () => phase);
    await slack.settled();

    await redis.up();
    // The app's own connection comes back by itself (capped backoff); nothing is restarted.
    for (let i = 0; i < 100 && !(await app.store.ping().then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
    phase = 'back';
    await burst(200, VOTERS, 8, () => phase);
    await slack.settled();

    const snap = await app.store.getSnapshot(BENCH_TEAM, roundId);
    const stored = (s: (typeof sent)[number]) => snap!.votes[s.factorId]?.[s.user];
    const notes = new Map<string, string[]>();
    for (const c of fake.delivered('chat.postEphemeral')) notes.set(String(c.body.user), [...(notes.get(String(c.body.user)) ?? []), String(c.body.text)]);
    const tryAgain = t('sv', 'errors.STORE_UNAVAILABLE');

    expect(sent).toHaveLength(VOTERS);
    expect(sent.every((s) => s.status === 200)).toBe(true);
    // Never silence: each voter was told exactly one thing, a confirmation or "try again".
    for (const s of sent) {
      const said = notes.get(s.user) ?? [];
      expect(said, s.user).toHaveLength(1);
      expect(said[0]!.startsWith('Din röst på') || said[0] === tryAgain, said[0]).toBe(true);
    }
    const acknowledged = sent.filter((s) => notes.get(s.user)![0]!.startsWith('Din röst på'));
    const refused = sent.filter((s) => notes.get(s.user)![0] === tryAgain);
    // 0 acknowledged votes lost: every confirmed vote is in Redis after the restart, with its level.
    expect(acknowledged.filter((s) => stored(s) !== s.level)).toEqual([]);
    // Every vote sent while Redis was down was refused with the clear message, and nothing of it was stored.
    const duringOutage = sent.filter((s) => s.phase === 'down');
    expect(duringOutage.length).toBeGreaterThanOrEqual(40);
    expect(duringOutage.filter((s) => notes.get(s.user)![0] !== tryAgain)).toEqual([]);
    expect(duringOutage.filter((s) => stored(s) !== undefined)).toEqual([]);
    // After the restart every vote is taken again.
    expect(sent.filter((s) => s.phase === 'back').every((s) => stored(s) === s.level)).toBe(true);
    // The run was not vacuous: votes were confirmed before the kill, and refused during it.
    expect(sent.filter((s) => s.phase === 'up' && stored(s) === s.level).length).toBeGreaterThanOrEqual(80);
    expect(refused.length).toBe(sent.length - acknowledged.length);
    expect(await talliesMatchVotes(app.store as RedisStore, BENCH_TEAM, roundId)).toBe(true);
  });
});
