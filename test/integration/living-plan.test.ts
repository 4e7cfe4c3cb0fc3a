// The living action plan (issue #17, section 1) through the one command router every platform uses, over real Redis:
// in Swedish and English, as typed in Slack, Teams and the playground. One plan per channel that outlives its rounds,
// goals largest gap first, actions added, edited, moved, noted on, completed and removed; refusals that store nothing;
// a plan started from the toolkit before any round; chat pages that never cut a word; the plan in every report format;
// and an action-plan round that differs from an internal evaluation in what its close does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRouter } from '../../src/commands/router.js';
import type { CommandContext, CommandReply } from '../../src/commands/types.js';
import type { Locale } from '../../src/content/schema.js';
import { t } from '../../src/core/i18n.js';
import type { Platform } from '../../src/core/model.js';
import { PLAN_PAGE_CHARS } from '../../src/core/plan-text.js';
import { exportRound } from '../../src/reports/export.js';
import { storedPlan } from '../helpers/plan.js';
import { COORD, MEMBERS, dropPrefix, makeService, redisStore, settings } from '../helpers/world.js';
import type { RedisStore } from '../../src/store/index.js';

let store: RedisStore;

beforeAll(async () => {
  store = await redisStore();
});

afterAll(async () => {
  await dropPrefix(store);
  await store.close();
});

const NAMES: Record<string, string> = { U_CORA: 'Cora', U_ANNA: 'Anna', U_BO: 'Bo', U_CECILIA: 'Cecilia', U_DAVID: 'David' };

/** How each platform's people write a mention of Anna. */
const ANNA: Record<Platform, string> = { slack: '<@U_ANNA|anna>', teams: 'Anna', playground: '@U_ANNA' };

function world(platform: Platform, locale: Locale, tenant: string) {
  const { service, clock } = makeService(store);
  const router = new CommandRouter({
    service,
    scheduler: { tick: async () => 0 },
    delivery: { remindNow: async () => 0, sendReminders: async () => 0, digest: async () => undefined } as never,
    reportLinks: { url: () => 'https://example.test/report' },
    privacyLinks: { url: () => 'https://example.test/privacy' },
  });
  const channelId = `C_${platform}_${locale}`;
  const ctx = (id: string): CommandContext => ({ tenant, platform, channelId, actor: { id, name: NAMES[id] ?? id }, locale, timezone: 'Europe/Stockholm' });
  const say = async (who: string, text: string): Promise<string> => {
    const reply: CommandReply = await router.run(ctx(who), text);
    expect(reply.type).toBe('text');
    return reply.type === 'text' ? reply.text : '';
  };
  /** A round in this channel, closed with these votes per factor (level per member, in MEMBERS order). */
  const closedRound = async (votes: Record<string, ('in-place' | 'partly' | 'not-in-place')[]>, mode: 'internal-evaluation' | 'action-plan' = 'internal-evaluation') => {
    const round = await service.startRound({ tenant, platform, settings: settings({ locale, channelId, mode }), actor: COORD, names: NAMES });
    for (const [factorId, levels] of Object.entries(votes)) {
      for (const [i, level] of levels.entries()) {
        await service.castVote({ tenant, roundId: round.id, factorId, actor: { id: MEMBERS[i]! }, level, interactionId: `${round.id}-${factorId}-${i}` });
      }
    }
    await service.closeRound(tenant, round.id, COORD);
    return round;
  };
  return { service, clock, channelId, say, closedRound, plan: () => storedPlan(store, tenant, channelId) };
}

const words = (locale: Locale) =>
  locale === 'sv'
    ? { quick: 'snabbutdelning', long: 'längre tids arbete', refused: 'Bara samordnaren och den som är ansvarig', duplicate: 'Den åtgärden finns redan', past: 'har redan varit', noPlan: 'plan start', pageWord: 'Nästa sida', high: 'hög', due: 'datum', factor: 'faktor', owner: 'ansvarig' }
    : { quick: 'quick win', long: 'long-term', refused: 'Only the coordinator, and the owner of an action', duplicate: 'That action is already under the same goal', past: 'has already passed', noPlan: 'plan start', pageWord: 'Next page', high: 'high', due: 'due', factor: 'factor', owner: 'owner' };

