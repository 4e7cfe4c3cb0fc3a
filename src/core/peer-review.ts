// Peer review (kollegial utvärdering): who is on the panel, where the panel's votes and findings live, and what they say.
import type { Locale } from '../content/schema.js';
import { answersVisible, answerThreshold, resultsVisible, textOrder, voteThreshold } from './anonymity.js';
import { t, tn } from './i18n.js';
import { displayName } from './own.js';
import { emptyCounts, LEVELS, type Level, type ReviewNote, type Round } from './model.js';
import type { RoundSnapshot } from './ports.js';
import { tallyFactor, type FactorTally } from './tally.js';
import { verdictLabel } from './verdict.js';

/**
 * The panel's votes and findings are stored under the factor id plus this suffix, in the same hashes as the
 * team's: the store's one-round-trip vote path and snapshot serve both, and the two never mix. Team members
 * can only write the pack's own factor ids (the service checks), so they can never write here.
 */
export const PEER_SUFFIX = '#peer';

export function peerFactorId(factorId: string): string {
  return `${factorId}${PEER_SUFFIX}`;
}

export function isPeerFactorId(id: string): boolean {
  return id.endsWith(PEER_SUFFIX);
}

/** Text keys of a reviewer's findings "answer". */
export const FINDINGS = 'findings';
export const RECOMMENDATIONS = 'recommendations';

export function isPanelMember(round: Round, memberId: string): boolean {
  return round.reviewers.includes(memberId) || round.reviewLead === memberId;
}

/** Reviewers and the expert lead, each once. */
export function panelOf(round: Round): string[] {
  return [...new Set([...round.reviewers, ...(round.reviewLead ? [round.reviewLead] : [])])];
}

/** Whether the panel's verdicts belong in outputs: once the review has started (and after the close). */
export function showsPeerVerdicts(round: Round): boolean {
  return round.mode === 'peer-review' && (round.reviewPhase === 'review' || round.reviewStartedAt !== undefined);
}

export interface PeerFactor {
  factorId: string;
  /** The panel's votes; eligible is the panel's size. */
  tally: FactorTally;
  findings: string[];
  recommendations: string[];
}

export interface PeerState {
  phase: Round['reviewPhase'];
  panelSize: number;
  factors: PeerFactor[];
  notes: ReviewNote[];
}

/** The panel's side of a peer-review round, read from the same snapshot as the team's; undefined in other modes. */
export function peerStateOf(snapshot: RoundSnapshot): PeerState | undefined {
  const { round } = snapshot;
  if (round.mode !== 'peer-review') return undefined;
  const panelSize = panelOf(round).length;
  const factors = round.factorIds.map((factorId) => {
    const key = peerFactorId(factorId);
    const answers = Object.values(snapshot.answers[key] ?? {}).sort((a, b) => a.at.localeCompare(b.at));
    // In an anonymous round the order of the panel's texts must not tell who wrote first either.
    const texts = (name: string) => {
      const given = answers.map((a) => a.texts[name]?.trim() ?? '').filter((x) => x.length > 0);
      return round.anonymous ? textOrder(given) : given;
    };
    return {
      factorId,
      tally: tallyFactor(key, snapshot.counts[key] ?? emptyCounts(), panelSize),
      findings: texts(FINDINGS),
      recommendations: texts(RECOMMENDATIONS),
    };
  });
  return { phase: round.reviewPhase, panelSize, factors, notes: round.reviewNotes ?? [] };
}

/** "Stämmer inte (2 av 3)", or that the panel has not voted yet. */
export function peerVerdictText(locale: Locale, peer: PeerFactor): string {
  if (peer.tally.verdict === null) return t(locale, 'modes.review.noPeerVerdict');
  return t(locale, 'modes.review.peerVerdict', {
    verdict: verdictLabel(locale, peer.tally.verdict),
    voted: peer.tally.voters,
    panel: peer.tally.eligible,
  });
}

/** Vote counts of the panel in the fixed level order: "Stämmer 1 · Stämmer delvis 2 · …". */
export function peerDistribution(locale: Locale, tally: FactorTally): string {
  return LEVELS.map((l: Level) => `${t(locale, `levels.${l}`)} ${tally.counts[l]}`).join(' · ');
}

// --- what the panel reads, and the follow-up report -----------------------------------------------------

