// A privacy review's findings: participants of an anonymous round only grow, the channel's plan cannot be squatted,
// a named round's report link reaches only its coordinator (and managers), and `review validate` checks its
// coordinator inside the write. Each refusal is shown to store nothing (every key under the Redis prefix, by digest).
import nock from 'nock';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRouter } from '../../src/commands/router.js';
import type { CommandContext, CommandReply } from '../../src/commands/types.js';
import { t } from '../../src/core/i18n.js';
import type { Round } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import type { RedisStore } from '../../src/store/index.js';
import { CHANNEL as TEAMS_CHANNEL, PEOPLE as TEAMS_PEOPLE, TENANT as TEAMS_TENANT, channelMessage } from '../fixtures/teams/activities.js';
import { fakeConnector, startApp, type Harness } from '../fixtures/teams/harness.js';
import { COORD, MEMBERS, dropPrefix, errorCode, makeService, redisStore, settings } from '../helpers/world.js';
import { prefixContents } from './harness.js';

const T = 'T_PRIV_REVIEW';
const NAMES: Record<string, string> = { U_CORA: 'Cora', U_ANNA: 'Anna', U_BO: 'Bo', U_CECILIA: 'Cecilia', U_DAVID: 'David' };

function routerFor(service: ReturnType<typeof makeService>['service']): CommandRouter {
  return new CommandRouter({
    service,
    scheduler: { tick: async () => 0 },
    delivery: { remindNow: async () => 0, sendReminders: async () => 0, digest: async () => undefined } as never,
    reportLinks: { url: (tenant: string, roundId: string) => `https://assess.example/reports/${tenant}/${roundId}/sig` },
    privacyLinks: { url: () => 'https://assess.example/privacy' },
  });
}

function sayer(router: CommandRouter, channelId: string, locale: 'sv' | 'en' = 'sv') {
  return (id: string, text: string): Promise<CommandReply> => {
    const ctx: CommandContext = { tenant: T, platform: 'slack', channelId, actor: { id, name: NAMES[id] }, locale, timezone: 'Europe/Stockholm' };
    return router.run(ctx, text);
  };
}

const textOf = (r: CommandReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);

