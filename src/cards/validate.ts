// Validates card JSON with the official adaptivecards renderer library (parse warnings + property validation) and measures it.
import { createRequire } from 'node:module';
import type { AdaptiveCard } from './types.js';

/** Teams and our own tests refuse cards above this size. */
export const MAX_CARD_BYTES = 80 * 1024;

interface AcEvent {
  message: string;
}
interface AcModule {
  AdaptiveCard: new () => { parse(json: unknown, ctx: unknown): void; validateProperties(): { validationEvents: AcEvent[] } };
  SerializationContext: new (version: unknown) => { eventCount: number; getEventAt(i: number): AcEvent };
  Versions: Record<string, unknown>;
}

// The package's lib/ build uses extensionless ESM imports that Node can't resolve; its UMD bundle loads fine without a DOM.
let ac: AcModule | undefined;
function adaptiveCards(): AcModule {
  ac ??= createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AcModule;
  return ac;
}

export function cardBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** Parses the card as a 1.5 host would; any warning (unknown element, duplicate id, missing url…) is returned. */
export function validateAdaptiveCard(card: AdaptiveCard | Record<string, unknown>): { warnings: string[]; bytes: number } {
  const AC = adaptiveCards();
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card, ctx);
  const warnings: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) warnings.push(ctx.getEventAt(i).message);
  for (const e of parsed.validateProperties().validationEvents) warnings.push(e.message);
  const bytes = cardBytes(card);
  if (bytes > MAX_CARD_BYTES) warnings.push(`card is ${bytes} bytes, over the ${MAX_CARD_BYTES}-byte limit`);
  return { warnings, bytes };
}