/** Structural view of a round's state, so this module needs no runtime import of the service. */
interface StateLike {
  round: Round;
  pack: { title: string; shortTitle: string; keyFactors: { id: string; number: number; theme: string; statement: string; questions: { id: string; text: string }[] }[] };
  snapshot: RoundSnapshot;
  tallies: FactorTally[];
  answerStats: Record<string, { answers: number; evidence: number; links: string[] }>;
  peer?: PeerState;
}

function header(state: StateLike, factorId: string): string {
  const f = state.pack.keyFactors.find((k) => k.id === factorId);
  return f ? `${String(f.number).padStart(2, '0')} · ${f.theme}` : factorId;
}

function visible(round: Round, tally: FactorTally): boolean {
  return resultsVisible(round, tally);
}

function teamVerdict(state: StateLike, tally: FactorTally): string {
  const locale = state.round.locale;
  if (!visible(state.round, tally)) return t(locale, 'card.hiddenUntil', { min: voteThreshold(state.round) });
  return verdictLabel(locale, tally.verdict);
}

/**
 * The self-assessment as the panel reads it: every factor's verdict and evidence, or one factor in full with the
 * answers to each guiding question. Hidden results (anonymous, too few responses) stay hidden here too.
 */
export function selfAssessmentText(state: StateLike, factorId?: string): string {
  const { round } = state;
  const locale = round.locale;
  if (!factorId) {
    const lines = [t(locale, 'modes.review.selfTitle')];
    for (const tally of state.tallies) {
      const stats = state.answerStats[tally.factorId] ?? { answers: 0, evidence: 0, links: [] };
      const factor = header(state, tally.factorId);
      // A hidden factor shows no answer or link counts either.
      if (!visible(round, tally)) lines.push(t(locale, 'modes.review.selfLineHidden', { factor, verdict: teamVerdict(state, tally) }));
      else lines.push(t(locale, 'modes.review.selfLine', { factor, verdict: teamVerdict(state, tally), answers: tn(locale, 'modes.review.answers', stats.answers), links: tn(locale, 'plural.links', stats.evidence) }));
    }
    lines.push(t(locale, 'modes.review.selfMore'));
    return lines.join('\n');
  }
  const tally = state.tallies.find((x) => x.factorId === factorId)!;
  const factor = state.pack.keyFactors.find((k) => k.id === factorId);
  const lines = [`**${header(state, factorId)}**`, factor?.statement ?? '', t(locale, 'modes.review.teamVerdict', { verdict: teamVerdict(state, tally) })];
  if (!visible(round, tally)) return lines.join('\n');
  const answers = Object.entries(state.snapshot.answers[factorId] ?? {});
  if (round.anonymous) {
    // Unattributed and in text order, and only once enough people answered and nobody can add another.
    if (!answersVisible(round, tally, state.answerStats[factorId]?.answers ?? answers.length)) {
      lines.push('', t(locale, 'modes.review.answersWait', { min: answerThreshold(round) }));
      return lines.join('\n');
    }
    for (const [i, q] of (factor?.questions ?? []).entries()) {
      const given = textOrder(answers.map(([, a]) => a.texts[q.id] ?? '').filter((x) => x !== ''));
      if (given.length === 0) continue;
      lines.push('', `${i + 1}. ${q.text}`, ...given.map((text) => `  – ${text}`));
    }
    const links = textOrder(answers.flatMap(([, a]) => a.evidence)).map((url) => `  – ${url}`);
    lines.push('', links.length > 0 ? t(locale, 'modes.review.evidence') : t(locale, 'modes.review.noEvidence'), ...links);
    return lines.join('\n');
  }
  const label = (key: string) => displayName(round, key);
  answers.sort(([a], [b]) => label(a).localeCompare(label(b)));
  for (const [i, q] of (factor?.questions ?? []).entries()) {
    const given = answers.filter(([, a]) => a.texts[q.id]);
    if (given.length === 0) continue;
    lines.push('', `${i + 1}. ${q.text}`);
    for (const [key, a] of given) lines.push(`  – ${label(key)}: ${a.texts[q.id]}`);
  }
  const links = answers.flatMap(([key, a]) => a.evidence.map((url) => `  – ${url} (${label(key)})`));
  lines.push('', links.length > 0 ? t(locale, 'modes.review.evidence') : t(locale, 'modes.review.noEvidence'), ...links);
  return lines.join('\n');
}

