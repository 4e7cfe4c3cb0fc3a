// The lean transport for chat.postEphemeral and chat.update: JSON over a keep-alive node:http(s) agent, with
// WebClient's error shapes, 429/5xx retries and metrics; every other method still goes through WebClient.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/infra/metrics.js';
import { CountedWebClient, LeanTransport, SlackClients } from '../../src/platforms/slack/web-client.js';
import { API_ORIGIN, API_URL, BOT_TOKEN, CHANNEL } from '../helpers/slack.js';

const FAST_RETRIES: webApi.RetryOptions = { retries: 2, factor: 1, minTimeout: 0, maxTimeout: 5 };
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, setLevel: () => undefined, getLevel: () => webApi.LogLevel.ERROR, setName: () => undefined };

interface Seen {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

let metrics: Metrics;
let clients: SlackClients;

function slackClients(apiUrl = API_URL, retryConfig = FAST_RETRIES): SlackClients {
  return new SlackClients({ apiUrl, retryConfig, logger: silent, metrics, tokenForTenant: async () => BOT_TOKEN });
}

async function metric(name: string): Promise<string> {
  return metrics.registry.getSingleMetricAsString(name);
}

/** A nock reply that records what arrived (nock hands over JSON bodies parsed, form bodies as strings). */
function recordInto(seen: Seen[], status: number, reply: unknown, headers: Record<string, string> = {}) {
  return function (this: { req: { headers: Record<string, string | string[] | undefined> } }, _uri: string, body: unknown) {
    seen.push({ body, headers: { ...this.req.headers } });
    return [status, reply, { 'content-type': 'application/json', ...headers }] as [number, unknown, Record<string, string>];
  };
}

beforeEach(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  metrics = createMetrics();
  clients = slackClients();
});

