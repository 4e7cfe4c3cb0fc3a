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
  factors: { factorId: string; label: string; due: string; button: ButtonView }[];
}

/** Up to this many waiting factors get a button and their full name each; more are listed compactly, by due date. */
export const MAX_REMINDER_BUTTONS = 3;

/** "01–03, 05" from factor numbers: runs of consecutive numbers as ranges. */
function numberRuns(numbers: number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j += 1;
    const from = String(sorted[i]).padStart(2, '0');
    const to = String(sorted[j]).padStart(2, '0');
    runs.push(j === i ? from : j === i + 1 ? `${from}, ${to}` : `${from}–${to}`);
    i = j + 1;
  }
  return runs.join(', ');
}

/**
 * A reminder of the factors waiting for someone. A few get a line and an "Open" button each; a long list (all thirteen
 * of an all-at-once round) is one compact line per due date ("01–13 (senast fredag 15 januari)") and buttons for the
 * first few only: the cards themselves are in the channel.
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
  const byDue = new Map<string, number[]>();
  for (const f of factors) {
    const number = state.pack.keyFactors.find((k) => k.id === f.factorId)?.number ?? 0;
    byDue.set(f.due, [...(byDue.get(f.due) ?? []), number]);
  }
  const list = [...byDue].map(([due, numbers]) => t(locale, 'reminder.item', { factor: numberRuns(numbers), due })).join('; ');
  const text = `${tn(locale, 'plural.reminder', factors.length, { list })}\n${t(locale, 'reminder.inChannel')}`;
  return { locale, text, factors: factors.slice(0, MAX_REMINDER_BUTTONS) };
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