/** One key factor in the follow-up report. */
export interface FollowUpFactorView {
  factorId: string;
  /** "01 · Offentliga åtaganden" */
  header: string;
  /** The team's verdict, or why it is hidden (anonymous round, too few responses). */
  self: string;
  /** The panel's verdict: "Inte på plats (2 av 2)", or that the panel has not voted; null when there is no panel state. */
  peer: string | null;
  /** "Självutvärdering: Stämmer delvis" */
  selfLine: string;
  /** "Granskningsgruppen: Stämmer inte (2 av 2) – Stämmer 0 · Stämmer delvis 0 · …" */
  peerLine: string | null;
  /** The team and the panel reached different verdicts (both visible). */
  differs: boolean;
  findings: string[];
  recommendations: string[];
  /** Every evidence link of the team's answers (none while an anonymous round hides the result). */
  evidence: string[];
}

/** An interview, focus group or note of the review, without who wrote it. */
export interface FollowUpNoteView {
  kind: string;
  /** The factors it is about, "01 · Offentliga åtaganden, 03 · Ledning och styrning", or empty. */
  about: string;
  text: string;
}

/**
 * The follow-up report after the peer visit (uppföljningsrapport), platform-neutral: the team's and the panel's
 * verdicts side by side, the panel's findings and recommendations per factor, the team's evidence, and the interviews
 * and focus groups held. Reviewers are not named: the panel speaks as one. Rendered as Markdown and HTML (reports),
 * Block Kit (Slack) and an Adaptive Card (Teams, the playground).
 */
export interface FollowUpView {
  locale: Locale;
  title: string;
  intro: string;
  columns: { factor: string; self: string; peer: string };
  factors: FollowUpFactorView[];
  titles: { findings: string; recommendations: string; evidence: string; notes: string };
  notes: FollowUpNoteView[];
  /** Where the whole report is (set by whoever can sign links): HTML, and Markdown to download. */
  links?: { html: string; markdown: string };
}

/**
 * Every link of the team's answers (the answer stats keep only a preview): none while the round hides the answers, and in
 * an anonymous round in text order, so the order says nothing about who answered first.
 */
function evidenceOf(state: StateLike, tally: FactorTally): string[] {
  const given = Object.values(state.snapshot.answers[tally.factorId] ?? {});
  if (!answersVisible(state.round, tally, state.answerStats[tally.factorId]?.answers ?? given.length)) return [];
  const all = given.flatMap((a) => a.evidence);
  return state.round.anonymous ? textOrder(all) : all;
}

export function buildFollowUp(state: StateLike, generatedAt: string): FollowUpView {
  const { round, pack } = state;
  const locale = round.locale;
  const peer = state.peer;
  const factors = state.tallies.map((tally): FollowUpFactorView => {
    const p = peer?.factors.find((x) => x.factorId === tally.factorId);
    const self = teamVerdict(state, tally);
    const peerText = p ? peerVerdictText(locale, p) : null;
    const shown = visible(round, tally);
    return {
      factorId: tally.factorId,
      header: header(state, tally.factorId),
      self,
      peer: peerText,
      selfLine: t(locale, 'modes.report.selfLine', { verdict: self }),
      peerLine: p ? t(locale, 'modes.report.peerLine', { verdict: peerText!, distribution: peerDistribution(locale, p.tally) }) : null,
      differs: Boolean(p && shown && tally.verdict && p.tally.verdict && tally.verdict !== p.tally.verdict),
      findings: p?.findings ?? [],
      recommendations: p?.recommendations ?? [],
      evidence: evidenceOf(state, tally),
    };
  });
  return {
    locale,
    title: t(locale, 'modes.report.title', { title: round.title ?? pack.shortTitle }),
    intro: tn(locale, 'modes.report.intro', peer?.panelSize ?? 0, { generated: generatedAt.slice(0, 10) }),
    columns: { factor: t(locale, 'modes.report.factor'), self: t(locale, 'modes.report.self'), peer: t(locale, 'modes.report.peer') },
    factors,
    titles: {
      findings: t(locale, 'modes.report.findings'),
      recommendations: t(locale, 'modes.report.recommendations'),
      evidence: t(locale, 'modes.report.evidence'),
      notes: t(locale, 'modes.report.notes'),
    },
    notes: (peer?.notes ?? []).map((n) => ({
      kind: t(locale, `modes.review.noteKind.${n.kind}`),
      about: n.factorIds.map((f) => header(state, f)).join(', '),
      text: n.text,
    })),
  };
}
