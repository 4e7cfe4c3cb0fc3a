// Teams adapter entry point: the Bot Framework endpoint on the shared HTTP server, the turn logic and the proactive messenger.
import { CloudAdapter, type TurnContext } from 'botbuilder';
import type { PlatformAdapter } from '../adapter.js';
import type { TeamsDeps } from './deps.js';
import { interactionLabels } from '../../infra/metrics.js';
import { teamsAuthOff } from '../../config.js';
import { createBotAuthentication } from './auth.js';
import { TeamsBot } from './bot.js';
import { invokeResponseFor } from './invoke-response.js';
import { localeOf, teamsDialect } from './activity.js';
import { renderText } from '../../core/text-format.js';
import { toAppError } from '../../core/errors.js';
import { CardUpdater } from '../../core/delivery/coalescer.js';
import { TeamsConnector } from './connector.js';
import { mountMessages } from './http.js';
import { leanVoteHandler } from './lean-vote.js';
import { TeamsMessenger, type TeamsMessengerOptions } from './messenger.js';
import { DEFAULT_RETRY, type RetryOptions } from './outbound.js';
import { ReferenceStore } from './references.js';

export interface TeamsAdapterOptions extends TeamsMessengerOptions {
  retry?: RetryOptions;
  /** Minimum time between two edits of the same shared card. */
  cardUpdateIntervalMs?: number;
  /** How long a vote's invoke waits for the store before answering "saving your vote" (default INVOKE_WAIT_MS). */
  invokeWaitMs?: number;
}

/** The running Teams side; tests reach it through `app.adapters` to wait for background work. */
export class TeamsPlatform implements PlatformAdapter {
  readonly name = 'teams';
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    readonly adapter: CloudAdapter,
    readonly bot: TeamsBot,
    readonly messenger: TeamsMessenger,
    readonly refs: ReferenceStore,
    readonly connector: TeamsConnector,
    readonly coalescer: CardUpdater,
    private readonly authEnabled: boolean,
  ) {}

  track(work: Promise<unknown>): void {
    this.pending.add(work);
    // Only stops tracking it: the work reports its own failures, and flush() waits for it settled or not.
    const untrack = () => void this.pending.delete(work);
    work.then(untrack, untrack);
  }

  /** Waits for posts started by a turn and runs coalesced card updates now. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.coalescer.flush();
  }

  async ready(): Promise<{ ok: boolean; detail?: string }> {
    return { ok: true, detail: this.authEnabled ? 'bot framework auth on' : 'auth off (TEAMS_AUTH=off: Bot Framework Emulator only)' };
  }

  async close(): Promise<void> {
    await this.flush();
  }
}

/** Builds the Teams adapter registration; `registerTeams` is it with the defaults. */
export function teamsAdapter(options: TeamsAdapterOptions = {}): (ctx: TeamsDeps) => Promise<PlatformAdapter | null> {
  return async (ctx) => {
    const appId = ctx.config.MICROSOFT_APP_ID ?? '';
    // Refuses (ConfigError) without an app id unless TEAMS_AUTH=off said so: never open because a secret is missing.
    const auth = createBotAuthentication(ctx.config);
    const adapter = new CloudAdapter(auth);
    const authEnabled = !teamsAuthOff(ctx.config);
    if (!authEnabled) ctx.logger.warn('teams: TEAMS_AUTH=off: /api/messages accepts unauthenticated activities (Bot Framework Emulator only)');
    const refs = new ReferenceStore(ctx.store);
    const connector = new TeamsConnector(adapter, appId, ctx.metrics, options.retry ?? DEFAULT_RETRY, undefined, !authEnabled);
    const messenger = new TeamsMessenger(ctx, refs, connector, options.chartUrl ? { chartUrl: options.chartUrl } : {});
    const coalescer = new CardUpdater({
      windowMs: options.cardUpdateIntervalMs ?? 1000,
      onError: (err, key) => ctx.logger.warn({ key, err }, 'teams: card update failed'),
    });
    const holder: { platform?: TeamsPlatform } = {};
    const bot = new TeamsBot({
      ctx,
      refs,
      connector,
      messenger,
      coalescer,
      background: (work) => holder.platform?.track(work),
      ...(options.invokeWaitMs !== undefined ? { invokeWaitMs: options.invokeWaitMs } : {}),
    });
    const platform = new TeamsPlatform(adapter, bot, messenger, refs, connector, coalescer, authEnabled);
    holder.platform = platform;

    adapter.onTurnError = async (context: TurnContext, err: unknown) => {
      const error = toAppError(err);
      ctx.logger.error({ err, type: context.activity?.type }, 'teams: turn failed');
      ctx.metrics.interactions.inc(interactionLabels('teams', context.activity?.type, error.code));
      // Whatever broke, the person gets a sentence in their language: an error card answer, or a reply.
      const locale = localeOf(context.activity ?? {}, ctx.config.DEFAULT_LOCALE);
      try {
        if (context.activity?.type === 'invoke') {
          await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: invokeResponseFor({ kind: 'error', error, locale }, context.activity.conversation) } });
        } else if (context.activity?.type === 'message') {
          const dialect = teamsDialect(context.activity.conversation, context.activity.channelId);
          await context.sendActivity({ type: 'message', text: renderText(error.userMessage(locale), dialect), textFormat: 'markdown' });
        }
      } catch (sendErr) {
        ctx.logger.warn({ err: sendErr }, 'teams: could not report a failed turn');
      }
    };
    mountMessages(ctx.http, adapter, (context) => bot.onTurn(context), ctx.logger, {
      authEnabled,
      allowedTenants: ctx.config.MICROSOFT_ALLOWED_TENANTS,
      leanVote: leanVoteHandler({ auth, bot, config: ctx.config, logger: ctx.logger, metrics: ctx.metrics, now: () => Date.now() }),
    });
    ctx.messengers.register('teams', messenger);
    return platform;
  };
}

export const registerTeams = teamsAdapter();
