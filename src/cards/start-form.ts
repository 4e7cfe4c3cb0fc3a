// The "start a round" form as an Adaptive Card, and the zod boundary that turns its submitted values into round settings.
import { z } from 'zod';
import { LOCALES, LocaleSchema, UsageModeIdSchema, type ContentPack, type Locale } from '../content/schema.js';
import { countryChoices } from '../core/country-choices.js';
import { DEFAULT_COUNTRY } from '../core/holidays.js';
import { modeHintLines } from '../core/toolkit-guide.js';
import { isValidTimezone } from '../core/calendar.js';
import { AppError } from '../core/errors.js';
import { t, tn } from '../core/i18n.js';
import { DEFAULT_MIN_ANSWERS, DEFAULT_MIN_RESPONSES, MAX_MIN_ANSWERS, MAX_MIN_RESPONSES, MIN_RESPONSES_FLOOR } from '../core/anonymity.js';
import { MAX_PARTICIPANTS, RoundSettingsSchema, type RoundSettings, type RoundSettingsInput } from '../core/settings.js';
import type { StartFormModel } from './models.js';
import { expand } from './templates.js';
import type { AdaptiveCard } from './types.js';
import { withSubmitFallbacks } from './fallbacks.js';

/** A fixed list of people only works for a modest team; a bigger one gets text boxes. */
export const MAX_LISTED_PEOPLE = 200;

/** Teams' people picker searches the organisation's directory (documented for Adaptive Cards 1.5 in Teams). */
export const PEOPLE_PICKER_DATASET = 'graph.microsoft.com/users';

export interface FormPerson {
  id: string;
  name?: string;
}

/**
 * Where the form's people come from. `directory`: Teams' own people picker, which submits directory (AAD object) ids;
 * `known` names the people the form is filled in with, so the picker can show them. `list`: a fixed list (the
 * playground's pretend colleagues). `typed`: ids typed into text boxes (the Bot Framework Emulator).
 */
export type PeopleSource = { kind: 'directory'; known?: FormPerson[] } | { kind: 'list'; people: FormPerson[] } | { kind: 'typed' };

export interface StartFormOptions {
  /** `usageModes` gives the toolkit's questions for choosing a way of working, shown under the choice. */
  packs: { id: string; title: string; usageModes?: ContentPack['usageModes'] }[];
  locale: Locale;
  /** How participants, managers and reviewers are picked; typed ids when absent. */
  people?: PeopleSource;
  /** "Everyone in this channel" is on: participants are whoever is in the channel when the round starts. */
  everyone?: boolean;
}

const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;

function peopleModel(source: PeopleSource | undefined): StartFormModel['people'] {
  const choices = (people: FormPerson[]) => people.map((p) => ({ id: p.id, title: p.name ?? p.id }));
  if (source?.kind === 'directory') return { source: 'directory', dataset: PEOPLE_PICKER_DATASET, choices: choices(source.known ?? []) };
  if (source?.kind === 'list' && source.people.length <= MAX_LISTED_PEOPLE) return { source: 'list', dataset: '', choices: choices(source.people) };
  return { source: 'typed', dataset: '', choices: [] };
}

