// Two bot processes on one Redis, as two replicas behind a load balancer: every due job runs once (whichever replica
// claims it), votes arriving at either replica are counted exactly, and a delivery Slack repeats — to the same replica or
// the other, at the same time or as a retry — is counted once.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnonymityKeyring } from '../../src/core/anonymity-keys.js';
import { PackRegistry } from '../../src/content/registry.js';
import { t } from '../../src/core/i18n.js';
import { LEVELS, emptyCounts, type Level } from '../../src/core/model.js';
import { AssessmentService } from '../../src/core/service.js';
import type { RedisStore } from '../../src/store/index.js';
import { FakeSlackApi } from '../../bench/fake-slack.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET, interactionBody, postSigned, votePayload, type SignOptions } from '../helpers/slack-sign.js';
import { dropPrefix, REDIS_URL, redisStore, settings } from '../helpers/world.js';
import { talliesMatchVotes } from '../security/harness.js';
import { BotProcess } from './helpers/processes.js';

const TEAM = 'T0MALMO';
const VOTE_CHANNEL = 'C0VOTES';
/** Monday 12 January 2026, 08:00 in Stockholm. */
const T0 = Date.parse('2026-01-12T07:00:00Z');
const ROUNDS = 30;
const VOTERS = Array.from({ length: 40 }, (_, i) => `U0V${String(i).padStart(3, '0')}`);

const participantsOf = (r: number) => [`U0R${r}A`, `U0R${r}B`, `U0R${r}C`];
const managerOf = (r: number) => `U0R${r}M`;

