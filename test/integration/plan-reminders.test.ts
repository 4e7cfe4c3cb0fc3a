// Action plan follow-up over the year (#17, section 1): a plan started from the toolkit before any round exists reminds
// its action owners like every other plan, in the plan's language, in their DM; the Done button in that DM finds the
// plan; and once the channel's first round has closed, the reminders travel with that round instead, once each.
// Slack (signed requests, Web API faked), Teams (Bot Framework activities, connector faked) and the playground, on real
// Redis with the fake clock.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tn } from '../../src/core/i18n.js';
import { planCarrierChannel, planCarrierId } from '../../src/core/plan-model.js';
import { storedPlan } from '../helpers/plan.js';
import { PlaygroundApi } from '../helpers/playground-api.js';
import { CHANNEL as SLACK_CHANNEL, TEAM, sendCommand, sendInteraction, startSlackApp, votePayload, type SlackTestApp } from '../helpers/slack.js';
import { CHANNEL as TEAMS_CHANNEL, PEOPLE, SERVICE_URL, TENANT, channelMessage, fixture } from '../fixtures/teams/activities.js';
import { cardOf, fakeConnector, startApp, textsOf, type Harness } from '../fixtures/teams/harness.js';
import { dropPrefix } from '../helpers/world.js';

type Json = Record<string, unknown>;

describe('the carrier id', () => {
  it('names the plan\'s channel reversibly, without the separators job ids use; a round id is not one', () => {
    for (const channel of ['C0MANGFALD', '19:abc123def@thread.tacv2', 'a:1on1|x', 'C-PLAYGROUND']) {
      const id = planCarrierId({ channelId: channel });
      expect(id).not.toMatch(/[:|{}]/);
      expect(planCarrierChannel(id)).toBe(channel);
    }
    expect(planCarrierChannel('20260112-8e1977f7')).toBeNull();
    expect(planCarrierChannel('plan-!!')).toBeNull();
  });
});

describe('Slack (sv): a plan from the toolkit, before any round', () => {
  let s: SlackTestApp;

  beforeAll(async () => {
    s = await startSlackApp();
    // Anna is in the channel: a plan's new owner must be (conversations.members, as Slack lists it).
    s.slack.addChannel(SLACK_CHANNEL, ['U0CORA', 'U0ANNA']);
  });

  afterAll(async () => {
    await s.close();
  });

  const say = async (text: string, user = 'U0CORA'): Promise<string> => {
    await sendCommand(s, { text, user_id: user, user_name: user.toLowerCase() });
    await s.adapter.settled();
    return String(s.slack.responses.at(-1)!.body.text);
  };

  it('reminds the owner two days before at 09:00 in the plan\'s timezone, in Swedish, with a Done button that works', async () => {
    expect(await say('plan start')).toContain('01');
    const added = await say('action add 1 <@U0ANNA|anna> 2026-02-20 quick Publicera åtagandet på webben');
    expect(added).toContain('A1');
    expect(added).toContain('En påminnelse kommer innan dess.');
    const carrier = planCarrierId({ channelId: SLACK_CHANNEL });
    const job = (await s.store.listJobs(TEAM, carrier)).find((j) => j.kind === 'action-reminder');
    expect(new Date(job!.dueAt).toISOString()).toBe('2026-02-18T08:00:00.000Z');

    // Nothing before its time.
    s.slack.clear();
    s.clock.set('2026-02-18T07:59:00Z');
    await s.app.scheduler.drain();
    expect(s.slack.postsTo('U0ANNA')).toEqual([]);

    s.clock.set('2026-02-18T08:00:00Z');
    const ran = await s.app.scheduler.drain();
    await s.adapter.settled();
    expect(ran.failed).toBe(0);
    const [dm] = s.slack.postsTo('U0ANNA');
    expect(dm!.body.text).toBe(tn('sv', 'modes.reminder.action', 1, { list: 'A1' }));
    expect(JSON.stringify(dm!.body.blocks)).toContain('Publicera åtagandet på webben');
    const button = (dm!.body.blocks as Json[]).map((b) => b.accessory as Json | undefined).find((a) => a?.action_id === 'action-done:A1');
    expect(JSON.parse(String(button!.value))).toEqual({ r: carrier, a: 'A1' });

    // Once: another run sends nothing.
    s.slack.clear();
    await s.app.scheduler.drain();
    expect(s.slack.postsTo('U0ANNA')).toEqual([]);

    // Bo pressing it from a DM is refused and nothing changes; Anna's press marks it done.
    const press = (user: string) => {
      const p = votePayload({ user, roundId: carrier, factorId: 'f01', level: 'partly' }) as Json & { actions: Json[] };
      p.channel = { id: `D0${user}`, name: 'directmessage' };
      p.container = { type: 'message', message_ts: '1772956800.000100', channel_id: `D0${user}`, is_ephemeral: false };
      p.actions = [{ ...p.actions[0], action_id: 'action-done:A1', block_id: 'a1', value: String(button!.value) }];
      return sendInteraction(s, p);
    };
    await press('U0BO');
    await s.adapter.settled();
    expect((await storedPlan(s.store, TEAM, SLACK_CHANNEL))!.actions[0]!.status).toBe('open');
    await press('U0ANNA');
    await s.adapter.settled();
    expect((await storedPlan(s.store, TEAM, SLACK_CHANNEL))!.actions[0]!.status).toBe('done');
  });
});

