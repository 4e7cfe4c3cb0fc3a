// Slack card buttons stay in their channel: a vote, answer or examples click whose value names a round of another channel
// (a copied card, or a crafted block) is refused with the localised error, opens nothing and stores nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { t } from '../../src/core/i18n.js';
import { interactionBody, postSigned, votePayload } from '../helpers/slack-sign.js';
import { ANNA, BO, CHANNEL, SECRET, TEAM_A, notesTo, prefixContents, sendRawInteraction, startRound, startSecApp, signedFor, talliesMatchVotes, type SecApp } from './harness.js';

/** Another channel of the same workspace, where the bot is also a member. */
const OTHER_CHANNEL = 'C0EKONOMI';
const refused = t('sv', 'errors.CARD_FROM_ANOTHER_CONVERSATION');

let s: SecApp;
let roundId: string;

beforeAll(async () => {
  s = await startSecApp({ teams: false });
  roundId = (await startRound(s)).id;
  await s.app.service.castVote({ tenant: TEAM_A, roundId, factorId: 'f01', actor: { id: BO }, level: 'partly', interactionId: 'seed-1' });
  await s.slack.settled();
});

afterAll(async () => {
  await s.close();
});

let before: Record<string, string>;
beforeEach(async () => {
  await s.slack.settled();
  s.fake.reset();
  before = await prefixContents(s.store);
});

async function vote(channel: string, level = 'in-place') {
  const payload = votePayload({ team: TEAM_A, user: ANNA, channel, roundId, factorId: 'f01', level, actionTs: `${Math.floor(s.clock.now() / 1000)}.${Math.floor(Math.random() * 1e6)}`, responseUrl: s.fake.responseUrl() });
  return postSigned(`${s.base}/slack/events`, interactionBody(payload), SECRET, signedFor(s));
}

function button(actionId: 'answer' | 'examples', channel: string) {
  return {
    type: 'block_actions',
    user: { id: ANNA, username: 'anna', team_id: TEAM_A },
    team: { id: TEAM_A, domain: 'malmo-stad' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'ekonomi' },
    container: { type: 'message', message_ts: '1768203000.000100', channel_id: channel },
    trigger_id: '7329301882048.7213859381.0a3d8f1e2b8c',
    response_url: s.fake.responseUrl(),
    actions: [{ action_id: actionId, block_id: 'more', value: JSON.stringify({ r: roundId, f: 'f01' }), type: 'button', action_ts: `${Math.floor(s.clock.now() / 1000)}.${Math.floor(Math.random() * 1e6)}` }],
  };
}

async function nothingStored(): Promise<void> {
  await s.slack.settled();
  expect(await prefixContents(s.store)).toEqual(before);
  expect(await talliesMatchVotes(s.store, TEAM_A, roundId)).toBe(true);
}

describe('Slack card buttons from another channel of the workspace', () => {
  it('a participant’s vote is refused, told in the other channel, and the tally stays', async () => {
    const res = await vote(OTHER_CHANNEL);
    expect(res.status).toBe(200);
    await nothingStored();
    expect(await s.store.getCounts(TEAM_A, roundId, 'f01')).toEqual({ 'in-place': 0, partly: 1, 'not-in-place': 0, 'dont-know': 0 });
    expect(notesTo(s, ANNA)).toEqual([refused]);
    expect(s.fake.delivered('chat.postEphemeral').map((c) => c.body.channel)).toEqual([OTHER_CHANNEL]);
    expect(s.fake.callsTo('chat.update')).toHaveLength(0);
  });

  it('the answer button opens no form', async () => {
    await sendRawInteraction(s, button('answer', OTHER_CHANNEL));
    await nothingStored();
    expect(s.fake.callsTo('views.open')).toHaveLength(0);
    expect(notesTo(s, ANNA)).toEqual([refused]);
  });

  it('the examples button shows nothing of the round', async () => {
    await sendRawInteraction(s, button('examples', OTHER_CHANNEL));
    await nothingStored();
    expect(notesTo(s, ANNA)).toEqual([refused]);
    expect(s.fake.delivered('chat.postEphemeral').every((c) => c.body.blocks === undefined)).toBe(true);
  });
});

describe('Slack card buttons in the round’s own channel (the control)', () => {
  it('the vote counts and the answer form opens', async () => {
    await vote(CHANNEL, 'dont-know');
    await sendRawInteraction(s, button('answer', CHANNEL));
    await s.slack.settled();
    expect((await s.store.getCounts(TEAM_A, roundId, 'f01'))['dont-know']).toBe(1);
    expect(s.fake.callsTo('views.open')).toHaveLength(1);
    expect(notesTo(s, ANNA)).not.toContain(refused);
  });
});
