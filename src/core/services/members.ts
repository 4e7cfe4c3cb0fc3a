// Whom a typed name, id or mention names: one rule for action owners and invited reviewers alike.
import { AppError } from '../errors.js';
import type { Round } from '../model.js';
import type { ChannelPlan } from '../plan-model.js';
import type { Actor } from './context.js';

/** The people a channel knows: every id in a role, and the display names known for them. */
export interface MemberDirectory {
  ids: Set<string>;
  names: Record<string, string>;
  /** The coordinators of the channel's rounds. */
  coordinators: Set<string>;
}

export function memberDirectory(rounds: Round[], plan?: Pick<ChannelPlan, 'coordinators' | 'names'> | null): MemberDirectory {
  const ids = new Set<string>();
  const names: Record<string, string> = {};
  const coordinators = new Set<string>();
  for (const r of rounds) {
    for (const id of [...r.participants, ...r.coordinators, ...r.managers, ...r.reviewers, ...(r.reviewLead ? [r.reviewLead] : [])]) ids.add(id);
    for (const id of r.coordinators) coordinators.add(id);
    if (!r.anonymous) Object.assign(names, r.names);
  }
  if (plan) {
    for (const id of plan.coordinators) ids.add(id);
    Object.assign(names, plan.names);
  }
  for (const id of Object.keys(names)) ids.add(id);
  return { ids, names, coordinators };
}

/**
 * Whom a token names: "me" (jag, mig), a Slack mention `<@U1|anna>`, a Teams or playground `@id`, an id the channel
 * knows, or a display name (case-insensitive, when exactly one person has it). UNKNOWN_MEMBER otherwise.
 */
export function resolveIn(dir: Pick<MemberDirectory, 'ids' | 'names'>, token: string, actor: Actor, inChannel?: ReadonlySet<string>): string {
  const raw = token.trim();
  if (/^(me|jag|mig)$/i.test(raw)) return actor.id;
  const mention = /^<@([^>|\s]+)(?:\|[^>]*)?>$/.exec(raw)?.[1];
  const id = mention ?? raw.replace(/^@/, '');
  if (dir.ids.has(id)) return id;
  const byName = Object.entries(dir.names).filter(([, name]) => name.toLowerCase() === id.toLowerCase());
  if (byName.length === 1 && byName[0]) return byName[0][0];
  // Someone the channel's rounds do not know yet (a plan started from the toolkit knows only its coordinator): a
  // mention, or a Slack or Teams id as those platforms write it, names them when they are in the channel; a typed name,
  // a stray word, or anyone outside the channel does not (else whoever edits a plan could have the bot send reminders
  // with their text to any person in the workspace). Without the channel's member list (`inChannel` unset), nobody new.
  const explicit = mention !== undefined || raw.startsWith('@');
  if ((PLATFORM_USER_ID.test(id) || (explicit && PLAYGROUND_USER_ID.test(id))) && inChannel?.has(id)) return id;
  throw new AppError('UNKNOWN_MEMBER', { member: raw.slice(0, 60) });
}

/** A person's id as Slack (U…, W…) or Teams (29:…, 8:orgid:…, a directory object id) writes it. */
const PLATFORM_USER_ID = /^(?:[UW][A-Z0-9]{2,20}|29:[\w:.-]{1,190}|8:orgid:[\w-]{1,190}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** The playground's people (u-…), named by a mention (`@u-anna`). */
const PLAYGROUND_USER_ID = /^u-[a-z0-9-]{1,60}$/;

/** Whom an owner token names in one round (its roles and names). */
export function resolveMember(round: Round, token: string, actor: Actor): string {
  return resolveIn(memberDirectory([round]), token, actor);
}
