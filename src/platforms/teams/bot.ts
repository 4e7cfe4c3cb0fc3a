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
import { MAX_PARTICIPANTS, type RoundSettingsInput } from '../../core/settings.js';
import { assertCardOrigin, type CardOrigin } from '../../core/card-scope.js';
import { AppError, toAppError } from '../../core/errors.js';
import { t } from '../../core/i18n.js';
import { replyPrivately } from './private-reply.js';
import { renderText } from '../../core/text-format.js';
import type { Level, Round } from '../../core/model.js';
import {
  answerFieldsOf,
  decodeActionDone,
  decodeCardValue,
  decodeVoteValue,
  interactionId,
  type CardRefresh,
  type CardValue,
  type InteractionKind,
  type InteractionReply,
  type VoteReply,
} from '../../core/interactions/index.js';
import {
  AnswerDataSchema,
  CardInvokeValueSchema,
  channelNameOf,
  isPersonal,
  SubmitValueSchema,
  teamIdOf,
  teamsDialect,
  turnOf,
  type ActivityTurn,
} from './activity.js';
import { cardActivity, MessageTooLargeError, type TeamsConnector } from './connector.js';
import type { CardUpdater } from '../../core/delivery/coalescer.js';
import type { TeamsMessenger } from './messenger.js';
import type { ReferenceStore } from './references.js';
import { pickedAsMembers, startFormPeople } from './people.js';
import { ownFactorCard } from './render.js';
import { forgetAfterRemoval, keepAfterInstall } from './uninstall.js';
import { invokeResponseFor, type AdaptiveCardInvokeResponse, type CardActionResult } from './invoke-response.js';

interface Turn extends ActivityTurn {
  context: TurnContext;
}

export interface TeamsBotDeps {
  ctx: TeamsDeps;
  refs: ReferenceStore;
  connector: TeamsConnector;
  messenger: TeamsMessenger;
  coalescer: CardUpdater;
  /** Work that may finish after the HTTP answer (posting a new round's cards); tracked so tests and shutdown can wait. */
  background: (work: Promise<unknown>) => void;
  /** How long a vote's invoke waits for the store before it is answered with "saving your vote" (INVOKE_WAIT_MS). */
  invokeWaitMs?: number;
}

/** A vote still being retried through a store failover after this long answers its invoke with "saving" (see vote). */
export const INVOKE_WAIT_MS = 3_000;

const KNOWN_VERBS = new Set<string>(['vote', 'answer', 'start', 'refresh', 'open-card', 'action-done']);

export class TeamsBot {
  constructor(private readonly deps: TeamsBotDeps) {}

  private get ctx(): TeamsDeps {
    return this.deps.ctx;
  }

  async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const turn: Turn = { context, ...turnOf(activity, this.ctx.config.DEFAULT_LOCALE) };
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

  /** A vote invoke on the lean path (lean-vote.ts): the steps onTurn, onInvoke and cardAction take for it, without a TurnContext. */
  async voteInvoke(activity: Activity, value: CardValue & { l: Level }): Promise<AdaptiveCardInvokeResponse> {
    const turn = turnOf(activity, this.ctx.config.DEFAULT_LOCALE);
    await this.remember(turn);
    return invokeResponseFor(await this.vote(turn, value, 'invoke'), activity.conversation);
  }

  private async reject(turn: Turn, why: string): Promise<void> {
    this.ctx.logger.warn({ why, type: turn.activity.type }, 'teams: activity ignored');
    if (turn.activity.type === 'invoke') {
      const error = new AppError('INVALID_INPUT', { detail: t(turn.locale, 'teams.badAction') });
      await this.sendInvokeResponse(turn, invokeResponseFor({ kind: 'error', error, locale: turn.locale }, turn.activity.conversation));
    }
  }

  /** Keeps the conversation and the person reachable for proactive messages (durably, see references.ts). */
  private async remember(turn: ActivityTurn): Promise<void> {
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
    this.ctx.interactions.observed({ platform: 'teams', kind: 'command', outcome: reply.type });
    await this.deliverReply(turn, reply, members);
  }

