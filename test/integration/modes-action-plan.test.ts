// Action plans (handlingsplan) on the playground's HTTP API and real Redis: goals from a closed round, actions with
// owner, due date and tag, one reminder from the durable scheduler, marking done, and the plan in the next round's digest.
// The plan is the channel's (core/plan-model.ts): only its coordinators change it; an owner notes progress and marks done.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelPlanSchema, PLAN_COLLECTION, planRecordId, type ChannelPlan } from '../../src/core/plan-model.js';
import { PlaygroundApi } from '../helpers/playground-api.js';

let pg: PlaygroundApi;
let roundId: string;

beforeAll(async () => {
  pg = await PlaygroundApi.open();
});

afterAll(async () => {
  await pg.close();
});

/** A date `days` from the simulated now, in the playground's timezone. */
function inDays(days: number): string {
  return DateTime.fromMillis(pg.clock.now(), { zone: 'Europe/Stockholm' }).plus({ days }).toISODate()!;
}

/** The channel's plan as stored (one record per channel, core/plan-model.ts). */
async function channelPlan(): Promise<ChannelPlan | null> {
  const rec = await pg.store.getRecord(PLAN_COLLECTION, planRecordId('playground', (await pg.store.getRound('playground', roundId))!.channel.id));
  return rec ? ChannelPlanSchema.parse(rec) : null;
}

async function actionReminders(as: string): Promise<string[]> {
  const msgs = await pg.messages(as);
  return msgs
    .filter((m) => m.type === 'text' && m.audience === as && JSON.stringify(m.card).includes('i handlingsplanen väntar på dig'))
    .map((m) => JSON.stringify(m.card));
}

