// One report model behind every export format, so anonymity and hidden results are decided in one place.
import type { ContentPack, Locale } from '../content/schema.js';
import { t } from '../core/i18n.js';
import type { Answer, Level, Round } from '../core/model.js';
import type { RoundState } from '../core/service.js';
import { compareTallies, type FactorComparison, type FactorTally } from '../core/tally.js';
import { buildDigest, levelLabel, resultsVisible, type DigestFactorLine, type DigestLimits, type DigestView } from '../core/views.js';

export interface ReportMember {
  /** What people read: the display name, or "Medlem 3" in anonymous rounds. */
  label: string;
  /** The platform id; never set in anonymous rounds. */
  id?: string;
}

export interface ReportVote {
  member: ReportMember;
  level: Level;
  label: string;
}

export interface ReportAnswer {
  member: ReportMember;
  /** Answer text per guiding question id, as stored. */
  texts: Record<string, string>;
  evidence: string[];
  at: string;
}

export interface ReportQuestion {
  id: string;
  number: number;
  text: string;
  answers: { member: ReportMember; text: string }[];
}

export interface ReportFactor {
  factorId: string;
  number: number;
  /** "01" */
  numberLabel: string;
  theme: string;
  statement: string;
  line: DigestFactorLine;
  /** Anonymous round below the minimum responses: no tally, votes or answers. */
  hidden: boolean;
  tally: FactorTally | null;
  comparison: FactorComparison | null;
  /** Every response (vote and/or answer), one entry per member, sorted by member label. */
  responses: { member: ReportMember; vote: ReportVote | null; answer: ReportAnswer | null }[];
  /** Guiding questions with the answers given to them (unknown question ids last, as their own entries). */
  questions: ReportQuestion[];
  evidence: { member: ReportMember; url: string }[];
}

export interface ReportModel {
  locale: Locale;
  round: Round;
  pack: ContentPack;
  digest: DigestView;
  factors: ReportFactor[];
  /** The round compared against, when there is one. */
  comparedWith: { roundId: string; opensAt: string; isBaseline: boolean } | null;
  context: { contextFactorId: string; name: string; comment: string; by?: ReportMember; at: string }[];
  generatedAt: string;
  /** Most guiding questions in any factor: the CSV's answer columns. */
  maxQuestions: number;
}

/** Reports are never cut: everything fits in a file. */
const NO_LIMITS: DigestLimits = {
  maxFactors: Number.POSITIVE_INFINITY,
  maxLinksPerFactor: Number.POSITIVE_INFINITY,
  maxLinkChars: Number.POSITIVE_INFINITY,
  maxContext: Number.POSITIVE_INFINITY,
  maxContextChars: Number.POSITIVE_INFINITY,
  maxNames: Number.POSITIVE_INFINITY,
  maxTextChars: Number.POSITIVE_INFINITY,
};

/**
 * Labels for everyone who responded. Anonymous rounds store keyed hashes; they become "Member 1…N",
 * numbered in the (meaningless) order of the hashes, so nothing about the person shows through.
 */
function memberLabels(state: RoundState, visibleFactorIds: string[]): Map<string, ReportMember> {
  const { round, snapshot } = state;
  const keys = new Set<string>();
  for (const id of visibleFactorIds) {
    for (const k of Object.keys(snapshot.votes[id] ?? {})) keys.add(k);
    for (const k of Object.keys(snapshot.answers[id] ?? {})) keys.add(k);
  }
  const labels = new Map<string, ReportMember>();
  if (round.anonymous) {
    [...keys].sort().forEach((k, i) => labels.set(k, { label: t(round.locale, 'report.member', { n: i + 1 }) }));
  } else {
    for (const k of keys) labels.set(k, { label: round.names[k] ?? k, id: k });
  }
  return labels;
}