describe('privacy review', () => {
  let store: RedisStore;

  beforeAll(async () => {
    store = await redisStore();
  });

  afterAll(async () => {
    await dropPrefix(store);
    await store.close();
  });

  it('an anonymous round: nobody is removed from the participants (pending would show whether they voted); adding works', async () => {
    const { service } = makeService(store);
    const router = routerFor(service);
    for (const locale of ['sv', 'en'] as const) {
      const channelId = `C_ANON_${locale}`;
      const say = sayer(router, channelId, locale);
      const round = await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId, locale, anonymous: true }), actor: COORD, names: NAMES });
      await service.castVote({ tenant: T, roundId: round.id, factorId: 'f01', actor: { id: 'U_ANNA' }, level: 'in-place', interactionId: `anon-${locale}` });
      const before = await prefixContents(store);
      const word = locale === 'sv' ? 'deltagare ta bort' : 'participants remove';
      expect(textOf(await say('U_CORA', `/assess ${word} U_ANNA`))).toBe(t(locale, 'errors.ANONYMOUS_PARTICIPANT_REMOVE'));
      expect(textOf(await say('U_CORA', `/assess ${word} U_BO`))).toBe(t(locale, 'errors.ANONYMOUS_PARTICIPANT_REMOVE'));
      expect(await prefixContents(store)).toEqual(before);
      // The service refuses it too, whoever calls it.
      expect(await errorCode(service.changeParticipants(T, round.id, COORD, { remove: ['U_BO'] }))).toBe('ANONYMOUS_PARTICIPANT_REMOVE');
      expect(await prefixContents(store)).toEqual(before);
      // Adding is allowed: only participants vote, so someone added has not voted, and the count moves by one.
      const added = await service.changeParticipants(T, round.id, COORD, { add: ['U_NEW'] });
      expect(added.added).toEqual(['U_NEW']);
      expect(added.round.participants).toEqual([...round.participants, 'U_NEW']);
    }
    expect(t('sv', 'errors.ANONYMOUS_PARTICIPANT_REMOVE')).toContain('anonym');
    expect(t('en', 'errors.ANONYMOUS_PARTICIPANT_REMOVE')).toContain('anonymous');
    // A named round still lets the coordinator remove someone.
    const named = await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId: 'C_NAMED_REMOVE' }), actor: COORD, names: NAMES });
    expect((await service.changeParticipants(T, named.id, COORD, { remove: ['U_BO'] })).removed).toEqual(['U_BO']);
  });

  it('a plan started from the toolkit in an empty channel passes to the coordinators of the first round there', async () => {
    const { service, clock } = makeService(store);
    const router = routerFor(service);
    const channelId = 'C_PLAN_SQUAT';
    const say = sayer(router, channelId);
    const due = DateTime.fromMillis(clock.now()).plus({ days: 20 }).toISODate()!;
    // Bo, in a channel with no round, starts the plan and may change it; Anna may not, and her refusal stores nothing.
    await service.startPlan({ tenant: T, platform: 'slack', channelId, actor: { id: 'U_BO', name: 'Bo' }, locale: 'sv', timezone: 'Europe/Stockholm' });
    expect(textOf(await say('U_BO', `/assess action add 3 me ${due} quick Bo's first step`))).not.toContain(t('sv', 'errors.NOT_PLAN_EDITOR', { coordinator: 'Bo' }));
    const before = await prefixContents(store);
    expect(textOf(await say('U_ANNA', `/assess action add 3 me ${due} quick Anna's step`))).toBe(t('sv', 'errors.NOT_PLAN_EDITOR', { coordinator: 'Bo' }));
    expect(await prefixContents(store)).toEqual(before);
    // Cora starts the channel's first round: the plan is hers (and any coordinator's of the channel's rounds) now, and
    // Bo's claim ends; his refusal stores nothing.
    await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId }), actor: COORD, names: NAMES });
    expect(textOf(await say('U_CORA', `/assess action add 4 me ${due} long Cora's step`))).not.toContain('Cora.');
    const plan = await service.requirePlan(T, channelId);
    expect(plan.actions.map((a) => a.text)).toEqual(["Bo's first step", "Cora's step"]);
    const after = await prefixContents(store);
    expect(textOf(await say('U_BO', '/assess action remove A1'))).toBe(t('sv', 'errors.NOT_PLAN_EDITOR', { coordinator: 'Cora' }));
    expect(await prefixContents(store)).toEqual(after);
    // A second `plan start` is refused whoever asks.
    expect(await errorCode(service.startPlan({ tenant: T, platform: 'slack', channelId, actor: COORD, locale: 'sv', timezone: 'Europe/Stockholm' }))).toBe('PLAN_EXISTS');
  });

  it("`export` of a named round: refused to members (nothing stored), the link only to the coordinator, privately", async () => {
    const { service } = makeService(store);
    const router = routerFor(service);
    for (const locale of ['sv', 'en'] as const) {
      const channelId = `C_EXPORT_${locale}`;
      const say = sayer(router, channelId, locale);
      const round = await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId, locale }), actor: COORD, names: NAMES });
      const before = await prefixContents(store);
      const refused = await say('U_ANNA', '/assess export');
      expect(refused).toEqual({ type: 'text', text: t(locale, 'errors.EXPORT_NAMED_ROUND', { coordinator: 'Cora' }), visibility: 'ephemeral' });
      expect(textOf(refused)).not.toContain('https://');
      expect(await prefixContents(store)).toEqual(before);
      const granted = await say('U_CORA', '/assess export');
      expect(granted).toMatchObject({ type: 'text', visibility: 'ephemeral', privateTo: { id: round.id } });
      expect(textOf(granted)).toContain(`https://assess.example/reports/${T}/${round.id}/`);
      // A manager gets it too: the round sends them the report at its close anyway.
      expect(textOf(await say('U_MANAGER', '/assess export'))).toContain('https://assess.example/reports/');
    }
    // An anonymous round's report names nobody: any member may have the link, in the conversation.
    const anon = await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId: 'C_EXPORT_ANON', anonymous: true }), actor: COORD, names: NAMES });
    const reply = await sayer(router, 'C_EXPORT_ANON')('U_ANNA', '/assess export');
    expect(textOf(reply)).toContain(`/reports/${T}/${anon.id}/`);
    expect(reply).not.toHaveProperty('privateTo');
  });

  it('`review validate` checks the coordinator inside the write: a coordinator changed meanwhile wins, and nothing is stored', async () => {
    // The store lets another writer in just before the validation's write: the round's coordinator is replaced.
    let raced = false;
    const racing: Store = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'updateRound') {
          return async (tenant: string, roundId: string, mutate: (r: Round) => Round) => {
            if (!raced) {
              raced = true;
              await target.updateRound(tenant, roundId, (r) => ({ ...r, coordinators: ['U_NEW_COORD'] }));
            }
            return target.updateRound(tenant, roundId, mutate);
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const { service } = makeService(store);
    const channelId = 'C_VALIDATE_RACE';
    const round = await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId }), actor: COORD, names: NAMES });
    for (const [i, id] of MEMBERS.entries()) {
      await service.castVote({ tenant: T, roundId: round.id, factorId: 'f01', actor: { id }, level: 'partly', interactionId: `val-${i}` });
    }
    await service.closeRound(T, round.id, COORD);
    const { service: racingService } = makeService(racing);
    const before = await store.getRound(T, round.id);
    const jobs = (await store.listJobs(T, round.id)).map((j) => j.id).sort();
    expect(await errorCode(racingService.validateClosedRound(T, channelId, COORD, { reviewers: ['U_PEER'] }))).toBe('NOT_COORDINATOR');
    expect(raced).toBe(true);
    const after = await store.getRound(T, round.id);
    // Only the other writer's change is there: still closed, still an internal evaluation, no reviewers, no new jobs.
    expect(after).toMatchObject({ status: 'closed', mode: 'internal-evaluation', reviewers: [], coordinators: ['U_NEW_COORD'] });
    expect({ ...after, coordinators: before!.coordinators }).toEqual(before);
    expect((await store.listJobs(T, round.id)).map((j) => j.id).sort()).toEqual(jobs);
    expect(await store.activeRoundForChannel(T, channelId)).toBeNull();
  });
});

