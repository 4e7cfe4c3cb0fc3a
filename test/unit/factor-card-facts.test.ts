// One test over the three renderers: a factor card on Slack (Block Kit), Teams and the playground (Adaptive Cards) shows
// the same facts, built once by core/interactions: header, progress, tally, due date, the voter's own vote and the ↑↓=
// trend against the baseline (Slack lacked the trend before).
import { describe, expect, it } from 'vitest';
import { renderFactorCard as renderAdaptive } from '../../src/cards/adaptive.js';
import { t } from '../../src/core/i18n.js';
import { CardFacts } from '../../src/core/interactions/index.js';
import type { Level } from '../../src/core/model.js';
import { renderFactorCard as renderSlack } from '../../src/platforms/slack/render/factor-card.js';
import { factorCardFor } from '../../src/platforms/teams/render.js';
import { COORD, MEMBERS, makeService, settings } from '../helpers/world.js';

/** Every string in a rendered payload. */
function textOf(payload: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(payload);
  return out.join('\n');
}

describe('a factor card shows the same facts on Slack, Teams and the playground', () => {
  it('tally, progress, due date, the viewer’s vote and the trend against the baseline, on all three', async () => {
    const w = makeService();
    const people = [COORD.id, ...MEMBERS];
    const vote = (roundId: string, actor: string, level: Level) =>
      w.service.castVote({ tenant: 'T1', roundId, factorId: 'f01', actor: { id: actor }, level, interactionId: `${roundId}-${actor}` });
    // The baseline: everyone says "not in place".
    const before = await w.service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ participants: people }), actor: COORD });
    for (const id of people) await vote(before.id, id, 'not-in-place');
    const closed = await w.service.closeRound('T1', before.id, COORD);
    // This round compares with it and has moved up.
    const round = await w.service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ participants: people, startDate: '2026-05-04', closeDate: '2026-06-15' }), actor: COORD });
    for (const id of people) await vote(round.id, id, 'in-place');
    const now = await w.service.state('T1', round.id, { answers: false });
    const withBaseline = { ...now, round: { ...now.round, baselineRoundId: closed.id } };

    const facts = new CardFacts(w.service.read);
    const view = await facts.view(withBaseline, 'f01', { id: MEMBERS[0], myVote: 'in-place' });
    expect(view.trendLine).toBe(t('sv', 'trend.up', { symbol: '↑' }));
    const shared = [view.header, view.progressLine, view.tallyLine, view.dueLine, view.trendLine!];
    expect(view.myVoteLine).toBe(t('sv', 'card.yourVote', { level: t('sv', 'levels.in-place') }));

    const slack = textOf(renderSlack(view, {}));
    const teams = textOf(await factorCardFor({ service: { myVote: async () => 'in-place', myAnswer: async () => null }, interactions: { facts } }, withBaseline, 'f01', { id: MEMBERS[0]! }));
    const playground = textOf(renderAdaptive(view, { answer: null }));
    for (const [platform, text] of [['slack', slack], ['teams', teams], ['playground', playground]] as const) {
      for (const fact of shared) expect(text, `${platform}: ${fact}`).toContain(fact);
    }
    // Teams and the playground draw a copy per person, which names their own vote; a Slack card is one message for the
    // whole channel, so the voter's own vote is said to them alone, in the ephemeral confirmation.
    for (const text of [teams, playground]) expect(text).toContain(view.myVoteLine);
    expect(slack).not.toContain(view.myVoteLine);
  });
});
