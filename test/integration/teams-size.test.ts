// When Teams refuses a message for its size (413 MessageSizeTooBig), the coordinator is told what happened and where the
// full report is, nothing is retried in vain, and a message Teams would refuse is not sent at all.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { t } from '../../src/core/i18n.js';
import { MessageTooLargeError } from '../../src/platforms/teams/connector.js';
import { teamsAdapter } from '../../src/platforms/teams/index.js';
import { dropPrefix } from '../helpers/world.js';
import { CHANNEL, PEOPLE, TENANT, cardAction, channelMessage, fixture } from '../fixtures/teams/activities.js';
import { fakeConnector, startApp, type ConnectorCall, type Harness } from '../fixtures/teams/harness.js';

const FORM = {
  packId: 'integrating-cities-diversity',
  locale: 'sv',
  mode: 'internal-evaluation',
  title: 'Baslinje 2026',
  participants: [PEOPLE.cora.id, PEOPLE.anna.id, PEOPLE.bo.id].join(','),
  managers: PEOPLE.david.id,
  pacing: 'all-at-once',
  startDate: '2026-03-02',
  closeDate: '2026-04-13',
  timezone: 'Europe/Stockholm',
};

const CORA_CHAT = `a:1on1-${PEOPLE.cora.id}/activities`;
const hasCard = (call: ConnectorCall) => Array.isArray(call.body.attachments) && call.body.attachments.length > 0;

let h: Harness;
let roundId = '';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
});

beforeEach(async () => {
  // No retries: a 413 must not be retried anyway, and anything else would only slow the test.
  h = await startApp({ adapter: teamsAdapter({ retry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 }, cardUpdateIntervalMs: 0 }) });
  fakeConnector();
  await h.post(fixture('conversation-update-bot-added.json'));
  const res = await h.post(cardAction(PEOPLE.cora, 'start', FORM));
  expect(res.body).toMatchObject({ statusCode: 200 });
  await h.teams.flush();
  roundId = (await h.store.listRounds(TENANT))[0]!.id;
  nock.cleanAll();
});

afterEach(async () => {
  nock.cleanAll();
  await dropPrefix(h.store);
  await h.app.close();
});

afterAll(() => {
  nock.enableNetConnect();
});

function coordinatorNotice(): string {
  return t('sv', 'teams.tooLarge.coordinator', {
    what: t('sv', 'teams.tooLarge.what.final'),
    title: 'Baslinje 2026',
    url: h.app.reportLinks.url(TENANT, roundId),
  });
}

describe('Teams: messages too large for Teams', () => {
  it('a summary Teams refuses with 413 is reported to the coordinator once, with the report link, and not retried', async () => {
    const c = fakeConnector({ refuse: (call) => (call.method === 'POST' && call.path.includes(`/v3/conversations/${CHANNEL}/activities`) && hasCard(call) ? 413 : undefined) });
    await h.app.service.closeRound(TENANT, roundId, { id: PEOPLE.cora.id });
    const round = (await h.store.getRound(TENANT, roundId))!;
    await expect(h.teams.messenger.postFinalDigest(round)).resolves.toBeUndefined();

    const told = c.posts(CORA_CHAT).filter((x) => !hasCard(x));
    expect(told).toHaveLength(1);
    expect(told[0]!.body.text).toBe(coordinatorNotice());
    expect(String(told[0]!.body.text)).not.toContain(t('sv', 'errors.INTERNAL'));
    // The manager still got the summary card in their 1:1 chat.
    expect(c.posts(`a:1on1-${PEOPLE.david.id}/activities`).filter(hasCard)).toHaveLength(1);

    // A retried job does not try the channel again, nor tell the coordinator twice.
    c.clear();
    await h.teams.messenger.postFinalDigest(round);
    expect(c.posts(CORA_CHAT).filter((x) => !hasCard(x))).toEqual([]);
    expect(c.posts(`/v3/conversations/${CHANNEL}/activities`).filter(hasCard)).toEqual([]);
  });

  it('a card edit Teams refuses with 413 is reported to the coordinator, not thrown at the voter', async () => {
    const c = fakeConnector({ refuse: (call) => (call.method === 'PUT' ? 413 : undefined) });
    const res = await h.post(cardAction(PEOPLE.anna, 'vote', { r: roundId, f: 'f01', l: 'partly' }));
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    await h.teams.flush();
    const told = c.posts(CORA_CHAT).filter((x) => !hasCard(x));
    expect(told).toHaveLength(1);
    expect(told[0]!.body.text).toContain(t('sv', 'teams.tooLarge.what.factorCard', { factor: '01 · Offentliga åtaganden' }));
    expect(told[0]!.body.text).toContain(h.app.reportLinks.url(TENANT, roundId));
  });

  it('a status reply Teams refuses is followed by a sentence with the report link, never "something went wrong"', async () => {
    const c = fakeConnector({ refuse: (call) => (hasCard(call) ? 413 : undefined) });
    const res = await h.post(channelMessage(PEOPLE.cora, 'assess status'));
    expect(res.status).toBe(200);
    const replies = c.posts(`${CHANNEL};messageid=`);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body.text).toBe(t('sv', 'teams.tooLarge.reply', { url: h.app.reportLinks.url(TENANT, roundId) }));
  });

  it('a message over 100 KB counted in UTF-16 is not sent at all', async () => {
    const c = fakeConnector();
    const ref = (await h.teams.refs.conversation(TENANT, CHANNEL))!.ref;
    // 55,000 characters: 55 KB in UTF-8 would pass a byte count, but Teams counts 110 KB of UTF-16.
    const text = 'a'.repeat(55_000);
    await expect(h.teams.connector.send(ref, { type: 'message', text })).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(c.calls).toEqual([]);
    await expect(h.teams.connector.send(ref, { type: 'message', text: 'a'.repeat(40_000) })).resolves.toMatchObject({ id: expect.any(String) as string });
  });
});
