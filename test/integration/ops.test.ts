// What operations rely on, on a real Redis: /healthz, /readyz (503 naming the store when Redis is
// gone, and back to 200 when it returns), Prometheus metrics, secret redaction in logs, and a
// graceful shutdown that drains requests before closing Redis. Redis runs on deploy/redis/redis.conf
// where the test starts its own redis-server.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { build, type App } from '../../src/app/build.js';
import { createLogger, type Logger } from '../../src/infra/logger.js';
import { ConfigSchema, loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/core/ports.js';
import { RedisStore, createRedisClient } from '../../src/store/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { freePort, hasRedisServer } from '../helpers/ports.js';
import { RecordingMessenger } from '../helpers/recording-messenger.js';
import { COORD, REDIS_URL, dropPrefix, redisStore, settings, testPrefix } from '../helpers/world.js';

const ROOT = join(import.meta.dirname, '../..');
/** Readiness details and /metrics on the public port need METRICS_TOKEN (SECURITY.md, "Operations endpoints"). */
const OPS_TOKEN = 'ops-test-metrics-token';
const OPS_AUTH = { authorization: `Bearer ${OPS_TOKEN}` };

/** Collects what a logger writes, one parsed JSON object per line. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  get lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

const apps: App[] = [];
const stores: RedisStore[] = [];
/** Key prefixes this file wrote on the shared Redis; removed (only they) after each test. */
const prefixes: string[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close(); // closes its store too
  for (const store of stores.splice(0)) await store.close();
  // Over a fresh connection: some tests close or break the one they used.
  for (const prefix of prefixes.splice(0)) {
    const cleaner = await redisStore(prefix);
    await dropPrefix(cleaner);
    await cleaner.close();
  }
  vi.restoreAllMocks();
});

async function appOn(store: RedisStore, opts: { clock?: Clock; logger?: Logger; env?: Record<string, string> } = {}): Promise<App> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PLAYGROUND: 'off',
    ANONYMITY_SECRET: 'ops-test-anonymity-secret',
    METRICS_TOKEN: OPS_TOKEN,
    REDIS_URL,
    REDIS_PREFIX: store.keys.prefix,
    ...opts.env,
  });
  const app = await build(config, { store, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.logger ? { logger: opts.logger } : {}) });
  apps.push(app);
  return app;
}

async function sharedRedisApp(opts: Parameters<typeof appOn>[1] = {}): Promise<{ app: App; store: RedisStore }> {
  const prefix = testPrefix();
  prefixes.push(prefix);
  const store = await redisStore(prefix);
  stores.push(store);
  return { app: await appOn(store, opts), store };
}

interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

