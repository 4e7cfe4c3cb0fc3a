// Teams card actions stay in their conversation: a refresh, open-card, vote or answer naming a round is accepted only from
// the round's own channel, or from the 1:1 chat of one of its members. From anywhere else in the tenant it gets the
// localised error, shows nothing of the round, sends nothing and stores nothing.
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { t } from '../../src/core/i18n.js';
import { CHANNEL, PEOPLE, TEAM, TENANT, cardAction, channelMessage, type Person } from '../fixtures/teams/activities.js';
import { fakeConnector, textsOf } from '../fixtures/teams/harness.js';
import { settings } from '../helpers/world.js';
import { prefixContents, startSecApp, type SecApp } from './harness.js';

/** Another channel of the same tenant, in another team: where a copied card id would be replayed. */
const OTHER_CHANNEL = '19:ekonomi0456@thread.tacv2';
const OTHER_TEAM = '19:team0456@thread.tacv2';
const refused = t('sv', 'errors.CARD_FROM_ANOTHER_CONVERSATION');

type Json = Record<string, unknown>;

/** The same activity, sent from another channel of the tenant (channel, team and conversation ids all say so). */
function fromChannel(activity: Json, channel: string, team: string): Json {
  const cd = activity.channelData as Json;
  const conversation = activity.conversation as Json;
  return {
    ...activity,
    conversation: { ...conversation, id: `${channel};messageid=1772431499999` },
    channelData: { ...cd, channel: { id: channel }, team: { id: team } },
  };
}

let s: SecApp;
let roundId: string;
let connector: ReturnType<typeof fakeConnector>;

async function post(activity: Json): Promise<{ status: number; body: { statusCode: number; type: string; value: unknown } }> {
  const res = await fetch(`${s.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as { statusCode: number; type: string; value: unknown } };
}

/** A turn from `who` in a conversation, so the bot already knows how to reach it (as it would in real use). */
async function known(activity: Json): Promise<void> {
  expect((await post(activity)).status).toBe(200);
  await s.teams!.flush();
}

beforeAll(async () => {
  s = await startSecApp({ env: { TEAMS_AUTH: 'off' } });
  roundId = (
    await s.app.service.startRound({
      tenant: TENANT,
      platform: 'teams',
      settings: settings({ channelId: CHANNEL, participants: [PEOPLE.cora.id, PEOPLE.anna.id, PEOPLE.bo.id], startDate: '2026-01-12', closeDate: '2026-02-23' }),
      actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
      names: { [PEOPLE.anna.id]: PEOPLE.anna.name, [PEOPLE.bo.id]: PEOPLE.bo.name },
    })
  ).id;
  // Two votes make a live tally worth stealing.
  await s.app.service.castVote({ tenant: TENANT, roundId, factorId: 'f01', actor: { id: PEOPLE.anna.id }, level: 'partly', interactionId: 'seed-1' });
  await s.app.service.castVote({ tenant: TENANT, roundId, factorId: 'f01', actor: { id: PEOPLE.bo.id }, level: 'not-in-place', interactionId: 'seed-2' });
  connector = fakeConnector();
  for (const who of [PEOPLE.david, PEOPLE.anna]) {
    await known(fromChannel(channelMessage(who, 'assess help'), OTHER_CHANNEL, OTHER_TEAM));
    await known(cardAction(who, 'refresh', { r: 'no-such-round', f: 'f01' }, { personal: true }));
  }
});

afterAll(async () => {
  nock.cleanAll();
  await s.close();
});

let before: Record<string, string>;
beforeEach(async () => {
  nock.cleanAll();
  connector = fakeConnector();
  before = await prefixContents(s.store);
});

async function expectRefusedAndNothingStored(res: Awaited<ReturnType<typeof post>>): Promise<void> {
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'CARD_FROM_ANOTHER_CONVERSATION', message: refused } });
  await s.teams!.flush();
  expect(await prefixContents(s.store)).toEqual(before);
  // Nothing went out: no card edit, no message, no personal card.
  expect(connector.calls).toEqual([]);
}

const counts = () => s.store.getCounts(TENANT, roundId, 'f01');

describe('Teams card actions from another channel of the tenant', () => {
  it.each<[string, Person]>([
    ['someone outside the round', PEOPLE.david],
    ['a member of the round, outside its channel', PEOPLE.anna],
  ])('refresh by %s: the error card, not the live tally', async (_who, who) => {
    const res = await post(fromChannel(cardAction(who, 'refresh', { r: roundId, f: 'f01' }), OTHER_CHANNEL, OTHER_TEAM));
    await expectRefusedAndNothingStored(res);
  });

  it('another channel of the round’s own team is another channel too', async () => {
    const res = await post(fromChannel(cardAction(PEOPLE.anna, 'refresh', { r: roundId, f: 'f01' }), OTHER_CHANNEL, TEAM));
    expect(res.body).toMatchObject({ statusCode: 400, value: { code: 'CARD_FROM_ANOTHER_CONVERSATION', message: refused } });
  });

  it('open-card: no card is posted into the other channel', async () => {
    const res = await post(fromChannel(cardAction(PEOPLE.david, 'open-card', { r: roundId, f: 'f01' }), OTHER_CHANNEL, OTHER_TEAM));
    await expectRefusedAndNothingStored(res);
  });

  it('a vote by a participant is refused and the tally stays', async () => {
    const res = await post(fromChannel(cardAction(PEOPLE.anna, 'vote', { r: roundId, f: 'f01', l: 'in-place' }), OTHER_CHANNEL, OTHER_TEAM));
    await expectRefusedAndNothingStored(res);
    expect(await counts()).toEqual({ 'in-place': 0, partly: 1, 'not-in-place': 1, 'dont-know': 0 });
  });

  it('an answer by a participant is refused and nothing is saved', async () => {
    const res = await post(fromChannel(cardAction(PEOPLE.anna, 'answer', { r: roundId, f: 'f01', 'q:f01-q1': 'Skrivet i fel kanal', evidence: '' }), OTHER_CHANNEL, OTHER_TEAM));
    await expectRefusedAndNothingStored(res);
    expect(await s.store.getMemberAnswer(TENANT, roundId, 'f01', PEOPLE.anna.id)).toBeNull();
  });
});

describe('Teams card actions from a 1:1 chat', () => {
  it('open-card from the 1:1 chat of someone outside the round is refused', async () => {
    const res = await post(cardAction(PEOPLE.david, 'open-card', { r: roundId, f: 'f01' }, { personal: true }));
    await expectRefusedAndNothingStored(res);
  });

  it('refresh from the 1:1 chat of someone outside the round is refused', async () => {
    const res = await post(cardAction(PEOPLE.david, 'refresh', { r: roundId, f: 'f01' }, { personal: true }));
    await expectRefusedAndNothingStored(res);
  });

  it('the control: a member opens the card from a reminder in their 1:1 chat, and it arrives there', async () => {
    const res = await post(cardAction(PEOPLE.anna, 'open-card', { r: roundId, f: 'f01' }, { personal: true }));
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    await s.teams!.flush();
    const posted = connector.posts(`/v3/conversations/a:1on1-${PEOPLE.anna.id}/activities`);
    expect(posted).toHaveLength(1);
  });
});

describe('Teams card actions in the round’s own channel', () => {
  it('the control: a refresh there gets the card with the live tally', async () => {
    const res = await post(cardAction(PEOPLE.anna, 'refresh', { r: roundId, f: 'f01' }));
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(textsOf(res.body.value)).toContain(t('sv', 'card.voted', { voted: 2, eligible: 3 }));
  });
});
