// Issue #14, item 4: nothing runs open by accident. Teams is unauthenticated only under an explicit TEAMS_AUTH=off (never
// in production), the bot calls only Bot Framework hosts, the playground never sits next to real credentials, and an
// allowlist can close Teams to other tenants. Every refusal stores nothing.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultAdapters } from '../../src/app/adapters.js';
import { build } from '../../src/app/build.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/infra/logger.js';
import { Background } from '../../src/platforms/slack/background.js';
import { FastifyReceiver } from '../../src/platforms/slack/fastify-receiver.js';
import { registerTeams } from '../../src/platforms/teams/index.js';
import { REFERENCE_COLLECTION } from '../../src/platforms/teams/references.js';
import { isAllowedServiceUrl } from '../../src/platforms/teams/service-url.js';
import { BOT, CHANNEL, PEOPLE, SERVICE_URL, TENANT, cardAction, channelMessage } from '../fixtures/teams/activities.js';
import { fakeConnector, startApp, type Harness } from '../fixtures/teams/harness.js';
import { dropPrefix, redisStore, settings } from '../helpers/world.js';
import { prefixContents } from './harness.js';

const ROOT = join(import.meta.dirname, '../..');
const ATTACKER = 'https://attacker.example';
const APP_ID = '9b2d6a54-app0-4000-8000-00000000b07a';

function refused(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
});

afterEach(() => {
  nock.cleanAll();
});

afterAll(() => {
  nock.enableNetConnect();
});

describe('the configuration refuses what would run open', () => {
  it.each([
    ['a Teams password without its app id (the app id did not mount)', { MICROSOFT_APP_PASSWORD: 'azure-client-secret' }, 'MICROSOFT_APP_ID'],
    ['a tenant id without the app id', { MICROSOFT_APP_TENANT_ID: TENANT }, 'MICROSOFT_APP_ID'],
    ['TEAMS_AUTH=on without an app id', { TEAMS_AUTH: 'on' }, 'MICROSOFT_APP_ID'],
    ['TEAMS_AUTH=off next to real credentials', { TEAMS_AUTH: 'off', MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'azure-client-secret' }, 'TEAMS_AUTH'],
    ['TEAMS_AUTH spelt any other way than exactly "off"', { TEAMS_AUTH: 'OFF' }, 'TEAMS_AUTH'],
    ['TEAMS_AUTH=false', { TEAMS_AUTH: 'false' }, 'TEAMS_AUTH'],
    ['TEAMS_AUTH=off in production', { TEAMS_AUTH: 'off', NODE_ENV: 'production' }, 'TEAMS_AUTH'],
    ['PLAYGROUND=on next to a Slack workspace', { PLAYGROUND: 'on', SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'signing-secret-0123456789' }, 'PLAYGROUND'],
    ['PLAYGROUND=on next to a Slack signing secret alone', { PLAYGROUND: 'on', SLACK_SIGNING_SECRET: 'signing-secret-0123456789' }, 'PLAYGROUND'],
    ['PLAYGROUND=on next to Teams', { PLAYGROUND: 'on', MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'azure-client-secret' }, 'PLAYGROUND'],
    ['a tenant allowlist without Teams', { MICROSOFT_ALLOWED_TENANTS: TENANT }, 'MICROSOFT_ALLOWED_TENANTS'],
  ])('%s', (_what, env, variable) => {
    const e = refused(env);
    expect(e.variables).toEqual([variable]);
    expect(e.message).toContain(variable);
  });

  it('accepts the Emulator set-up outside production, and the documented production set-ups', () => {
    expect(loadConfig({ TEAMS_AUTH: 'off' }).TEAMS_AUTH).toBe('off');
    expect(loadConfig({ TEAMS_AUTH: 'off', NODE_ENV: 'development', PLAYGROUND: 'on' }).PLAYGROUND).toBe('on');
    const teams = loadConfig({ NODE_ENV: 'production', MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'azure-client-secret', MICROSOFT_ALLOWED_TENANTS: `${TENANT}, other-tenant-id` });
    expect(teams.MICROSOFT_ALLOWED_TENANTS).toEqual([TENANT, 'other-tenant-id']);
  });
});

/** Runs `assess-bot start` as a real process; its exit code and what it wrote to stderr (null if it kept running). */
function startProcess(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'start'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A process that starts instead of refusing is stopped; the bound only keeps a broken run from hanging. A refusal
    // takes about a second of CPU, but on a loaded 2-core CI machine three of them at once took over 15 s of wall time.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stderr });
    });
  });
}

