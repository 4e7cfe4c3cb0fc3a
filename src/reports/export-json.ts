// The JSON export: the whole round (settings, tallies, votes, answers, context) for other tools; anonymous rounds carry no ids, names or times of day.
import { answerThreshold, voteThreshold } from '../core/anonymity.js';
import { dayOf, UnlistedQuestionError, type ReportFactor, type ReportMember, type ReportModel, type ReportResponse } from './report-model.js';

export const REPORT_JSON_VERSION = 1;

function who(m: ReportMember): { member: string; memberId?: string } {
  return m.id ? { member: m.label, memberId: m.id } : { member: m.label };
}

/** An anonymous round's settings with its dates to the day: no time of day, which could point at a person. */
function anonymousRound(model: ReportModel): Record<string, unknown> {
  const { round } = model;
  const tz = round.calendar.timezone;
  return {
    id: round.id,
    tenant: round.tenant,
    platform: round.platform,
    channel: round.channel,
    ...(round.title ? { title: round.title } : {}),
    packId: round.packId,
    locale: round.locale,
    mode: round.mode,
    status: round.status,
    createdOn: dayOf(round.createdAt, tz),
    ...(round.openedAt ? { openedOn: dayOf(round.openedAt, tz) } : {}),
    ...(round.closedAt ? { closedOn: dayOf(round.closedAt, tz) } : {}),
    calendar: { timezone: tz, opensOn: dayOf(round.calendar.opensAt, tz), closesOn: dayOf(round.calendar.closesAt, tz), pacing: round.calendar.pacing },
    isBaseline: round.isBaseline,
    ...(round.baselineRoundId ? { baselineRoundId: round.baselineRoundId } : {}),
    ...(round.previousRoundId ? { previousRoundId: round.previousRoundId } : {}),
    anonymous: true,
    minResponses: voteThreshold(round),
    minAnswers: answerThreshold(round),
    participantCount: round.participants.length,
    managerCount: round.managers.length,
  };
}

function namedRound(model: ReportModel): Record<string, unknown> {
  const { round } = model;
  return {
    id: round.id,
    tenant: round.tenant,
    platform: round.platform,
    channel: round.channel,
    ...(round.title ? { title: round.title } : {}),
    packId: round.packId,
    locale: round.locale,
    mode: round.mode,
    status: round.status,
    createdAt: round.createdAt,
    ...(round.openedAt ? { openedAt: round.openedAt } : {}),
    ...(round.closedAt ? { closedAt: round.closedAt } : {}),
    calendar: round.calendar,
    isBaseline: round.isBaseline,
    ...(round.baselineRoundId ? { baselineRoundId: round.baselineRoundId } : {}),
    ...(round.previousRoundId ? { previousRoundId: round.previousRoundId } : {}),
    anonymous: false,
    minResponses: round.minResponses,
    coordinators: round.coordinators,
    participants: round.participants,
    managers: round.managers,
    reviewers: round.reviewers,
    names: round.names,
  };
}

/**
 * A factor's responses. Named rounds: each vote and answer with its member. Anonymous rounds: the vote counts
 * (in `tally`), and the answer texts and links without anyone's label or time, in the order of the texts.
 */
function responses(model: ReportModel, f: ReportFactor): Record<string, unknown> {
  if (model.round.anonymous) {
    return {
      answersHeld: f.answersHeld,
      answers: f.questions.flatMap((q) => q.answers.map((a) => ({ questionId: q.id, text: a.text }))),
      evidence: f.evidence.map((e) => e.url),
    };
  }
  return {
    votes: f.responses.filter((r) => r.vote).map((r) => ({ ...who(r.member), level: r.vote!.level })),
    answers: f.responses
      .filter((r) => r.answer)
      .map((r) => ({ ...who(r.member), texts: r.answer!.texts, evidence: r.answer!.evidence, at: r.answer!.at })),
  };
}

/** One factor's entry in `factors`. */
function factorJson(model: ReportModel, f: ReportFactor): Record<string, unknown> {
  return { ...factorFields(f), ...responses(model, f) };
}

/** A factor's entry but its responses. */
function factorFields(f: ReportFactor): Record<string, unknown> {
  return {
    factorId: f.factorId,
    number: f.number,
    theme: f.theme,
    statement: f.statement,
    hidden: f.hidden,
    status: f.line.status,
    verdict: f.line.verdict,
    tally: f.tally,
    comparison: f.comparison,
    questions: f.questions.map((q) => ({ id: q.id, number: q.number, text: q.text })),
  };
}

