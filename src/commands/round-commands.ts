// The round's own commands: start (the form), status, remind, close, digest, export and context notes.
import { AppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import { assertCoordinator, assertMayExport } from '../core/lifecycle.js';
import type { Round } from '../core/model.js';
import { defaultSettings } from '../core/settings.js';
import { closeConfirmation, remindedText } from './coordinator-commands.js';
import { remindPanel } from './peer-review-commands.js';
import { text, type CommandContext, type CommandDeps, type CommandReply } from './types.js';
import { buildContextList, contextListText } from '../core/toolkit-guide.js';

/** `/assess start [again]`: the start form, with defaults (or the last round's settings, on new dates). */
export async function startCommand(deps: CommandDeps, ctx: CommandContext, args: string): Promise<CommandReply> {
  const { service } = deps;
  await service.assertNoOpenRound(ctx.tenant, ctx.channelId);
  const members = ctx.channelMembers ? await ctx.channelMembers() : [];
  const defaults = defaultSettings({
    now: service.clock.now(),
    timezone: ctx.timezone,
    locale: ctx.locale,
    channelId: ctx.channelId,
    participants: members.length > 0 ? members : [ctx.actor.id],
  });
  // `/assess start again`: the form filled from the last round's settings, with new dates of the same length.
  if (/^(again|igen|previous|förra)$/i.test(args.trim())) {
    const again = await service.settingsForRestart(ctx.tenant, ctx.channelId, defaults.startDate);
    return { type: 'start-form', defaults: { ...again, ...(ctx.channelName ? { channelName: ctx.channelName } : {}) } };
  }
  return { type: 'start-form', defaults: { ...defaults, ...(ctx.channelName ? { channelName: ctx.channelName } : {}) } };
}

/** `/assess status` (for the asker) and `/assess digest` (in the channel, coordinator only). */
export async function digestCommand(deps: CommandDeps, ctx: CommandContext, round: Round, kind: 'status' | 'digest'): Promise<CommandReply> {
  if (kind === 'digest') assertCoordinator(round, ctx.actor.id);
  const { view } = await deps.delivery.digest(round, kind === 'status' || round.status === 'open' ? 'status' : 'final');
  return { type: 'digest', view, round, visibility: kind === 'status' ? 'ephemeral' : 'channel' };
}

/** Reminds every participant who has not voted on an open factor, now; returns whom it reminded (participant order). */
export async function remindNow(deps: CommandDeps, round: Round): Promise<string[]> {
  // In a peer review's review phase the team is done; the panel members are the ones with verdicts to give.
  if (round.reviewPhase === 'review') return remindPanel(deps, round);
  const { state, byMember } = await deps.delivery.pending(round, deps.service.clock.now());
  await deps.delivery.sendReminders(state.round, byMember, { state });
  const order = new Map(state.round.participants.map((id, i) => [id, i]));
  return [...byMember.keys()].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
}

/** `/assess remind` (coordinator, open rounds). */
export async function remindCommand(deps: CommandDeps, ctx: CommandContext, round: Round): Promise<CommandReply> {
  assertCoordinator(round, ctx.actor.id);
  if (round.status !== 'open') throw new AppError('ROUND_CLOSED');
  const members = await remindNow(deps, round);
  return text(remindedText(round, members));
}

/** `/assess close` asks first (see closeConfirmation); `/assess close confirm`: the round closes and its final digest goes out. */
export async function closeCommand(deps: CommandDeps, ctx: CommandContext, round: Round, args = 'confirm'): Promise<CommandReply> {
  if (!/^confirm$/i.test(args.trim())) return closeConfirmation(round, ctx, round.title ?? deps.service.packs.get(round.packId, round.locale).shortTitle);
  await deps.service.closeRound(round.tenant, round.id, ctx.actor);
  // The final digest is a durable job due now; a tick sends it without waiting for the ticker. Should the tick fail,
  // the job is still due, and the next tick sends it: the reply does not wait, and the failure is only logged.
  deps.scheduler.tick().catch((err: unknown) => deps.logger?.warn({ err, roundId: round.id }, 'the tick after a close failed; the next tick sends the final digest'));
  return text(t(round.locale, 'commands.closed'));
}

/** `/assess export`: the signed link to the full report. */
export function exportCommand(deps: CommandDeps, ctx: CommandContext, round: Round): CommandReply {
  // A named round's report names everyone's answers: refused to others before a link is made (nothing is stored either
  // way), and handed to the asker alone, never into the conversation.
  assertMayExport(round, ctx.actor.id);
  const body = t(round.locale, 'commands.exportReady', { url: deps.reportLinks.url(round.tenant, round.id) });
  return round.anonymous ? text(body) : { type: 'text', text: body, visibility: 'ephemeral', privateTo: round };
}

/** `/assess context [id comment]`: lists the context factors, or notes (or clears) one. */
export async function contextCommand(deps: CommandDeps, ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
  const pack = deps.service.packs.get(round.packId, round.locale);
  const all = args.split(/\s+/).filter(Boolean);
  // `context note <id> …` (`miljö notera`): a team member's own note, beside the coordinator's.
  const asMember = /^(note|notera)$/i.test(all[0] ?? '');
  const [id = '', ...rest] = asMember ? all.slice(1) : all;
  if (!id) {
    return text(contextListText(buildContextList(pack, round.locale, round.contextNotes)));
  }
  // `#03` (or `#3`, `#f03`) before the comment ties the note to key factors.
  const tags: string[] = [];
  while (rest[0] && /^#/.test(rest[0])) tags.push(rest.shift()!.slice(1));
  const factorIds = tags.map((tag) => {
    const number = /^f?0*(\d{1,2})$/i.exec(tag)?.[1];
    const factor = number ? pack.keyFactors.find((k) => k.number === Number(number)) : undefined;
    if (!factor) throw new AppError('UNKNOWN_FACTOR', { factor: `#${tag.slice(0, 20)}` });
    return factor.id;
  });
  const updated = await deps.service.noteContext(round.tenant, round.id, ctx.actor, id, rest.join(' '), factorIds, asMember);
  const name = pack.contextFactors.find((c) => c.id === id)?.name ?? id;
  const kept = updated.contextNotes.some((n) => n.contextFactorId === id && (asMember ? n.by === ctx.actor.id : updated.coordinators.includes(n.by)));
  return text(t(round.locale, kept ? 'commands.contextSaved' : 'commands.contextRemoved', { name }));
}