afterEach(() => {
  clients.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('Slack lean transport', () => {
  it('sends chat.postEphemeral as JSON with the bearer token, not the token in the body, and counts it', async () => {
    const seen: Seen[] = [];
    const scope = nock(API_ORIGIN).post('/api/chat.postEphemeral').reply(recordInto(seen, 200, { ok: true, message_ts: '1768203000.000100' }));

    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Du röstade *Delvis*' } }];
    const result = await clients.forToken(BOT_TOKEN).chat.postEphemeral({ channel: CHANNEL, user: 'U0ANNA', text: 'Du röstade Delvis', blocks });

    scope.done();
    expect(result).toMatchObject({ ok: true, message_ts: '1768203000.000100' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    // A real JSON object (nested blocks stay nested), with no token in it.
    expect(seen[0]!.body).toEqual({ channel: CHANNEL, user: 'U0ANNA', text: 'Du röstade Delvis', blocks });
    expect(await metric('assess_platform_api_calls_total')).toContain('assess_platform_api_calls_total{platform="slack",method="chat.postEphemeral",outcome="ok"} 1');
  });

  it("uses a caller's token over the client's, and keeps it out of the body", async () => {
    const seen: Seen[] = [];
    nock(API_ORIGIN).post('/api/chat.update').reply(recordInto(seen, 200, { ok: true, channel: CHANNEL, ts: '1.2' }));

    await clients.forToken(BOT_TOKEN).chat.update({ token: 'xoxb-other-workspace', channel: CHANNEL, ts: '1.2', text: 'tally' });

    expect(seen[0]!.headers.authorization).toBe('Bearer xoxb-other-workspace');
    expect(seen[0]!.body).toEqual({ channel: CHANNEL, ts: '1.2', text: 'tally' });
  });

  it('ok: false throws the platform error WebClient throws, with the result as data, and is not retried', async () => {
    const seen: Seen[] = [];
    nock(API_ORIGIN).post('/api/chat.update').times(3).reply(recordInto(seen, 200, { ok: false, error: 'message_not_found' }));

    const err = await clients.forToken(BOT_TOKEN).chat.update({ channel: CHANNEL, ts: '9.9', text: 'x' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(webApi.WebAPIPlatformError);
    expect(err).toMatchObject({ code: webApi.ErrorCode.PlatformError, message: 'An API error occurred: message_not_found', data: { ok: false, error: 'message_not_found' } });
    expect((err as { code: string }).code).toBe('slack_webapi_platform_error');
    expect(seen).toHaveLength(1);
    expect(await metric('assess_platform_api_calls_total')).toContain('assess_platform_api_calls_total{platform="slack",method="chat.update",outcome="error"} 1');
  });

  it('a 429 with Retry-After: 1 is waited out, retried with the same body, delivered once and counted as rate-limited', async () => {
    const seen: Seen[] = [];
    const scope = nock(API_ORIGIN)
      .post('/api/chat.postEphemeral')
      .reply(recordInto(seen, 429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '1' }))
      .post('/api/chat.postEphemeral')
      .reply(recordInto(seen, 200, { ok: true, message_ts: '1.3' }));

    const client = clients.forToken(BOT_TOKEN);
    const waits: number[] = [];
    client.on(webApi.WebClientEvent.RATE_LIMITED, (retrySec: number) => waits.push(retrySec));
    const result = await client.chat.postEphemeral({ channel: CHANNEL, user: 'U0BO', text: 'Du röstade' });

    scope.done();
    expect(result.ok).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.body).toEqual(seen[0]!.body);
    // The event WebClient emits, with the seconds read from Retry-After (the wait itself is not timed here).
    expect(waits).toEqual([1]);
    expect(await metric('assess_platform_rate_limited_total')).toContain('assess_platform_rate_limited_total{platform="slack"} 1');
    const calls = await metric('assess_platform_api_calls_total');
    expect(calls).toContain('assess_platform_api_calls_total{platform="slack",method="chat.postEphemeral",outcome="ok"} 1');
    expect(calls).not.toContain('outcome="error"');
  });

  it('a 503 is retried and delivered; counted once, as ok', async () => {
    const seen: Seen[] = [];
    const scope = nock(API_ORIGIN)
      .post('/api/chat.update')
      .reply(recordInto(seen, 503, 'upstream unavailable'))
      .post('/api/chat.update')
      .reply(recordInto(seen, 200, { ok: true, channel: CHANNEL, ts: '1.4' }));

    const result = await clients.forToken(BOT_TOKEN).chat.update({ channel: CHANNEL, ts: '1.4', text: 'tally' });

    scope.done();
    expect(result).toMatchObject({ ok: true, ts: '1.4' });
    expect(seen).toHaveLength(2);
    const calls = await metric('assess_platform_api_calls_total');
    expect(calls).toContain('assess_platform_api_calls_total{platform="slack",method="chat.update",outcome="ok"} 1');
    expect(calls).not.toContain('outcome="error"');
    expect(await metric('assess_platform_rate_limited_total')).not.toContain('platform="slack"');
  });

  it('5xx beyond the retry budget throws WebClient’s HTTP error; a 4xx other than 429 is not retried', async () => {
    const seen: Seen[] = [];
    nock(API_ORIGIN).post('/api/chat.update').times(3).reply(recordInto(seen, 502, 'bad gateway'));
    const err = await clients.forToken(BOT_TOKEN).chat.update({ channel: CHANNEL, ts: '1.5', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(webApi.WebAPIHTTPError);
    expect(err).toMatchObject({ code: webApi.ErrorCode.HTTPError, statusCode: 502, body: 'bad gateway' });
    // The first attempt and FAST_RETRIES' two retries.
    expect(seen).toHaveLength(3);

    nock(API_ORIGIN).post('/api/chat.postEphemeral').times(3).reply(recordInto(seen, 404, 'no such method'));
    const notFound = await clients.forToken(BOT_TOKEN).chat.postEphemeral({ channel: CHANNEL, user: 'U0BO', text: 'x' }).catch((e: unknown) => e);
    expect(notFound).toMatchObject({ code: webApi.ErrorCode.HTTPError, statusCode: 404 });
    expect(seen).toHaveLength(4);
    const calls = await metric('assess_platform_api_calls_total');
    expect(calls).toContain('method="chat.update",outcome="error"} 1');
    expect(calls).toContain('method="chat.postEphemeral",outcome="error"} 1');
  });

  it('a network error is retried, then delivered', async () => {
    const seen: Seen[] = [];
    const scope = nock(API_ORIGIN)
      .post('/api/chat.postEphemeral')
      // An Error instance: nock 14 never settles a request given replyWithError({ code, message }).
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .post('/api/chat.postEphemeral')
      .reply(recordInto(seen, 200, { ok: true, message_ts: '1.6' }));

    const result = await clients.forToken(BOT_TOKEN).chat.postEphemeral({ channel: CHANNEL, user: 'U0BO', text: 'x' });

    scope.done();
    expect(result.ok).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('other methods still go through WebClient (form-encoded, token in the header)', async () => {
    const seen: Seen[] = [];
    nock(API_ORIGIN).post('/api/chat.postMessage').reply(recordInto(seen, 200, { ok: true, channel: CHANNEL, ts: '1.7' }));

    await clients.forToken(BOT_TOKEN).chat.postMessage({ channel: CHANNEL, text: 'card' });

    expect(seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(typeof seen[0]!.body).toBe('string');
    expect(new URLSearchParams(seen[0]!.body as string).get('text')).toBe('card');
  });
});

describe('Slack lean transport over a real socket', () => {
  let server: Server;
  let connections: number;
  let hang: boolean;

  beforeEach(async () => {
    connections = 0;
    hang = false;
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        if (hang) return;
        const body = JSON.parse(raw) as { ts?: string };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ts: body.ts ?? '1.0' }));
      });
    });
    server.on('connection', () => (connections += 1));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  });

  function localUrl(): string {
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  }

  it('an http:// API URL is reached with node:http, and sequential calls reuse one keep-alive socket across tokens', async () => {
    clients = slackClients(localUrl());
    const a = clients.forToken('xoxb-a');
    const b = clients.forToken('xoxb-b');
    for (let i = 0; i < 3; i++) {
      expect(await a.chat.update({ channel: CHANNEL, ts: `2.${i}`, text: 'x' })).toMatchObject({ ok: true, ts: `2.${i}` });
      expect(await b.chat.postEphemeral({ channel: CHANNEL, user: 'U0BO', text: 'x' })).toMatchObject({ ok: true });
    }
    expect(connections).toBe(1);
  });

  it("a request that never gets an answer fails at the client's timeout with WebClient's request error", async () => {
    hang = true;
    // SlackClients sets no timeout, so the lean default (30 s) applies there; a client given one uses it.
    const transport = new LeanTransport();
    const client = new CountedWebClient('xoxb-a', { slackApiUrl: localUrl(), retryConfig: { retries: 0 }, timeout: 150, logger: silent }, () => undefined, transport);
    const err = await client.chat.postEphemeral({ channel: CHANNEL, user: 'U0BO', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(webApi.WebAPIRequestError);
    expect(err).toMatchObject({ code: webApi.ErrorCode.RequestError, message: expect.stringContaining('within 150 ms') });
    transport.close();
  });
});
