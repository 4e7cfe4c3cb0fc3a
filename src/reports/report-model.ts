// One report model behind every export format, so anonymity and hidden results are decided in one place.
import { dayOf } from './day.js';
import type { ContentPack, Locale } from '../content/schema.js';
import { LEVELS, type Answer, type Level, type Round } from '../core/model.js';
import type { RoundState } from '../core/read-model.js';
import type { ChannelPlan } from '../core/plan-model.js';
import { buildReportPlan, type ReportPlan } from './plan-report.js';

export { dayOf };
import { buildFollowUp, type FollowUpView } from '../core/peer-review.js';
import { answersVisible, compareRounds, resultsVisible, textOrder } from '../core/anonymity.js';
import { displayName, ownValue } from '../core/own.js';
import type { FactorComparison, FactorTally } from '../core/tally.js';
import { buildDigest } from '../core/views/digest.js';
import { levelLabel } from '../core/views/shared.js';
import type { DigestFactorLine, DigestLimits, DigestView } from '../core/views/digest-model.js';

export interface ReportMember {
  /** What people read: the display name (named rounds only; anonymous rounds have no per-member labels at all). */
  label: string;
  /** The platform id. */
  id?: string;
}

/** A vote as a report shows it; one object per level, shared by every vote of that level in a report. */
export interface ReportVote {
  level: Level;
  label: string;
}

/** An answer as a report shows it (the stored answer itself: its texts, links and time). */
export interface ReportAnswer {
  /** Answer text per guiding question id, as stored. */
  texts: Record<string, string>;
  evidence: string[];
  at: string;
}

/** One member's response to a factor of a named round: their vote, their answer, or both. */
export interface ReportResponse {
  member: ReportMember;
  vote: ReportVote | null;
  answer: ReportAnswer | null;
}

