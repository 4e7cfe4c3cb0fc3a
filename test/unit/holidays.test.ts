// Public holidays in the round's calendar: working days skip them (Sweden by default), reminders and digests that fall
// on one move to a working day, old rounds read as Swedish, and both start forms offer the country in sv and en.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/content/schema.js';
import { renderStartForm, parseStartForm } from '../../src/cards/adaptive.js';
import { digestTimes, factorWindows, reminderTimes } from '../../src/core/calendar.js';
import { isHoliday, isKnownCountry, isWorkingDay } from '../../src/core/holidays.js';
import { CalendarSchema, RoundSchema, type Calendar } from '../../src/core/model.js';
import { calendarFromSettings, defaultSettings, RoundSettingsSchema, settingsFromRound } from '../../src/core/settings.js';
import { buildStartModal, parseStartSubmission } from '../../src/platforms/slack/modals/start-form.js';
import { submittedValues } from '../helpers/slack.js';
import { COORD, makeService, settings } from '../helpers/world.js';

const IDS = Array.from({ length: 13 }, (_, i) => `f${String(i + 1).padStart(2, '0')}`);
const ZONE = 'Europe/Stockholm';
const local = (iso: string) => DateTime.fromISO(iso).setZone(ZONE);
const day = (iso: string) => local(iso).toISODate();

/** The product's default calendar (every 2nd working day, two-week answer windows) from Monday 2 December 2024. */
function december(country?: string): Calendar {
  const s = RoundSettingsSchema.parse({
    ...settings({ pacing: 'staggered', startDate: '2024-12-02', closeDate: '2025-02-28' }),
    ...(country ? { country } : {}),
  });
  return calendarFromSettings(s);
}

describe('factor openings skip the country\'s public holidays', () => {
  it('the issue\'s calendar: factor 09 no longer opens on Christmas Eve, nor 12 on New Year\'s Day (Sweden)', () => {
    const cal = december();
    expect(cal.country).toBe('SE');
    const opens = factorWindows(cal, IDS).map((w) => day(w.opensAt));
    // Without holidays (the old calendar) these were 2024-12-24 and 2025-01-01.
    expect(opens[8]).toBe('2024-12-27');
    expect(opens[9]).toBe('2025-01-02');
    expect(opens[10]).toBe('2025-01-07'); // 6 January is trettondedag jul
    expect(opens[11]).toBe('2025-01-09');
    for (const w of factorWindows(cal, IDS)) expect(isWorkingDay(local(w.opensAt), 'SE'), day(w.opensAt)!).toBe(true);
    expect(opens.slice(0, 8)).toEqual(['2024-12-02', '2024-12-04', '2024-12-06', '2024-12-10', '2024-12-12', '2024-12-16', '2024-12-18', '2024-12-20']);
  });

  it('follows the round\'s country: in Britain Christmas Eve is a working day, Boxing Day is not', () => {
    const opens = factorWindows(december('GB'), IDS).map((w) => day(w.opensAt));
    expect(opens[8]).toBe('2024-12-24');
    expect(opens.some((d) => d === '2024-12-25' || d === '2024-12-26' || d === '2025-01-01')).toBe(false);
  });

  it('counts Swedish bank holidays (midsommarafton, julafton, nyårsafton) as days off, not observances', () => {
    expect(['2025-06-20', '2024-12-24', '2024-12-31', '2025-04-21', '2025-06-06'].map((d) => isHoliday(DateTime.fromISO(d, { zone: ZONE }), 'SE'))).toEqual([true, true, true, true, true]);
    // Luciadagen and trettondagsafton are ordinary working days.
    expect(['2024-12-13', '2025-01-05'].map((d) => isHoliday(DateTime.fromISO(d, { zone: ZONE }), 'SE'))).toEqual([false, false]);
  });

  it('a round stored before the setting existed reads as Swedish', async () => {
    const { service } = makeService();
    const round = await service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ pacing: 'staggered', startDate: '2024-12-02', closeDate: '2025-02-28' }), actor: COORD });
    const { country: _dropped, ...calendar } = round.calendar;
    const old = RoundSchema.parse({ ...round, calendar });
    expect(old.calendar.country).toBeUndefined();
    expect(factorWindows(old.calendar, IDS).map((w) => day(w.opensAt))[8]).toBe('2024-12-27');
    expect(settingsFromRound(old, '2025-12-01').country).toBe('SE');
  });
});