describe('action plan on the playground', () => {
  it('turns every factor not in place, or only partly, of a closed round into a goal', async () => {
    ({ roundId } = await pg.start('u-cora', { pacing: 'all-at-once', mode: 'action-plan', title: 'Handlingsplan 2026' }));
    const votes: [string, string, string][] = [
      ['u-anna', 'f01', 'partly'],
      ['u-bo', 'f01', 'partly'],
      ['u-cecilia', 'f01', 'in-place'],
      ['u-anna', 'f02', 'in-place'],
      ['u-bo', 'f02', 'in-place'],
      ['u-anna', 'f03', 'not-in-place'],
      ['u-bo', 'f03', 'not-in-place'],
    ];
    for (const [who, f, level] of votes) expect((await pg.vote(who, roundId, f, level)).ok).toBe(true);

    // No plan before the round has closed.
    expect(await pg.reply('u-anna', '/assess plan')).toContain('Det finns ingen avslutad omgång');
    await pg.command('u-cora', '/assess close confirm');

    const plan = await pg.reply('u-anna', '/assess plan');
    expect(plan).toContain('**Mål: 01 · Offentliga åtaganden** (nu: Stämmer delvis)');
    expect(plan).toContain('**Mål: 03 · Ledning och styrning** (nu: Stämmer inte)');
    expect(plan).not.toContain('Mål: 02 · Strategi'); // in place: no goal
    expect(plan).not.toContain('Mål: 04'); // no votes: no result, no goal
    // Guided by the factor's questions and examples.
    expect(plan).toContain('Finns det ett offentligt uttalande om kommunens åtagande för mångfald?');
    expect(plan).toMatch(/Exempel från andra städer: .+/);
  });

  it('adds actions with owner, due date and tag, and refuses what does not fit, in the person\'s language', async () => {
    // A team member who is not the coordinator is refused, and nothing is stored.
    expect(await pg.reply('u-anna', `/assess action add 1 me ${inDays(5)} quick Publicera åtagandet på webben`)).toContain('Bara samordnaren och den som är ansvarig för åtgärden kan ändra i handlingsplanen. Fråga Cora.');
    expect(await channelPlan()).toMatchObject({ actions: [] });
    const added = await pg.reply('u-cora', `/assess action add 1 Anna ${inDays(5)} quick Publicera åtagandet på webben`);
    expect(added).toContain(`Åtgärd A1 under 01 · Offentliga åtaganden: ansvarig Anna, senast ${inDays(5)}`);
    expect(await pg.reply('u-cora', `/assess action add 03 u-bo ${inDays(200)} long Ta fram en mångfaldsplan för ledningen`)).toContain('Åtgärd A2 under 03 · Ledning och styrning: ansvarig Bo');
    expect(await pg.reply('u-cora', `/assess action add 1 Cecilia ${inDays(30)} snabb Ta upp åtagandet på APT`)).toContain('Åtgärd A3');

    expect(await pg.reply('u-cora', `/assess action add 2 me ${inDays(5)} quick Något`)).toContain('02 Strategi är inget mål i handlingsplanen');
    expect(await pg.reply('u-cora', '/assess action add 1 me 2027-02-30 quick Något')).toContain('Datumet 2027-02-30 stämmer inte');
    // A past date is a real date: it gets its own message, not "write it as YYYY-MM-DD".
    const past = await pg.reply('u-cora', `/assess action add 1 me ${inDays(-3)} quick Något`);
    expect(past).toContain(`${inDays(-3)} har redan varit. Välj ett datum från och med i dag (${inDays(0)}).`);
    expect(past).not.toContain('ÅÅÅÅ-MM-DD');
    expect(await pg.reply('u-cora', `/assess action add 1 u-nobody ${inDays(5)} quick Något`)).toContain('Jag känner inte igen u-nobody');
    expect(await pg.reply('u-cora', `/assess action add 1 me ${inDays(5)} someday Något`)).toContain('"someday" är ingen typ av åtgärd');
    expect(await pg.reply('u-maja', `/assess action add 1 me ${inDays(5)} quick Något`)).toContain('Bara samordnaren och den som är ansvarig för åtgärden kan ändra i handlingsplanen. Fråga Cora.');
    expect(await pg.reply('u-cora', '/assess action add 1')).toContain('Så här: `/assess action add <faktor>');
    // The same action twice under the same goal is refused, whatever the case and spacing.
    expect(await pg.reply('u-cora', `/assess action add 1 Bo ${inDays(9)} long publicera  åtagandet på webben`)).toContain('Den åtgärden finns redan under samma mål: A1.');

    const plan = (await channelPlan())!;
    expect(plan.actions.map((a) => [a.id, a.factorId, a.owner, a.tag, a.status])).toEqual([
      ['A1', 'f01', 'u-anna', 'quick-win', 'open'],
      ['A2', 'f03', 'u-bo', 'long-term', 'open'],
      ['A3', 'f01', 'u-cecilia', 'quick-win', 'open'],
    ]);
    const jobs = (await pg.store.listJobs('playground', roundId)).filter((j) => j.kind === 'action-reminder');
    expect(jobs.map((j) => j.payload.actionId).sort()).toEqual(['A1', 'A2', 'A3']);

    const text = await pg.reply('u-bo', '/assess plan');
    expect(text).toContain('3 åtgärder · 0 klara · 2 med snabbutdelning · 1 längre tids arbete');
    expect(text).toContain('A2 · Ta fram en mångfaldsplan för ledningen – Bo');
  });

  it('reminds the owner once, from the durable scheduler, before the due date; done actions get none', async () => {
    // Cecilia finishes A3 before its reminder is due: its job goes, and she never hears about it.
    expect(await pg.reply('u-cecilia', '/assess action done A3')).toContain('Bra jobbat! A3 är klar');
    expect((await pg.store.listJobs('playground', roundId)).some((j) => j.payload.actionId === 'A3')).toBe(false);

    expect(await actionReminders('u-anna')).toHaveLength(0);
    await pg.advance('day', 4); // A1 is due in five days; the round reminds two days before, at 09:00
    const reminders = await actionReminders('u-anna');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toContain('En åtgärd i handlingsplanen väntar på dig: 01 · Offentliga åtaganden: A1 · Publicera åtagandet på webben');
    await pg.advance('day', 3);
    expect(await actionReminders('u-anna')).toHaveLength(1); // once, not again on the due date
    expect(await actionReminders('u-bo')).toHaveLength(0); // A2 is months away
    expect(await actionReminders('u-cecilia')).toHaveLength(0);

    // Only the owner or the coordinator ticks it off: Bo is refused, and A1 stays open.
    expect(await pg.reply('u-bo', '/assess action done A1')).toContain('Bara samordnaren och den som är ansvarig');
    expect((await channelPlan())!.actions.find((a) => a.id === 'A1')!.status).toBe('open');
    expect(await pg.reply('u-anna', '/assess action done A1')).toContain('Bra jobbat! A1 är klar');
    expect(await pg.reply('u-maja', '/assess action done A2')).toContain('Bara samordnaren');
    expect(await pg.reply('u-anna', '/assess action done A9')).toContain('Jag hittar ingen åtgärd A9');
    const plan = await pg.reply('u-anna', '/assess plan');
    expect(plan).toContain('✓ A1 · Publicera åtagandet på webben – Anna · snabbutdelning · klar');
    expect(plan).toContain('3 åtgärder · 2 klara');
  });

  it('the next round\'s digest shows the plan\'s progress', async () => {
    await pg.start('u-cora', { pacing: 'all-at-once', mode: 'internal-evaluation' }, '/assess start again');
    const status = await pg.reply('u-cora', '/assess status');
    expect(status).toContain('Handlingsplanen från förra omgången');
    expect(status).toContain('3 åtgärder · 2 klara · 2 med snabbutdelning · 1 längre tids arbete');
    expect(status).toContain('03 · Ledning och styrning: A2 · Ta fram en mångfaldsplan för ledningen – Bo');
    expect(status).toContain('01 · Offentliga åtaganden: ✓ A1 · Publicera åtagandet på webben – Anna · snabbutdelning · klar');
    // Open actions come first.
    expect(status.indexOf('A2 ·')).toBeLessThan(status.indexOf('✓ A1'));
  });
});
