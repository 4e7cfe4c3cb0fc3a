// Peer review as the toolkit describes it (issue #17, section 4), through the one command router every platform uses,
// over real Redis, in Swedish and English: invites read names and mentions as action owners are read (nobody counted
// twice), nobody reads the self-assessment before being invited, and a note without a kind gets a sentence that says how.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRouter } from '../../src/commands/router.js';
import type { CommandReply } from '../../src/commands/types.js';
import type { Locale } from '../../src/content/schema.js';
import { t } from '../../src/core/i18n.js';
import { exportRound } from '../../src/reports/export.js';
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

const PIA: Record<Platform, string> = { slack: '<@U_PIA|pia>', teams: 'Pia', playground: '@U_PIA' };

describe.each([
  ['slack', 'sv'],
  ['teams', 'en'],
  ['playground', 'sv'],
  ['slack', 'en'],
  ['teams', 'sv'],
  ['playground', 'en'],
] as [Platform, Locale][])('the peer panel on %s in %s', (platform, locale) => {
  it('invites by name or mention without doubles, keeps the self-assessment from the uninvited, explains a note without a kind', async () => {
    const { service } = makeService(store);
    const tenant = `TP_${platform}_${locale}`;
    const channelId = `C_${platform}`;
    const router = new CommandRouter({
      service,
      scheduler: { tick: async () => 0 },
      delivery: { remindNow: async () => 0, sendReminders: async () => 0, digest: async () => undefined } as never,
      reportLinks: { url: () => 'https://example.test/report' },
      privacyLinks: { url: () => 'https://example.test/privacy' },
    });
    const say = async (id: string, text: string): Promise<string> => {
      const reply: CommandReply = await router.run({ tenant, platform, channelId, actor: { id }, locale, timezone: 'Europe/Stockholm' }, text);
      return reply.type === 'text' ? reply.text : JSON.stringify(reply);
    };
    // Pia is known to the channel by name (she was a manager in the round's settings, as a guest from another city).
    const round = await service.startRound({
      tenant,
      platform,
      settings: settings({ locale, channelId, mode: 'peer-review', managers: ['U_PIA'] }),
      actor: COORD,
      names: { U_PIA: 'Pia', U_CORA: 'Cora' },
    });

    // Before the invitation Pia cannot read the team's self-assessment; the team can.
    expect(await say('U_PIA', '/assess review show')).toBe(t(locale, 'errors.NOT_REVIEWER'));
    expect(await say('U_ANNA', '/assess review show')).toContain(t(locale, 'modes.review.selfTitle'));

    // Her mention, her id and her name are one person: one reviewer, not three.
    expect(await say('U_CORA', `/assess review invite ${PIA[platform]} U_PIA Pia`)).toContain(t(locale, 'modes.review.invited.one', { count: 1, panel: 1 }));
    expect((await service.getRound(tenant, round.id)).reviewers).toEqual(['U_PIA']);
    expect(await say('U_CORA', '/assess review invite pia')).toContain(t(locale, 'modes.review.invited.one', { count: 1, panel: 1 }));
    expect((await service.getRound(tenant, round.id)).reviewers).toEqual(['U_PIA']);
    expect(await say('U_PIA', '/assess review show')).toContain(t(locale, 'modes.review.selfTitle'));

    // A note without its kind: a sentence in the round's language, never the raw list of enum values.
    await say('U_CORA', '/assess review');
    const noKind = await say('U_PIA', '/assess review note Samtal med HR-chefen');
    expect(noKind).toBe(t(locale, 'modes.review.noteUsage'));
    expect(noKind).not.toContain('focus-group');
    expect((await service.getRound(tenant, round.id)).reviewNotes).toEqual([]);
    expect(await say('U_PIA', `/assess review note ${locale === 'sv' ? 'intervju' : 'interview'} 3 Samtal med HR-chefen`)).toContain(t(locale, 'modes.review.noteKind.interview'));

    // The round's HTML report carries the panel's findings and recommendations (not only the follow-up report).
    await say('U_PIA', '/assess finding 3 Ledningen saknar en mångfaldsplan');
    await say('U_PIA', '/assess recommend 3 Anta en plan för ledningen');
    const html = String((await exportRound(await service.state(tenant, round.id), null, 'html', { now: Date.parse('2026-03-10T08:00:00Z'), chart: false })).body);
    expect(html).toContain('Ledningen saknar en mångfaldsplan');
    expect(html).toContain('Anta en plan för ledningen');
    expect(html).toContain(t(locale, 'modes.report.recommendations'));
  });
});

