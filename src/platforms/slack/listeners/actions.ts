// Card buttons: votes (counted once per click, confirmed only to the voter), the answer form, the city examples and an
// action reminder's Done button. Each is a named handler that decodes Slack's payload, calls core/interactions and
// renders the reply; registerActions only wires them to Bolt, so each can be tested without a running app.
import { randomUUID } from 'node:crypto';
import type { Listeners } from './router.js';
import { z } from 'zod';
import type { CardOrigin } from '../../../core/card-scope.js';
import { t } from '../../../core/i18n.js';
import { decodeActionDone, decodeCardValue, interactionId } from '../../../core/interactions/index.js';
import { LevelSchema } from '../../../core/model.js';
import type { SlackContext } from '../context.js';
import { buildAnswerModal } from '../modals/answer-form.js';
import { BlockActionSchema, tenantOf, type BlockAction } from '../payloads.js';
import { ANSWER_ACTION, EXAMPLES_ACTION, renderExamples, VOTE_ACTION_PREFIX } from '../render/factor-card.js';
import { ACTION_DONE_ACTION, OPEN_CARD_ACTION, renderActionReminder } from '../render/messages.js';
import { withFreshBlockIds } from '../render/blocks.js';
import type { CountedWebClient } from '../web-client.js';
import { slackText } from '../mrkdwn.js';

/** What Bolt hands a button listener, as the handlers below read it. */
export interface ButtonClick {
  body: unknown;
  botToken?: string | undefined;
  /** Set when Slack redelivers a request it got no timely answer to. */
  retryNum?: number | undefined;
}

interface Clicked {
  body: BlockAction;
  tenant: string;
  userId: string;
  channelId: string | undefined;
  actionId: string;
  rawValue: string | undefined;
  actionTs: string;
  client: CountedWebClient;
}

function clicked(s: SlackContext, click: ButtonClick): Clicked | null {
  const parsed = BlockActionSchema.safeParse(click.body);
  if (!parsed.success) return null;
  const body = parsed.data;
  const action = body.actions[0]!;
  return {
    body,
    tenant: tenantOf(body),
    userId: body.user.id,
    channelId: body.channel?.id ?? body.container?.channel_id,
    actionId: action.action_id,
    rawValue: action.value,
    actionTs: action.action_ts,
    client: s.clients.forToken(click.botToken ?? ''),
  };
}

/** Something only the clicking person sees, in the channel of the card; plain text is escaped here, block payloads come escaped. */
async function tellUser(c: Clicked, payload: { text: string; blocks?: unknown[] }): Promise<void> {
  if (!c.channelId) return;
  await c.client.chat.postEphemeral({ channel: c.channelId, user: c.userId, text: payload.blocks ? payload.text : slackText(payload.text), ...(payload.blocks ? { blocks: payload.blocks as never } : {}) });
}

const WhoClickedSchema = z.looseObject({
  user: z.looseObject({ id: z.string().min(1).max(200) }),
  channel: z.looseObject({ id: z.string().min(1).max(200) }).optional(),
  container: z.looseObject({ channel_id: z.string().min(1).max(200).optional() }).optional(),
});

/** A click we cannot read (not one of our buttons, or an outdated one) still gets an answer, never silence. */
async function tellUnreadable(s: SlackContext, click: ButtonClick, roundId?: string, tenant?: string): Promise<void> {
  const who = WhoClickedSchema.safeParse(click.body);
  const channel = who.success ? (who.data.channel?.id ?? who.data.container?.channel_id) : undefined;
  if (!who.success || !channel) return;
  const locale = roundId && tenant ? s.localeOf(tenant, roundId) : s.defaultLocale;
  await s.clients.forToken(click.botToken ?? '').chat.postEphemeral({ channel, user: who.data.user.id, text: slackText(t(locale, 'slack.errors.badRequest')) });
}

/** Slack's direct-message channel ids start with D; cards are posted in channels, so that is the only 1:1 case. */
function originOf(channelId: string | undefined): { from?: CardOrigin } {
  return channelId ? { from: { conversationId: channelId, direct: channelId.startsWith('D') } } : {};
}

/** A vote button: the level is in the action id (and, on newer cards, in the value too: both must agree). */
export async function handleVote(s: SlackContext, click: ButtonClick): Promise<void> {
  const c = clicked(s, click);
  const card = c ? decodeCardValue(c.rawValue) : null;
  const level = LevelSchema.safeParse(c?.actionId.slice(VOTE_ACTION_PREFIX.length));
  if (!c || !card || !level.success || (card.l !== undefined && card.l !== level.data)) {
    s.app.interactions.observed({ platform: 'slack', kind: 'vote', outcome: 'invalid' });
    await tellUnreadable(s, click, card?.r, c?.tenant);
    return;
  }
  const reply = await s.app.interactions.vote({
    platform: 'slack',
    tenant: c.tenant,
    actor: { id: c.userId },
    value: { ...card, l: level.data },
    // Slack stamps each click; the same stamp again is a double delivery and counts once.
    interactionId: interactionId('slack', c.userId, c.actionTs, randomUUID),
    ...originOf(c.channelId),
    fallbackLocale: s.localeOf(c.tenant, card.r),
    redelivery: click.retryNum !== undefined,
  });
  if (reply.round) s.remember(reply.round);
  if (reply.error?.code === 'INTERNAL') s.app.logger.error({ err: reply.error }, 'vote failed');
  if (reply.refresh) s.messenger.requestUpdate(reply.refresh.tenant, reply.refresh.roundId, reply.refresh.factorId);
  // Confirmed only now that it is stored (after a failover, once the retry got through); "try again" past the deadline.
  if (reply.tell) await tellUser(c, { text: reply.text });
}

