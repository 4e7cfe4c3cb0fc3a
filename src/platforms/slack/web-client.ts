// Slack Web API clients: one per bot token, pointed at SLACK_API_URL, retrying 429s per Retry-After, counted in metrics.
// The hottest methods (a vote's ephemeral confirmation, a card's tally edit) skip WebClient's fetch/queue/form path and
// go out as JSON over a shared keep-alive node:http(s) agent (about half WebClient's CPU per call, measured locally).
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { urlToHttpOptions } from 'node:url';
import { LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';

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

/** Methods sent through the lean transport. Slack accepts JSON bodies for both; everything else goes through WebClient. */
export const LEAN_METHODS: ReadonlySet<string> = new Set(['chat.postEphemeral', 'chat.update']);

/** Per attempt, when the client was given no `timeout` (WebClient's default is none at all). */
export const LEAN_TIMEOUT_MS = 30_000;

interface LeanResponse {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One keep-alive agent per URL scheme, shared by every client of a SlackClients: POSTs a JSON body and reads the whole
 * reply. No retries here; the caller wraps it in p-retry.
 */
export class LeanTransport {
  private http: HttpAgent | null = null;
  private https: HttpsAgent | null = null;

  /** At most this many sockets per Slack host, like WebClient's default request concurrency. */
  constructor(private readonly maxSockets = 100) {}

  /** Each URL's request options, worked out once (a client asks for the same few methods all the time). */
  private readonly targets = new WeakMap<URL, RequestOptions>();

  private target(url: URL): RequestOptions {
    let target = this.targets.get(url);
    if (!target) {
      const secure = url.protocol === 'https:';
      const agent = secure ? (this.https ??= new HttpsAgent({ keepAlive: true, maxSockets: this.maxSockets })) : (this.http ??= new HttpAgent({ keepAlive: true, maxSockets: this.maxSockets }));
      target = { ...urlToHttpOptions(url), method: 'POST', agent };
      this.targets.set(url, target);
    }
    return target;
  }

  post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<LeanResponse> {
    const target = this.target(url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      const req = send({ ...target, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers, text });
        });
      });
      // A deadline for the whole exchange (connect, send, read), not an idle timer; cleared however it ends.
      const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', fail);
      req.end(body);
    });
  }

  /** Closes pooled sockets (requests made later open new ones). */
  close(): void {
    this.http?.destroy();
    this.https?.destroy();
  }
}

/** What Slack answers: `ok`, and `error` when it is false. */
type SlackResult = webApi.WebAPICallResult & { error?: string };

/** Seconds from a Retry-After header, as WebClient reads it (an integer; HTTP dates are not used by Slack). */
function retryAfterSeconds(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers['retry-after'];
  const sec = raw === undefined ? NaN : Number.parseInt(String(raw), 10);
  return Number.isNaN(sec) ? undefined : sec;
}

/**
 * A WebClient that counts every Web API call by method and outcome, and sends LEAN_METHODS through a LeanTransport
 * with the client's token, retry policy and timeout. Results and errors have WebClient's shapes: `ok: false` throws
 * WebAPIPlatformError (`code: 'slack_webapi_platform_error'`, `data` = the result), a status other than 200 a
 * WebAPIHTTPError, a network failure a WebAPIRequestError; 429s emit RATE_LIMITED and wait out Retry-After.
 */
export class CountedWebClient extends webApi.WebClient {
  private readonly count: (method: string, outcome: 'ok' | 'error') => void;
  private readonly transport: LeanTransport;
  /** Each lean method's URL under slackApiUrl. */
  private readonly urls = new Map<string, URL>();
  /** WebClient keeps these private; the lean path reads its own copies, with WebClient's defaults. */
  private readonly lean: { retryConfig: webApi.RetryOptions; timeoutMs: number; rejectRateLimitedCalls: boolean; teamId: string | undefined; logger: BoltLogger | undefined };

