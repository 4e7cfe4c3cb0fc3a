// Every Adaptive Card the bot sends, in Swedish and English, against Microsoft's official Adaptive Cards 1.5 schema (the
// Teams-only `msteams` and people-picker `choices.data` set aside and checked against Teams' own rules instead).
import { describe, expect, it } from 'vitest';
import { validateAdaptiveCard } from '../../src/cards/adaptive.js';
import { TEMPLATE_NAMES } from '../../src/cards/templates.js';
import { everyCard, NORMAL } from '../helpers/every-card.js';
import { adaptiveCardErrors } from '../helpers/schemas.js';

describe.each(['sv', 'en'] as const)('every card (%s)', (locale) => {
  it('passes the official Adaptive Cards 1.5 schema and Teams\' own rules, and parses cleanly in the renderer', async () => {
    const cards = await everyCard(locale, NORMAL);
    expect(cards.length).toBeGreaterThan(40);
    for (const { name, card } of cards) {
      expect(adaptiveCardErrors(card), name).toEqual([]);
      expect(validateAdaptiveCard(card).warnings, name).toEqual([]);
    }
    // Every template (cards/*.json) is among them.
    const kinds = ['factor card', 'digest', 'reminder', 'welcome', 'text reply', 'start form', 'action reminder', 'follow-up report'];
    expect(kinds).toHaveLength(TEMPLATE_NAMES.length);
    for (const kind of kinds) expect(cards.some((c) => c.name.includes(kind)), kind).toBe(true);
  });

  it('the schema is not a rubber stamp: a misspelt property, a wrong type and an unverbed Execute are all found', () => {
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x', colour: 'Good' }, { type: 'Input.Toggle', id: 't', title: 'x', value: true }], actions: [{ type: 'Action.Execute', title: 'x' }] };
    const errors = adaptiveCardErrors(card).join('\n');
    expect(errors).toMatch(/must NOT have additional properties|must match/);
    expect(errors).toContain('Action.Execute without a verb');
    expect(adaptiveCardErrors({ type: 'AdaptiveCard', version: '1.5', body: [], refresh: { action: { type: 'Action.Execute', verb: 'refresh' }, userIds: Array.from({ length: 61 }, (_, i) => `29:${i}`) } }).join('\n')).toContain('at most 60');
  });
});
