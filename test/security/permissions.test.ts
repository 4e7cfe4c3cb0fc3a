// Coordinator-only commands from anyone else, in Slack and in Teams: a clear refusal naming the coordinator, the round
// unchanged, nothing posted to the channel and nothing stored.
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { t } from '../../src/core/i18n.js';
import { CHANNEL as TEAMS_CHANNEL, PEOPLE, TENANT, channelMessage, fixture } from '../fixtures/teams/activities.js';
import { fakeConnector } from '../fixtures/teams/harness.js';
import { settings } from '../helpers/world.js';
import { ANNA, BO, TEAM_A, notesTo, prefixContents, responses, sendCommand, sendVote, startRound, startSecApp, type SecApp } from './harness.js';

let s: SecApp;
let slackRound: string;
let teamsRound: string;
const refusal = t('sv', 'errors.NOT_COORDINATOR', { coordinator: 'Cora Lind' });

beforeAll(async () => {
  s = await startSecApp();
  slackRound = (await startRound(s)).id;
  teamsRound = (
    await s.app.service.startRound({
      tenant: TENANT,
      platform: 'teams',
      settings: settings({ channelId: TEAMS_CHANNEL, participants: [PEOPLE.cora.id, PEOPLE.anna.id], startDate: '2026-01-12', closeDate: '2026-02-23' }),
      actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
    })
  ).id;
});

afterAll(async () => {
  await s.close();
});

beforeEach(() => {
  s.fake.reset();
  nock.cleanAll();
});

const COORDINATOR_ONLY = ['close', 'remind', 'digest', 'context national-legislation Budgeten halverad 2026'];

describe('coordinator-only commands from someone else (Slack)', () => {
  it.each(COORDINATOR_ONLY.flatMap((cmd) => [[cmd, BO] as const, [cmd, 'U0EVA'] as const]))('/assess %s by %s: refused by name, nothing stored or posted', async (text, user) => {
    const before = await prefixContents(s.store);
    const res = await sendCommand(s, { text, user_id: user, user_name: user.toLowerCase() });
    expect(res.status).toBe(200);
    await s.slack.settled();
    await s.app.scheduler.drain();
    expect(responses(s)).toEqual([refusal]);
    expect(s.fake.responses[0]!.body.response_type).toBe('ephemeral');
    expect(s.fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await prefixContents(s.store)).toEqual(before);
    expect((await s.store.getRound(TEAM_A, slackRound))!.status).toBe('open');
  });

  it('a vote from someone outside the round is refused by name and not stored', async () => {
    const before = await prefixContents(s.store);
    await sendVote(s, { user: 'U0EVA', roundId: slackRound, factorId: 'f01', level: 'in-place' });
    await s.slack.settled();
    expect(notesTo(s, 'U0EVA')).toEqual([t('sv', 'errors.NOT_PARTICIPANT', { coordinator: 'Cora Lind' })]);
    expect(await prefixContents(s.store)).toEqual(before);
  });

  it('the control: the coordinator may close, and the round closes', async () => {
    // A participant's vote first, so the close has something to sum up.
    await sendVote(s, { user: ANNA, roundId: slackRound, factorId: 'f01', level: 'partly' });
    await sendCommand(s, { text: 'close confirm' });
    await s.slack.settled();
    await s.app.scheduler.drain();
    expect((await s.store.getRound(TEAM_A, slackRound))!.status).toBe('closed');
  });
});

describe('coordinator-only commands from someone else (Teams)', () => {
  beforeAll(async () => {
    // The bot joins the team first (its conversation reference is stored then, as in real life).
    fakeConnector();
    const res = await fetch(`${s.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixture('conversation-update-bot-added.json')) });
    expect(res.status).toBe(200);
    await s.teams!.flush();
  });

  it.each(['close', 'remind', 'digest'])('@Assess assess %s by Anna: refused by name in the thread, nothing stored', async (cmd) => {
    const connector = fakeConnector();
    const before = await prefixContents(s.store);
    const res = await fetch(`${s.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(channelMessage(PEOPLE.anna, `assess ${cmd}`)),
    });
    expect(res.status).toBe(200);
    await s.teams!.flush();
    const replies = connector.calls.filter((c) => c.method === 'POST' && c.path.includes('/activities'));
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.body.text)).toBe(t('sv', 'errors.NOT_COORDINATOR', { coordinator: PEOPLE.cora.name }));
    expect((await s.store.getRound(TENANT, teamsRound))!.status).toBe('open');
    // Every Teams turn refreshes how to reach its conversation (a stored reference); nothing else may change.
    const after = await prefixContents(s.store);
    const changed = Object.keys({ ...before, ...after }).filter((k) => after[k] !== before[k]);
    expect(changed.filter((k) => !k.endsWith(':rec:teams-ref'))).toEqual([]);
  });
});