/** The answer button: the form opens only for someone whose answer could be saved. */
export async function handleAnswerButton(s: SlackContext, click: ButtonClick): Promise<void> {
  const c = clicked(s, click);
  const card = c ? decodeCardValue(c.rawValue) : null;
  if (!c || !card || !c.body.trigger_id) return tellUnreadable(s, click, card?.r, c?.tenant);
  const reply = await s.app.interactions.openCard({
    platform: 'slack',
    tenant: c.tenant,
    actor: { id: c.userId },
    value: card,
    purpose: 'answer',
    ...originOf(c.channelId),
    fallbackLocale: s.localeOf(c.tenant, card.r),
  });
  if (reply.round) s.remember(reply.round);
  if (!reply.ok || !reply.card || !reply.round) {
    if (reply.error?.code === 'INTERNAL') s.app.logger.error({ err: reply.error }, 'opening the answer form failed');
    await tellUser(c, { text: reply.text });
    return;
  }
  const view = buildAnswerModal(reply.card, reply.answer ?? null, { t: c.tenant, r: card.r, f: card.f, c: c.channelId ?? reply.round.channel.id });
  await c.client.views.open({ trigger_id: c.body.trigger_id, view: view as never });
}

/** The examples button: the factor's city examples, shown only to the person who asked. */
export async function handleExamples(s: SlackContext, click: ButtonClick): Promise<void> {
  const c = clicked(s, click);
  const card = c ? decodeCardValue(c.rawValue) : null;
  if (!c || !card) return tellUnreadable(s, click, card?.r, c?.tenant);
  const reply = await s.app.interactions.openCard({
    platform: 'slack',
    tenant: c.tenant,
    actor: { id: c.userId },
    value: card,
    purpose: 'examples',
    ...originOf(c.channelId),
    fallbackLocale: s.localeOf(c.tenant, card.r),
  });
  if (reply.round) s.remember(reply.round);
  if (!reply.ok || !reply.card) return tellUser(c, { text: reply.text });
  const payload = renderExamples(reply.card, t(reply.card.locale, 'slack.card.noExamples'));
  await tellUser(c, { text: payload.text ?? '', blocks: payload.blocks });
}

/** An action reminder's Done button, in the owner's DM: the action is marked done and the DM redrawn without it. */
export async function handleActionDone(s: SlackContext, click: ButtonClick): Promise<void> {
  const c = clicked(s, click);
  const value = c ? decodeActionDone(c.rawValue) : null;
  if (!c || !value) {
    s.app.interactions.observed({ platform: 'slack', kind: 'action-done', outcome: 'invalid' });
    await tellUnreadable(s, click);
    return;
  }
  const reply = await s.app.interactions.completeAction({
    platform: 'slack',
    tenant: c.tenant,
    actor: { id: c.userId },
    value,
    ...originOf(c.channelId),
    fallbackLocale: s.localeOf(c.tenant, value.r),
  });
  const channel = c.channelId;
  const ts = c.body.container?.message_ts;
  if (!reply.ok || !reply.round || !reply.action) {
    if (reply.error?.code === 'INTERNAL') s.app.logger.error({ err: reply.error }, 'marking an action done failed');
    if (channel) await c.client.chat.postEphemeral({ channel, user: c.userId, text: slackText(reply.text) });
    return;
  }
  const updated = s.remember(reply.round);
  const payload = withFreshBlockIds(renderActionReminder(updated, s.app.packs.get(updated.packId, updated.locale), [reply.action], { notice: reply.text }));
  if (channel && ts) await c.client.chat.update({ channel, ts, text: payload.text ?? '', blocks: payload.blocks as never });
  else if (channel) await c.client.chat.postEphemeral({ channel, user: c.userId, text: payload.text ?? '' });
}

type BoltButtonArgs = { ack: () => Promise<void>; body: unknown; context: { botToken?: string; retryNum?: number } };

function wire(s: SlackContext, handler: (s: SlackContext, click: ButtonClick) => Promise<void>) {
  return async ({ ack, body, context }: BoltButtonArgs): Promise<void> => {
    await ack();
    await handler(s, { body, botToken: context.botToken, retryNum: context.retryNum });
  };
}

export function registerActions(app: Listeners, s: SlackContext): void {
  app.action(new RegExp(`^${VOTE_ACTION_PREFIX}`), wire(s, handleVote));
  app.action(ANSWER_ACTION, wire(s, handleAnswerButton));
  app.action(EXAMPLES_ACTION, wire(s, handleExamples));
  app.action(new RegExp(`^${ACTION_DONE_ACTION}`), wire(s, handleActionDone));
  // Reminder buttons are links; Slack still tells us about the click and wants an ack.
  app.action(new RegExp(`^${OPEN_CARD_ACTION}`), async ({ ack }) => {
    await ack();
  });
}
