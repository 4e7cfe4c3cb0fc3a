// Builds the Teams cards for a round from the core's state: the shared channel copy and each person's own copy.
import type { TeamsDeps } from './deps.js';
import { renderFactorCard, type AdaptiveCard } from '../../cards/adaptive.js';
import type { Level, Round } from '../../core/model.js';
import type { RoundState } from '../../core/read-model.js';
import { compareRounds } from '../../core/anonymity.js';
import { buildFactorCard } from '../../core/views/factor-card.js';

export interface Viewer {
  id: string;
  /** A line shown only in this person's copy (vote confirmation, "answer saved"). */
  notice?: string;
  /** Known already (e.g. just cast); otherwise read from the store. */
  vote?: Level | null;
}

/** Teams refreshes the card automatically for these people (the round's participants, at most 60). */
export function refreshUsers(round: Round): string[] {
  return [...new Set([...round.coordinators, ...round.participants])];
}

export async function factorCardFor(ctx: { service: Pick<TeamsDeps['service'], 'baselineState' | 'myVote' | 'myAnswer'> }, state: RoundState, factorId: string, viewer?: Viewer): Promise<AdaptiveCard> {
  const { round } = state;
  const base = await ctx.service.baselineState(round);
  const baseline = base ? compareRounds(state, base) : undefined;
  const myVote = viewer ? (viewer.vote !== undefined ? viewer.vote : await ctx.service.myVote(round, factorId, viewer.id)) : null;
  const view = buildFactorCard(state, factorId, { ...(myVote ? { myVote } : {}), ...(baseline ? { baseline } : {}) });
  const answer = viewer ? await ctx.service.myAnswer(round, factorId, viewer.id) : null;
  return renderFactorCard(view, {
    userIds: refreshUsers(round),
    ...(answer ? { answer: { texts: answer.texts, evidence: answer.evidence } } : {}),
    ...(viewer?.notice ? { notice: viewer.notice } : {}),
  });
}