export function reportJson(model: ReportModel): Record<string, unknown> {
  const { round, pack, digest } = model;
  return {
    format: 'integrating-cities-assessment-report',
    version: REPORT_JSON_VERSION,
    generatedAt: model.generatedAt,
    round: round.anonymous ? anonymousRound(model) : namedRound(model),
    pack: { id: pack.id, locale: pack.locale, title: pack.title, publisher: pack.publisher },
    summary: {
      headline: digest.headline,
      score: digest.score,
      scoreSoFar: digest.scoreSoFar,
      scoredFactors: digest.scored,
      inPlace: digest.inPlace,
      factorCount: digest.total,
      disputed: model.factors.filter((f) => f.line.disputed).map((f) => f.factorId),
    },
    comparedWith: model.comparedWith,
    factors: model.factors.map((f) => factorJson(model, f)),
    contextNotes: model.context.map((c) => ({
      contextFactorId: c.contextFactorId,
      name: c.name,
      comment: c.comment,
      ...(c.by ? { by: c.by.label, byId: c.by.id } : {}),
      at: c.at,
    })),
    actionPlan: model.plan,
  };
}

export function renderJson(model: ReportModel): string {
  return `${JSON.stringify(reportJson(model), null, 2)}\n`;
}

/** Stands in for a part of the report while the rest is printed (a string no report can hold: JSON escapes it). */
const FACTORS_MARK = '\u0000factors\u0000';
const FACTORS_MARK_JSON = JSON.stringify(FACTORS_MARK);
const VOTES_MARK = '\u0000votes\u0000';
const VOTES_MARK_JSON = JSON.stringify(VOTES_MARK);
const ANSWERS_MARK = '\u0000answers\u0000';
const ANSWERS_MARK_JSON = JSON.stringify(ANSWERS_MARK);
/** The `factors` array's items sit two levels deep in the pretty-printed report. */
export const ITEM_INDENT = '    ';

/** `value` as JSON.stringify(value, null, 2) prints it, when it is nested `indent` deep. */
function nested(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);
}

/** Strings printed as JSON.stringify(…, null, 2) would, `indent` deep. */
function printStrings(items: readonly string[], indent: string): string {
  if (items.length === 0) return '[]';
  let out = '[';
  for (let i = 0; i < items.length; i++) out += `${i === 0 ? '' : ','}\n${indent}  ${JSON.stringify(items[i])}`;
  return `${out}\n${indent}]`;
}

type Response = ReportResponse;

/** A named vote: { member, memberId?, level }. */
function printVote(r: Response, indent: string): string {
  const i = `${indent}  `;
  const id = r.member.id ? `,\n${i}"memberId": ${JSON.stringify(r.member.id)}` : '';
  return `{\n${i}"member": ${JSON.stringify(r.member.label)}${id},\n${i}"level": ${JSON.stringify(r.vote!.level)}\n${indent}}`;
}

/** A named answer: { member, memberId?, texts, evidence, at }, printed by hand when it has the stored shape. */
function printAnswer(r: Response, indent: string): string {
  const a = r.answer!;
  const texts = a.texts as unknown;
  const plain =
    typeof a.at === 'string' &&
    Array.isArray(a.evidence) &&
    a.evidence.every((e) => typeof e === 'string') &&
    typeof texts === 'object' &&
    texts !== null &&
    !Array.isArray(texts) &&
    Object.values(texts).every((t) => typeof t === 'string');
  if (!plain) return nested({ ...who(r.member), texts: a.texts, evidence: a.evidence, at: a.at }, indent);
  const i = `${indent}  `;
  const id = r.member.id ? `,\n${i}"memberId": ${JSON.stringify(r.member.id)}` : '';
  const keys = Object.keys(a.texts);
  let textsJson = '{}';
  if (keys.length > 0) {
    textsJson = '{';
    keys.forEach((k, n) => (textsJson += `${n === 0 ? '' : ','}\n${i}  ${JSON.stringify(k)}: ${JSON.stringify(a.texts[k])}`));
    textsJson += `\n${i}}`;
  }
  return `{\n${i}"member": ${JSON.stringify(r.member.label)}${id},\n${i}"texts": ${textsJson},\n${i}"evidence": ${printStrings(a.evidence, i)},\n${i}"at": ${JSON.stringify(a.at)}\n${indent}}`;
}

