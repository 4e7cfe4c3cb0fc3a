// What Teams is answered for a card action (an invoke): the refreshed card, a short message, or a coded error.
import type { AdaptiveCard } from '../../cards/adaptive.js';
import type { Locale } from '../../content/schema.js';
import type { AppError } from '../../core/errors.js';
import { renderText } from '../../core/text-format.js';
import { teamsDialect } from './activity.js';

/** What a card action produced: a card to show the person, a short message, or an error. */
export type CardActionResult =
  | { kind: 'card'; card: AdaptiveCard; text?: string }
  | { kind: 'message'; text: string }
  | { kind: 'error'; error: AppError; locale: Locale };

export interface AdaptiveCardInvokeResponse {
  statusCode: number;
  type: string;
  value: unknown;
}

/** Teams shows an invoke's message or error as plain text, in the conversation where the card was pressed. */
export function invokeResponseFor(result: CardActionResult, conversation: Parameters<typeof teamsDialect>[0]): AdaptiveCardInvokeResponse {
  const plain = (text: string) => renderText(text, { ...teamsDialect(conversation), markup: 'plain' });
  switch (result.kind) {
    case 'card':
      return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result.card };
    case 'message':
      return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: plain(result.text) };
    case 'error':
      return {
        statusCode: 400,
        type: 'application/vnd.microsoft.error',
        value: { code: result.error.code, message: plain(result.error.userMessage(result.locale)) },
      };
  }
}
