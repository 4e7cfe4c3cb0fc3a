// Card buttons: votes (counted once per click, confirmed only to the voter), the answer form, the city examples.
import type { Listeners } from './router.js';
import { z } from 'zod';
import { outcomeLabel } from '../../../infra/metrics.js';
import { assertCardOrigin, type CardOrigin } from '../../../core/card-scope.js';
import { AppError, toAppError } from '../../../core/errors.js';
import { t } from '../../../core/i18n.js';
import { assertCanRespond, assertWritable, isParticipant } from '../../../core/lifecycle.js';
import { isPanelMember } from '../../../core/peer-review.js';
import { LevelSchema, type Round } from '../../../core/model.js';
import { buildFactorCard } from '../../../core/views/factor-card.js';
import { factorHeader, voteConfirmation } from '../../../core/views/shared.js';
import type { SlackContext } from '../context.js';
import { buildAnswerModal } from '../modals/answer-form.js';
import { ActionDoneValueSchema, BlockActionSchema, CardValueSchema, parseJson, tenantOf, type BlockAction } from '../payloads.js';
import { ANSWER_ACTION, EXAMPLES_ACTION, renderExamples, VOTE_ACTION_PREFIX } from '../render/factor-card.js';
import { ACTION_DONE_ACTION, OPEN_CARD_ACTION, renderActionReminder } from '../render/messages.js';
import { withFreshBlockIds } from '../render/blocks.js';
import type { CountedWebClient } from '../web-client.js';
import { slackText } from '../mrkdwn.js';
import { displayName } from '../../../core/own.js';

interface Clicked {
  body: BlockAction;
  tenant: string;
  userId: string;
  channelId: string | undefined;
  roundId: string;
  factorId: string;
  level: string | undefined;
  actionTs: string;
  client: CountedWebClient;
}

function clicked(s: SlackContext, raw: unknown, botToken: string | undefined): Clicked | null {
  const parsed = BlockActionSchema.safeParse(raw);
  if (!parsed.success) return null;
  const body = parsed.data;
  const action = body.actions[0]!;
  const value = CardValueSchema.safeParse(parseJson(action.value));
  if (!value.success) return null;
  return {
    body,
    tenant: tenantOf(body),
    userId: body.user.id,
    channelId: body.channel?.id ?? body.container?.channel_id,
    roundId: value.data.r,
    factorId: value.data.f,
    level: value.data.l,
    actionTs: action.action_ts,
    client: s.clients.forToken(botToken ?? ''),
  };
}

/** Something only the clicking person sees, in the channel of the card; plain text is escaped here, block payloads come escaped. */
async function tellUser(s: SlackContext, c: Clicked, payload: { text: string; blocks?: unknown[] }): Promise<void> {
  if (!c.channelId) return;
  await c.client.chat.postEphemeral({ channel: c.channelId, user: c.userId, text: payload.blocks ? payload.text : slackText(payload.text), ...(payload.blocks ? { blocks: payload.blocks as never } : {}) });
}

const WhoClickedSchema = z.looseObject({
  user: z.looseObject({ id: z.string().min(1).max(200) }),
  channel: z.looseObject({ id: z.string().min(1).max(200) }).optional(),
  container: z.looseObject({ channel_id: z.string().min(1).max(200).optional() }).optional(),
});

/** A click we cannot read (not one of our buttons, or an outdated one) still gets an answer, never silence. */
async function tellUnreadable(s: SlackContext, raw: unknown, botToken: string | undefined, c: Clicked | null): Promise<void> {
  const who = WhoClickedSchema.safeParse(raw);
  const channel = who.success ? (who.data.channel?.id ?? who.data.container?.channel_id) : undefined;
  if (!who.success || !channel) return;
  const locale = c ? s.localeOf(c.tenant, c.roundId) : s.defaultLocale;
  await s.clients.forToken(botToken ?? '').chat.postEphemeral({ channel, user: who.data.user.id, text: slackText(t(locale, 'slack.errors.badRequest')) });
}

