// `/assess baseline` and `/assess history`: re-assessment against a baseline, and each factor's score across rounds.
import { buildHistory, historyTable } from '../core/history.js';
import { t } from '../core/i18n.js';
import type { Round } from '../core/model.js';
import { historyChartUrl } from '../infra/report-links.js';
import { words } from './parse.js';
import { clipReply, text, type CommandContext, type CommandDeps, type CommandReply } from './types.js';

/** `/assess baseline [roundId]`: marks the channel's latest closed round (or the one named) as the baseline. */
export async function baselineCommand(deps: CommandDeps, ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
  const marked = await deps.service.markBaseline(ctx.tenant, ctx.channelId, ctx.actor, words(args)[0]);
  const date = marked.closedAt ?? marked.calendar.closesAt;
  const title = marked.title ?? deps.service.packs.get(marked.packId, marked.locale).shortTitle;
  return text(t(round.locale, 'modes.baseline.marked', { title, date: date.slice(0, 10) }));
}

/** `/assess history`: each factor's score across the channel's rounds, with a link to the chart. */
export async function historyCommand(deps: CommandDeps, ctx: CommandContext, round: Round): Promise<CommandReply> {
  const states = await deps.service.historyStates(ctx.tenant, ctx.channelId);
  const history = buildHistory(states, round.locale);
  const lines = [historyTable(history)];
  if (history.rounds.length > 0) lines.push(t(round.locale, 'modes.history.chart', { url: historyChartUrl(deps.reportLinks, round) }));
  return text(clipReply(round.locale, lines.join('\n')));
}
