// The Adaptive Card JSON shapes we produce (schema 1.5), loose enough for templates, strict where callers read them.
export const ADAPTIVE_CARD_VERSION = '1.5';

export interface CardElement {
  type: string;
  [key: string]: unknown;
}

export interface CardAction {
  type: 'Action.Execute' | 'Action.Submit' | 'Action.OpenUrl' | 'Action.ShowCard' | 'Action.ToggleVisibility';
  title?: string;
  verb?: string;
  data?: Record<string, unknown>;
  url?: string;
  card?: AdaptiveCard;
  fallback?: CardAction | 'drop';
  [key: string]: unknown;
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema?: string;
  version: string;
  body: CardElement[];
  actions?: CardAction[];
  refresh?: { action: CardAction; userIds?: string[] };
  msteams?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The verbs our cards send back; Teams routes `adaptiveCard/action` invokes by them. */
export const CARD_VERBS = ['vote', 'answer', 'refresh', 'start', 'open-card', 'action-done'] as const;
export type CardVerb = (typeof CARD_VERBS)[number];
