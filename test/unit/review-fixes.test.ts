// Review fixes: defects found in a security review of the coordinator, plan and context-note merges.
import { describe, expect, it } from 'vitest';
import { CommandRouter } from '../../src/commands/router.js';
import { t } from '../../src/core/i18n.js';
import { exportRound } from '../../src/reports/export.js';
import { COORD, MEMBERS, errorCode, makeService, settings } from '../helpers/world.js';

const T = 'T_REVIEW';
const NAMES: Record<string, string> = { U_CORA: 'Cora', U_ANNA: 'Annabella', U_BO: 'Bo', U_CECILIA: 'Cecilia', U_DAVID: 'David' };

describe('review fixes', () => {
  it("an anonymous round's reports hide the plan's owners, even when the plan came from a named channel", async () => {
    const { service, clock } = makeService();
    const channelId = 'C_PLAN_ANON';
    const first = await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId }), actor: COORD, names: NAMES });
    for (const [i, id] of MEMBERS.entries()) {
      await service.castVote({ tenant: T, roundId: first.id, factorId: 'f03', actor: { id }, level: 'not-in-place', interactionId: `v-${i}` });
    }
    await service.closeRound(T, first.id, COORD);
    await service.channelPlan(T, channelId);
    const due = new Date(clock.now() + 86_400_000 * 10).toISOString().slice(0, 10);
    await service.addAction({ tenant: T, channelId, actor: COORD, factor: '3', owner: 'U_ANNA', due, tag: 'quick', text: 'Ett steg framåt' });
    const plan0 = await service.channelPlan(T, channelId);
    expect(plan0!.actions[0]!.owner).toBe('U_ANNA');
    const round = await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId, anonymous: true }), actor: COORD, names: NAMES });
    expect(round.anonymous).toBe(true);
    const state = await service.state(T, round.id);
    const plan = await service.channelPlan(T, channelId);
    for (const format of ['html', 'md', 'csv', 'json'] as const) {
      const body = String((await exportRound(state, null, format, { now: clock.now(), plan, chart: false })).body);
      expect(body, format).toContain('Ett steg framåt');
      expect(body, format).not.toContain('Annabella');
      expect(body, format).not.toContain('U_ANNA');
    }
  });

  it("a coordinator's context note replaces the coordinator's note, never a member's", async () => {
    const { service } = makeService();
    const round = await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId: 'C_CTX' }), actor: COORD, names: NAMES });
    const ctxId = service.packs.get(round.packId, round.locale).contextFactors[0]!.id;
    await service.noteContext(T, round.id, { id: 'U_ANNA' }, ctxId, 'Annas syn', [], true);
    await service.noteContext(T, round.id, COORD, ctxId, 'Samordnarens syn');
    await service.noteContext(T, round.id, COORD, ctxId, 'Samordnarens nya syn');
    const notes = (await service.getRound(T, round.id)).contextNotes.map((n) => [n.by, n.comment]);
    expect(notes).toEqual([
      ['U_ANNA', 'Annas syn'],
      ['U_CORA', 'Samordnarens nya syn'],
    ]);
    // Clearing the coordinator's note leaves the member's.
    await service.noteContext(T, round.id, COORD, ctxId, '');
    expect((await service.getRound(T, round.id)).contextNotes.map((n) => n.by)).toEqual(['U_ANNA']);
  });

  it('the follow-up report (`review report`) is kept from the uninvited, as the self-assessment is', async () => {
    const { service } = makeService();
    const router = new CommandRouter({
      service,
      scheduler: { tick: async () => 0 },
      delivery: { remindNow: async () => 0, sendReminders: async () => 0, digest: async () => undefined } as never,
      reportLinks: { url: () => 'https://example.test/report' },
      privacyLinks: { url: () => 'https://example.test/privacy' },
    });
    const channelId = 'C_PEER';
    const say = (id: string, text: string) => router.run({ tenant: T, platform: 'slack', channelId, actor: { id }, locale: 'sv', timezone: 'Europe/Stockholm' }, text);
    await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId, mode: 'peer-review' }), actor: COORD, names: NAMES });
    const outsider = await say('U_OUTSIDER', '/assess review report');
    expect(outsider).toMatchObject({ type: 'text', text: t('sv', 'errors.NOT_REVIEWER') });
    expect((await say('U_ANNA', '/assess review report')).type).toBe('follow-up');
    expect((await say('U_CORA', '/assess review report')).type).toBe('follow-up');
  });

  it('an anonymous round is not reopened: its published answers would be diffed against the next close', async () => {
    const { service } = makeService();
    const round = await service.startRound({ tenant: T, platform: 'slack', settings: settings({ channelId: 'C_REOPEN', anonymous: true }), actor: COORD, names: NAMES });
    await service.closeRound(T, round.id, COORD);
    expect(await errorCode(service.reopenRound(T, round.id, COORD))).toBe('ANONYMOUS_REOPEN');
    expect((await service.getRound(T, round.id)).status).toBe('closed');
    expect(t('sv', 'errors.ANONYMOUS_REOPEN')).toContain('anonym');
    expect(t('en', 'errors.ANONYMOUS_REOPEN')).toContain('anonymous');
  });
});
