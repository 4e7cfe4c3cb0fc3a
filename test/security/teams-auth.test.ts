// Teams requests without a valid Bot Framework JWT: real RS256 tokens against a published key set, each flaw on its own;
// every one gets 401, runs nothing and stores nothing. The control token, flawless, is accepted.
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL as TEAMS_CHANNEL, PEOPLE, SERVICE_HOST, SERVICE_URL, TENANT, cardAction } from '../fixtures/teams/activities.js';
import { BotFrameworkKeys, nowSec } from '../helpers/bot-framework-keys.js';
import { settings } from '../helpers/world.js';
import { prefixContents, startSecApp, type SecApp } from './harness.js';

const APP_ID = '9b2d6a54-app0-4000-8000-00000000b07a';
const KID = 'security-suite-key';
const keys = new BotFrameworkKeys(KID, APP_ID, SERVICE_URL);
const { stranger } = keys;
const jwt = keys.jwt.bind(keys);
const goodClaims = keys.goodClaims.bind(keys);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

let s: SecApp;
let roundId: string;

beforeAll(async () => {
  s = await startSecApp({ env: { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'not-a-real-secret' } });
  keys.publish();
  const round = await s.app.service.startRound({
    tenant: TENANT,
    platform: 'teams',
    settings: settings({ channelId: TEAMS_CHANNEL, participants: [PEOPLE.cora.id, PEOPLE.anna.id], startDate: '2026-01-12', closeDate: '2026-02-23' }),
    actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
  });
  roundId = round.id;
});

afterAll(async () => {
  await s.close();
});

let connector: nock.Scope;
beforeEach(() => {
  // Anything the bot would send to Teams; a refused request must send nothing.
  connector = nock(SERVICE_HOST).persist().post(/.*/).reply(200, { id: 'x' }).put(/.*/).reply(200, { id: 'x' });
});

async function postActivity(activity: Record<string, unknown>, authorization?: string) {
  const res = await fetch(`${s.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

const vote = () => cardAction(PEOPLE.anna, 'vote', { r: roundId, f: 'f01', l: 'partly' });
const f01Total = async () => Object.values(await s.store.getCounts(TENANT, roundId, 'f01')).reduce((a, b) => a + b, 0);

describe('Teams requests without a valid JWT', () => {
  const bad: [string, () => string | undefined][] = [
    ['no Authorization header', () => undefined],
    ['an empty header', () => ''],
    ['not a bearer token', () => `Basic ${Buffer.from('bot:pass').toString('base64')}`],
    ['a token that is not a JWT', () => 'Bearer not.a.jwt'],
    ['an unsigned token (alg none)', () => `Bearer ${jwt(goodClaims(), { alg: 'none' })}`],
    ['signed with a key nobody published, under the published key id', () => `Bearer ${jwt(goodClaims(), { key: stranger.privateKey })}`],
    ['signed with an unknown key id', () => `Bearer ${jwt(goodClaims(), { kid: 'someone-elses-key' })}`],
    ['expired an hour ago', () => `Bearer ${jwt({ ...goodClaims(), exp: nowSec() - 3600 })}`],
    ['not valid until tomorrow', () => `Bearer ${jwt({ ...goodClaims(), nbf: nowSec() + 86_400 })}`],
    ['for another bot (audience)', () => `Bearer ${jwt({ ...goodClaims(), aud: '00000000-other-bot-0000-000000000000' })}`],
    ['from another issuer', () => `Bearer ${jwt({ ...goodClaims(), iss: 'https://evil.example' })}`],
    ['for another serviceUrl than the activity names', () => `Bearer ${jwt({ ...goodClaims(), serviceurl: 'https://attacker.example/' })}`],
    ['HS256 with the public key as the secret', () => {
      const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: KID })}.${b64(goodClaims())}`;
      return `Bearer ${input}.${Buffer.from('x').toString('base64url')}`;
    }],
  ];

  it.each(bad)('%s: 401, nothing run, nothing stored', async (_name, header) => {
    const before = await prefixContents(s.store);
    const res = await postActivity(vote(), header());
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: 'unauthorized' });
    await s.teams!.flush();
    expect(await prefixContents(s.store)).toEqual(before);
    expect(await f01Total()).toBe(0);
    expect(connector.pendingMocks().length).toBeGreaterThan(0);
    expect(connector.isDone()).toBe(false);
  });

  it('a message with a forged tenant and no token is refused the same way', async () => {
    const before = await prefixContents(s.store);
    const activity = { ...vote(), channelData: { tenant: { id: 'another-tenant' } }, conversation: { conversationType: 'personal', tenantId: 'another-tenant', id: 'a:1' } };
    expect((await postActivity(activity)).status).toBe(401);
    expect(await prefixContents(s.store)).toEqual(before);
  });

  it('the control: a flawless token is accepted and the vote counted', async () => {
    const res = await postActivity(vote(), `Bearer ${jwt(goodClaims())}`);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { statusCode: number; type: string };
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    await s.teams!.flush();
    expect(await f01Total()).toBe(1);
  });
});
