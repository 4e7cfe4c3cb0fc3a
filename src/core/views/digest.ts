// Builds the digest view model from a round's state: verdicts, agreement, participation, trends and what is due.
import { formatDate, formatDateWithYear } from '../calendar.js';
import { t, tn } from '../i18n.js';
import { LEVELS, type Round } from '../model.js';
import type { RoundState } from '../read-model.js';
import { compareRounds, resultsVisible } from '../anonymity.js';
import { displayName, hasOwnKey } from '../own.js';
import { showsPeerVerdicts } from '../peer-review.js';
import type { FactorComparison, Trend } from '../tally.js';
import { DIGEST_LIMITS, type DigestFactorLine, type DigestLimits, type DigestView } from './digest-model.js';
import { addModeDetails, type ModeDigestOptions } from './mode-digest.js';
import { factorHeader, levelLabel, percent, tallyLine, TREND_SYMBOL } from './shared.js';
import { roundHeadline, roundResult, verdictLabel as verdictLabelOf } from '../verdict.js';

function nameOf(round: Round, id: string): string {
  return displayName(round, id);
}

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
export function pendingParticipants(state: RoundState, now: number): { count: number; people: { id: string; missing: number }[] } {
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
    const tied = (n.factorIds ?? []).map((id) => factorHeader(state, id).split(' · ')[0]).join(', ');
    return `${cf?.name ?? n.contextFactorId}${tied ? ` (${tied})` : ''}: ${fit(n.comment, limits.maxContextChars)}`;
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
  }
  // Who still has votes to give: in the weekly digest and in `status` / `digest` while the round is open (#17), by
  // name only when the round allows names in digests and is not anonymous.
  if (opts.kind === 'weekly' || (opts.kind === 'status' && round.status === 'open')) {
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
  const peer = state.peer && showsPeerVerdicts(state.round) ? state.peer : null;
  const parts = state.tallies.map((x) => {
    const label = factorHeader(state, x.factorId).replace(' · ', ' ');
    const visible = resultsVisible(state.round, x);
    const score = visible && x.score !== null ? String(Math.round(x.score)) : t(locale, 'report.chart.noScore');
    const cmp = comparisons.find((c) => c.factorId === x.factorId);
    const before = visible && cmp?.previous != null ? ` (${t(locale, 'chart.baseline')} ${Math.round(cmp.previous)})` : '';
    // A peer review's chart has the review team's bar beside the team's: the alt text says its number too.
    const p = peer?.factors.find((f) => f.factorId === x.factorId);
    const theirs = visible && p && p.tally.score !== null ? ` (${t(locale, 'chart.peer')} ${Math.round(p.tally.score)})` : '';
    return `${label}: ${score}${theirs}${before}`;
  });
  return `${t(locale, 'chart.alt')}: ${parts.join('; ')}`;
}
