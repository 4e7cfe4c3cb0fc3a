// The coordinator's controls (#17, section 2) through the one command router every platform uses, as typed in Slack,
// Teams and the playground, in Swedish (the Swedish command words) and English, over real Redis: who has not voted,
// close asked first and confirmed, reopen, a new close date and participants added and removed, each with the round's
// jobs following; a member's attempt is refused and stores nothing. coordinator.test.ts drives the same through each
// platform's own transport.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRouter } from '../../src/commands/router.js';
import type { CommandReply } from '../../src/commands/types.js';
import type { Locale } from '../../src/content/schema.js';
import { t, tn } from '../../src/core/i18n.js';
import type { Platform } from '../../src/core/model.js';
import type { RedisStore } from '../../src/store/index.js';
import { COORD, dropPrefix, makeService, redisStore, settings } from '../helpers/world.js';

let store: RedisStore;

beforeAll(async () => {
  store = await redisStore();
});

afterAll(async () => {
  await dropPrefix(store);
  await store.close();
});

const NAMES: Record<string, string> = { U_CORA: 'Cora', U_ANNA: 'Anna', U_BO: 'Bo', U_CECILIA: 'Cecilia', U_DAVID: 'David' };

/** Eva, new to the round, as each platform's people name her: a Slack mention, a Teams id, a playground mention. */
const EVA: Record<Platform, { typed: string; id: string }> = {
  slack: { typed: '<@U0EVA|eva>', id: 'U0EVA' },
  teams: { typed: '29:1eva-0000', id: '29:1eva-0000' },
  playground: { typed: '@u-eva', id: 'u-eva' },
};

/** The command words in each language. */
const WORDS = {
  sv: { pending: 'väntar', close: 'stäng', confirm: 'stäng bekräfta', reopen: 'återöppna', extend: 'förläng', add: 'deltagare lägg till', remove: 'deltagare ta bort' },
  en: { pending: 'pending', close: 'close', confirm: 'close confirm', reopen: 'reopen', extend: 'extend', add: 'participants add', remove: 'participants remove' },
} as const;

/** A text up to its first placeholder: what a reply must start with, whatever the placeholders became. */
const lead = (text: string) => text.split('{')[0]!;

