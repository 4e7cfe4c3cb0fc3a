// `/assess plan` and `/assess action …`: the channel's living action plan, read in pages and changed action by action.
import { isActionTag, isPriority } from '../core/action-plan.js';
import { toAppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import type { ChannelPlan } from '../core/plan-model.js';
import { factorLabel, ownerName, planPages } from '../core/plan-text.js';
import { holderOf } from '../core/plan-model.js';
import type { ActionChanges } from '../core/service.js';
import { words } from './parse.js';
import { text, type CommandContext, type CommandDeps, type CommandReply } from './types.js';

const SUB = {
  start: /^(start|starta|börja)$/i,
  add: /^(add|ny|lägg)$/i,
  edit: /^(edit|ändra|move|flytta)$/i,
  remove: /^(remove|delete|rm|ta-bort|tabort|radera)$/i,
  done: /^(done|klar)$/i,
  note: /^(note|progress|notera|framsteg)$/i,
};

/** The field words `action edit` takes, in both languages. */
const FIELDS: [RegExp, keyof ActionChanges][] = [
  [/^(text|beskrivning)$/i, 'text'],
  [/^(owner|ansvarig)$/i, 'owner'],
  [/^(due|date|datum|senast)$/i, 'due'],
  [/^(tag|kind|tagg|typ)$/i, 'tag'],
  [/^(priority|prio|prioritet)$/i, 'priority'],
  [/^(factor|goal|faktor|mål)$/i, 'factor'],
];

/** Errors in the plan's language when there is one, else the person's. */
async function localeOf(deps: CommandDeps, ctx: CommandContext): Promise<CommandContext['locale']> {
  const round = await deps.service.latestRoundForChannel(ctx.tenant, ctx.channelId).catch(() => null);
  return round?.locale ?? ctx.locale;
}

function packOf(deps: CommandDeps, plan: ChannelPlan) {
  return deps.service.packs.get(plan.packId, plan.locale);
}

/** `/assess plan [page]` and `/assess plan start`: the plan in chat pages, or a plan started from the toolkit. */
export async function planCommand(deps: CommandDeps, ctx: CommandContext, args: string): Promise<CommandReply> {
  const [first = ''] = words(args);
  try {
    if (SUB.start.test(first)) {
      const plan = await deps.service.startPlan({ tenant: ctx.tenant, channelId: ctx.channelId, actor: ctx.actor, platform: ctx.platform, locale: ctx.locale, timezone: ctx.timezone });
      const pages = planPages(plan, packOf(deps, plan), plan.locale);
      return text(`${t(plan.locale, 'modes.plan.started', { count: plan.goals.length })}\n\n${pages[0] ?? ''}`, 'channel');
    }
    const plan = await deps.service.requirePlan(ctx.tenant, ctx.channelId);
    const pages = planPages(plan, packOf(deps, plan), plan.locale);
    const asked = /^(next|nästa)$/i.test(first) ? 2 : Number.parseInt(first || '1', 10);
    const page = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), pages.length) : 1;
    return text(pages[page - 1] ?? '');
  } catch (err) {
    return text(toAppError(err).userMessage(await localeOf(deps, ctx)));
  }
}

/** `/assess action add|edit|remove|done|note …`. */
export async function actionCommand(deps: CommandDeps, ctx: CommandContext, args: string): Promise<CommandReply> {
  try {
    return await runAction(deps, ctx, args);
  } catch (err) {
    return text(toAppError(err).userMessage(await localeOf(deps, ctx)));
  }
}

async function runAction(deps: CommandDeps, ctx: CommandContext, args: string): Promise<CommandReply> {
  const { service } = deps;
  const [sub = '', ...rest] = words(args);
  const plan = await service.requirePlan(ctx.tenant, ctx.channelId);
  const locale = plan.locale;
  const where = { tenant: ctx.tenant, channelId: ctx.channelId, actor: ctx.actor };
  if (SUB.add.test(sub)) {
    const [factor, owner, due, tag, ...more] = rest;
    if (!factor || !owner || !due || !tag || more.length === 0 || !isActionTag(tag)) {
      if (tag && !isActionTag(tag) && more.length > 0) return text(t(locale, 'modes.plan.badTag', { tag: tag.slice(0, 40) }));
      return text(t(locale, 'modes.plan.addUsage'));
    }
    const priority = more.length > 1 && more[0] && isPriority(more[0]) ? more.shift() : undefined;
    const channelMembers = ctx.channelMembers ? await ctx.channelMembers() : [];
    const { action, plan: after } = await service.addAction({ ...where, channelMembers, factor, owner, due, tag, ...(priority ? { priority } : {}), text: more.join(' ') });
    const pack = packOf(deps, after);
    // Every plan reminds, one started from the toolkit before any round too (the plan stands in for the round).
    return text(t(locale, 'modes.plan.added', { id: action.id, factor: factorLabel(pack, action.factorId), owner: ownerName(locale, holderOf(after), action.owner), due: action.due }));
  }
  if (SUB.edit.test(sub)) {
    const [ref, fieldWord, ...value] = rest;
    const field = FIELDS.find(([re]) => fieldWord && re.test(fieldWord))?.[1];
    if (!ref || !field || value.length === 0) return text(t(locale, 'modes.plan.editUsage'));
    const channelMembers = field === 'owner' && ctx.channelMembers ? await ctx.channelMembers() : [];
    const { action, plan: after } = await service.editAction({ ...where, channelMembers }, ref, { [field]: value.join(' ') });
    return text(t(locale, 'modes.plan.edited', { id: action.id, factor: factorLabel(packOf(deps, after), action.factorId), text: action.text }));
  }
  if (SUB.remove.test(sub)) {
    const ref = rest[0];
    if (!ref) return text(t(locale, 'modes.plan.removeUsage'));
    const { action } = await service.removeAction(where, ref);
    return text(t(locale, 'modes.plan.removed', { id: action.id, text: action.text }));
  }
  if (SUB.done.test(sub)) {
    const ref = rest[0];
    if (!ref) return text(t(locale, 'modes.plan.doneUsage'));
    const { action } = await service.completeAction(ctx.tenant, ctx.channelId, ctx.actor, ref);
    return text(t(locale, 'modes.plan.markedDone', { id: action.id, text: action.text }));
  }
  if (SUB.note.test(sub)) {
    const [ref, ...note] = rest;
    if (!ref || note.length === 0) return text(t(locale, 'modes.plan.noteUsage'));
    const { action } = await service.noteProgress(where, ref, note.join(' '));
    return text(t(locale, 'modes.plan.noted', { id: action.id, status: t(locale, `modes.plan.statusName.${action.status}`) }));
  }
  return text(t(locale, 'modes.plan.actionUsage'));
}
