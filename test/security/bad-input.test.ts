// Oversized and malformed payloads, unknown factors, levels and questions, on both platforms: each gets 413/400 with a
// readable message (or, for a person, a sentence in their language), the server keeps answering, and nothing is stored.
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { t } from '../../src/core/i18n.js';
import { PEOPLE, TENANT, cardAction } from '../fixtures/teams/activities.js';
import { fakeConnector } from '../fixtures/teams/harness.js';
import { signedHeaders, votePayload } from '../helpers/slack-sign.js';
import { settings } from '../helpers/world.js';
import { ANNA, CHANNEL, SECRET, TEAM_A, notesTo, prefixContents, sendRawInteraction, sendVote, startRound, startSecApp, type SecApp } from './harness.js';

let s: SecApp;
let roundId: string;
let teamsRound: string;

beforeAll(async () => {
  s = await startSecApp();
  roundId = (await startRound(s)).id;
  teamsRound = (
    await s.app.service.startRound({
      tenant: TENANT,
      platform: 'teams',
      settings: settings({ channelId: '19:mangfald0123@thread.tacv2', participants: [PEOPLE.cora.id, PEOPLE.anna.id], startDate: '2026-01-12', closeDate: '2026-02-23' }),
      actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
    })
  ).id;
});

afterAll(async () => {
  await s.close();
});

let before: Record<string, string>;
beforeEach(async () => {
  s.fake.reset();
  nock.cleanAll();
  before = await prefixContents(s.store);
});

async function nothingStored(): Promise<void> {
  await s.slack.settled();
  await s.teams?.flush();
  const after = await prefixContents(s.store);
  // A Teams turn refreshes the stored conversation reference; nothing else may change.
  const changed = Object.keys({ ...before, ...after }).filter((k) => after[k] !== before[k] && !k.endsWith(':rec:teams-ref'));
  expect(changed).toEqual([]);
  expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
}

async function postSlack(body: string, contentType = 'application/x-www-form-urlencoded') {
  const res = await fetch(`${s.base}/slack/events`, { method: 'POST', headers: signedHeaders(body, SECRET, { timestamp: Math.floor(s.clock.now() / 1000), contentType }), body });
  return { status: res.status, text: await res.text() };
}

