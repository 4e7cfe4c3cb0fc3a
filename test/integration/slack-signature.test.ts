// Request verification on POST /slack/events: a real HMAC over the raw body, five-minute timestamps, nothing stored on refusal.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settings } from '../helpers/world.js';
import {
  CHANNEL,
  SIGNING_SECRET,
  TEAM,
  fixture,
  prefixContents,
  sendCommand,
  sendEvent,
  sendInteraction,
  startSlackApp,
  votePayload,
  type SlackTestApp,
} from '../helpers/slack.js';

let t: SlackTestApp;
let roundId: string;

beforeEach(async () => {
  // The registrar main.ts uses: build(config, { adapters: [registerSlack], store, clock }).
  t = await startSlackApp({ productionRegistrar: true });
  t.slack.addUser({ id: 'U0CORA', name: 'Cora Lind' }).addUser({ id: 'U0ANNA', name: 'Anna Berg' });
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

async function f01Votes(): Promise<number> {
  const counts = await t.app.store.getCounts(TEAM, roundId, 'f01');
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

describe('Slack request signatures', () => {
  it('accepts a correctly signed vote and counts it', async () => {
    const res = await sendInteraction(t, votePayload({ user: 'U0ANNA', roundId, factorId: 'f01', level: 'partly' }));
    await t.adapter.settled();
    expect(res.statusCode).toBe(200);
    expect(await f01Votes()).toBe(1);
    expect(t.slack.callsTo('chat.postEphemeral')).toHaveLength(1);
  });

  it('refuses a bad signature with 401 and stores nothing', async () => {
    const before = await prefixContents(t);
    const res = await sendInteraction(t, votePayload({ user: 'U0ANNA', roundId, factorId: 'f01', level: 'partly' }), { secret: 'not-the-signing-secret' });
    await t.adapter.settled();
    expect(res.statusCode).toBe(401);
    expect(await f01Votes()).toBe(0);
    expect(await prefixContents(t)).toEqual(before);
    expect(t.slack.calls).toHaveLength(0);
  });

  it('refuses a timestamp older than five minutes with 401 and stores nothing, even when the HMAC matches', async () => {
    const before = await prefixContents(t);
    const stale = Math.floor(t.clock.now() / 1000) - 5 * 60 - 1;
    const res = await sendInteraction(t, votePayload({ user: 'U0ANNA', roundId, factorId: 'f01', level: 'partly' }), { timestamp: stale });
    await t.adapter.settled();
    expect(res.statusCode).toBe(401);
    expect(await f01Votes()).toBe(0);
    expect(await prefixContents(t)).toEqual(before);
    expect(t.slack.calls).toHaveLength(0);
  });

  it('accepts a timestamp four minutes old (Slack can be slow)', async () => {
    const res = await sendInteraction(t, votePayload({ user: 'U0ANNA', roundId, factorId: 'f01', level: 'in-place' }), {
      timestamp: Math.floor(t.clock.now() / 1000) - 4 * 60,
    });
    await t.adapter.settled();
    expect(res.statusCode).toBe(200);
    expect(await f01Votes()).toBe(1);
  });

  it('refuses a body changed after signing, and requests without signature headers', async () => {
    const body = new URLSearchParams(fixture<Record<string, string>>('slash-command')).toString();
    const ts = Math.floor(t.clock.now() / 1000);
    const { sign } = await import('../helpers/slack.js');
    const tampered = await t.app.http.inject({
      method: 'POST',
      url: '/slack/events',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts, SIGNING_SECRET) },
      payload: body.replace('text=start', 'text=close'),
    });
    expect(tampered.statusCode).toBe(401);
    const unsigned = await t.app.http.inject({ method: 'POST', url: '/slack/events', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
    expect(unsigned.statusCode).toBe(401);
    await t.adapter.settled();
    expect(t.slack.calls).toHaveLength(0);
    expect(t.slack.responses).toHaveLength(0);
    expect((await t.app.store.getRound(TEAM, roundId))?.status).toBe('open');
  });

  it('answers Slack\'s URL verification with the challenge', async () => {
    const res = await sendEvent(t, { token: 'x', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('acks a signed slash command at once and answers through response_url', async () => {
    const res = await sendCommand(t, { text: 'help' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    await t.adapter.settled();
    expect(t.slack.responses).toHaveLength(1);
    expect(t.slack.responses[0]!.url).toBe(fixture<Record<string, string>>('slash-command').response_url);
    expect(String(t.slack.responses[0]!.body.text)).toContain('/assess');
    expect(t.slack.responses[0]!.body.response_type).toBe('ephemeral');
  });
});
