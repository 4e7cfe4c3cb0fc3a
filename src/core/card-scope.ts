// Which conversations may act on a round's cards: the round's own channel, or a member's 1:1 chat with the bot.
import { AppError } from './errors.js';
import type { Round } from './model.js';

/** Where a card button was pressed, as the platform reports it. */
export interface CardOrigin {
  /** The channel or chat the press came from (Slack channel id, Teams conversation key). */
  conversationId: string;
  /** A 1:1 chat between the person and the bot, where reminders deliver their buttons. */
  direct: boolean;
}

/** Everyone a round concerns: participants, coordinators, managers, reviewers and the review lead. */
export function isRoundMember(round: Round, memberId: string): boolean {
  return (
    round.participants.includes(memberId) ||
    round.coordinators.includes(memberId) ||
    round.managers.includes(memberId) ||
    round.reviewers.includes(memberId) ||
    round.reviewLead === memberId
  );
}

export function cardAllowedFrom(round: Round, memberId: string, origin: CardOrigin): boolean {
  if (origin.conversationId === round.channel.id) return true;
  // A card id copied into another channel of the same workspace would otherwise show that channel the live tally.
  return origin.direct && isRoundMember(round, memberId);
}

/** Refuses a card action that does not come from the round's channel or from a member's 1:1 chat. */
export function assertCardOrigin(round: Round, memberId: string, origin: CardOrigin): void {
  if (!cardAllowedFrom(round, memberId, origin)) throw new AppError('CARD_FROM_ANOTHER_CONVERSATION');
}
