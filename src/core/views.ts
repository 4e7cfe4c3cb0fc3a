// Platform-neutral view models for every card and message; Slack, Teams and the playground render these.
import type { Locale } from '../content/schema.js';
import { formatDate } from './calendar.js';
import { t, tn } from './i18n.js';
import { LEVELS, type Level, type Round } from './model.js';
import type { RoundState } from './service.js';
import { compareTallies, type FactorComparison, type FactorTally, type Trend } from './tally.js';

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
  statement: string;
  rationale: string;
  questionsTitle: string;
  questions: QuestionView[];
  examplesTitle: string;
  examples: { title: string; summary: string }[];
  /** "5 av 12 har röstat · 3 har svarat · 2 bevislänkar" */
  progressLine: string;
  /** "På plats 2 · Delvis 3 · …", or a note that results are hidden until enough responses. */
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
  line: string;
  disputed: boolean;
  trend: Trend;
  trendSymbol: string;
  links: string[];
}

export interface DigestView {
  locale: Locale;
  kind: 'final' | 'weekly' | 'status';
  title: string;
  subtitle: string;
  /** "7 av 13 nyckelfaktorer på plats · poäng 62/100" */
  headline: string;
  factors: DigestFactorLine[];
  disputedTitle: string;
  disputed: string[];
  contextTitle: string;
  context: string[];
  dueSoonTitle?: string;
  dueSoon?: string[];
  pendingLine?: string;
  chartAlt: string;
  reportLinks: { label: string; url: string }[];
  footer: string;
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

/** Whether a factor's results may be shown: anonymous rounds hide them below the minimum responses. */
export function resultsVisible(round: Round, tally: FactorTally): boolean {
  return !round.anonymous || tally.voters >= round.minResponses;
}

export function tallyLine(locale: Locale, round: Round, tally: FactorTally): string {
  if (!resultsVisible(round, tally)) return t(locale, 'card.hiddenUntil', { min: round.minResponses });
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
  const comparison = opts.baseline?.find((c) => c.factorId === factorId);
  const closed = round.status !== 'open';
  const view: FactorCardView = {
    locale,
    tenant: round.tenant,
    roundId: round.id,
    factorId,
    header: `${pad(factor.number)} · ${factor.theme}`,
    statement: factor.statement,
    rationale: factor.rationale,
    questionsTitle: t(locale, 'card.questionsTitle'),
    questions: factor.questions.map((q, i) => ({ id: q.id, label: `${i + 1}.`, text: q.text, details: q.details ?? [] })),
    examplesTitle: t(locale, 'card.examplesTitle'),
    examples: factor.examples.map((e) => ({ title: e.country ? `${e.place}, ${e.country}` : e.place, summary: e.summary })),
    progressLine: [
      t(locale, 'card.voted', { voted: tally.voters, eligible: tally.eligible }),
      tn(locale, 'plural.answered', stats.answers),
      tn(locale, 'plural.links', stats.evidence),
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
  return round.names[id] ?? id;
}

export interface DigestOptions {
  kind: DigestView['kind'];
  baseline?: RoundState | null;
  reportUrl?: string;
  now: number;
}

export function buildDigest(state: RoundState, opts: DigestOptions): DigestView {
  const { round, pack, tallies, totals } = state;
  const locale = round.locale;
  const comparisons = opts.baseline ? compareTallies(tallies, opts.baseline.tallies) : [];
  const factors: DigestFactorLine[] = tallies.map((tally) => {
    const cmp = comparisons.find((c) => c.factorId === tally.factorId);
    const trend: Trend = cmp?.trend ?? 'n/a';
    const visible = resultsVisible(round, tally);
    const stats = state.answerStats[tally.factorId] ?? { answers: 0, evidence: 0, links: [] };
    const verdict = visible ? tally.verdict : null;
    const verdictLabel = verdict ? levelLabel(locale, verdict) : t(locale, 'digest.noVerdict');
    const parts = [
      verdictLabel,
      visible && tally.agreement !== null ? t(locale, 'digest.agreement', { pct: percent(tally.agreement) }) : null,
      t(locale, 'digest.participation', { voted: tally.voters, eligible: tally.eligible }),
      stats.answers > 0 ? tn(locale, 'plural.answered', stats.answers) : null,
      stats.evidence > 0 ? tn(locale, 'plural.links', stats.evidence) : null,
      trend !== 'n/a' ? `${TREND_SYMBOL[trend]} ${t(locale, `trend.short.${trend}`)}` : null,
    ].filter((p): p is string => p !== null);
    return {
      factorId: tally.factorId,
      header: factorHeader(state, tally.factorId),
      verdict,
      verdictLabel,
      line: parts.join(' · '),
      disputed: visible && tally.disputed,
      trend,
      trendSymbol: TREND_SYMBOL[trend],
      links: stats.links.slice(0, 3),
    };
  });
  const disputed = tallies
    .filter((x) => x.disputed && resultsVisible(round, x))
    .map((x) => {
      const parts = LEVELS.filter((l) => l !== 'dont-know' && x.counts[l] > 0).map((l) =>
        t(locale, 'digest.saysLevel', { n: x.counts[l], level: levelLabel(locale, l) }),
      );
      return `${factorHeader(state, x.factorId)}: ${parts.join(', ')} – ${t(locale, 'digest.worthDiscussion')}`;
    });
  const context = round.contextNotes.map((n) => {
    const cf = pack.contextFactors.find((c) => c.id === n.contextFactorId);
    return `${cf?.name ?? n.contextFactorId}: ${n.comment}`;
  });
  const headline =
    totals.overallScore === null
      ? t(locale, 'digest.headlineNoScore', { inPlace: totals.inPlace, total: totals.factorCount })
      : t(locale, 'digest.headline', { inPlace: totals.inPlace, total: totals.factorCount, score: totals.overallScore });
  const view: DigestView = {
    locale,
    kind: opts.kind,
    title: t(locale, `digest.title.${opts.kind}`, { title: round.title ?? pack.shortTitle }),
    subtitle: t(locale, 'digest.subtitle', {
      mode: t(locale, `modes.${round.mode}`),
      opened: formatDate(round.calendar.opensAt, round.calendar.timezone, locale),
      closes: formatDate(round.calendar.closesAt, round.calendar.timezone, locale),
    }),
    headline,
    factors,
    disputedTitle: t(locale, 'digest.disputedTitle'),
    disputed,
    contextTitle: t(locale, 'digest.contextTitle'),
    context,
    chartAlt: chartAltText(state, comparisons),
    reportLinks: opts.reportUrl
      ? (['html', 'csv', 'md'] as const).map((fmt) => ({ label: t(locale, `digest.report.${fmt}`), url: `${opts.reportUrl}?format=${fmt}` }))
      : [],
    footer: opts.baseline
      ? t(locale, 'digest.footerBaseline', { baseline: formatDate(opts.baseline.round.calendar.opensAt, round.calendar.timezone, locale) })
      : t(locale, 'digest.footer'),
  };
  if (opts.kind === 'weekly') {
    const weekAhead = opts.now + 7 * 24 * 3600 * 1000;
    view.dueSoonTitle = t(locale, 'digest.dueSoonTitle');
    view.dueSoon = state.windows
      .filter((w) => Date.parse(w.dueAt) > opts.now && Date.parse(w.dueAt) <= weekAhead)
      .map((w) => `${factorHeader(state, w.factorId)} – ${formatDate(w.dueAt, round.calendar.timezone, locale)}`);
    const pending = new Set<string>();
    const votedAny = new Set(Object.values(state.snapshot.votes).flatMap((m) => Object.keys(m)));
    for (const p of round.participants) {
      const key = round.anonymous ? null : p;
      if (key && !votedAny.has(key)) pending.add(p);
    }
    const pendingCount = round.anonymous ? Math.max(0, round.participants.length - votedAny.size) : pending.size;
    view.pendingLine =
      round.calendar.digest.showNames && !round.anonymous && pending.size > 0
        ? t(locale, 'digest.pendingNames', { count: pendingCount, names: [...pending].map((p) => nameOf(round, p)).join(', ') })
        : tn(locale, 'plural.pending', pendingCount);
  }
  return view;
}

/** Alt text for the chart that states the numbers, so the chart is readable without seeing it. */
export function chartAltText(state: RoundState, comparisons: FactorComparison[]): string {
  const locale = state.round.locale;
  const parts = state.tallies.map((x) => {
    const f = state.pack.keyFactors.find((k) => k.id === x.factorId);
    const label = f ? pad(f.number) : x.factorId;
    const visible = resultsVisible(state.round, x);
    const score = visible && x.score !== null ? String(Math.round(x.score)) : '–';
    const cmp = comparisons.find((c) => c.factorId === x.factorId);
    const before = cmp?.previous !== null && cmp?.previous !== undefined ? ` (${t(locale, 'chart.baseline')} ${Math.round(cmp.previous)})` : '';
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
      : t(locale, 'welcome.staggered', { days: round.calendar.pacing.everyDays });
  return {
    locale,
    title: t(locale, 'welcome.title', { title: round.title ?? pack.shortTitle }),
    lines: [
      t(locale, 'welcome.what', { mode: t(locale, `modes.${round.mode}`), count: round.factorIds.length }),
      t(locale, 'welcome.how'),
      t(locale, 'welcome.calendar', {
        pacing,
        closes: formatDate(round.calendar.closesAt, tz, locale),
      }),
      t(locale, 'welcome.coordinator', { name: round.names[round.coordinators[0] ?? ''] ?? round.coordinators[0] ?? '' }),
      ...(round.anonymous ? [t(locale, 'welcome.anonymous', { min: round.minResponses })] : []),
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