export function buildReportModel(state: RoundState, baseline: RoundState | null, opts: { now: number; reportUrl?: string }): ReportModel {
  const { round, pack } = state;
  const locale = round.locale;
  const closed = round.status === 'closed' || round.status === 'archived';
  const digest = buildDigest(state, {
    kind: closed ? 'final' : 'status',
    baseline,
    now: opts.now,
    limits: NO_LIMITS,
    ...(opts.reportUrl ? { reportUrl: opts.reportUrl } : {}),
  });
  const comparisons = baseline ? compareTallies(state.tallies, baseline.tallies) : [];
  const visibleIds = state.tallies.filter((x) => resultsVisible(round, x)).map((x) => x.factorId);
  const members = memberLabels(state, visibleIds);
  const collator = new Intl.Collator(locale === 'sv' ? 'sv-SE' : 'en-GB', { numeric: true });
  const byLabel = (a: { member: ReportMember }, b: { member: ReportMember }) => collator.compare(a.member.label, b.member.label);

  const factors: ReportFactor[] = state.tallies.map((tally) => {
    const kf = pack.keyFactors.find((k) => k.id === tally.factorId);
    const number = kf?.number ?? 0;
    const line = digest.factors.find((f) => f.factorId === tally.factorId)!;
    const hidden = !resultsVisible(round, tally);
    const base = {
      factorId: tally.factorId,
      number,
      numberLabel: String(number).padStart(2, '0'),
      theme: kf?.theme ?? tally.factorId,
      statement: kf?.statement ?? '',
      line,
      hidden,
    };
    if (hidden) return { ...base, tally: null, comparison: null, responses: [], questions: [], evidence: [] };
    const votes = state.snapshot.votes[tally.factorId] ?? {};
    const answers: Record<string, Answer> = state.snapshot.answers[tally.factorId] ?? {};
    const keys = new Set([...Object.keys(votes), ...Object.keys(answers)]);
    const responses = [...keys]
      .map((key) => {
        const member = members.get(key) ?? { label: key };
        const level = votes[key];
        const a = answers[key];
        return {
          member,
          vote: level ? { member, level, label: levelLabel(locale, level) } : null,
          answer: a ? { member, texts: a.texts, evidence: a.evidence, at: a.at } : null,
        };
      })
      .sort(byLabel);
    const known = kf?.questions ?? [];
    const questions: ReportQuestion[] = known.map((q, i) => ({ id: q.id, number: i + 1, text: q.text, answers: [] }));
    for (const r of responses) {
      for (const [qid, text] of Object.entries(r.answer?.texts ?? {})) {
        let q = questions.find((x) => x.id === qid);
        if (!q) {
          q = { id: qid, number: questions.length + 1, text: qid, answers: [] };
          questions.push(q);
        }
        q.answers.push({ member: r.member, text });
      }
    }
    return {
      ...base,
      tally,
      comparison: comparisons.find((c) => c.factorId === tally.factorId) ?? null,
      responses,
      questions,
      evidence: responses.flatMap((r) => (r.answer?.evidence ?? []).map((url) => ({ member: r.member, url }))),
    };
  });

  const context = round.contextNotes.map((n) => {
    const by = round.anonymous ? undefined : { label: round.names[n.by] ?? n.by, id: n.by };
    return {
      contextFactorId: n.contextFactorId,
      name: pack.contextFactors.find((c) => c.id === n.contextFactorId)?.name ?? n.contextFactorId,
      comment: n.comment,
      ...(by ? { by } : {}),
      at: n.at,
    };
  });

  return {
    locale,
    round,
    pack,
    digest,
    factors,
    comparedWith: baseline
      ? { roundId: baseline.round.id, opensAt: baseline.round.calendar.opensAt, isBaseline: baseline.round.isBaseline }
      : null,
    context,
    generatedAt: new Date(opts.now).toISOString(),
    maxQuestions: Math.max(1, ...factors.map((f) => f.questions.length), ...pack.keyFactors.map((k) => k.questions.length)),
  };
}

/** "+27", "−12", "±0": a score change in whole points. */
export function signedPoints(delta: number): string {
  const n = Math.round(delta);
  if (n === 0) return '±0';
  return n > 0 ? `+${n}` : `−${Math.abs(n)}`;
}
