// The Slack adapter: a Bolt app on our fastify server (or Socket Mode), its listeners, clients and the scheduler's messenger.
import { App, SocketModeReceiver, webApi, type Authorize, type Receiver } from '@slack/bolt';
import type { PlatformAdapter } from '../adapter.js';
import type { ChatPace } from '../../core/delivery/port.js';
import { BODY_LIMITS } from '../../http/limits.js';
import { interactionLabels } from '../../infra/metrics.js';
import { Background, ChannelPacer, realTimers, type Timers } from './background.js';
import { CardUpdater } from '../../core/delivery/coalescer.js';
import { loadChartRenderer } from './chart.js';
import { SlackContext } from './context.js';
import type { SlackDeps } from './deps.js';
import { SlackDirectory } from './directory.js';
import { FastifyReceiver } from './fastify-receiver.js';
import { StoreInstallationStore } from './installation-store.js';
import { directVoteRoute } from './listeners/direct-vote.js';
import { registerListeners } from './listeners/index.js';
import { SlackMessenger } from './messenger.js';
import { createInstaller, mountInstallRoutes } from './oauth.js';
import { boltLogger, SlackClients } from './web-client.js';

export const EVENTS_PATH = '/slack/events';

export interface SlackOptions {
  /** Minimum gap between two posts to one channel (default 1 s, Slack's per-channel pace). */
  postIntervalMs?: number;
  /** At most one tally edit per card per window (default 1 s). */
  coalesceMs?: number;
  /** Timers for the tally coalescer; tests pass manual ones. */
  timers?: Timers;
  /** Time for pacing and coalescing (monotonic wall time by default; the app clock may be fake). */
  now?: () => number;
  /** Web API retries, 429s included (they wait for Retry-After). */
  retryConfig?: webApi.RetryOptions;
  /** Answer Slack by then even if a listener has not acked. */
  ackTimeoutMs?: number;
  /** Upload the score chart with the summary (default true). */
  chart?: boolean;
  /** Pace of direct-message fan-out (reminders, digests to managers); default SLACK_DM_PACE. */
  dmPace?: ChatPace;
  /**
   * Socket Mode's heartbeat: a pong must come within this time, and a lost connection is tried again after it (the
   * Slack SDK's default is 5 s). Tests shorten it.
   */
  socketPingTimeoutMs?: number;
}

export type SlackMode = 'single-workspace' | 'oauth' | 'socket-mode';

/** Slack payload kinds whose handlers count the person's action through core/interactions. */
const COUNTED_BY_CORE = new Set(['command', 'block_actions', 'view_submission']);

export class SlackAdapter implements PlatformAdapter {
  readonly name = 'slack';
  readonly bolt: App;
  readonly messenger: SlackMessenger;
  readonly updater: CardUpdater;
  readonly background: Background;
  readonly clients: SlackClients;
  readonly installations: StoreInstallationStore | null;
  readonly mode: SlackMode;
  private readonly socket: SocketModeReceiver | null;

