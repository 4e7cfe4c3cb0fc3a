// The digest's view model (weekly, final and status digests), and the caps that keep it within chat limits.
import type { Locale } from '../../content/schema.js';
import type { Level } from '../model.js';
import type { Trend } from '../tally.js';

export interface DigestFactorLine {
  factorId: string;
  header: string;
  verdictLabel: string;
  verdict: Level | null;
  /** "Delvis · 58% enighet · 7 av 12 har röstat · 3 har svarat · 2 bevislänkar · ↑ upp" */
  line: string;
  disputed: boolean;
  trend: Trend;
  trendSymbol: string;
  /** The first few evidence links (see `linksMore`). */
  links: string[];
  /** Evidence links given but not listed here; the full report has them all. */
  linksMore: number;
  /** Where the factor is in its calendar at the digest's time; upcoming factors have no result yet. */
  status: 'upcoming' | 'open' | 'closed';
  /** True when an anonymous round hides this factor's result (too few responses). */
  hidden: boolean;
  /** Vote count per level, in the fixed level order; empty when hidden. */
  distribution: { level: Level; label: string; count: number }[];
  /** "På plats 3 · Delvis 7 · Inte på plats 1 · Vet inte 1", or why there is nothing to show. */
  distributionLine: string;
  /** 0–100, null without substantive votes or when hidden. */
  score: number | null;
  /** Share of voters behind the verdict (0..1); null without votes or when hidden. */
  agreement: number | null;
  voters: number;
  eligible: number;
  answers: number;
  evidence: number;
  /** Score change against the comparison round, in points; null when either side has no score. */
  delta: number | null;
  /** Peer review, once the review has started: the panel's verdict beside the team's (see mode-digest.ts). */
  peer?: {
    verdict: Level | null;
    verdictLabel: string;
    score: number | null;
    voters: number;
    eligible: number;
    findings: string[];
    recommendations: string[];
  };
  /** Change since the previous round, when the comparison round is the (older) baseline. */
  sincePrevious?: { trend: Trend; delta: number | null; symbol: string };
}

/** A titled list of lines a digest adds for its way of working (peer recommendations, action plan). */
export interface DigestSection {
  title: string;
  lines: string[];
}

export interface DigestView {
  locale: Locale;
  kind: 'final' | 'weekly' | 'status';
  title: string;
  subtitle: string;
  /** "7 av 13 påståenden stämmer · poäng 62/100", or mid-round "Poäng hittills 58/100, från 5 av 13 nyckelfaktorer" (verdict.ts) */
  headline: string;
  factors: DigestFactorLine[];
  disputedTitle: string;
  disputed: string[];
  contextTitle: string;
  context: string[];
  dueSoonTitle?: string;
  dueSoon?: string[];
  pendingLine?: string;
  /** People who still have a vote to give on a factor that has opened (weekly digests). */
  pendingCount?: number;
  chartAlt: string;
  /** Title to show above the chart image. */
  chartTitle: string;
  reportLinks: { label: string; url: string }[];
  footer: string;
  /** The round's score 0–100 (verdict.ts): null until every factor shown has a score. */
  score: number | null;
  /** The mean of the factor scores there are so far, and how many factors it rests on. */
  scoreSoFar: number | null;
  scored: number;
  /** Key factors whose verdict is In place, and how many there are. */
  inPlace: number;
  total: number;
  /** Something was shortened or left out to stay within chat message limits; the full report has it all. */
  truncated: boolean;
  /** Factor lines left out of `factors` (see `limits.maxFactors`). */
  moreCount: number;
  /** "…och 3 till i hela rapporten", set when `truncated`. */
  moreLine?: string;
  /** The full report (HTML), when a report URL was given. */
  fullReportUrl?: string;
  /** The chart as a PNG behind the same signed link (for image blocks), when a report URL was given. */
  chartUrl?: string;
  /** Extra sections for the round's way of working, shown after the factor lines; absent for a plain round. */
  sections?: DigestSection[];
}

/**
 * Caps that keep a digest within chat limits whatever the round holds: Block Kit allows 50 blocks and
 * 3,000 characters per text, Teams about 80 KB per message. The full report is never cut.
 */
export interface DigestLimits {
  /** Factor lines listed; the rest are counted in `moreCount`. */
  maxFactors: number;
  /** Evidence links listed per factor. */
  maxLinksPerFactor: number;
  /** Longer links are left out of the digest (counted in `linksMore`) rather than broken. */
  maxLinkChars: number;
  /** Context notes listed. */
  maxContext: number;
  /** Each context comment is clipped to this many characters. */
  maxContextChars: number;
  /** Names listed in the weekly digest's pending line. */
  maxNames: number;
  /** No single text in the view is longer than this. */
  maxTextChars: number;
}

export const DIGEST_LIMITS: DigestLimits = {
  maxFactors: 20,
  maxLinksPerFactor: 3,
  maxLinkChars: 300,
  maxContext: 10,
  maxContextChars: 300,
  maxNames: 25,
  maxTextChars: 2900,
};
