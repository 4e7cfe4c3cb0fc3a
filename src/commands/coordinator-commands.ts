// What a coordinator fixes in a round: who has not answered, close (with confirmation), reopen, a new close date, and
// who takes part. The flows are the core's (core/services/round-changes.ts); this only reads the words and answers.
import { formatDateWithYear } from '../core/calendar.js';
import { AppError } from '../core/errors.js';
import { t, tn } from '../core/i18n.js';
import { assertCoordinator } from '../core/lifecycle.js';
import type { Round } from '../core/model.js';
import { displayName } from '../core/own.js';
import { pendingParticipants } from '../core/views/digest.js';
import { ids, words } from './parse.js';
import { text, type CommandContext, type CommandDeps, type CommandReply } from './types.js';

/** How many names a chat reply lists before it says "and N more". */
const MAX_NAMES = 40;

function nameList(round: Round, members: readonly string[]): string {
  const shown = members.slice(0, MAX_NAMES).map((id) => displayName(round, id));
  const left = members.length - shown.length;
  return left > 0 ? t(round.locale, 'report.digest.namesAndMore', { names: shown.join(', '), count: left }) : shown.join(', ');
}

/** `/assess pending` (coordinator): who still has votes to give on factors that have opened; counts only when anonymous. */
export async function pendingCommand(deps: CommandDeps, ctx: CommandContext, round: Round): Promise<CommandReply> {
  assertCoordinator(round, ctx.actor.id);
  const state = await deps.service.state(round.tenant, round.id, { answers: false });
  const pending = pendingParticipants(state, deps.service.clock.now());
  const locale = round.locale;
  if (pending.count === 0) return text(t(locale, 'coordinator.pending.none'));
  if (round.anonymous) return text(tn(locale, 'coordinator.pending.anonymous', pending.count, { total: round.participants.length }));
  const names = pending.people.slice(0, MAX_NAMES).map((p) => t(locale, 'report.digest.pendingName', { name: displayName(round, p.id), missing: p.missing }));
  const left = pending.people.length - names.length;
  const list = left > 0 ? t(locale, 'report.digest.namesAndMore', { names: names.join(', '), count: left }) : names.join(', ');
  return text(tn(locale, 'coordinator.pending.named', pending.count, { total: round.participants.length, names: list }));
}

/** What `remind` answers: whom it reminded, by name, or how many in an anonymous round. */
export function remindedText(round: Round, members: readonly string[]): string {
  const locale = round.locale;
  if (members.length === 0) return t(locale, 'coordinator.reminded.nobody');
  if (round.anonymous) return tn(locale, 'commands.reminded', members.length);
  return tn(locale, 'coordinator.reminded.named', members.length, { names: nameList(round, members) });
}

/**
 * `/assess close` asks first: the answer carries a button that sends `close confirm`, which closes. Only the
 * coordinator is asked (anyone else is refused at once), and nothing is stored until the confirmation.
 */
export function closeConfirmation(round: Round, ctx: CommandContext, title: string): CommandReply {
  assertCoordinator(round, ctx.actor.id);
  if (round.status !== 'open') throw new AppError('ROUND_CLOSED');
  const locale = round.locale;
  return {
    type: 'text',
    visibility: 'ephemeral',
    text: t(locale, 'coordinator.close.ask', { title }),
    confirm: { label: t(locale, 'coordinator.close.button'), command: 'close confirm' },
  };
}

/** `/assess reopen [YYYY-MM-DD]` (coordinator): the closed round opens again until that date (or for a week). */
export async function reopenCommand(deps: CommandDeps, ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
  const [date] = words(args);
  const reopened = await deps.service.reopenRound(round.tenant, round.id, ctx.actor, date);
  const closes = formatDateWithYear(reopened.calendar.closesAt, reopened.calendar.timezone, reopened.locale);
  return text(t(reopened.locale, 'coordinator.reopened', { date: closes }), 'channel');
}

/** `/assess extend YYYY-MM-DD` (coordinator): a new close date; due dates, reminders and digests follow. */
export async function extendCommand(deps: CommandDeps, ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
  const [date] = words(args);
  assertCoordinator(round, ctx.actor.id);
  if (!date) return text(t(round.locale, 'coordinator.extend.usage'));
  const changed = await deps.service.extendRound(round.tenant, round.id, ctx.actor, date);
  const closes = formatDateWithYear(changed.calendar.closesAt, changed.calendar.timezone, changed.locale);
  return text(t(changed.locale, 'coordinator.extend.done', { date: closes }), 'channel');
}

/**
 * What a person's id looks like on each platform: Slack (U…/W…, from a mention too), Teams (29:…, 8:orgid:…, or a
 * directory object id) and the playground (u-…). A typed name the round does not know is not taken for an id.
 */
const PLATFORM_ID = /^(?:[UW][A-Z0-9]{2,20}|29:[\w:.-]{1,190}|8:orgid:[\w-]{1,190}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|u-[a-z0-9-]{1,60})$/;

/** Someone named in `participants add|remove …`: a mention or id, or a name the round knows. */
function resolvePerson(round: Round, token: string): string {
  const [id] = ids([token]);
  const raw = id ?? token;
  if (Object.hasOwn(round.names, raw)) return raw;
  const byName = Object.entries(round.names).filter(([, name]) => name.toLowerCase() === raw.toLowerCase());
  if (byName.length === 1 && byName[0]) return byName[0][0];
  if (PLATFORM_ID.test(raw)) return raw;
  throw new AppError('UNKNOWN_MEMBER', { member: raw.slice(0, 60) });
}

/** `/assess participants add|remove <people>` (coordinator); `participants` alone lists them. */
export async function participantsCommand(deps: CommandDeps, ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
  assertCoordinator(round, ctx.actor.id);
  const [verb = '', ...rest] = words(args);
  const locale = round.locale;
  if (verb !== 'add' && verb !== 'remove') {
    return text(tn(locale, 'coordinator.participants.list', round.participants.length, { names: nameList(round, round.participants) }));
  }
  const people = rest.flatMap((x) => x.split(',')).filter(Boolean).map((x) => resolvePerson(round, x));
  if (people.length === 0) return text(t(locale, 'coordinator.participants.usage'));
  const out = await deps.service.changeParticipants(round.tenant, round.id, ctx.actor, verb === 'add' ? { add: people } : { remove: people });
  const changed = verb === 'add' ? out.added : out.removed;
  if (changed.length === 0) return text(t(locale, 'coordinator.participants.unchanged'));
  return text(tn(locale, `coordinator.participants.${verb === 'add' ? 'added' : 'removed'}`, changed.length, { names: nameList(out.round, changed) }));
}
