// Tenant isolation: payloads from workspace (or Teams tenant) B that name workspace A's round. Each gets a clear refusal,
// and nothing under the Redis prefix changes: A's round, votes and answers stay exactly as they were.
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { t } from '../../src/core/i18n.js';
import { renderText } from '../../src/core/text-format.js';
import { teamsDialect } from '../../src/platforms/teams/activity.js';
import { slackPlainText, slackText } from '../../src/platforms/slack/mrkdwn.js';
import { PEOPLE, TENANT, cardAction } from '../fixtures/teams/activities.js';
import { settings } from '../helpers/world.js';
import { CHANNEL, CORA, ANNA, TEAM_A, TEAM_B, notesTo, prefixContents, responses, sendCommand, sendRawInteraction, sendVote, startRound, startSecApp, talliesMatchVotes, type SecApp } from './harness.js';

let s: SecApp;
let roundA: string;
let teamsRoundA: string;
/** "No round here", as each place shows it: Slack mrkdwn, a Slack modal's plain field error, a Teams error popup. */
const notFound = slackText(t('sv', 'errors.ROUND_NOT_FOUND'));
const notFoundOnForm = slackPlainText(t('sv', 'errors.ROUND_NOT_FOUND'));
const notFoundInTeams = renderText(t('sv', 'errors.ROUND_NOT_FOUND'), { ...teamsDialect({ conversationType: 'channel' }), markup: 'plain' });

beforeAll(async () => {
  s = await startSecApp();
  roundA = (await startRound(s)).id;
  // A has a vote and an answer to protect.
  await sendVote(s, { user: ANNA, roundId: roundA, factorId: 'f01', level: 'in-place' });
  await s.app.service.saveAnswer({ tenant: TEAM_A, roundId: roundA, factorId: 'f01', actor: { id: ANNA }, texts: { 'f01-q1': 'Ja, på webben.' }, evidence: ['https://malmo.se/mangfald'] });
  teamsRoundA = (
    await s.app.service.startRound({
      tenant: TENANT,
      platform: 'teams',
      settings: settings({ channelId: '19:mangfald0123@thread.tacv2', participants: [PEOPLE.cora.id, PEOPLE.anna.id], startDate: '2026-01-12', closeDate: '2026-02-23' }),
      actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
    })
  ).id;
  await s.slack.settled();
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

async function unchanged(): Promise<void> {
  await s.slack.settled();
  await s.teams?.flush();
  expect(await prefixContents(s.store)).toEqual(before);
  expect(await talliesMatchVotes(s.store, TEAM_A, roundA)).toBe(true);
  expect(await s.store.getCounts(TEAM_A, roundA, 'f01')).toEqual({ 'in-place': 1, partly: 0, 'not-in-place': 0, 'dont-know': 0 });
}

function button(team: string, user: string, actionId: string, value: Record<string, string>) {
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), team_id: team },
    team: { id: team, domain: team.toLowerCase() },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: CHANNEL, name: 'mangfald-utvardering' },
    container: { type: 'message', message_ts: '1768203000.000100', channel_id: CHANNEL },
    trigger_id: '7329301882048.7213859381.0a3d8f1e2b8c',
    response_url: s.fake.responseUrl(),
    actions: [{ action_id: actionId, block_id: 'more', value: JSON.stringify(value), type: 'button', action_ts: `${Math.floor(s.clock.now() / 1000)}.${Math.floor(Math.random() * 1e6)}` }],
  };
}

function answerSubmission(team: string, user: string, meta: Record<string, string>) {
  return {
    type: 'view_submission',
    team: { id: team, domain: team.toLowerCase() },
    user: { id: user, username: user.toLowerCase(), team_id: team },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      id: 'V07E5F6G7H8',
      type: 'modal',
      callback_id: 'assess-answer',
      private_metadata: JSON.stringify(meta),
      state: { values: { 'q:f01-q1': { value: { type: 'plain_text_input', value: 'Skrivet från Lund' } }, evidence: { value: { type: 'plain_text_input', value: '' } } } },
    },
  };
}

