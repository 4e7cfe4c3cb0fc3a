// The reminder and welcome view models: what a person has left to do, and what a new round is about.
import type { Locale } from '../../content/schema.js';
import { everyWorkingDays, formatDate } from '../calendar.js';
import { t, tn } from '../i18n.js';
import type { RoundState } from '../read-model.js';
import { answerThreshold, voteThreshold } from '../anonymity.js';
import { displayName } from '../own.js';
import { factorHeader, type ButtonView } from './shared.js';

export interface ReminderView {
  locale: Locale;
  text: string;
  /** The factors with a line and a button (the first few of a long reminder). */
  factors: { factorId: string; label: string; due: string; button: ButtonView }[];
  /** Every factor the reminder is about, buttons or not. */
  factorIds?: string[];
}

/** Up to this many waiting factors get a button and their full name each; more are listed compactly, by due date. */
export const MAX_REMINDER_BUTTONS = 3;

/**
 * A reminder of the factors waiting for someone. A few get a line and an "Open" button each; a long list (all thirteen
 * of an all-at-once round) names them on one line per due date ("01 · Offentliga åtaganden, 02 · Strategi, …
 * (senast fredag 15 januari)") with buttons for the first few only: the cards themselves are in the channel.
 */
export function buildReminder(state: RoundState, factorIds: string[]): ReminderView {
  const { round } = state;
  const locale = round.locale;
  const factors = factorIds.map((id) => {
    const w = state.windows.find((x) => x.factorId === id);
    const due = w ? formatDate(w.dueAt, round.calendar.timezone, locale) : '';
    return {
      factorId: id,
      label: factorHeader(state, id),
      due,
      button: { actionId: 'open-card' as const, label: t(locale, 'reminder.openCard', { factor: factorHeader(state, id) }), value: JSON.stringify({ r: round.id, f: id }) },
    };
  });
  if (factors.length <= MAX_REMINDER_BUTTONS) {
    const list = factors.map((f) => t(locale, 'reminder.item', { factor: f.label, due: f.due })).join(', ');
    return { locale, text: tn(locale, 'plural.reminder', factors.length, { list }), factors };
  }
  const byDue = new Map<string, string[]>();
  for (const f of factors) byDue.set(f.due, [...(byDue.get(f.due) ?? []), f.label]);
  const list = [...byDue].map(([due, labels]) => t(locale, 'reminder.item', { factor: labels.join(', '), due })).join('; ');
  const text = `${tn(locale, 'plural.reminder', factors.length, { list })}\n${t(locale, 'reminder.inChannel')}`;
  return { locale, text, factors: factors.slice(0, MAX_REMINDER_BUTTONS), factorIds };
}

export interface WelcomeView {
  locale: Locale;
  title: string;
  lines: string[];
}

export function buildWelcome(state: RoundState): WelcomeView {
  const { round, pack } = state;
  const locale = round.locale;
  const tz = round.calendar.timezone;
  const pacing =
    round.calendar.pacing.kind === 'all-at-once'
      ? t(locale, 'welcome.allAtOnce')
      : t(locale, 'welcome.staggered', { every: everyWorkingDays(locale, round.calendar.pacing.everyDays) });
  return {
    locale,
    title: t(locale, 'welcome.title', { title: round.title ?? pack.shortTitle }),
    lines: [
      tn(locale, 'welcome.what', round.factorIds.length, { mode: t(locale, `modes.${round.mode}`) }),
      // The toolkit's footnote 1, so nobody rates gender or age diversity: the guidelines mean diversity from immigration.
      ...(pack.scopeNote ? [pack.scopeNote] : []),
      t(locale, 'welcome.how'),
      t(locale, 'welcome.calendar', {
        pacing,
        closes: formatDate(round.calendar.closesAt, tz, locale),
      }),
      t(locale, 'welcome.coordinator', { name: displayName(round, round.coordinators[0] ?? '') }),
      ...(round.anonymous ? [t(locale, 'welcome.anonymous', { min: voteThreshold(round), minAnswers: answerThreshold(round) })] : []),
    ],
  };
}