describe('reminders and digests on a holiday', () => {
  const allAtOnce = (opens: string, closes: string, weekday = 1): Calendar => ({
    ...december(),
    pacing: { kind: 'all-at-once' },
    opensAt: opens,
    closesAt: closes,
    digest: { enabled: true, weekday, time: '08:00', showNames: false },
  });

  it('a reminder on Christmas Eve moves to the working day before, at the same local time', () => {
    // Due Thursday 26 December: two days before is Christmas Eve, so the reminder comes on Monday 23 December.
    const cal = allAtOnce('2024-12-02T07:00:00.000Z', '2024-12-26T16:00:00.000Z');
    const times = reminderTimes(cal, factorWindows(cal, IDS));
    expect(times.map((r) => local(r.at).toFormat('yyyy-MM-dd HH:mm'))).toEqual(['2024-12-23 09:00']);
  });

  it('a reminder on Twelfth Day (Monday 6 January) moves to Friday 3 January; an ordinary Saturday stays', () => {
    const cal = allAtOnce('2024-12-02T07:00:00.000Z', '2025-01-08T16:00:00.000Z');
    expect(reminderTimes(cal, factorWindows(cal, IDS)).map((r) => local(r.at).toFormat('yyyy-MM-dd HH:mm'))).toEqual(['2025-01-03 09:00']);
    const weekend = allAtOnce('2024-11-04T07:00:00.000Z', '2024-11-18T16:00:00.000Z');
    expect(reminderTimes(weekend, factorWindows(weekend, IDS)).map((r) => local(r.at).toFormat('yyyy-MM-dd HH:mm'))).toEqual(['2024-11-16 09:00']);
  });

  it('a weekly digest on Easter Monday comes on Tuesday morning; the other weeks stay on Monday', () => {
    const cal = allAtOnce('2026-03-23T07:00:00.000Z', '2026-04-20T15:00:00.000Z');
    expect(digestTimes(cal).map((d) => local(d).toFormat('ccc yyyy-MM-dd HH:mm'))).toEqual([
      'Mon 2026-03-30 08:00',
      'Tue 2026-04-07 08:00',
      'Mon 2026-04-13 08:00',
      'Mon 2026-04-20 08:00',
    ]);
  });

  it('the default start is the next working day when next Monday is a holiday (Easter Monday 2026)', () => {
    const s = defaultSettings({ now: Date.parse('2026-04-02T10:00:00Z'), timezone: ZONE, locale: 'sv', channelId: 'C1', participants: ['U1'] });
    expect([s.startDate, s.country]).toEqual(['2026-04-07', 'SE']);
  });
});

describe('the country setting is validated against the holiday library', () => {
  it('accepts any code the library knows, upper-cases it, and refuses the rest', () => {
    expect(isKnownCountry('FI')).toBe(true);
    expect(isKnownCountry('XX')).toBe(false);
    expect(RoundSettingsSchema.parse(settings({ country: 'fi' } as never)).country).toBe('FI');
    expect(RoundSettingsSchema.safeParse(settings({ country: 'XX' } as never)).success).toBe(false);
    expect(CalendarSchema.safeParse({ ...december(), country: 'XX' }).success).toBe(false);
    expect(RoundSettingsSchema.parse(settings()).country).toBe('SE');
  });
});

describe.each<Locale>(['sv', 'en'])('the start forms offer the country (%s)', (locale) => {
  const NOW = Date.parse('2026-01-12T07:30:00Z');
  const defaults = defaultSettings({ now: NOW, timezone: ZONE, locale, channelId: 'C0MANGFALD', participants: ['U0CORA'] });
  const label = locale === 'sv' ? 'Land (för helgdagar)' : 'Country (for public holidays)';

  it('Slack: a select with Sweden chosen; the choice comes back as the round\'s country', () => {
    const view = buildStartModal(defaults, { packs: [{ id: 'integrating-cities-diversity', title: 'IC', modes: ['internal-evaluation'] }], labelLocale: locale, commandChannelId: 'C0MANGFALD' });
    const block = (view as { blocks: { block_id?: string; label?: { text: string }; element?: { options?: { value: string; text: { text: string } }[]; initial_option?: { value: string } } }[] }).blocks.find((b) => b.block_id === 'country')!;
    expect(block.label?.text).toBe(label);
    expect(block.element?.initial_option?.value).toBe('SE');
    expect(block.element?.options?.map((o) => o.value)).toEqual(expect.arrayContaining(['SE', 'NO', 'DK', 'FI']));
    expect(block.element?.options?.find((o) => o.value === 'SE')?.text.text).toBe(locale === 'sv' ? 'Sverige' : 'Sweden');
    const values = submittedValues(view as never, { country: { selected_option: { value: 'FI' } } }) as never;
    const r = parseStartSubmission(values, { c: 'C0MANGFALD', l: locale }, NOW);
    expect(r.ok && r.settings.country).toBe('FI');
    const untouched = parseStartSubmission(submittedValues(view as never) as never, { c: 'C0MANGFALD', l: locale }, NOW);
    expect(untouched.ok && RoundSettingsSchema.parse(untouched.settings).country).toBe('SE');
  });

  it('Adaptive Card: a choice set with Sweden chosen; a bad code is refused on its field, in the form\'s language', () => {
    const card = renderStartForm(defaults, { packs: [{ id: 'integrating-cities-diversity', title: 'IC' }], locale });
    const country = (card.body as Record<string, unknown>[]).find((e) => e.id === 'country') as { label: string; value: string; choices: { title: string; value: string }[] };
    expect(country.label).toBe(label);
    expect(country.value).toBe('SE');
    expect(country.choices[0]).toEqual({ title: locale === 'sv' ? 'Sverige' : 'Sweden', value: 'SE' });
    const base = { packId: 'integrating-cities-diversity', locale, mode: 'internal-evaluation', pacing: 'staggered', startDate: defaults.startDate, closeDate: defaults.closeDate, timezone: ZONE, channelId: 'C1' };
    expect(parseStartForm({ ...base, country: 'NO' }).country).toBe('NO');
    expect(parseStartForm(base).country).toBeUndefined(); // an older form: the schema's default (SE) applies
    expect(() => parseStartForm({ ...base, country: 'XX' })).toThrow(locale === 'sv' ? /Land \(för helgdagar\): välj ett av alternativen/ : /Country \(for public holidays\): pick one of the options/);
  });
});