export function startFormModel(defaults: RoundSettings, opts: StartFormOptions): StartFormModel {
  const l = opts.locale;
  const people = peopleModel(opts.people);
  const list = (ids: string[]) => (people.source === 'typed' ? ids.join('\n') : ids.join(','));
  const everyone = opts.everyone ?? false;
  const pack = opts.packs.find((p) => p.id === defaults.packId) ?? opts.packs[0];
  const country = defaults.country ?? DEFAULT_COUNTRY;
  return {
    labels: {
      heading: t(l, 'form.title'),
      intro: t(l, 'cards.form.intro'),
      title: t(l, 'cards.form.titleField'),
      toolkit: t(l, 'form.toolkit'),
      locale: t(l, 'form.locale'),
      mode: t(l, 'form.mode'),
      participants: t(l, 'form.participants'),
      participantsHint: t(l, 'cards.form.pickHint'),
      everyone: t(l, 'cards.form.everyone'),
      managers: t(l, 'form.managers'),
      idsHint: t(l, 'cards.form.idsHint'),
      pacing: t(l, 'form.pacing'),
      staggerEveryDays: t(l, 'form.staggerEveryDays'),
      startDate: t(l, 'form.startDate'),
      closeDate: t(l, 'form.closeDate'),
      timezone: t(l, 'form.timezone'),
      country: t(l, 'form.country'),
      countryHint: t(l, 'form.countryHint'),
      modeHint: t(l, 'form.modeHint'),
      reminderDaysBefore: t(l, 'form.reminderDaysBefore'),
      reminderTime: t(l, 'form.reminderTime'),
      digestWeekday: t(l, 'form.digestWeekday'),
      digestTime: t(l, 'form.digestTime'),
      anonymous: t(l, 'form.anonymous'),
      baseline: t(l, 'form.baseline'),
      submit: t(l, 'form.submit'),
      required: t(l, 'cards.form.required'),
      range1to30: t(l, 'cards.form.range', { min: 1, max: 30 }),
      range0to30: t(l, 'cards.form.range', { min: 0, max: 30 }),
      reviewers: t(l, 'cards.form.reviewers'),
      reviewersHint: t(l, 'cards.form.reviewersHint'),
      reviewerIdsHint: t(l, 'cards.form.reviewerIdsHint'),
      minResponses: t(l, 'cards.form.minResponses'),
      minResponsesHint: t(l, 'cards.form.minResponsesHint'),
      range3to50: t(l, 'cards.form.range', { min: MIN_RESPONSES_FLOOR, max: MAX_MIN_RESPONSES }),
      minAnswers: t(l, 'cards.form.minAnswers'),
      minAnswersHint: t(l, 'cards.form.minAnswersHint'),
      range3to100: t(l, 'cards.form.range', { min: MIN_RESPONSES_FLOOR, max: MAX_MIN_ANSWERS }),
    },
    values: {
      title: defaults.title ?? '',
      packId: defaults.packId,
      locale: defaults.locale,
      mode: defaults.mode,
      everyone: String(everyone),
      // With everyone on, nobody is listed: the form's size does not grow with the team.
      participants: everyone ? '' : list(defaults.participants),
      managers: list(defaults.managers),
      // Settings saved before these fields existed (e.g. a form already in the playground's timeline) have neither.
      reviewers: list(defaults.reviewers ?? []),
      pacing: defaults.pacing,
      staggerEveryDays: defaults.staggerEveryDays,
      startDate: defaults.startDate,
      closeDate: defaults.closeDate,
      timezone: defaults.timezone,
      // Settings saved before the country existed have none: they are Swedish.
      country,
      reminderDaysBefore: defaults.reminderDaysBefore,
      reminderTime: defaults.reminderTime,
      digestWeekday: String(defaults.digestWeekday),
      digestTime: defaults.digestTime,
      anonymous: String(defaults.anonymous),
      isBaseline: String(defaults.isBaseline),
      // Settings saved before these fields existed have neither.
      minResponses: defaults.minResponses ?? DEFAULT_MIN_RESPONSES,
      minAnswers: defaults.minAnswers ?? DEFAULT_MIN_ANSWERS,
      channelId: defaults.channelId,
      channelName: defaults.channelName ?? '',
    },
    packs: opts.packs.map((p) => ({ id: p.id, title: p.title })),
    locales: LOCALES.map((id) => ({ id, title: t(l, `cards.form.localeNames.${id}`) })),
    modes: UsageModeIdSchema.options.map((id) => ({ id, title: t(l, `modes.${id}`) })),
    pacings: [
      { id: 'staggered', title: t(l, 'form.pacingStaggered') },
      { id: 'all-at-once', title: t(l, 'form.pacingAll') },
    ],
    weekdays: WEEKDAYS.map((id) => ({ id, title: t(l, `form.weekdays.${id}`) })),
    countries: countryChoices(l, country),
    modeHints: pack?.usageModes ? modeHintLines({ usageModes: pack.usageModes }, l).map((text) => ({ text })) : [],
    people,
  };
}

/** The start form with the product's defaults filled in; submitted with Action.Execute verb `start`. */
export function renderStartForm(defaults: RoundSettings, opts: StartFormOptions): AdaptiveCard {
  return withSubmitFallbacks(expand('start-form', startFormModel(defaults, opts)));
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const idList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[\s,;]+/).filter((s) => s.length > 0) : v),
  z.array(z.string().min(1).max(200)).max(MAX_PARTICIPANTS),
);
const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const isoDate = z.iso.date();

