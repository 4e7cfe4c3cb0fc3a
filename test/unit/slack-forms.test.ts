// The start and answer forms: their submissions become settings or answers, and every problem lands on its own field.
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/core/settings.js';
import { buildStartModal, parseStartSubmission, type StartMeta } from '../../src/platforms/slack/modals/start-form.js';
import { parseAnswerSubmission } from '../../src/platforms/slack/modals/answer-form.js';
import { submittedValues } from '../helpers/slack.js';

const NOW = Date.parse('2026-01-12T07:30:00Z');
const meta: StartMeta = { c: 'C0MANGFALD', l: 'sv' };

function startValues(changes: Record<string, Record<string, unknown>> = {}) {
  const defaults = defaultSettings({ now: NOW, timezone: 'Europe/Stockholm', locale: 'sv', channelId: 'C0MANGFALD', participants: ['U0CORA', 'U0ANNA'] });
  const view = buildStartModal(defaults, { packs: [{ id: 'integrating-cities-diversity', title: 'Integrating Cities – kulturell mångfald', modes: ['internal-evaluation', 'peer-review'] }], labelLocale: 'sv', commandChannelId: 'C0MANGFALD' });
  return submittedValues(view as never, changes) as never;
}

describe('start form submission', () => {
  it('left at its defaults, it gives the product\'s default settings', () => {
    const r = parseStartSubmission(startValues(), meta, NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.settings).toMatchObject({
      packId: 'integrating-cities-diversity',
      locale: 'sv',
      mode: 'internal-evaluation',
      channelId: 'C0MANGFALD',
      participants: ['U0CORA', 'U0ANNA'],
      pacing: 'staggered',
      staggerEveryDays: 2,
      startDate: '2026-01-12',
      closeDate: '2026-02-23',
      timezone: 'Europe/Stockholm',
      reminderDaysBefore: 2,
      reminderTime: '09:00',
      digestWeekday: 1,
      digestTime: '08:00',
      anonymous: false,
      isBaseline: false,
    });
  });

  it('puts each problem on its own field, in the coordinator\'s language', () => {
    const r = parseStartSubmission(
      startValues({
        close_date: { selected_date: '2026-01-05' },
        timezone: { value: 'Europe/Atlantis' },
        stagger_every: { value: '45' },
        reminder_time: { selected_time: null },
      }),
      meta,
      NOW,
    );
    expect(r).toEqual({
      ok: false,
      errors: {
        timezone: 'Den tidszonen känner jag inte till. Skriv till exempel Europe/Stockholm.',
        stagger_every: 'Skriv ett heltal från 1 till 30.',
        reminder_time: 'Välj en tid.',
      },
    });
    const dates = parseStartSubmission(startValues({ close_date: { selected_date: '2026-01-05' } }), { ...meta, l: 'en' }, NOW);
    expect(dates).toEqual({ ok: false, errors: { close_date: 'The close date must be after the start date.' } });
    const past = parseStartSubmission(startValues({ start_date: { selected_date: '2025-11-03' }, close_date: { selected_date: '2025-12-15' } }), meta, NOW);
    expect(past).toEqual({ ok: false, errors: { close_date: 'Slutdatumet har redan passerat. Välj ett senare.' } });
  });

  it('an empty participant list means the channel\'s members, and the checkboxes come through', () => {
    const r = parseStartSubmission(
      startValues({ participants: { selected_users: [] }, options: { selected_options: [{ value: 'anonymous' }, { value: 'baseline' }] } }),
      meta,
      NOW,
    );
    expect(r.ok && r.participantsFromChannel).toBe(true);
    expect(r.ok && r.settings.anonymous && r.settings.isBaseline).toBe(true);
  });
});

describe('answer form submission', () => {
  const values = (texts: Record<string, string>, evidence: string) => ({
    ...Object.fromEntries(Object.entries(texts).map(([id, v]) => [`q:${id}`, { value: { type: 'plain_text_input', value: v } }])),
    evidence: { value: { type: 'plain_text_input', value: evidence } },
  });

  it('gives the texts per question and the links, one per line or separated by spaces', () => {
    const r = parseAnswerSubmission(values({ q1: 'Ja.', q2: '' }, 'https://a.se/1\nhttps://b.se/2 https://c.se/3'), ['q1', 'q2'], 'sv');
    expect(r).toEqual({ ok: true, value: { texts: { q1: 'Ja.', q2: '' }, evidence: ['https://a.se/1', 'https://b.se/2', 'https://c.se/3'] } });
  });

  it('refuses a too long answer on that question\'s field', () => {
    const r = parseAnswerSubmission(values({ q1: 'ok', q2: 'x'.repeat(3001) }, ''), ['q1', 'q2'], 'en');
    expect(r).toEqual({ ok: false, errors: { 'q:q2': 'That answer is too long (3001 characters). At most 3000 per question.' } });
  });
});
