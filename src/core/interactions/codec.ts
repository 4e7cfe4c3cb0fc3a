// What a card button carries, how a click is named, and what an answer form sends: decoded here once for every platform.
import { z } from 'zod';
import { LevelSchema, type Level } from '../model.js';
import type { Platform } from '../model.js';

const Id = z.string().min(1).max(200);

/** The value our card buttons carry: round and factor (and the level, on vote buttons). */
export const CardValueSchema = z.strictObject({ r: Id, f: Id, l: LevelSchema.optional() });
export type CardValue = z.infer<typeof CardValueSchema>;

/** The value of an action reminder's Done button: the round whose plan holds the action, and the action id. */
// `r` may also be a plan's carrier id (plan-model.ts planCarrierId): a channel id in base64url, hence the longer limit.
export const ActionDoneValueSchema = z.strictObject({ r: z.string().min(1).max(600), a: z.string().regex(/^A\d{1,4}$/) });
export type ActionDoneValue = z.infer<typeof ActionDoneValueSchema>;

/** The card value as a button carries it (a JSON string: Slack button values and Adaptive Card data alike). */
export function encodeCardValue(value: { r: string; f: string; l?: Level }): string {
  return JSON.stringify(value.l ? { r: value.r, f: value.f, l: value.l } : { r: value.r, f: value.f });
}

function parseJson(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A card value from a button: a JSON string (Slack) or the card's data object (Teams, playground). Objects may carry
 * more (an answer form's fields, Teams' `verb`): only `r`, `f` and `l` are read. Null when it is not one of ours.
 */
export function decodeCardValue(raw: unknown): CardValue | null {
  // A button value string is all ours: anything in it we did not put there makes it not one of our buttons.
  if (typeof raw === 'string') {
    const strict = CardValueSchema.safeParse(parseJson(raw));
    return strict.success ? strict.data : null;
  }
  const value = raw;
  if (typeof value !== 'object' || value === null) return null;
  const { r, f, l } = value as Record<string, unknown>;
  const parsed = CardValueSchema.safeParse(l === undefined ? { r, f } : { r, f, l });
  return parsed.success ? parsed.data : null;
}

/** A vote button's value, which must name its level. */
export function decodeVoteValue(raw: unknown): (CardValue & { l: Level }) | null {
  const value = decodeCardValue(raw);
  return value?.l ? { ...value, l: value.l } : null;
}

export function decodeActionDone(raw: unknown): ActionDoneValue | null {
  const value = parseJson(raw);
  if (typeof value !== 'object' || value === null) return null;
  const { r, a } = value as Record<string, unknown>;
  const parsed = ActionDoneValueSchema.safeParse({ r, a });
  return parsed.success ? parsed.data : null;
}

/**
 * The one interaction-id scheme: `<platform>:<person>:<the platform's stamp for this click>`. The same click delivered
 * twice (a Slack retry, a double delivery) has the same id and counts once. A platform without a stamp (the
 * playground) passes none and each click is its own.
 */
export function interactionId(platform: Platform, actorId: string, stamp: string | undefined, fresh: () => string): string {
  return `${platform}:${actorId}:${stamp && stamp.length > 0 ? stamp : fresh()}`;
}

/** An answer form's fields, whatever the platform: `q:<questionId>` texts and the evidence links, one per line or comma-separated. */
export interface AnswerFields {
  texts: Record<string, string>;
  evidence: string[];
}

/** Splits free text (one link per line, or separated by spaces or commas) into links. */
export function splitLinks(text: string | undefined | null): string[] {
  if (!text) return [];
  return text.split(/[\s,]+/).filter((s) => s.length > 0);
}

/** Reads `q:<questionId>` texts and `evidence` from a submitted card's data (Teams, playground). */
export function answerFieldsOf(data: Record<string, unknown>): AnswerFields {
  const texts: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) {
    if (k.startsWith('q:') && typeof v === 'string') texts[k.slice(2)] = v;
  }
  return { texts, evidence: splitLinks(typeof data.evidence === 'string' ? data.evidence : '') };
}
