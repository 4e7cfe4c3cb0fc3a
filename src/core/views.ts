// Platform-neutral view models for every card and message; Slack, Teams and the playground render these.
import type { Locale } from '../content/schema.js';
import { everyWorkingDays, formatDate, formatDateWithYear } from './calendar.js';
import { t, tn } from './i18n.js';
import { LEVELS, type Level, type Round } from './model.js';
import type { RoundState } from './service.js';
import { answerThreshold, compareRounds, resultsVisible, voteThreshold } from './anonymity.js';
import { displayName, hasOwnKey } from './own.js';
import type { FactorComparison, FactorTally, Trend } from './tally.js';
import { addModeDetails, type ModeDigestOptions } from './mode-digest.js';
import { roundHeadline, roundResult, verdictLabel as verdictLabelOf } from './verdict.js';

/** Every button carries a stable action id and a value; adapters map them to their platform's actions. */
export interface ButtonView {
  actionId: 'vote' | 'answer' | 'examples' | 'open-card';
  label: string;
  value: string;
  style?: 'primary' | 'danger';
}

export interface QuestionView {
  id: string;
  label: string;
  text: string;
  details: string[];
}

export interface FactorCardView {
  locale: Locale;
  tenant: string;
  roundId: string;
  factorId: string;
  /** "01 · Offentliga åtaganden" */
  header: string;
  /** The toolkit's scope (its footnote 1: diversity that comes from immigration), under the header; absent when the pack has none. */
  scopeNote?: string;
  statement: string;
  rationale: string;
  questionsTitle: string;
  /** Investigate the questions, answer them, then vote: the order the toolkit asks for. */
  questionsIntro: string;
  /** The question the vote buttons answer ("Stämmer påståendet för er kommun?"). */
  votePrompt: string;
  questions: QuestionView[];
  examplesTitle: string;
  examples: { title: string; summary: string }[];
  /** "5 av 12 har röstat · 3 har svarat · 2 bevislänkar" */
  progressLine: string;
  /** "Stämmer 2 · Stämmer delvis 3 · …", or a note that results are hidden until enough responses. */
  tallyLine: string;
  dueLine: string;
  trendLine?: string;
  /** The viewer's own vote, when the platform can show per-user cards (Teams refresh). */
  myVoteLine?: string;
  myVote?: Level;
  voteButtons: ButtonView[];
  answerButton: ButtonView;
  examplesButton: ButtonView;
  closed: boolean;
  closedLine?: string;
}

