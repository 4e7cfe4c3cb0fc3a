import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { digestTimes, factorWindows, reminderTimes, validateCalendar } from '../../src/core/calendar.js';
import type { Calendar } from '../../src/core/model.js';
import { calendarFromSettings, defaultSettings } from '../../src/core/settings.js';

const ids = Array.from({ length: 13 }, (_, i) => `f${String(i + 1).padStart(2, '0')}`);

function cal(partial: Partial<Calendar> = {}): Calendar {
  return {
    timezone: 'Europe/Stockholm',
    opensAt: '2026-03-02T07:00:00.000Z',
    closesAt: '2026-04-13T15:00:00.000Z',
    pacing: { kind: 'staggered', everyDays: 2, workingDaysOnly: true, answerWindowDays: 14 },
    reminders: { enabled: true, daysBefore: [2], time: '09:00' },
    digest: { enabled: true, weekday: 1, time: '08:00', showNames: false },
    ...partial,
  };
}

const local = (iso: string) => DateTime.fromISO(iso).setZone('Europe/Stockholm');

describe('factor windows', () => {
  it('all at once: every factor opens at the start and is due at the close', () => {
    const w = factorWindows(cal({ pacing: { kind: 'all-at-once' } }), ids);
    expect(w).toHaveLength(13);
    expect(new Set(w.map((x) => x.dueAt)).size).toBe(1);
    expect(Date.parse(w[0]!.dueAt)).toBe(Date.parse('2026-04-13T15:00:00.000Z'));
  });

  it('staggered: one factor every two working days, skipping weekends, never due after the close', () => {
    const w = factorWindows(cal(), ids);
    const opens = w.map((x) => local(x.opensAt));
    expect(opens.every((d) => d.weekday <= 5)).toBe(true);
    expect(opens[0]!.toISODate()).toBe('2026-03-02');
    expect(opens[1]!.toISODate()).toBe('2026-03-04');
    expect(opens[2]!.toISODate()).toBe('2026-03-06');
    expect(opens[3]!.toISODate()).toBe('2026-03-10');
    expect(w.every((x) => Date.parse(x.dueAt) <= Date.parse('2026-04-13T15:00:00.000Z'))).toBe(true);
  });
});

describe('reminders across daylight saving', () => {
  it('a reminder two days before a due date just after the spring change fires at 09:00 local, once', () => {
    // Sweden moves to summer time on 2026-03-29. A factor due on 30 March is reminded on 28 March (winter time).
    const c = cal({ pacing: { kind: 'all-at-once' }, opensAt: '2026-03-16T07:00:00.000Z', closesAt: '2026-03-30T15:00:00.000Z' });
    const times = reminderTimes(c, factorWindows(c, ids));
    expect(times).toHaveLength(1);
    expect(local(times[0]!.at).toFormat('yyyy-MM-dd HH:mm')).toBe('2026-03-28 09:00');
    expect(times[0]!.at).toBe('2026-03-28T08:00:00.000Z');
    expect(times[0]!.factorIds).toHaveLength(13);
  });

  it('a reminder after the change is at 09:00 summer time (07:00 UTC)', () => {
    const c = cal({ pacing: { kind: 'all-at-once' }, opensAt: '2026-03-16T07:00:00.000Z', closesAt: '2026-04-01T15:00:00.000Z' });
    const times = reminderTimes(c, factorWindows(c, ids));
    expect(times.map((t) => t.at)).toEqual(['2026-03-30T07:00:00.000Z']);
  });

  it('staggered reminders are grouped by instant, never before a factor opens', () => {
    const c = cal();
    const windows = factorWindows(c, ids);
    const times = reminderTimes(c, windows);
    const all = times.flatMap((t) => t.factorIds);
    expect(new Set(all).size).toBe(all.length);
    for (const t of times) {
      for (const id of t.factorIds) {
        const w = windows.find((x) => x.factorId === id)!;
        expect(Date.parse(t.at)).toBeGreaterThan(Date.parse(w.opensAt));
        expect(local(t.at).toFormat('HH:mm')).toBe('09:00');
      }
    }
  });

  it('reminders switched off compile to none', () => {
    const c = cal({ reminders: { enabled: false, daysBefore: [2], time: '09:00' } });
    expect(reminderTimes(c, factorWindows(c, ids))).toEqual([]);
  });
});

describe('weekly digests', () => {
  it('fall on the chosen weekday and local time, across the DST change; Easter Monday\'s on the Tuesday', () => {
    const times = digestTimes(cal()).map((t) => local(t));
    expect(times.length).toBe(6);
    expect(times.every((d) => d.toFormat('HH:mm') === '08:00')).toBe(true);
    // 6 April 2026 is Easter Monday in Sweden (the default country): that week's digest comes on the Tuesday.
    expect(times.map((d) => (d.weekday === 1 ? 'Mon' : d.toISODate()))).toEqual(['Mon', 'Mon', 'Mon', 'Mon', '2026-04-07', 'Mon']);
  });
});

describe('calendar validation and defaults', () => {
  it('rejects an unknown timezone and a close before the start', () => {
    expect(() => validateCalendar(cal({ timezone: 'Mars/Olympus' }))).toThrow(/INVALID_CALENDAR/);
    expect(() => validateCalendar(cal({ closesAt: '2026-03-01T00:00:00.000Z' }))).toThrow(/INVALID_CALENDAR/);
  });

  it('defaults to the product brief: staggered from next Monday, six weeks, 09:00 reminders two days before, Monday 08:00 digest', () => {
    const now = Date.parse('2026-11-26T10:00:00Z'); // a Thursday
    const s = defaultSettings({ now, timezone: 'Europe/Stockholm', locale: 'sv', channelId: 'C1', participants: ['U1'] });
    expect(s).toMatchObject({
      pacing: 'staggered',
      staggerEveryDays: 2,
      startDate: '2026-11-30',
      closeDate: '2027-01-11',
      reminderDaysBefore: 2,
      reminderTime: '09:00',
      digestWeekday: 1,
      digestTime: '08:00',
      mode: 'internal-evaluation',
    });
    const c = calendarFromSettings(s);
    expect(local(c.opensAt).toFormat('yyyy-MM-dd HH:mm')).toBe('2026-11-30 08:00');
  });
});