/** What a submitted form may hold; unknown keys (verb, msteams, …) are ignored, values arrive as strings. */
const StartFormDataSchema = z.object({
  title: optional(z.string().trim().max(150)),
  packId: z.preprocess(blankToUndefined, z.string().min(1).max(100)),
  locale: z.preprocess(blankToUndefined, LocaleSchema),
  mode: z.preprocess(blankToUndefined, UsageModeIdSchema),
  everyone: optional(flag),
  participants: optional(idList),
  managers: optional(idList),
  reviewers: optional(idList),
  pacing: z.preprocess(blankToUndefined, z.enum(['all-at-once', 'staggered'])),
  staggerEveryDays: optional(z.coerce.number().int().min(1).max(30)),
  startDate: z.preprocess(blankToUndefined, isoDate),
  closeDate: z.preprocess(blankToUndefined, isoDate),
  timezone: z.preprocess(blankToUndefined, z.string().max(64).refine(isValidTimezone)),
  country: optional(z.string().max(8)),
  reminderDaysBefore: optional(z.coerce.number().int().min(0).max(30)),
  reminderTime: optional(HHMM),
  digestWeekday: optional(z.coerce.number().int().min(1).max(7)),
  digestTime: optional(HHMM),
  anonymous: optional(flag),
  isBaseline: optional(flag),
  minResponses: optional(z.coerce.number().int().min(MIN_RESPONSES_FLOOR).max(MAX_MIN_RESPONSES)),
  minAnswers: optional(z.coerce.number().int().min(MIN_RESPONSES_FLOOR).max(MAX_MIN_ANSWERS)),
  channelId: z.preprocess(blankToUndefined, z.string().min(1).max(400)),
  channelName: optional(z.string().max(200)),
});

/** Form field → the label the person saw, for error messages. */
const FIELD_LABEL: Record<string, string> = {
  title: 'cards.form.titleField',
  packId: 'form.toolkit',
  locale: 'form.locale',
  mode: 'form.mode',
  everyone: 'cards.form.everyone',
  participants: 'form.participants',
  managers: 'form.managers',
  reviewers: 'cards.form.reviewers',
  minResponses: 'cards.form.minResponses',
  minAnswers: 'cards.form.minAnswers',
  pacing: 'form.pacing',
  staggerEveryDays: 'form.staggerEveryDays',
  startDate: 'form.startDate',
  closeDate: 'form.closeDate',
  timezone: 'form.timezone',
  country: 'form.country',
  reminderDaysBefore: 'form.reminderDaysBefore',
  reminderTime: 'form.reminderTime',
  digestWeekday: 'form.digestWeekday',
  digestTime: 'form.digestTime',
  anonymous: 'form.anonymous',
  isBaseline: 'form.baseline',
  channelId: 'form.channel',
  channelName: 'form.channel',
};

const PROBLEM_BY_FIELD: Record<string, string> = {
  startDate: 'cards.form.problems.date',
  closeDate: 'cards.form.problems.date',
  reminderTime: 'cards.form.problems.time',
  digestTime: 'cards.form.problems.time',
  timezone: 'cards.form.problems.timezone',
  country: 'cards.form.problems.choice',
  staggerEveryDays: 'cards.form.problems.number',
  reminderDaysBefore: 'cards.form.problems.number',
  digestWeekday: 'cards.form.problems.choice',
  packId: 'cards.form.problems.choice',
  locale: 'cards.form.problems.choice',
  mode: 'cards.form.problems.choice',
  pacing: 'cards.form.problems.choice',
  participants: 'cards.form.problems.people',
  managers: 'cards.form.problems.people',
  reviewers: 'cards.form.problems.people',
  minResponses: 'cards.form.problems.number',
  minAnswers: 'cards.form.problems.number',
};

export interface StartFormFieldError {
  field: string;
  message: string;
}

/** A form that doesn't validate: an INVALID_INPUT whose detail names each field in the person's language. */
export class StartFormError extends AppError {
  readonly fields: StartFormFieldError[];
  constructor(fields: StartFormFieldError[]) {
    super('INVALID_INPUT', { detail: fields.map((f) => f.message).join('; ') });
    this.name = 'StartFormError';
    this.fields = fields;
  }
}

function describeIssue(locale: Locale, issue: z.core.$ZodIssue, data: Record<string, unknown>): StartFormFieldError {
  const field = String(issue.path[0] ?? '');
  const label = t(locale, FIELD_LABEL[field] ?? 'form.title');
  const missing = data[field] === undefined || (typeof data[field] === 'string' && (data[field]).trim() === '');
  let problemKey = missing ? 'cards.form.problems.missing' : (PROBLEM_BY_FIELD[field] ?? 'cards.form.problems.invalid');
  if (!missing && issue.code === 'too_big' && (field === 'title' || field === 'channelName')) problemKey = 'cards.form.problems.tooLong';
  const range =
    field === 'staggerEveryDays'
      ? { min: 1, max: 30 }
      : field === 'reminderDaysBefore'
        ? { min: 0, max: 30 }
        : field === 'minResponses'
          ? { min: MIN_RESPONSES_FLOOR, max: MAX_MIN_RESPONSES }
          : field === 'minAnswers'
            ? { min: MIN_RESPONSES_FLOOR, max: MAX_MIN_ANSWERS }
            : { min: 1, max: 7 };
  return { field, message: t(locale, 'cards.form.fieldProblem', { field: label, problem: t(locale, problemKey, range) }) };
}

