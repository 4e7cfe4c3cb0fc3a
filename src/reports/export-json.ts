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
    factors: model.factors.map((f) => ({
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
    })),
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
