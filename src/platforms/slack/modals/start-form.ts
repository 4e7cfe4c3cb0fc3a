// The /assess start modal: built from the CommandReply defaults, and its submission turned into RoundSettings or inline field errors.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { LOCALES, type Locale, type UsageModeId } from '../../../content/schema.js';
import { isValidTimezone } from '../../../core/calendar.js';
import { countryChoices } from '../../../core/country-choices.js';
import { MAX_MIN_ANSWERS, MAX_MIN_RESPONSES, MIN_RESPONSES_FLOOR } from '../../../core/anonymity.js';
import { t } from '../../../core/i18n.js';
import { RoundSettingsSchema, type RoundSettings, type RoundSettingsInput } from '../../../core/settings.js';
import { fitSurface, type SurfacePayload } from '../limits.js';
import { plain, type Block } from '../render/blocks.js';
import { VALUE, ViewState, type ViewStateValues } from './view-state.js';

export const START_CALLBACK = 'assess-start';

/** initial_users beyond this makes a heavy form; with more members, the field stays empty and means "the whole channel". */
export const MAX_INITIAL_USERS = 100;

export interface PackChoice {
  id: string;
  title: string;
  modes: UsageModeId[];
  /** The toolkit's questions for choosing a way of working (core/toolkit-guide.ts), shown under the choice. */
  modeHint?: string[];
}

export interface StartMeta {
  /** Channel the command was typed in. */
  c: string;
  /** Language of the form's labels and errors (the coordinator's). */
  l: Locale;
}

export const StartMetaSchema = z.strictObject({ c: z.string().min(1).max(200), l: z.enum(LOCALES) });

const BLOCK_OF_FIELD: Record<string, string> = {
  packId: 'toolkit',
  locale: 'locale',
  mode: 'mode',
  title: 'title',
  channelId: 'channel',
  participants: 'participants',
  managers: 'managers',
  reviewers: 'reviewers',
  pacing: 'pacing',
  staggerEveryDays: 'stagger_every',
  startDate: 'start_date',
  closeDate: 'close_date',
  timezone: 'timezone',
  country: 'country',
  reminderDaysBefore: 'reminder_days',
  reminderTime: 'reminder_time',
  digestWeekday: 'digest_weekday',
  digestTime: 'digest_time',
  anonymous: 'options',
  isBaseline: 'options',
  minResponses: 'min_responses',
  minAnswers: 'min_answers',
};

function input(blockId: string, label: string, element: Block, opts: { optional?: boolean; hint?: string } = {}): Block {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2000),
    element: { action_id: VALUE, ...element },
    ...(opts.optional ? { optional: true } : {}),
    ...(opts.hint ? { hint: plain(opts.hint, 2000) } : {}),
  };
}

function opt(text: string, value: string) {
  return { text: plain(text, 75), value };
}

