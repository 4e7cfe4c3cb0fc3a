// The JSON export: the whole round (settings, tallies, votes, answers, context) for other tools; anonymous rounds carry no ids, names or times of day.
import { answerThreshold, voteThreshold } from '../core/anonymity.js';
import { dayOf, type ReportFactor, type ReportMember, type ReportModel } from './report-model.js';

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
    ...responses(model, f),
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

/** Stands in for the factors while the rest of the report is written (a string no report can hold: JSON escapes it). */
const FACTORS_MARK = '\u0000factors\u0000';
const FACTORS_MARK_JSON = JSON.stringify(FACTORS_MARK);
/** The `factors` array's items sit two levels deep in the pretty-printed report. */
const ITEM_INDENT = '    ';

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
  if (model.factors.length === 0) return { head: `${before}[]`, factor: () => '', tail: after };
  return {
    head: `${before}[`,
    factor: (f, index) => `${index === 0 ? '' : ','}\n${ITEM_INDENT}${JSON.stringify(factorJson(model, f), null, 2).replaceAll('\n', `\n${ITEM_INDENT}`)}`,
    tail: `\n  ]${after}`,
  };
}