  constructor(token: string | undefined, options: webApi.WebClientOptions, count: (method: string, outcome: 'ok' | 'error') => void, transport = new LeanTransport()) {
    super(token, options);
    this.count = count;
    this.transport = transport;
    this.lean = {
      retryConfig: options.retryConfig ?? webApi.retryPolicies.tenRetriesInAboutThirtyMinutes,
      timeoutMs: options.timeout && options.timeout > 0 ? options.timeout : LEAN_TIMEOUT_MS,
      rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
      teamId: options.teamId,
      logger: options.logger,
    };
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
    // files.uploadV2 is a helper made of other calls, which are counted themselves.
    if (method === 'files.uploadV2') return super.apiCall(method, options);
    try {
      const result = LEAN_METHODS.has(method) ? await this.leanCall(method, options ?? {}) : await super.apiCall(method, options);
      this.count(method, 'ok');
      return result;
    } catch (err) {
      this.count(method, 'error');
      throw err;
    }
  }

  /** One Web API call as JSON over the shared agent, retried per the client's retryConfig. */
  private async leanCall(method: string, options: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
    const { token: callerToken, ...args } = options;
    const token = typeof callerToken === 'string' && callerToken ? callerToken : this.token;
    const body = JSON.stringify(this.lean.teamId ? { team_id: this.lean.teamId, ...args } : args);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const url = this.urls.get(method) ?? this.urls.set(method, new URL(method, this.slackApiUrl)).get(method)!;

    const attempt = async (): Promise<SlackResult> => {
      let res: LeanResponse;
      try {
        res = await this.transport.post(url, headers, body, this.lean.timeoutMs);
      } catch (err) {
        // Connection refused or reset, timeout: retried, as WebClient does.
        throw new webApi.WebAPIRequestError(err instanceof Error ? err : new Error(String(err)));
      }
      if (res.status === 429) {
        const retrySec = retryAfterSeconds(res.headers);
        if (retrySec === undefined) throw new AbortError(new Error(`Retry header did not contain a valid timeout (url: ${url.href}, retry-after header: ${String(res.headers['retry-after'])})`));
        this.emit(webApi.WebClientEvent.RATE_LIMITED, retrySec, { url: url.href, body: args });
        if (this.lean.rejectRateLimitedCalls) throw new AbortError(new webApi.WebAPIRateLimitedError(retrySec));
        this.lean.logger?.info(`API Call failed due to rate limiting. Will retry in ${retrySec} seconds.`);
        // Wait out Retry-After, then fail this attempt so p-retry makes the next one (WebClient does the same).
        await sleep(retrySec * 1000);
        throw new Error(`A rate limit was exceeded (url: ${url.href}, retry-after: ${retrySec})`);
      }
      if (res.status !== 200) {
        const err = new webApi.WebAPIHTTPError(res.status, res.statusMessage, res.headers as Record<string, string>, res.text);
        // 5xx is Slack having trouble: try again. Any other status will not get better by repeating it.
        if (res.status >= 500) throw err;
        throw new AbortError(err);
      }
      let result: SlackResult;
      try {
        result = JSON.parse(res.text) as SlackResult;
      } catch {
        result = { ok: false, error: res.text };
      }
      return result;
    };

    const result = await pRetry(attempt, this.lean.retryConfig);
    result.response_metadata ??= {};
    for (const warning of result.response_metadata.warnings ?? []) this.lean.logger?.warn(warning);
    // Not retried: Slack answered, and the answer is no.
    if (!result.ok) throw new webApi.WebAPIPlatformError(result as SlackResult & { error: string });
    return result;
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
  /** One keep-alive agent for every token's lean calls. */
  private readonly transport = new LeanTransport();

  constructor(private readonly opts: SlackClientsOptions) {}

  /** Options Bolt's own clients use too, so everything reaches the same API base. */
  clientOptions(): webApi.WebClientOptions {
    return { slackApiUrl: this.opts.apiUrl, retryConfig: this.opts.retryConfig, logger: this.opts.logger };
  }

  forToken(token: string): CountedWebClient {
    let client = this.byToken.get(token);
    if (!client) {
      const { metrics } = this.opts;
      client = new CountedWebClient(token, this.clientOptions(), (method, outcome) => metrics.apiCalls.inc({ platform: 'slack', method, outcome }), this.transport);
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

  /** Closes the pooled keep-alive sockets (the adapter's close). */
  close(): void {
    this.transport.close();
  }
}
