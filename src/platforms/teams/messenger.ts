// Teams' chat port: factor cards and digests in the channel, reminders and digests in 1:1 chats, as Adaptive Cards.
// What is sent when, and to whom, is the core's delivery (core/delivery); this renders, sends, and handles what only
// Teams does (conversation references, a 403 marking a chat dead, messages refused for their size).
import type { ConversationReference } from 'botbuilder';
import type { TeamsDeps } from './deps.js';
import { renderActionReminderCard, renderDigestCard, renderFactorCard, renderReminderCard, renderWelcomeCard, type AdaptiveCard } from '../../cards/adaptive.js';
import { onceMark, RoundMarks } from '../../core/delivery/marks.js';
import type { ChatCapabilities, ChatMessage, ChatPace, ChatPort } from '../../core/delivery/port.js';
import type { Round } from '../../core/model.js';
import type { CardRef } from '../../core/ports.js';
import { t } from '../../core/i18n.js';
import { cardActivity, ConversationGoneError, MessageTooLargeError, type TeamsConnector } from './connector.js';
import type { ReferenceStore } from './references.js';
import { refreshUsers } from './render.js';
import { ownValue } from '../../core/own.js';

export interface TeamsMessengerOptions {
  /** A PNG of the score chart for a round, when the server can serve one. */
  chartUrl?: (round: Round) => string | undefined;
}

/** A bot may send Teams about 7 messages a second per conversation and some 50 a second over all; 1:1 chats stay well under. */
export const TEAMS_DM_PACE: ChatPace = { perSecond: 10, concurrency: 4 };

export class TeamsMessenger implements ChatPort {
  readonly capabilities: ChatCapabilities = { edit: true, ephemeral: false, perUserRefresh: true, chartUpload: false, permalinks: false };
  readonly pace: ChatPace = TEAMS_DM_PACE;

  constructor(
    private readonly ctx: TeamsDeps,
    private readonly refs: ReferenceStore,
    private readonly connector: TeamsConnector,
    private readonly opts: TeamsMessengerOptions = {},
  ) {}

  private async channelRef(round: Round): Promise<Partial<ConversationReference> | null> {
    const rec = await this.refs.conversation(round.tenant, round.channel.id);
    if (!rec) {
      this.ctx.logger.warn({ tenant: round.tenant, channel: round.channel.id }, 'teams: no conversation reference for the round channel');
      return null;
    }
    if (rec.dead) return null;
    return rec.ref;
  }

  /** Sends to the round's channel; a 403 marks the channel dead so the scheduler stops retrying. */
  private async toChannel(round: Round, activity: Parameters<TeamsConnector['send']>[1]): Promise<string | undefined> {
    const ref = await this.channelRef(round);
    if (!ref) return undefined;
    try {
      return (await this.connector.send(ref, activity))?.id;
    } catch (err) {
      if (err instanceof ConversationGoneError) {
        await this.refs.markConversationDead(round.tenant, round.channel.id);
        this.ctx.logger.warn({ tenant: round.tenant, channel: round.channel.id }, 'teams: channel refused the bot; reference marked dead');
        return undefined;
      }
      throw err;
    }
  }

  /** The 1:1 chat with a person, created on first need and kept in the store. */
  async personalRef(round: Round, memberId: string): Promise<Partial<ConversationReference> | null> {
    const user = await this.refs.user(round.tenant, memberId);
    if (user?.dead) return null;
    if (user?.ref) return user.ref;
    const channel = await this.refs.conversation(round.tenant, round.channel.id);
    const serviceUrl = user?.serviceUrl ?? channel?.ref.serviceUrl;
    const botId = user?.botId ?? channel?.ref.bot?.id;
    const channelId = user?.channelId ?? channel?.ref.channelId ?? 'msteams';
    if (!serviceUrl || !botId || channelId !== 'msteams') {
      this.ctx.logger.info({ tenant: round.tenant, memberId }, 'teams: cannot open a 1:1 chat (no Teams context for this person)');
      return null;
    }
    const teamsTenantId = user?.teamsTenantId ?? (round.tenant === 'emulator' ? undefined : round.tenant);
    try {
      const ref = await this.connector.createPersonal({ serviceUrl, channelId, botId, userId: memberId, ...(teamsTenantId ? { teamsTenantId } : {}) });
      await this.refs.saveUser({
        tenant: round.tenant,
        userId: memberId,
        ...(user?.name ?? ownValue(round.names, memberId) ? { name: user?.name ?? ownValue(round.names, memberId) } : {}),
        serviceUrl,
        botId,
        channelId,
        ...(teamsTenantId ? { teamsTenantId } : {}),
        ref,
        // Opened through the round channel's team: reachable while the bot stays in it.
        ...(channel?.teamId ? { teams: [channel.teamId] } : {}),
        savedAt: new Date(this.ctx.clock.now()).toISOString(),
      });
      return ref;
    } catch (err) {
      if (err instanceof ConversationGoneError) {
        await this.markUserGone(round, memberId, serviceUrl, botId, channelId);
        return null;
      }
      throw err;
    }
  }

