// Tally math: per-factor distribution, verdict, agreement, participation and score; round totals; baseline comparison.
import { LEVELS, LEVEL_SCORE, emptyCounts, type Level, type LevelCounts } from './model.js';

export interface FactorTally {
  factorId: string;
  counts: LevelCounts;
  /** Everyone who voted, don't-know included. */
  voters: number;
  /** People expected to vote (participants). */
  eligible: number;
  /** voters / eligible, 0 when nobody is eligible. */
  participation: number;
  /** The level with the most votes; ties go to the more cautious level. Null with no votes. */
  verdict: Level | null;
  /** Whether the top count was shared by two or more levels. */
  tied: boolean;
  /** Share of voters behind the verdict (0..1); null with no votes. */
  agreement: number | null;
  /** Mean of 100/50/0 over in-place/partly/not-in-place votes; null when there are none. */
  score: number | null;
  /** The team is split: worth a discussion. */
  disputed: boolean;
}

/** Order used to break ties: the more cautious verdict wins, and a substantive level beats don't-know. */
const CAUTION_ORDER: Level[] = ['not-in-place', 'partly', 'in-place', 'dont-know'];

/** Below this agreement among two or more substantive votes a factor is flagged as worth a discussion. */
export const DISPUTE_AGREEMENT_BELOW = 0.6;

export function tallyFactor(factorId: string, counts: LevelCounts, eligible: number): FactorTally {
  const voters = LEVELS.reduce((sum, level) => sum + counts[level], 0);
  let verdict: Level | null = null;
  let top = 0;
  let tied = false;
  for (const level of CAUTION_ORDER) {
    const n = counts[level];
    if (n > top) {
      top = n;
      verdict = level;
      tied = false;
    } else if (n === top && n > 0) {
      tied = true;
    }
  }
  const substantive = counts['in-place'] + counts.partly + counts['not-in-place'];
  const points = counts['in-place'] * 100 + counts.partly * 50;
  const score = substantive === 0 ? null : Math.round((points / substantive) * 10) / 10;
  const agreement = voters === 0 ? null : top / voters;
  const substantiveTop = Math.max(counts['in-place'], counts.partly, counts['not-in-place']);
  const polarised = counts['in-place'] > 0 && counts['not-in-place'] > 0 &&
    Math.min(counts['in-place'], counts['not-in-place']) / substantive >= 0.25;
  const disputed = substantive >= 2 && (substantiveTop / substantive < DISPUTE_AGREEMENT_BELOW || polarised);
  return {
    factorId,
    counts: { ...counts },
    voters,
    eligible,
    participation: eligible > 0 ? Math.min(1, voters / eligible) : 0,
    verdict,
    tied,
    agreement,
    score,
    disputed,
  };
}

export function countsFromLevels(levels: Iterable<Level>): LevelCounts {
  const counts = emptyCounts();
  for (const level of levels) counts[level] += 1;
  return counts;
}

export interface RoundTotals {
  factorCount: number;
  inPlace: number;
  partly: number;
  notInPlace: number;
  /** Factors with no substantive verdict yet (no votes, or only don't-know). */
  undecided: number;
  /** Mean of the factor scores that exist; null when no factor has a score. */
  overallScore: number | null;
  disputed: string[];
}

export function totalsOf(tallies: FactorTally[]): RoundTotals {
  const scores = tallies.map((f) => f.score).filter((s): s is number => s !== null);
  const count = (level: Level) => tallies.filter((f) => f.verdict === level).length;
  return {
    factorCount: tallies.length,
    inPlace: count('in-place'),
    partly: count('partly'),
    notInPlace: count('not-in-place'),
    undecided: tallies.filter((f) => f.verdict === null || f.verdict === 'dont-know').length,
    overallScore: scores.length === 0 ? null : Math.round(scores.reduce((a, b) => a + b, 0) / scores.length),
    disputed: tallies.filter((f) => f.disputed).map((f) => f.factorId),
  };
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
