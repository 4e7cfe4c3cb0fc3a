// A button under a command's reply that sends a command as the person who clicks it (`close confirm`): the same
// router a typed /assess goes through, so the click is checked exactly like the typed words would be.
import type { Listeners } from './router.js';
import type { CommandContext } from '../../../commands/types.js';
import { t } from '../../../core/i18n.js';
import type { SlackContext } from '../context.js';
import { slackText } from '../mrkdwn.js';
import { BlockActionSchema, tenantOf } from '../payloads.js';
import { COMMAND_BUTTON_ACTION, textReply } from './commands.js';

/** The only commands a button may send; anything else in a forged payload gets the bad-request answer. */
const BUTTON_COMMANDS = new Set(['close confirm']);

export function registerCommandButtons(app: Listeners, s: SlackContext): void {
  app.action(COMMAND_BUTTON_ACTION, async ({ ack, body, context }) => {
    await ack();
    const parsed = BlockActionSchema.safeParse(body);
    if (!parsed.success) return;
    const b = parsed.data;
    const channelId = b.channel?.id ?? b.container?.channel_id;
    const client = s.clients.forToken(context.botToken ?? '');
    if (!channelId) return;
    const command = b.actions[0]?.value ?? '';
    if (!BUTTON_COMMANDS.has(command)) {
      await client.chat.postEphemeral({ channel: channelId, user: b.user.id, text: slackText(t(s.defaultLocale, 'slack.errors.badRequest')) });
      return;
    }
    const tenant = tenantOf(b);
    const user = await s.directory.userOrDefault(client, tenant, b.user.id);
    const cmd: CommandContext = {
      tenant,
      platform: 'slack',
      channelId,
      actor: { id: b.user.id, ...(user.name ? { name: user.name } : {}) },
      locale: user.locale ?? s.defaultLocale,
      timezone: user.tz ?? s.defaultTimezone,
    };
    const reply = await s.app.commands.run(cmd, command);
    if (reply.type !== 'text') return;
    const payload = textReply(reply.text);
    if (reply.visibility === 'channel') await client.chat.postMessage({ channel: channelId, text: payload.text, blocks: payload.blocks as never });
    else await client.chat.postEphemeral({ channel: channelId, user: b.user.id, text: payload.text, blocks: payload.blocks as never });
  });
}
