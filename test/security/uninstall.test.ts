// Uninstalling forgets the workspace: after UNINSTALL_GRACE_DAYS its rounds, names, jobs, card references, delivery markers
// and installation are gone from the store (every key under the prefix is read back); other workspaces keep theirs; a
// reinstall within the grace period keeps everything; a forged uninstall schedules nothing.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { tenantForgetJobId, TENANT_JOBS, WHOLE_TENANT } from '../../src/core/uninstall.js';
import { INSTALLATIONS } from '../../src/platforms/slack/installation-store.js';
import { REFERENCE_COLLECTION } from '../../src/platforms/teams/references.js';
import type { RedisStore } from '../../src/store/index.js';
import { INTERACTION_TTL_MS } from '../../src/store/keys.js';
import { fixture as teamsFixture, PEOPLE, CHANNEL as TEAMS_CHANNEL, TEAM as TEAMS_TEAM, TENANT as TEAMS_TENANT, cardAction, channelMessage } from '../fixtures/teams/activities.js';
import { fakeConnector } from '../fixtures/teams/harness.js';
import { fixture, sendCommand, sendEvent, sendInteraction, startSlackApp, votePayload, type SlackTestApp } from '../helpers/slack.js';
import { settings } from '../helpers/world.js';
import { prefixContents, startSecApp, type SecApp } from './harness.js';

const DAY = 24 * 60 * 60 * 1000;
const GRACE_DAYS = 7;

/**
 * Every key under the prefix with its whole content, whatever the Redis type, except interaction dedupe keys: those
 * expire on their own within 15 minutes (long before any grace period ends), and the fake clock does not move Redis TTLs.
 */
