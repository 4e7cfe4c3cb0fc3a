// A local fake of the Slack Web API (and of response_url) on 127.0.0.1, reached through SLACK_API_URL: it answers like
// Slack, counts every call, and can be told to fail, delay or hold calls. Benchmarks and the fault suite count on it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { decodeSlackBody } from '../test/helpers/slack-body.js';

export interface FakeCall {
  method: string;
  body: Record<string, unknown>;
  /** The Authorization header: which token made the call (the bot's, or Socket Mode's app-level token). */
  authorization?: string;
  /** HTTP status we answered with; undefined while held or when the caller went away first. */
  status?: number;
  /** True when we answered 200 with `ok: true`: the call took effect, as far as the caller can know. */
  ok: boolean;
  /** The caller closed the connection before we answered (e.g. the bot process was killed). */
  aborted: boolean;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeSlackStats {
  /** Calls received, per Web API method. */
  received: Record<string, number>;
  /** Calls answered with ok: true, per method. */
  ok: Record<string, number>;
  /** chat.update per message ts: how many, and the last body (blocks and text). */
  updates: Record<string, { count: number; last: Record<string, unknown> }>;
  responseUrlPosts: number;
}

export interface FakeSlackOptions {
  port?: number;
  /** Keep every call with its body (tests). Off for load runs: only counts and each card's last edit are kept. */
  keepCalls?: boolean;
}

type Json = Record<string, unknown>;

export class FakeSlackApi {
  readonly calls: FakeCall[] = [];
  readonly responses: { path: string; body: Json }[] = [];
  readonly users = new Map<string, { name: string; locale?: string; tz?: string; isAdmin?: boolean; isOwner?: boolean }>();
  readonly channels = new Map<string, string[]>();
  /** Milliseconds to wait before answering a method. */
  readonly delays = new Map<string, number>();
  /** Calls for which this returns true wait until `release()`. */
  hold: ((call: FakeCall) => boolean) | null = null;
  /** A failure for the calls this picks (after `failNext`'s queue): e.g. only direct messages, only the second one. */
  failIf: ((call: FakeCall) => FakeReply | null) | null = null;
  /** Answers for methods this fake does not know itself (e.g. Socket Mode's apps.connections.open, see test/helpers). */
  readonly handlers = new Map<string, (call: FakeCall) => Json>();
  private readonly held: (() => void)[] = [];
  private readonly failures = new Map<string, FakeReply[]>();
  private readonly received = new Map<string, number>();
  private readonly okCounts = new Map<string, number>();
  private readonly updates = new Map<string, { count: number; last: Json }>();
  private responseUrlPosts = 0;
  private seq = 0;
  private readonly baseTs = Math.floor(Date.now() / 1000);
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly keepCalls: boolean,
  ) {}

  /** The value for SLACK_API_URL. */
  get url(): string {
    return `${this.origin}/api/`;
  }

  /** A response_url that lands here. */
  responseUrl(id = 'T0/1/x'): string {
    return `${this.origin}/hooks/actions/${id}`;
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlackApi> {
    const holder: { fake?: FakeSlackApi } = {};
    const server = createServer((req, res) => void holder.fake!.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
    });
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeSlackApi(server, `http://127.0.0.1:${port}`, opts.keepCalls ?? true);
    return holder.fake;
  }

  addUser(id: string, name: string, extra: { locale?: string; tz?: string; isAdmin?: boolean; isOwner?: boolean } = {}): this {
    this.users.set(id, { name, ...extra });
    return this;
  }

  addChannel(id: string, members: string[]): this {
    this.channels.set(id, members);
    return this;
  }