describe('Teams (sv): a plan from the toolkit reminds in a 1:1 chat', () => {
  let h: Harness;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
    h = await startApp();
  });

  afterEach(() => {
    nock.cleanAll();
  });

  afterAll(async () => {
    nock.enableNetConnect();
    await dropPrefix(h.store);
    await h.app.close();
  });

  it('creates the chat with the owner and sends the card once, its Done button naming the plan', async () => {
    let c = fakeConnector();
    await h.post(fixture('conversation-update-bot-added.json'));
    await h.post(channelMessage(PEOPLE.cora, 'assess plan start'));
    await h.post(channelMessage(PEOPLE.cora, `assess action add 1 ${PEOPLE.anna.id} 2026-05-04 quick Publicera åtagandet på webben`));
    expect(c.posts(`${TEAMS_CHANNEL};messageid=`).map((p) => String(p.body.text)).join('\n')).toContain('A1');
    const carrier = planCarrierId({ channelId: TEAMS_CHANNEL });
    const job = (await h.store.listJobs(TENANT, carrier)).find((j) => j.kind === 'action-reminder');
    // Two days before, 09:00 Stockholm summer time.
    expect(new Date(job!.dueAt).toISOString()).toBe('2026-05-02T07:00:00.000Z');

    nock.cleanAll();
    const sent: Json[] = [];
    const proactive = nock(SERVICE_URL.replace(/\/emea\/$/, ''))
      .post('/emea/v3/conversations')
      .reply(201, { id: `a:1on1-${PEOPLE.anna.id}` })
      .post((path) => decodeURIComponent(path).startsWith(`/emea/v3/conversations/a:1on1-${PEOPLE.anna.id}/activities`), (body: Json) => (sent.push(body), true))
      .reply(200, { id: 'msg-action-1' });
    h.clock.set('2026-05-02T07:00:00Z');
    const ran = await h.app.scheduler.drain();
    await h.teams.flush();
    expect(ran.failed).toBe(0);
    proactive.done();
    const card = cardOf({ method: 'POST', path: '', body: sent[0]! });
    expect(textsOf(card)).toContain(tn('sv', 'modes.reminder.action', 1, { list: 'A1' }));
    expect(JSON.stringify(card)).toContain(`"r":"${carrier}"`);
    c = fakeConnector();
    await h.app.scheduler.drain();
    expect(c.calls).toEqual([]);
  });
});

