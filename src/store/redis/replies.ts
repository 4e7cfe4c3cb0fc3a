// Turns the Redis store's raw replies (flat hash lists, script replies) into the domain's types.
import { AnswerSchema, LEVELS, LevelSchema, emptyCounts, type Answer, type Level, type LevelCounts, type Round } from '../../core/model.js';
import type { Job, RoundSnapshot, VoterFactorView } from '../../core/ports.js';
import { AnswerStatsBuilder } from '../answer-summary.js';
import { dec, parseCountField, parseMemberField } from '../keys.js';
import type { SnapshotReply, VoteReply } from './scripts.js';

/** A flat HGETALL-style list as [field, value] pairs. */
export function pairs(flat: unknown): [string, string][] {
  const out: [string, string][] = [];
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), String(flat[i + 1])]);
  return out;
}

/** Each level by its stored text: a stored level is looked up, not validated, and the reply's string is let go. */
const LEVEL_BY_TEXT = new Map<unknown, Level>(LevelSchema.options.map((l) => [l, l]));

export function toLevel(value: unknown): Level | null {
  return LEVEL_BY_TEXT.get(value) ?? null;
}

/** Counts in LEVELS order. */
export function countsFrom(values: readonly unknown[]): LevelCounts {
  const counts = emptyCounts();
  LEVELS.forEach((level, i) => {
    counts[level] = Number(values[i] ?? 0) || 0;
  });
  return counts;
}

/** The names hash (encoded member → name) laid over the round JSON's names: the hash is newer, so it wins. */
export function withNames(round: Round, flatNames: readonly string[]): Round {
  if (flatNames.length === 0) return round;
  const names = { ...round.names };
  for (const [field, name] of pairs(flatNames)) names[dec(field)] = name;
  round.names = names;
  return round;
}

/** The member's part of a `<F>|<M>` field, still encoded (the order the Redis preview sorts ties by). */
function encodedMember(field: string): string {
  return field.slice(field.indexOf('|') + 1);
}

/** The factor as the voter sees it, from a vote reply read with the view. */
export function factorViewFrom(factorId: string, view: NonNullable<VoteReply['view']>): VoterFactorView {
  const stats = new AnswerStatsBuilder();
  stats.addTotals(factorId, view.answers, view.evidence);
  for (const [field, summary] of pairs(view.preview)) stats.addPreview(factorId, encodedMember(field), summary);
  // Answers are validated when written; parse again as getMemberAnswer does, so a hand-edited one cannot slip through.
  const answer = view.answerJson === null ? null : AnswerSchema.parse(JSON.parse(view.answerJson));
  return { stats: stats.buildOne(factorId), answer };
}

/**
 * A snapshot from the snapshot script's reply. With answers, the stats are added up from them; without, from the
 * stored totals and preview, which give the same result. Answers are validated when written, so here only parsed.
 */
export function snapshotFrom(round: Round, reply: SnapshotReply, withAnswers: boolean): RoundSnapshot {
  const snapshot: RoundSnapshot = { round: withNames(round, reply.names), counts: {}, votes: {}, answers: {} };
  for (const f of round.factorIds) {
    snapshot.counts[f] = emptyCounts();
    snapshot.votes[f] = {};
    snapshot.answers[f] = {};
  }
  for (const [field, value] of pairs(reply.counts)) {
    const parsed = parseCountField(field);
    const level = parsed && toLevel(parsed.level);
    if (!parsed || !level) continue;
    (snapshot.counts[parsed.factorId] ??= emptyCounts())[level] = Number(value) || 0;
  }
  for (const [field, value] of pairs(reply.votes)) {
    const parsed = parseMemberField(field);
    const level = toLevel(value);
    if (!parsed || !level) continue;
    (snapshot.votes[parsed.factorId] ??= {})[parsed.memberId] = level;
  }
  const stats = new AnswerStatsBuilder();
  if (withAnswers) {
    for (const [field, value] of pairs(reply.answers)) {
      const parsed = parseMemberField(field);
      if (!parsed) continue;
      const answer = JSON.parse(value) as Answer;
      (snapshot.answers[parsed.factorId] ??= {})[parsed.memberId] = answer;
      stats.addAnswer(parsed.factorId, encodedMember(field), answer);
    }
  } else {
    for (const [field, value] of pairs(reply.answerStats)) {
      const parsed = parseCountField(field);
      if (!parsed) continue;
      if (parsed.level === 'answers') stats.addTotals(parsed.factorId, Number(value) || 0, 0);
      else if (parsed.level === 'evidence') stats.addTotals(parsed.factorId, 0, Number(value) || 0);
    }
    for (const [field, summary] of pairs(reply.preview)) {
      const parsed = parseMemberField(field);
      if (parsed) stats.addPreview(parsed.factorId, encodedMember(field), summary);
    }
  }
  snapshot.answerStats = stats.build(round.factorIds);
  return snapshot;
}

export function parseJob(json: string): Job {
  return JSON.parse(json) as Job;
}

export function byDue(a: Job, b: Job): number {
  return a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
