// The outbound port: the few primitives a chat platform offers the core's delivery (delivery.ts), plus what it can do.
// Slack, Teams and the playground implement it; they render the neutral views below their own way and keep only their
// real extras (Slack's chart upload and card permalinks, Teams' per-person card refresh) behind the capability flags.
import type { Action, Platform, Round } from '../model.js';
import type { CardRef } from '../ports.js';
import type { RoundState } from '../read-model.js';
import type { DigestView } from '../views/digest-model.js';
import type { FactorCardView } from '../views/factor-card.js';
import type { ReminderView, WelcomeView } from '../views/messages.js';

/** What a platform can do beyond posting. */
export interface ChatCapabilities {
  /** Edits a posted message in place (live tallies, closing a card). */
  edit: boolean;
  /** Shows a message in a channel to one person only. */
  ephemeral: boolean;
  /** Redraws each viewer's own copy of a card (Teams' card refresh). */
  perUserRefresh: boolean;
  /** Uploads the score chart as an image beside a final summary (Slack); others link to it. */
  chartUpload: boolean;
  /** Links a reminder to the card in the channel (Slack permalinks); others open the card from the reminder. */
  permalinks: boolean;
}

/** How fast direct messages may go out when the core fans out to many people: the platform's rate limits. */
export interface ChatPace {
  /** Messages started per second at most. */
  perSecond: number;
  /** Messages in flight at once at most. */
  concurrency: number;
}

/** A message the core hands a platform: a neutral view, rendered by the platform. */
export type ChatMessage =
  | { kind: 'factor-card'; view: FactorCardView }
  | { kind: 'welcome'; view: WelcomeView }
  /** `cards`: the round's posted cards, read once for the whole fan-out (for permalinks). */
  | { kind: 'reminder'; view: ReminderView; cards: Record<string, CardRef> }
  /** `state` and `baseline`: what a platform that uploads the chart draws it from. */
  | { kind: 'digest'; view: DigestView; state: RoundState; baseline: RoundState | null }
  | { kind: 'action-reminder'; actions: Action[] };

export interface ChatPort {
  readonly capabilities: ChatCapabilities;
  /** Pacing of direct-message fan-out (reminders, digests to managers). */
  readonly pace: ChatPace;
  /** Posts in the round's channel; the platform's message id, or null when the channel cannot be reached. */
  post(round: Round, message: ChatMessage): Promise<string | null>;
  /** Replaces a message posted earlier (capabilities.edit). */
  edit(round: Round, ref: CardRef, message: ChatMessage): Promise<void>;
  /** A direct message to one person; false when they cannot be reached (no chat possible, the bot blocked). */
  dm(round: Round, userId: string, message: ChatMessage): Promise<boolean>;
  /** A message in the round's channel that only `userId` sees (capabilities.ephemeral). */
  ephemeral?(round: Round, userId: string, message: ChatMessage): Promise<void>;
}

/** Finds the port of the platform a round runs on. */
export interface ChatPorts {
  get(platform: Platform): ChatPort | undefined;
}