export function buildStartModal(defaults: RoundSettings, ctx: { packs: PackChoice[]; labelLocale: Locale; commandChannelId: string }): SurfacePayload {
  const l = ctx.labelLocale;
  const packOptions = ctx.packs.map((p) => opt(p.title, p.id));
  const pack = ctx.packs.find((p) => p.id === defaults.packId) ?? ctx.packs[0];
  const modes = pack?.modes ?? ['internal-evaluation'];
  const modeOptions = modes.map((m) => opt(t(l, `modes.${m}`), m));
  const localeOptions = LOCALES.map((code) => opt(t(l, `slack.form.localeNames.${code}`), code));
  const countryOptions = countryChoices(l, defaults.country).map((c) => opt(c.title, c.id));
  const modeHint = pack?.modeHint && pack.modeHint.length > 0 ? `${t(l, 'form.modeHint')} ${pack.modeHint.join(' ')}` : undefined;
  const weekdayOptions = [1, 2, 3, 4, 5, 6, 7].map((d) => opt(t(l, `form.weekdays.${d}`), String(d)));
  const pacingOptions = [opt(t(l, 'form.pacingAll'), 'all-at-once'), opt(t(l, 'form.pacingStaggered'), 'staggered')];
  const optionChoices = [opt(t(l, 'form.anonymous'), 'anonymous'), opt(t(l, 'form.baseline'), 'baseline')];
  const initialChoices = optionChoices.filter((o) => (o.value === 'anonymous' ? defaults.anonymous : defaults.isBaseline));
  const participants = defaults.participants.length <= MAX_INITIAL_USERS ? defaults.participants : [];
  const find = <T extends { value: string }>(list: T[], value: string) => list.find((o) => o.value === value) ?? list[0];

  const blocks: Block[] = [
    input('title', t(l, 'slack.form.titleLabel'), { type: 'plain_text_input', max_length: 150, placeholder: plain(t(l, 'slack.form.titlePlaceholder'), 150), ...(defaults.title ? { initial_value: defaults.title } : {}) }, { optional: true }),
    input('toolkit', t(l, 'form.toolkit'), { type: 'static_select', options: packOptions, ...(find(packOptions, defaults.packId) ? { initial_option: find(packOptions, defaults.packId) } : {}) }),
    input('locale', t(l, 'form.locale'), { type: 'static_select', options: localeOptions, initial_option: find(localeOptions, defaults.locale) }),
    input('mode', t(l, 'form.mode'), { type: 'static_select', options: modeOptions, initial_option: find(modeOptions, defaults.mode) }, modeHint ? { hint: modeHint } : {}),
    input('channel', t(l, 'form.channel'), {
      type: 'conversations_select',
      // Only a channel can be preselected: typed in a DM, the coordinator picks one.
      ...(/^[CG]/.test(defaults.channelId) ? { initial_conversation: defaults.channelId } : {}),
      filter: { include: ['public', 'private'] },
    }),
    input('participants', t(l, 'form.participants'), { type: 'multi_users_select', ...(participants.length > 0 ? { initial_users: participants } : {}) }, { optional: true, hint: t(l, 'form.participantsHint') }),
    input('managers', t(l, 'form.managers'), { type: 'multi_users_select', ...(defaults.managers.length > 0 ? { initial_users: defaults.managers } : {}) }, { optional: true }),
    // Peer review: colleagues from other cities, often Slack Connect or guest users in the channel.
    input('reviewers', t(l, 'slack.form.reviewers'), { type: 'multi_users_select', ...(defaults.reviewers.length > 0 ? { initial_users: defaults.reviewers.slice(0, MAX_INITIAL_USERS) } : {}) }, { optional: true, hint: t(l, 'slack.form.reviewersHint') }),
    input('pacing', t(l, 'form.pacing'), { type: 'radio_buttons', options: pacingOptions, initial_option: find(pacingOptions, defaults.pacing) }),
    input('stagger_every', t(l, 'form.staggerEveryDays'), { type: 'number_input', is_decimal_allowed: false, min_value: '1', max_value: '30', initial_value: String(defaults.staggerEveryDays) }),
    input('start_date', t(l, 'form.startDate'), { type: 'datepicker', initial_date: defaults.startDate }),
    input('close_date', t(l, 'form.closeDate'), { type: 'datepicker', initial_date: defaults.closeDate }),
    input('timezone', t(l, 'form.timezone'), { type: 'plain_text_input', max_length: 64, initial_value: defaults.timezone }, { hint: t(l, 'slack.form.timezoneHint') }),
    input('country', t(l, 'form.country'), { type: 'static_select', options: countryOptions, initial_option: find(countryOptions, defaults.country) }, { optional: true, hint: t(l, 'form.countryHint') }),
    input('reminder_days', t(l, 'form.reminderDaysBefore'), { type: 'number_input', is_decimal_allowed: false, min_value: '0', max_value: '30', initial_value: String(defaults.reminderDaysBefore) }),
    input('reminder_time', t(l, 'form.reminderTime'), { type: 'timepicker', initial_time: defaults.reminderTime }),
    input('digest_weekday', t(l, 'form.digestWeekday'), { type: 'static_select', options: weekdayOptions, initial_option: find(weekdayOptions, String(defaults.digestWeekday)) }),
    input('digest_time', t(l, 'form.digestTime'), { type: 'timepicker', initial_time: defaults.digestTime }),
    input('options', t(l, 'slack.form.options'), { type: 'checkboxes', options: optionChoices, ...(initialChoices.length > 0 ? { initial_options: initialChoices } : {}) }, { optional: true }),
    input('min_responses', t(l, 'slack.form.minResponses'), { type: 'number_input', is_decimal_allowed: false, min_value: String(MIN_RESPONSES_FLOOR), max_value: String(MAX_MIN_RESPONSES), initial_value: String(defaults.minResponses) }, { optional: true, hint: t(l, 'slack.form.minResponsesHint') }),
    input('min_answers', t(l, 'slack.form.minAnswers'), { type: 'number_input', is_decimal_allowed: false, min_value: String(MIN_RESPONSES_FLOOR), max_value: String(MAX_MIN_ANSWERS), initial_value: String(defaults.minAnswers) }, { optional: true, hint: t(l, 'slack.form.minAnswersHint') }),
  ];
  const meta: StartMeta = { c: ctx.commandChannelId, l };
  return fitSurface('modal', {
    type: 'modal',
    callback_id: START_CALLBACK,
    title: plain(t(l, 'form.title'), 24),
    submit: plain(t(l, 'form.submit'), 24),
    close: plain(t(l, 'answer.cancel'), 24),
    private_metadata: JSON.stringify(meta),
    blocks,
  });
}

