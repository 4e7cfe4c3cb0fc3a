// Builds the Teams cards for a round from the core's state: the shared channel copy and each person's own copy.
import type { TeamsDeps } from './deps.js';
import { renderFactorCard, type AdaptiveCard } from '../../cards/adaptive.js';
import type { Answer, Level, Round } from '../../core/model.js';
import type { RoundState } from '../../core/read-model.js';
import type { CardFacts } from '../../core/interactions/index.js';
import type { FactorCardView } from '../../core/views/factor-card.js';

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

export async function factorCardFor(
  ctx: { service: Pick<TeamsDeps['service'], 'myVote' | 'myAnswer'>; interactions: { facts: Pick<CardFacts, 'view'> } },
  state: RoundState,
  factorId: string,
  viewer?: Viewer,
): Promise<AdaptiveCard> {
  const { round } = state;
  const myVote = viewer ? (viewer.vote !== undefined ? viewer.vote : await ctx.service.myVote(round, factorId, viewer.id)) : null;
  // The same facts as on Slack and in the playground, the trend against the baseline included (core/interactions).
  const view = await ctx.interactions.facts.view(state, factorId, { ...(viewer ? { id: viewer.id } : {}), myVote });
  const answer = viewer ? await ctx.service.myAnswer(round, factorId, viewer.id) : null;
  return ownFactorCard(round, view, answer, viewer?.notice);
}

/** A person's own copy of a factor card, from the core's view model (the same facts every platform shows). */
export function ownFactorCard(round: Round, view: FactorCardView, answer: Answer | null, notice?: string): AdaptiveCard {
  return renderFactorCard(view, {
    userIds: refreshUsers(round),
    ...(answer ? { answer: { texts: answer.texts, evidence: answer.evidence } } : {}),
    ...(notice ? { notice } : {}),
  });
}
