// Slack test kit: the app built on real Redis, requests signed with a real HMAC, and a fake Slack Web API behind nock.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { build, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config.js';
import type { Store } from '../../src/core/ports.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import { createSlackRegistrar, registerSlack, SlackAdapter, type SlackOptions } from '../../src/platforms/slack/index.js';
import type { Timers } from '../../src/platforms/slack/background.js';
import type { RedisStore } from '../../src/store/index.js';
import { FakeClock } from './fake-clock.js';
import { decodeSlackBody } from './slack-body.js';
import { valueDigest } from './redis-prefix.js';
import { dropPrefix, redisStore } from './world.js';

export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
export const BOT_TOKEN = 'xoxb-17653672481-19874698323-malmoTESTtoken';
export const API_ORIGIN = 'https://slack.test';
export const API_URL = `${API_ORIGIN}/api/`;
export const HOOKS_ORIGIN = 'https://hooks.slack.com';
export const FILES_ORIGIN = 'https://files.slack.test';
export const TEAM = 'T0MALMO';
export const CHANNEL = 'C0MANGFALD';
export const BOT_USER = 'U0ASSESSBOT';
/** Monday 12 January 2026, 08:30 in Stockholm. */
export const START_TIME = '2026-01-12T07:30:00Z';

const FIXTURES = join(import.meta.dirname, '../fixtures/slack');

/** A fixture from test/fixtures/slack, deep-copied so a test can change it freely. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as T;
}

export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: API_URL,
    PUBLIC_URL: 'https://assess.malmo.example',
    ANONYMITY_SECRET: 'slack-test-anonymity-secret',
    DEFAULT_LOCALE: 'sv',
    DEFAULT_TIMEZONE: 'Europe/Stockholm',
    LOG_LEVEL: 'silent',
    PLAYGROUND: 'off',
    // A vote rides out a store outage for this long before "try again" (20 s in production; the fault suite uses that).
    STORE_RETRY_SECONDS: '1',
    ...env,
  });
}

/** Timers that only fire when the test says so: coalescing is checked without waiting on the wall clock. */
export class ManualTimers implements Timers {
  private next = 1;
  private readonly pending = new Map<number, () => void>();

  setTimeout(fn: () => void): unknown {
    const id = this.next++;
    this.pending.set(id, fn);
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Fires everything pending now (not what those callbacks schedule). */
  fireAll(): number {
    const due = [...this.pending.entries()];
    this.pending.clear();
    for (const [, fn] of due) fn();
    return due.length;
  }
}

export interface FakeUser {
  id: string;
  name: string;
  tz?: string;
  locale?: string;
  isBot?: boolean;
}

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

type Reply = [number, unknown, Record<string, string>?];

/** A body nock handed us (form string or parsed JSON), with Slack's JSON-in-form fields decoded. */
export function decodeBody(raw: unknown): Record<string, unknown> {
  return decodeSlackBody(raw);
}

/**
 * A small fake of the Slack Web API (and response_url, and the file upload host) on nock: it answers
 * like Slack does, records every call, and can be told to fail the next call of a method.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: { url: string; body: Record<string, unknown> }[] = [];
  readonly uploads: string[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, { members: string[]; botIsMember: boolean }>();
  private readonly failures = new Map<string, Reply[]>();
  private seq = 0;
  private readonly baseTs: number;
  /** Page size for conversations.members, small so pagination is exercised. */
  membersPageSize = 3;
  oauthAccess: unknown = null;

  constructor(clock: { now(): number }) {
    this.baseTs = Math.floor(clock.now() / 1000);
  }

  addUser(u: FakeUser): this {
    this.users.set(u.id, u);
    return this;
  }

  addChannel(id: string, members: string[], botIsMember = true): this {
    this.channels.set(id, { members, botIsMember });
    return this;
  }

