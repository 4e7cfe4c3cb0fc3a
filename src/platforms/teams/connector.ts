// Proactive sends through the CloudAdapter: paced per conversation, retried, and 403s turned into dead references.
import { CardFactory, TurnContext, type Activity, type CloudAdapter, type ConversationReference, type ResourceResponse } from 'botbuilder';
import type { Metrics } from '../../infra/metrics.js';
import { ACTIVITY_ENVELOPE_ALLOWANCE, inertMarkdown, teamsMessageSize, TEAMS_MESSAGE_LIMIT, type AdaptiveCard } from '../../cards/adaptive.js';
import { AppError } from '../../core/errors.js';
import { renderText } from '../../core/text-format.js';
import { teamsDialect } from './activity.js';
import { ConversationLimiter, DEFAULT_RETRY, statusOf, withRetry, type RetryOptions } from './outbound.js';
import { isAllowedServiceUrl } from './service-url.js';

/** The bot was uninstalled, blocked or disabled for this conversation; don't try again. */
export class ConversationGoneError extends Error {
  constructor(readonly status: number, cause: unknown) {
    super(`conversation refused the bot (HTTP ${status})`, { cause });
    this.name = 'ConversationGoneError';
  }
}

/** A stored reference points somewhere the Bot Connector does not live: never sent to, and treated as gone. */
export class UntrustedServiceUrlError extends ConversationGoneError {
  constructor(serviceUrl: unknown) {
    super(0, undefined);
    this.message = `refused to call a serviceUrl outside the Bot Framework's hosts (${String(serviceUrl).slice(0, 100)})`;
    this.name = 'UntrustedServiceUrlError';
  }
}

/**
 * Teams refused the message for its size (413 MessageSizeTooBig), or would have: we measure before sending. Sending
 * it again cannot help; the caller says so to the person (see TeamsMessenger.tooLarge).
 */
export class MessageTooLargeError extends AppError {
  constructor(readonly size: number | undefined, cause?: unknown) {
    super('MESSAGE_TOO_LARGE', {}, { cause });
    this.name = 'MessageTooLargeError';
  }
}

/** Refuses, before any call, a message Teams would refuse: its UTF-16 size with room for the connector's envelope. */
function assertSendable(activity: Partial<Activity> | string): void {
  const size = teamsMessageSize(typeof activity === 'string' ? { type: 'message', text: activity } : activity) + ACTIVITY_ENVELOPE_ALLOWANCE;
  if (size > TEAMS_MESSAGE_LIMIT) throw new MessageTooLargeError(size);
}

/**
 * A message's text in Teams' syntax and command form (see core/text-format.ts), with no link we did not make: texts
 * carry people's words (notes, names) and Teams renders them as Markdown.
 */
function teamsText(activity: Partial<Activity> | string, dialect: ReturnType<typeof teamsDialect>): Partial<Activity> | string {
  const render = (text: string) => inertMarkdown(renderText(text, dialect));
  if (typeof activity === 'string') return render(activity);
  return typeof activity.text === 'string' ? { ...activity, text: render(activity.text) } : activity;
}

export function cardActivity(card: AdaptiveCard, extra: Partial<Activity> = {}): Partial<Activity> {
  return { type: 'message', attachments: [CardFactory.adaptiveCard(card)], ...extra };
}

/** The connector audience when creating conversations in the public cloud. */
export const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';

