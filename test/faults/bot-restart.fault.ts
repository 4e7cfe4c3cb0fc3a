// The bot process killed with SIGKILL mid-round (between jobs, and in the middle of a reminder job), then started again:
// the schedule goes on from Redis, each reminder reaches each person once, and each factor card is posted once.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnonymityKeyring } from '../../src/core/anonymity-keys.js';
import { PackRegistry } from '../../src/content/registry.js';
import type { Job } from '../../src/core/ports.js';
import { escapePart } from '../../src/core/delivery/marks.js';
import { SLACK_DM_PACE } from '../../src/platforms/slack/messenger.js';
import { AssessmentService } from '../../src/core/service.js';
import type { RedisStore } from '../../src/store/index.js';
import { FakeSlackApi, type FakeCall } from '../../bench/fake-slack.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET } from '../helpers/slack-sign.js';
import { dropPrefix, REDIS_URL, redisStore, settings } from '../helpers/world.js';
import { BotProcess } from './helpers/processes.js';

const TEAM = 'T0MALMO';
const CHANNEL = 'C0MANGFALD';
const PEOPLE = ['U0CORA', 'U0ANNA', 'U0BO', 'U0CECILIA', 'U0DAVID', 'U0EVA'];
/** Monday 12 January 2026, 08:00 in Stockholm. */
const T0 = Date.parse('2026-01-12T07:00:00Z');
const LEASE_MS = 5 * 60 * 1000;

