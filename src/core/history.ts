// Progress over the years: each key factor's score in every round of a channel, as data and as a text table.
import { DateTime } from 'luxon';
import type { Locale } from '../content/schema.js';
import { factorLabel } from './action-plan.js';
import { resultsVisible } from './anonymity.js';
import { t } from './i18n.js';
import type { Level } from './model.js';
import type { RoundState } from './read-model.js';
import { SAME_WITHIN_POINTS, type Trend } from './tally.js';
import { roundResult } from './verdict.js';

export interface HistoryRound {
  roundId: string;
  /** "jan 2026" in the rounds' language, with a marker for the baseline. */
  label: string;
  opensAt: string;
  status: string;
  isBaseline: boolean;
  /** The round's score 0–100 (verdict.ts): null unless every factor it shows has a score. */
  score: number | null;
}

export interface HistoryFactor {
  factorId: string;
  header: string;
  /** One entry per round, in round order; null when hidden (anonymous) or not yet voted. */
  scores: (number | null)[];
  verdicts: (Level | null)[];
  /** Latest score against the first round with a score, and against the one before the latest. */
  sinceFirst: Trend;
  sincePrevious: Trend;
}

export interface History {
  locale: Locale;
  rounds: HistoryRound[];
  factors: HistoryFactor[];
}

const SYMBOL: Record<Trend, string> = { up: '↑', down: '↓', same: '=', 'n/a': '·' };

function trendOf(now: number | null, then: number | null): Trend {
  if (now === null || then === null) return 'n/a';
  const delta = now - then;
  return Math.abs(delta) < SAME_WITHIN_POINTS ? 'same' : delta > 0 ? 'up' : 'down';
}

function monthLabel(iso: string, zone: string, locale: Locale): string {
  return DateTime.fromISO(iso, { setZone: true })
    .setZone(zone)
    .setLocale(locale === 'sv' ? 'sv-SE' : 'en-GB')
    .toFormat('LLL yyyy')
    .replace('.', '');
}

/**
 * The history of rounds (oldest first). Factors come from the newest round's pack, so a later toolkit
 * edition decides the rows; hidden results stay hidden here too.
 */
export function buildHistory(states: RoundState[], locale?: Locale): History {
  const ordered = [...states].sort((a, b) => a.round.calendar.opensAt.localeCompare(b.round.calendar.opensAt));
  const newest = ordered[ordered.length - 1];
  const lang: Locale = locale ?? newest?.round.locale ?? 'sv';
  const rounds: HistoryRound[] = ordered.map((s) => {
    const label = monthLabel(s.round.openedAt ?? s.round.calendar.opensAt, s.round.calendar.timezone, lang);
    return {
      roundId: s.round.id,
      label: s.round.isBaseline ? t(lang, 'modes.history.baselineLabel', { label }) : label,
      opensAt: s.round.calendar.opensAt,
      status: s.round.status,
      isBaseline: s.round.isBaseline,
      // Hidden factors count as unscored, so a hidden score never shows through the total.
      score: roundResult(s.tallies.map((x) => (resultsVisible(s.round, x) ? x : null))).score,
    };
  });
  const factorIds = newest?.round.factorIds ?? [];
  const factors: HistoryFactor[] = factorIds.map((factorId) => {
    const cells = ordered.map((s) => {
      const tally = s.tallies.find((x) => x.factorId === factorId);
      const visible = tally !== undefined && resultsVisible(s.round, tally);
      return { score: visible ? tally.score : null, verdict: visible ? tally.verdict : null };
    });
    const scores = cells.map((c) => c.score);
    const known = scores.filter((x): x is number => x !== null);
    const last = scores[scores.length - 1] ?? null;
    const before = scores.length >= 2 ? (scores[scores.length - 2] ?? null) : null;
    return {
      factorId,
      header: newest ? factorLabel(newest.pack, factorId) : factorId,
      scores,
      verdicts: cells.map((c) => c.verdict),
      sinceFirst: known.length >= 2 ? trendOf(last, known[0] ?? null) : 'n/a',
      sincePrevious: trendOf(last, before),
    };
  });
  return { locale: lang, rounds, factors };
}

function pad(text: string, width: number, right = false): string {
  const chars = Array.from(text);
  if (chars.length >= width) return chars.slice(0, width).join('');
  const fill = ' '.repeat(width - chars.length);
  return right ? fill + text : text + fill;
}

/** A fixed-width table (in a code block) that reads the same in Slack, Teams and a terminal. */
export function historyTable(history: History, opts: { maxRounds?: number; fence?: boolean } = {}): string {
  const { locale } = history;
  if (history.rounds.length === 0) return t(locale, 'modes.history.none');
  const max = opts.maxRounds ?? 6;
  const shown = history.rounds.slice(-max);
  const skip = history.rounds.length - shown.length;
  const nameWidth = Math.min(36, Math.max(...history.factors.map((f) => Array.from(f.header).length), 10));
  const colWidth = Math.max(8, ...shown.map((r) => Array.from(r.label).length));
  const head = [pad(t(locale, 'modes.history.factor'), nameWidth), ...shown.map((r) => pad(r.label, colWidth, true)), t(locale, 'modes.history.trend')];
  const rows = history.factors.map((f) => {
    const cells = f.scores.slice(skip).map((s) => pad(s === null ? '–' : String(Math.round(s)), colWidth, true));
    return [pad(f.header, nameWidth), ...cells, `${SYMBOL[f.sincePrevious]} ${SYMBOL[f.sinceFirst]}`].join('  ');
  });
  const total = [pad(t(locale, 'modes.history.overall'), nameWidth), ...shown.map((r) => pad(r.score === null ? '–' : String(r.score), colWidth, true))].join('  ');
  const table = [head.join('  '), ...rows, total].join('\n');
  const lines = [t(locale, 'modes.history.title', { count: history.rounds.length }), opts.fence === false ? table : `\`\`\`\n${table}\n\`\`\``, t(locale, 'modes.history.legend')];
  if (skip > 0) lines.push(t(locale, 'modes.history.older', { count: skip }));
  return lines.join('\n');
}