  private async markUserGone(round: Round, memberId: string, serviceUrl: string, botId: string, channelId: string): Promise<void> {
    const existing = await this.refs.user(round.tenant, memberId);
    if (!existing) {
      await this.refs.saveUser({ tenant: round.tenant, userId: memberId, serviceUrl, botId, channelId, savedAt: new Date(this.ctx.clock.now()).toISOString() });
    }
    await this.refs.markUserDead(round.tenant, memberId);
    this.ctx.logger.warn({ tenant: round.tenant, memberId }, 'teams: 1:1 chat refused (bot blocked or removed); reference marked dead');
  }

  /** Sends to one person; false when they can't be reached (no chat possible, or the bot was blocked). */
  async toPerson(round: Round, memberId: string, activity: Parameters<TeamsConnector['send']>[1]): Promise<boolean> {
    const ref = await this.personalRef(round, memberId);
    if (!ref) return false;
    try {
      await this.connector.send(ref, activity);
      return true;
    } catch (err) {
      if (err instanceof ConversationGoneError) {
        await this.refs.markUserDead(round.tenant, memberId);
        this.ctx.logger.warn({ tenant: round.tenant, memberId }, 'teams: 1:1 chat refused the bot; reference marked dead');
        return false;
      }
      throw err;
    }
  }

  /**
   * Runs a send; when Teams refuses the message for its size, the coordinator is told once (per round and message)
   * what happened and where everything is, and the send counts as done: retrying would be refused the same way.
   */
  private async orTooLarge<T>(round: Round, what: { key: string; text: string }, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof MessageTooLargeError)) throw err;
      this.ctx.logger.warn({ tenant: round.tenant, roundId: round.id, what: what.key, size: err.size }, 'teams: message too large for Teams; the coordinator is told');
      await this.tellCoordinatorTooLarge(round, what);
      return undefined;
    }
  }

  private async tellCoordinatorTooLarge(round: Round, what: { key: string; text: string }): Promise<void> {
    const marks = new RoundMarks(this.ctx.store, round.tenant, round.id);
    const marker = onceMark(`too-large:${what.key}`);
    if (await marks.has(marker)) return;
    const coordinator = round.coordinators[0];
    if (coordinator) {
      const pack = this.ctx.packs.get(round.packId, round.locale);
      const text = t(round.locale, 'teams.tooLarge.coordinator', {
        what: what.text,
        title: round.title ?? pack.shortTitle,
        url: this.ctx.reportLinks.url(round.tenant, round.id),
      });
      await this.toPerson(round, coordinator, { type: 'message', text, textFormat: 'markdown' });
    }
    await marks.put({ [marker]: { at: this.ctx.clock.now() } });
  }

  private what(round: Round, message: ChatMessage): { key: string; text: string } {
    if (message.kind === 'factor-card') {
      return { key: `card:${message.view.factorId}`, text: t(round.locale, 'teams.tooLarge.what.factorCard', { factor: message.view.header }) };
    }
    const key = message.kind === 'digest' ? message.view.kind === 'final' ? 'final' : 'weekly' : message.kind === 'action-reminder' ? 'actionReminder' : message.kind;
    return { key, text: t(round.locale, `teams.tooLarge.what.${key}`) };
  }

  private render(round: Round, message: ChatMessage): AdaptiveCard {
    switch (message.kind) {
      case 'factor-card':
        return renderFactorCard(message.view, { userIds: refreshUsers(round) });
      case 'welcome':
        return renderWelcomeCard(message.view);
      case 'reminder':
        return renderReminderCard(message.view);
      case 'digest': {
        const chartUrl = this.opts.chartUrl?.(round);
        return renderDigestCard(message.view, chartUrl ? { chartUrl } : {});
      }
      case 'action-reminder':
        return renderActionReminderCard(round, this.ctx.packs.get(round.packId, round.locale), message.actions);
    }
  }

  // --- the port's primitives -------------------------------------------------------------------------

  async post(round: Round, message: ChatMessage): Promise<string | null> {
    return (await this.orTooLarge(round, this.what(round, message), () => this.toChannel(round, cardActivity(this.render(round, message))))) ?? null;
  }

  async edit(round: Round, cardRef: CardRef, message: ChatMessage): Promise<void> {
    const ref = await this.channelRef(round);
    if (!ref) return;
    try {
      await this.orTooLarge(round, this.what(round, message), () => this.connector.update(ref, { ...cardActivity(this.render(round, message)), id: cardRef.messageId }));
    } catch (err) {
      if (err instanceof ConversationGoneError) {
        await this.refs.markConversationDead(round.tenant, round.channel.id);
        return;
      }
      throw err;
    }
  }

  async dm(round: Round, userId: string, message: ChatMessage): Promise<boolean> {
    return (await this.orTooLarge(round, this.what(round, message), () => this.toPerson(round, userId, cardActivity(this.render(round, message))))) ?? true;
  }

  // --- what the bot and tests call ----------------------------------------------------------------------

  async postWelcome(round: Round): Promise<void> {
    await this.ctx.delivery.postWelcome(round);
  }

  postFactorCard(round: Round, factorId: string): Promise<void> {
    return this.ctx.delivery.postFactorCard(round, factorId);
  }

  /** Redraws the shared channel copy of a factor card with the current tally. */
  updateFactorCard(round: Round, factorId: string): Promise<void> {
    return this.ctx.delivery.refreshCard(round, factorId);
  }

  /** The summary in the channel and to each manager, each once; then the cards close (see Delivery.finalDigest). */
  async postFinalDigest(round: Round): Promise<void> {
    await this.ctx.delivery.finalDigest(round);
  }
}
