// `/assess plan` and `/assess action add|done`: the channel's living action plan, kept on its latest closed round.
import { planText } from '../core/action-plan.js';
import { t } from '../core/i18n.js';
import { displayName } from '../core/own.js';
import { words } from './parse.js';
import { clipReply, text, type CommandContext, type CommandDeps, type CommandReply } from './types.js';

/** `/assess plan`: the goals of the channel's latest closed round and the actions under each. */
export async function planCommand(deps: CommandDeps, ctx: CommandContext): Promise<CommandReply> {
  const source = await deps.service.latestClosedRound(ctx.tenant, ctx.channelId);
  const state = await deps.service.state(ctx.tenant, source.id);
  return text(clipReply(source.locale, planText(state, source.locale)));
}

/** `/assess action add <factor> <owner> <YYYY-MM-DD> quick|long <text>` and `/assess action done <id>`. */
export async function actionCommand(deps: CommandDeps, ctx: CommandContext, args: string): Promise<CommandReply> {
  const { service } = deps;
  const [sub = '', ...rest] = words(args);
  const source = await service.latestClosedRound(ctx.tenant, ctx.channelId);
  const locale = source.locale;
  if (/^(add|ny|lägg)$/i.test(sub)) {
    const [factor, owner, due, tag, ...body] = rest;
    if (!factor || !owner || !due || !tag || body.length === 0) return text(t(locale, 'modes.plan.addUsage'));
    const { action, round } = await service.addAction({ tenant: ctx.tenant, channelId: ctx.channelId, actor: ctx.actor, factor, owner, due, tag, text: body.join(' ') });
    const pack = service.packs.get(round.packId, round.locale);
    const f = pack.keyFactors.find((k) => k.id === action.factorId);
    return text(
      t(locale, 'modes.plan.added', {
        id: action.id,
        factor: f ? `${String(f.number).padStart(2, '0')} · ${f.theme}` : action.factorId,
        owner: round.anonymous ? t(locale, 'modes.plan.ownerHidden') : displayName(round, action.owner),
        due: action.due,
      }),
    );
  }
  if (/^(done|klar)$/i.test(sub)) {
    const ref = rest[0];
    if (!ref) return text(t(locale, 'modes.plan.doneUsage'));
    const { action } = await service.completeAction(ctx.tenant, ctx.channelId, ctx.actor, ref);
    return text(t(locale, 'modes.plan.markedDone', { id: action.id, text: action.text }));
  }
  return text(t(locale, 'modes.plan.addUsage'));
}
