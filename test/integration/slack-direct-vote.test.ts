// Vote clicks skip Bolt's middleware (src/platforms/slack/listeners/direct-vote.ts). They must be authorized exactly as
// Bolt would: the same source handed to authorize, the installed workspace's token used, and a workspace without an
// installation refused with nothing stored and nothing sent.
import { App, type AuthorizeSourceData, type Receiver } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionSource } from '../../src/platforms/slack/listeners/direct-vote.js';
import { fixture, sendCommand, sendInteraction, startSlackApp, votePayload, type SlackTestApp } from '../helpers/slack.js';
import { prefixContents } from '../security/harness.js';
import { settings } from '../helpers/world.js';

type Json = Record<string, unknown>;

/** The source Bolt itself hands authorize for `body` (its buildSource is not exported, so we ask a Bolt app). */
async function boltSource(body: Json): Promise<AuthorizeSourceData<boolean>> {
  let seen: AuthorizeSourceData<boolean> | undefined;
  const receiver: Receiver = { init: () => undefined, start: async () => undefined, stop: async () => undefined };
  const app = new App({
    receiver,
    authorize: async (source) => {
      seen = source;
      return { botToken: 'xoxb-unused' };
    },
  });
  await app.processEvent({ body, ack: async () => undefined });
  if (!seen) throw new Error('Bolt did not authorize');
  return seen;
}

describe('the direct vote route authorizes as Bolt does', () => {
  const base = votePayload({ user: 'U0ANNA', roundId: 'R1', factorId: 'f01', level: 'partly' }) as Json;
  const cases: [string, Json][] = [
    ['a workspace click', base],
    ['an org-wide install (no team, the enterprise installed)', { ...base, team: null, enterprise: { id: 'E0GRID', name: 'Grid' }, is_enterprise_install: true }],
    ['a workspace of an enterprise grid', { ...base, team: { id: 'T0MALMO', domain: 'malmo', enterprise_id: 'E0GRID' }, enterprise: null }],
    ['a click with no team object (the user names it)', { ...base, team: undefined, channel: undefined }],
  ];
  it.each(cases)('%s: the same source', async (_name, body) => {
    expect(actionSource(body)).toEqual(await boltSource(body));
  });
});

describe('vote clicks in a multi-workspace install', () => {
  const INSTALLED_TOKEN = fixture<{ access_token: string }>('oauth-v2-access').access_token;
  let t: SlackTestApp;

  beforeEach(async () => {
    t = await startSlackApp({
      env: { SLACK_BOT_TOKEN: '', SLACK_CLIENT_ID: '7213859381.7329164573', SLACK_CLIENT_SECRET: 'b1f4c5e0d9a8b7c6', SLACK_STATE_SECRET: 'state-secret-for-tests' },
    });
    t.slack.oauthAccess = fixture('oauth-v2-access');
    t.slack.addUser({ id: 'U0LUNDADMIN', name: 'Lena Admin' });
    const page = await t.app.http.inject({ method: 'GET', url: '/slack/install' });
    const href = /<a href="([^"]+)"/.exec(page.body)![1]!.replace(/&amp;/g, '&');
    const state = new URL(href).searchParams.get('state')!;
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const done = await t.app.http.inject({ method: 'GET', url: `/slack/oauth_redirect?code=7329.abc&state=${encodeURIComponent(state)}`, headers: { cookie } });
    expect(done.statusCode).toBe(200);
  });

  afterEach(async () => {
    await t.close();
  });

  async function lundRound(): Promise<string> {
    const round = await t.app.service.startRound({
      tenant: 'T0LUND',
      platform: 'slack',
      settings: settings({ channelId: 'C0LUNDDIV', participants: ['U0LUNDADMIN'], startDate: '2026-01-12', closeDate: '2026-02-23' }),
      actor: { id: 'U0LUNDADMIN' },
    });
    return round.id;
  }

  function lundVote(roundId: string, team: string): Json {
    const p = votePayload({ user: 'U0LUNDADMIN', roundId, factorId: 'f01', level: 'in-place' }) as Json;
    return { ...p, team: { id: team, domain: team.toLowerCase() }, user: { ...(p.user as Json), team_id: team }, channel: { id: 'C0LUNDDIV', name: 'div' }, container: { ...(p.container as Json), channel_id: 'C0LUNDDIV' } };
  }

  it("the installed workspace's vote is stored and confirmed with that workspace's token", async () => {
    const roundId = await lundRound();
    t.slack.clear();
    const res = await sendInteraction(t, lundVote(roundId, 'T0LUND'));
    await t.adapter.settled();
    expect(res.statusCode).toBe(200);
    expect(await t.app.store.getCounts('T0LUND', roundId, 'f01')).toEqual({ 'in-place': 1, partly: 0, 'not-in-place': 0, 'dont-know': 0 });
    const confirmations = t.slack.callsTo('chat.postEphemeral');
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]!.authorization).toBe(`Bearer ${INSTALLED_TOKEN}`);
  });

  it('a vote from a workspace without an installation is acked, stores nothing and calls Slack for nothing', async () => {
    const roundId = await lundRound();
    // A command from the installed workspace first, so the comparison below starts from a settled store.
    await sendCommand(t, { team_id: 'T0LUND', user_id: 'U0LUNDADMIN', channel_id: 'C0LUNDDIV', text: 'help' });
    await t.adapter.settled();
    t.slack.clear();
    const before = await prefixContents(t.store);
    const res = await sendInteraction(t, lundVote(roundId, 'T0NOPE'));
    await t.adapter.settled();
    expect(res.statusCode).toBe(200);
    expect(t.slack.calls).toHaveLength(0);
    expect(await prefixContents(t.store)).toEqual(before);
  });
});
