// The round's review calendar: when each factor opens and is due, and when reminders and digests fall, in the round's timezone.
import { DateTime } from 'luxon';
import { AppError } from './errors.js';
import { DEFAULT_COUNTRY, isHoliday, isWorkingDay } from './holidays.js';
import type { Calendar } from './model.js';
import { ordinal, t } from './i18n.js';
import type { Locale } from '../content/schema.js';

export interface FactorWindow {
  factorId: string;
  opensAt: string;
  dueAt: string;
}

export function isValidTimezone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

function at(iso: string, zone: string): DateTime {
  return DateTime.fromISO(iso, { setZone: true }).setZone(zone);
}

/** The round's country for its holidays; rounds stored before the setting existed are Swedish. */
export function calendarCountry(cal: Pick<Calendar, 'country'>): string {
  return cal.country ?? DEFAULT_COUNTRY;
}

/** `days` days later; working days skip weekends and the country's public holidays. */
function addDays(start: DateTime, days: number, workingDaysOnly: boolean, country: string): DateTime {
  if (!workingDaysOnly) return start.plus({ days });
  let d = start;
  let left = days;
  while (left > 0) {
    d = d.plus({ days: 1 });
    if (isWorkingDay(d, country)) left -= 1;
  }
  return d;
}

/** Throws INVALID_CALENDAR when the calendar cannot work. */
export function validateCalendar(cal: Calendar): void {
  if (!isValidTimezone(cal.timezone)) {
    throw new AppError('INVALID_CALENDAR', { detail: `unknown timezone ${cal.timezone}` });
  }
  const open = DateTime.fromISO(cal.opensAt);
  const close = DateTime.fromISO(cal.closesAt);
  if (!(close > open)) {
    throw new AppError('INVALID_CALENDAR', { detail: 'the close date must be after the start' });
  }
}

/**
 * When each factor opens and is due; all at once, or one every N (working) days, where working days skip weekends and
 * the public holidays of the round's country (no factor opens on Christmas Eve). Due dates never pass the close.
 */
export function factorWindows(cal: Calendar, factorIds: string[]): FactorWindow[] {
  // A pure function of the calendar and the factors, asked for on every vote: computed once per distinct input.
  const key = `${JSON.stringify(cal)}|${factorIds.join(',')}`;
  let windows = windowsMemo.get(key);
  if (windows === undefined) {
    windows = computeFactorWindows(cal, factorIds).map((w) => Object.freeze(w));
    if (windowsMemo.size >= WINDOWS_MEMO_SIZE) windowsMemo.delete(windowsMemo.keys().next().value!);
    windowsMemo.set(key, windows);
  }
  return [...windows];
}

/** Distinct calendars kept (the open rounds a process serves, about); the oldest entry goes first. */
const WINDOWS_MEMO_SIZE = 500;
const windowsMemo = new Map<string, FactorWindow[]>();

function computeFactorWindows(cal: Calendar, factorIds: string[]): FactorWindow[] {
  const zone = cal.timezone;
  const country = calendarCountry(cal);
  const open = at(cal.opensAt, zone);
  const close = at(cal.closesAt, zone);
  const pacing = cal.pacing;
  if (pacing.kind === 'all-at-once') {
    return factorIds.map((factorId) => ({ factorId, opensAt: open.toISO()!, dueAt: close.toISO()! }));
  }
  return factorIds.map((factorId, i) => {
    let opensAt = addDays(open, i * pacing.everyDays, pacing.workingDaysOnly, country);
    if (opensAt > close) opensAt = close;
    let dueAt = addDays(opensAt, pacing.answerWindowDays, false, country);
    if (dueAt > close) dueAt = close;
    return { factorId, opensAt: opensAt.toISO()!, dueAt: dueAt.toISO()! };
  });
}

function atLocalTime(day: DateTime, hhmm: string): DateTime {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return day.set({ hour: h, minute: m, second: 0, millisecond: 0 });
}

/** The last working day on or before `day` (a holiday's reminder comes while people are still at work). */
function workingDayOnOrBefore(day: DateTime, country: string): DateTime {
  let d = day;
  for (let i = 0; i < 31 && !isWorkingDay(d, country); i++) d = d.minus({ days: 1 });
  return d;
}

/** The first working day on or after `day`. */
function workingDayOnOrAfter(day: DateTime, country: string): DateTime {
  let d = day;
  for (let i = 0; i < 31 && !isWorkingDay(d, country); i++) d = d.plus({ days: 1 });
  return d;
}

