// The one rule for a key factor's verdict, score and agreement, and for when a round's overall score is shown.
//
// Every surface (cards, digests, charts, reports, comparisons, history) reads these results; none computes its own.
// The rule, in the words of the README ("How verdicts and scores are counted"):
//   - True / Partly true / Not true count 100 / 50 / 0 points. A factor's score is the mean over those votes.
//   - "Don't know" is a response (it counts for participation) but never a score. A factor whose voters mostly
//     (more than half) say "Don't know" has no score and the verdict "Don't know yet".
//   - Missing votes count for nothing: a factor nobody has voted on has no verdict and no score.
//   - The verdict follows the score, so the two can never disagree: above 75 true, 25 or below not true, partly true in
//     between. A score exactly on 75 takes the more cautious verdict (partly true).
//   - Agreement is the share of substantive voters whose own vote is the verdict.
//   - A team is split (worth a discussion) when agreement is below 60%, or when both "true" and "not true" hold at
//     least a quarter of the substantive votes.
//   - A round's score is the mean of its factors' scores, each factor weighing the same. It is the round's score only
//     once every factor has one; before that it is a "score so far", always shown with how many factors it rests on.
import type { Locale } from '../content/schema.js';
import { t, tn } from './i18n.js';
import { LEVEL_SCORE, LEVELS, type Level, type LevelCounts } from './model.js';

/** A score above this is "true" (in place). */
export const TRUE_ABOVE = 75;
/** A score at or below this is "not true" (not in place). */
export const NOT_TRUE_AT_OR_BELOW = 25;
/** Below this agreement among two or more substantive votes a factor is flagged as worth a discussion. */
export const DISPUTE_AGREEMENT_BELOW = 0.6;
/** Both extremes holding at least this share of the substantive votes is a split team, whatever the mean. */
export const POLARISED_SHARE = 0.25;

export interface FactorResult {
  /** The verdict: a substantive level, 'dont-know' when most voters do not know, null without votes. */
  verdict: Level | null;
  /** 0–100 with one decimal; null without substantive votes or when most voters do not know. */
  score: number | null;
  /** Share of substantive voters whose vote is the verdict (0..1); null when there is no score. */
  agreement: number | null;
  /** True, partly true and not true votes. */
  substantive: number;
  /** The team is split: worth a discussion. */
  disputed: boolean;
}

/** The verdict a score stands for; the bands make it impossible for a verdict to contradict its score. */
export function verdictForScore(score: number): Exclude<Level, 'dont-know'> {
  if (score > TRUE_ABOVE) return 'in-place';
  if (score <= NOT_TRUE_AT_OR_BELOW) return 'not-in-place';
  return 'partly';
}

export function factorResult(counts: LevelCounts): FactorResult {
  const voters = LEVELS.reduce((sum, level) => sum + counts[level], 0);
  const substantive = counts['in-place'] + counts.partly + counts['not-in-place'];
  if (voters === 0) return { verdict: null, score: null, agreement: null, substantive: 0, disputed: false };
  // "Don't know" from most of the team means the factor has not been investigated enough to judge.
  if (substantive === 0 || counts['dont-know'] * 2 > voters) {
    return { verdict: 'dont-know', score: null, agreement: null, substantive, disputed: false };
  }
  const points = counts['in-place'] * (LEVEL_SCORE['in-place'] ?? 100) + counts.partly * (LEVEL_SCORE.partly ?? 50);
  const score = Math.round((points / substantive) * 10) / 10;
  const verdict = verdictForScore(score);
  const agreement = counts[verdict] / substantive;
  const polarised =
    counts['in-place'] > 0 &&
    counts['not-in-place'] > 0 &&
    Math.min(counts['in-place'], counts['not-in-place']) / substantive >= POLARISED_SHARE;
  const disputed = substantive >= 2 && (agreement < DISPUTE_AGREEMENT_BELOW || polarised);
  return { verdict, score, agreement, substantive, disputed };
}

/** What a factor contributes to its round: its verdict and score, or nothing when its result is hidden. */
export type FactorOutcome = { verdict: Level | null; score: number | null } | null;

export interface RoundResult {
  factorCount: number;
  /** Factors with a score. */
  scored: number;
  inPlace: number;
  partly: number;
  notInPlace: number;
  /** Factors without a score: no votes yet, mostly "don't know", or hidden. */
  undecided: number;
  /** Every factor has a score. */
  complete: boolean;
  /** The round's score: only when every factor has one. */
  score: number | null;
  /** The mean of the scores there are, whenever there is at least one (always shown with `scored`). */
  scoreSoFar: number | null;
}

export function roundResult(factors: FactorOutcome[]): RoundResult {
  const scores = factors.map((f) => f?.score ?? null).filter((s): s is number => s !== null);
  const count = (level: Level) => factors.filter((f) => f !== null && f.score !== null && f.verdict === level).length;
  const scoreSoFar = scores.length === 0 ? null : Math.round(scores.reduce((a, b) => a + b, 0) / scores.length);
  const complete = factors.length > 0 && scores.length === factors.length;
  return {
    factorCount: factors.length,
    scored: scores.length,
    inPlace: count('in-place'),
    partly: count('partly'),
    notInPlace: count('not-in-place'),
    undecided: factors.length - scores.length,
    complete,
    score: complete ? scoreSoFar : null,
    scoreSoFar,
  };
}

/** "Stämmer delvis"; "Vet inte än" for a factor most voters do not know yet; "Inget utslag än" without votes. */
export function verdictLabel(locale: Locale, verdict: Level | null): string {
  if (verdict === null) return t(locale, 'digest.noVerdict');
  if (verdict === 'dont-know') return t(locale, 'verdict.dontKnowYet');
  return t(locale, `levels.${verdict}`);
}

/**
 * The round's headline. A final summary always says how many statements hold; mid-round only the score so far shows,
 * with the number of factors it rests on, so a half-voted round never reads like a result.
 */
export function roundHeadline(locale: Locale, result: RoundResult, final: boolean): string {
  const total = result.factorCount;
  const verdicts = tn(locale, 'verdict.headline.true', total, { inPlace: result.inPlace });
  if (result.complete) return `${verdicts} · ${t(locale, 'verdict.headline.score', { score: result.score ?? 0 })}`;
  if (result.scoreSoFar === null) {
    return final ? `${verdicts} · ${t(locale, 'verdict.headline.noScoreFinal')}` : t(locale, 'verdict.headline.noScore');
  }
  if (final) return `${verdicts} · ${tn(locale, 'verdict.headline.scorePartial', total, { score: result.scoreSoFar, scored: result.scored })}`;
  return tn(locale, 'verdict.headline.scoreSoFar', total, { score: result.scoreSoFar, scored: result.scored });
}
