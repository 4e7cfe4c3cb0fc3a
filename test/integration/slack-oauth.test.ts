// Multi-workspace installs: "Add to Slack", the OAuth callback storing the installation in the Store, its use, and uninstalls.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settings } from '../helpers/world.js';
import { INSTALLATIONS } from '../../src/platforms/slack/installation-store.js';
import { fixture, sendCommand, sendEvent, startSlackApp, type SlackTestApp } from '../helpers/slack.js';

const INSTALLED_TOKEN = fixture<{ access_token: string }>('oauth-v2-access').access_token;
let t: SlackTestApp;

beforeEach(async () => {
  t = await startSlackApp({
    env: { SLACK_BOT_TOKEN: '', SLACK_CLIENT_ID: '7213859381.7329164573', SLACK_CLIENT_SECRET: 'b1f4c5e0d9a8b7c6', SLACK_STATE_SECRET: 'state-secret-for-tests' },
  });
  t.slack.oauthAccess = fixture('oauth-v2-access');
  t.slack.addUser({ id: 'U0LUNDADMIN', name: 'Lena Admin' });
});

afterEach(async () => {
  await t.close();
});

/** Walks the install flow as a browser would: the install page, then Slack redirecting back with a code. */
async function install(): Promise<{ status: number; body: string }> {
  const page = await t.app.http.inject({ method: 'GET', url: '/slack/install' });
  expect(page.statusCode).toBe(200);
  const href = /<a href="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
  expect(href).toBeDefined();
  const authorize = new URL(href!);
  expect(authorize.searchParams.get('scope')).toBe('commands,chat:write,im:write,users:read,channels:read,groups:read,files:write');
  expect(authorize.searchParams.get('redirect_uri')).toBe('https://assess.malmo.example/slack/oauth_redirect');
  const cookie = String(page.headers['set-cookie']).split(';')[0]!;
  const state = authorize.searchParams.get('state')!;
  const callback = await t.app.http.inject({ method: 'GET', url: `/slack/oauth_redirect?code=7329.abc&state=${encodeURIComponent(state)}`, headers: { cookie } });
  return { status: callback.statusCode, body: callback.body };
}

describe('Slack OAuth installs', () => {
  it('stores the installation under the team id and uses its bot token for that workspace', async () => {
    const done = await install();
    expect(done.status).toBe(200);
    const access = t.slack.callsTo('oauth.v2.access');
    expect(access).toHaveLength(1);
    expect(access[0]!.body.code).toBe('7329.abc');
    const record = await t.app.store.getRecord(INSTALLATIONS, 'T0LUND');
    expect(record).toMatchObject({ team: { id: 'T0LUND' }, bot: { token: INSTALLED_TOKEN, userId: 'U0ASSESSBOT' } });

    t.slack.clear();
    await sendCommand(t, { team_id: 'T0LUND', team_domain: 'lund', user_id: 'U0LUNDADMIN', channel_id: 'C0LUNDDIV', text: 'start' });
    await t.adapter.settled();
    const calls = t.slack.calls.filter((c) => c.method === 'views.open' || c.method === 'users.info');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.authorization === `Bearer ${INSTALLED_TOKEN}`)).toBe(true);

    // Scheduled messages for that tenant find the same token without a request in hand.
    const round = await t.app.service.startRound({
      tenant: 'T0LUND',
      platform: 'slack',
      settings: settings({ channelId: 'C0LUNDDIV', participants: ['U0LUNDADMIN'], startDate: '2026-01-12', closeDate: '2026-02-23' }),
      actor: { id: 'U0LUNDADMIN' },
    });
    t.slack.clear();
    await t.adapter.messenger.postFactorCard(round, 'f01');
    expect(t.slack.callsTo('chat.postMessage')[0]!.authorization).toBe(`Bearer ${INSTALLED_TOKEN}`);
  });

  it('a workspace without an installation gets nothing and no Web API call is made', async () => {
    const res = await sendCommand(t, { team_id: 'T0NOPE', text: 'help' });
    expect(res.statusCode).toBe(200);
    await t.adapter.settled();
    expect(t.slack.calls).toHaveLength(0);
    expect(t.slack.responses).toHaveLength(0);
  });

  it('a callback with a forged state is refused and stores nothing', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/slack/oauth_redirect?code=7329.abc&state=forged' });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(t.slack.callsTo('oauth.v2.access')).toHaveLength(0);
    expect(await t.app.store.getRecord(INSTALLATIONS, 'T0LUND')).toBeNull();
  });

  it('app_uninstalled deletes the installation', async () => {
    await install();
    expect(await t.app.store.getRecord(INSTALLATIONS, 'T0LUND')).not.toBeNull();
    const res = await sendEvent(t, fixture('event-app-uninstalled'));
    expect(res.statusCode).toBe(200);
    await t.adapter.settled();
    expect(await t.app.store.getRecord(INSTALLATIONS, 'T0LUND')).toBeNull();
  });

  it('tokens_revoked for the bot deletes the installation', async () => {
    await install();
    await sendEvent(t, fixture('event-tokens-revoked'));
    await t.adapter.settled();
    expect(await t.app.store.getRecord(INSTALLATIONS, 'T0LUND')).toBeNull();
  });
});