  /** The next call(s) of `method` get these answers instead (a 429 with Retry-After, a 503 …). */
  failNext(method: string, ...replies: FakeReply[]): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...replies]);
    return this;
  }

  /** Lets every held call go on. */
  release(): void {
    for (const go of this.held.splice(0)) go();
  }

  get heldCount(): number {
    return this.held.length;
  }

  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Calls of `method` that Slack answered with ok (delivered, as far as the caller can know). */
  delivered(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method && c.ok);
  }

  /** Direct messages: chat.postMessage to a user id, answered ok. */
  dms(): FakeCall[] {
    return this.delivered('chat.postMessage').filter((c) => /^U/.test(String(c.body.channel)));
  }

  stats(): FakeSlackStats {
    return {
      received: Object.fromEntries(this.received),
      ok: Object.fromEntries(this.okCounts),
      updates: Object.fromEntries(this.updates),
      responseUrlPosts: this.responseUrlPosts,
    };
  }

  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.received.clear();
    this.okCounts.clear();
    this.updates.clear();
    this.responseUrlPosts = 0;
    this.failures.clear();
  }

  /** Resolves once `test` holds after some call (checked after every call; no polling of the clock). */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  private notify(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (w.test()) w.resolve();
      else this.waiters.push(w);
    }
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0]!;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
      res.end(text);
    };
    if (path.startsWith('/_fake/')) return this.control(path, raw, send);
    if (path.startsWith('/hooks/')) {
      this.responseUrlPosts += 1;
      if (this.keepCalls) this.responses.push({ path, body: decodeSlackBody(raw, req.headers['content-type']) });
      send(200, 'ok');
      this.notify();
      return;
    }
    const m = /^\/api\/([\w.]+)$/.exec(path);
    if (!m) return send(404, { ok: false, error: 'unknown_url' });
    const method = m[1]!;
    const body = decodeSlackBody(raw, req.headers['content-type']);
    const auth = req.headers.authorization;
    const call: FakeCall = { method, body, ok: false, aborted: false, ...(auth ? { authorization: auth } : {}) };
    this.received.set(method, (this.received.get(method) ?? 0) + 1);
    if (this.keepCalls) this.calls.push(call);
    // A caller that dies while we wait (a killed bot) never got an answer: the call did not happen for it.
    res.once('close', () => {
      if (res.writableEnded) return;
      call.aborted = true;
      this.notify();
    });
    if (this.hold?.(call)) {
      const released = new Promise<void>((resolve) => this.held.push(resolve));
      this.notify();
      await released;
    }
    const delay = this.delays.get(method) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (call.aborted || res.destroyed) return;
    const failure = this.failures.get(method)?.shift() ?? this.failIf?.(call) ?? undefined;
    if (failure) {
      call.status = failure.status;
      send(failure.status, failure.body ?? { ok: false, error: 'fake_failure' }, failure.headers);
      this.notify();
      return;
    }
    const answer = this.handlers.get(method)?.(call) ?? this.answer(method, body);
    call.status = 200;
    call.ok = answer.ok === true;
    if (call.ok) this.okCounts.set(method, (this.okCounts.get(method) ?? 0) + 1);
    if (method === 'chat.update' && call.ok) {
      const key = String(body.ts);
      const prev = this.updates.get(key);
      this.updates.set(key, { count: (prev?.count ?? 0) + 1, last: { text: body.text, blocks: body.blocks } });
    }
    send(200, answer);
    this.notify();
  }

  /** Control endpoints for a fake running in its own process (benchmarks). */
  private control(path: string, raw: string, send: (status: number, body: unknown) => void): void {
    if (path === '/_fake/stats') return send(200, this.stats());
    if (path === '/_fake/reset') {
      this.reset();
      return send(200, { ok: true });
    }
    if (path === '/_fake/fail') {
      const { method, replies } = JSON.parse(raw || '{}') as { method: string; replies: FakeReply[] };
      this.failNext(method, ...replies);
      return send(200, { ok: true });
    }
    send(404, { ok: false });
  }

  private nextTs(): string {
    this.seq += 1;
    return `${this.baseTs}.${String(this.seq).padStart(6, '0')}`;
  }

  private answer(method: string, b: Json): Json {
    const channel = String(b.channel ?? '');
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.test/', team: 'Fake kommun', user: 'assess', team_id: 'T0FAKE', user_id: 'U0ASSESSBOT', bot_id: 'B0ASSESSBOT' };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        const ch = /^U/.test(channel) ? `D${channel.slice(1)}` : channel;
        return { ok: true, channel: ch, ts, message: { type: 'message', text: b.text, user: 'U0ASSESSBOT', ts } };
      }
      case 'chat.update':
        return { ok: true, channel, ts: b.ts, text: b.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink':
        return { ok: true, channel, permalink: `https://fake.slack.test/archives/${channel}/p${String(b.message_ts).replace('.', '')}` };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: 'V0FAKEVIEW', ...(typeof b.view === 'object' ? (b.view as Json) : {}) } };
      case 'users.info': {
        const id = String(b.user ?? '');
        const u = this.users.get(id) ?? { name: id };
        return {
          ok: true,
          user: {
            id,
            name: u.name.toLowerCase().replace(/\s+/g, '.'),
            real_name: u.name,
            tz: u.tz ?? 'Europe/Stockholm',
            locale: u.locale ?? 'sv-SE',
            is_bot: false,
            is_admin: u.isAdmin ?? false,
            is_owner: u.isOwner ?? false,
            profile: { real_name: u.name, display_name: u.name },
          },
        };
      }
      case 'conversations.info':
        return { ok: true, channel: { id: channel, name: channel.toLowerCase(), is_channel: true, is_member: true } };
      case 'conversations.members': {
        const members = this.channels.get(channel);
        return members ? { ok: true, members, response_metadata: { next_cursor: '' } } : { ok: false, error: 'channel_not_found' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** Starts a fake in a child process of its own (so a load generator does not share its event loop) and returns its URL. */
async function runAsChild(): Promise<void> {
  const fake = await FakeSlackApi.start({ keepCalls: false });
  process.stdout.write(`${JSON.stringify({ origin: fake.origin, url: fake.url })}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) void runAsChild();
