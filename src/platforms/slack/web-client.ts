// Slack Web API clients: one per bot token, pointed at SLACK_API_URL, retrying 429s per Retry-After, counted in metrics.
import { LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../app/logger.js';
import type { Metrics } from '../../app/metrics.js';

/** Bolt and the Web API log through this, so their lines land in our pino logs (tokens redacted there). */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => child.debug(text(msg)),
    info: (...msg: unknown[]) => child.info(text(msg)),
    warn: (...msg: unknown[]) => child.warn(text(msg)),
    error: (...msg: unknown[]) => child.error(text(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** A WebClient that counts every Web API call by method and outcome. */
export class CountedWebClient extends webApi.WebClient {
  private readonly count: (method: string, outcome: 'ok' | 'error') => void;

  constructor(token: string | undefined, options: webApi.WebClientOptions, count: (method: string, outcome: 'ok' | 'error') => void) {
    super(token, options);
    this.count = count;
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
    // files.uploadV2 is a helper made of other calls, which are counted themselves.
    if (method === 'files.uploadV2') return super.apiCall(method, options);
    try {
      const result = await super.apiCall(method, options);
      this.count(method, 'ok');
      return result;
    } catch (err) {
      this.count(method, 'error');
      throw err;
    }
  }
}

export interface SlackClientsOptions {
  apiUrl: string;
  retryConfig: webApi.RetryOptions;
  logger: BoltLogger;
  metrics: Metrics;
  /** The bot token for a tenant (single-workspace token, or the stored installation's). */
  tokenForTenant: (tenant: string) => Promise<string>;
}

export class SlackClients {
  private readonly byToken = new Map<string, CountedWebClient>();

  constructor(private readonly opts: SlackClientsOptions) {}

  /** Options Bolt's own clients use too, so everything reaches the same API base. */
  clientOptions(): webApi.WebClientOptions {
    return { slackApiUrl: this.opts.apiUrl, retryConfig: this.opts.retryConfig, logger: this.opts.logger };
  }

  forToken(token: string): CountedWebClient {
    let client = this.byToken.get(token);
    if (!client) {
      const { metrics } = this.opts;
      client = new CountedWebClient(token, this.clientOptions(), (method, outcome) => metrics.apiCalls.inc({ platform: 'slack', method, outcome }));
      client.on(webApi.WebClientEvent.RATE_LIMITED, () => metrics.rateLimited.inc({ platform: 'slack' }));
      this.byToken.set(token, client);
    }
    return client;
  }

  async forTenant(tenant: string): Promise<CountedWebClient> {
    return this.forToken(await this.opts.tokenForTenant(tenant));
  }

  /** Drops cached clients (after an uninstall or a token revocation). */
  forget(token: string): void {
    this.byToken.delete(token);
  }
}
