// zod schemas for the parts of Slack's inbound payloads we use; anything else Slack sends is allowed through untouched.
import { z } from 'zod';

const Id = z.string().min(1).max(200);
const Team = z.looseObject({ id: Id }).nullable().optional();

/** A slash command (form fields). */
export const SlashCommandSchema = z.looseObject({
  command: z.string(),
  text: z.string().max(4000).default(''),
  team_id: Id,
  enterprise_id: z.string().optional(),
  is_enterprise_install: z.string().optional(),
  channel_id: Id,
  channel_name: z.string().max(200).optional(),
  user_id: Id,
  user_name: z.string().max(200).optional(),
  trigger_id: z.string().min(1),
  response_url: z.url(),
});
export type SlashCommand = z.infer<typeof SlashCommandSchema>;

export const BlockActionSchema = z.looseObject({
  type: z.literal('block_actions'),
  team: Team,
  enterprise: Team,
  is_enterprise_install: z.boolean().optional(),
  user: z.looseObject({ id: Id, name: z.string().optional(), username: z.string().optional(), team_id: z.string().optional() }),
  trigger_id: z.string().optional(),
  channel: z.looseObject({ id: Id }).optional(),
  container: z.looseObject({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  actions: z
    .array(z.looseObject({ action_id: z.string().max(255), value: z.string().max(2000).optional(), action_ts: z.string().min(1) }))
    .min(1),
});
export type BlockAction = z.infer<typeof BlockActionSchema>;

export const ViewSubmissionSchema = z.looseObject({
  type: z.literal('view_submission'),
  team: Team,
  enterprise: Team,
  is_enterprise_install: z.boolean().optional(),
  user: z.looseObject({ id: Id, name: z.string().optional() }),
  view: z.looseObject({
    id: z.string(),
    callback_id: z.string(),
    private_metadata: z.string().max(3000).default(''),
    state: z.looseObject({ values: z.unknown() }),
  }),
});
export type ViewSubmission = z.infer<typeof ViewSubmissionSchema>;

export const EventEnvelopeSchema = z.looseObject({
  team_id: z.string().optional(),
  enterprise_id: z.string().nullable().optional(),
  event_id: z.string().optional(),
  authorizations: z.array(z.looseObject({ team_id: z.string().nullable().optional(), enterprise_id: z.string().nullable().optional(), is_enterprise_install: z.boolean().optional() })).optional(),
  event: z.looseObject({ type: z.string() }),
});
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

/** The card-value codec is the core's, shared by every platform (core/interactions/codec.ts). */
export { ActionDoneValueSchema, CardValueSchema } from '../../core/interactions/codec.js';

/** The tenant: the enterprise for org-wide installs, otherwise the workspace. */
export function tenantOf(p: { team?: { id: string } | null; enterprise?: { id: string } | null; is_enterprise_install?: boolean }): string {
  if (p.is_enterprise_install && p.enterprise?.id) return p.enterprise.id;
  if (p.team?.id) return p.team.id;
  if (p.enterprise?.id) return p.enterprise.id;
  throw new Error('payload has no team or enterprise');
}

export function tenantOfCommand(c: SlashCommand): string {
  return c.is_enterprise_install === 'true' && c.enterprise_id ? c.enterprise_id : c.team_id;
}

export function tenantOfEvent(e: EventEnvelope): string {
  const auth = e.authorizations?.[0];
  if (auth?.is_enterprise_install && (auth.enterprise_id || e.enterprise_id)) return (auth.enterprise_id || e.enterprise_id)!;
  const team = e.team_id ?? auth?.team_id ?? e.enterprise_id;
  if (!team) throw new Error('event has no team');
  return team;
}

/** JSON.parse that returns undefined instead of throwing. */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
