// Tally math: per-factor distribution and participation, with the verdict and score of verdict.ts; round totals; comparison.
import { LEVELS, LEVEL_SCORE, emptyCounts, type Level, type LevelCounts } from './model.js';
import { factorResult, roundResult, type RoundResult } from './verdict.js';

export interface FactorTally {
  factorId: string;
  counts: LevelCounts;
  /** Everyone who voted, don't-know included. */
  voters: number;
  /** People expected to vote (participants). */
  eligible: number;
  /** voters / eligible, 0 when nobody is eligible. */
  participation: number;
  /** The verdict the score stands for (verdict.ts); 'dont-know' when most voters do not know; null with no votes. */
  verdict: Level | null;
  /** Share of substantive voters whose vote is the verdict (0..1); null without a score. */
  agreement: number | null;
  /** Mean of 100/50/0 over true/partly true/not true votes; null without them or when most voters do not know. */
  score: number | null;
  /** The team is split: worth a discussion. */
  disputed: boolean;
}

export { DISPUTE_AGREEMENT_BELOW } from './verdict.js';

export function tallyFactor(factorId: string, counts: LevelCounts, eligible: number): FactorTally {
  const voters = LEVELS.reduce((sum, level) => sum + counts[level], 0);
  const result = factorResult(counts);
  return {
    factorId,
    counts: { ...counts },
    voters,
    eligible,
    participation: eligible > 0 ? Math.min(1, voters / eligible) : 0,
    verdict: result.verdict,
    agreement: result.agreement,
    score: result.score,
    disputed: result.disputed,
  };
}

export function countsFromLevels(levels: Iterable<Level>): LevelCounts {
  const counts = emptyCounts();
  for (const level of levels) counts[level] += 1;
  return counts;
}

export interface RoundTotals extends RoundResult {
  /** The round's score (verdict.ts): null until every factor has a score. */
  overallScore: number | null;
  disputed: string[];
}

/** Totals over every factor's tally; a surface that hides some factors uses roundResult over what it shows. */
export function totalsOf(tallies: FactorTally[]): RoundTotals {
  const result = roundResult(tallies);
  return { ...result, overallScore: result.score, disputed: tallies.filter((f) => f.disputed).map((f) => f.factorId) };
}

export type Trend = 'up' | 'down' | 'same' | 'n/a';

export interface FactorComparison {
  factorId: string;
  current: number | null;
  previous: number | null;
  delta: number | null;
  trend: Trend;
  verdictNow: Level | null;
  verdictBefore: Level | null;
}

/** Score changes smaller than this many points count as "same". */
export const SAME_WITHIN_POINTS = 5;

/** Which factors each side may show; a factor either side hides is compared as "nothing to compare". */
export interface ComparisonVisibility {
  current?: (tally: FactorTally) => boolean;
  previous?: (tally: FactorTally) => boolean;
}

export function compareTallies(current: FactorTally[], previous: FactorTally[], shown: ComparisonVisibility = {}): FactorComparison[] {
  const before = new Map(previous.map((f) => [f.factorId, f]));
  return current.map((now) => {
    const then = before.get(now.factorId);
    const hidden = (shown.current && !shown.current(now)) || (then !== undefined && shown.previous !== undefined && !shown.previous(then));
    if (hidden) {
      return { factorId: now.factorId, current: null, previous: null, delta: null, trend: 'n/a' as const, verdictNow: null, verdictBefore: null };
    }
    const prev = then?.score ?? null;
    if (now.score === null || prev === null) {
      return {
        factorId: now.factorId,
        current: now.score,
        previous: prev,
        delta: null,
        trend: 'n/a' as const,
        verdictNow: now.verdict,
        verdictBefore: then?.verdict ?? null,
      };
    }
    const delta = Math.round((now.score - prev) * 10) / 10;
    const trend: Trend = Math.abs(delta) < SAME_WITHIN_POINTS ? 'same' : delta > 0 ? 'up' : 'down';
    return { factorId: now.factorId, current: now.score, previous: prev, delta, trend, verdictNow: now.verdict, verdictBefore: then?.verdict ?? null };
  });
}

export function levelScore(level: Level): number | null {
  return LEVEL_SCORE[level];
}