export interface ReportQuestion {
  id: string;
  number: number;
  text: string;
  /** Named rounds: by member label. Anonymous rounds: no member, in the order of the texts themselves. */
  answers: { member?: ReportMember; text: string }[];
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
  /**
   * Anonymous round: the answer texts and evidence are held back (too few answered, or the round is still open and
   * two downloads would show what someone wrote in between); the counts still show.
   */
  answersHeld: boolean;
  tally: FactorTally | null;
  comparison: FactorComparison | null;
  /**
   * Every response (vote and/or answer), one entry per member, sorted by member label (equal labels by id). Always
   * empty in anonymous rounds: there, votes are the tally's counts and answers are the questions' unattributed lists.
   */
  responses: ReportResponse[];
  /** Guiding questions with the answers given to them (unknown question ids last, as their own entries). */
  questions: ReportQuestion[];
  /** Named rounds: by member. Anonymous rounds: no member, in the order of the links themselves. */
  evidence: { member?: ReportMember; url: string }[];
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
  /** The channel's living action plan, when it has one. */
  plan: ReportPlan | null;
  /** A peer review: the panel's verdicts, findings and recommendations (the follow-up report's view). */
  peerReview: FollowUpView | null;
  generatedAt: string;
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

/** One factor's stored votes (named rounds) and answers: what its detail is built from. */
export interface FactorData {
  votes: Readonly<Record<string, Level>>;
  answers: Readonly<Record<string, Answer>>;
}

/** A round's members in report order, with one ReportMember each, shared by every factor of a report. */
interface MemberOrder {
  /** Each member key's place. */
  place: Map<string, number>;
  /** Member keys by place. */
  keys: string[];
  members: Map<string, ReportMember>;
}

/** Kept per round object while its report is written (a report reuses one round object for every factor). */
const ORDERS = new WeakMap<Round, MemberOrder>();

/**
 * Every member key of the round (its participants and whoever else voted or answered) in the order reports list
 * them: by label in the collator's order, equal labels by id. Sorted once per report, not once per factor (a round
 * of 10,000 people spent most of a factor's time comparing); a factor naming someone the order lacks extends it.
 */
function memberOrder(round: Round, voteKeys: readonly string[], answerKeys: readonly string[]): MemberOrder {
  const known = ORDERS.get(round);
  const missing = (keys: readonly string[]) => (known ? keys.some((k) => !known.place.has(k)) : true);
  if (known && !missing(voteKeys) && !missing(answerKeys)) return known;
  const collator = collatorOf(round.locale);
  const members = new Map<string, ReportMember>(known?.members);
  for (const key of [...round.participants, ...voteKeys, ...answerKeys]) {
    if (!members.has(key)) members.set(key, { label: displayName(round, key), id: key });
  }
  const keys = [...members.keys()].sort((a, b) => collator.compare(members.get(a)!.label, members.get(b)!.label) || (a < b ? -1 : a > b ? 1 : 0));
  const order = { place: new Map(keys.map((k, i) => [k, i])), keys, members };
  ORDERS.set(round, order);
  return order;
}

/**
 * A named round's factor's respondents in report order: everyone with a key in `voteKeys` or `answerKeys`, as a
 * ReportMember shared by every factor of the report. A pass over the round's order instead of a sort per factor.
 */
export function respondentsInOrder(round: Round, voteKeys: readonly string[], answerKeys: readonly string[]): ReportMember[] {
  const order = memberOrder(round, voteKeys, answerKeys);
  const responded = new Uint8Array(order.keys.length);
  for (const key of voteKeys) responded[order.place.get(key)!] = 1;
  for (const key of answerKeys) responded[order.place.get(key)!] = 1;
  const out: ReportMember[] = [];
  for (let i = 0; i < responded.length; i++) if (responded[i] === 1) out.push(order.members.get(order.keys[i]!)!);
  return out;
}

/** The shared vote object of each level, per locale. */
const VOTES = new Map<Locale, Record<Level, ReportVote>>();

export function reportVote(locale: Locale, level: Level): ReportVote {
  let votes = VOTES.get(locale);
  if (!votes) {
    votes = Object.fromEntries(LEVELS.map((l) => [l, { level: l, label: levelLabel(locale, l) }])) as Record<Level, ReportVote>;
    VOTES.set(locale, votes);
  }
  return votes[level];
}

/** A named round's factor: every response with the member's name and id. */
function namedDetail(round: Round, data: FactorData, known: ReportQuestion[]) {
  const { votes, answers } = data;
  const responses: ReportFactor['responses'] = [];
  const questions = known.map((q) => ({ ...q, answers: [] as ReportQuestion['answers'] }));
  const evidence: ReportFactor['evidence'] = [];
  for (const member of respondentsInOrder(round, Object.keys(votes), Object.keys(answers))) {
    const level = ownValue(votes, member.id!);
    const answer = ownValue(answers, member.id!) ?? null;
    responses.push({ member, vote: level ? reportVote(round.locale, level) : null, answer });
    if (!answer) continue;
    for (const qid of Object.keys(answer.texts)) questionFor(questions, qid).answers.push({ member, text: answer.texts[qid]! });
    for (const url of answer.evidence) evidence.push({ member, url });
  }
  return { responses, questions, evidence };
}

/** An anonymous round's factor: texts and links without anyone's label, in their own order. */
function anonymousDetail(data: FactorData, known: ReportQuestion[]) {
  const answers = Object.values(data.answers);
  const questions = known.map((q) => ({ ...q, answers: [] as ReportQuestion['answers'] }));
  const byQuestion = new Map<string, string[]>();
  for (const a of answers) {
    for (const [qid, text] of Object.entries(a.texts)) {
      const list = byQuestion.get(qid);
      if (list) list.push(text);
      else byQuestion.set(qid, [text]);
    }
  }
  for (const [qid, texts] of byQuestion) questionFor(questions, qid).answers.push(...textOrder(texts).map((text) => ({ text })));
  return { responses: [], questions, evidence: textOrder(answers.flatMap((a) => a.evidence)).map((url) => ({ url })) };
}

function questionFor(questions: ReportQuestion[], qid: string): ReportQuestion {
  let q = questions.find((x) => x.id === qid);
  if (!q) {
    q = { id: qid, number: questions.length + 1, text: qid, answers: [] };
    questions.push(q);
  }
  return q;
}

const COLLATORS = new Map<Locale, Intl.Collator>();

function collatorOf(locale: Locale): Intl.Collator {
  let collator = COLLATORS.get(locale);
  if (!collator) COLLATORS.set(locale, (collator = new Intl.Collator(locale === 'sv' ? 'sv-SE' : 'en-GB', { numeric: true })));
  return collator;
}

/** The questions a factor lists before any answer is read: the toolkit's own, none when the factor is hidden. */
function knownQuestions(model: Pick<ReportModel, 'pack'>, factorId: string): ReportQuestion[] {
  const kf = model.pack.keyFactors.find((k) => k.id === factorId);
  return (kf?.questions ?? []).map((q, i) => ({ id: q.id, number: i + 1, text: q.text, answers: [] }));
}

/**
 * Whether a factor's detail shows stored responses: false for a hidden factor and for an anonymous factor whose
 * answers are held back (then none need reading).
 */
export function factorNeedsData(f: ReportFactor): boolean {
  return !f.hidden && !f.answersHeld;
}

/**
 * A factor of a report frame (see buildReportFrame) with its responses, questions and evidence from `data`: the
 * factor's votes (named rounds) and answers. A factor that needs none (factorNeedsData) comes back as it is.
 */
export function withFactorDetail(model: Pick<ReportModel, 'round' | 'pack'>, f: ReportFactor, data: FactorData): ReportFactor {
  if (!factorNeedsData(f)) return f;
  const { round } = model;
  const known = knownQuestions(model, f.factorId);
  const detail = round.anonymous ? anonymousDetail(data, known) : namedDetail(round, data, known);
  return { ...f, ...detail };
}

/**
 * Everything a report shows but the factors' responses: the round, the digest (from the stored tallies and answer
 * stats, and in a named round the votes), comparisons, context, plan. Each factor comes with its toolkit questions
 * and no responses yet (withFactorDetail adds them), so a report can be written a factor at a time without holding
 * every answer of the round.
 */
export function buildReportFrame(state: RoundState, baseline: RoundState | null, opts: { now: number; reportUrl?: string; plan?: ChannelPlan | null }): ReportModel {
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
  const comparisons = baseline ? compareRounds(state, baseline) : [];

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
    if (hidden) return { ...base, answersHeld: round.anonymous, tally: null, comparison: null, responses: [], questions: [], evidence: [] };
    const answered = state.answerStats[tally.factorId]?.answers ?? Object.keys(state.snapshot.answers[tally.factorId] ?? {}).length;
    const answersHeld = round.anonymous && !answersVisible(round, tally, answered);
    return {
      ...base,
      answersHeld,
      tally,
      comparison: comparisons.find((c) => c.factorId === tally.factorId) ?? null,
      responses: [],
      questions: knownQuestions(state, tally.factorId),
      evidence: [],
    };
  });
  const tz = round.calendar.timezone;
  const context = round.contextNotes.map((n) => {
    const by = round.anonymous ? undefined : { label: displayName(round, n.by), id: n.by };
    return {
      contextFactorId: n.contextFactorId,
      name: pack.contextFactors.find((c) => c.id === n.contextFactorId)?.name ?? n.contextFactorId,
      comment: n.comment,
      ...(by ? { by } : {}),
      at: round.anonymous ? dayOf(n.at, tz) : n.at,
    };
  });

  const generatedAt = new Date(opts.now).toISOString();
  return {
    locale,
    round,
    pack,
    digest,
    factors,
    comparedWith: baseline
      ? { roundId: baseline.round.id, opensAt: round.anonymous ? dayOf(baseline.round.calendar.opensAt, tz) : baseline.round.calendar.opensAt, isBaseline: baseline.round.isBaseline }
      : null,
    context,
    // An anonymous round's report names no one: the channel's plan may come from named rounds, its owners are hidden here.
    plan: opts.plan ? buildReportPlan(round.anonymous ? { ...opts.plan, anonymous: true } : opts.plan, pack, locale) : null,
    peerReview: round.mode === 'peer-review' && state.peer ? buildFollowUp(state, generatedAt) : null,
    generatedAt: round.anonymous ? dayOf(generatedAt, tz) : generatedAt,
  };
}

/** The whole report of a round whose votes and answers are all in `state` (small rounds, tests, peer reviews). */
export function buildReportModel(state: RoundState, baseline: RoundState | null, opts: { now: number; reportUrl?: string; plan?: ChannelPlan | null }): ReportModel {
  const frame = buildReportFrame(state, baseline, opts);
  const factors = frame.factors.map((f) =>
    withFactorDetail(frame, f, { votes: state.snapshot.votes[f.factorId] ?? {}, answers: state.snapshot.answers[f.factorId] ?? {} }),
  );
  return { ...frame, factors };
}

/**
 * Thrown by a report written a factor at a time when an answer names a question the report's head, written before
 * any answer was read, does not list (the toolkit has dropped it since): such a report is written whole instead.
 */
export class UnlistedQuestionError extends Error {
  constructor(factorId: string, questionId: string) {
    super(`answers of ${factorId} to question ${questionId}, which the report's head does not list`);
  }
}

/** "+27", "−12", "±0": a score change in whole points. */
export function signedPoints(delta: number): string {
  const n = Math.round(delta);
  if (n === 0) return '±0';
  return n > 0 ? `+${n}` : `−${Math.abs(n)}`;
}
