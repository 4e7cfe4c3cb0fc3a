// Teams auth, restarts, dead conversations and connector throttling, on real Redis with the Bot Connector faked by nock.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PackRegistry } from '../../src/content/registry.js';
import { t } from '../../src/core/i18n.js';
import { buildHelp, helpText } from '../../src/core/toolkit-guide.js';
import { renderText } from '../../src/core/text-format.js';
import { teamsDialect } from '../../src/platforms/teams/activity.js';
import { teamsAdapter } from '../../src/platforms/teams/index.js';
import { REFERENCE_COLLECTION } from '../../src/platforms/teams/references.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { dropPrefix, testPrefix } from '../helpers/world.js';
import { CHANNEL, PEOPLE, SERVICE_HOST, TENANT, cardAction, channelMessage, fixture } from '../fixtures/teams/activities.js';
import { cardOf, fakeConnector, startApp, textsOf, type Harness } from '../fixtures/teams/harness.js';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

const FORM = {
  packId: 'integrating-cities-diversity',
  locale: 'sv',
  mode: 'internal-evaluation',
  participants: [PEOPLE.cora.id, PEOPLE.anna.id, PEOPLE.bo.id].join(','),
  managers: '',
  pacing: 'all-at-once',
  startDate: '2026-03-02',
  closeDate: '2026-04-13',
  timezone: 'Europe/Stockholm',
  reminderDaysBefore: '2',
  reminderTime: '09:00',
};

async function startRound(h: Harness): Promise<string> {
  await h.post(fixture('conversation-update-bot-added.json'));
  const res = await h.post(cardAction(PEOPLE.cora, 'start', FORM));
  expect(res.body).toMatchObject({ statusCode: 200 });
  await h.teams.flush();
  const rounds = await h.store.listRounds(TENANT);
  return rounds[0]!.id;
}

describe('Teams auth', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startApp({ env: { MICROSOFT_APP_ID: '9b2d6a54-app0-4000-8000-00000000b07a', MICROSOFT_APP_PASSWORD: 'not-a-real-secret', METRICS_TOKEN: 'teams-test-metrics-token' } });
  });
  afterAll(async () => {
    await dropPrefix(h.store);
    await h.app.close();
  });

  it('with MICROSOFT_APP_ID set, a request without a token gets 401 and runs nothing', async () => {
    const scope = nock(SERVICE_HOST).post(/.*/).reply(200, {});
    const res = await h.post(channelMessage(PEOPLE.cora, 'assess start'));
    expect(res.status).toBe(401);
    expect(scope.isDone()).toBe(false);
    expect(await h.store.getRecord(REFERENCE_COLLECTION, `conv|${TENANT}|${CHANNEL}`)).toBeNull();
  });

  it('a token that is not a Bot Framework JWT gets 401', async () => {
    const res = await h.post(channelMessage(PEOPLE.cora, 'assess help'), { authorization: 'Bearer not.a.jwt' });
    expect(res.status).toBe(401);
    // A token claiming the Bot Framework issuer is checked against the published signing keys; none matches.
    const openId = nock('https://login.botframework.com')
      .get('/v1/.well-known/openidconfiguration')
      .reply(200, { issuer: 'https://api.botframework.com', jwks_uri: 'https://login.botframework.com/v1/.well-known/keys' })
      .get('/v1/.well-known/keys')
      .reply(200, { keys: [] });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":"https://api.botframework.com","aud":"x"}').toString('base64url')}.`;
    const res2 = await h.post(channelMessage(PEOPLE.cora, 'assess help'), { authorization: `Bearer ${unsigned}` });
    expect(res2.status).toBe(401);
    expect(openId.isDone()).toBe(true);
  });

  it('readiness reports that auth is on', async () => {
    const res = await h.app.http.inject({ method: 'GET', url: '/readyz', headers: { authorization: 'Bearer teams-test-metrics-token' } });
    expect(JSON.parse(res.body).checks.teams).toMatchObject({ ok: true, detail: expect.stringContaining('auth on') });
  });
});

describe('Teams proactive messaging survives a restart', () => {
  it('reminders after a restart use the references read back from Redis', async () => {
    const prefix = testPrefix();
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const c1 = fakeConnector();
    const first = await startApp({ prefix, clock });
    const roundId = await startRound(first);
    expect(c1.posts(`/v3/conversations/${CHANNEL}/activities`)).toHaveLength(14);
    // Anna voted on every factor, so she is not reminded.
    for (const f of (await first.store.getRound(TENANT, roundId))!.factorIds) {
      await first.post(cardAction(PEOPLE.anna, 'vote', { r: roundId, f, l: 'in-place' }));
    }
    await first.teams.flush();
    await first.app.close();
    nock.cleanAll();

    const c2 = fakeConnector();
    const second = await startApp({ prefix, clock });
    try {
      clock.set('2026-04-11T07:00:00Z');
      const result = await second.app.scheduler.drain();
      await second.teams.flush();
      expect(result.failed).toBe(0);
      const created = c2.calls.filter((x) => x.method === 'POST' && /\/v3\/conversations$/.test(x.path));
      expect(created.map((x) => (x.body.members as { id: string }[])[0]!.id).sort()).toEqual([PEOPLE.cora.id, PEOPLE.bo.id].sort());
      const toBo = c2.posts(`a:1on1-${PEOPLE.bo.id}/activities`);
      expect(toBo).toHaveLength(1);
      expect(textsOf(cardOf(toBo[0]!))).toContain('13 · Kontroll och utvärdering');
      expect(c2.posts(`a:1on1-${PEOPLE.anna.id}`)).toHaveLength(0);
      expect(c2.calls.filter((x) => x.method === 'GET')).toEqual([]);
    } finally {
      await dropPrefix(second.store);
      await second.app.close();
    }
  });
});

