// What every inbound interaction returns, and the one vocabulary its outcomes are counted in, whatever the platform.
import type { Locale } from '../../content/schema.js';
import type { AppError } from '../errors.js';
import type { Platform, Round } from '../model.js';

/** What a person did. The same names on every platform (metrics, logs). */
export type InteractionKind = 'vote' | 'answer' | 'start' | 'refresh' | 'open-card' | 'examples' | 'action-done' | 'command';

/** How it ended: `ok`, `duplicate` (the same click again), `invalid` (a payload we cannot read), or an error code in lower case. */
export type InteractionOutcome = 'ok' | 'duplicate' | 'invalid' | Lowercase<string>;

export interface InteractionEvent {
  platform: Platform;
  kind: InteractionKind;
  outcome: InteractionOutcome;
}

/** Where outcomes are counted (infra/metrics.ts maps this to Prometheus); one event per interaction, never two. */
export interface InteractionObserver {
  interaction(event: InteractionEvent): void;
  /** A vote that was stored (not a duplicate). */
  voteCounted(platform: Platform): void;
}

export const silentObserver: InteractionObserver = { interaction: () => undefined, voteCounted: () => undefined };

/** A factor card whose shared copy must be redrawn. */
export interface CardRefresh {
  tenant: string;
  roundId: string;
  factorId: string;
}

/** What to tell the person, and which card to refresh: the shape every interaction answers in. */
export interface InteractionReply {
  ok: boolean;
  locale: Locale;
  /** The sentence for the person (plain text with the platform-neutral markup of the locale files). */
  text: string;
  /** The shared card to redraw, if the interaction changed what it shows. */
  refresh: CardRefresh | null;
  /** The refusal, when `ok` is false. */
  error?: AppError;
  /** The round acted on, when it was read. */
  round?: Round;
}