describe('the bot process killed mid-round and restarted', () => {
  let store: RedisStore;
  let fake: FakeSlackApi;
  let env: Record<string, string>;
  let roundId: string;
  let reminders: Job[];
  let factorOpenings: Job[];
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    fake = await FakeSlackApi.start();
    store = await redisStore(`faults-${randomBytes(4).toString('hex')}`);
    // Staggered: a factor every two working days, each with its own due date and reminder.
    const service = new AssessmentService({ store, packs: PackRegistry.fromDir(), clock: new FakeClock(T0), anonymityKeys: new AnonymityKeyring('faults-anonymity-secret') });
    const round = await service.startRound({
      tenant: TEAM,
      platform: 'slack',
      settings: settings({ channelId: CHANNEL, participants: PEOPLE, managers: [], pacing: 'staggered', startDate: '2026-01-12', closeDate: '2026-03-23' }),
      actor: { id: 'U0CORA', name: 'Cora Lind' },
    });
    roundId = round.id;
    const jobs = await store.listJobs(TEAM, roundId);
    reminders = jobs.filter((j) => j.kind === 'reminder').sort((a, b) => a.dueAt - b.dueAt);
    factorOpenings = jobs.filter((j) => j.kind === 'factor-open');
    env = {
      REDIS_URL,
      REDIS_PREFIX: store.keys.prefix,
      SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
      SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
      SLACK_API_URL: fake.url,
      ANONYMITY_SECRET: 'faults-anonymity-secret',
    };
  });

  afterAll(async () => {
    for (const bot of bots) await bot.kill().catch(() => undefined);
    await dropPrefix(store);
    await store.close();
    await fake.close();
  });

  const isDm = (c: FakeCall) => c.method === 'chat.postMessage' && /^U/.test(String(c.body.channel));

  /** Waits until the round's markers record as many people for `jobId` as `answered()` says Slack answered. */
  async function untilMarked(round: string, jobId: string, answered: () => number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const marks = await store.scanMarks(TEAM, round);
      const recorded = Object.keys(marks).filter((f) => f.startsWith(`${escapePart(jobId)}|U`)).length;
      if (recorded >= answered()) return;
      if (Date.now() > deadline) throw new Error(`markers for ${jobId}: ${recorded} of ${answered()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('goes on with the schedule and sends each reminder once', async () => {
    expect(reminders.length).toBeGreaterThanOrEqual(3);
    const [r1, r2, r3] = reminders as [Job, Job, Job];
    const first = await BotProcess.start(env, T0);
    bots.push(first);

    // The first reminder goes out from the first process.
    await first.setClock(r1.dueAt + 60_000);
    await first.drain();
    expect(fake.dms()).toHaveLength(PEOPLE.length);

    // Killed between jobs: nothing is lost, the next process carries on.
    await first.kill();
    const second = await BotProcess.start(env, r1.dueAt + 60_000);
    bots.push(second);
    expect((await second.drain()).claimed).toBe(0);

    // Killed in the middle of the second reminder: after two people got theirs, the third DM is held at Slack.
    const beforeR2 = fake.dms().length;
    fake.hold = (c) => isDm(c) && fake.dms().length >= beforeR2 + 2;
    await second.setClock(r2.dueAt + 60_000);
    void second.drain().catch(() => undefined);
    await fake.until(() => fake.heldCount === 1);
    // Reminders go out a few at a time (SLACK_DM_PACE), so the process may still be recording the DMs Slack has
    // answered when the third is held. A DM Slack answered whose marker was never written would be sent again after a
    // crash (there is no idempotency key on chat.postMessage): that window is one Redis write per DM. Kill the process
    // once the answered DMs are recorded, so the test checks what it is about: an unanswered DM is sent again, a
    // recorded one never.
    await untilMarked(roundId, r2.id, () => fake.dms().length - beforeR2);
    await second.kill();
    // The held DM's connection closes with the process: Slack never answered it.
    await fake.until(() => fake.calls.some((c) => c.aborted));
    fake.hold = null;
    fake.release();
    // At least the two let through were answered; DMs already in flight beside them (SLACK_DM_PACE) may be too.
    const answeredBeforeKill = fake.dms().length - beforeR2;
    expect(answeredBeforeKill).toBeGreaterThanOrEqual(2);
    expect(answeredBeforeKill).toBeLessThan(PEOPLE.length);

    // The job is still leased by the dead process; once the lease runs out, the third process finishes it.
    const third = await BotProcess.start(env, r2.dueAt + 60_000);
    bots.push(third);
    await third.drain();
    expect(fake.dms().length).toBe(beforeR2 + answeredBeforeKill);
    await third.setClock(r2.dueAt + 60_000 + LEASE_MS + 60_000);
    await third.drain();
    expect(fake.dms().length).toBe(beforeR2 + PEOPLE.length);

    // And the schedule goes on.
    await third.setClock(r3.dueAt + 60_000);
    await third.drain();

    // Each person got each of the three reminders exactly once (they differ by the factors they name).
    const byPerson = new Map<string, string[]>();
    for (const dm of fake.dms()) byPerson.set(String(dm.body.channel), [...(byPerson.get(String(dm.body.channel)) ?? []), String(dm.body.text)]);
    expect([...byPerson.keys()].sort()).toEqual([...PEOPLE].sort());
    for (const [person, texts] of byPerson) {
      expect(texts, person).toHaveLength(3);
      expect(new Set(texts).size, person).toBe(3);
    }
    // The DMs cut off by the kill (the held one, and any others in flight: up to SLACK_DM_PACE's concurrency) were never
    // delivered; each was sent again, once, by the next process (the per-person check above).
    const cut = fake.calls.filter((c) => c.aborted && isDm(c));
    expect(cut.length).toBeGreaterThanOrEqual(1);
    expect(cut.length).toBeLessThanOrEqual(SLACK_DM_PACE.concurrency);
    for (const c of cut) expect(fake.dms().filter((d) => d.body.channel === c.body.channel && d.body.text === c.body.text)).toHaveLength(1);

    // Every factor whose opening came round was posted exactly once, whichever process did it.
    const opened = factorOpenings.filter((j) => j.dueAt <= r3.dueAt + 60_000).map((j) => String(j.payload.factorId));
    const refs = await store.getCardRefs(TEAM, roundId);
    for (const f of opened) expect(refs[f], f).toBeDefined();
    const posts = fake.delivered('chat.postMessage').filter((c) => c.body.channel === CHANNEL);
    expect(posts).toHaveLength(opened.length);
    expect(new Set(posts.map((p) => p.body.text)).size).toBe(opened.length);
    // Done jobs are gone; the later ones are still waiting.
    const left = (await store.listJobs(TEAM, roundId)).map((j) => j.id);
    for (const r of [r1, r2, r3]) expect(left).not.toContain(r.id);
    expect(left.length).toBeGreaterThan(0);
  });
});
