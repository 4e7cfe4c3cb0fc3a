// What the ways of working add to a digest: peer verdicts beside the team's, the change since the previous round, the action plan.
import { longDate } from '../action-plan.js';
import { holderOf, type ChannelPlan } from '../plan-model.js';
import { actionLine, actionsDueSoon, factorLabel, goalHeading, planDigestLines } from '../plan-text.js';
import { t } from '../i18n.js';
import { peerVerdictText, showsPeerVerdicts } from '../peer-review.js';
import type { RoundState } from '../read-model.js';
import { compareRounds } from '../anonymity.js';
import type { Trend } from '../tally.js';
import type { DigestFactorLine, DigestSection, DigestView } from './digest-model.js';
import { verdictLabel } from '../verdict.js';

export interface ModeDigestOptions {
  /** The state compared with as "baseline" (the baseline round, else the previous one). */
  baseline?: RoundState | null;
  /** The round before this one, when it is not the baseline: the digest then shows both changes. */
  previous?: RoundState | null;
  /** The channel's action plan, which every round follows up. */
  plan?: ChannelPlan | null;
  /** Action-plan rounds: the time the digest is drawn, to list the plan's actions due within a week. */
  dueSoonAt?: number;
}

const SYMBOL: Record<Trend, string> = { up: '↑', down: '↓', same: '=', 'n/a': '' };
const MAX_SECTION_LINE = 500;

function clip(text: string, max = MAX_SECTION_LINE): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** The factor line with the team's verdict relabelled as the self-assessment and the panel's beside it. */
function withPeer(view: DigestView, line: DigestFactorLine, state: RoundState): DigestFactorLine {
  const peer = state.peer?.factors.find((p) => p.factorId === line.factorId);
  if (!peer || line.status === 'upcoming') return line;
  const locale = view.locale;
  const rest = line.line.startsWith(`${line.verdictLabel} · `) ? line.line.slice(line.verdictLabel.length + 3) : line.line === line.verdictLabel ? '' : line.line;
  const both = t(locale, 'modes.digest.selfAndPeer', { self: line.verdictLabel, peer: peerVerdictText(locale, peer) });
  return {
    ...line,
    line: rest ? `${both} · ${rest}` : both,
    peer: {
      verdict: peer.tally.verdict,
      verdictLabel: verdictLabel(locale, peer.tally.verdict),
      score: peer.tally.score,
      voters: peer.tally.voters,
      eligible: peer.tally.eligible,
      findings: peer.findings,
      recommendations: peer.recommendations,
    },
  };
}

/**
 * Adds what the round's way of working needs to a digest built by buildDigest. Everything is additive: plain
 * rounds without a previous round or plan come back unchanged.
 */
export function addModeDetails(view: DigestView, state: RoundState, opts: ModeDigestOptions): DigestView {
  const { round } = state;
  const locale = view.locale;
  const sections: DigestSection[] = [...(view.sections ?? [])];
  let factors = view.factors;
  let footer = view.footer;

  if (state.peer && showsPeerVerdicts(round)) {
    factors = factors.map((f) => withPeer(view, f, state));
    const differ = factors.filter((f) => f.peer?.verdict && f.verdict && f.peer.verdict !== f.verdict && !f.hidden);
    if (differ.length > 0) {
      sections.push({
        title: t(locale, 'modes.digest.differTitle'),
        lines: differ.map((f) => clip(t(locale, 'modes.digest.differ', { factor: f.header, self: f.verdictLabel, peer: f.peer!.verdictLabel }))),
      });
    }
    const recommendations = factors.flatMap((f) => (f.peer?.recommendations ?? []).map((r) => clip(`${f.header}: ${r}`)));
    sections.push({
      title: t(locale, 'modes.digest.recommendationsTitle'),
      lines: recommendations.length > 0 ? recommendations : [t(locale, 'modes.digest.noRecommendations')],
    });
  }

  const previous = opts.previous;
  if (previous && previous.round.id !== round.id && previous.round.id !== opts.baseline?.round.id) {
    // Either round hiding a factor hides the comparison on both sides. One arrow per factor line, the baseline's: the
    // change since the previous round follows in words, so two arrows never stand side by side.
    const comparisons = compareRounds(state, previous);
    factors = factors.map((f) => {
      const c = comparisons.find((x) => x.factorId === f.factorId);
      if (!c || f.hidden || c.trend === 'n/a') return f;
      return {
        ...f,
        line: `${f.line} · ${t(locale, `modes.digest.sincePrevious.${c.trend}`)}`,
        sincePrevious: { trend: c.trend, delta: c.delta, symbol: SYMBOL[c.trend] },
      };
    });
    footer = `${footer} ${t(locale, 'modes.digest.footerPrevious', { date: longDate(locale, previous.round.calendar.opensAt, round.calendar.timezone) })}`;
  }

  // Every round follows up the channel's plan; an action-plan round also lists what is due within a week.
  // An anonymous round's digest names no one, whatever rounds the channel's plan came from: its owners are hidden.
  const plan = opts.plan ? (round.anonymous ? { ...opts.plan, anonymous: true } : opts.plan) : null;
  const planLines = plan ? planDigestLines(plan, state.pack, locale) : [];
  if (plan && planLines.length > 0) {
    const own = plan.roundIds.includes(round.id) || plan.roundIds.length === 0;
    sections.push({ title: t(locale, own ? 'modes.digest.ownPlanTitle' : 'modes.digest.planTitle'), lines: planLines.map((l) => clip(l)) });
  }
  // An action-plan round's close opened the plan from its gaps: the summary shows the goals, largest gap first.
  if (plan && round.mode === 'action-plan' && plan.roundIds.includes(round.id) && plan.goals.length > 0) {
    const goals = plan.goals.slice(0, 13).map((g) => clip(goalHeading(plan, state.pack, locale, g).replace(/\*\*/g, '')));
    sections.push({ title: t(locale, 'modes.digest.planGoalsTitle'), lines: [...goals, t(locale, 'modes.digest.planGoalsHint')] });
  }
  if (plan && round.mode === 'action-plan' && opts.dueSoonAt !== undefined) {
    const due = actionsDueSoon(plan, opts.dueSoonAt);
    const holder = holderOf(plan);
    if (due.length > 0) {
      sections.push({
        title: t(locale, 'modes.digest.dueSoonTitle'),
        lines: due.slice(0, 10).map((a) => clip(actionLine(locale, holder, a, { withFactor: factorLabel(state.pack, a.factorId) }))),
      });
    }
  }

  if (factors === view.factors && sections.length === (view.sections?.length ?? 0) && footer === view.footer) return view;
  return { ...view, factors, footer, ...(sections.length > 0 ? { sections } : {}) };
}
