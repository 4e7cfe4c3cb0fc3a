// Gives every Action.Execute an Action.Submit fallback for clients without Universal Actions.
import type { AdaptiveCard, CardAction } from './types.js';

/**
 * Clients without Universal Actions (older Teams, Outlook, the Emulator) can't run Action.Execute; each one
 * falls back to an Action.Submit carrying the same data plus the verb, which arrives as a message activity.
 */
export function withSubmitFallbacks(card: AdaptiveCard): AdaptiveCard {
  const visitAction = (a: CardAction): CardAction => {
    const withCard = a.type === 'Action.ShowCard' && a.card ? { ...a, card: withSubmitFallbacks(a.card) } : a;
    if (withCard.type !== 'Action.Execute') return withCard;
    const fallback: CardAction = {
      type: 'Action.Submit',
      title: withCard.title ?? '',
      data: { ...(withCard.data ?? {}), verb: withCard.verb },
      ...(withCard.style ? { style: withCard.style } : {}),
    };
    return { ...withCard, fallback };
  };
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'refresh') out[k] = v; // the refresh action is invisible; it needs no fallback
      else if (k === 'actions' && Array.isArray(v)) out[k] = (v as CardAction[]).map(visitAction).map((a) => visit(a) as CardAction);
      else out[k] = visit(v);
    }
    return out;
  };
  return visit(card) as AdaptiveCard;
}