/** The form named people who are not in the channel (the people picker searches the whole organisation). */
export function notInChannelError(locale: Locale, missing: Partial<Record<'participants' | 'managers' | 'reviewers', number>>): StartFormError {
  const fields = (Object.entries(missing) as [keyof typeof missing, number][])
    .filter(([, count]) => count > 0)
    .map(([field, count]) => ({
      field,
      message: t(locale, 'cards.form.fieldProblem', { field: t(locale, FIELD_LABEL[field]!), problem: tn(locale, 'cards.form.problems.notInChannel', count) }),
    }));
  return new StartFormError(fields);
}

/**
 * Validates submitted form values and maps them to round settings. Errors are reported in the form's chosen
 * language (or `opts.locale` when that is itself unreadable), one clause per field.
 */
export function parseStartForm(data: unknown, opts: { locale?: Locale } = {}): RoundSettingsInput {
  const raw = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const chosen = LocaleSchema.safeParse(raw.locale);
  const locale: Locale = chosen.success ? chosen.data : (opts.locale ?? 'sv');
  const parsed = StartFormDataSchema.safeParse(raw);
  if (!parsed.success) {
    const seen = new Set<string>();
    const fields = parsed.error.issues
      .map((i) => describeIssue(locale, i, raw))
      .filter((f) => (seen.has(f.field) ? false : (seen.add(f.field), true)));
    throw new StartFormError(fields);
  }
  const f = parsed.data;
  const reviewers = [...new Set(f.reviewers ?? [])];
  // Reviewers only mean something in a peer review; naming them in another way of working is a mistake worth telling.
  if (reviewers.length > 0 && f.mode !== 'peer-review') {
    const problem = t(locale, 'cards.form.problems.reviewersNotPeerReview');
    throw new StartFormError([{ field: 'reviewers', message: t(locale, 'cards.form.fieldProblem', { field: t(locale, 'cards.form.reviewers'), problem }) }]);
  }
  const settings: RoundSettingsInput = {
    packId: f.packId,
    locale: f.locale,
    mode: f.mode,
    ...(f.title ? { title: f.title } : {}),
    channelId: f.channelId,
    ...(f.channelName ? { channelName: f.channelName } : {}),
    // "Everyone in this channel" wins over people picked before it was switched back on.
    participants: f.everyone === true ? [] : [...new Set(f.participants ?? [])],
    managers: [...new Set(f.managers ?? [])],
    // A form with the reviewers field always decides them (an emptied field means none); older forms leave them out.
    ...(Object.hasOwn(raw, 'reviewers') ? { reviewers } : {}),
    pacing: f.pacing,
    ...(f.staggerEveryDays !== undefined ? { staggerEveryDays: f.staggerEveryDays } : {}),
    startDate: f.startDate,
    closeDate: f.closeDate,
    timezone: f.timezone,
    ...(f.country ? { country: f.country } : {}),
    ...(f.reminderDaysBefore !== undefined ? { reminderDaysBefore: f.reminderDaysBefore } : {}),
    ...(f.reminderTime ? { reminderTime: f.reminderTime } : {}),
    ...(f.digestWeekday !== undefined ? { digestWeekday: f.digestWeekday } : {}),
    ...(f.digestTime ? { digestTime: f.digestTime } : {}),
    ...(f.anonymous !== undefined ? { anonymous: f.anonymous } : {}),
    ...(f.isBaseline !== undefined ? { isBaseline: f.isBaseline } : {}),
    ...(f.minResponses !== undefined ? { minResponses: f.minResponses } : {}),
    ...(f.minAnswers !== undefined ? { minAnswers: f.minAnswers } : {}),
  };
  // The core schema is the last word (e.g. dates that don't exist on the calendar).
  const checked = RoundSettingsSchema.safeParse(settings);
  if (!checked.success) {
    const seen = new Set<string>();
    throw new StartFormError(
      checked.error.issues
        .map((i) => describeIssue(locale, i, raw))
        .filter((e) => (seen.has(e.field) ? false : (seen.add(e.field), true))),
    );
  }
  return settings;
}
