// /assess: acks at once, runs the shared CommandRouter, and renders its reply as a modal, an ephemeral or a channel message.
import type { RespondFn } from '@slack/bolt';
import { modeHintLines } from '../../../core/toolkit-guide.js';
import type { Listeners } from './router.js';
import type { CommandContext, CommandReply, ConfirmButton } from '../../../commands/types.js';
import { t } from '../../../core/i18n.js';
import type { Locale } from '../../../content/schema.js';
import type { SlackContext } from '../context.js';
import { fitSurface } from '../limits.js';
import { buildStartModal, type PackChoice } from '../modals/start-form.js';
import { slackText } from '../mrkdwn.js';
import { SlashCommandSchema, tenantOfCommand } from '../payloads.js';
import { actions, button, sectionsFromLines } from '../render/blocks.js';
import { renderFollowUp } from '../render/follow-up.js';

/** The button under a reply that sends a command (`close confirm`) as the person who clicks it; see command-button.ts. */
export const COMMAND_BUTTON_ACTION = 'assess-command';

/** A text reply as blocks (long lists stay whole), in Slack's syntax, escaped so names and comments render literally. */
export function textReply(text: string, confirm?: ConfirmButton): { text: string; blocks: Record<string, unknown>[] } {
  const escaped = slackText(text);
  const blocks = sectionsFromLines(escaped.split('\n'));
  if (confirm) blocks.push(actions([button(COMMAND_BUTTON_ACTION, confirm.label, { value: confirm.command, style: 'danger' })]));
  return fitSurface<{ text: string; blocks: Record<string, unknown>[] }>('message', { text: escaped, blocks });
}

function slackErrorCode(err: unknown): string | undefined {
  return (err as { data?: { error?: string } }).data?.error;
}

export function packChoices(s: SlackContext, locale: Locale): PackChoice[] {
  return s.app.packs.ids().map((id) => {
    const pack = s.app.packs.get(id, locale);
    return { id, title: pack.title, modes: pack.usageModes.map((m) => m.id), modeHint: modeHintLines(pack, locale) };
  });
}

async function send(s: SlackContext, respond: RespondFn, message: Parameters<RespondFn>[0]): Promise<void> {
  try {
    await respond(message);
    s.countCall('response_url', 'ok');
  } catch (err) {
    s.countCall('response_url', 'error');
    throw err;
  }
}

export function registerCommands(app: Listeners, s: SlackContext): void {
  app.command(/^\/assess/, async ({ ack, body, respond, context }) => {
    await ack();
    const parsed = SlashCommandSchema.safeParse(body);
    if (!parsed.success) {
      await send(s, respond, { response_type: 'ephemeral', ...textReply(t(s.defaultLocale, 'slack.errors.badRequest')) });
      return;
    }
    const c = parsed.data;
    const tenant = tenantOfCommand(c);
    const client = s.clients.forToken(context.botToken ?? '');
    const user = await s.directory.userOrDefault(client, tenant, c.user_id);
    const locale = user.locale ?? s.defaultLocale;
    const exclude = context.botUserId ? [context.botUserId] : [];
    const cmd: CommandContext = {
      tenant,
      platform: 'slack',
      channelId: c.channel_id,
      ...(c.channel_name ? { channelName: c.channel_name } : {}),
      actor: { id: c.user_id, ...(user.name ?? c.user_name ? { name: user.name ?? c.user_name } : {}) },
      locale,
      timezone: user.tz ?? s.defaultTimezone,
      channelMembers: () => s.directory.channelMembers(client, tenant, c.channel_id, exclude).catch(() => []),
      isWorkspaceAdmin: () => s.directory.isWorkspaceAdmin(client, c.user_id),
    };
    const reply: CommandReply = await s.app.commands.run(cmd, c.text);
    s.app.interactions.observed({ platform: 'slack', kind: 'command', outcome: reply.type });
    switch (reply.type) {
      case 'start-form': {
        const view = buildStartModal(reply.defaults, { packs: packChoices(s, locale), labelLocale: locale, commandChannelId: c.channel_id });
        try {
          await client.views.open({ trigger_id: c.trigger_id, view: view as never });
        } catch (err) {
          // A trigger lives three seconds; when Slack was slower than that, say so instead of staying silent.
          const key = slackErrorCode(err) === 'expired_trigger_id' ? 'slack.errors.formTimeout' : 'slack.errors.formFailed';
          s.app.logger.warn({ err }, 'views.open for the start form failed');
          await send(s, respond, { response_type: 'ephemeral', ...textReply(t(locale, key)) });
        }
        return;
      }
      case 'text':
        await send(s, respond, { response_type: reply.visibility === 'channel' ? 'in_channel' : 'ephemeral', ...textReply(reply.text, reply.confirm) });
        return;
      case 'follow-up': {
        const payload = renderFollowUp(reply.view);
        await send(s, respond, { response_type: 'ephemeral', text: payload.text ?? '', blocks: payload.blocks as never });
        return;
      }
      case 'digest': {
        s.remember(reply.round);
        if (reply.visibility === 'ephemeral') {
          const payload = s.messenger.renderDigest(reply.view);
          await send(s, respond, { response_type: 'ephemeral', text: payload.text ?? '', blocks: payload.blocks as never });
          return;
        }
        try {
          const { state, baseline } = reply.view.kind === 'final' ? await s.messenger.digestView(reply.round, 'final') : { state: undefined, baseline: null };
          await s.messenger.postDigestInChannel(reply.round, reply.view, state, baseline);
        } catch (err) {
          const key = slackErrorCode(err) === 'not_in_channel' || slackErrorCode(err) === 'channel_not_found' ? 'slack.errors.notInChannel' : 'commands.tryAgain';
          s.app.logger.warn({ err }, 'posting the digest in the channel failed');
          await send(s, respond, { response_type: 'ephemeral', ...textReply(t(reply.round.locale, key)) });
        }
        return;
      }
    }
  });
}