describe('health and readiness', () => {
  it('/healthz answers 200 while the process runs', async () => {
    const { app } = await sharedRedisApp();
    const res = await app.http.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it('/readyz answers 200 with the Redis store checked', async () => {
    const { app } = await sharedRedisApp();
    const res = await app.http.inject({ method: 'GET', url: '/readyz', headers: OPS_AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, checks: { store: { ok: true, detail: 'redis' } } });
  });

  it('/readyz answers 503 naming the store once the Redis connection is gone; /healthz stays 200', async () => {
    const { app, store } = await sharedRedisApp();
    store.client.disconnect();
    const res = await app.http.inject({ method: 'GET', url: '/readyz', headers: OPS_AUTH });
    expect(res.statusCode).toBe(503);
    const body = res.json<Readiness>();
    expect(body.ok).toBe(false);
    expect(body.checks.store!.ok).toBe(false);
    expect(body.checks.store!.detail).toMatch(/\S/);
    // Liveness must not follow Redis: restarting every replica would not bring Redis back.
    expect((await app.http.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('/readyz answers 503 when Redis never answered (a closed port)', async () => {
    const store = new RedisStore(createRedisClient('redis://127.0.0.1:1'), { prefix: testPrefix() });
    stores.push(store);
    const app = await appOn(store);
    const res = await app.http.inject({ method: 'GET', url: '/readyz', headers: OPS_AUTH });
    expect(res.statusCode).toBe(503);
    expect(res.json<Readiness>().checks.store).toMatchObject({ ok: false, detail: expect.any(String) });
  });
});

// ---------------------------------------------------------------------------------------------


/** Retries `fn` until it stops throwing; the bound only keeps a broken run from hanging. */
async function eventually<T>(fn: () => Promise<T>, attempts = 150, pauseMs = 100): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}

describe.skipIf(!hasRedisServer)('on a redis-server running deploy/redis/redis.conf', () => {
  let server: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await stopServer();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** The shipped redis.conf verbatim, except `dir` (/data does not exist here); the port and bind come from the command line. */
  function writeConf(): string {
    dir = mkdtempSync(join(tmpdir(), 'assess-ops-redis-'));
    const shipped = readFileSync(join(ROOT, 'deploy/redis/redis.conf'), 'utf8');
    expect(shipped).toMatch(/^dir \/data$/m);
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, shipped.replace(/^dir \/data$/m, `dir ${dir}`));
    return conf;
  }

  function startServer(conf: string, port: number): void {
    server = spawn('redis-server', [conf, '--port', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
  }

  async function stopServer(): Promise<void> {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  it('loads with AOF on, noeviction and FLUSHALL disabled', async () => {
    const port = await freePort();
    startServer(writeConf(), port);
    const redis = await eventually(async () => {
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => {}); // refused while the server starts; connect() reports it
      await client.connect().catch((err: unknown) => {
        client.disconnect();
        throw err;
      });
      return client;
    });
    try {
      expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      await expect(redis.flushall()).rejects.toThrow(/unknown command/i);
    } finally {
      redis.disconnect();
    }
  });

  it('readiness follows Redis down and back up, and acknowledged data survives the crash', async () => {
    const port = await freePort();
    const conf = writeConf();
    startServer(conf, port);
    const url = `redis://127.0.0.1:${port}`;
    const store = await eventually(() => RedisStore.open(url, { prefix: testPrefix(), readyTimeoutMs: 2000 }));
    stores.push(store);
    const clock = new FakeClock(Date.parse('2026-03-02T06:00:00Z'));
    const app = await appOn(store, { clock, env: { REDIS_URL: url } });
    const round = await app.service.startRound({ tenant: 'T_OPS', platform: 'slack', settings: settings(), actor: COORD });
    expect((await app.http.inject({ method: 'GET', url: '/readyz', headers: OPS_AUTH })).statusCode).toBe(200);

    await stopServer(); // SIGKILL: no shutdown save, only what the AOF already holds
    const down = await app.http.inject({ method: 'GET', url: '/readyz', headers: OPS_AUTH });
    expect(down.statusCode).toBe(503);
    expect(down.json<Readiness>().checks.store!.ok).toBe(false);

    startServer(conf, port);
    const back = await eventually(async () => {
      const res = await app.http.inject({ method: 'GET', url: '/readyz', headers: OPS_AUTH });
      if (res.statusCode !== 200) throw new Error(`still ${res.statusCode}`);
      return res.json<Readiness>();
    });
    expect(back.checks.store).toEqual({ ok: true, detail: 'redis' });
    // The same client reconnected, and the round written before the crash was replayed from the AOF.
    expect((await app.store.getRound('T_OPS', round.id))?.id).toBe(round.id);
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * A sample value as Prometheus reads it (Go's ParseFloat): a decimal float, or NaN / Inf / Infinity with an
 * optional sign in any case. prom-client prints `Nan` for a gauge with no sample yet, and Prometheus accepts it.
 */
function parseSampleValue(raw: string): number | null {
  if (/^[+-]?(inf|infinity)$/i.test(raw)) return raw.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(raw)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw)) return Number(raw);
  return null;
}

/** Prometheus text exposition format 0.0.4: # HELP / # TYPE lines, other comments, and `name{labels} value [timestamp]` samples. */
function parseExposition(text: string): { types: Map<string, string>; samples: { name: string; labels: string; value: number }[] } {
  const types = new Map<string, string>();
  const samples: { name: string; labels: string; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)( -?\d+)?$/.exec(line);
    const value = sample ? parseSampleValue(sample[3]!) : null;
    if (!sample || value === null) throw new Error(`not Prometheus text format: ${line}`);
    samples.push({ name: sample[1]!, labels: sample[2] ?? '', value });
  }
  return { types, samples };
}

describe('the exposition parser of these tests', () => {
  it('reads what Prometheus reads, NaN and Inf in any case included, and refuses what it refuses', () => {
    const { samples } = parseExposition(
      ['# HELP a_seconds A gauge.', '# TYPE a_seconds gauge', 'a_seconds Nan', 'a_seconds{k="v"} NaN', 'b +Inf', 'b -inf', 'c 1.5e-3 1700000000000', 'd .5'].join('\n'),
    );
    expect(samples.map((s) => s.value)).toEqual([NaN, NaN, Infinity, -Infinity, 0.0015, 0.5]);
    for (const bad of ['a_seconds', 'a_seconds nope', 'a_seconds 1 2 3', '1a 2']) expect(() => parseExposition(bad), bad).toThrow(/not Prometheus/);
  });
});

describe('/metrics', () => {
  it('serves the assess_* metrics in Prometheus text format, counting the scheduler jobs that ran', async () => {
    const clock = new FakeClock(Date.parse('2026-03-02T06:00:00Z'));
    const { app } = await sharedRedisApp({ clock });
    app.messengers.register('slack', new RecordingMessenger());
    await app.service.startRound({ tenant: 'T_OPS', platform: 'slack', settings: settings(), actor: COORD });
    // A week on: the first weekly digest (Monday 08:00 Stockholm) and the first reminders are due.
    clock.set('2026-03-09T12:00:00Z');
    const ran = await app.scheduler.drain();
    expect(ran.claimed).toBeGreaterThan(0);

    const res = await app.http.inject({ method: 'GET', url: '/metrics', headers: OPS_AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types, samples } = parseExposition(res.body);
    expect(Object.fromEntries([...types].filter(([name]) => name.startsWith('assess_')))).toEqual({
      assess_interactions_total: 'counter',
      assess_votes_total: 'counter',
      assess_platform_api_calls_total: 'counter',
      assess_platform_rate_limited_total: 'counter',
      assess_scheduler_jobs_total: 'counter',
      assess_scheduler_lag_seconds: 'histogram',
    });
    const jobs = samples.filter((s) => s.name === 'assess_scheduler_jobs_total');
    expect(jobs.every((s) => /kind="[a-z-]+"/.test(s.labels) && /outcome="[a-z]+"/.test(s.labels))).toBe(true);
    const counted = jobs.reduce((sum, s) => sum + s.value, 0);
    expect(counted).toBe(ran.done + ran.skipped + ran.failed);
    const lagCount = samples.filter((s) => s.name === 'assess_scheduler_lag_seconds_count').reduce((sum, s) => sum + s.value, 0);
    expect(lagCount).toBe(counted);
    // The process metrics a dashboard expects are there too.
    expect(types.get('process_cpu_seconds_total')).toBe('counter');
  });
});

// ---------------------------------------------------------------------------------------------

describe('logs', () => {
  const SECRETS = {
    botToken: 'xoxb-1111111111-2222222222-abcdefghijklmnopqrstuvwx',
    appToken: 'xapp-1-A0000000000-3333333333-0123456789abcdef',
    signing: 'c0ffee5ecret5igning0000000000000',
    bearer: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJl',
    password: 'Azure~Bot~Client~Secret~42',
    cookie: 'session=s3cr3t-cookie-value',
  };
  const leaked = (text: string) => Object.entries(SECRETS).filter(([, v]) => text.includes(v)).map(([k]) => k);

  it('redact tokens, secrets and authorization headers wherever they sit in a log line', () => {
    const out = new Capture();
    const log = createLogger('info', out);
    log.info({ token: SECRETS.botToken, secret: SECRETS.signing, password: SECRETS.password, team: 'T_OPS' }, 'top level');
    log.info({ slack: { token: SECRETS.botToken, appToken: SECRETS.appToken } }, 'one level down');
    log.info({ req: { headers: { authorization: `Bearer ${SECRETS.bearer}`, 'x-slack-signature': `v0=${SECRETS.signing}`, cookie: SECRETS.cookie } } }, 'request');
    // The shape of a failed Slack Web API call: the HTTP client's error keeps the request config, headers and all.
    const apiError = Object.assign(new Error(`An API error occurred: invalid_auth`), {
      code: 'slack_webapi_platform_error',
      original: { config: { url: 'https://slack.com/api/chat.postMessage', headers: { Authorization: `Bearer ${SECRETS.botToken}` }, data: `token=${SECRETS.botToken}&channel=C1` } },
    });
    log.error({ err: apiError, teamId: 'T_OPS' }, 'chat.postMessage failed');
    log.warn(`retrying with token ${SECRETS.appToken}`);

    expect(leaked(out.text)).toEqual([]);
    const lines = out.lines;
    expect(lines.map((l) => l.msg)).toEqual(['top level', 'one level down', 'request', 'chat.postMessage failed', expect.stringContaining('retrying')]);
    expect(lines[0]).toMatchObject({ team: 'T_OPS' });
    expect(lines[3]).toMatchObject({ teamId: 'T_OPS', err: { message: 'An API error occurred: invalid_auth' } });
    expect(out.text).toContain('[redacted]');
  });

  it('redact every secret variable of the configuration when a config object is logged', () => {
    const secretKeys = Object.keys(ConfigSchema.shape).filter((k) => /SECRET|TOKEN|PASSWORD/.test(k));
    expect(secretKeys.length).toBeGreaterThanOrEqual(7);
    const config: Record<string, string> = {};
    for (const key of secretKeys) config[key] = `value-of-${key}-${testPrefix()}`;
    const out = new Capture();
    createLogger('info', out).info({ config }, 'configuration');
    for (const key of secretKeys) expect(out.text, key).not.toContain(config[key]);
    expect(out.lines[0]!.msg).toBe('configuration');
  });

  it('request logging (LOG_LEVEL=debug) shows the request but none of its credentials', async () => {
    const out = new Capture();
    const { app } = await sharedRedisApp({ logger: createLogger('debug', out), env: { LOG_LEVEL: 'debug' } });
    const res = await app.http.inject({
      method: 'GET',
      url: '/healthz',
      headers: { authorization: `Bearer ${SECRETS.bearer}`, 'x-slack-signature': `v0=${SECRETS.signing}`, cookie: SECRETS.cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(out.text).toContain('/healthz');
    expect(leaked(out.text)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('graceful shutdown', () => {
  it('app.close() stops the scheduler, lets an in-flight request finish on Redis, then closes the server and Redis', async () => {
    const { app, store } = await sharedRedisApp();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const inHandler = new Promise<void>((r) => (reached = r));
    // A request that is still running when shutdown starts, and needs Redis to finish.
    app.http.get('/test/in-flight', async () => {
      reached();
      await released;
      await app.store.ping();
      return { finished: true };
    });
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.http.server.address() as AddressInfo;
    app.scheduler.start();
    const stop = vi.spyOn(app.scheduler, 'stop');
    const closeStore = vi.spyOn(store, 'close');

    const response = fetch(`http://127.0.0.1:${port}/test/in-flight`);
    await inHandler;
    const closing = app.close();
    release();
    const res = await response;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    await expect(closing).resolves.toBeUndefined();
    apps.splice(apps.indexOf(app), 1);
    stores.splice(stores.indexOf(store), 1);

    expect(stop).toHaveBeenCalledTimes(1);
    expect(closeStore).toHaveBeenCalledTimes(1);
    expect(stop.mock.invocationCallOrder[0]!).toBeLessThan(closeStore.mock.invocationCallOrder[0]!);
    expect(app.http.server.listening).toBe(false);
    // quit() resolves on Redis' OK; the socket's end follows.
    if (store.client.status !== 'end') await once(store.client, 'end');
    expect(store.client.status).toBe('end');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
