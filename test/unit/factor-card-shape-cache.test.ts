// The factor card is expanded once per shape of its model and the texts filled in (cards/shape-cache.ts): every card
// must equal the one the templating library expands for that model, whatever the texts, including texts that look like
// template expressions, numbers, booleans, replacement patterns or markers.
import { describe, expect, it } from 'vitest';
import { expandFactorCard, factorCardModel, renderFactorCard, type FactorCardOptions } from '../../src/cards/adaptive.js';
import { ShapeCache } from '../../src/cards/shape-cache.js';
import { LEVELS, type Level } from '../../src/core/model.js';
import { buildFactorCard } from '../../src/core/views/factor-card.js';
import type { FactorCardView } from '../../src/core/views/factor-card.js';
import { COORD, MEMBERS, makeService, settings } from '../helpers/world.js';

const TRICKY = ['${header}', '${$root.roundId}', '123', 'true', 'null', "$& $' $1", '\u0001x:0\u0001', ' ', '[a](https://x.example)', 'Å'.repeat(3000)];

describe('factor cards from the shape cache', () => {
  it('equal the template expansion for every factor, viewer, answer and notice, open and closed', async () => {
    const w = makeService();
    const people = [COORD.id, ...MEMBERS];
    const round = await w.service.startRound({ tenant: 'T1', platform: 'teams', settings: settings({ participants: people }), actor: COORD });
    const cases: [FactorCardView, FactorCardOptions][] = [];
    const views = async (roundId: string) => {
      const state = await w.service.state('T1', roundId);
      for (const factorId of state.round.factorIds) {
        cases.push([buildFactorCard(state, factorId), { userIds: people }]);
        cases.push([buildFactorCard(state, factorId), {}]);
        for (const [i, tricky] of TRICKY.entries()) {
          const myVote: Level = LEVELS[i % 4]!;
          const view = buildFactorCard(state, factorId, { viewerId: MEMBERS[0]!, myVote });
          const texts = Object.fromEntries(view.questions.map((q, j) => [q.id, j % 2 ? tricky : '']));
          cases.push([view, { userIds: people.slice(0, i), notice: tricky, answer: { texts, evidence: [tricky] } }]);
          cases.push([view, { notice: '', answer: null }]);
        }
      }
    };
    let n = 0;
    for (const factorId of round.factorIds) {
      for (const id of people) {
        await w.service.castVote({ tenant: 'T1', roundId: round.id, factorId, actor: { id }, level: LEVELS[n++ % 4]!, interactionId: `v${n}` });
      }
    }
    await views(round.id);
    await w.service.closeRound('T1', round.id, COORD);
    await views(round.id);
    // Twice over: the second pass renders every card from a kept shape, with the texts of another card of that shape.
    for (let pass = 0; pass < 2; pass++) {
      for (const [view, opts] of cases) expect(renderFactorCard(view, opts)).toEqual(expandFactorCard(factorCardModel(view, opts)));
    }
    expect(cases.length).toBeGreaterThan(100);
  });

  it('renders once per shape, hands out fresh copies, and keeps a bounded number of shapes', () => {
    let renders = 0;
    const cache = new ShapeCache<{ a: string; b: string[]; c: string | null }>((d) => {
      renders += 1;
      return { text: d.a, list: d.b, shown: d.c !== null, c: d.c };
    }, 2);
    const first = cache.get({ a: 'x', b: ['1', '2'], c: null }) as { text: string; list: string[] };
    expect(first).toEqual({ text: 'x', list: ['1', '2'], shown: false, c: null });
    first.list.push('changed');
    expect(cache.get({ a: 'y', b: ['3', '4'], c: null })).toEqual({ text: 'y', list: ['3', '4'], shown: false, c: null });
    expect(renders).toBe(1);
    expect(cache.get({ a: 'y', b: ['3'], c: 'z' })).toEqual({ text: 'y', list: ['3'], shown: true, c: 'z' });
    expect(cache.get({ a: '', b: [], c: '' })).toEqual({ text: '', list: [], shown: true, c: '' });
    expect(renders).toBe(3);
    expect(cache.size).toBe(2);
  });
});
