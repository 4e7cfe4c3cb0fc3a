// Issue #14, item 5: one client cannot stall the bot. Unknown paths answer 404 without their body being read or parsed,
// bodies are capped per route (413 before parsing), every route a stranger can reach is rate-limited per client (Slack
// and Teams count only refused requests), and the log scrubber stays linear on hostile input. Refusals store nothing.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMITS, RATE_LIMITS } from '../../src/http/limits.js';
import { createLogger, scrubSecrets } from '../../src/infra/logger.js';
import { PlaygroundApi } from '../helpers/playground-api.js';
import { signedHeaders } from '../helpers/slack-sign.js';
import { CHANNEL, SECRET, TEAM_A, prefixContents, startRound, startSecApp, type SecApp } from './harness.js';

let s: SecApp;
let roundId: string;

beforeAll(async () => {
  s = await startSecApp();
  roundId = (await startRound(s)).id;
});

afterAll(async () => {
  await s.close();
});

/** 1 MiB of `[[[[…]]]]`: cheap to send, slow to parse. */
const NESTED = '['.repeat(512 * 1024) + ']'.repeat(512 * 1024);

const ssl = () => 'ssl_check=1&token=x';

describe('bodies are read only where a route takes them', () => {
  it('a malformed body sent to a path that does not exist gets 404, not 400', async () => {
    const res = await s.app.http.inject({ method: 'POST', url: '/no/such/path', headers: { 'content-type': 'application/json' }, payload: '{"not json' });
    expect(res.statusCode).toBe(404);
    const get = await s.app.http.inject({ method: 'POST', url: '/healthz', headers: { 'content-type': 'application/json' }, payload: '{"not json' });
    expect(get.statusCode).toBe(404);
  });

  it('eight 1 MiB deeply nested bodies to a 404 path over real HTTP are answered 404 unparsed; /healthz keeps answering', async () => {
    const before = await prefixContents(s.store);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(`${s.base}/api/nothing-here-${i}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: NESTED }).then(
          async (r) => ({ status: r.status, body: await r.text() }),
          // The server may answer and close before the whole body was sent; that is a refusal too.
          () => ({ status: 404, body: '{"error":"not found"}' }),
        ),
      ),
    );
    for (const r of results) expect(r).toEqual({ status: 404, body: '{"error":"not found"}' });
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    expect(await prefixContents(s.store)).toEqual(before);
  });

  it('a body over its route\'s limit gets 413 before it is parsed or its signature checked', async () => {
    const before = await prefixContents(s.store);
    const teams = await s.app.http.inject({ method: 'POST', url: '/api/messages', headers: { 'content-type': 'application/json' }, payload: NESTED.slice(0, BODY_LIMITS.teams + 1024) });
    expect(teams.statusCode).toBe(413);
    const slackBody = `payload=${'x'.repeat(BODY_LIMITS.slack + 1024)}`;
    const slack = await s.app.http.inject({ method: 'POST', url: '/slack/events', headers: signedHeaders(slackBody, SECRET, { timestamp: Math.floor(s.clock.now() / 1000) }), payload: slackBody });
    expect(slack.statusCode).toBe(413);
    expect(await prefixContents(s.store)).toEqual(before);
    // Under the limits both still parse.
    expect((await s.app.http.inject({ method: 'POST', url: '/slack/events', headers: signedHeaders(ssl(), SECRET, { timestamp: Math.floor(s.clock.now() / 1000) }), payload: ssl() })).statusCode).toBe(200);
  });

  it('the playground takes small JSON bodies only', async () => {
    const pg = await PlaygroundApi.open();
    try {
      const before = await prefixContents(pg.store);
      const big = await pg.app.http.inject({ method: 'POST', url: '/playground/command', payload: { as: 'u-cora', text: 'x'.repeat(BODY_LIMITS.default) } });
      expect(big.statusCode).toBe(413);
      expect(await prefixContents(pg.store)).toEqual(before);
      await pg.command('u-cora', '/assess help');
    } finally {
      await pg.close();
    }
  });
});

describe('per-client rate limits', () => {
  const other = { remoteAddress: '198.51.100.7' };

  it('every public route carries its limit; signed routes carry none (their valid requests are never counted)', async () => {
    const limitOf = async (url: string) => (await s.app.http.inject({ method: 'GET', url, remoteAddress: '198.51.100.1' })).headers['x-ratelimit-limit'];
    expect(await limitOf('/healthz')).toBe(String(RATE_LIMITS.ops.max));
    expect(await limitOf('/readyz')).toBe(String(RATE_LIMITS.ops.max));
    expect(await limitOf('/metrics')).toBe(String(RATE_LIMITS.ops.max));
    expect(await limitOf(`/reports/${TEAM_A}/${roundId}/x.y`)).toBe(String(RATE_LIMITS.links.max));
    expect(await limitOf(`/history/${TEAM_A}/${roundId}/x.y/chart.png`)).toBe(String(RATE_LIMITS.links.max));
    expect(await limitOf(`/followup/${TEAM_A}/${roundId}/x.y`)).toBe(String(RATE_LIMITS.links.max));
    expect(await limitOf('/no/such/page')).toBe(String(RATE_LIMITS.notFound.max));
    const signed = await s.app.http.inject({ method: 'POST', url: '/slack/events', remoteAddress: '198.51.100.1', headers: signedHeaders(ssl(), SECRET, { timestamp: Math.floor(s.clock.now() / 1000) }), payload: ssl() });
    expect(signed.statusCode).toBe(200);
    expect(signed.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('signed report links: one client gets 429 past its limit, another client is not affected', async () => {
    const client = { remoteAddress: '203.0.113.10' };
    const url = `/reports/${TEAM_A}/${roundId}/forged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    for (let i = 0; i < RATE_LIMITS.links.max; i++) expect((await s.app.http.inject({ method: 'GET', url, ...client })).statusCode).toBe(403);
    const limited = await s.app.http.inject({ method: 'GET', url, ...client });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await s.app.http.inject({ method: 'GET', url, ...other })).statusCode).toBe(403);
  });

  it('404s and health checks are limited per client too', async () => {
    const client = { remoteAddress: '203.0.113.11' };
    for (let i = 0; i < RATE_LIMITS.notFound.max; i++) await s.app.http.inject({ method: 'GET', url: `/guess/${i}`, ...client });
    expect((await s.app.http.inject({ method: 'GET', url: '/guess/again', ...client })).statusCode).toBe(429);
    for (let i = 0; i < RATE_LIMITS.ops.max; i++) await s.app.http.inject({ method: 'GET', url: '/healthz', ...client });
    expect((await s.app.http.inject({ method: 'GET', url: '/healthz', ...client })).statusCode).toBe(429);
    expect((await s.app.http.inject({ method: 'GET', url: '/healthz', ...other })).statusCode).toBe(200);
  });

  it('Slack: a busy client\'s signed requests are never limited; refused ones are, and then that client waits', async () => {
    const busy = { remoteAddress: '203.0.113.20' };
    const signed = () => ({ headers: signedHeaders(ssl(), SECRET, { timestamp: Math.floor(s.clock.now() / 1000) }), payload: ssl() });
    for (let i = 0; i < RATE_LIMITS.signedRefusals.max + 50; i++) {
      expect((await s.app.http.inject({ method: 'POST', url: '/slack/events', ...busy, ...signed() })).statusCode).toBe(200);
    }
    const forger = { remoteAddress: '203.0.113.21' };
    const before = await prefixContents(s.store);
    const forged = { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': 'v0=00', 'x-slack-request-timestamp': String(Math.floor(s.clock.now() / 1000)) }, payload: ssl() };
    for (let i = 0; i < RATE_LIMITS.signedRefusals.max; i++) {
      expect((await s.app.http.inject({ method: 'POST', url: '/slack/events', ...forger, ...forged })).statusCode).toBe(401);
    }
    expect((await s.app.http.inject({ method: 'POST', url: '/slack/events', ...forger, ...forged })).statusCode).toBe(401);
    expect((await s.app.http.inject({ method: 'POST', url: '/slack/events', ...forger, ...forged })).statusCode).toBe(429);
    // Refused before its body is read, whatever it carries.
    expect((await s.app.http.inject({ method: 'POST', url: '/slack/events', ...forger, ...signed() })).statusCode).toBe(429);
    expect((await s.app.http.inject({ method: 'POST', url: '/slack/events', ...busy, ...signed() })).statusCode).toBe(200);
    expect(await prefixContents(s.store)).toEqual(before);
  });

  it('Teams: unauthenticated activities count against their client in the same way', async () => {
    const forger = { remoteAddress: '203.0.113.30' };
    const activity = { type: 'message', serviceUrl: 'https://attacker.example/', channelId: 'msteams', conversation: { id: CHANNEL }, from: { id: 'x' }, recipient: { id: 'y' } };
    for (let i = 0; i <= RATE_LIMITS.signedRefusals.max; i++) {
      expect((await s.app.http.inject({ method: 'POST', url: '/api/messages', ...forger, payload: activity })).statusCode).toBe(403);
    }
    expect((await s.app.http.inject({ method: 'POST', url: '/api/messages', ...forger, payload: activity })).statusCode).toBe(429);
  });
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('the log scrubber on hostile lines', () => {
  it('a megabyte of secret-looking words is scrubbed in one pass, and the result is exact', () => {
    const words = 'tokensecretpassword'.repeat(60_000);
    // Unterminated, and keys that never end: nothing to redact, nothing lost.
    expect(scrubSecrets(`"${words}`)).toBe(`"${words}`);
    expect(scrubSecrets(`{"${words}":"${words}`)).toBe(`{"${words}":"${words}`);
    // Inside a value, a key-like text is text.
    const inValue = `{"msg":"${'\\"token\\":\\"x\\",'.repeat(50_000)}"}`;
    expect(scrubSecrets(inValue)).toBe(inValue);

    const out = new Capture();
    createLogger('info', out).info({ note: words, 'x-token-y': words, headers: { authorization: `Bearer ${'a'.repeat(100_000)}` } }, 'hostile');
    const line = JSON.parse(out.text) as Record<string, unknown>;
    expect(line.note).toBe(words);
    expect(line['x-token-y']).toBe('[redacted]');
    expect(line.headers).toEqual({ authorization: '[redacted]' });
    expect(line.msg).toBe('hostile');
  });
});