/**
 * Reminder instants: for each due date, `daysBefore` calendar days earlier at the policy's local time. A reminder
 * that falls on a public holiday of the round's country moves to the working day before it (a reminder on an
 * ordinary weekend stays where it is, as it always has); one that would then come before the factor opens is dropped.
 * Computed on local dates so a daylight-saving change between reminder and due date does not shift the hour.
 */
export function reminderTimes(cal: Calendar, windows: FactorWindow[]): { at: string; factorIds: string[] }[] {
  if (!cal.reminders.enabled) return [];
  const zone = cal.timezone;
  const country = calendarCountry(cal);
  const byInstant = new Map<string, Set<string>>();
  for (const w of windows) {
    const due = at(w.dueAt, zone);
    const opens = at(w.opensAt, zone);
    for (const days of cal.reminders.daysBefore) {
      let day = due.startOf('day').minus({ days });
      if (isHoliday(day, country)) day = workingDayOnOrBefore(day, country);
      const when = atLocalTime(day, cal.reminders.time);
      if (when <= opens || when >= due) continue;
      const key = when.toUTC().toISO()!;
      if (!byInstant.has(key)) byInstant.set(key, new Set());
      byInstant.get(key)!.add(w.factorId);
    }
  }
  return [...byInstant.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([when, ids]) => ({ at: when, factorIds: [...ids] }));
}

/**
 * Weekly digest instants between open and close, on the policy's weekday and local time. A digest day that is a public
 * holiday of the round's country moves to the next working day, when managers are back (Easter Monday's digest comes
 * on Tuesday morning).
 */
export function digestTimes(cal: Calendar): string[] {
  if (!cal.digest.enabled) return [];
  const zone = cal.timezone;
  const country = calendarCountry(cal);
  const open = at(cal.opensAt, zone);
  const close = at(cal.closesAt, zone);
  let day = open.startOf('day');
  while (day.weekday !== cal.digest.weekday) day = day.plus({ days: 1 });
  const out: string[] = [];
  for (let d = day; d < close; d = d.plus({ weeks: 1 })) {
    const when = atLocalTime(isHoliday(d, country) ? workingDayOnOrAfter(d, country) : d, cal.digest.time);
    if (when > open && when < close) out.push(when.toUTC().toISO()!);
  }
  return out;
}

/**
 * Formatting through Intl is costly and every vote confirmation names the same close date, so formatted dates are
 * remembered (they depend only on the instant, zone and language). Bounded: cleared when it grows past the limit.
 */
const formatted = new Map<string, string>();
const FORMATTED_LIMIT = 2_000;

function remembered(key: string, make: () => string): string {
  let text = formatted.get(key);
  if (text === undefined) {
    if (formatted.size >= FORMATTED_LIMIT) formatted.clear();
    text = make();
    formatted.set(key, text);
  }
  return text;
}

/** "varannan arbetsdag", "var 3:e arbetsdag"; "every other working day", "every 3rd working day". */
export function everyWorkingDays(locale: Locale, n: number): string {
  if (n === 1) return t(locale, 'welcome.every.one');
  if (n === 2) return t(locale, 'welcome.every.two');
  return t(locale, 'welcome.every.other', { nth: ordinal(locale, n) });
}

/** A date formatted for people, in the round's timezone and language: "måndag 2 mars", "Monday 2 March" (one style everywhere). */
export function formatDate(iso: string, zone: string, locale: 'sv' | 'en'): string {
  return remembered(`d\u0000${iso}\u0000${zone}\u0000${locale}`, () =>
    at(iso, zone).setLocale(locale === 'sv' ? 'sv-SE' : 'en-GB').toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' }),
  );
}

/**
 * The same style with the year, for dates that may lie in another year (a baseline, a plan's due date, a report's
 * date): "måndag 13 januari 2025", "Monday 13 January 2025". Takes an instant or a local date (YYYY-MM-DD).
 */
export function formatDateWithYear(iso: string, zone: string, locale: 'sv' | 'en'): string {
  return remembered(`y\u0000${iso}\u0000${zone}\u0000${locale}`, () =>
    DateTime.fromISO(iso, { zone }).setLocale(locale === 'sv' ? 'sv-SE' : 'en-GB').toFormat('cccc d LLLL yyyy'),
  );
}

export function formatDateTime(iso: string, zone: string, locale: 'sv' | 'en'): string {
  return remembered(`t\u0000${iso}\u0000${zone}\u0000${locale}`, () =>
    at(iso, zone)
      .setLocale(locale === 'sv' ? 'sv-SE' : 'en-GB')
      .toLocaleString({ weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }),
  );
}