  constructor(ctx: SlackDeps, opts: SlackOptions = {}) {
    const { config } = ctx;
    this.mode = config.SLACK_APP_TOKEN ? 'socket-mode' : config.SLACK_CLIENT_ID ? 'oauth' : 'single-workspace';
    const logger = boltLogger(ctx.logger);
    const now = opts.now ?? (() => performance.timeOrigin + performance.now());
    this.background = new Background((err, what) => ctx.logger.error({ err, what }, 'Slack background work failed'));
    this.installations = this.mode === 'oauth' ? new StoreInstallationStore(ctx.store, (tenant) => ctx.uninstalls.cancel(tenant)) : null;
    const installations = this.installations;
    const botToken = config.SLACK_BOT_TOKEN;
    this.clients = new SlackClients({
      apiUrl: config.SLACK_API_URL,
      retryConfig: opts.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
      logger,
      metrics: ctx.metrics,
      tokenForTenant: async (tenant) => {
        if (installations) {
          const token = await installations.botToken(tenant);
          if (!token) throw new Error(`no Slack installation for tenant ${tenant}`);
          return token;
        }
        if (!botToken) throw new Error('SLACK_BOT_TOKEN is not set');
        return botToken;
      },
    });
    const pacer = new ChannelPacer(opts.postIntervalMs ?? 1000, now);
    this.messenger = new SlackMessenger({
      packs: ctx.packs,
      delivery: ctx.delivery,
      reportLinks: ctx.reportLinks,
      clients: this.clients,
      pacer,
      logger: ctx.logger,
      chart: opts.chart === false ? null : loadChartRenderer,
      ...(opts.dmPace ? { pace: opts.dmPace } : {}),
    });
    this.updater = new CardUpdater({
      windowMs: opts.coalesceMs ?? 1000,
      timers: opts.timers ?? realTimers,
      now,
      update: (key) => this.messenger.updateCard(key),
      onError: (err, key) => ctx.logger.warn({ err, card: key }, 'updating a factor card failed'),
      track: (p) => this.background.run('card update', () => p),
    });
    this.messenger.updater = this.updater;

    let authorize: Authorize<boolean>;
    if (installations) {
      const installer = createInstaller({
        clientId: config.SLACK_CLIENT_ID!,
        clientSecret: config.SLACK_CLIENT_SECRET!,
        stateSecret: config.SLACK_STATE_SECRET!,
        baseUrl: ctx.baseUrl,
        installationStore: installations,
        clientOptions: this.clients.clientOptions(),
        logger,
      });
      mountInstallRoutes(ctx.http, installer);
      authorize = (source) => installer.authorize(source);
    } else {
      authorize = async () => ({ botToken });
    }

    let receiver: Receiver;
    if (this.mode === 'socket-mode') {
      this.socket = new SocketModeReceiver({
        appToken: config.SLACK_APP_TOKEN!,
        logger,
        // apps.connections.open goes to SLACK_API_URL like every other call (GovSlack, or a local fake), never to slack.com
        // behind the operator's back; the Socket Mode client keeps its own retry policy for reconnecting.
        installerOptions: { clientOptions: { slackApiUrl: config.SLACK_API_URL } },
        ...(opts.socketPingTimeoutMs !== undefined ? { clientPingTimeout: opts.socketPingTimeoutMs } : {}),
      });
      receiver = this.socket;
    } else {
      this.socket = null;
      receiver = new FastifyReceiver({
        http: ctx.http,
        path: EVENTS_PATH,
        signingSecret: config.SLACK_SIGNING_SECRET ?? '',
        now: () => ctx.clock.now(),
        logger: ctx.logger,
        background: this.background,
        ...(opts.ackTimeoutMs !== undefined ? { ackTimeoutMs: opts.ackTimeoutMs } : {}),
        bodyLimit: BODY_LIMITS.slack,
        // A person's command, click or form is counted once, by core/interactions, in the vocabulary every platform
        // uses; the receiver counts only what never reaches it (refusals, failures, and other envelopes).
        observe: (kind, outcome) => {
          if (outcome === 'accepted' && COUNTED_BY_CORE.has(kind)) return;
          ctx.metrics.interactions.inc(interactionLabels('slack', kind, outcome));
        },
      });
    }
    this.bolt = new App({ receiver, authorize, logger, clientOptions: this.clients.clientOptions(), convoStore: false });
    this.bolt.error(async (err) => {
      ctx.logger.error({ err }, 'Slack listener failed');
    });
    const directory = new SlackDirectory(() => ctx.clock.now());
    const slack = new SlackContext(ctx, this.clients, directory, this.messenger, this.background, this.installations);
    registerListeners(this.bolt, slack);
    // Vote clicks skip Bolt's middleware (listeners/direct-vote.ts); everything else, and Socket Mode, goes through Bolt.
    if (receiver instanceof FastifyReceiver) receiver.takeDirect(directVoteRoute(slack, authorize));
    ctx.messengers.register('slack', this.messenger);
    if (this.socket) {
      this.background.run('socket mode', () => this.bolt.start());
    }
  }

  async ready(): Promise<{ ok: boolean; detail?: string }> {
    return { ok: true, detail: this.mode };
  }

  /** Resolves when every request's follow-up work (posts, edits) has finished. */
  async settled(): Promise<void> {
    await this.background.settled();
  }

  async close(): Promise<void> {
    this.updater.close();
    if (this.socket) await this.bolt.stop();
    await this.background.settled();
    this.clients.close();
  }
}