describe.each([
  ['slack', 'en'],
  ['teams', 'sv'],
  ['playground', 'en'],
] as [Platform, Locale][])('a closed internal evaluation validated by peers on %s in %s', (platform, locale) => {
  it('becomes the self-assessment the panel reviews, without the team voting again; only the coordinator may ask', async () => {
    const { service } = makeService(store);
    const tenant = `TV_${platform}_${locale}`;
    const channelId = `C_${platform}`;
    const router = new CommandRouter({
      service,
      scheduler: { tick: async () => 0 },
      delivery: { remindNow: async () => 0, sendReminders: async () => 0, digest: async () => undefined } as never,
      reportLinks: { url: () => 'https://example.test/report' },
      privacyLinks: { url: () => 'https://example.test/privacy' },
    });
    const say = async (id: string, text: string): Promise<string> => {
      const reply: CommandReply = await router.run({ tenant, platform, channelId, actor: { id }, locale, timezone: 'Europe/Stockholm' }, text);
      return reply.type === 'text' ? reply.text : JSON.stringify(reply);
    };
    const round = await service.startRound({ tenant, platform, settings: settings({ locale, channelId }), actor: COORD, names: { U_CORA: 'Cora' } });
    await service.castVote({ tenant, roundId: round.id, factorId: 'f03', actor: { id: 'U_ANNA' }, level: 'in-place', interactionId: 'v1' });
    await service.castVote({ tenant, roundId: round.id, factorId: 'f03', actor: { id: 'U_BO' }, level: 'in-place', interactionId: 'v2' });
    await service.closeRound(tenant, round.id, COORD);
    const teamCounts = (await service.state(tenant, round.id)).tallies.find((x) => x.factorId === 'f03')!.counts;

    // A team member may not turn it into a review: refused, nothing changes.
    expect(await say('U_ANNA', '/assess review validate U_PIA')).toBe(t(locale, 'errors.NOT_COORDINATOR', { coordinator: 'Cora' }));
    expect(await service.getRound(tenant, round.id)).toMatchObject({ status: 'closed', mode: 'internal-evaluation', reviewers: [] });

    expect(await say('U_CORA', '/assess review validate U_PIA')).toContain(locale === 'sv' ? 'utan att laget röstar igen' : 'without the team voting again');
    const reviewed = await service.getRound(tenant, round.id);
    expect(reviewed).toMatchObject({ status: 'open', mode: 'peer-review', reviewPhase: 'review', reviewers: ['U_PIA'] });
    // The team's votes stand as they were, locked; the panel votes beside them.
    await expect(service.castVote({ tenant, roundId: round.id, factorId: 'f03', actor: { id: 'U_ANNA' }, level: 'not-in-place', interactionId: 'v3' })).rejects.toMatchObject({ code: 'SELF_ASSESSMENT_LOCKED' });
    const peerVote = await service.castVote({ tenant, roundId: round.id, factorId: 'f03', actor: { id: 'U_PIA' }, level: 'partly', interactionId: 'v4' });
    expect(peerVote).toMatchObject({ accepted: true, panel: 'peer' });
    const after = await service.state(tenant, round.id);
    expect(after.tallies.find((x) => x.factorId === 'f03')!.counts).toEqual(teamCounts);
    expect(after.peer!.factors.find((p) => p.factorId === 'f03')!.tally.verdict).toBe('partly');
  });
});