export type StartParse = { ok: true; settings: RoundSettingsInput; participantsFromChannel: boolean } | { ok: false; errors: Record<string, string> };

/**
 * Maps the submitted fields to settings and validates them; each problem is reported on its own
 * field, in the coordinator's language. An empty participant list means "the channel's members".
 */
export function parseStartSubmission(values: ViewStateValues, meta: StartMeta, now: number): StartParse {
  const s = new ViewState(values);
  const l = meta.l;
  const errors: Record<string, string> = {};
  const required = t(l, 'slack.form.errors.required');
  const int = (blockId: string, min: number, max: number): number | undefined => {
    const n = s.integer(blockId);
    if (n === undefined || Number.isNaN(n) || n < min || n > max) {
      errors[blockId] = t(l, 'slack.form.errors.number', { min, max });
      return undefined;
    }
    return n;
  };
  const packId = s.option('toolkit');
  if (!packId) errors.toolkit = required;
  const locale = s.option('locale');
  if (!locale) errors.locale = required;
  const mode = s.option('mode');
  if (!mode) errors.mode = required;
  const channelId = s.conversation('channel');
  if (!channelId) errors.channel = t(l, 'slack.form.errors.channel');
  const pacing = s.option('pacing');
  if (!pacing) errors.pacing = required;
  const staggerEveryDays = int('stagger_every', 1, 30);
  const reminderDaysBefore = int('reminder_days', 0, 30);
  const digestWeekday = Number(s.option('digest_weekday') ?? '1');
  const timezone = s.text('timezone').trim();
  if (!isValidTimezone(timezone) || timezone === '') errors.timezone = t(l, 'slack.form.errors.timezone');
  const startDate = s.date('start_date');
  const closeDate = s.date('close_date');
  if (!startDate) errors.start_date = t(l, 'slack.form.errors.date');
  if (!closeDate) errors.close_date = t(l, 'slack.form.errors.date');
  if (startDate && closeDate && !errors.timezone) {
    if (closeDate <= startDate) errors.close_date = t(l, 'slack.form.errors.closeBeforeStart');
    else if (closeDate < DateTime.fromMillis(now, { zone: timezone }).toISODate()!) errors.close_date = t(l, 'slack.form.errors.closeInPast');
  }
  const reminderTime = s.time('reminder_time');
  if (!reminderTime) errors.reminder_time = t(l, 'slack.form.errors.time');
  const digestTime = s.time('digest_time');
  if (!digestTime) errors.digest_time = t(l, 'slack.form.errors.time');
  const title = s.text('title').trim();
  const options = new Set(s.options('options'));
  const participants = s.users('participants');
  const reviewers = [...new Set(s.users('reviewers'))];
  // Reviewers only mean something in a peer review; naming them in another way of working is a mistake worth telling.
  if (reviewers.length > 0 && mode && mode !== 'peer-review') errors.reviewers = t(l, 'slack.form.errors.reviewersNotPeerReview');
  // Left empty (or absent in an older form), the product's default applies.
  const minResponses = s.integer('min_responses') === undefined ? undefined : int('min_responses', MIN_RESPONSES_FLOOR, MAX_MIN_RESPONSES);
  const minAnswers = s.integer('min_answers') === undefined ? undefined : int('min_answers', MIN_RESPONSES_FLOOR, MAX_MIN_ANSWERS);
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const settings: RoundSettingsInput = {
    packId: packId!,
    locale: locale as Locale,
    mode: mode as UsageModeId,
    ...(title ? { title } : {}),
    channelId: channelId!,
    participants,
    managers: s.users('managers'),
    reviewers,
    pacing: pacing as 'all-at-once' | 'staggered',
    staggerEveryDays: staggerEveryDays!,
    startDate: startDate!,
    closeDate: closeDate!,
    timezone,
    // Left empty (or absent in an older form), the round is Swedish for its holidays.
    ...(s.option('country') ? { country: s.option('country')! } : {}),
    reminderDaysBefore: reminderDaysBefore!,
    reminderTime: reminderTime!,
    digestWeekday,
    digestTime: digestTime!,
    anonymous: options.has('anonymous'),
    isBaseline: options.has('baseline'),
    ...(minResponses !== undefined ? { minResponses } : {}),
    ...(minAnswers !== undefined ? { minAnswers } : {}),
  };
  // The core's own schema has the final word; its complaints land on the matching field.
  const parsed = RoundSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const block = BLOCK_OF_FIELD[String(issue.path[0] ?? '')] ?? 'toolkit';
      errors[block] ??= t(l, 'slack.form.errors.invalid');
    }
    return { ok: false, errors };
  }
  return { ok: true, settings, participantsFromChannel: participants.length === 0 };
}
