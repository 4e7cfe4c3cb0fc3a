// The round settings a coordinator fills in at start (Slack modal, Teams form, playground), with the product's defaults.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { LocaleSchema, UsageModeIdSchema, type Locale } from '../content/schema.js';
import { CountrySchema, type Calendar, type Round } from './model.js';
import { calendarCountry, isValidTimezone } from './calendar.js';
import { DEFAULT_COUNTRY, isWorkingDay } from './holidays.js';
import { answerThreshold, DEFAULT_MIN_ANSWERS, DEFAULT_MIN_RESPONSES, MAX_MIN_ANSWERS, MAX_MIN_RESPONSES, MIN_RESPONSES_FLOOR } from './anonymity.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');

/** The most participants a round takes (a whole city's staff); README "Limits" names it. */
export const MAX_PARTICIPANTS = 10_000;

/** Settings as they arrive from a form, after the platform adapter has mapped its fields. */

export const RoundSettingsSchema = z.strictObject({
  packId: z.string().min(1),
  locale: LocaleSchema,
  mode: UsageModeIdSchema,
  title: z.string().trim().max(150).optional(),
  channelId: z.string().min(1),
  channelName: z.string().max(200).optional(),
  participants: z.array(z.string().min(1)).max(MAX_PARTICIPANTS),
  managers: z.array(z.string().min(1)).max(100),
  reviewers: z.array(z.string().min(1)).max(100).default([]),
  pacing: z.enum(['all-at-once', 'staggered']),
  staggerEveryDays: z.number().int().min(1).max(30).default(2),
  answerWindowDays: z.number().int().min(1).max(120).default(14),
  startDate: isoDate,
  closeDate: isoDate,
  timezone: z.string().refine(isValidTimezone, 'unknown timezone'),
  /** Whose public holidays the calendar skips. */
  country: z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), CountrySchema).default(DEFAULT_COUNTRY),
  remindersEnabled: z.boolean().default(true),
  reminderDaysBefore: z.number().int().min(0).max(30).default(2),
  reminderTime: HHMM.default('09:00'),
  digestEnabled: z.boolean().default(true),
  digestWeekday: z.number().int().min(1).max(7).default(1),
  digestTime: HHMM.default('08:00'),
  digestShowNames: z.boolean().default(false),
  anonymous: z.boolean().default(false),
  minResponses: z.number().int().min(MIN_RESPONSES_FLOOR).max(MAX_MIN_RESPONSES).default(DEFAULT_MIN_RESPONSES),
  minAnswers: z.number().int().min(MIN_RESPONSES_FLOOR).max(MAX_MIN_ANSWERS).default(DEFAULT_MIN_ANSWERS),
  isBaseline: z.boolean().default(false),
  baselineRoundId: z.string().optional(),
})
  // Written answers never show sooner than votes: a lower answer threshold (or the default under a high vote one) is raised.
  .transform((s) => ({ ...s, minAnswers: Math.max(s.minAnswers, s.minResponses) }));
export type RoundSettings = z.infer<typeof RoundSettingsSchema>;
export type RoundSettingsInput = z.input<typeof RoundSettingsSchema>;

/** The product's defaults: staggered every two working days from next Monday, six weeks, reminders 09:00 two days before. */
export function defaultSettings(opts: {
  now: number;
  timezone: string;
  locale: Locale;
  channelId: string;
  participants: string[];
  packId?: string;
  country?: string;
}): RoundSettings {
  const zone = isValidTimezone(opts.timezone) ? opts.timezone : 'Europe/Stockholm';
  const country = opts.country ?? DEFAULT_COUNTRY;
  const today = DateTime.fromMillis(opts.now, { zone }).startOf('day');
  let start = today.weekday === 1 ? today : today.plus({ days: 8 - today.weekday });
  // Not Easter Monday or Whit Monday: the round starts on the next working day instead.
  while (!isWorkingDay(start, country)) start = start.plus({ days: 1 });
  return RoundSettingsSchema.parse({
    packId: opts.packId ?? 'integrating-cities-diversity',
    locale: opts.locale,
    mode: 'internal-evaluation',
    channelId: opts.channelId,
    participants: opts.participants,
    managers: [],
    pacing: 'staggered',
    startDate: start.toISODate(),
    closeDate: start.plus({ weeks: 6 }).toISODate(),
    timezone: zone,
    country,
  });
}

/** Turns form settings into the stored calendar: opens at 08:00 local on the start date, closes at 17:00 local on the close date. */
export function calendarFromSettings(s: RoundSettings): Calendar {
  const opens = DateTime.fromISO(`${s.startDate}T08:00`, { zone: s.timezone });
  const closes = DateTime.fromISO(`${s.closeDate}T17:00`, { zone: s.timezone });
  return {
    timezone: s.timezone,
    country: s.country,
    opensAt: opens.toUTC().toISO()!,
    closesAt: closes.toUTC().toISO()!,
    pacing:
      s.pacing === 'all-at-once'
        ? { kind: 'all-at-once' }
        : { kind: 'staggered', everyDays: s.staggerEveryDays, workingDaysOnly: true, answerWindowDays: s.answerWindowDays },
    reminders: { enabled: s.remindersEnabled, daysBefore: [s.reminderDaysBefore], time: s.reminderTime },
    digest: { enabled: s.digestEnabled, weekday: s.digestWeekday, time: s.digestTime, showNames: s.digestShowNames },
  };
}

/**
 * The settings a round was started with, for "start again": same people, way of working, calendar rhythm,
 * reminders, digest and anonymity, with new dates of the same length from `startDate`. Not the baseline flag.
 */
export function settingsFromRound(round: Round, startDate: string): RoundSettings {
  const zone = round.calendar.timezone;
  const opened = DateTime.fromISO(round.calendar.opensAt, { setZone: true }).setZone(zone).startOf('day');
  const closes = DateTime.fromISO(round.calendar.closesAt, { setZone: true }).setZone(zone).startOf('day');
  const days = Math.max(1, Math.round(closes.diff(opened, 'days').days));
  const start = DateTime.fromISO(startDate, { zone });
  const pacing = round.calendar.pacing;
  return RoundSettingsSchema.parse({
    packId: round.packId,
    locale: round.locale,
    mode: round.mode,
    ...(round.title ? { title: round.title } : {}),
    channelId: round.channel.id,
    ...(round.channel.name ? { channelName: round.channel.name } : {}),
    participants: round.participants,
    managers: round.managers,
    reviewers: round.reviewers,
    pacing: pacing.kind,
    ...(pacing.kind === 'staggered' ? { staggerEveryDays: pacing.everyDays, answerWindowDays: pacing.answerWindowDays } : {}),
    startDate: start.toISODate(),
    closeDate: start.plus({ days }).toISODate(),
    timezone: zone,
    country: calendarCountry(round.calendar),
    remindersEnabled: round.calendar.reminders.enabled,
    reminderDaysBefore: round.calendar.reminders.daysBefore[0] ?? 2,
    reminderTime: round.calendar.reminders.time,
    digestEnabled: round.calendar.digest.enabled,
    digestWeekday: round.calendar.digest.weekday,
    digestTime: round.calendar.digest.time,
    digestShowNames: round.calendar.digest.showNames,
    anonymous: round.anonymous,
    minResponses: round.minResponses,
    minAnswers: answerThreshold(round),
    isBaseline: false,
  });
}
