// What the embedded store reads out of a round's state: snapshots and a voter's factor view, added up with the
// answer-summary codec the Redis store uses too.
import { AnswerSchema, emptyCounts, type Answer, type Round } from '../../core/model.js';
import type { RoundSnapshot, SnapshotOptions, VoterFactorView } from '../../core/ports.js';
import { AnswerStatsBuilder } from '../answer-summary.js';
import { countsFieldPrefix, parseMemberField } from '../keys.js';
import type { RoundState } from './state.js';

/** The member's part of a `<F>|<M>` field, still encoded (the order the preview sorts ties by). */
function encodedMember(field: string): string {
  return field.slice(field.indexOf('|') + 1);
}

/** Like the Redis store: with `answers: false` the stats come from the summaries and no answer is parsed. */
export function snapshotOf(s: RoundState, round: Round, opts: SnapshotOptions): RoundSnapshot {
  const withAnswers = opts.answers !== false;
  const withVotes = opts.votes !== false;
  const snapshot: RoundSnapshot = { round, counts: {}, votes: {}, answers: {} };
  for (const f of round.factorIds) {
    snapshot.counts[f] = emptyCounts();
    snapshot.votes[f] = {};
    snapshot.answers[f] = {};
  }
  for (const [field, vote] of s.votes) {
    const parsed = parseMemberField(field);
    if (!parsed) continue;
    if (withVotes) (snapshot.votes[parsed.factorId] ??= {})[parsed.memberId] = vote.level;
    (snapshot.counts[parsed.factorId] ??= emptyCounts())[vote.level] += 1;
  }
  const stats = new AnswerStatsBuilder();
  for (const [field, value] of withAnswers ? s.answers : s.answerMeta) {
    const parsed = parseMemberField(field);
    if (!parsed) continue;
    if (withAnswers) {
      const answer = JSON.parse(value) as Answer;
      (snapshot.answers[parsed.factorId] ??= {})[parsed.memberId] = answer;
      stats.addAnswer(parsed.factorId, encodedMember(field), answer);
    } else {
      stats.addMeta(parsed.factorId, encodedMember(field), value);
    }
  }
  snapshot.answerStats = stats.build(round.factorIds);
  return snapshot;
}

/** What the Redis vote script reads with the view: the factor's stats from the summaries, and the voter's answer. */
export function factorViewOf(s: RoundState | undefined, factorId: string, field: string): VoterFactorView {
  const stats = new AnswerStatsBuilder();
  const prefix = countsFieldPrefix(factorId);
  for (const [f, summary] of s?.answerMeta ?? []) if (f.startsWith(prefix)) stats.addMeta(factorId, encodedMember(f), summary);
  const json = s?.answers.get(field);
  return { stats: stats.buildOne(factorId), answer: json === undefined ? null : AnswerSchema.parse(JSON.parse(json)) };
}
