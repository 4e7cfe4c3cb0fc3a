// The channel's living action plan (handlingsplan): one per channel (a Teams conversation), kept across rounds.
import { z } from 'zod';
import { LocaleSchema } from '../content/schema.js';
import { ActionSchema, LevelSchema, MAX_ACTIONS, PlatformSchema, type Action, type Round } from './model.js';

/** The record collection (Store.putRecord) plans live in, one record per channel. */
export const PLAN_COLLECTION = 'action-plans';

/** The plan's record id: tenant and channel, split by `|` (Teams channel ids hold colons). */
export function planRecordId(tenant: string, channelId: string): string {
  return `${tenant}|${channelId}`;
}

export const GOAL_SOURCES = ['team', 'peer', 'toolkit'] as const;

/** A key factor the plan should move, with the result that made it a goal. */
export const PlanGoalSchema = z.strictObject({
  factorId: z.string().min(1).max(100),
  /** The verdict when the goal was set; null for a goal taken from the toolkit itself, before any result. */
  verdict: LevelSchema.nullable(),
  /** The factor's score then (verdict.ts); the gap is 100 minus it. Null without a result. */
  score: z.number().min(0).max(100).nullable(),
  /** Whose result: the team's, the peer panel's in a reviewed round, or none yet (the toolkit). */
  source: z.enum(GOAL_SOURCES),
  roundId: z.string().max(200).optional(),
});
export type PlanGoal = z.infer<typeof PlanGoalSchema>;

export const ChannelPlanSchema = z.strictObject({
  tenant: z.string().min(1),
  channelId: z.string().min(1).max(400),
  platform: PlatformSchema,
  packId: z.string().min(1),
  locale: LocaleSchema,
  timezone: z.string().min(1),
  /** From an anonymous round: owners are not named in chat, reports or exports. */
  anonymous: z.boolean(),
  /** Who may change the plan: the coordinators of the channel's rounds (or whoever started it from the toolkit). */
  coordinators: z.array(z.string().min(1).max(200)).min(1).max(100),
  names: z.record(z.string(), z.string().max(200)),
  /** Goals, largest gap first. */
  goals: z.array(PlanGoalSchema).max(100),
  actions: z.array(ActionSchema).max(MAX_ACTIONS),
  /** The next action number, so ids are never reused after a removal. */
  nextNumber: z.number().int().min(1),
  /** Closed rounds whose results set the goals, oldest first. */
  roundIds: z.array(z.string().max(200)).max(1000),
  /** The round the plan's reminders travel with: the channel's newest round when the plan last followed one. */
  deliveryRoundId: z.string().max(200).optional(),
  startedFrom: z.enum(['toolkit', 'round']),
  /** When the goals were last set: the close of the round they come from, or the toolkit start. */
  goalsSetAt: z.iso.datetime({ offset: true }),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type ChannelPlan = z.infer<typeof ChannelPlanSchema>;

/** What an action line needs to name owners and write dates: a round, or a plan. */
export interface PlanHolder {
  anonymous: boolean;
  names: Record<string, string>;
  calendar: { timezone: string };
}

export function holderOf(plan: Pick<ChannelPlan, 'anonymous' | 'names' | 'timezone'>): PlanHolder {
  return { anonymous: plan.anonymous, names: plan.names, calendar: { timezone: plan.timezone } };
}

/** A round's stored actions (before plans were kept per channel), read as they are. */
export function legacyActions(round: Round): Action[] {
  return round.actionPlan?.actions ?? [];
}

/** "A3", "a3" or "3" → "A3". */
export function actionIdOf(ref: string): string {
  return `A${ref.trim().replace(/^a/i, '')}`;
}

/**
 * The id a plan's reminders travel under while no round of the channel carries them (a plan started from the toolkit
 * before any round): the channel written in base64url, so it is the same every time, free of `:` and `|` (job ids),
 * and a Done button carrying it leads back to the channel's plan.
 */
export function planCarrierId(plan: Pick<ChannelPlan, 'channelId'>): string {
  return `${CARRIER_PREFIX}${Buffer.from(plan.channelId, 'utf8').toString('base64url')}`;
}

const CARRIER_PREFIX = 'plan-';

/** The channel a carrier id stands for (an action reminder's Done button names it), or null for a real round's id. */
export function planCarrierChannel(id: string): string | null {
  if (!id.startsWith(CARRIER_PREFIX)) return null;
  const channel = Buffer.from(id.slice(CARRIER_PREFIX.length), 'base64url').toString('utf8');
  return channel && planCarrierId({ channelId: channel }) === id ? channel : null;
}

/**
 * What a plan without a round hands delivery in a round's place: the plan's channel, language, timezone and names,
 * and the default reminder time (09:00, two days before), as a start form would propose. It is never stored.
 */
export function planCarrier(plan: ChannelPlan, factorIds: string[]): Round {
  return {
    id: planCarrierId(plan),
    tenant: plan.tenant,
    platform: plan.platform,
    channel: { id: plan.channelId },
    packId: plan.packId,
    locale: plan.locale,
    mode: 'action-plan',
    status: 'closed',
    createdAt: plan.createdAt,
    coordinators: plan.coordinators,
    participants: [],
    managers: [],
    reviewers: [],
    names: plan.names,
    calendar: {
      timezone: plan.timezone,
      opensAt: plan.createdAt,
      closesAt: plan.createdAt,
      pacing: { kind: 'all-at-once' },
      reminders: { enabled: true, daysBefore: [2], time: '09:00' },
      digest: { enabled: false, weekday: 1, time: '08:00', showNames: false },
    },
    factorIds: factorIds.length > 0 ? factorIds : plan.goals.map((g) => g.factorId),
    isBaseline: false,
    anonymous: plan.anonymous,
    minResponses: 5,
    contextNotes: [],
  };
}