async function postTeams(body: string, contentType = 'application/json') {
  const res = await fetch(`${s.base}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, text: await res.text() };
}

const vote = (over: Record<string, unknown> = {}) => ({ ...votePayload({ team: TEAM_A, user: ANNA, channel: CHANNEL, roundId, factorId: 'f01', level: 'partly', actionTs: `${Math.floor(s.clock.now() / 1000)}.${Math.floor(Math.random() * 1e6)}` }), ...over });

describe('oversized payloads', () => {
  it('a signed Slack body over 1 MiB: 413 with a message, nothing stored', async () => {
    const big = new URLSearchParams({ payload: JSON.stringify({ ...vote(), padding: 'x'.repeat(1_100_000) }) }).toString();
    const res = await postSlack(big);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ error: 'Payload Too Large', message: expect.stringMatching(/too large/i) });
    await nothingStored();
  });

  it('a Teams activity over 1 MiB: 413 with a message, nothing stored', async () => {
    const res = await postTeams(JSON.stringify({ ...cardAction(PEOPLE.anna, 'vote', { r: teamsRound, f: 'f01', l: 'partly' }), text: 'x'.repeat(1_100_000) }));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ message: expect.stringMatching(/too large/i) });
    await nothingStored();
  });
});

describe('malformed payloads (Slack, correctly signed)', () => {
  const cases: [string, string, string?][] = [
    ['payload that is not JSON', 'payload=%7Bnot+json'],
    ['payload that is a JSON array', `payload=${encodeURIComponent('[1,2,3]')}`],
    ['payload that is a JSON string', `payload=${encodeURIComponent('"block_actions"')}`],
    ['a JSON body that does not parse', '{"type":"event_callback",', 'application/json'],
    ['a JSON body that is null', 'null', 'application/json'],
  ];

  it.each(cases)('%s: 400 with a message, nothing stored', async (_name, body, contentType) => {
    const res = await postSlack(body, contentType);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ error: expect.stringMatching(/Slack request/) });
    await nothingStored();
  });
});

describe('bad clicks (Slack): the person is told, nothing is stored', () => {
  it('an unknown factor id: "Nyckelfaktorn f99 finns inte i verktygslådan."', async () => {
    await sendVote(s, { user: ANNA, roundId, factorId: 'f99', level: 'partly' });
    await nothingStored();
    expect(notesTo(s, ANNA)).toEqual([t('sv', 'errors.UNKNOWN_FACTOR', { factor: 'f99' })]);
  });

  it('an unknown level in the button', async () => {
    const p = vote();
    const action = (p.actions as Record<string, unknown>[])[0]!;
    (p.actions as Record<string, unknown>[])[0] = { ...action, action_id: 'vote:maybe', value: JSON.stringify({ r: roundId, f: 'f01', l: 'maybe' }) };
    expect((await sendRawInteraction(s, p)).status).toBe(200);
    await nothingStored();
    expect(notesTo(s, ANNA)).toEqual([t('sv', 'slack.errors.badRequest')]);
  });

  it('a button whose value is not ours (not JSON, or extra fields)', async () => {
    for (const value of ['not json', JSON.stringify({ r: roundId, f: 'f01', l: 'partly', admin: true }), JSON.stringify({ r: roundId })]) {
      const p = vote();
      (p.actions as Record<string, unknown>[])[0] = { ...(p.actions as Record<string, unknown>[])[0], value };
      await sendRawInteraction(s, p);
    }
    await nothingStored();
    expect(notesTo(s, ANNA)).toEqual(Array.from({ length: 3 }, () => t('sv', 'slack.errors.badRequest')));
  });

  it('an answer form for an unknown factor is refused on the form', async () => {
    const res = await sendRawInteraction(s, {
      type: 'view_submission',
      team: { id: TEAM_A },
      user: { id: ANNA },
      view: { id: 'V1', callback_id: 'assess-answer', private_metadata: JSON.stringify({ t: TEAM_A, r: roundId, f: 'f99', c: CHANNEL }), state: { values: {} } },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ response_action: 'errors', errors: { evidence: t('sv', 'errors.UNKNOWN_FACTOR', { factor: 'f99' }) } });
    await nothingStored();
  });

  it('an answer form with a question id the factor does not have stores nothing of it', async () => {
    const res = await sendRawInteraction(s, {
      type: 'view_submission',
      team: { id: TEAM_A },
      user: { id: ANNA },
      view: {
        id: 'V1',
        callback_id: 'assess-answer',
        private_metadata: JSON.stringify({ t: TEAM_A, r: roundId, f: 'f01', c: CHANNEL }),
        state: { values: { 'q:f01-q99': { value: { type: 'plain_text_input', value: 'Smugglat svar' } }, 'q:f02-q1': { value: { type: 'plain_text_input', value: 'Fel faktor' } } } },
      },
    });
    expect(res.status).toBe(200);
    await s.slack.settled();
    const saved = await s.store.getMemberAnswer(TEAM_A, roundId, 'f01', ANNA);
    expect(JSON.stringify(saved ?? {})).not.toMatch(/Smugglat|Fel faktor|q99/);
    expect(await s.store.getMemberAnswer(TEAM_A, roundId, 'f02', ANNA)).toBeNull();
  });
});

describe('bad input (Teams)', () => {
  const error = (text: string) => JSON.parse(text) as { statusCode: number; value: { code: string; message: string } };

  it('a body that is not JSON: 400 with a message', async () => {
    const res = await postTeams('{"type":"message",');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ message: expect.stringMatching(/JSON/) });
    await nothingStored();
  });

  it('a JSON array, or an activity without a type: 400', async () => {
    const array = await postTeams('[]');
    expect(array.status).toBe(400);
    expect(JSON.parse(array.text)).toEqual({ error: 'expected a Bot Framework activity (JSON object)' });
    const untyped = await postTeams(JSON.stringify({ text: 'hej' }));
    expect(untyped.status).toBe(400);
    await nothingStored();
  });

  it('an unknown factor id: an error card in Swedish, nothing stored', async () => {
    fakeConnector();
    const res = await postTeams(JSON.stringify(cardAction(PEOPLE.anna, 'vote', { r: teamsRound, f: 'f99', l: 'partly' })));
    expect(res.status).toBe(200);
    expect(error(res.text)).toMatchObject({ statusCode: 400, value: { code: 'UNKNOWN_FACTOR', message: t('sv', 'errors.UNKNOWN_FACTOR', { factor: 'f99' }) } });
    await nothingStored();
  });

  it('an unknown level: refused, nothing stored', async () => {
    fakeConnector();
    const res = await postTeams(JSON.stringify(cardAction(PEOPLE.anna, 'vote', { r: teamsRound, f: 'f01', l: 'maybe' })));
    expect(res.status).toBe(200);
    expect(error(res.text).statusCode).toBe(400);
    expect(error(res.text).value.message.length).toBeGreaterThan(10);
    await nothingStored();
  });

  it('an answer naming a question the factor does not have: "hör inte till nyckelfaktorn", nothing stored', async () => {
    fakeConnector();
    const res = await postTeams(JSON.stringify(cardAction(PEOPLE.anna, 'answer', { r: teamsRound, f: 'f01', 'q:f01-q99': 'Smugglat svar', evidence: '' })));
    expect(error(res.text)).toMatchObject({ statusCode: 400, value: { code: 'UNKNOWN_QUESTION', message: t('sv', 'errors.UNKNOWN_QUESTION', { question: 'f01-q99' }) } });
    await nothingStored();
  });

  it('an unknown verb: refused with a message, nothing stored', async () => {
    fakeConnector();
    const res = await postTeams(JSON.stringify(cardAction(PEOPLE.anna, 'delete-everything', { r: teamsRound, f: 'f01' })));
    expect(res.status).toBe(200);
    expect(error(res.text).statusCode).toBe(400);
    await nothingStored();
  });
});