describe.each([
  ['slack', 'sv'],
  ['teams', 'en'],
  ['playground', 'sv'],
  ['slack', 'en'],
  ['teams', 'sv'],
  ['playground', 'en'],
] as [Platform, Locale][])('the living action plan on %s in %s', (platform, locale) => {
  let w: ReturnType<typeof world>;
  const x = words(locale);
  beforeAll(() => {
    w = world(platform, locale, `T_${platform}_${locale}`);
  });

  it('keeps one plan per channel across rounds: a later closed round changes the goals, never the actions', async () => {
    expect(await w.say('U_ANNA', '/assess plan')).toContain(x.noPlan);
    // 03 has the largest gap (all "not true"), then 01 (partly); 02 is true, so no goal.
    await w.closedRound({ f01: ['partly', 'partly', 'in-place'], f02: ['in-place', 'in-place'], f03: ['not-in-place', 'not-in-place'] });
    const first = await w.say('U_ANNA', '/assess plan');
    expect(first.indexOf('03 ·')).toBeGreaterThan(-1);
    expect(first.indexOf('03 ·')).toBeLessThan(first.indexOf('01 ·'));
    expect(first).not.toMatch(/\*\*[^*]*02 ·/);

    const due = w.clock.now() + 20 * 86_400_000;
    const day = new Date(due).toISOString().slice(0, 10);
    expect(await w.say('U_CORA', `/assess action add 1 ${ANNA[platform]} ${day} quick ${x.high} Publicera åtagandet`)).toContain('A1');
    expect(await w.say('U_CORA', `/assess action add 3 Bo ${day} long Mångfaldsplan för ledningen`)).toContain('A2');
    // Owners resolve the same way everywhere: Anna's mention and her name name the same person.
    expect((await w.plan())!.actions.map((a) => [a.id, a.owner, a.priority, a.tag])).toEqual([
      ['A1', 'U_ANNA', 'high', 'quick-win'],
      ['A2', 'U_BO', 'medium', 'long-term'],
    ]);

    w.clock.advance(7 * 86_400_000);
    // A second round closes with 01 now true: 01 stops being a goal, but its action stays in the plan.
    await w.closedRound({ f01: ['in-place', 'in-place'], f03: ['partly', 'not-in-place'] });
    const second = await w.say('U_BO', '/assess plan');
    expect(second).toContain('A1 · Publicera åtagandet');
    expect(second).toContain('A2 · Mångfaldsplan för ledningen');
    expect(second).toContain(t(locale, 'modes.plan.otherActions'));
    expect(second).toContain(x.quick);
    expect(second).toContain(x.long);
    expect((await w.plan())!.roundIds).toHaveLength(2);
  });

  it('edits, moves, notes and removes actions; refuses duplicates and past dates with their own messages', async () => {
    const later = new Date(w.clock.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    expect(await w.say('U_CORA', `/assess action edit A2 ${x.due} ${later}`)).toContain('A2');
    expect(await w.say('U_CORA', `/assess action edit A2 ${x.owner} ${ANNA[platform]}`)).toContain('A2');
    expect(await w.say('U_CORA', `/assess action add 3 Bo ${later} long mångfaldsplan  för ledningen`)).toContain(x.duplicate);
    expect(await w.say('U_CORA', '/assess action add 3 Bo 2020-01-01 long Något nytt')).toContain(x.past);
    // A2's owner notes progress: it is in progress now.
    expect(await w.say('U_ANNA', '/assess action note A2 Utkastet är klart')).toContain(t(locale, 'modes.plan.statusName.in-progress'));
    const plan = (await w.plan())!;
    expect(plan.actions.find((a) => a.id === 'A2')).toMatchObject({ due: later, owner: 'U_ANNA', status: 'in-progress', notes: [{ text: 'Utkastet är klart', by: 'U_ANNA' }] });
    // Moving an action to another goal: only to a factor that is a goal.
    expect(await w.say('U_CORA', `/assess action edit A1 ${x.factor} 2`)).toContain(locale === 'sv' ? 'är inget mål' : 'is not a goal');
    expect(await w.say('U_CORA', `/assess action edit A1 ${x.factor} 3`)).toContain('03 ·');
    expect((await w.plan())!.actions.find((a) => a.id === 'A1')!.factorId).toBe('f03');
    expect(await w.say('U_CORA', '/assess action remove A1')).toContain('A1');
    expect((await w.plan())!.actions.map((a) => a.id)).toEqual(['A2']);
    // Ids are never reused after a removal.
    const next = new Date(w.clock.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    expect(await w.say('U_CORA', `/assess action add 03 me ${next} quick Ett nytt steg`)).toContain('A3');
  });

  it('lets only the coordinators change the plan, and an owner complete or note their own action; a refusal stores nothing', async () => {
    const before = JSON.stringify(await w.plan());
    const day = new Date(w.clock.now() + 9 * 86_400_000).toISOString().slice(0, 10);
    for (const attempt of [
      `/assess action add 3 me ${day} quick Bo försöker`,
      '/assess action edit A2 text Bo skriver om',
      '/assess action remove A2',
      '/assess action done A2',
      '/assess action note A2 Bo skriver en anteckning',
    ]) {
      expect(await w.say('U_BO', attempt)).toContain(x.refused);
    }
    // The owner may not edit or remove, only note and complete.
    expect(await w.say('U_ANNA', '/assess action remove A2')).toContain(x.refused);
    expect(JSON.stringify(await w.plan())).toBe(before);
    expect(await w.say('U_ANNA', '/assess action done A2')).toContain('A2');
    expect((await w.plan())!.actions.find((a) => a.id === 'A2')).toMatchObject({ status: 'done', doneBy: 'U_ANNA' });
  });

  it('shows the plan in every report format', async () => {
    const round = (await w.service.channelRounds(`T_${platform}_${locale}`, w.channelId)).at(-1)!;
    const state = await w.service.state(round.tenant, round.id);
    const plan = await w.service.channelPlan(round.tenant, w.channelId);
    for (const format of ['html', 'md', 'csv', 'json'] as const) {
      const body = String((await exportRound(state, null, format, { now: w.clock.now(), plan, chart: false })).body);
      expect(body, format).toContain('Mångfaldsplan för ledningen');
      expect(body, format).toContain('Ett nytt steg');
      expect(body, format).toContain(format === 'json' ? 'Utkastet är klart' : 'Utkastet är klart');
    }
  });
});

describe.each([
  ['slack', 'sv'],
  ['teams', 'en'],
  ['playground', 'sv'],
] as [Platform, Locale][])('a plan from the toolkit, chat pages and the way of working on %s in %s', (platform, locale) => {
  let w: ReturnType<typeof world>;
  const x = words(locale);
  beforeAll(() => {
    w = world(platform, locale, `T2_${platform}_${locale}`);
  });

  it('starts from the toolkit itself before any round: every key factor a goal, in pages that never cut a word', async () => {
    const started = await w.say('U_CORA', '/assess plan start');
    expect(started).toContain(t(locale, 'modes.plan.titleToolkit'));
    expect(await w.say('U_CORA', '/assess plan start')).toContain(t(locale, 'errors.PLAN_EXISTS'));
    const plan = (await w.plan())!;
    expect(plan.goals).toHaveLength(13);
    expect(plan.coordinators).toEqual(['U_CORA']);
    // Thirteen goals with their guiding questions do not fit one message: the plan pages.
    const pages: string[] = [await w.say('U_ANNA', '/assess plan')];
    while (pages.at(-1)!.includes(x.pageWord)) pages.push(await w.say('U_ANNA', `/assess plan ${pages.length + 1}`));
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(PLAN_PAGE_CHARS);
    // Together the pages hold every word of the plan, none cut: each guiding question appears whole.
    const all = pages.join('\n');
    const pack = w.service.packs.get(plan.packId, plan.locale);
    for (const k of pack.keyFactors) expect(all).toContain(k.questions[0]!.text);
    expect(all).not.toContain('…');
    // Anyone but the one who started it (the coordinator) is refused.
    expect(await w.say('U_ANNA', `/assess action add 5 me ${new Date(w.clock.now() + 86_400_000 * 3).toISOString().slice(0, 10)} quick Något`)).toContain(x.refused);
  });

  it('an action-plan round opens the plan from its gaps at its close; an internal evaluation\'s close leaves it be', async () => {
    const internal = world(platform, locale, `T3_${platform}_${locale}`);
    await internal.closedRound({ f03: ['not-in-place', 'not-in-place'] });
    expect(await internal.plan()).toBeNull(); // nothing until someone opens it
    const digest = await internal.service.digestInputs((await internal.service.channelRounds(`T3_${platform}_${locale}`, internal.channelId))[0]!);
    expect(digest.plan).toBeNull();

    const planned = world(platform, locale, `T4_${platform}_${locale}`);
    const round = await planned.closedRound({ f03: ['not-in-place', 'not-in-place'], f05: ['partly', 'partly'] }, 'action-plan');
    const plan = (await planned.plan())!;
    expect(plan.goals.map((g) => g.factorId)).toEqual(['f03', 'f05']);
    const inputs = await planned.service.digestInputs(round);
    expect(inputs.plan?.roundIds).toEqual([round.id]);
    expect(inputs.dueSoonAt).toBeDefined();
  });
});