async function everythingStored(store: RedisStore): Promise<{ text: string; expiringDedupeKeys: string[] }> {
  const client = store.client;
  const parts: string[] = [];
  const expiringDedupeKeys: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${store.keys.prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const ttl = await client.pttl(key);
      if (/:ix:[^:]+$/.test(key) && ttl > 0 && ttl <= INTERACTION_TTL_MS) {
        expiringDedupeKeys.push(key);
        continue;
      }
      const type = await client.type(key);
      parts.push(key);
      if (type === 'string') parts.push((await client.get(key)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
      else if (type === 'zset') parts.push((await client.zrange(key, 0, -1, 'WITHSCORES')).join('\n'));
      else if (type === 'set') parts.push((await client.smembers(key)).join('\n'));
      else if (type === 'list') parts.push((await client.lrange(key, 0, -1)).join('\n'));
      else parts.push(`<${type}>`);
    }
  } while (cursor !== '0');
  return { text: decodeURIComponent(parts.join('\n')), expiringDedupeKeys };
}

// --- Slack ---------------------------------------------------------------------------------------------------------

const LUND = 'T0LUND';
const MALMO = 'T0MALMO';
const LUND_CHANNEL = 'C0LUNDDIV';
const LENA = { id: 'U0LUNDADMIN', name: 'Lena Admin' };
const LARS = { id: 'U0LUNDLARS', name: 'Lars Andersson' };

describe('Slack: app_uninstalled', () => {
  let t: SlackTestApp;

  afterEach(async () => {
    await t.close();
  });

  async function start(env: Record<string, string> = {}): Promise<void> {
    t = await startSlackApp({
      env: { SLACK_BOT_TOKEN: '', SLACK_CLIENT_ID: '7213859381.7329164573', SLACK_CLIENT_SECRET: 'b1f4c5e0d9a8b7c6', SLACK_STATE_SECRET: 'state-secret-for-tests', ...env },
    });
    t.slack.oauthAccess = fixture('oauth-v2-access');
    t.slack.addUser(LENA).addUser(LARS).addChannel(LUND_CHANNEL, [LENA.id, LARS.id]);
  }

  /** "Add to Slack" as a browser walks it: the install page, then Slack redirecting back with a code. */
  async function install(): Promise<void> {
    const page = await t.app.http.inject({ method: 'GET', url: '/slack/install' });
    const href = /<a href="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
    const state = new URL(href!).searchParams.get('state')!;
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    await t.app.http.inject({ method: 'GET', url: `/slack/oauth_redirect?code=7329.abc&state=${encodeURIComponent(state)}`, headers: { cookie } });
    expect(await t.app.store.getRecord(INSTALLATIONS, LUND)).not.toBeNull();
  }

  /** Lund runs a round: a card posted, a signed vote, a weekly digest sent (a delivery marker); Malmö has a round too. */
  async function lundAtWork(): Promise<{ lund: string; malmo: string }> {
    const lund = await t.app.service.startRound({
      tenant: LUND,
      platform: 'slack',
      settings: settings({ channelId: LUND_CHANNEL, channelName: 'mangfald-lund', participants: [LENA.id, LARS.id], managers: [LENA.id], startDate: '2026-01-12', closeDate: '2026-03-23' }),
      actor: LENA,
      names: { [LENA.id]: LENA.name, [LARS.id]: LARS.name },
    });
    await t.adapter.messenger.postFactorCard(lund, 'f01');
    await sendInteraction(t, { ...votePayload({ user: LARS.id, roundId: lund.id, factorId: 'f01', level: 'partly' }), team: { id: LUND, domain: 'lund' }, channel: { id: LUND_CHANNEL, name: 'mangfald-lund' } });
    await t.adapter.settled();
    expect(await t.app.store.getCounts(LUND, lund.id, 'f01')).toMatchObject({ partly: 1 });
    const malmo = await t.app.service.startRound({
      tenant: MALMO,
      platform: 'slack',
      settings: settings({ channelId: 'C0MANGFALD', participants: ['U0CORA', 'U0ANNA'], managers: [], startDate: '2026-01-12', closeDate: '2026-06-29' }),
      actor: { id: 'U0CORA', name: 'Cora Lind' },
      names: { U0CORA: 'Cora Lind' },
    });
    // Monday 19 January, 08:00 in Stockholm: Lund's first weekly digest goes to Lena and leaves its marker.
    t.clock.set('2026-01-19T07:05:00Z');
    await t.app.scheduler.drain();
    await t.adapter.settled();
    const before = await everythingStored(t.store);
    // The digest's delivery marker, under the job that sent it.
    expect(before.text).toMatch(new RegExp(`${LUND}:${lund.id}:weekly-digest:[^|"]+\\|${LENA.id}`));
    expect(before.text).toContain(LARS.name);
    expect(Object.keys(await t.app.store.getCardRefs(LUND, lund.id))).toEqual(['f01']);
    return { lund: lund.id, malmo: malmo.id };
  }

  it('forgets the workspace once the grace period has passed: nothing of Lund is left under the prefix; Malmö keeps its round', async () => {
    await start();
    await install();
    const { lund, malmo } = await lundAtWork();
    const uninstalledAt = t.clock.now();
    expect((await sendEvent(t, fixture('event-app-uninstalled'))).statusCode).toBe(200);
    await t.adapter.settled();

    // The token goes at once; the rest waits for the grace period, in a durable job.
    expect(await t.app.store.getRecord(INSTALLATIONS, LUND)).toBeNull();
    const pending = await t.app.store.listJobs(LUND, TENANT_JOBS);
    expect(pending).toMatchObject([{ id: tenantForgetJobId(LUND, WHOLE_TENANT), kind: 'tenant-forget', dueAt: uninstalledAt + GRACE_DAYS * DAY }]);
    t.clock.set(uninstalledAt + GRACE_DAYS * DAY - 60_000);
    await t.app.scheduler.drain();
    expect(await t.app.store.getRound(LUND, lund)).not.toBeNull();

    t.clock.set(uninstalledAt + GRACE_DAYS * DAY + 60_000);
    await t.app.scheduler.drain();
    await t.adapter.settled();
    const after = await everythingStored(t.store);
    for (const trace of [LUND, lund, LUND_CHANNEL, 'mangfald-lund', LENA.id, LARS.id, LENA.name, LARS.name, 'xoxb-']) {
      expect(after.text, trace).not.toContain(trace);
    }
    expect(after.expiringDedupeKeys.every((k) => k.includes(':ix:'))).toBe(true);
    expect(await t.app.store.listRounds(LUND)).toEqual([]);
    expect(await t.app.store.listJobs(LUND)).toEqual([]);
    expect(await t.app.store.listTenants()).toEqual([MALMO]);
    expect((await t.app.store.getRound(MALMO, malmo))?.names).toEqual({ U0CORA: 'Cora Lind' });
    expect(after.text).toContain('Cora Lind');
  });

  it('a reinstall within the grace period keeps the rounds, names and installation', async () => {
    await start();
    await install();
    const { lund } = await lundAtWork();
    await sendEvent(t, fixture('event-app-uninstalled'));
    await t.adapter.settled();
    t.clock.advanceDays(2);
    await install();
    expect(await t.app.store.listJobs(LUND, TENANT_JOBS)).toEqual([]);

    t.clock.advanceDays(GRACE_DAYS + 1);
    await t.app.scheduler.drain();
    const round = await t.app.store.getRound(LUND, lund);
    expect(round?.names).toEqual({ [LENA.id]: LENA.name, [LARS.id]: LARS.name });
    expect(await t.app.store.getCounts(LUND, lund, 'f01')).toMatchObject({ partly: 1 });
    expect(await t.app.store.getRecord(INSTALLATIONS, LUND)).not.toBeNull();
  });

  it('the grace period follows UNINSTALL_GRACE_DAYS', async () => {
    await start({ UNINSTALL_GRACE_DAYS: '2' });
    await install();
    await sendEvent(t, fixture('event-app-uninstalled'));
    await t.adapter.settled();
    expect((await t.app.store.listJobs(LUND, TENANT_JOBS))[0]?.dueAt).toBe(t.clock.now() + 2 * DAY);
  });

  it('a forged app_uninstalled (wrong signature) is refused and schedules nothing', async () => {
    await start();
    await install();
    await lundAtWork();
    const before = await prefixContents(t.store);
    const res = await sendEvent(t, fixture('event-app-uninstalled'), { secret: 'not-the-signing-secret' });
    expect(res.statusCode).toBe(401);
    await t.adapter.settled();
    expect(await prefixContents(t.store)).toEqual(before);
  });
});

describe('Slack: one workspace with a bot token (no OAuth)', () => {
  let t: SlackTestApp;

  afterEach(async () => {
    await t.close();
  });

  it('app_uninstalled schedules the forget too, and the workspace using the app again (a signed command) cancels it', async () => {
    t = await startSlackApp();
    const event = { ...fixture<Record<string, unknown>>('event-app-uninstalled'), team_id: 'T0MALMO', authorizations: [{ enterprise_id: null, team_id: 'T0MALMO', user_id: 'U0ASSESSBOT', is_bot: true, is_enterprise_install: false }] };
    await sendEvent(t, event);
    await t.adapter.settled();
    expect(await t.app.store.listJobs(MALMO, TENANT_JOBS)).toHaveLength(1);
    t.clock.advanceDays(1);
    await sendCommand(t, { text: 'help' });
    await t.adapter.settled();
    expect(await t.app.store.listJobs(MALMO, TENANT_JOBS)).toEqual([]);
  });
});

// --- Teams ---------------------------------------------------------------------------------------------------------

const OTHER_TEAM = '19:team0456@thread.tacv2';
const OTHER_CHANNEL = '19:ekonomi0456@thread.tacv2';

describe('Teams: the app removed from a team', () => {
  let s: SecApp;

  afterEach(async () => {
    nock.cleanAll();
    await s.close();
  });

  async function post(activity: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${s.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    await s.teams!.flush();
  }

  function inOtherTeam(activity: Record<string, unknown>): Record<string, unknown> {
    return {
      ...activity,
      conversation: { ...(activity.conversation as object), id: `${OTHER_CHANNEL};messageid=1772431499999` },
      channelData: { ...(activity.channelData as object), channel: { id: OTHER_CHANNEL }, team: { id: OTHER_TEAM } },
    };
  }

  function removal(teamId: string, action = 'remove'): Record<string, unknown> {
    const a = teamsFixture('installation-update-remove.json');
    return { ...a, action, conversation: { ...(a.conversation as object), id: teamId }, channelData: { ...(a.channelData as object), team: { id: teamId } } };
  }

  /** The same removal as older clients (and Teams, after the installationUpdate) report it: the bot left the team. */
  function botLeft(teamId: string): Record<string, unknown> {
    const { membersAdded, ...a } = teamsFixture('conversation-update-bot-added.json');
    return { ...a, membersRemoved: membersAdded, conversation: { ...(a.conversation as object), id: teamId }, channelData: { ...(a.channelData as object), team: { id: teamId }, eventType: 'teamMemberRemoved' } };
  }

  /** A round in a channel of each team, each used (a vote), so the bot knows both teams' channels. */
  async function twoTeams(): Promise<{ mine: string; theirs: string }> {
    s = await startSecApp({ env: { TEAMS_AUTH: 'off' } });
    fakeConnector();
    const start = (channelId: string) =>
      s.app.service.startRound({
        tenant: TEAMS_TENANT,
        platform: 'teams',
        settings: settings({ channelId, participants: [PEOPLE.cora.id, PEOPLE.anna.id], startDate: '2026-01-12', closeDate: '2026-02-23' }),
        actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
        names: { [PEOPLE.anna.id]: PEOPLE.anna.name },
      });
    const mine = (await start(TEAMS_CHANNEL)).id;
    const theirs = (await start(OTHER_CHANNEL)).id;
    await post(cardAction(PEOPLE.anna, 'vote', { r: mine, f: 'f01', l: 'partly' }));
    await post(inOtherTeam(cardAction(PEOPLE.anna, 'vote', { r: theirs, f: 'f01', l: 'in-place' })));
    await post(inOtherTeam(channelMessage(PEOPLE.cora, 'assess help')));
    return { mine, theirs };
  }

  it('after the grace period that team’s rounds are gone; the other team’s are kept', async () => {
    const { mine, theirs } = await twoTeams();
    const removedAt = s.clock.now();
    await post(removal(TEAMS_TEAM));
    // Reported a second time, after the first report deleted the references: the forget keeps its channels and time.
    s.clock.advance(60_000);
    await post(botLeft(TEAMS_TEAM));
    const jobs = await s.store.listJobs(TEAMS_TENANT, TENANT_JOBS);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ id: tenantForgetJobId(TEAMS_TENANT, `team:${TEAMS_TEAM}`), dueAt: removedAt + GRACE_DAYS * DAY });
    expect(jobs[0]!.payload.channels).toContain(TEAMS_CHANNEL);
    expect(jobs[0]!.payload.channels).not.toContain(OTHER_CHANNEL);

    s.clock.set(removedAt + GRACE_DAYS * DAY + 60_000);
    await s.app.scheduler.drain();
    expect(await s.store.getRound(TEAMS_TENANT, mine)).toBeNull();
    expect(await s.store.getRound(TEAMS_TENANT, theirs)).not.toBeNull();
    expect(await s.store.getCounts(TEAMS_TENANT, theirs, 'f01')).toMatchObject({ 'in-place': 1 });
    const stored = await everythingStored(s.store);
    expect(stored.text).not.toContain(mine);
    expect(stored.text).not.toContain(TEAMS_CHANNEL);
    expect(stored.text).toContain(OTHER_CHANNEL);
    expect(await s.store.getRecord(REFERENCE_COLLECTION, `conv|${TEAMS_TENANT}|${OTHER_CHANNEL}`)).not.toBeNull();
  });

  it('the app added back to the team within the grace period keeps its rounds', async () => {
    const { mine } = await twoTeams();
    await post(removal(TEAMS_TEAM));
    s.clock.advanceDays(3);
    await post(removal(TEAMS_TEAM, 'add'));
    expect(await s.store.listJobs(TEAMS_TENANT, TENANT_JOBS)).toEqual([]);
    s.clock.advanceDays(GRACE_DAYS + 1);
    await s.app.scheduler.drain();
    expect((await s.store.getRound(TEAMS_TENANT, mine))?.names).toMatchObject({ [PEOPLE.anna.id]: PEOPLE.anna.name });
    expect(await s.store.getCounts(TEAMS_TENANT, mine, 'f01')).toMatchObject({ partly: 1 });
  });

  it('removed from the last team, the whole tenant is forgotten: rounds, names and references', async () => {
    const { mine, theirs } = await twoTeams();
    await post(removal(TEAMS_TEAM));
    await post(removal(OTHER_TEAM));
    // The first removal forgets one team's channels; the last one, with no install left, the whole tenant.
    expect((await s.store.listJobs(TEAMS_TENANT, TENANT_JOBS)).map((j) => j.payload.key).sort()).toEqual([WHOLE_TENANT, `team:${TEAMS_TEAM}`].sort());
    s.clock.advanceDays(GRACE_DAYS + 1);
    await s.app.scheduler.drain();
    expect(await s.store.getRound(TEAMS_TENANT, mine)).toBeNull();
    expect(await s.store.getRound(TEAMS_TENANT, theirs)).toBeNull();
    const stored = await everythingStored(s.store);
    for (const trace of [TEAMS_TENANT, PEOPLE.anna.id, PEOPLE.anna.name, PEOPLE.cora.name]) expect(stored.text, trace).not.toContain(trace);
  });
});