describe('Teams: a 1:1 chat that refuses the bot', () => {
  it('a 403 marks the reference dead and the next reminder does not try again', async () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const h = await startApp({ clock });
    try {
      fakeConnector();
      const roundId = await startRound(h);
      nock.cleanAll();
      const c = fakeConnector({ refuse: (call) => (call.path.includes(`a:1on1-${PEOPLE.bo.id}/activities`) ? 403 : undefined) });
      const round = (await h.store.getRound(TENANT, roundId))!;
      await h.app.commands.remindNow(round);
      expect(c.posts(`a:1on1-${PEOPLE.anna.id}/activities`)).toHaveLength(1);
      const bo = await h.store.getRecord(REFERENCE_COLLECTION, `user|${TENANT}|${PEOPLE.bo.id}`);
      expect(bo).toMatchObject({ dead: true });
      c.clear();
      await h.app.commands.remindNow(round);
      expect(c.calls.filter((x) => x.path.includes(PEOPLE.bo.id))).toEqual([]);
      expect(c.posts(`a:1on1-${PEOPLE.anna.id}/activities`)).toHaveLength(1);
      // Bo writes to the bot again: he is reachable once more.
      await h.post({ ...cardAction(PEOPLE.bo, 'refresh', { r: roundId, f: 'f01' }, { personal: true }) });
      expect(await h.store.getRecord(REFERENCE_COLLECTION, `user|${TENANT}|${PEOPLE.bo.id}`)).not.toMatchObject({ dead: true });
    } finally {
      await dropPrefix(h.store);
      await h.app.close();
    }
  });
});

describe('Teams: throttling', () => {
  it('429 and 502 from the connector are retried, and the reply still arrives once', async () => {
    const h = await startApp({ adapter: teamsAdapter({ retry: { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 5 } }) });
    try {
      const throttled = nock(SERVICE_HOST)
        .post(/\/activities\//)
        .reply(429, { error: { code: 'Throttled' } }, { 'Retry-After': '0' })
        .post(/\/activities\//)
        .reply(502, 'Bad Gateway')
        .post(/\/activities\//)
        .reply(200, { id: 'msg-1' });
      const res = await h.post(channelMessage(PEOPLE.bo, 'assess help'));
      expect(res.status).toBe(200);
      expect(throttled.isDone()).toBe(true);
      const metrics = await h.app.metrics.registry.getSingleMetricAsString('assess_platform_rate_limited_total');
      expect(metrics).toMatch(/platform="teams"} 1/);
    } finally {
      await dropPrefix(h.store);
      await h.app.close();
    }
  });

  it('a 400 from the connector is not retried, and the person is told something went wrong', async () => {
    const h = await startApp({ adapter: teamsAdapter({ retry: { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 5 } }) });
    try {
      const texts: string[] = [];
      const scope = nock(SERVICE_HOST)
        .persist()
        .post(/\/activities\//)
        .reply((_uri, body) => {
          texts.push(String((body as { text?: string }).text));
          return [400, { error: { code: 'BadArgument', message: 'bad' } }];
        });
      const res = await h.post(channelMessage(PEOPLE.bo, 'assess help'));
      expect(res.status).toBe(200);
      expect(scope.isDone()).toBe(true);
      const help = helpText(buildHelp(PackRegistry.fromDir().get('integrating-cities-diversity', 'sv'), 'sv'));
      expect(texts).toEqual([renderText(help, teamsDialect({ conversationType: 'channel' })), t('sv', 'errors.INTERNAL')]);
    } finally {
      await dropPrefix(h.store);
      await h.app.close();
    }
  });
});

describe('Teams: the bot leaving a team', () => {
  it('a conversationUpdate removing the bot forgets that team\'s conversations', async () => {
    const h = await startApp();
    try {
      fakeConnector();
      await h.post(fixture('conversation-update-bot-added.json'));
      await h.post(channelMessage(PEOPLE.cora, 'assess help'));
      expect(await h.store.getRecord(REFERENCE_COLLECTION, `conv|${TENANT}|${CHANNEL}`)).not.toBeNull();
      const removed = { ...fixture('conversation-update-bot-added.json'), id: 'f:removed-1', membersAdded: undefined, membersRemoved: [{ id: '28:9b2d6a54-app0-4000-8000-00000000b07a' }], channelData: { ...fixture<{ channelData: object }>('conversation-update-bot-added.json').channelData, eventType: 'teamMemberRemoved' } };
      const res = await h.post(removed);
      expect(res.status).toBe(200);
      const left = await h.store.listRecords(REFERENCE_COLLECTION);
      expect(Object.keys(left).filter((k) => k.startsWith('conv|'))).toEqual([]);
    } finally {
      await dropPrefix(h.store);
      await h.app.close();
    }
  });
});
