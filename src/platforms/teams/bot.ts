// The Teams turn logic: commands, card actions (Universal Actions and their Submit fallback) and install events.
import { randomUUID } from 'node:crypto';
import { CardFactory, TeamsInfo, TurnContext, type Activity, type TeamsChannelAccount } from 'botbuilder';
import type { TeamsDeps } from './deps.js';
import { kindLabel, outcomeLabel } from '../../infra/metrics.js';
import type { CommandContext, CommandReply } from '../../commands/types.js';
import {
  parseStartForm,
  renderActionReminderCard,
  renderDigestCard,
  renderFollowUpCard,
  renderConfirmCard,
  renderStartForm,
  renderTextCard,
  type AdaptiveCard,
} from '../../cards/adaptive.js';
import { notInChannelError } from '../../cards/start-form.js';
import { MAX_PARTICIPANTS, type RoundSettingsInput } from '../../core/settings.js';
import type { Locale } from '../../content/schema.js';
import { assertCardOrigin, type CardOrigin } from '../../core/card-scope.js';
import { AppError, toAppError } from '../../core/errors.js';
import { t } from '../../core/i18n.js';
import type { Round } from '../../core/model.js';
import type { Actor } from '../../core/service.js';
import { splitLinks } from '../../core/services/voting.js';
import { renderText } from '../../core/text-format.js';
import { factorHeader, voteConfirmation } from '../../core/views/shared.js';
import {
  ActionDoneDataSchema,
  ActorSchema,
  AnswerDataSchema,
  answerTexts,
  CardInvokeValueSchema,
  channelNameOf,
  conversationKey,
  FactorDataSchema,
  isPersonal,
  localeOf,
  SubmitValueSchema,
  teamIdOf,
  teamsDialect,
  tenantOf,
  VoteDataSchema,
} from './activity.js';
import { cardActivity, MessageTooLargeError, type TeamsConnector } from './connector.js';
import type { CardUpdater } from '../../core/delivery/coalescer.js';
import type { TeamsMessenger } from './messenger.js';
import type { ReferenceStore } from './references.js';
import { startFormPeople, toMemberIds } from './people.js';
import { factorCardFor } from './render.js';
import { ownValue } from '../../core/own.js';
import { forgetAfterRemoval, keepAfterInstall } from './uninstall.js';
import { invokeResponseFor, type AdaptiveCardInvokeResponse, type CardActionResult } from './invoke-response.js';

interface Turn {
  context: TurnContext;
  activity: Activity;
  tenant: string;
  key: string;
  actor: Actor;
  locale: Locale;
}

export interface TeamsBotDeps {
  ctx: TeamsDeps;
  refs: ReferenceStore;
  connector: TeamsConnector;
  messenger: TeamsMessenger;
  coalescer: CardUpdater;
  /** Work that may finish after the HTTP answer (posting a new round's cards); tracked so tests and shutdown can wait. */
  background: (work: Promise<unknown>) => void;
}

export class TeamsBot {
  constructor(private readonly deps: TeamsBotDeps) {}

  private get ctx(): TeamsDeps {
    return this.deps.ctx;
  }

