// Proactive delivery for Teams rounds: factor cards and digests in the channel, reminders and digests in 1:1 chats.
import type { ConversationReference } from 'botbuilder';
import type { TeamsDeps } from './deps.js';
import { renderActionReminderCard, renderDigestCard, renderReminderCard, renderWelcomeCard } from '../../cards/adaptive.js';
import type { Action, Round } from '../../core/model.js';
import type { Messenger } from '../../core/ports.js';
import { t } from '../../core/i18n.js';
import { digestReadOptions } from '../../core/read-model.js';
import { buildDigest } from '../../core/views/digest.js';
import { buildReminder, buildWelcome } from '../../core/views/messages.js';
import { factorHeader } from '../../core/views/shared.js';
import { cardActivity, ConversationGoneError, MessageTooLargeError, type TeamsConnector } from './connector.js';
import type { ReferenceStore } from './references.js';
import { factorCardFor } from './render.js';
import { ownValue } from '../../core/own.js';

export interface TeamsMessengerOptions {
  /** A PNG of the score chart for a round, when the server can serve one. */
  chartUrl?: (round: Round) => string | undefined;
}

export class TeamsMessenger implements Messenger {
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
    const marker = `teams-too-large|${round.tenant}|${round.id}|${what.key}`;
    if (await this.ctx.store.getRecord('sent', marker)) return;
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
    await this.ctx.store.putRecord('sent', marker, { at: this.ctx.clock.now() });
  }

  private what(round: Round, key: 'welcome' | 'reminder' | 'actionReminder' | 'weekly' | 'final'): { key: string; text: string } {
    return { key, text: t(round.locale, `teams.tooLarge.what.${key}`) };
  }

  async postWelcome(round: Round): Promise<void> {
    const state = await this.ctx.service.state(round.tenant, round.id, { answers: false });
    await this.orTooLarge(round, this.what(round, 'welcome'), () => this.toChannel(round, cardActivity(renderWelcomeCard(buildWelcome(state)))));
  }

  private factorWhat(round: Round, state: { pack: Parameters<typeof factorHeader>[0]['pack'] }, factorId: string): { key: string; text: string } {
    return { key: `card:${factorId}`, text: t(round.locale, 'teams.tooLarge.what.factorCard', { factor: factorHeader(state, factorId) }) };
  }

  async postFactorCard(round: Round, factorId: string): Promise<void> {
    const state = await this.ctx.service.state(round.tenant, round.id, { answers: false });
    const card = await factorCardFor(this.ctx, state, factorId);
    const messageId = await this.orTooLarge(round, this.factorWhat(round, state, factorId), () => this.toChannel(round, cardActivity(card)));
    if (messageId) await this.ctx.store.setCardRef(round.tenant, round.id, factorId, { messageId, channelId: round.channel.id });
  }

  /** Redraws the shared channel copy of a factor card with the current tally. */
  async updateFactorCard(round: Round, factorId: string): Promise<void> {
    const refs = await this.ctx.store.getCardRefs(round.tenant, round.id);
    const cardRef = refs[factorId];
    if (!cardRef) return;
    const ref = await this.channelRef(round);
    if (!ref) return;
    // Cards show counts and tallies only: the answers are not read.
    const state = await this.ctx.service.state(round.tenant, round.id, { answers: false });
    const card = await factorCardFor(this.ctx, state, factorId);
    try {
      await this.orTooLarge(round, this.factorWhat(round, state, factorId), () => this.connector.update(ref, { ...cardActivity(card), id: cardRef.messageId }));
    } catch (err) {
      if (err instanceof ConversationGoneError) {
        await this.refs.markConversationDead(round.tenant, round.channel.id);
        return;
      }
      throw err;
    }
  }

  async sendReminder(round: Round, memberId: string, factorIds: string[]): Promise<void> {
    const state = await this.ctx.service.state(round.tenant, round.id, { answers: false });
    await this.orTooLarge(round, this.what(round, 'reminder'), () => this.toPerson(round, memberId, cardActivity(renderReminderCard(buildReminder(state, factorIds)))));
  }

  private async digestCard(round: Round, kind: 'weekly' | 'final') {
    const state = await this.ctx.service.state(round.tenant, round.id, digestReadOptions(round));
    // The baseline, the previous round and the action plan this round follows up, as on every platform.
    const view = buildDigest(state, {
      kind,
      ...(await this.ctx.service.digestInputs(round)),
      now: this.ctx.clock.now(),
      reportUrl: this.ctx.reportLinks.url(round.tenant, round.id),
    });
    const chartUrl = this.opts.chartUrl?.(round);
    return renderDigestCard(view, chartUrl ? { chartUrl } : {});
  }

  /** Action-plan reminders arrive in the owner's 1:1 chat, each action with a Done button. */
  async sendActionReminder(round: Round, memberId: string, actions: Action[]): Promise<void> {
    if (actions.length === 0) return;
    const pack = this.ctx.packs.get(round.packId, round.locale);
    await this.orTooLarge(round, this.what(round, 'actionReminder'), () => this.toPerson(round, memberId, cardActivity(renderActionReminderCard(round, pack, actions))));
  }

  async sendWeeklyDigest(round: Round, managerId: string): Promise<void> {
    const card = await this.digestCard(round, 'weekly');
    await this.orTooLarge(round, this.what(round, 'weekly'), () => this.toPerson(round, managerId, cardActivity(card)));
  }

  /**
   * The summary in the channel and to each manager. Each recipient is marked once sent, so a retry
   * after a failure part-way resumes instead of posting the summary twice.
   */
  async postFinalDigest(round: Round): Promise<void> {
    const card = await this.digestCard(round, 'final');
    const once = async (recipient: string, send: () => Promise<unknown>) => {
      const key = `teams-final|${round.tenant}|${round.id}|${recipient}`;
      if (await this.ctx.store.getRecord('sent', key)) return;
      await this.orTooLarge(round, this.what(round, 'final'), send);
      await this.ctx.store.putRecord('sent', key, { at: this.ctx.clock.now() });
    };
    await once('channel', () => this.toChannel(round, cardActivity(card)));
    for (const managerId of round.managers) await once(managerId, () => this.toPerson(round, managerId, cardActivity(card)));
    // The channel copies lose their buttons now that the round is closed (best effort).
    const refs = await this.ctx.store.getCardRefs(round.tenant, round.id);
    for (const factorId of Object.keys(refs)) {
      await this.updateFactorCard(round, factorId).catch((err: unknown) =>
        this.ctx.logger.warn({ err, factorId }, 'teams: could not close a factor card'),
      );
    }
  }
}
