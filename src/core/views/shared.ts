// What every view model shares: button models, level labels, factor headers, trend symbols and the tally line.
import type { Locale } from '../../content/schema.js';
import { formatDate } from '../calendar.js';
import { t } from '../i18n.js';
import { LEVELS, type Level, type Round } from '../model.js';
import type { RoundState } from '../read-model.js';
import { resultsVisible, voteThreshold } from '../anonymity.js';
import type { FactorTally, Trend } from '../tally.js';

/** Every button carries a stable action id and a value; adapters map them to their platform's actions. */
export interface ButtonView {
  actionId: 'vote' | 'answer' | 'examples' | 'open-card';
  label: string;
  value: string;
  style?: 'primary' | 'danger';
}

export const pad = (n: number) => String(n).padStart(2, '0');

export function levelLabel(locale: Locale, level: Level): string {
  return t(locale, `levels.${level}`);
}

export function factorHeader(state: Pick<RoundState, 'pack'>, factorId: string): string {
  const f = state.pack.keyFactors.find((k) => k.id === factorId);
  return f ? `${pad(f.number)} · ${f.theme}` : factorId;
}

export const TREND_SYMBOL: Record<Trend, string> = { up: '↑', down: '↓', same: '=', 'n/a': '' };

export function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

export function tallyLine(locale: Locale, round: Round, tally: FactorTally): string {
  if (!resultsVisible(round, tally)) return t(locale, 'card.hiddenUntil', { min: voteThreshold(round) });
  if (tally.voters === 0) return t(locale, 'card.noVotesYet');
  return LEVELS.map((l) => `${levelLabel(locale, l)} ${tally.counts[l]}`).join(' · ');
}
/** Confirmation shown only to the voter. */
export function voteConfirmation(locale: Locale, level: Level, factorHeaderText: string, changeUntilIso: string, zone: string): string {
  return t(locale, 'vote.confirmed', {
    level: levelLabel(locale, level),
    factor: factorHeaderText,
    until: formatDate(changeUntilIso, zone, locale),
  });
}