describe('Slack without a signing secret', () => {
  it('the receiver refuses to exist: an empty key would verify any forged signature', async () => {
    const store = await redisStore();
    const app = await build(loadConfig({ LOG_LEVEL: 'silent', PLAYGROUND: 'off', ANONYMITY_SECRET: 'fail-closed-test-secret' }), { store });
    try {
      const make = () =>
        new FastifyReceiver({ http: app.http, path: '/slack/events', signingSecret: '', now: () => Date.now(), logger: createLogger('silent'), background: new Background(() => undefined) });
      expect(make).toThrow(/SLACK_SIGNING_SECRET/);
      expect((await app.http.inject({ method: 'POST', url: '/slack/events', payload: 'ssl_check=1' })).statusCode).toBe(404);
    } finally {
      await dropPrefix(store);
      await app.close();
    }
  });
});

describe('the real process refuses to start, naming the variable', () => {
  it('exits 78 for a Teams password without app id, for TEAMS_AUTH=off in production, and for the playground next to Slack', async () => {
    const [teams, production, playground] = await Promise.all([
      startProcess({ MICROSOFT_APP_PASSWORD: 'azure-client-secret' }),
      startProcess({ TEAMS_AUTH: 'off', NODE_ENV: 'production' }),
      startProcess({ PLAYGROUND: 'on', SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'signing-secret-0123456789' }),
    ]);
    expect(teams.code).toBe(78);
    expect(teams.stderr).toContain('MICROSOFT_APP_ID');
    expect(production.code).toBe(78);
    expect(production.stderr).toContain('TEAMS_AUTH');
    expect(playground.code).toBe(78);
    expect(playground.stderr).toContain('PLAYGROUND');
  }, 90_000);
});

describe('a deployment whose Teams credentials are missing', () => {
  it('exposes no Teams endpoint: an unsigned activity gets 404 and stores nothing, and readiness lists no Teams', async () => {
    const store = await redisStore();
    const config = loadConfig({ LOG_LEVEL: 'silent', PLAYGROUND: 'off', ANONYMITY_SECRET: 'fail-closed-test-secret', METRICS_TOKEN: 'fail-closed-metrics-token' });
    const app = await build(config, { store, adapters: defaultAdapters(config) });
    try {
      const connector = nock(SERVICE_URL.replace(/\/emea\/$/, '')).persist().post(/.*/).reply(200, { id: 'x' });
      const before = await prefixContents(store);
      const res = await app.http.inject({ method: 'POST', url: '/api/messages', payload: channelMessage(PEOPLE.anna, 'assess help') });
      expect(res.statusCode).toBe(404);
      expect(connector.isDone()).toBe(false);
      expect(await prefixContents(store)).toEqual(before);
      const ready = await app.http.inject({ method: 'GET', url: '/readyz', headers: { authorization: 'Bearer fail-closed-metrics-token' } });
      expect(Object.keys((ready.json() as { checks: Record<string, unknown> }).checks)).toEqual(['store']);
    } finally {
      await dropPrefix(store);
      await app.close();
    }
  });

  it('wiring the Teams adapter without an app id or TEAMS_AUTH=off refuses to build, naming MICROSOFT_APP_ID', async () => {
    const store = await redisStore();
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent', PLAYGROUND: 'off', ANONYMITY_SECRET: 'fail-closed-test-secret' });
      const err = await build(config, { store, adapters: [registerTeams] }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variables).toEqual(['MICROSOFT_APP_ID']);
    } finally {
      await dropPrefix(store);
      await store.close();
    }
  });
});