/** A named round's factor written one response at a time (see namedFactorWriter, csvParts' namedRow). */
export interface NamedFactorWriter {
  /** Before any response is added: each respondent who voted, with their vote, in order (JSON lists votes first). */
  vote?: (r: ReportResponse) => void;
  /** Each respondent's response, in order. */
  add: (r: ReportResponse) => void;
  /** What is written so far and not yet handed out. */
  flush: () => string;
  /** The rest, as pieces whose concatenation is its text. */
  end: () => string[];
}

/**
 * A named round's factor's item in `factors`, as JSON.stringify(factorJson(…), null, 2) prints it `indent` deep.
 * Its votes and answers, all but a few lines of a large report, are printed by hand without an object per response,
 * and handed out as they are printed: everything before them is printed first, so an answer naming a question the
 * item's `questions` does not list throws UnlistedQuestionError. The same text byte for byte
 * (test/unit/report-stream.test.ts).
 */
export function namedFactorWriter(f: ReportFactor, indent: string): NamedFactorWriter {
  const fieldIndent = `${indent}  `;
  const itemIndent = `${fieldIndent}  `;
  const listed = new Set(f.questions.map((q) => q.id));
  const text = nested({ ...factorFields(f), votes: VOTES_MARK, answers: ANSWERS_MARK }, indent);
  // Each mark is a whole value on its own line: cut by position, never replaced by pattern (a text could hold "$&").
  const v = text.indexOf(VOTES_MARK_JSON);
  const a = text.indexOf(ANSWERS_MARK_JSON);
  const after = text.slice(a + ANSWERS_MARK_JSON.length);
  const close = (n: number) => (n === 0 ? '[]' : `\n${fieldIndent}]`);
  let out = text.slice(0, v);
  let votes = 0;
  let answers = 0;
  let votesClosed = false;
  const flush = () => {
    const ready = out;
    out = '';
    return ready;
  };
  const closeVotes = () => {
    if (votesClosed) return;
    votesClosed = true;
    out += `${close(votes)}${text.slice(v + VOTES_MARK_JSON.length, a)}`;
  };
  return {
    vote(r) {
      if (r.vote) out += `${votes++ === 0 ? '[' : ','}\n${itemIndent}${printVote(r, itemIndent)}`;
    },
    add(r) {
      closeVotes();
      if (!r.answer) return;
      for (const qid of Object.keys(r.answer.texts)) if (!listed.has(qid)) throw new UnlistedQuestionError(f.factorId, qid);
      out += `${answers++ === 0 ? '[' : ','}\n${itemIndent}${printAnswer(r, itemIndent)}`;
    },
    flush,
    end() {
      closeVotes();
      return [`${flush()}${close(answers)}${after}`];
    },
  };
}

/** One factor's item in `factors`, `indent` deep; a named round's responses fed as a streamed report feeds them. */
function printFactor(model: ReportModel, f: ReportFactor, indent: string): string {
  if (model.round.anonymous) return nested(factorJson(model, f), indent);
  const writer = namedFactorWriter(f, indent);
  for (const r of f.responses) writer.vote?.(r);
  for (const r of f.responses) writer.add(r);
  return writer.end().join('');
}

/** The separator and indent before a factor's item in `factors`. */
export function factorItemLead(index: number): string {
  return `${index === 0 ? '' : ','}\n${ITEM_INDENT}`;
}

/**
 * The JSON report in parts that join to renderJson's text byte for byte: the text before the first factor, each
 * factor's item (with the separator before it), and the text after the last one. Each factor is printed on its own,
 * indented to its place, so a report is written a factor at a time.
 */
export function jsonParts(model: ReportModel): { head: string; factor: (f: ReportFactor, index: number) => string; tail: string } {
  const whole = `${JSON.stringify({ ...reportJson(model), factors: FACTORS_MARK }, null, 2)}\n`;
  const at = whole.indexOf(FACTORS_MARK_JSON);
  const before = whole.slice(0, at);
  const after = whole.slice(at + FACTORS_MARK_JSON.length);
  if (model.factors.length === 0) return { head: `${before}[]`, factor: () => '', tail: `${after}` };
  return {
    head: `${before}[`,
    factor: (f, index) => `${factorItemLead(index)}${printFactor(model, f, ITEM_INDENT)}`,
    tail: `\n  ]${after}`,
  };
}