describe('two bot processes on one Redis', () => {
  let store: RedisStore;
  let fake: FakeSlackApi;
  let a: BotProcess;
  let b: BotProcess;
  let voteRound: string;

  beforeAll(async () => {
    fake = await FakeSlackApi.start();
    store = await redisStore(`faults-${randomBytes(4).toString('hex')}`);
    const service = new AssessmentService({ store, packs: PackRegistry.fromDir(), clock: new FakeClock(T0), anonymityKeys: new AnonymityKeyring('faults-anonymity-secret') });
    for (let r = 0; r < ROUNDS; r++) {
      await service.startRound({
        tenant: TEAM,
        platform: 'slack',
        settings: settings({ channelId: `C0ROUND${r}`, participants: participantsOf(r), managers: [managerOf(r)], startDate: '2026-01-12', closeDate: '2026-02-23' }),
        actor: { id: participantsOf(r)[0]!, name: 'Cora' },
      });
    }
    voteRound = (
      await service.startRound({
        tenant: TEAM,
        platform: 'slack',
        settings: settings({ channelId: VOTE_CHANNEL, participants: VOTERS, managers: [], startDate: '2026-01-12', closeDate: '2026-02-23' }),
        actor: { id: VOTERS[0]!, name: 'Cora' },
      })
    ).id;
    const env = {
      REDIS_URL,
      REDIS_PREFIX: store.keys.prefix,
      SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
      SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
      SLACK_API_URL: fake.url,
      ANONYMITY_SECRET: 'faults-anonymity-secret',
    };
    [a, b] = await Promise.all([BotProcess.start(env, T0), BotProcess.start(env, T0)]);
  });

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()].map((p) => p?.catch(() => undefined)));
    await dropPrefix(store);
    await store.close();
    await fake.close();
  });

  /** Signed for the replicas' clock (they share the test's virtual time). */
  const signed = (bot: BotProcess, body: string, opts: SignOptions = {}) =>
    postSigned(`${bot.url}/slack/events`, body, BENCH_SIGNING_SECRET, { timestamp: Math.floor(T0 / 1000) + 60, ...opts });

  it('votes arriving at either replica, changed on the other, are counted exactly', async () => {
    const expected = new Map<string, Level>();
    await Promise.all(
      VOTERS.map(async (user, i) => {
        const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
        const level = LEVELS[i % 4] as Level;
        const body = interactionBody(votePayload({ team: TEAM, user, channel: VOTE_CHANNEL, roundId: voteRound, factorId: 'f01', level, actionTs: `1768203100.${i}` }));
        expect((await signed(first!, body)).status).toBe(200);
        expected.set(user, level);
        // Every third person changes their mind, on the other replica.
        if (i % 3 === 0) {
          const changed = LEVELS[(i + 1) % 4] as Level;
          const again = interactionBody(votePayload({ team: TEAM, user, channel: VOTE_CHANNEL, roundId: voteRound, factorId: 'f01', level: changed, actionTs: `1768203200.${i}` }));
          await first!.settle();
          expect((await signed(second!, again)).status).toBe(200);
          expected.set(user, changed);
        }
      }),
    );
    await Promise.all([a.settle(), b.settle()]);
    const counts = emptyCounts();
    for (const level of expected.values()) counts[level] += 1;
    expect(await store.getCounts(TEAM, voteRound, 'f01')).toEqual(counts);
    const snap = await store.getSnapshot(TEAM, voteRound);
    expect(snap!.votes.f01).toEqual(Object.fromEntries(expected));
    expect(await talliesMatchVotes(store, TEAM, voteRound)).toBe(true);
    // One confirmation per click.
    const confirmations = fake.delivered('chat.postEphemeral').filter((c) => String(c.body.text).startsWith('Din röst på'));
    expect(confirmations).toHaveLength(VOTERS.length + Math.ceil(VOTERS.length / 3));
  });

  it('the same click delivered to both replicas at once, and retried by Slack, counts once', async () => {
    fake.reset();
    const body = interactionBody(votePayload({ team: TEAM, user: 'U0V001', channel: VOTE_CHANNEL, roundId: voteRound, factorId: 'f02', level: 'partly', actionTs: '1768203300.000001' }));
    // Both replicas get the first delivery at the same moment; then Slack, having seen no answer in time, retries to each.
    const firsts = await Promise.all([signed(a, body), signed(b, body)]);
    await Promise.all([a.settle(), b.settle()]);
    const retries = await Promise.all([signed(a, body, { retryNum: 1 }), signed(b, body, { retryNum: 2 })]);
    expect([...firsts, ...retries].map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await Promise.all([a.settle(), b.settle()]);
    expect(await store.getCounts(TEAM, voteRound, 'f02')).toEqual({ 'in-place': 0, partly: 1, 'not-in-place': 0, 'dont-know': 0 });
    const notes = fake.delivered('chat.postEphemeral').map((c) => String(c.body.text));
    // One confirmation; the other first delivery is told it was already counted; Slack's retries get no second note.
    expect(notes.filter((n) => n.startsWith('Din röst på'))).toHaveLength(1);
    expect(notes.filter((n) => n === t('sv', 'vote.duplicate'))).toHaveLength(1);
    expect(notes).toHaveLength(2);
  });

  it('the same event delivered to both replicas is handled once', async () => {
    fake.reset();
    const event = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/slack/event-app-home-opened.json'), 'utf8')) as Record<string, unknown>;
    const body = JSON.stringify({ ...event, event_id: `Ev${randomBytes(4).toString('hex')}` });
    const answers = await Promise.all([signed(a, body, { contentType: 'application/json' }), signed(b, body, { contentType: 'application/json' }), signed(b, body, { contentType: 'application/json', retryNum: 1 })]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    await Promise.all([a.settle(), b.settle()]);
    expect(fake.delivered('views.publish')).toHaveLength(1);
  });

  it('every due job runs once across both replicas: one weekly digest per manager, one reminder per person', async () => {
    fake.reset();
    // Monday 19 January 08:05: each round's first weekly digest is due.
    const monday = Date.parse('2026-01-19T07:05:00Z');
    await Promise.all([a.setClock(monday), b.setClock(monday)]);
    const [ra, rb] = await Promise.all([a.drain(), b.drain()]);
    expect(ra.done + rb.done).toBe(ROUNDS);
    expect(ra.failed + rb.failed).toBe(0);
    const digests = fake.dms().map((c) => String(c.body.channel));
    expect(digests.sort()).toEqual(Array.from({ length: ROUNDS }, (_, r) => managerOf(r)).sort());

    // Two days before the close, 09:00: every round's reminder (and nothing else) is due; nobody in them has voted.
    fake.reset();
    const reminderJobs = (await store.listJobs()).filter((j) => j.kind === 'reminder' && j.roundId !== voteRound);
    expect(reminderJobs).toHaveLength(ROUNDS);
    const due = Math.max(...reminderJobs.map((j) => j.dueAt)) + 60_000;
    await Promise.all([a.setClock(due), b.setClock(due)]);
    const [sa, sb] = await Promise.all([a.drain(), b.drain()]);
    expect(sa.failed + sb.failed).toBe(0);
    const reminded = fake.dms().map((c) => String(c.body.channel));
    const everyone = Array.from({ length: ROUNDS }, (_, r) => participantsOf(r)).flat();
    // Everyone in the 30 rounds (and the 40 voters, who still have 12 factors to go) exactly once.
    expect(reminded.filter((u) => everyone.includes(u)).sort()).toEqual([...everyone].sort());
    expect(new Set(reminded).size).toBe(reminded.length);
    // Both replicas did some of the work (each claims in batches under a lease; neither ran a job the other had).
    expect(ra.claimed + sa.claimed).toBeGreaterThan(0);
    expect(rb.claimed + sb.claimed).toBeGreaterThan(0);
  });
});
