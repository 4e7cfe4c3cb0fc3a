// The JSON export: the whole round (settings, tallies, votes, answers, context) for other tools; anonymous rounds carry no ids or names.
import type { ReportMember, ReportModel } from './report-model.js';

export const REPORT_JSON_VERSION = 1;

function who(m: ReportMember): { member: string; memberId?: string } {
  return m.id ? { member: m.label, memberId: m.id } : { member: m.label };
}

export function reportJson(model: ReportModel): Record<string, unknown> {
  const { round, pack, digest } = model;
  const people = round.anonymous
    ? { participantCount: round.participants.length, managerCount: round.managers.length }
    : {
        coordinators: round.coordinators,
        participants: round.participants,
        managers: round.managers,
        reviewers: round.reviewers,
        names: round.names,
      };
  return {
    format: 'integrating-cities-assessment-report',
    version: REPORT_JSON_VERSION,
    generatedAt: model.generatedAt,
    round: {
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
      anonymous: round.anonymous,
      minResponses: round.minResponses,
      ...people,
    },
    pack: { id: pack.id, locale: pack.locale, title: pack.title, publisher: pack.publisher },
    summary: {
      headline: digest.headline,
      score: digest.score,
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
      votes: f.responses.filter((r) => r.vote).map((r) => ({ ...who(r.member), level: r.vote!.level })),
      answers: f.responses
        .filter((r) => r.answer)
        .map((r) => ({ ...who(r.member), texts: r.answer!.texts, evidence: r.answer!.evidence, at: r.answer!.at })),
    })),
    contextNotes: model.context.map((c) => ({
      contextFactorId: c.contextFactorId,
      name: c.name,
      comment: c.comment,
      ...(c.by ? { by: c.by.label, byId: c.by.id } : {}),
      at: c.at,
    })),
  };
}

export function renderJson(model: ReportModel): string {
  return `${JSON.stringify(reportJson(model), null, 2)}\n`;
}