export class TeamsConnector {
  readonly limiter: ConversationLimiter;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly metrics: Metrics,
    private readonly retry: RetryOptions = DEFAULT_RETRY,
    limiter?: ConversationLimiter,
    /** Localhost is a valid serviceUrl only for the Emulator (TEAMS_AUTH=off). */
    private readonly allowLoopback = false,
  ) {
    this.limiter = limiter ?? new ConversationLimiter();
  }

  /**
   * Proactive sends use a serviceUrl read back from the store: it goes out with the bot's token only if it is one of
   * the Bot Framework's hosts (a reference saved from a forged activity, or edited in the store, goes nowhere).
   */
  private assertServiceUrl(serviceUrl: unknown, method: string): void {
    if (isAllowedServiceUrl(serviceUrl, { allowLoopback: this.allowLoopback })) return;
    this.metrics.apiCalls.inc({ platform: 'teams', method, outcome: 'refused' });
    throw new UntrustedServiceUrlError(serviceUrl);
  }

  /** One connector call for a conversation: waits its turn, retries, counts, and recognises a dead conversation. */
  async call<T>(conversationId: string, method: string, fn: () => Promise<T>): Promise<T> {
    try {
      const result = await withRetry(
        async () => {
          await this.limiter.take(conversationId);
          return fn();
        },
        this.retry,
        (status) => {
          this.metrics.apiCalls.inc({ platform: 'teams', method, outcome: 'retry' });
          if (status === 429) this.metrics.rateLimited.inc({ platform: 'teams' });
        },
      );
      this.metrics.apiCalls.inc({ platform: 'teams', method, outcome: 'ok' });
      return result;
    } catch (err) {
      const status = statusOf(err);
      this.metrics.apiCalls.inc({ platform: 'teams', method, outcome: 'error' });
      if (status === 403) throw new ConversationGoneError(status, err);
      if (status === 413) throw new MessageTooLargeError(undefined, err);
      throw err;
    }
  }

  /** Sends within a live turn (replies). */
  reply(context: TurnContext, activity: Partial<Activity> | string): Promise<ResourceResponse | undefined> {
    const safe = teamsText(activity, teamsDialect(context.activity.conversation, context.activity.channelId));
    assertSendable(safe);
    return this.call(context.activity.conversation.id, 'sendActivity', () => context.sendActivity(safe));
  }

  updateInTurn(context: TurnContext, activity: Partial<Activity>): Promise<void> {
    assertSendable(activity);
    return this.call(context.activity.conversation.id, 'updateActivity', async () => {
      await context.updateActivity(activity);
    });
  }

  /** Posts to a stored conversation (a channel post, or a 1:1 message). */
  async send(ref: Partial<ConversationReference>, message: Partial<Activity>): Promise<ResourceResponse | undefined> {
    const activity = teamsText(message, teamsDialect(ref.conversation, ref.channelId)) as Partial<Activity>;
    assertSendable(activity);
    this.assertServiceUrl(ref.serviceUrl, 'sendActivity');
    let response: ResourceResponse | undefined;
    await this.proactive(ref, async (context) => {
      response = await this.call(ref.conversation?.id ?? '', 'sendActivity', () => context.sendActivity(activity));
    });
    return response;
  }

  /**
   * The adapter hands errors thrown inside a proactive turn to onTurnError, which only logs; we carry
   * them out so the caller can mark a dead reference or let the scheduler retry.
   */
  private async proactive(ref: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    let failure: { error: unknown } | undefined;
    await this.adapter.continueConversationAsync(this.appId, ref, async (context) => {
      try {
        await logic(context);
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) throw failure.error;
  }

  /** Replaces an earlier message (the shared channel copy of a card). */
  async update(ref: Partial<ConversationReference>, activity: Partial<Activity> & { id: string }): Promise<void> {
    this.assertServiceUrl(ref.serviceUrl, 'updateActivity');
    assertSendable(activity);
    await this.proactive(ref, async (context) => {
      await this.call(ref.conversation?.id ?? '', 'updateActivity', async () => {
        await context.updateActivity({ ...activity, conversation: ref.conversation });
      });
    });
  }

  /** Opens (or reopens: Teams returns the existing one) the 1:1 chat between the bot and a user. */
  async createPersonal(opts: {
    serviceUrl: string;
    channelId: string;
    botId: string;
    userId: string;
    teamsTenantId?: string;
  }): Promise<Partial<ConversationReference>> {
    this.assertServiceUrl(opts.serviceUrl, 'createConversation');
    let ref: Partial<ConversationReference> | undefined;
    await this.call(`create:${opts.userId}`, 'createConversation', () =>
      this.adapter.createConversationAsync(
        this.appId,
        opts.channelId,
        opts.serviceUrl,
        BOT_FRAMEWORK_AUDIENCE,
        {
          isGroup: false,
          bot: { id: opts.botId, name: '' },
          members: [{ id: opts.userId, name: '' }],
          ...(opts.teamsTenantId ? { tenantId: opts.teamsTenantId, channelData: { tenant: { id: opts.teamsTenantId } } } : {}),
        } as Parameters<CloudAdapter['createConversationAsync']>[4],
        async (context) => {
          ref = TurnContext.getConversationReference(context.activity);
        },
      ),
    );
    if (!ref?.conversation?.id) throw new Error('the connector created no conversation');
    return ref;
  }
}