describe('Teams: a named round\'s report link goes to the coordinator\'s 1:1 chat, never into the channel', () => {
  let h: Harness;
  // One fake Bot Connector for the file: its nock scope persists, so a second one would never see a call.
  let c: ReturnType<typeof fakeConnector>;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
    h = await startApp();
    c = fakeConnector();
  });

  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await dropPrefix(h.store);
    await h.app.close();
  });

  it('a member is refused in the channel (nothing stored); the coordinator gets the link in her 1:1 chat', async () => {
    const today = DateTime.fromMillis(h.clock.now(), { zone: 'Europe/Stockholm' });
    const round = await h.app.service.startRound({
      tenant: TEAMS_TENANT,
      platform: 'teams',
      actor: { id: TEAMS_PEOPLE.cora.id, name: 'Cora Lindqvist' },
      settings: {
        packId: 'integrating-cities-diversity', locale: 'en', mode: 'internal-evaluation', channelId: TEAMS_CHANNEL,
        participants: [TEAMS_PEOPLE.cora.id, TEAMS_PEOPLE.anna.id], managers: [], pacing: 'all-at-once',
        startDate: today.toISODate()!, closeDate: today.plus({ weeks: 3 }).toISODate()!, timezone: 'Europe/Stockholm',
      },
    });
    const inChannel = () => c.posts(`${TEAMS_CHANNEL};messageid=`);
    // Both have written in the channel before (their references are saved), so what follows changes nothing else.
    await h.post(channelMessage(TEAMS_PEOPLE.anna, 'assess help'));
    await h.post(channelMessage(TEAMS_PEOPLE.cora, 'assess help'));
    const before = await prefixContents(h.store);
    await h.post(channelMessage(TEAMS_PEOPLE.anna, 'assess export'));
    expect(String(inChannel().at(-1)!.body.text)).toBe(t('en', 'errors.EXPORT_NAMED_ROUND', { coordinator: 'Cora Lindqvist' }));
    expect(await prefixContents(h.store)).toEqual(before);

    c.clear();
    await h.post(channelMessage(TEAMS_PEOPLE.cora, 'assess export'));
    const channelTexts = inChannel().map((p) => JSON.stringify(p.body));
    expect(channelTexts).toHaveLength(1);
    expect(String(inChannel()[0]!.body.text)).toBe(t('en', 'teams.sentPrivately'));
    expect(channelTexts.join('\n')).not.toContain('/reports/');
    const private1on1 = c.posts('/activities').filter((p) => !p.path.includes(TEAMS_CHANNEL));
    expect(private1on1).toHaveLength(1);
    expect(String(private1on1[0]!.body.text)).toContain(`/reports/`);
    expect(String(private1on1[0]!.body.text)).toContain(encodeURIComponent(round.id).slice(0, 8));
    await h.app.service.closeRound(TEAMS_TENANT, round.id, { id: TEAMS_PEOPLE.cora.id });
  });

  it('an anonymous round refuses removing a participant in the channel, and stores nothing', async () => {
    const today = DateTime.fromMillis(h.clock.now(), { zone: 'Europe/Stockholm' });
    const round = await h.app.service.startRound({
      tenant: TEAMS_TENANT,
      platform: 'teams',
      actor: { id: TEAMS_PEOPLE.cora.id, name: 'Cora Lindqvist' },
      settings: {
        packId: 'integrating-cities-diversity', locale: 'en', mode: 'internal-evaluation', channelId: TEAMS_CHANNEL, anonymous: true,
        participants: [TEAMS_PEOPLE.cora.id, TEAMS_PEOPLE.anna.id, TEAMS_PEOPLE.bo.id], managers: [], pacing: 'all-at-once',
        startDate: today.toISODate()!, closeDate: today.plus({ weeks: 3 }).toISODate()!, timezone: 'Europe/Stockholm',
      },
    });
    await h.app.service.castVote({ tenant: TEAMS_TENANT, roundId: round.id, factorId: 'f01', actor: { id: TEAMS_PEOPLE.anna.id }, level: 'partly', interactionId: 'teams-anon-1' });
    await h.post(channelMessage(TEAMS_PEOPLE.cora, 'assess pending'));
    const before = await prefixContents(h.store);
    await h.post(channelMessage(TEAMS_PEOPLE.cora, `assess participants remove ${TEAMS_PEOPLE.anna.id}`));
    expect(String(c.posts(`${TEAMS_CHANNEL};messageid=`).at(-1)!.body.text)).toBe(t('en', 'errors.ANONYMOUS_PARTICIPANT_REMOVE'));
    expect(await prefixContents(h.store)).toEqual(before);
    expect((await h.store.getRound(TEAMS_TENANT, round.id))!.participants).toContain(TEAMS_PEOPLE.anna.id);
  });
});
