// Rate limits and failed posts: a 429 with Retry-After is waited out and retried; a card that still fails is retried by the scheduler.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { settings } from '../helpers/world.js';
import { API_ORIGIN, CHANNEL, TEAM, decodeBody, sendCommand, sendInteraction, startSlackApp, submission, submittedValues, type SlackTestApp } from '../helpers/slack.js';

let t: SlackTestApp;

afterEach(async () => {
  await t.close();
});

async function startRound(app: SlackTestApp) {
  return app.app.service.startRound({
    tenant: TEAM,
    platform: 'slack',
    settings: settings({ channelId: CHANNEL, participants: ['U0CORA', 'U0ANNA'], startDate: '2026-01-12', closeDate: '2026-02-23' }),
    actor: { id: 'U0CORA', name: 'Cora Lind' },
  });
}

describe('Slack rate limits', () => {
  it('a 429 with Retry-After from chat.postMessage is retried and the card delivered', async () => {
    t = await startSlackApp({ fake: false });
    const round = await startRound(t);
    const bodies: Record<string, unknown>[] = [];
    const scope = nock(API_ORIGIN)
      .post('/api/chat.postMessage', (b) => (bodies.push(decodeBody(b)), true))
      .reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '1' })
      .post('/api/chat.postMessage', (b) => (bodies.push(decodeBody(b)), true))
      .reply(200, { ok: true, channel: CHANNEL, ts: '1768203000.000200' });

    await t.adapter.messenger.postFactorCard(round, 'f01');

    scope.done();
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[0]!.channel).toBe(CHANNEL);
    expect(JSON.stringify(bodies[0]!.blocks)).toContain('01 · Offentliga åtaganden');
    expect((await t.app.store.getCardRefs(TEAM, round.id)).f01).toEqual({ channelId: CHANNEL, messageId: '1768203000.000200' });
    const limited = await t.app.metrics.registry.getSingleMetricAsString('assess_platform_rate_limited_total');
    expect(limited).toContain('assess_platform_rate_limited_total{platform="slack"} 1');
    const calls = await t.app.metrics.registry.getSingleMetricAsString('assess_platform_api_calls_total');
    expect(calls).toContain('assess_platform_api_calls_total{platform="slack",method="chat.postMessage",outcome="ok"} 1');
  });

  it('a card whose post keeps failing is not dropped: the scheduler posts it later', async () => {
    t = await startSlackApp();
    t.slack.addUser({ id: 'U0CORA', name: 'Cora Lind' });
    const round = await startRound(t);
    // The welcome goes out; then the first card fails with a platform error (no retry helps).
    t.slack.failNext('chat.postMessage', [200, { ok: true, channel: CHANNEL, ts: '1768203000.000001' }], [200, { ok: false, error: 'internal_error' }]);
    await t.adapter.messenger.postWelcomeAndCards(round);
    const refs = await t.app.store.getCardRefs(TEAM, round.id);
    expect(Object.keys(refs).sort()).toEqual(round.factorIds.filter((f) => f !== 'f01').sort());
    const retry = (await t.app.store.listJobs(TEAM, round.id)).find((j) => j.kind === 'factor-open');
    expect(retry).toMatchObject({ payload: { factorId: 'f01' } });

    t.clock.advance(61_000);
    await t.app.scheduler.drain();
    expect((await t.app.store.getCardRefs(TEAM, round.id)).f01).toBeDefined();
    const f01Posts = t.slack.callsTo('chat.postMessage').filter((c) => JSON.stringify(c.body.blocks).includes('01 · Offentliga åtaganden'));
    expect(f01Posts).toHaveLength(2);
  });

  it('when the channel refuses the round, the coordinator is told by DM and the cards are retried later', async () => {
    t = await startSlackApp();
    t.slack.addUser({ id: 'U0CORA', name: 'Cora Lind' }).addUser({ id: 'U0ANNA', name: 'Anna Berg' }).addChannel(CHANNEL, ['U0CORA', 'U0ANNA']);
    await sendCommand(t, { text: 'start' });
    await t.adapter.settled();
    const view = t.slack.callsTo('views.open')[0]!.body.view as Record<string, unknown>;
    const refused: [number, unknown] = [200, { ok: false, error: 'not_in_channel' }];
    t.slack.failNext('chat.postMessage', ...Array.from({ length: 14 }, () => refused));
    const values = submittedValues(view, { pacing: { selected_option: { value: 'all-at-once' } }, start_date: { selected_date: '2026-01-12' } });
    expect((await sendInteraction(t, submission('view-submission-start', view, values))).body).toBe('');
    await t.adapter.settled();

    const round = (await t.app.store.listRounds(TEAM))[0]!;
    const dm = t.slack.postsTo('U0CORA');
    expect(dm).toHaveLength(1);
    expect(dm[0]!.body.text).toBe(`Jag kunde inte posta omgången i <#${CHANNEL}>. Kontrollera att jag är inbjuden där (skriv /invite och välj appen). Jag försöker med korten igen om en minut.`);
    const retries = (await t.app.store.listJobs(TEAM, round.id)).filter((j) => j.kind === 'factor-open');
    expect(retries).toHaveLength(13);

    t.clock.advance(61_000);
    await t.app.scheduler.drain();
    expect(Object.keys(await t.app.store.getCardRefs(TEAM, round.id))).toHaveLength(13);
  });

  it('a retried opening job never posts the same card twice', async () => {
    t = await startSlackApp();
    const round = await startRound(t);
    await t.adapter.messenger.postFactorCard(round, 'f02');
    await t.adapter.messenger.postFactorCard(round, 'f02');
    await t.adapter.settled();
    expect(t.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
