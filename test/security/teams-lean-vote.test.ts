// The lean vote path (platforms/teams/lean-vote.ts) answers vote invokes without CloudAdapter: it must refuse exactly
// what CloudAdapter refuses, even right after the same bot accepted a good token (whose validation it keeps), and a
// refused vote stores nothing and sends nothing. Real RS256 tokens against a published key set, as in teams-auth.test.ts.
import type { KeyObject } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNEL as TEAMS_CHANNEL, PEOPLE, SERVICE_HOST, SERVICE_URL, TENANT, cardAction } from '../fixtures/teams/activities.js';
import { BotFrameworkKeys, nowSec } from '../helpers/bot-framework-keys.js';
import { settings } from '../helpers/world.js';
import { prefixContents, startSecApp, type SecApp } from './harness.js';

const APP_ID = '9b2d6a54-app0-4000-8000-00000000b07a';
const KID = 'lean-vote-suite-key';
const keys = new BotFrameworkKeys(KID, APP_ID, SERVICE_URL);
const { published, stranger } = keys;

function bearer(claims: Record<string, unknown>, key: KeyObject = published.privateKey): string {
  return `Bearer ${keys.jwt(claims, { key })}`;
}
const goodClaims = keys.goodClaims.bind(keys);
/** One good token for the whole file, as the Bot Connector reuses one: after the first vote its validation is kept. */
const GOOD = bearer(goodClaims());

let s: SecApp;
let roundId: string;
/** Calls that reached the (faked) Bot Connector: a refused vote adds none. */
let sent = 0;

beforeAll(async () => {
  s = await startSecApp({ env: { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'not-a-real-secret', MICROSOFT_ALLOWED_TENANTS: TENANT } });
  keys.publish();
  const round = await s.app.service.startRound({
    tenant: TENANT,
    platform: 'teams',
    settings: settings({ channelId: TEAMS_CHANNEL, participants: [PEOPLE.cora.id, PEOPLE.anna.id], startDate: '2026-01-12', closeDate: '2026-02-23' }),
    actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
  });
  roundId = round.id;
  const count = (): [number, unknown] => {
    sent += 1;
    return [200, { id: 'x' }];
  };
  nock(SERVICE_HOST).persist().post(/.*/).reply(count).put(/.*/).reply(count);
});

afterAll(async () => {
  await s.close();
});


async function post(activity: Record<string, unknown>, authorization: string) {
  const res = await fetch(`${s.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

const vote = (level = 'partly') => cardAction(PEOPLE.anna, 'vote', { r: roundId, f: 'f01', l: level });
const f01Total = async () => Object.values(await s.store.getCounts(TENANT, roundId, 'f01')).reduce((a, b) => a + b, 0);

describe('the lean vote path', () => {
  it('answers a vote with a good token without CloudAdapter, and a later vote with the same token too', async () => {
    const process = vi.spyOn(s.teams!.adapter, 'process');
    try {
      for (const level of ['partly', 'in-place']) {
        const res = await post(vote(level), GOOD);
        expect(res.status).toBe(200);
        expect(JSON.parse(res.body)).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
      }
      expect(process).not.toHaveBeenCalled();
      await s.teams!.flush();
      expect(await s.store.getMemberVote(TENANT, roundId, 'f01', PEOPLE.anna.id)).toBe('in-place');
      expect(await f01Total()).toBe(1);
    } finally {
      process.mockRestore();
    }
  });

  // Each runs after the good token was accepted (and its validation kept): the kept success lets none of these in.
  const refused: [string, () => { activity: Record<string, unknown>; authorization: string; status: number }][] = [
    ['a token signed with a key nobody published', () => ({ activity: vote('not-in-place'), authorization: bearer(goodClaims(), stranger.privateKey), status: 401 })],
    ['a token that is not a JWT', () => ({ activity: vote('not-in-place'), authorization: 'Bearer not.a.jwt', status: 401 })],
    ['the good token with its signature altered', () => ({ activity: vote('not-in-place'), authorization: `${GOOD.slice(0, -4)}AAAA`, status: 401 })],
    ['a token that expired an hour ago', () => ({ activity: vote('not-in-place'), authorization: bearer({ ...goodClaims(), nbf: nowSec() - 7200, exp: nowSec() - 3600 }), status: 401 })],
    ['a token for another bot (audience)', () => ({ activity: vote('not-in-place'), authorization: bearer({ ...goodClaims(), aud: '00000000-other-bot-0000-000000000000' }), status: 401 })],
    ['the good token on an activity naming another (allowed) service URL than its claim', () => ({
      activity: { ...vote('not-in-place'), serviceUrl: 'https://smba.trafficmanager.net/amer/' },
      authorization: GOOD,
      status: 401,
    })],
    ['the good token from a tenant outside MICROSOFT_ALLOWED_TENANTS', () => {
      const other = '00000000-other-tenant-0000-000000000000';
      const a = vote('not-in-place');
      return {
        activity: { ...a, channelData: { ...(a.channelData as object), tenant: { id: other } }, conversation: { ...(a.conversation as object), tenantId: other } },
        authorization: GOOD,
        status: 403,
      };
    }],
    ['a serviceUrl outside the allowlist (the token claiming the same one)', () => ({
      activity: { ...vote('not-in-place'), serviceUrl: 'https://attacker.example/' },
      authorization: bearer({ ...goodClaims(), serviceurl: 'https://attacker.example/' }),
      status: 403,
    })],
  ];

  it.each(refused)('%s: refused, nothing stored, nothing sent', async (_name, make) => {
    expect((await post(vote('in-place'), GOOD)).status).toBe(200);
    await s.teams!.flush();
    const sentBefore = sent;
    const before = await prefixContents(s.store);
    const { activity, authorization, status } = make();
    const res = await post(activity, authorization);
    expect(res.status).toBe(status);
    await s.teams!.flush();
    expect(await prefixContents(s.store)).toEqual(before);
    expect(await s.store.getMemberVote(TENANT, roundId, 'f01', PEOPLE.anna.id)).toBe('in-place');
    expect(sent).toBe(sentBefore);
  });

  it('a refused token is refused again: failures are not kept', async () => {
    const forged = bearer(goodClaims(), stranger.privateKey);
    expect((await post(vote('not-in-place'), forged)).status).toBe(401);
    expect((await post(vote('not-in-place'), forged)).status).toBe(401);
    expect(await s.store.getMemberVote(TENANT, roundId, 'f01', PEOPLE.anna.id)).toBe('in-place');
  });
});
