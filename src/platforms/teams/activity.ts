// Reading what we need from an inbound Bot Framework activity, validated with zod at the boundary.
import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { answerFieldsOf } from '../../core/interactions/codec.js';
import { LocaleSchema, type Locale } from '../../content/schema.js';
import { LevelSchema } from '../../core/model.js';
import type { TextDialect } from '../../core/text-format.js';
import type { Actor } from '../../core/service.js';

/** The bot's name in Teams (the manifest's name.short): in a channel or group chat it must be mentioned. */
export const TEAMS_BOT_NAME = 'Assess';

/**
 * How a Teams reader writes the command: just `assess` in a 1:1 chat with the bot, `@Assess assess` where the bot
 * must be mentioned (channels, group chats). Teams renders Markdown, where bold is `**x**`.
 */
export function teamsDialect(conversation: { conversationType?: string } | undefined, channelId?: string): TextDialect {
  const personal = conversation?.conversationType === 'personal' || channelId === 'emulator';
  return { command: personal ? 'assess' : `@${TEAMS_BOT_NAME} assess`, markup: 'markdown' };
}

/** Teams tenant of the activity; the Emulator has none. */
export function tenantOf(activity: Partial<Activity>): string {
  const cd = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = typeof cd?.tenant?.id === 'string' ? cd.tenant.id : undefined;
  const fromConversation = typeof activity.conversation?.tenantId === 'string' ? activity.conversation.tenantId : undefined;
  return fromChannelData || fromConversation || 'emulator';
}

/** The channel (without `;messageid=…`, so posts start new threads) or chat the activity belongs to. */
export function conversationKey(activity: Partial<Activity>): string {
  const cd = activity.channelData as { channel?: { id?: unknown } } | undefined;
  if (typeof cd?.channel?.id === 'string' && cd.channel.id) return cd.channel.id;
  const id: unknown = activity.conversation?.id;
  return typeof id === 'string' ? (id.split(';')[0] ?? '') : '';
}

export function channelNameOf(activity: Partial<Activity>): string | undefined {
  const cd = activity.channelData as { channel?: { name?: unknown } } | undefined;
  return typeof cd?.channel?.name === 'string' ? cd.channel.name : undefined;
}

export function teamIdOf(activity: Partial<Activity>): string | undefined {
  const cd = activity.channelData as { team?: { id?: unknown } } | undefined;
  return typeof cd?.team?.id === 'string' ? cd.team.id : undefined;
}

export function isPersonal(activity: Partial<Activity>): boolean {
  return activity.conversation?.conversationType === 'personal' || activity.channelId === 'emulator';
}

/** "sv-SE" → sv, "en-US" → en; anything else → the fallback. */
export function localeOf(activity: Partial<Activity>, fallback: Locale): Locale {
  // Only a string is a locale; anything else in a malformed activity falls back rather than failing the turn.
  const raw: unknown = activity.locale;
  const lang = typeof raw === 'string' ? raw.slice(0, 2).toLowerCase() : '';
  const parsed = LocaleSchema.safeParse(lang);
  return parsed.success ? parsed.data : fallback;
}

export const ActorSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
});

const Id = z.string().min(1).max(100);

/** Every card button carries the round and factor; votes add the level. */
export const FactorDataSchema = z.object({ r: Id, f: Id });
export const VoteDataSchema = FactorDataSchema.extend({ l: LevelSchema });
/** An action reminder's Done button: the round whose plan holds the action, and the action's id. */
export const ActionDoneDataSchema = z.object({ r: Id, a: z.string().regex(/^A\d{1,4}$/) });
/** The answer form: `q:<questionId>` texts plus evidence links, one per line. */
export const AnswerDataSchema = FactorDataSchema.extend({ evidence: z.string().max(20_000).optional() }).catchall(z.unknown());

/** The value of an `adaptiveCard/action` invoke (Universal Actions). */
export const CardInvokeValueSchema = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(40),
    data: z.record(z.string(), z.unknown()).nullish(),
  }),
  trigger: z.string().optional(),
});

/** An Action.Submit fallback: a message whose value carries the verb next to the data. */
export const SubmitValueSchema = z.object({ verb: z.string().min(1).max(40) }).catchall(z.unknown());

/** Answer texts keyed by question id, from the form's `q:<id>` inputs. */
export function answerTexts(data: Record<string, unknown>): Record<string, string> {
  return answerFieldsOf(data).texts;
}

/** What every turn reads from its activity: the tenant, the conversation key, who acts and in which language. */
export interface ActivityTurn {
  activity: Activity;
  tenant: string;
  key: string;
  actor: Actor;
  locale: Locale;
}

export function turnOf(activity: Activity, fallbackLocale: Locale): ActivityTurn {
  const actor = ActorSchema.safeParse(activity.from ?? {});
  return {
    activity,
    tenant: tenantOf(activity),
    key: conversationKey(activity),
    actor: actor.success ? { id: actor.data.id, ...(actor.data.name ? { name: actor.data.name } : {}) } : { id: '' },
    locale: localeOf(activity, fallbackLocale),
  };
}