describe.each([
  ['slack', 'sv'],
  ['teams', 'en'],
  ['playground', 'sv'],
  ['slack', 'en'],
  ['teams', 'sv'],
  ['playground', 'en'],
] as [Platform, Locale][])('the coordinator\'s controls on %s in %s', (platform, locale) => {
  it('pending, participants, extend, close asked then confirmed, reopen, context notes; a member is refused and nothing changes', async () => {
    const { service, clock } = makeService(store);
    const tenant = `TC_${platform}_${locale}`;
    const channelId = `C_${platform}_${locale}`;
    const router = new CommandRouter({
      service,
      scheduler: { tick: async () => 0 },
      delivery: { remindNow: async () => 0, sendReminders: async () => 0, digest: async () => undefined } as never,
      reportLinks: { url: () => 'https://example.test/report' },
      privacyLinks: { url: () => 'https://example.test/privacy' },
    });
    const run = (id: string, text: string): Promise<CommandReply> => router.run({ tenant, platform, channelId, actor: { id, name: NAMES[id] ?? id }, locale, timezone: 'Europe/Stockholm' }, text);
    const say = async (id: string, text: string): Promise<string> => {
      const reply = await run(id, text);
      return reply.type === 'text' ? reply.text : JSON.stringify(reply);
    };
    const w = WORDS[locale];
    const round = await service.startRound({ tenant, platform, settings: settings({ locale, channelId }), actor: COORD, names: NAMES });
    await service.castVote({ tenant, roundId: round.id, factorId: 'f01', actor: { id: 'U_ANNA' }, level: 'partly', interactionId: `${tenant}-v1` });
    const jobs = async () => (await store.listJobs(tenant, round.id)).map((j) => `${j.kind}@${j.dueAt}`).sort();
    const refused = t(locale, 'errors.NOT_COORDINATOR', { coordinator: 'Cora' });

    // Who has not voted, by name, for the coordinator only.
    expect(await say('U_BO', `/assess ${w.pending}`)).toBe(refused);
    const pending = await say('U_CORA', `/assess ${w.pending}`);
    expect(pending).toContain(lead(tn(locale, 'coordinator.pending.named', 5, { total: 5 })));
    expect(pending).toContain('Bo (13)');
    expect(pending).toContain('Anna (12)');

    // Participants: Eva added by the platform's way of naming her, then removed; Bo may not.
    const before = await service.getRound(tenant, round.id);
    expect(await say('U_BO', `/assess ${w.add} ${EVA[platform].typed}`)).toBe(refused);
    expect((await service.getRound(tenant, round.id)).participants).toEqual(before.participants);
    expect(await say('U_CORA', `/assess ${w.add} ${EVA[platform].typed}`)).toContain(lead(tn(locale, 'coordinator.participants.added', 1)));
    expect((await service.getRound(tenant, round.id)).participants).toContain(EVA[platform].id);
    expect(await say('U_CORA', `/assess ${w.remove} ${EVA[platform].typed}`)).toContain(lead(tn(locale, 'coordinator.participants.removed', 1)));
    expect((await service.getRound(tenant, round.id)).participants).not.toContain(EVA[platform].id);

    // A new close date: the auto-close follows, twice changes nothing; Bo's attempt changes nothing.
    const newDate = DateTime.fromMillis(clock.now(), { zone: 'Europe/Stockholm' }).plus({ days: 60 }).toISODate()!;
    const jobsBefore = await jobs();
    expect(await say('U_BO', `/assess ${w.extend} ${newDate}`)).toBe(refused);
    expect(await jobs()).toEqual(jobsBefore);
    expect(await say('U_CORA', `/assess ${w.extend} ${newDate}`)).toContain(lead(t(locale, 'coordinator.extend.done')));
    const extended = await jobs();
    await say('U_CORA', `/assess ${w.extend} ${newDate}`);
    expect(await jobs()).toEqual(extended);
    const closesAt = Date.parse((await service.getRound(tenant, round.id)).calendar.closesAt);
    expect(DateTime.fromMillis(closesAt, { zone: 'Europe/Stockholm' }).toISODate()).toBe(newDate);
    expect(extended).toContain(`auto-close@${closesAt}`);

    // Close asks first (a button that sends the confirmation); only the confirmation closes.
    const asked = await run('U_CORA', `/assess ${w.close}`);
    expect(asked).toMatchObject({ type: 'text', confirm: { command: 'close confirm', label: t(locale, 'coordinator.close.button') } });
    expect((await service.getRound(tenant, round.id)).status).toBe('open');
    expect(await say('U_BO', `/assess ${w.confirm}`)).toBe(refused);
    expect((await service.getRound(tenant, round.id)).status).toBe('open');
    await say('U_CORA', `/assess ${w.confirm}`);
    expect((await service.getRound(tenant, round.id)).status).toBe('closed');

    // Reopened: open again, votes kept, the auto-close back; Bo may not.
    expect(await say('U_BO', `/assess ${w.reopen}`)).toBe(refused);
    expect((await service.getRound(tenant, round.id)).status).toBe('closed');
    expect(await say('U_CORA', `/assess ${w.reopen}`)).toContain(lead(t(locale, 'coordinator.reopened')));
    expect((await service.getRound(tenant, round.id)).status).toBe('open');
    expect((await jobs()).some((j) => j.startsWith('auto-close@'))).toBe(true);
    expect((await service.state(tenant, round.id)).tallies.find((x) => x.factorId === 'f01')!.voters).toBe(1);

    // Context factors (#17 section 5): the coordinator ties one to key factors 03 and 05; a member notes it beside.
    const ctxWord = locale === 'sv' ? 'miljö' : 'context';
    const noteWord = locale === 'sv' ? 'notera' : 'note';
    expect(await say('U_BO', `/assess ${ctxWord} national-legislation #03 Budgeten halverad`)).toBe(refused);
    expect((await service.getRound(tenant, round.id)).contextNotes).toEqual([]);
    expect(await say('U_CORA', `/assess ${ctxWord} national-legislation #03 #5 Budgeten halverad 2026`)).toContain(lead(t(locale, 'commands.contextSaved')));
    expect(await say('U_ANNA', `/assess ${ctxWord} ${noteWord} national-legislation #07 Syns i vår stadsdel`)).toContain(lead(t(locale, 'commands.contextSaved')));
    expect((await service.getRound(tenant, round.id)).contextNotes.map((n) => [n.by, n.comment, n.factorIds])).toEqual([
      ['U_CORA', 'Budgeten halverad 2026', ['f03', 'f05']],
      ['U_ANNA', 'Syns i vår stadsdel', ['f07']],
    ]);
    const listed = await say('U_BO', `/assess ${ctxWord}`);
    expect(listed).toContain(
      locale === 'sv'
        ? 'Påverkar nyckelfaktorerna 03 · Ledning och styrning, 05 · Utomkommunala aktörers engagemang, 07 · Kommunal anställning'
        : 'Bears on key factors 03 · Leadership and governance, 05 · Engaging actors outside the municipality, 07 · Municipal employment',
    );
    expect(listed).toContain('Budgeten halverad 2026 · Syns i vår stadsdel');
  });
});