  /** The next call(s) of `method` get these answers instead (e.g. a 429 with Retry-After). */
  failNext(method: string, ...replies: Reply[]): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...replies]);
    return this;
  }

  private handle(uri: string, body: unknown, auth: string | string[] | undefined): Reply {
    const method = uri.replace(/^\/api\//, '');
    const decoded = decodeBody(body);
    this.calls.push({ method, body: decoded, authorization: Array.isArray(auth) ? auth[0] : auth });
    const failure = this.failures.get(method)?.shift();
    if (failure) return failure;
    return [200, this.answer(method, decoded), { 'content-type': 'application/json' }];
  }

  install(): this {
    const handle = (uri: string, body: unknown, auth: string | string[] | undefined) => this.handle(uri, body, auth);
    nock(API_ORIGIN)
      .persist()
      .post(/^\/api\/[\w.]+$/)
      .reply(function (uri, body) {
        return handle(uri, body, this.req.headers.authorization);
      });
    nock(HOOKS_ORIGIN)
      .persist()
      .post(/.*/)
      .reply((uri, body) => {
        this.responses.push({ url: `${HOOKS_ORIGIN}${uri}`, body: decodeBody(body) });
        return [200, 'ok'];
      });
    nock(FILES_ORIGIN)
      .persist()
      .post(/.*/)
      .reply((uri) => {
        this.uploads.push(uri);
        return [200, 'OK - 1024'];
      });
    return this;
  }

  private nextTs(): string {
    this.seq += 1;
    return `${this.baseTs}.${String(this.seq).padStart(6, '0')}`;
  }

  private answer(method: string, b: Record<string, unknown>): unknown {
    const channel = String(b.channel ?? '');
    switch (method) {
      case 'chat.postMessage': {
        const ts = this.nextTs();
        const ch = /^U/.test(channel) ? `D${channel.slice(1)}` : channel;
        return { ok: true, channel: ch, ts, message: { type: 'message', text: b.text, user: BOT_USER, ts, blocks: b.blocks } };
      }
      case 'chat.update':
        return { ok: true, channel, ts: b.ts, text: b.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink':
        return { ok: true, channel, permalink: `https://malmo-stad.slack.com/archives/${channel}/p${String(b.message_ts).replace('.', '')}` };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: 'V0FAKEVIEW', ...(b.view as object) } };
      case 'users.info': {
        const u = this.users.get(String(b.user));
        if (!u) return { ok: false, error: 'user_not_found' };
        const template = fixture<{ ok: boolean; user: Record<string, unknown> }>('users-info');
        return {
          ...template,
          user: {
            ...template.user,
            id: u.id,
            name: u.name.toLowerCase().replace(/\s+/g, '.'),
            real_name: u.name,
            tz: u.tz ?? 'Europe/Stockholm',
            locale: u.locale ?? 'sv-SE',
            is_bot: Boolean(u.isBot),
            profile: { ...(template.user.profile as object), real_name: u.name, display_name: u.name },
          },
        };
      }
      case 'conversations.members': {
        const ch = this.channels.get(channel);
        if (!ch) return { ok: false, error: 'channel_not_found' };
        const start = b.cursor ? Number(Buffer.from(String(b.cursor), 'base64').toString().replace('offset:', '')) : 0;
        const page = ch.members.slice(start, start + this.membersPageSize);
        const next = start + this.membersPageSize < ch.members.length ? Buffer.from(`offset:${start + this.membersPageSize}`).toString('base64') : '';
        return { ok: true, members: page, response_metadata: { next_cursor: next } };
      }
      case 'conversations.info': {
        const ch = this.channels.get(channel);
        if (!ch || !ch.botIsMember) return ch ? { ok: true, channel: { id: channel, name: channel.toLowerCase(), is_member: false } } : { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: { id: channel, name: 'mangfald-utvardering', is_channel: true, is_member: true } };
      }
      case 'files.getUploadURLExternal':
        return { ok: true, upload_url: `${FILES_ORIGIN}/upload/v1/CwABAAAAW1Z4`, file_id: 'F0CHART0001' };
      case 'files.completeUploadExternal':
        return { ok: true, files: [{ id: 'F0CHART0001', title: b.files }] };
      case 'oauth.v2.access':
        return this.oauthAccess ?? { ok: false, error: 'invalid_code' };
      case 'auth.test':
        return { ok: true, url: 'https://lund.slack.com/', team: 'Lunds kommun', user: 'assess', team_id: 'T0LUND', user_id: BOT_USER, bot_id: 'B0ASSESSBOT' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages posted to one channel or DM (a user id), in order. */
  postsTo(channel: string): RecordedCall[] {
    return this.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);
  }

  clear(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.uploads.length = 0;
  }
}

/** A store that can be switched off: every call then fails the way an unreachable Redis does. */
export function switchableStore(inner: Store): { store: Store; down: (on: boolean) => void } {
  let isDown = false;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (isDown && prop !== 'close' && prop !== 'roundTrips') return Promise.reject(new StoreUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:6379')));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, down: (on) => void (isDown = on) };
}

/** Every key under this app's Redis prefix with a digest of its value: "nothing stored" means this does not change. */
export async function prefixContents(t: SlackTestApp): Promise<Record<string, string>> {
  const client = t.store.client;
  const out: Record<string, string> = {};
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${t.store.keys.prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      out[key] = await valueDigest(client, key);
    }
  } while (cursor !== '0');
  return out;
}

/** The Slack signature over the exact bytes: `v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>`. */
export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackTestApp {
  app: App;
  adapter: SlackAdapter;
  store: RedisStore;
  clock: FakeClock;
  slack: FakeSlack;
  timers: ManualTimers;
  close(): Promise<void>;
}

/** Builds the whole app with the Slack adapter on a fresh Redis prefix; nothing leaves the machine. */
export async function startSlackApp(
  opts: {
    env?: Record<string, string>;
    slack?: SlackOptions;
    /** Wraps the Redis store (e.g. to simulate an outage). */
    wrapStore?: (store: RedisStore) => Store;
    clock?: FakeClock;
    /** False: no fake Slack; the test sets up its own nock scopes. */
    fake?: boolean;
    /** Use the exported `registerSlack` as main.ts does (real pacing and timers) instead of test options. */
    productionRegistrar?: boolean;
  } = {},
): Promise<SlackTestApp> {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const clock = opts.clock ?? new FakeClock(Date.parse(START_TIME));
  const redis = await redisStore();
  const timers = new ManualTimers();
  const slack = new FakeSlack(clock);
  if (opts.fake !== false) slack.install();
  const registrar = opts.productionRegistrar ? registerSlack : createSlackRegistrar({
    postIntervalMs: 0,
    coalesceMs: 1000,
    timers,
    now: () => clock.now(),
    retryConfig: { retries: 2, factor: 1, minTimeout: 0, maxTimeout: 5 },
    chart: false,
    ...opts.slack,
  });
  const app = await build(testConfig(opts.env), { adapters: [registrar], store: opts.wrapStore ? opts.wrapStore(redis) : redis, clock });
  const adapter = app.adapters.find((a) => a.name === 'slack');
  if (!(adapter instanceof SlackAdapter)) throw new Error('the Slack adapter did not start');
  await app.http.ready();
  return {
    app,
    adapter,
    store: redis,
    clock,
    slack,
    timers,
    async close() {
      await app.close().catch(() => undefined);
      if (opts.wrapStore) await redis.close().catch(() => undefined);
      // The app closed its store; a fresh connection removes our prefix (and only ours).
      const cleaner = await redisStore(redis.keys.prefix);
      await dropPrefix(cleaner);
      await cleaner.close();
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

export interface SendOptions {
  timestamp?: number;
  secret?: string;
  retryNum?: number;
  signature?: string;
}

async function send(t: SlackTestApp, body: string, contentType: string, opts: SendOptions = {}) {
  const ts = opts.timestamp ?? Math.floor(t.clock.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': opts.signature ?? sign(body, ts, opts.secret),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const res = await t.app.http.inject({ method: 'POST', url: '/slack/events', headers, payload: body });
  return res;
}

/** A slash command, form-encoded as Slack sends it. */
export async function sendCommand(t: SlackTestApp, fields: Record<string, string>, opts?: SendOptions) {
  const body = new URLSearchParams({ ...fixture<Record<string, string>>('slash-command'), ...fields }).toString();
  return send(t, body, 'application/x-www-form-urlencoded', opts);
}

/** An interaction (block_actions, view_submission): the JSON in a `payload` form field. */
export async function sendInteraction(t: SlackTestApp, payload: unknown, opts?: SendOptions) {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return send(t, body, 'application/x-www-form-urlencoded', opts);
}

/** An Events API callback, JSON as Slack sends it. */
export async function sendEvent(t: SlackTestApp, envelope: unknown, opts?: SendOptions) {
  return send(t, JSON.stringify(envelope), 'application/json', opts);
}

/** A vote click on a card, as Slack would send it. */
export function votePayload(opts: { user: string; roundId: string; factorId: string; level: string; actionTs?: string }) {
  const p = fixture<Record<string, unknown> & { actions: Record<string, unknown>[]; user: Record<string, unknown> }>('block-actions-vote');
  p.user = { ...p.user, id: opts.user, username: opts.user.toLowerCase(), name: opts.user.toLowerCase() };
  p.actions = [
    {
      ...p.actions[0],
      action_id: `vote:${opts.level}`,
      value: JSON.stringify({ r: opts.roundId, f: opts.factorId, l: opts.level }),
      action_ts: opts.actionTs ?? `${Math.floor(Date.parse(START_TIME) / 1000)}.${Math.floor(Math.random() * 1e6)}`,
    },
  ];
  return p;
}

/** A click on a card's other buttons (answer, examples). */
export function buttonPayload(opts: { user: string; roundId: string; factorId: string; actionId: string }) {
  const p = votePayload({ ...opts, level: 'partly' });
  p.actions = [{ ...p.actions[0], action_id: opts.actionId, block_id: 'more', value: JSON.stringify({ r: opts.roundId, f: opts.factorId }) }];
  return p;
}

type Json = Record<string, unknown>;

/**
 * What Slack submits for a modal whose fields were left at their initial values, with some changed:
 * the view's own blocks turned into `state.values`, as the client would.
 */
export function submittedValues(view: Json, changes: Record<string, Json> = {}): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  for (const block of view.blocks as Json[]) {
    if (block.type !== 'input') continue;
    const el = block.element as Json;
    const id = String(block.block_id);
    let state: Json;
    switch (el.type) {
      case 'plain_text_input':
      case 'number_input':
        state = { type: el.type, value: el.initial_value ?? null };
        break;
      case 'static_select':
      case 'radio_buttons':
        state = { type: el.type, selected_option: el.initial_option ?? null };
        break;
      case 'checkboxes':
        state = { type: el.type, selected_options: el.initial_options ?? [] };
        break;
      case 'conversations_select':
        state = { type: el.type, selected_conversation: el.initial_conversation ?? null };
        break;
      case 'multi_users_select':
        state = { type: el.type, selected_users: el.initial_users ?? [] };
        break;
      case 'datepicker':
        state = { type: el.type, selected_date: el.initial_date ?? null };
        break;
      case 'timepicker':
        state = { type: el.type, selected_time: el.initial_time ?? null };
        break;
      default:
        state = { type: String(el.type) };
    }
    values[id] = { [String(el.action_id)]: { ...state, ...(changes[id] ?? {}) } };
  }
  return values;
}

/** A view_submission for a modal we opened (its callback id and private_metadata) with the given values. */
export function submission(fixtureName: 'view-submission-start' | 'view-submission-answer', view: Json, values: Record<string, Record<string, Json>>, user?: string) {
  const p = fixture<Json & { view: Json; user: Json }>(fixtureName);
  p.view = { ...p.view, blocks: view.blocks, callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values } };
  if (user) p.user = { ...p.user, id: user, username: user.toLowerCase(), name: user.toLowerCase() };
  return p;
}

/** Every mrkdwn text a payload would show (message text, mrkdwn text objects), for escaping checks. */
export function mrkdwnTexts(payload: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown, key?: string, parent?: Json): void => {
    if (typeof v === 'string') {
      if (key === 'text' && (parent?.type === 'mrkdwn' || parent?.type === undefined)) out.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => visit(x));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) visit(x, k, v as Json);
  };
  visit(payload);
  return out;
}