describe.each(['sv', 'en'] as const)('the playground in %s: the plan\'s reminders over the year', (locale) => {
  let pg: PlaygroundApi;

  beforeAll(async () => {
    pg = await PlaygroundApi.open({ DEFAULT_LOCALE: locale });
  });

  afterAll(async () => {
    await pg.close();
  });

  const dms = async (as: string) => (await pg.messages(as)).filter((m) => m.type === 'text' && m.audience === as && !m.ephemeral);
  /** "An action in the action plan is waiting for you:", in the plan's language; the playground lists each whole line. */
  const waiting = () => tn(locale, 'modes.reminder.action', 1, { list: '' }).trim();
  const reminded = (m: { card: unknown }, id: string) => JSON.stringify(m.card).includes(`${waiting()} `) && JSON.stringify(m.card).includes(`${id} · `);
  const day = (days: number) => new Date(pg.clock.now() + days * 86_400_000).toISOString().slice(0, 10);

  it('before any round: reminded in the plan\'s language; after the first round closes: still once, now with that round', async () => {
    await pg.command('u-cora', '/assess plan start');
    await pg.command('u-cora', `/assess action add 2 @u-anna ${day(10)} long high ${locale === 'sv' ? 'Ta fram en mångfaldsstrategi' : 'Draft a diversity strategy'}`);
    await pg.command('u-cora', `/assess action add 3 @u-bo ${day(40)} quick ${locale === 'sv' ? 'Utse en ansvarig chef' : 'Name a responsible manager'}`);
    const plan = (await storedPlan(pg.store, 'playground', 'C-PLAYGROUND'))!;
    expect(plan.locale).toBe(locale);
    expect(plan.actions.map((a) => a.id)).toEqual(['A1', 'A2']);
    const carrier = planCarrierId(plan);
    expect((await pg.store.listJobs('playground', carrier)).filter((j) => j.kind === 'action-reminder')).toHaveLength(2);

    // A week on, nothing yet; ten days on, Anna has her reminder (in the plan's language), Bo not yet.
    const annaBefore = (await dms('u-anna')).length;
    await pg.advance('week');
    expect((await dms('u-anna')).length).toBe(annaBefore);
    await pg.advance('day', 3);
    const anna = (await dms('u-anna')).slice(annaBefore);
    expect(anna).toHaveLength(1);
    expect(reminded(anna[0]!, 'A1')).toBe(true);
    expect(JSON.stringify(anna[0]!.card)).toContain(locale === 'sv' ? 'Ta fram en mångfaldsstrategi' : 'Draft a diversity strategy');
    // Markers are only kept with a stored round: nothing under the carrier names Anna (the completed job is what
    // keeps the reminder from going out twice).
    expect(await pg.store.scanMarks('playground', carrier)).toEqual({});
    expect(await pg.store.getRound('playground', carrier)).toBeNull();

    // The first round starts and closes: the plan follows it, and Bo's reminder now travels with that round, once.
    const { roundId } = await pg.start('u-cora', { pacing: 'all-at-once' });
    await pg.vote('u-anna', roundId, 'f02', 'not-in-place');
    await pg.command('u-cora', '/assess close confirm');
    await pg.reply('u-cora', '/assess plan');
    const followed = (await storedPlan(pg.store, 'playground', 'C-PLAYGROUND'))!;
    expect(followed.deliveryRoundId).toBe(roundId);
    expect((await pg.store.listJobs('playground', carrier)).filter((j) => j.kind === 'action-reminder')).toEqual([]);
    expect((await pg.store.listJobs('playground', roundId)).filter((j) => j.kind === 'action-reminder').map((j) => j.payload.actionId)).toEqual(['A2']);
    expect((await dms('u-bo')).filter((m) => reminded(m, 'A2'))).toHaveLength(0);
    await pg.advance('week', 5);
    expect((await dms('u-bo')).filter((m) => reminded(m, 'A2'))).toHaveLength(1);
    // Anna's action, reminded already, is not reminded again.
    expect((await dms('u-anna')).filter((m) => reminded(m, 'A1'))).toHaveLength(1);
  }, 60_000);
});