describe('workspace B naming workspace A’s round (Slack)', () => {
  it('a vote: B’s person is told there is no such round; A’s tally stays', async () => {
    const res = await sendVote(s, { team: TEAM_B, user: 'U0LUNDA', roundId: roundA, factorId: 'f01', level: 'not-in-place' });
    expect(res.status).toBe(200);
    await unchanged();
    expect(notesTo(s, 'U0LUNDA')).toEqual([notFound]);
  });

  it('a vote by a user id that also exists in A (same id, other workspace) is still refused', async () => {
    await sendVote(s, { team: TEAM_B, user: ANNA, roundId: roundA, factorId: 'f01', level: 'not-in-place' });
    await unchanged();
    expect(notesTo(s, ANNA)).toEqual([notFound]);
  });

  it('the answer button does not open A’s form, and the examples button shows nothing of A', async () => {
    await sendRawInteraction(s, button(TEAM_B, 'U0LUNDA', 'answer', { r: roundA, f: 'f01' }));
    await sendRawInteraction(s, button(TEAM_B, 'U0LUNDA', 'examples', { r: roundA, f: 'f01' }));
    await unchanged();
    expect(s.fake.callsTo('views.open')).toHaveLength(0);
    expect(notesTo(s, 'U0LUNDA')).toEqual([notFound, notFound]);
  });

  it('an answer form whose metadata names tenant A, submitted from B, is refused on the form', async () => {
    const res = await sendRawInteraction(s, answerSubmission(TEAM_B, 'U0LUNDA', { t: TEAM_A, r: roundA, f: 'f01', c: CHANNEL }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ response_action: 'errors', errors: { evidence: t('sv', 'slack.errors.badRequest') } });
    await unchanged();
  });

  it('an answer form from B that names A’s round under B is refused on the form', async () => {
    const res = await sendRawInteraction(s, answerSubmission(TEAM_B, 'U0LUNDA', { t: TEAM_B, r: roundA, f: 'f01', c: CHANNEL }));
    expect(JSON.parse(res.text)).toMatchObject({ response_action: 'errors' });
    expect(Object.values((JSON.parse(res.text) as { errors: Record<string, string> }).errors)).toEqual([notFoundOnForm]);
    await unchanged();
  });

  it.each(['status', 'close', 'digest', 'export', 'context national-legislation Lund skriver här'])('/assess %s from B in a channel with A’s id answers for B only', async (text) => {
    await sendCommand(s, { text, team_id: TEAM_B, team_domain: 'lund', user_id: CORA });
    await unchanged();
    await s.app.scheduler.drain();
    expect(responses(s)).toEqual([notFound]);
    expect(s.fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect((await s.store.getRound(TEAM_A, roundA))!.status).toBe('open');
  });

  it('A’s report link with the tenant changed to B is refused (403), and B learns nothing of A', async () => {
    const url = new URL(s.app.reportLinks.url(TEAM_A, roundA));
    const ok = await fetch(`${s.base}${url.pathname}?format=json`);
    expect(ok.status).toBe(200);
    const forged = await fetch(`${s.base}${url.pathname.replace(`/${TEAM_A}/`, `/${TEAM_B}/`)}?format=json`);
    expect(forged.status).toBe(403);
    const text = await forged.text();
    expect(text.trim()).toBe(t('sv', 'report.errors.badSignature'));
    expect(text).not.toContain(roundA);
    await unchanged();
  });
});

describe('Teams tenant B naming tenant A’s round', () => {
  it('a vote from tenant B gets an error card saying there is no such round; A stays as it was', async () => {
    const other = { ...cardAction(PEOPLE.anna, 'vote', { r: teamsRoundA, f: 'f01', l: 'partly' }) };
    other.channelData = { ...(other.channelData as object), tenant: { id: 'b0000000-tenant-4000-8000-00000000000b' } };
    other.conversation = { ...(other.conversation as object), tenantId: 'b0000000-tenant-4000-8000-00000000000b' };
    const res = await fetch(`${s.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(other) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statusCode: number; value: { code: string; message: string } };
    expect(body).toMatchObject({ statusCode: 400, value: { code: 'ROUND_NOT_FOUND', message: notFoundInTeams } });
    expect(await s.store.getCounts(TENANT, teamsRoundA, 'f01')).toEqual({ 'in-place': 0, partly: 0, 'not-in-place': 0, 'dont-know': 0 });
    // Tenant B's turn may store how to reach B's conversation, never anything of A.
    await s.teams!.flush();
    const after = await prefixContents(s.store);
    const changed = Object.keys({ ...before, ...after }).filter((k) => after[k] !== before[k]);
    expect(changed.filter((k) => !k.endsWith(':rec:teams-ref'))).toEqual([]);
  });
});
