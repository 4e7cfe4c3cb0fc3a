// The /assess command router shared by Slack, Teams and the playground: parses the text and runs the command's module.
import { AppError, toAppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import type { Round } from '../core/model.js';
import { actionCommand, planCommand } from './action-plan-commands.js';
import { extendCommand, participantsCommand, pendingCommand, reopenCommand } from './coordinator-commands.js';
import { parseCommand } from './parse.js';
import { findingCommand, reviewCommand } from './peer-review-commands.js';
import { PrivacyCommands } from './privacy-commands.js';
import { closeCommand, contextCommand, digestCommand, exportCommand, remindCommand, remindNow, startCommand } from './round-commands.js';
import { clipReply, type CommandContext, type CommandDeps, type CommandReply } from './types.js';
import { baselineCommand, historyCommand } from './ways-of-working.js';
import { buildHelp, helpText, introText } from '../core/toolkit-guide.js';

export class CommandRouter {
  private readonly privacyCommands: PrivacyCommands;

  constructor(private readonly deps: CommandDeps) {
    this.privacyCommands = new PrivacyCommands({
      service: deps.service,
      privacyLinks: deps.privacyLinks,
      privacyAdmins: new Set(deps.privacyAdmins ?? []),
    });
  }

  /** Runs a command; every failure becomes a localised ephemeral text, never a throw. */
  async run(ctx: CommandContext, text: string): Promise<CommandReply> {
    const cmd = parseCommand(text);
    const deps = this.deps;
    let locale = ctx.locale;
    try {
      if (cmd.name === 'help') {
        // The help speaks the language of the channel's round, and so lists its command words, once there is one.
        locale = (await deps.service.latestRoundForChannel(ctx.tenant, ctx.channelId).catch(() => null))?.locale ?? locale;
        // `help more`: the ways of working and privacy commands, kept apart so the first help stays short.
        const more = /^(more|mer|modes)$/i.test(cmd.args);
        const packId = deps.service.packs.ids()[0];
        // `help toolkit`: the toolkit's own introduction and how to use it.
        if (packId && /^(toolkit|intro|about|verktygslåda|verktygslada|om)$/i.test(cmd.args)) {
          return { type: 'text', text: clipReply(locale, introText(deps.service.packs.get(packId, locale))), visibility: 'ephemeral' };
        }
        const help = more || !packId ? t(locale, more ? 'modes.help' : 'commands.help') : helpText(buildHelp(deps.service.packs.get(packId, locale), locale));
        return { type: 'text', text: cmd.unknown ? `${t(locale, 'commands.unknown')}\n${help}` : help, visibility: 'ephemeral' };
      }
      if (cmd.name === 'start') return await startCommand(deps, ctx, cmd.args);
      if (cmd.name === 'privacy') return await this.privacyCommands.run(ctx, cmd.args);
      // The plan belongs to the channel and can start before any round (`plan start`).
      if (cmd.name === 'plan') return await planCommand(deps, ctx, cmd.args);
      if (cmd.name === 'action') return await actionCommand(deps, ctx, cmd.args);
      const round = await deps.service.latestRoundForChannel(ctx.tenant, ctx.channelId);
      if (!round) throw new AppError('ROUND_NOT_FOUND');
      locale = round.locale;
      switch (cmd.name) {
        case 'status':
        case 'digest':
          return await digestCommand(deps, ctx, round, cmd.name);
        case 'remind':
          return await remindCommand(deps, ctx, round);
        case 'close':
          return await closeCommand(deps, ctx, round, cmd.args);
        case 'pending':
          return await pendingCommand(deps, ctx, round);
        case 'reopen':
          return await reopenCommand(deps, ctx, round, cmd.args);
        case 'extend':
          return await extendCommand(deps, ctx, round, cmd.args);
        case 'participants':
          return await participantsCommand(deps, ctx, round, cmd.args);
        case 'export':
          return exportCommand(deps, ctx, round);
        case 'context':
          return await contextCommand(deps, ctx, round, cmd.args);
        case 'baseline':
          return await baselineCommand(deps, ctx, round, cmd.args);
        case 'history':
          return await historyCommand(deps, ctx, round);
        case 'review':
          return await reviewCommand(deps, ctx, round, cmd.args);
        case 'finding':
        case 'recommend':
          return await findingCommand(deps, ctx, round, cmd.name, cmd.args);
      }
    } catch (err) {
      return { type: 'text', text: toAppError(err).userMessage(locale), visibility: 'ephemeral' };
    }
  }

  /** Reminds everyone with a vote to give on an open factor now (the team, or the panel in a review); how many. */
  async remindNow(round: Round): Promise<number> {
    return (await remindNow(this.deps, round)).length;
  }
}