  private async deliverReply(turn: Turn, reply: CommandReply, members: () => Promise<TeamsChannelAccount[]>): Promise<void> {
    switch (reply.type) {
      case 'text':
        if (reply.privateTo && !isPersonal(turn.activity)) return replyPrivately(this.deps, turn, reply.privateTo, reply.text);
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

  /** Runs one card action through core/interactions; never throws: failures come back as a localised error. */
  async cardAction(turn: Turn, verb: string, data: Record<string, unknown>, via: 'invoke' | 'submit'): Promise<CardActionResult> {
    const asked = { platform: 'teams' as const, tenant: turn.tenant, actor: turn.actor, from: this.origin(turn), fallbackLocale: turn.locale };
    const invalid = (kind: InteractionKind | null): CardActionResult => {
      // The verb is the caller's string: it becomes a label only when it is one of ours.
      if (kind) this.ctx.interactions.observed({ platform: 'teams', kind, outcome: 'invalid' });
      else this.ctx.metrics.interactions.inc({ platform: 'teams', kind: kindLabel(verb), outcome: 'invalid' });
      return { kind: 'error', error: new AppError('INVALID_INPUT', { detail: t(turn.locale, 'teams.badAction') }), locale: turn.locale };
    };
    if (!turn.actor.id) return invalid(KNOWN_VERBS.has(verb) ? (verb as InteractionKind) : null);
    let reply: InteractionReply;
    let card: AdaptiveCard | undefined;
    switch (verb) {
      case 'start':
        return this.start(turn, data);
      case 'vote': {
        const value = decodeVoteValue(data);
        return value ? this.vote(turn, value, via) : invalid('vote');
      }
      case 'answer': {
        const value = decodeCardValue(data);
        if (!value || !AnswerDataSchema.safeParse(data).success) return invalid('answer');
        reply = await this.ctx.interactions.saveAnswer({ ...asked, value, fields: answerFieldsOf(data) });
        if (reply.ok && reply.round) card = await this.ownCard(turn, reply.round, value, reply.text);
        break;
      }
      case 'refresh':
      case 'open-card': {
        const value = decodeCardValue(data);
        if (!value) return invalid(verb);
        const opened = await this.ctx.interactions.openCard({ ...asked, value, purpose: verb });
        reply = opened;
        if (opened.ok && opened.card && opened.round) card = ownFactorCard(opened.round, opened.card, opened.answer ?? null);
        if (card && verb === 'open-card') {
          // From a reminder: the factor card arrives in this chat, ready to vote on.
          await this.deps.connector.reply(turn.context, { type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
          return { kind: 'message', text: t(opened.locale, 'teams.cardBelow') };
        }
        break;
      }
      case 'action-done': {
        const value = decodeActionDone(data);
        if (!value) return invalid('action-done');
        const done = await this.ctx.interactions.completeAction({ ...asked, value });
        reply = done;
        if (done.ok && done.round && done.action) {
          card = renderActionReminderCard(done.round, this.ctx.packs.get(done.round.packId, done.round.locale), [done.action], { notice: done.text });
        }
        break;
      }
      default: {
        // Not one of our verbs; as for every card action, the round is checked first, so a card pressed elsewhere in
        // the tenant learns nothing of the round, not even that the verb is wrong.
        const value = decodeCardValue(data);
        try {
          if (value) assertCardOrigin(await this.ctx.service.getRound(turn.tenant, value.r), turn.actor.id, asked.from);
        } catch (err) {
          const error = toAppError(err);
          this.ctx.metrics.interactions.inc({ platform: 'teams', kind: kindLabel(verb), outcome: outcomeLabel(error.code) });
          return { kind: 'error', error, locale: turn.locale };
        }
        return invalid(null);
      }
    }
    if (!reply.ok) {
      if (reply.error?.code === 'INTERNAL') this.ctx.logger.error({ err: reply.error, verb: kindLabel(verb), via }, 'teams: card action failed');
      return { kind: 'error', error: reply.error ?? new AppError('INTERNAL'), locale: reply.locale };
    }
    if (reply.refresh) this.scheduleSharedUpdate(reply.refresh);
    return card ? { kind: 'card', card, ...(reply.text ? { text: reply.text } : {}) } : { kind: 'message', text: reply.text };
  }

  /** The conversation a card action came from: a channel or group chat, or the person's 1:1 chat with the bot. */
  private origin(turn: ActivityTurn): CardOrigin {
    return { conversationId: turn.key, direct: isPersonal(turn.activity) };
  }

  /** The person's card after they saved an answer, with the notice. */
  private async ownCard(turn: Turn, round: Round, value: CardValue, notice: string): Promise<AdaptiveCard | undefined> {
    const opened = await this.ctx.interactions.openCard({ platform: 'teams', tenant: turn.tenant, actor: turn.actor, value, purpose: 'refresh', fallbackLocale: round.locale });
    return opened.ok && opened.card ? ownFactorCard(round, opened.card, opened.answer ?? null, notice) : undefined;
  }

  private scheduleSharedUpdate(refresh: CardRefresh): void {
    this.deps.coalescer.request(`${refresh.tenant}|${refresh.roundId}|${refresh.factorId}`, async () => {
      const round = await this.ctx.service.getRound(refresh.tenant, refresh.roundId);
      await this.deps.messenger.updateFactorCard(round, refresh.factorId);
    });
  }

  /**
   * A vote: one store round trip, the voter's card drawn from what it returned. Teams wants the invoke answered within
   * seconds, so while the store is failing over the invoke is answered after a short wait with "saving your vote", and
   * the confirmation (or, past the deadline, "try again") follows in the person's 1:1 chat once the vote is stored.
   */
  private async vote(turn: ActivityTurn, value: CardValue & { l: Level }, via: 'invoke' | 'submit'): Promise<CardActionResult> {
    const pending = this.ctx.interactions.vote({
      platform: 'teams',
      tenant: turn.tenant,
      actor: turn.actor,
      value,
      interactionId: interactionId('teams', turn.actor.id, turn.activity.id, randomUUID),
      from: this.origin(turn),
      withCard: true,
      fallbackLocale: turn.locale,
    });
    const waitMs = this.deps.invokeWaitMs ?? INVOKE_WAIT_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
    const reply = await Promise.race([pending, late]).finally(() => clearTimeout(timer));
    if (!reply) {
      this.deps.background(pending.then((r) => this.confirmLater(turn, r)).catch((err: unknown) => this.ctx.logger.warn({ err }, 'teams: late vote confirmation failed')));
      return { kind: 'message', text: t(this.ctx.interactions.localeOf(turn.tenant, value.r) ?? turn.locale, 'vote.saving') };
    }
    if (!reply.ok || !reply.round || !reply.card) {
      if (reply.error?.code === 'INTERNAL') this.ctx.logger.error({ err: reply.error, via }, 'teams: vote failed');
      return { kind: 'error', error: reply.error ?? new AppError('INTERNAL'), locale: reply.locale };
    }
    if (reply.refresh) this.scheduleSharedUpdate(reply.refresh);
    return { kind: 'card', card: ownFactorCard(reply.round, reply.card, reply.answer ?? null, reply.text), text: reply.text };
  }

  /** The vote outlived the invoke: its outcome goes to the voter's 1:1 chat, never to the channel (it names the level). */
  private async confirmLater(turn: ActivityTurn, reply: VoteReply): Promise<void> {
    if (reply.refresh) this.scheduleSharedUpdate(reply.refresh);
    if (!reply.round) {
      this.ctx.logger.warn({ tenant: turn.tenant }, 'teams: a late vote outcome has no round to reach the voter through');
      return;
    }
    await this.deps.messenger.toPerson(reply.round, turn.actor.id, { type: 'message', text: reply.text, textFormat: 'markdown' });
  }

  /** The form's picked people as channel members (see pickedAsMembers); nothing is stored when one is not in the channel. */
  private async pickedAsMembers(turn: Turn, settings: RoundSettingsInput): Promise<TeamsChannelAccount[]> {
    const members = await this.listMembers(turn);
    return turn.activity.channelId === 'msteams' ? pickedAsMembers(settings, members) : (members ?? []);
  }

  private async start(turn: Turn, data: Record<string, unknown>): Promise<CardActionResult> {
    let settings: RoundSettingsInput;
    let members: TeamsChannelAccount[];
    try {
      // The channel is where the form was pressed, whatever the card data claims.
      const channelName = channelNameOf(turn.activity);
      settings = parseStartForm({ ...data, channelId: turn.key, ...(channelName ? { channelName } : {}) }, { locale: turn.locale });
      members = await this.pickedAsMembers(turn, settings);
    } catch (err) {
      const error = toAppError(err);
      this.ctx.interactions.observed({ platform: 'teams', kind: 'start', outcome: error.code.toLowerCase() as Lowercase<string> });
      return { kind: 'error', error, locale: turn.locale };
    }
    const reply = await this.ctx.interactions.startRound({
      platform: 'teams',
      tenant: turn.tenant,
      actor: turn.actor,
      form: settings,
      directory: {
        members: async () => members.map((m) => m.id),
        names: () => Object.fromEntries(members.filter((m) => m.name).map((m) => [m.id, m.name])),
      },
      fallbackLocale: turn.locale,
      // Posting the welcome and the cards can take a few seconds at 7 messages a second; the form answers at once.
      background: (_name, work) => this.deps.background(work().catch((err: unknown) => this.ctx.logger.error({ err }, 'teams: posting the new round failed'))),
      post: async (round) => {
        await this.deps.messenger.postWelcome(round);
        for (const factorId of this.ctx.service.openFactorIds(round)) await this.deps.messenger.postFactorCard(round, factorId);
      },
    });
    if (!reply.ok) {
      if (reply.error?.code === 'INTERNAL') this.ctx.logger.error({ err: reply.error }, 'teams: starting a round failed');
      return { kind: 'error', error: reply.error ?? new AppError('INTERNAL'), locale: reply.locale };
    }
    return { kind: 'card', card: renderTextCard(reply.text), text: reply.text };
  }
}
