// Slack answering 429 (with Retry-After) and 5xx, with the production retry policy and the local fake Slack API:
// card posts, vote confirmations, tally edits and reminders are retried and delivered, each exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config.js';
import type { Round } from '../../src/core/model.js';
import type { Job } from '../../src/core/ports.js';
import { registerSlack, SlackAdapter } from '../../src/platforms/slack/index.js';
import type { RedisStore } from '../../src/store/index.js';
import { FakeSlackApi, type FakeCall } from '../../bench/fake-slack.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET, interactionBody, postSigned, votePayload } from '../helpers/slack-sign.js';
import { dropPrefix, REDIS_URL, redisStore, settings, testPrefix } from '../helpers/world.js';

const TEAM = 'T0MALMO';
const CHANNEL = 'C0MANGFALD';
const PEOPLE = ['U0CORA', 'U0ANNA', 'U0BO', 'U0CECILIA'];
const RATE_LIMITED = { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } };

describe('Slack 429 and 5xx', () => {
  let fake: FakeSlackApi;
  let app: App;
  let slack: SlackAdapter;
  let clock: FakeClock;
  let round: Round;
  let prefix: string;

  beforeAll(async () => {
    fake = await FakeSlackApi.start();
    prefix = testPrefix();
    clock = new FakeClock(Date.parse('2026-01-12T07:30:00Z'));
    const config = loadConfig({
      REDIS_URL,
      REDIS_PREFIX: prefix,
      SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
      SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
      SLACK_API_URL: fake.url,
      ANONYMITY_SECRET: 'faults-anonymity-secret',
      LOG_LEVEL: 'silent',
      PLAYGROUND: 'off',
    });
    // The production registrar: fiveRetriesInFiveMinutes, 429s waited out per Retry-After.
    app = await build(config, { adapters: [registerSlack], clock });
    slack = app.adapters.find((a): a is SlackAdapter => a instanceof SlackAdapter)!;
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    round = await app.service.startRound({
      tenant: TEAM,
      platform: 'slack',
      settings: settings({ channelId: CHANNEL, participants: PEOPLE, managers: [], pacing: 'staggered', startDate: '2026-01-12', closeDate: '2026-03-23' }),
      actor: { id: 'U0CORA', name: 'Cora Lind' },
    });
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    const cleaner = await redisStore(prefix);
    await dropPrefix(cleaner as RedisStore);
    await cleaner.close();
    await fake?.close();
  });

  /** Waits until no tally edit is waiting for its window and all Slack work has finished. */
  async function quiet(): Promise<void> {
    await slack.settled();
    await fake.until(() => slack.updater.pendingKeys().length === 0);
    await slack.settled();
  }

  async function vote(user: string, level: string, i: number) {
    const address = app.http.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const body = interactionBody(votePayload({ team: TEAM, user, channel: CHANNEL, roundId: round.id, factorId: 'f01', level, actionTs: `1768203012.00000${i}` }));
    return postSigned(`http://127.0.0.1:${port}/slack/events`, body, BENCH_SIGNING_SECRET, { timestamp: Math.floor(clock.now() / 1000) });
  }

  it('a card post answered 429 Retry-After: 1 is retried after the wait and posted once', async () => {
    fake.failNext('chat.postMessage', RATE_LIMITED);
    await slack.messenger.postFactorCard(round, 'f01');
    const posts = fake.callsTo('chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[1]!.body).toEqual(posts[0]!.body);
    expect(fake.delivered('chat.postMessage')).toHaveLength(1);
    expect((await app.store.getCardRefs(TEAM, round.id)).f01).toMatchObject({ channelId: CHANNEL });
    expect(await app.metrics.registry.getSingleMetricAsString('assess_platform_rate_limited_total')).toContain('assess_platform_rate_limited_total{platform="slack"} 1');
  });

  it('a vote confirmation answered 503, then 500, is retried and reaches the voter once', async () => {
    fake.reset();
    fake.failNext('chat.postEphemeral', { status: 503, body: 'upstream unavailable' }, { status: 500, body: { ok: false, error: 'internal_error' } });
    expect((await vote('U0ANNA', 'partly', 1)).status).toBe(200);
    await quiet();
    expect(fake.callsTo('chat.postEphemeral').map((c) => c.status)).toEqual([503, 500, 200]);
    const delivered = fake.delivered('chat.postEphemeral');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.body).toMatchObject({ user: 'U0ANNA', channel: CHANNEL });
    expect(String(delivered[0]!.body.text)).toMatch(/^Din röst på 01 · Offentliga åtaganden: Stämmer delvis\./);
    expect(await app.store.getCounts(TEAM, round.id, 'f01')).toEqual({ 'in-place': 0, partly: 1, 'not-in-place': 0, 'dont-know': 0 });
  });

  it('a tally edit answered 429 and then 502 is retried, and the card ends on the exact tally', async () => {
    fake.reset();
    fake.failNext('chat.update', RATE_LIMITED, { status: 502, body: 'bad gateway' });
    await vote('U0BO', 'in-place', 2);
    await vote('U0CECILIA', 'in-place', 3);
    await quiet();
    const edits = fake.callsTo('chat.update');
    expect(edits.slice(0, 2).map((c) => c.status)).toEqual([429, 502]);
    const last = fake.delivered('chat.update').at(-1)!;
    expect(JSON.stringify(last.body.blocks)).toContain('3 av 4 har röstat');
    expect(JSON.stringify(last.body.blocks)).toContain('Stämmer 2 · Stämmer delvis 1 · Stämmer inte 0 · Vet inte 0');
  });

  it('reminders: a 500 is retried by the client, a Slack error by the scheduler, and everyone is reminded once', async () => {
    const reminders = (await app.store.listJobs(TEAM, round.id)).filter((j) => j.kind === 'reminder').sort((a, b) => a.dueAt - b.dueAt);
    const [r1, r2] = reminders as [Job, Job];
    const isDm = (c: FakeCall) => c.method === 'chat.postMessage' && /^U/.test(String(c.body.channel));
    const dmCalls = () => fake.calls.filter(isDm);

    // First reminder: the first DM is answered 500; the client retries it.
    fake.reset();
    fake.failIf = (c) => (isDm(c) && dmCalls().length === 1 ? { status: 500, body: 'oops' } : null);
    clock.set(r1.dueAt + 60_000);
    expect((await app.scheduler.drain()).failed).toBe(0);
    await quiet();
    const first = fake.dms().map((c) => String(c.body.channel));
    expect(first.length).toBeGreaterThan(0);
    expect(new Set(first).size).toBe(first.length);
    expect(dmCalls().map((c) => c.status)).toEqual([500, ...first.map(() => 200)]);

    // Second reminder: the second DM gets a Slack error no retry helps; the scheduler retries the job later,
    // skipping the person already reminded.
    fake.reset();
    fake.failIf = (c) => (isDm(c) && dmCalls().length === 2 ? { status: 200, body: { ok: false, error: 'service_unavailable' } } : null);
    clock.set(r2.dueAt + 60_000);
    expect((await app.scheduler.drain(1)).failed).toBe(1);
    fake.failIf = null;
    // DMs go out a few at a time (SLACK_DM_PACE): those already in flight when the second one fails still land, and
    // the job stops before reaching everyone. None is sent twice.
    const sofar = fake.dms().map((c) => String(c.body.channel));
    expect(sofar.length).toBeGreaterThanOrEqual(1);
    expect(sofar.length).toBeLessThan(PEOPLE.length);
    expect(new Set(sofar).size).toBe(sofar.length);
    clock.advance(5 * 60_000);
    expect((await app.scheduler.drain()).failed).toBe(0);
    await quiet();
    const second = fake.dms().map((c) => String(c.body.channel));
    expect(second.sort()).toEqual([...PEOPLE].sort());
    expect(dmCalls().filter((c) => !c.ok)).toHaveLength(1);
    expect((await app.store.listJobs(TEAM, round.id)).map((j) => j.id)).not.toContain(r2.id);
  });
});