export interface DigestFactorLine {
  factorId: string;
  header: string;
  verdictLabel: string;
  verdict: Level | null;
  /** "Stämmer delvis · 58% enighet · 7 av 12 har röstat · 3 har svarat · 2 bevislänkar · ↑ upp" */
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
  /** "Stämmer 3 · Stämmer delvis 7 · Stämmer inte 1 · Vet inte 1", or why there is nothing to show. */
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

export interface ReminderView {
  locale: Locale;
  text: string;
  factors: { factorId: string; label: string; due: string; button: ButtonView }[];
}

const pad = (n: number) => String(n).padStart(2, '0');

export function levelLabel(locale: Locale, level: Level): string {
  return t(locale, `levels.${level}`);
}

export function factorHeader(state: Pick<RoundState, 'pack'>, factorId: string): string {
  const f = state.pack.keyFactors.find((k) => k.id === factorId);
  return f ? `${pad(f.number)} · ${f.theme}` : factorId;
}

const TREND_SYMBOL: Record<Trend, string> = { up: '↑', down: '↓', same: '=', 'n/a': '' };

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

export function tallyLine(locale: Locale, round: Round, tally: FactorTally): string {
  if (!resultsVisible(round, tally)) return t(locale, 'card.hiddenUntil', { min: voteThreshold(round) });
  if (tally.voters === 0) return t(locale, 'card.noVotesYet');
  return LEVELS.map((l) => `${levelLabel(locale, l)} ${tally.counts[l]}`).join(' · ');
}

export function buildFactorCard(
  state: RoundState,
  factorId: string,
  opts: { viewerId?: string; myVote?: Level | null; baseline?: FactorComparison[] } = {},
): FactorCardView {
  const { round, pack } = state;
  const locale = round.locale;
  const factor = pack.keyFactors.find((f) => f.id === factorId);
  if (!factor) throw new Error(`unknown factor ${factorId}`);
  const tally = state.tallies.find((x) => x.factorId === factorId)!;
  const stats = state.answerStats[factorId] ?? { answers: 0, evidence: 0, links: [] };
  const window = state.windows.find((w) => w.factorId === factorId);
  const value = JSON.stringify({ r: round.id, f: factorId });
  const visible = resultsVisible(round, tally);
  // Below the threshold nothing about the factor shows: no answer or link counts, no trend against an earlier round.
  const comparison = visible ? opts.baseline?.find((c) => c.factorId === factorId) : undefined;
  const closed = round.status !== 'open';
  const view: FactorCardView = {
    locale,
    tenant: round.tenant,
    roundId: round.id,
    factorId,
    header: `${pad(factor.number)} · ${factor.theme}`,
    ...(pack.scopeNote ? { scopeNote: pack.scopeNote } : {}),
    statement: factor.statement,
    rationale: factor.rationale,
    questionsTitle: t(locale, 'card.questionsTitle'),
    questionsIntro: t(locale, 'card.questionsIntro', { answer: t(locale, 'card.answerButton') }),
    votePrompt: t(locale, 'card.votePrompt'),
    questions: factor.questions.map((q, i) => ({ id: q.id, label: `${i + 1}.`, text: q.text, details: q.details ?? [] })),
    examplesTitle: t(locale, 'card.examplesTitle'),
    examples: factor.examples.map((e) => ({ title: e.country ? `${e.place}, ${e.country}` : e.place, summary: e.summary })),
    progressLine: [
      t(locale, 'card.voted', { voted: tally.voters, eligible: tally.eligible }),
      ...(visible ? [tn(locale, 'plural.answered', stats.answers), tn(locale, 'plural.links', stats.evidence)] : []),
    ].join(' · '),
    tallyLine: tallyLine(locale, round, tally),
    dueLine: window ? t(locale, 'card.due', { date: formatDate(window.dueAt, round.calendar.timezone, locale) }) : '',
    voteButtons: LEVELS.map((level) => ({
      actionId: 'vote' as const,
      label: levelLabel(locale, level),
      value: JSON.stringify({ r: round.id, f: factorId, l: level }),
      ...(opts.myVote === level ? { style: 'primary' as const } : {}),
    })),
    answerButton: { actionId: 'answer', label: t(locale, 'card.answerButton'), value },
    examplesButton: { actionId: 'examples', label: t(locale, 'card.examplesButton'), value },
    closed,
  };
  if (comparison && comparison.trend !== 'n/a') {
    view.trendLine = t(locale, `trend.${comparison.trend}`, { symbol: TREND_SYMBOL[comparison.trend] });
  }
  if (opts.myVote) {
    view.myVote = opts.myVote;
    view.myVoteLine = t(locale, 'card.yourVote', { level: levelLabel(locale, opts.myVote) });
  }
  if (closed) view.closedLine = t(locale, 'card.closed');
  return view;
}

function nameOf(round: Round, id: string): string {
  return displayName(round, id);
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

export interface DigestOptions extends ModeDigestOptions {
  kind: DigestView['kind'];
  baseline?: RoundState | null;
  reportUrl?: string;
  now: number;
  limits?: Partial<DigestLimits>;
}


/** Shortens text to `max` characters (code points), ending with an ellipsis; reports whether it cut. */
function clip(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  const chars = Array.from(text);
  if (chars.length <= max) return { text, cut: false };
  return { text: `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`, cut: true };
}

function factorStatus(state: RoundState, factorId: string, kind: DigestView['kind'], now: number): DigestFactorLine['status'] {
  if (kind === 'final' || state.round.status === 'closed' || state.round.status === 'archived') return 'closed';
  const w = state.windows.find((x) => x.factorId === factorId);
  if (!w) return 'open';
  if (Date.parse(w.opensAt) > now) return 'upcoming';
  return Date.parse(w.dueAt) <= now ? 'closed' : 'open';
}

/**
 * Participants with a vote still to give on a factor that has opened, most missing first. Anonymous rounds key
 * votes by a keyed hash, so there we count the people who voted on every opened factor and subtract.
 */
function pendingParticipants(state: RoundState, now: number): { count: number; people: { id: string; missing: number }[] } {
  const { round } = state;
  const opened = state.windows.filter((w) => Date.parse(w.opensAt) <= now).map((w) => w.factorId);
  if (opened.length === 0) return { count: 0, people: [] };
  const voteMaps = opened.map((id) => state.snapshot.votes[id] ?? {});
  if (round.anonymous) {
    const [first = {}, ...rest] = voteMaps;
    let complete = 0;
    for (const key of Object.keys(first)) if (rest.every((m) => hasOwnKey(m, key))) complete += 1;
    return { count: Math.max(0, round.participants.length - complete), people: [] };
  }
  const people = round.participants
    .map((id, order) => ({ id, order, missing: voteMaps.reduce((n, m) => (hasOwnKey(m, id) ? n : n + 1), 0) }))
    .filter((p) => p.missing > 0)
    .sort((a, b) => b.missing - a.missing || a.order - b.order)
    .map(({ id, missing }) => ({ id, missing }));
  return { count: people.length, people };
}

export function buildDigest(state: RoundState, opts: DigestOptions): DigestView {
  const { round, pack, tallies } = state;
  const locale = round.locale;
  const limits: DigestLimits = { ...DIGEST_LIMITS, ...(opts.limits ?? {}) };
  let truncated = false;
  const fit = (text: string, max = limits.maxTextChars): string => {
    const c = clip(text, Math.min(max, limits.maxTextChars));
    if (c.cut) truncated = true;
    return c.text;
  };
  const comparisons = opts.baseline ? compareRounds(state, opts.baseline) : [];
  const tz = round.calendar.timezone;
  const allFactors: DigestFactorLine[] = tallies.map((tally) => {
    const cmp = comparisons.find((c) => c.factorId === tally.factorId);
    const visible = resultsVisible(round, tally);
    const trend: Trend = visible ? cmp?.trend ?? 'n/a' : 'n/a';
    const kept = state.answerStats[tally.factorId] ?? { answers: 0, evidence: 0, links: [] };
    // A hidden factor shows no answer or link counts; an anonymous round lists no links here at all, since which
    // few a preview picks follows who answered first (the full report lists them, unattributed, after the close).
    const stats = visible ? kept : { answers: 0, evidence: 0, links: [] };
    const previewLinks = round.anonymous ? [] : stats.links;
    const status = factorStatus(state, tally.factorId, opts.kind, opts.now);
    const verdict = visible ? tally.verdict : null;
    const verdictLabel = verdictLabelOf(locale, verdict);
    const window = state.windows.find((w) => w.factorId === tally.factorId);
    const parts =
      status === 'upcoming' && window
        ? [t(locale, 'card.notYetOpen', { date: formatDate(window.opensAt, tz, locale) })]
        : [
            verdictLabel,
            visible && tally.agreement !== null ? t(locale, 'digest.agreement', { pct: percent(tally.agreement) }) : null,
            t(locale, 'digest.participation', { voted: tally.voters, eligible: tally.eligible }),
            stats.answers > 0 ? tn(locale, 'plural.answered', stats.answers) : null,
            stats.evidence > 0 ? tn(locale, 'plural.links', stats.evidence) : null,
            trend !== 'n/a' ? `${TREND_SYMBOL[trend]} ${t(locale, `trend.short.${trend}`)}` : null,
          ].filter((p): p is string => p !== null);
    const shownLinks = previewLinks.filter((l) => l.length <= limits.maxLinkChars).slice(0, limits.maxLinksPerFactor);
    return {
      factorId: tally.factorId,
      header: factorHeader(state, tally.factorId),
      verdict,
      verdictLabel,
      line: fit(parts.join(' · ')),
      disputed: visible && tally.disputed,
      trend,
      trendSymbol: TREND_SYMBOL[trend],
      links: shownLinks,
      // `links` is a preview of the first few; `evidence` counts them all.
      linksMore: Math.max(0, stats.evidence - shownLinks.length),
      status,
      hidden: !visible,
      distribution: visible ? LEVELS.map((level) => ({ level, label: levelLabel(locale, level), count: tally.counts[level] })) : [],
      distributionLine: tallyLine(locale, round, tally),
      score: visible ? tally.score : null,
      agreement: visible ? tally.agreement : null,
      voters: tally.voters,
      eligible: tally.eligible,
      answers: stats.answers,
      evidence: stats.evidence,
      delta: visible ? cmp?.delta ?? null : null,
    };
  });
  const factors = allFactors.slice(0, limits.maxFactors);
  const moreCount = allFactors.length - factors.length;
  if (moreCount > 0) truncated = true;
  const disputedTallies = tallies.filter((x) => x.disputed && resultsVisible(round, x));
  const disputed = disputedTallies.slice(0, limits.maxFactors).map((x) => {
    const parts = LEVELS.filter((l) => l !== 'dont-know' && x.counts[l] > 0).map((l) =>
      t(locale, 'digest.saysLevel', { n: x.counts[l], level: levelLabel(locale, l) }),
    );
    return fit(`${factorHeader(state, x.factorId)}: ${parts.join(', ')} – ${t(locale, 'digest.worthDiscussion')}`);
  });
  if (disputedTallies.length > disputed.length) truncated = true;
  const context = round.contextNotes.slice(0, limits.maxContext).map((n) => {
    const cf = pack.contextFactors.find((c) => c.id === n.contextFactorId);
    return `${cf?.name ?? n.contextFactorId}: ${fit(n.comment, limits.maxContextChars)}`;
  });
  if (round.contextNotes.length > context.length) truncated = true;
  // The headline counts only what this digest may show: a hidden factor has no score here (verdict.ts).
  const shown = roundResult(tallies.map((x) => (resultsVisible(round, x) ? x : null)));
  const headline = roundHeadline(locale, shown, opts.kind === 'final');
  const view: DigestView = {
    locale,
    kind: opts.kind,
    title: fit(t(locale, `digest.title.${opts.kind}`, { title: round.title ?? pack.shortTitle })),
    subtitle: t(locale, 'digest.subtitle', {
      mode: t(locale, `modes.${round.mode}`),
      opened: formatDate(round.calendar.opensAt, tz, locale),
      closes: formatDate(round.calendar.closesAt, tz, locale),
    }),
    headline,
    factors,
    disputedTitle: t(locale, 'digest.disputedTitle'),
    disputed,
    contextTitle: t(locale, 'digest.contextTitle'),
    context,
    chartAlt: fit(chartAltText(state, comparisons)),
    chartTitle: t(locale, 'chart.title'),
    reportLinks: opts.reportUrl
      ? (['html', 'csv', 'md', 'json'] as const).map((fmt) => ({ label: t(locale, `digest.report.${fmt}`), url: `${opts.reportUrl}?format=${fmt}` }))
      : [],
    footer: opts.baseline
      ? t(locale, opts.baseline.round.isBaseline ? 'digest.footerBaseline' : 'report.digest.footerPrevious', {
          // Comparisons span years, so their dates carry one.
          baseline: formatDateWithYear(opts.baseline.round.calendar.opensAt, tz, locale),
        })
      : t(locale, 'digest.footer'),
    score: shown.score,
    scoreSoFar: shown.scoreSoFar,
    scored: shown.scored,
    inPlace: shown.inPlace,
    total: shown.factorCount,
    truncated: false,
    moreCount,
  };
  if (opts.reportUrl) {
    view.fullReportUrl = `${opts.reportUrl}?format=html`;
    view.chartUrl = `${opts.reportUrl}/chart.png`;
  }
  if (opts.kind === 'weekly') {
    const weekAhead = opts.now + 7 * 24 * 3600 * 1000;
    const due = state.windows.filter((w) => Date.parse(w.dueAt) > opts.now && Date.parse(w.dueAt) <= weekAhead);
    view.dueSoonTitle = t(locale, 'digest.dueSoonTitle');
    view.dueSoon = due.slice(0, limits.maxFactors).map((w) => {
      const tally = tallies.find((x) => x.factorId === w.factorId);
      const missing = tally ? Math.max(0, tally.eligible - tally.voters) : 0;
      return t(locale, 'report.digest.dueItem', {
        factor: factorHeader(state, w.factorId),
        date: formatDate(w.dueAt, tz, locale),
        missing: missing === 0 ? t(locale, 'report.digest.allVoted') : tn(locale, 'report.digest.missingVotes', missing),
      });
    });
    if (due.length > view.dueSoon.length) truncated = true;
    const pending = pendingParticipants(state, opts.now);
    view.pendingCount = pending.count;
    if (pending.count === 0) {
      view.pendingLine = t(locale, 'report.digest.everyoneResponded');
    } else if (round.calendar.digest.showNames && !round.anonymous) {
      const shown = pending.people.slice(0, limits.maxNames);
      const names = shown.map((p) => t(locale, 'report.digest.pendingName', { name: nameOf(round, p.id), missing: p.missing })).join(', ');
      const left = pending.people.length - shown.length;
      const list = left > 0 ? t(locale, 'report.digest.namesAndMore', { names, count: left }) : names;
      view.pendingLine = fit(tn(locale, 'report.digest.pendingOpenNames', pending.count, { names: list }));
    } else {
      view.pendingLine = tn(locale, 'report.digest.pendingOpen', pending.count);
    }
  }
  view.truncated = truncated;
  if (truncated) {
    view.moreLine = moreCount > 0 ? t(locale, 'digest.moreFactors', { count: moreCount }) : t(locale, 'report.digest.shortened');
  }
  return addModeDetails(view, state, opts);
}

/** Alt text for the chart that states the numbers, so the chart is readable without seeing it. */
export function chartAltText(state: RoundState, comparisons: FactorComparison[]): string {
  const locale = state.round.locale;
  const parts = state.tallies.map((x) => {
    const label = factorHeader(state, x.factorId).replace(' · ', ' ');
    const visible = resultsVisible(state.round, x);
    const score = visible && x.score !== null ? String(Math.round(x.score)) : t(locale, 'report.chart.noScore');
    const cmp = comparisons.find((c) => c.factorId === x.factorId);
    const before = visible && cmp?.previous != null ? ` (${t(locale, 'chart.baseline')} ${Math.round(cmp.previous)})` : '';
    return `${label}: ${score}${before}`;
  });
  return `${t(locale, 'chart.alt')}: ${parts.join('; ')}`;
}

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
  const list = factors.map((f) => t(locale, 'reminder.item', { factor: f.label, due: f.due })).join(', ');
  return { locale, text: tn(locale, 'plural.reminder', factors.length, { list }), factors };
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

/** Confirmation shown only to the voter. */
export function voteConfirmation(locale: Locale, level: Level, factorHeaderText: string, changeUntilIso: string, zone: string): string {
  return t(locale, 'vote.confirmed', {
    level: levelLabel(locale, level),
    factor: factorHeaderText,
    until: formatDate(changeUntilIso, zone, locale),
  });
}