describe('Bot Connector calls go only to the Bot Framework', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startApp({ env: { METRICS_TOKEN: 'fail-closed-metrics-token' } });
  });

  afterAll(async () => {
    await dropPrefix(h.store);
    await h.app.close();
  });

  it('under TEAMS_AUTH=off, readiness says that Teams runs without authentication', async () => {
    const res = await h.app.http.inject({ method: 'GET', url: '/readyz', headers: { authorization: 'Bearer fail-closed-metrics-token' } });
    expect((res.json() as { checks: { teams: { detail: string } } }).checks.teams.detail).toContain('TEAMS_AUTH=off');
  });

  it('an activity naming another serviceUrl is refused (403) before any turn runs: no call goes out, nothing is stored', async () => {
    const attacker = nock(ATTACKER).persist().post(/.*/).reply(200, { id: 'stolen' }).put(/.*/).reply(200, {});
    const before = await prefixContents(h.store);
    for (const serviceUrl of [`${ATTACKER}/`, 'https://smba.trafficmanager.net.attacker.example/emea/', 'http://smba.trafficmanager.net/emea/', 'https://evil.trafficmanager.net/']) {
      const res = await h.post({ ...channelMessage(PEOPLE.anna, 'assess help'), serviceUrl });
      expect(res.status, serviceUrl).toBe(403);
      const invoke = await h.post({ ...cardAction(PEOPLE.anna, 'refresh', { r: 'x', f: 'f01' }), serviceUrl });
      expect(invoke.status, serviceUrl).toBe(403);
    }
    expect(attacker.isDone()).toBe(false);
    expect(await prefixContents(h.store)).toEqual(before);
    // The real host still works.
    const connector = fakeConnector();
    expect((await h.post(channelMessage(PEOPLE.anna, 'assess help'))).status).toBe(200);
    expect(connector.posts('/activities')).toHaveLength(1);
  });

  it('a stored reference pointing elsewhere is never sent to: the channel is marked dead and the 1:1 chat is not opened', async () => {
    const attacker = nock(ATTACKER).persist().post(/.*/).reply(200, { id: 'stolen' }).put(/.*/).reply(200, {});
    const round = await h.app.service.startRound({
      tenant: TENANT,
      platform: 'teams',
      settings: settings({ channelId: CHANNEL, participants: [PEOPLE.cora.id, PEOPLE.anna.id], startDate: '2026-03-02', closeDate: '2026-04-13' }),
      actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
    });
    const ref = { serviceUrl: `${ATTACKER}/`, channelId: 'msteams', conversation: { id: CHANNEL, isGroup: true }, bot: { id: BOT, name: 'Assess' } };
    await h.store.putRecord(REFERENCE_COLLECTION, `conv|${TENANT}|${CHANNEL}`, { kind: 'conversation', tenant: TENANT, key: CHANNEL, ref, savedAt: '2026-03-02T08:00:00Z' });
    await h.store.putRecord(REFERENCE_COLLECTION, `user|${TENANT}|${PEOPLE.anna.id}`, { kind: 'user', tenant: TENANT, userId: PEOPLE.anna.id, serviceUrl: `${ATTACKER}/`, botId: BOT, channelId: 'msteams', savedAt: '2026-03-02T08:00:00Z' });

    await h.teams.messenger.postFactorCard(round, 'f01');
    expect(await h.teams.messenger.toPerson(round, PEOPLE.anna.id, { type: 'message', text: 'reminder' })).toBe(false);
    expect(attacker.isDone()).toBe(false);
    expect(attacker.pendingMocks().length).toBeGreaterThan(0);
    expect((await h.teams.refs.conversation(TENANT, CHANNEL))?.dead).toBe(true);
    expect((await h.teams.refs.user(TENANT, PEOPLE.anna.id))?.dead).toBe(true);
  });

  it('the allowed hosts: Teams public, GCC, GCC High and DoD, the Bot Framework; localhost only for the Emulator', () => {
    const allowed = [
      'https://smba.trafficmanager.net/emea/',
      'https://smba.trafficmanager.net/teams/',
      'https://smba.infra.gcc.teams.microsoft.com/teams',
      'https://smba.infra.gov.teams.microsoft.us/teams',
      'https://smba.infra.dod.teams.microsoft.us/teams',
      'https://directline.botframework.com/',
      'https://europe.webchat.botframework.com/',
    ];
    for (const url of allowed) expect(isAllowedServiceUrl(url, { allowLoopback: false }), url).toBe(true);
    const refusedUrls = [
      'http://smba.trafficmanager.net/emea/',
      'https://smba.trafficmanager.net:8443/emea/',
      'https://user:pw@smba.trafficmanager.net/emea/',
      'https://smba.trafficmanager.net.attacker.example/',
      'https://attacker.trafficmanager.net/',
      'https://botframework.com.attacker.example/',
      'https://attackerbotframework.com/',
      'http://localhost:3978/',
      'http://127.0.0.1:9000/',
      'file:///etc/passwd',
      'not a url',
      '',
    ];
    for (const url of refusedUrls) expect(isAllowedServiceUrl(url, { allowLoopback: false }), url).toBe(false);
    expect(isAllowedServiceUrl('http://localhost:50123/', { allowLoopback: true })).toBe(true);
    expect(isAllowedServiceUrl('http://[::1]:50123/', { allowLoopback: true })).toBe(true);
    expect(isAllowedServiceUrl(42, { allowLoopback: true })).toBe(false);
  });
});

describe('MICROSOFT_ALLOWED_TENANTS', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startApp({ env: { MICROSOFT_ALLOWED_TENANTS: `${TENANT},another-allowed-tenant` } });
  });

  afterAll(async () => {
    await dropPrefix(h.store);
    await h.app.close();
  });

  it('an activity from another tenant (or naming none) gets 403 and stores nothing; an allowed one is served', async () => {
    const connector = fakeConnector();
    const before = await prefixContents(h.store);
    const other = channelMessage(PEOPLE.anna, 'assess help');
    const outsider = { ...other, channelData: { ...(other.channelData as object), tenant: { id: 'outsider-tenant' } }, conversation: { ...(other.conversation as object), tenantId: 'outsider-tenant' } };
    expect((await h.post(outsider)).status).toBe(403);
    const { channelData: _cd, ...rest } = other;
    expect((await h.post({ ...rest, conversation: { id: (other.conversation as { id: string }).id } })).status).toBe(403);
    expect(connector.calls).toHaveLength(0);
    expect(await prefixContents(h.store)).toEqual(before);

    expect((await h.post(channelMessage(PEOPLE.anna, 'assess help'))).status).toBe(200);
    expect(connector.posts('/activities')).toHaveLength(1);
  });
});