  async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const actor = ActorSchema.safeParse(activity.from ?? {});
    const turn: Turn = {
      context,
      activity,
      tenant: tenantOf(activity),
      key: conversationKey(activity),
      actor: actor.success ? { id: actor.data.id, ...(actor.data.name ? { name: actor.data.name } : {}) } : { id: '' },
      locale: localeOf(activity, this.ctx.config.DEFAULT_LOCALE),
    };
    if (activity.type === 'installationUpdate') return this.onInstallationUpdate(turn);
    if (!turn.key) return this.reject(turn, 'no conversation');
    await this.remember(turn);
    switch (activity.type) {
      case 'message':
        return this.onMessage(turn);
      case 'invoke':
        return this.onInvoke(turn);
      case 'conversationUpdate':
        return this.onConversationUpdate(turn);
      default:
        return;
    }
  }

  private async reject(turn: Turn, why: string): Promise<void> {
    this.ctx.logger.warn({ why, type: turn.activity.type }, 'teams: activity ignored');
    if (turn.activity.type === 'invoke') {
      const error = new AppError('INVALID_INPUT', { detail: t(turn.locale, 'teams.badAction') });
      await this.sendInvokeResponse(turn, invokeResponseFor({ kind: 'error', error, locale: turn.locale }, turn.activity.conversation));
    }
  }

  /** Keeps the conversation and the person reachable for proactive messages (durably, see references.ts). */
  private async remember(turn: Turn): Promise<void> {
    const a = turn.activity;
    const ref = TurnContext.getConversationReference(a);
    const now = new Date(this.ctx.clock.now()).toISOString();
    const teamId = teamIdOf(a);
    // Channel posts go to the channel itself, not into the thread the command came from.
    const channelRef = { ...ref, conversation: { ...ref.conversation!, id: turn.key } };
    delete (channelRef as { activityId?: string }).activityId;
    await this.deps.refs.saveConversation({ tenant: turn.tenant, key: turn.key, ...(teamId ? { teamId } : {}), ref: channelRef, savedAt: now });
    if (turn.actor.id && a.serviceUrl && a.recipient?.id && a.type !== 'conversationUpdate') {
      const cd = a.channelData as { tenant?: { id?: string } } | undefined;
      await this.deps.refs.saveUser({
        tenant: turn.tenant,
        userId: turn.actor.id,
        ...(turn.actor.name ? { name: turn.actor.name } : {}),
        serviceUrl: a.serviceUrl,
        botId: a.recipient.id,
        channelId: a.channelId,
        ...(cd?.tenant?.id ? { teamsTenantId: cd.tenant.id } : {}),
        ...(isPersonal(a) ? { ref: channelRef } : {}),
        // Only installing the app for oneself keeps a 1:1 chat open whatever happens to the teams it is in.
        ...(isPersonal(a) && a.type === 'installationUpdate' ? { personal: true } : {}),
        // The team we met them in reaches them for 1:1 chats until the bot leaves it (see forgetTeam).
        ...(teamId ? { teams: [teamId] } : {}),
        savedAt: now,
      });
    }
  }

  /** Older clients signal removal as the bot leaving the conversation rather than an installationUpdate. */
  private async onConversationUpdate(turn: Turn): Promise<void> {
    const botId = turn.activity.recipient?.id;
    const teamId = teamIdOf(turn.activity);
    if ((turn.activity.membersAdded ?? []).some((m) => m.id === botId)) {
      await keepAfterInstall(this.ctx, { tenant: turn.tenant, key: turn.key, teamId });
    }
    const removed = (turn.activity.membersRemoved ?? []).some((m) => m.id === botId);
    if (!removed) return;
    const teamChannels = teamId ? await this.deps.refs.teamConversations(turn.tenant, teamId) : [];
    await this.deps.refs.removeConversation(turn.tenant, turn.key, teamId);
    if (teamId) await this.deps.refs.forgetTeam(turn.tenant, teamId);
    await forgetAfterRemoval(this.ctx, this.deps.refs, { tenant: turn.tenant, key: turn.key, teamId, personal: false, teamChannels });
  }

  private async onInstallationUpdate(turn: Turn): Promise<void> {
    const action = String(turn.activity.action ?? '');
    const teamId = teamIdOf(turn.activity);
    if (action.startsWith('remove')) {
      const personal = isPersonal(turn.activity);
      if (personal) await this.deps.refs.removeUser(turn.tenant, turn.actor.id);
      const teamChannels = teamId ? await this.deps.refs.teamConversations(turn.tenant, teamId) : [];
      const removed = await this.deps.refs.removeConversation(turn.tenant, turn.key, teamId);
      // The 1:1 chats opened through that team go too, unless the person still has the app another way.
      const people = teamId ? await this.deps.refs.forgetTeam(turn.tenant, teamId) : 0;
      this.ctx.logger.info({ tenant: turn.tenant, removed, people }, 'teams: app removed; conversation references deleted');
      // `remove-upgrade` is the old version leaving during an upgrade: the app stays, and so does the data.
      if (action === 'remove') await forgetAfterRemoval(this.ctx, this.deps.refs, { tenant: turn.tenant, key: turn.key, teamId, personal, teamChannels });
      return;
    }
    if (!turn.key) return;
    if (action.startsWith('add')) await keepAfterInstall(this.ctx, { tenant: turn.tenant, key: turn.key, teamId });
    await this.remember(turn);
    if (isPersonal(turn.activity) && action.startsWith('add')) {
      await this.deps.connector.reply(turn.context, t(turn.locale, 'teams.installedPersonal'));
    }
  }

  private async onMessage(turn: Turn): Promise<void> {
    const submitted = SubmitValueSchema.safeParse(turn.activity.value);
    if (submitted.success) return this.onSubmitFallback(turn, submitted.data.verb, submitted.data);
    if (turn.activity.value !== undefined && turn.activity.value !== null && !turn.activity.text) {
      await this.deps.connector.reply(turn.context, t(turn.locale, 'teams.badAction'));
      return;
    }
    const text = String(turn.activity.text ?? '').slice(0, 4000);
    await this.runCommand(turn, text);
  }

  private async members(turn: Turn): Promise<TeamsChannelAccount[]> {
    return (await this.listMembers(turn)) ?? [];
  }

  /** The conversation's members, or null when Teams could not list them (outside Teams there are none). */
  private async listMembers(turn: Turn): Promise<TeamsChannelAccount[] | null> {
    if (turn.activity.channelId !== 'msteams') return [];
    try {
      const all: TeamsChannelAccount[] = [];
      let token: string | undefined;
      do {
        const page = await this.deps.connector.call(turn.activity.conversation.id, 'getPagedMembers', () =>
          TeamsInfo.getPagedMembers(turn.context, 500, token),
        );
        all.push(...page.members);
        token = page.continuationToken;
      } while (token && all.length < MAX_PARTICIPANTS);
      return all;
    } catch (err) {
      this.ctx.logger.warn({ err }, 'teams: could not list conversation members');
      return null;
    }
  }

  private commandContext(turn: Turn, members: () => Promise<TeamsChannelAccount[]>): CommandContext {
    const channelName = channelNameOf(turn.activity);
    return {
      tenant: turn.tenant,
      platform: 'teams',
      channelId: turn.key,
      ...(channelName ? { channelName } : {}),
      actor: turn.actor,
      locale: turn.locale,
      timezone: this.ctx.config.DEFAULT_TIMEZONE,
      channelMembers: async () => (await members()).map((m) => m.id),
    };
  }

  async runCommand(turn: Turn, text: string): Promise<void> {
    let cached: Promise<TeamsChannelAccount[]> | undefined;
    const members = () => (cached ??= this.members(turn));
    const reply = await this.ctx.commands.run(this.commandContext(turn, members), text);
    this.ctx.metrics.interactions.inc({ platform: 'teams', kind: 'command', outcome: reply.type });
    await this.deliverReply(turn, reply, members);
  }

  private async deliverReply(turn: Turn, reply: CommandReply, members: () => Promise<TeamsChannelAccount[]>): Promise<void> {
    switch (reply.type) {
      case 'text':
        // A reply that asks for a confirmation carries its button (a messageBack that sends the command as typed).
        if (reply.confirm) await this.deps.connector.reply(turn.context, cardActivity(renderConfirmCard(renderText(reply.text, teamsDialect(turn.activity.conversation, turn.activity.channelId)), reply.confirm)));
        else await this.deps.connector.reply(turn.context, { type: 'message', text: reply.text, textFormat: 'markdown' });
        return;
      case 'start-form': {
        const packs = this.ctx.packs.ids().map((id) => {
          const pack = this.ctx.packs.get(id, reply.defaults.locale);
          return { id, title: pack.shortTitle, usageModes: pack.usageModes };
        });
        // In Teams, people are picked with Teams' own people picker, so the form does not grow with the team; the
        // Emulator has no directory and gets text boxes.
        const form =
          turn.activity.channelId === 'msteams'
            ? startFormPeople(reply.defaults, await members())
            : { defaults: reply.defaults, people: { kind: 'typed' } as const, everyone: false };
        const card = renderStartForm(form.defaults, { packs, locale: turn.locale, people: form.people, everyone: form.everyone });
        await this.deps.connector.reply(turn.context, cardActivity(card));
        return;
      }
      case 'digest':
      case 'follow-up':
        try {
          await this.deps.connector.reply(turn.context, cardActivity(reply.type === 'digest' ? renderDigestCard(reply.view) : renderFollowUpCard(reply.view)));
        } catch (err) {
          if (!(err instanceof MessageTooLargeError)) throw err;
          // Asking again would be refused the same way: say so, and where everything is.
          const url = this.ctx.reportLinks.url(reply.round.tenant, reply.round.id);
          await this.deps.connector.reply(turn.context, { type: 'message', text: t(reply.round.locale, 'teams.tooLarge.reply', { url }), textFormat: 'markdown' });
        }
        return;
    }
  }

  private async sendInvokeResponse(turn: Turn, body: AdaptiveCardInvokeResponse): Promise<void> {
    await turn.context.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
  }

  private async onInvoke(turn: Turn): Promise<void> {
    if (turn.activity.name !== 'adaptiveCard/action') {
      await turn.context.sendActivity({ type: 'invokeResponse', value: { status: 501 } });
      return;
    }
    const parsed = CardInvokeValueSchema.safeParse(turn.activity.value);
    const result = parsed.success
      ? await this.cardAction(turn, parsed.data.action.verb, parsed.data.action.data ?? {}, 'invoke')
      : ({ kind: 'error', error: new AppError('INVALID_INPUT', { detail: t(turn.locale, 'teams.badAction') }), locale: turn.locale } as const);
    await this.sendInvokeResponse(turn, invokeResponseFor(result, turn.activity.conversation));
  }

  /** Clients without Universal Actions send Action.Submit: the same data, as a message whose value carries the verb. */
  private async onSubmitFallback(turn: Turn, verb: string, data: Record<string, unknown>): Promise<void> {
    const result = await this.cardAction(turn, verb, data, 'submit');
    if (result.kind === 'error') {
      await this.deps.connector.reply(turn.context, result.error.userMessage(result.locale));
      return;
    }
    if (result.kind === 'message') {
      await this.deps.connector.reply(turn.context, result.text);
      return;
    }
    // The form that started a round is replaced in place; personal card copies can't be, so we answer with text.
    if (verb === 'start' && turn.activity.replyToId) {
      await this.deps.connector.updateInTurn(turn.context, { ...cardActivity(result.card), id: turn.activity.replyToId });
    }
    if (result.text) await this.deps.connector.reply(turn.context, result.text);
  }

  /** Runs one card action; never throws: failures come back as a localised error. */
  async cardAction(turn: Turn, verb: string, data: Record<string, unknown>, via: 'invoke' | 'submit'): Promise<CardActionResult> {
    let locale = turn.locale;
    try {
      if (!turn.actor.id) throw new AppError('INVALID_INPUT', { detail: t(locale, 'teams.badAction') });
      let result: CardActionResult;
      if (verb === 'start') {
        result = await this.start(turn, data);
      } else if (verb === 'action-done') {
        const ids = ActionDoneDataSchema.safeParse(data);
        if (!ids.success) throw new AppError('INVALID_INPUT', { detail: t(locale, 'teams.badAction') });
        const round = await this.ctx.service.getRound(turn.tenant, ids.data.r);
        locale = round.locale;
        // The Done button arrives in the owner's 1:1 chat, and an owner need not be one of the round's members.
        const origin = this.origin(turn);
        const owner = origin.direct && (await this.ctx.service.isActionOwner(turn.tenant, round.channel.id, ids.data.a, turn.actor.id));
        if (!owner) assertCardOrigin(round, turn.actor.id, origin);
        result = await this.actionDone(turn, round, ids.data.a);
      } else {
        const ids = FactorDataSchema.safeParse(data);
        if (!ids.success) throw new AppError('INVALID_INPUT', { detail: t(locale, 'teams.badAction') });
        const round = await this.ctx.service.getRound(turn.tenant, ids.data.r);
        locale = round.locale;
        // Before anything is read or written: a card pressed elsewhere in the tenant learns nothing of the round.
        assertCardOrigin(round, turn.actor.id, this.origin(turn));
        switch (verb) {
          case 'vote':
            result = await this.vote(turn, round, data);
            break;
          case 'answer':
            result = await this.answer(turn, round, data);
            break;
          case 'refresh':
            result = { kind: 'card', card: await this.personalCard(turn, round, ids.data.f) };
            break;
          case 'open-card':
            result = await this.openCard(turn, round, ids.data.f);
            break;
          default:
            throw new AppError('INVALID_INPUT', { detail: t(locale, 'teams.badAction') });
        }
      }
      this.ctx.metrics.interactions.inc({ platform: 'teams', kind: kindLabel(verb), outcome: 'ok' });
      return result;
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'INTERNAL') this.ctx.logger.error({ err, verb: kindLabel(verb), via }, 'teams: card action failed');
      // The verb is the caller's string: it becomes a label only when it is one of ours.
      this.ctx.metrics.interactions.inc({ platform: 'teams', kind: kindLabel(verb), outcome: outcomeLabel(error.code) });
      return { kind: 'error', error, locale };
    }
  }

  /** The conversation a card action came from: a channel or group chat, or the person's 1:1 chat with the bot. */
  private origin(turn: Turn): CardOrigin {
    return { conversationId: turn.key, direct: isPersonal(turn.activity) };
  }

  private async personalCard(turn: Turn, round: Round, factorId: string, extra: { notice?: string } = {}): Promise<AdaptiveCard> {
    if (!round.factorIds.includes(factorId)) throw new AppError('UNKNOWN_FACTOR', { factor: factorId });
    const state = await this.ctx.service.state(round.tenant, round.id, { answers: false });
    return factorCardFor(this.ctx, state, factorId, { id: turn.actor.id, ...(extra.notice ? { notice: extra.notice } : {}) });
  }

  private scheduleSharedUpdate(round: Round, factorId: string): void {
    this.deps.coalescer.request(`${round.tenant}|${round.id}|${factorId}`, () => this.deps.messenger.updateFactorCard(round, factorId));
  }

  private async learnName(turn: Turn, round: Round): Promise<void> {
    if (turn.actor.name && ownValue(round.names, turn.actor.id) !== turn.actor.name && !round.anonymous) {
      await this.ctx.service.rememberNames(round.tenant, round.id, { [turn.actor.id]: turn.actor.name });
    }
  }

  private async vote(turn: Turn, round: Round, data: Record<string, unknown>): Promise<CardActionResult> {
    const parsed = VoteDataSchema.safeParse(data);
    if (!parsed.success) throw new AppError('INVALID_INPUT', { detail: t(round.locale, 'teams.badAction') });
    const outcome = await this.ctx.service.castVote({
      tenant: turn.tenant,
      roundId: round.id,
      factorId: parsed.data.f,
      actor: turn.actor,
      level: parsed.data.l,
      interactionId: turn.activity.id ?? randomUUID(),
    });
    if (outcome.applied) this.ctx.metrics.votes.inc({ platform: 'teams' });
    await this.learnName(turn, round);
    const state = await this.ctx.service.state(round.tenant, round.id, { answers: false });
    const notice = outcome.applied
      ? voteConfirmation(round.locale, parsed.data.l, factorHeader(state, parsed.data.f), outcome.changeUntil, round.calendar.timezone)
      : t(round.locale, 'vote.duplicate');
    const card = await factorCardFor(this.ctx, state, parsed.data.f, { id: turn.actor.id, notice });
    this.scheduleSharedUpdate(round, parsed.data.f);
    return { kind: 'card', card, text: notice };
  }

  private async answer(turn: Turn, round: Round, data: Record<string, unknown>): Promise<CardActionResult> {
    const parsed = AnswerDataSchema.safeParse(data);
    if (!parsed.success) throw new AppError('INVALID_INPUT', { detail: t(round.locale, 'teams.badAction') });
    await this.ctx.service.saveAnswer({
      tenant: turn.tenant,
      roundId: round.id,
      factorId: parsed.data.f,
      actor: turn.actor,
      texts: answerTexts(parsed.data),
      evidence: splitLinks(parsed.data.evidence),
    });
    await this.learnName(turn, round);
    const state = await this.ctx.service.state(round.tenant, round.id, { answers: false });
    const notice = t(round.locale, 'answer.saved', { factor: factorHeader(state, parsed.data.f) });
    const card = await factorCardFor(this.ctx, state, parsed.data.f, { id: turn.actor.id, notice });
    this.scheduleSharedUpdate(round, parsed.data.f);
    return { kind: 'card', card, text: notice };
  }

  /** From a reminder: the factor card arrives in this chat, ready to vote on. */
  private async openCard(turn: Turn, round: Round, factorId: string): Promise<CardActionResult> {
    const card = await this.personalCard(turn, round, factorId);
    await this.deps.connector.reply(turn.context, { type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
    return { kind: 'message', text: t(round.locale, 'teams.cardBelow') };
  }

  /** An action reminder's Done button: the action is marked done and the card shows it, without the button. */
  private async actionDone(turn: Turn, round: Round, actionId: string): Promise<CardActionResult> {
    // Actions live in the channel's plan, which outlives rounds: the button's round only says which channel.
    const { action } = await this.ctx.service.completeAction(turn.tenant, round.channel.id, turn.actor, actionId);
    const notice = t(round.locale, 'modes.plan.markedDone', { id: action.id, text: action.text });
    const card = renderActionReminderCard(round, this.ctx.packs.get(round.packId, round.locale), [action], { notice });
    return { kind: 'card', card, text: notice };
  }

  /**
   * In Teams the form's people are directory ids from the people picker: each becomes the channel member the bot can
   * reach. Someone who is not in the channel stops the start (nothing is stored) with a sentence saying so.
   */
  private async pickedAsMembers(turn: Turn, settings: RoundSettingsInput): Promise<TeamsChannelAccount[]> {
    const members = await this.listMembers(turn);
    if (turn.activity.channelId !== 'msteams') return members ?? [];
    const locale = settings.locale;
    const fields = ['participants', 'managers', 'reviewers'] as const;
    if (!members || members.length === 0) {
      if (fields.some((f) => (settings[f] ?? []).length > 0)) throw new AppError('INVALID_INPUT', { detail: t(locale, 'teams.membersUnavailable') });
      return [];
    }
    const missing: Partial<Record<(typeof fields)[number], number>> = {};
    for (const field of fields) {
      const mapped = toMemberIds(settings[field] ?? [], members);
      if (mapped.missing > 0) missing[field] = mapped.missing;
      if (field !== 'reviewers' || settings.reviewers) settings[field] = mapped.ids;
    }
    if (Object.keys(missing).length > 0) throw notInChannelError(locale, missing);
    return members;
  }

  private async start(turn: Turn, data: Record<string, unknown>): Promise<CardActionResult> {
    // The channel is where the form was pressed, whatever the card data claims.
    const channelName = channelNameOf(turn.activity);
    const settings = parseStartForm({ ...data, channelId: turn.key, ...(channelName ? { channelName } : {}) }, { locale: turn.locale });
    const members = await this.pickedAsMembers(turn, settings);
    const names: Record<string, string> = Object.fromEntries(members.filter((m) => m.name).map((m) => [m.id, m.name]));
    if (settings.participants.length === 0) {
      // "Everyone in the channel" means the team: invited reviewers (guests in the channel) review it instead.
      const reviewers = new Set(settings.reviewers ?? []);
      const team = members.map((m) => m.id).filter((id) => !reviewers.has(id));
      settings.participants = team.length > 0 ? team : [turn.actor.id];
    }
    const round = await this.ctx.service.startRound({ tenant: turn.tenant, platform: 'teams', settings, actor: turn.actor, names });
    const open = this.ctx.service.openFactorIds(round);
    // Posting the welcome and the cards can take a few seconds at 7 messages a second; the form answers at once.
    this.deps.background(
      (async () => {
        await this.deps.messenger.postWelcome(round);
        for (const factorId of open) await this.deps.messenger.postFactorCard(round, factorId);
      })().catch((err: unknown) => this.ctx.logger.error({ err, roundId: round.id }, 'teams: posting the new round failed')),
    );
    const text = t(round.locale, 'commands.started', { count: open.length });
    return { kind: 'card', card: renderTextCard(text), text };
  }
}
