// Forged and stale Slack signatures over real HTTP: each one is refused with 401, stores nothing and calls Slack for nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { interactionBody, slackSignature, votePayload } from '../helpers/slack-sign.js';
import { ANNA, CHANNEL, SECRET, TEAM_A, prefixContents, sendVote, startRound, startSecApp, type SecApp } from './harness.js';

let s: SecApp;
let roundId: string;

beforeAll(async () => {
  s = await startSecApp({ teams: false });
  roundId = (await startRound(s)).id;
});

afterAll(async () => {
  await s.close();
});

beforeEach(() => {
  s.fake.reset();
});

const now = () => Math.floor(s.clock.now() / 1000);

function vote(actionTs: string): string {
  return interactionBody(votePayload({ team: TEAM_A, user: ANNA, channel: CHANNEL, roundId, factorId: 'f01', level: 'partly', actionTs }));
}

async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(`${s.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  return { status: res.status, text: await res.text() };
}

const f01Total = async () => Object.values(await s.store.getCounts(TEAM_A, roundId, 'f01')).reduce((a, b) => a + b, 0);

describe('Slack signatures over real HTTP', () => {
  const forgeries: [string, (body: string) => Record<string, string>][] = [
    ['signed with another secret', (b) => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': slackSignature(b, now(), 'not-our-secret') })],
    ['five minutes and one second old', (b) => ({ 'x-slack-request-timestamp': String(now() - 301), 'x-slack-signature': slackSignature(b, now() - 301, SECRET) })],
    ['five minutes and one second in the future', (b) => ({ 'x-slack-request-timestamp': String(now() + 301), 'x-slack-signature': slackSignature(b, now() + 301, SECRET) })],
    ['a valid signature replayed under a fresh timestamp', (b) => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': slackSignature(b, now() - 60, SECRET) })],
    ['no signature headers', () => ({})],
    ['a signature but no timestamp', (b) => ({ 'x-slack-signature': slackSignature(b, now(), SECRET) })],
    ['a timestamp that is not a number', (b) => ({ 'x-slack-request-timestamp': `${now()}abc`, 'x-slack-signature': slackSignature(b, now(), SECRET) })],
    ['a huge timestamp', (b) => ({ 'x-slack-request-timestamp': '9'.repeat(40), 'x-slack-signature': slackSignature(b, now(), SECRET) })],
    ['a v1 signature of the right HMAC', (b) => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': slackSignature(b, now(), SECRET).replace(/^v0=/, 'v1=') })],
    ['a truncated signature', (b) => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': slackSignature(b, now(), SECRET).slice(0, 40) })],
    ['an upper-case hex signature', (b) => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': `v0=${slackSignature(b, now(), SECRET).slice(3).toUpperCase()}` })],
    ['an empty signature', () => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': '' })],
  ];

  it.each(forgeries)('%s: 401, nothing stored, nothing sent', async (_name, headersFor) => {
    const before = await prefixContents(s.store);
    const body = vote(`${now()}.${Math.floor(Math.random() * 1e6)}`);
    const res = await post(body, headersFor(body));
    await s.slack.settled();
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ error: 'unauthorized' });
    expect(await prefixContents(s.store)).toEqual(before);
    expect(s.fake.stats().received).toEqual({});
    expect(await f01Total()).toBe(0);
  });

  it('a body changed after signing (the vote moved to another level) is refused', async () => {
    const before = await prefixContents(s.store);
    const body = vote(`${now()}.000001`);
    const headers = { 'x-slack-request-timestamp': String(now()), 'x-slack-signature': slackSignature(body, now(), SECRET) };
    const res = await post(body.replace('partly', 'in-place'), headers);
    expect(res.status).toBe(401);
    // Padding the body, or cutting it, breaks the signature too.
    expect((await post(`${body}&x=1`, headers)).status).toBe(401);
    expect((await post(body.slice(0, -3), headers)).status).toBe(401);
    await s.slack.settled();
    expect(await prefixContents(s.store)).toEqual(before);
    expect(s.fake.stats().received).toEqual({});
  });

  it('the control: the same vote correctly signed is counted and confirmed', async () => {
    const res = await sendVote(s, { user: ANNA, roundId, factorId: 'f01', level: 'partly' });
    await s.slack.settled();
    expect(res.status).toBe(200);
    expect(await f01Total()).toBe(1);
    expect(String(s.fake.delivered('chat.postEphemeral')[0]!.body.text)).toMatch(/^Din röst på 01 · Offentliga åtaganden: Stämmer delvis\./);
  });

  it('a refused request is told why in general terms only, and the server keeps answering', async () => {
    const body = vote(`${now()}.000002`);
    const res = await post(body, { 'x-slack-request-timestamp': String(now()), 'x-slack-signature': 'v0=deadbeef' });
    expect(res.status).toBe(401);
    // Nothing about which check failed or what the secret is.
    expect(res.text).not.toMatch(/secret|hmac|timestamp/i);
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
  });
});
