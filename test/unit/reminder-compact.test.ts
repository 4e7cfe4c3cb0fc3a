// A reminder of many factors reads as one compact line per due date with a few buttons, not a button per factor (#17).
import { describe, expect, it } from 'vitest';
import { renderReminderCard, validateAdaptiveCard } from '../../src/cards/adaptive.js';
import { buildReminder, MAX_REMINDER_BUTTONS } from '../../src/core/views/messages.js';
import { renderReminder } from '../../src/platforms/slack/render/messages.js';
import { checkSurface } from '../../src/platforms/slack/limits.js';
import { COORD, makeService, settings } from '../helpers/world.js';

async function stateOf(locale: 'sv' | 'en') {
  const { service } = makeService();
  const round = await service.startRound({ tenant: 'T1', platform: 'teams', settings: settings({ locale, pacing: 'all-at-once' }), actor: COORD });
  return service.state('T1', round.id);
}

describe('a compact reminder', () => {
  it.each(['sv', 'en'] as const)('%s: one line per due date, three buttons, valid on Teams and Slack', async (locale) => {
    const state = await stateOf(locale);
    const view = buildReminder(state, ['f01', 'f02', 'f03', 'f05', 'f07', 'f08']);
    expect(view.text).toMatch(locale === 'sv' ? /^6 faktorer väntar på dig: 01 · [^(]+, 08 · [^(]+ \(senast [^)]+\)\n/ : /^6 factors are waiting for you: 01 · [^(]+, 08 · [^(]+ \(due [^)]+\)\n/);
    expect(view.factors.map((f) => f.factorId)).toEqual(['f01', 'f02', 'f03']);
    expect(view.factors).toHaveLength(MAX_REMINDER_BUTTONS);
    expect(validateAdaptiveCard(renderReminderCard(view)).warnings).toEqual([]);
    expect(checkSurface('message', renderReminder(view, {}, (d) => d))).toEqual([]);
  });

  it('three factors or fewer keep a line and a button each', async () => {
    const state = await stateOf('sv');
    const view = buildReminder(state, ['f02', 'f04']);
    expect(view.text).toContain('02 · Strategi (senast ');
    expect(view.factors.map((f) => f.factorId)).toEqual(['f02', 'f04']);
  });
});
