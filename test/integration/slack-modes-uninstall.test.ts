// Uninstalling from a workspace (app_uninstalled, or the bot token revoked) leaves no token of it anywhere in Redis:
// every key under the test's prefix is read back, whatever its type, and searched.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INSTALLATIONS } from '../../src/platforms/slack/installation-store.js';
import { fixture, sendCommand, sendEvent, startSlackApp, type SlackTestApp } from '../helpers/slack.js';

const INSTALLED_TOKEN = fixture<{ access_token: string }>('oauth-v2-access').access_token;
let t: SlackTestApp;

beforeEach(async () => {
  t = await startSlackApp({
    env: { SLACK_BOT_TOKEN: '', SLACK_CLIENT_ID: '7213859381.7329164573', SLACK_CLIENT_SECRET: 'b1f4c5e0d9a8b7c6', SLACK_STATE_SECRET: 'state-secret-for-tests' },
  });
  t.slack.oauthAccess = fixture('oauth-v2-access');
  t.slack.addUser({ id: 'U0LUNDADMIN', name: 'Lena Admin' }).addChannel('C0LUND', ['U0LUNDADMIN']);
});

afterEach(async () => {
  await t.close();
});

/** Everything stored under this app's prefix, key and content, whatever the Redis type. */
async function everythingStored(): Promise<string> {
  const client = t.store.client;
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${t.store.keys.prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      parts.push(key);
      if (type === 'string') parts.push((await client.get(key)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
      else if (type === 'zset') parts.push((await client.zrange(key, 0, -1, 'WITHSCORES')).join('\n'));
      else if (type === 'set') parts.push((await client.smembers(key)).join('\n'));
      else if (type === 'list') parts.push((await client.lrange(key, 0, -1)).join('\n'));
      else parts.push(`<${type}>`);
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

/** The install flow as a browser walks it, then a command that uses the stored token. */
async function installAndUse(): Promise<void> {
  const page = await t.app.http.inject({ method: 'GET', url: '/slack/install' });
  const href = /<a href="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
  const state = new URL(href!).searchParams.get('state')!;
  const cookie = String(page.headers['set-cookie']).split(';')[0]!;
  await t.app.http.inject({ method: 'GET', url: `/slack/oauth_redirect?code=7329.abc&state=${encodeURIComponent(state)}`, headers: { cookie } });
  expect(await t.app.store.getRecord(INSTALLATIONS, 'T0LUND')).not.toBeNull();
  t.slack.clear();
  await sendCommand(t, { team_id: 'T0LUND', user_id: 'U0LUNDADMIN', channel_id: 'C0LUND', text: 'help' });
  await t.adapter.settled();
  expect(t.slack.calls.some((c) => c.authorization === `Bearer ${INSTALLED_TOKEN}`)).toBe(true);
  // The scan does see the token while the app is installed.
  expect(await everythingStored()).toContain(INSTALLED_TOKEN);
}

describe('Slack uninstall leaves no token behind', () => {
  it('app_uninstalled: no token of the workspace remains anywhere in the store, and its requests make no Web API call', async () => {
    await installAndUse();
    const res = await sendEvent(t, fixture('event-app-uninstalled'));
    expect(res.statusCode).toBe(200);
    await t.adapter.settled();
    const stored = await everythingStored();
    expect(stored).not.toContain(INSTALLED_TOKEN);
    expect(stored).not.toMatch(/xox[abpr]-/);
    expect(await t.app.store.getRecord(INSTALLATIONS, 'T0LUND')).toBeNull();

    t.slack.clear();
    await sendCommand(t, { team_id: 'T0LUND', user_id: 'U0LUNDADMIN', channel_id: 'C0LUND', text: 'status' });
    await t.adapter.settled();
    expect(t.slack.calls).toEqual([]);
  });

  it('tokens_revoked for the bot: the same, nothing left', async () => {
    await installAndUse();
    await sendEvent(t, fixture('event-tokens-revoked'));
    await t.adapter.settled();
    const stored = await everythingStored();
    expect(stored).not.toContain(INSTALLED_TOKEN);
    expect(stored).not.toMatch(/xox[abpr]-/);
  });
});