/**
 * Whether this person's answer could be saved, checked before the form opens: in a peer review the team's answers
 * lock once the review starts, and reviewers never edit them (they write findings with /assess finding).
 */
function assertCanAnswer(round: Round, userId: string): void {
  assertWritable(round);
  if (round.mode === 'peer-review') {
    const coordinator = displayName(round, round.coordinators[0] ?? '');
    const reviewer = isPanelMember(round, userId) && !isParticipant(round, userId);
    if (reviewer) throw new AppError(round.reviewPhase === 'review' ? 'REVIEWERS_CANNOT_EDIT_TEAM' : 'REVIEW_NOT_STARTED', { coordinator });
    if (round.reviewPhase === 'review') throw new AppError('SELF_ASSESSMENT_LOCKED', { coordinator });
  }
  assertCanRespond(round, userId);
}

/** Slack's direct-message channel ids start with D; cards are posted in channels, so that is the only 1:1 case. */
function originOf(channelId: string): CardOrigin {
  return { conversationId: channelId, direct: channelId.startsWith('D') };
}

async function loadRound(s: SlackContext, c: Clicked): Promise<Round> {
  return s.remember(await s.app.service.getRound(c.tenant, c.roundId));
}

export function registerActions(app: Listeners, s: SlackContext): void {
  app.action(new RegExp(`^${VOTE_ACTION_PREFIX}`), async ({ ack, body, context, action }) => {
    await ack();
    const c = clicked(s, body, context.botToken);
    const level = LevelSchema.safeParse((action as { action_id?: string }).action_id?.slice(VOTE_ACTION_PREFIX.length));
    if (!c || !level.success || (c.level !== undefined && c.level !== level.data)) {
      s.app.metrics.interactions.inc({ platform: 'slack', kind: 'vote', outcome: 'invalid' });
      await tellUnreadable(s, body, context.botToken, c);
      return;
    }
    try {
      const outcome = await s.app.service.castVote({
        tenant: c.tenant,
        roundId: c.roundId,
        factorId: c.factorId,
        actor: { id: c.userId },
        level: level.data,
        // Slack stamps each click; the same stamp again is a double delivery and counts once.
        interactionId: `slack:${c.userId}:${c.actionTs}`,
        ...(c.channelId ? { from: originOf(c.channelId) } : {}),
      });
      const round = s.remember(outcome.round);
      s.app.metrics.interactions.inc({ platform: 'slack', kind: 'vote', outcome: outcome.applied ? 'ok' : 'duplicate' });
      if (!outcome.applied) {
        if (context.retryNum === undefined) await tellUser(s, c, { text: t(round.locale, 'vote.duplicate') });
        return;
      }
      s.app.metrics.votes.inc({ platform: 'slack' });
      // The card shows counts, not who voted when: the same level again leaves it as it is.
      if (outcome.previous !== level.data) s.messenger.requestUpdate(c.tenant, c.roundId, c.factorId);
      const pack = s.app.packs.get(round.packId, round.locale);
      await tellUser(s, c, {
        text: voteConfirmation(round.locale, level.data, factorHeader({ pack }, c.factorId), outcome.changeUntil, round.calendar.timezone),
      });
    } catch (err) {
      const e = toAppError(err);
      s.app.metrics.interactions.inc({ platform: 'slack', kind: 'vote', outcome: outcomeLabel(e.code) });
      if (e.code === 'INTERNAL') s.app.logger.error({ err }, 'vote failed');
      await tellUser(s, c, { text: e.userMessage(s.localeOf(c.tenant, c.roundId)) });
    }
  });

  app.action(ANSWER_ACTION, async ({ ack, body, context }) => {
    await ack();
    const c = clicked(s, body, context.botToken);
    if (!c || !c.body.trigger_id) return tellUnreadable(s, body, context.botToken, c);
    try {
      const round = await loadRound(s, c);
      if (c.channelId) assertCardOrigin(round, c.userId, originOf(c.channelId));
      // Refuse before the form opens, so nobody types an answer that cannot be saved.
      assertCanAnswer(round, c.userId);
      const state = await s.app.service.state(c.tenant, c.roundId, { answers: false });
      const saved = await s.app.service.myAnswer(round, c.factorId, c.userId);
      const view = buildAnswerModal(buildFactorCard(state, c.factorId), saved, { t: c.tenant, r: c.roundId, f: c.factorId, c: c.channelId ?? round.channel.id });
      await c.client.views.open({ trigger_id: c.body.trigger_id, view: view as never });
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'INTERNAL') s.app.logger.error({ err }, 'opening the answer form failed');
      await tellUser(s, c, { text: e.userMessage(s.localeOf(c.tenant, c.roundId)) });
    }
  });

  app.action(EXAMPLES_ACTION, async ({ ack, body, context }) => {
    await ack();
    const c = clicked(s, body, context.botToken);
    if (!c) return tellUnreadable(s, body, context.botToken, c);
    try {
      const round = s.remember(await s.app.service.getRound(c.tenant, c.roundId));
      if (c.channelId) assertCardOrigin(round, c.userId, originOf(c.channelId));
      const state = await s.app.service.state(c.tenant, c.roundId, { answers: false });
      const view = buildFactorCard(state, c.factorId);
      const payload = renderExamples(view, t(view.locale, 'slack.card.noExamples'));
      await tellUser(s, c, { text: payload.text ?? '', blocks: payload.blocks });
    } catch (err) {
      await tellUser(s, c, { text: toAppError(err).userMessage(s.localeOf(c.tenant, c.roundId)) });
    }
  });

  // An action reminder's Done button, in the owner's DM: the action is marked done and the DM redrawn without it.
  app.action(new RegExp(`^${ACTION_DONE_ACTION}`), async ({ ack, body, context }) => {
    await ack();
    const parsed = BlockActionSchema.safeParse(body);
    const value = ActionDoneValueSchema.safeParse(parseJson(parsed.success ? parsed.data.actions[0]!.value : undefined));
    if (!parsed.success || !value.success) {
      s.app.metrics.interactions.inc({ platform: 'slack', kind: 'action-done', outcome: 'invalid' });
      await tellUnreadable(s, body, context.botToken, null);
      return;
    }
    const client = s.clients.forToken(context.botToken ?? '');
    const tenant = tenantOf(parsed.data);
    const userId = parsed.data.user.id;
    const channel = parsed.data.channel?.id ?? parsed.data.container?.channel_id;
    const ts = parsed.data.container?.message_ts;
    const { r: roundId, a: actionId } = value.data;
    try {
      const round = s.remember(await s.app.service.getRound(tenant, roundId));
      // Actions live in the channel's plan, which outlives rounds: the button's round only says which channel.
      const { action } = await s.app.service.completeAction(tenant, round.channel.id, { id: userId }, actionId);
      const notice = t(round.locale, 'modes.plan.markedDone', { id: action.id, text: action.text });
      const payload = withFreshBlockIds(renderActionReminder(round, s.app.packs.get(round.packId, round.locale), [action], { notice }));
      s.app.metrics.interactions.inc({ platform: 'slack', kind: 'action-done', outcome: 'ok' });
      if (channel && ts) await client.chat.update({ channel, ts, text: payload.text ?? '', blocks: payload.blocks as never });
      else if (channel) await client.chat.postEphemeral({ channel, user: userId, text: payload.text ?? '' });
    } catch (err) {
      const e = toAppError(err);
      s.app.metrics.interactions.inc({ platform: 'slack', kind: 'action-done', outcome: outcomeLabel(e.code) });
      if (e.code === 'INTERNAL') s.app.logger.error({ err }, 'marking an action done failed');
      if (channel) await client.chat.postEphemeral({ channel, user: userId, text: slackText(e.userMessage(s.localeOf(tenant, roundId))) });
    }
  });

  // Reminder buttons are links; Slack still tells us about the click and wants an ack.
  app.action(new RegExp(`^${OPEN_CARD_ACTION}`), async ({ ack }) => {
    await ack();
  });
}
