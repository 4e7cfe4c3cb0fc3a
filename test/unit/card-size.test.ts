// Cards for a team of 300 with 120-character Teams ids, the longest answers and findings the bot accepts: each message
// stays under Teams' 100 KB counted in UTF-16 (80 KB, Microsoft's advice, where the bot budgets), and stays valid.
import { describe, expect, it } from 'vitest';
import { cardMessageSize, teamsMessageSize, TEAMS_MESSAGE_ADVICE, TEAMS_MESSAGE_LIMIT, validateAdaptiveCard } from '../../src/cards/adaptive.js';
import { everyCard, HUGE, teamsId } from '../helpers/every-card.js';
import { adaptiveCardErrors } from '../helpers/schemas.js';

describe('message size as Teams counts it', () => {
  it('is the UTF-16 size of the whole activity, not UTF-8 bytes of the card', () => {
    // The example: a digest of 58 KB in UTF-8 is about 112 KB in UTF-16 (mostly ASCII text, some å ä ö).
    const text = `${'a'.repeat(50_000)}${'å'.repeat(4_000)}`;
    expect(Buffer.byteLength(JSON.stringify(text), 'utf8')).toBeLessThan(60 * 1024);
    expect(teamsMessageSize(text)).toBeGreaterThan(TEAMS_MESSAGE_LIMIT);
    // A card's message counts its envelope too.
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x' }] };
    expect(cardMessageSize(card)).toBeGreaterThan(teamsMessageSize(card));
    expect(teamsId(299)).toHaveLength(120);
  });
});

describe.each(['sv', 'en'] as const)('a team of 300 with 120-character ids (%s)', (locale) => {
  it('every card fits in one Teams message, the budgeted ones in 80 KB, and each passes the official schema', async () => {
    const cards = await everyCard(locale, HUGE);
    for (const { name, card, budgeted } of cards) {
      const size = cardMessageSize(card);
      expect(size, name).toBeLessThanOrEqual(budgeted ? TEAMS_MESSAGE_ADVICE : TEAMS_MESSAGE_LIMIT);
      expect(adaptiveCardErrors(card), name).toEqual([]);
      expect(validateAdaptiveCard(card).warnings, name).toEqual([]);
    }
    // The big ones really are big: budgets were needed, and the cards say what they left out and where it is.
    const card = (suffix: string) => cards.find((c) => c.name.endsWith(suffix))!.card;
    expect(cardMessageSize(card('follow-up report'))).toBeGreaterThan(50 * 1024);
    expect(JSON.stringify(card('follow-up report'))).toMatch(locale === 'sv' ? /Allt finns i hela rapporten/ : /The full report has everything/);
    expect(JSON.stringify(card('action reminder'))).toMatch(locale === 'sv' ? /…och \d+ åtgärder till: skriv @Assess assess plan/ : /…and \d+ more actions: write @Assess assess plan/);
    expect(cardMessageSize(card('action reminder'))).toBeGreaterThan(60 * 1024);
  }, 120_000);
});
