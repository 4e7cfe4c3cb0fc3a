// Duplicates from Slack count once: a double-clicked vote (same action_ts), a retried delivery (X-Slack-Retry-Num), a retried event.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { t as tr } from '../../src/core/i18n.js';
import { settings } from '../helpers/world.js';
import { CHANNEL, TEAM, fixture, sendEvent, sendInteraction, startSlackApp, votePayload, type SlackTestApp } from '../helpers/slack.js';

let t: SlackTestApp;
let roundId: string;

beforeEach(async () => {
  t = await startSlackApp();
  t.slack.addUser({ id: 'U0CORA', name: 'Cora Lind' }).addUser({ id: 'U0ANNA', name: 'Anna Berg', locale: 'sv-SE' });
  const round = await t.app.service.startRound({
    tenant: TEAM,
    platform: 'slack',
    settings: settings({ channelId: CHANNEL, participants: ['U0CORA', 'U0ANNA'], startDate: '2026-01-12', closeDate: '2026-02-23' }),
    actor: { id: 'U0CORA', name: 'Cora Lind' },
  });
  roundId = round.id;
});

afterEach(async () => {
  await t.close();
});

const counts = () => t.app.store.getCounts(TEAM, roundId, 'f01');

describe('Slack duplicates', () => {
  it('a double-clicked vote (same action_ts) counts once, and the second click is told so', async () => {
    const click = votePayload({ user: 'U0ANNA', roundId, factorId: 'f01', level: 'in-place', actionTs: '1768203012.487316' });
    const [a, b] = await Promise.all([sendInteraction(t, click), sendInteraction(t, click)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    await t.adapter.settled();
    expect(await counts()).toEqual({ 'in-place': 1, partly: 0, 'not-in-place': 0, 'dont-know': 0 });
    const notes = t.slack.callsTo('chat.postEphemeral').map((c) => String(c.body.text));
    expect(notes).toHaveLength(2);
    expect(notes.filter((n) => /^Din röst på .*: Stämmer\./.test(n))).toHaveLength(1);
    expect(notes).toContain(tr('sv', 'vote.duplicate'));
    expect(await t.app.metrics.registry.getSingleMetricAsString('assess_votes_total')).toContain('assess_votes_total{platform="slack"} 1');
  });

  it('a retried delivery (X-Slack-Retry-Num: 1, same payload) counts once and sends no second note', async () => {
    const click = votePayload({ user: 'U0ANNA', roundId, factorId: 'f01', level: 'partly', actionTs: '1768203099.000001' });
    await sendInteraction(t, click);
    await t.adapter.settled();
    const retry = await sendInteraction(t, click, { retryNum: 1 });
    expect(retry.statusCode).toBe(200);
    await t.adapter.settled();
    expect(await counts()).toEqual({ 'in-place': 0, partly: 1, 'not-in-place': 0, 'dont-know': 0 });
    expect(t.slack.callsTo('chat.postEphemeral')).toHaveLength(1);
    const metrics = await t.app.metrics.registry.getSingleMetricAsString('assess_votes_total');
    expect(metrics).toContain('assess_votes_total{platform="slack"} 1');
  });

  it('a changed vote (a new click) replaces the old one rather than adding to it', async () => {
    await sendInteraction(t, votePayload({ user: 'U0ANNA', roundId, factorId: 'f01', level: 'partly', actionTs: '1768203100.000001' }));
    await sendInteraction(t, votePayload({ user: 'U0ANNA', roundId, factorId: 'f01', level: 'in-place', actionTs: '1768203160.000001' }));
    await t.adapter.settled();
    expect(await counts()).toEqual({ 'in-place': 1, partly: 0, 'not-in-place': 0, 'dont-know': 0 });
  });

  it('a retried event (same event_id) is handled once', async () => {
    const event = fixture('event-app-home-opened');
    await sendEvent(t, event);
    await t.adapter.settled();
    const retry = await sendEvent(t, event, { retryNum: 1 });
    expect(retry.statusCode).toBe(200);
    await t.adapter.settled();
    expect(t.slack.callsTo('views.publish')).toHaveLength(1);
  });
});
