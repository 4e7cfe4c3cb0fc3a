// Drives the playground over its HTTP API (app.http.inject) on real Redis, the way its page does: commands, card actions, the clock.
import { expect } from 'vitest';
import { build, type App } from '../../src/app/build.js';
import { OffsetClock } from '../../src/infra/clock.js';
import { loadConfig } from '../../src/config.js';
import { registerPlayground } from '../../src/platforms/playground/index.js';
import { RedisStore } from '../../src/store/index.js';
import { REDIS_URL, dropPrefix, testPrefix } from './world.js';

export interface RenderedMessage {
  id: string;
  at: number;
  audience: string;
  ephemeral: boolean;
  type: string;
  card: Record<string, unknown>;
}

export interface ActionResult {
  status: number;
  ok: boolean;
  message?: string;
  error?: string;
}

/** Every string in a rendered card, one per line: what a person can read on it (and its input values). */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}

/** The values an Adaptive Card form would submit as it stands: each input's id and pre-filled value. */
export function formValues(card: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') {
        values[o.id] = o.value === undefined || o.value === null ? '' : String(o.value);
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return values;
}

export class PlaygroundApi {
  private constructor(
    readonly app: App,
    readonly store: RedisStore,
    readonly clock: OffsetClock,
    readonly prefix: string,
    readonly env: Record<string, string>,
  ) {}

  static async open(extraEnv: Record<string, string> = {}): Promise<PlaygroundApi> {
    const prefix = testPrefix();
    const env = {
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      DEFAULT_LOCALE: 'sv',
      ANONYMITY_SECRET: 'modes-test-secret',
      PUBLIC_URL: 'https://assess.kommun.example',
      ...extraEnv,
    };
    const store = await RedisStore.open(REDIS_URL, { prefix });
    const clock = new OffsetClock();
    const app = await build(loadConfig(env), { store, clock, adapters: [registerPlayground] });
    return new PlaygroundApi(app, store, clock, prefix, env);
  }

  async close(): Promise<void> {
    await dropPrefix(this.store);
    await this.app.close();
  }

  async command(as: string, text: string): Promise<void> {
    const res = await this.app.http.inject({ method: 'POST', url: '/playground/command', payload: { as, text } });
    expect(res.statusCode, res.body).toBe(200);
  }

  async action(as: string, verb: string, data: Record<string, unknown>, messageId?: string): Promise<ActionResult> {
    const res = await this.app.http.inject({ method: 'POST', url: '/playground/action', payload: { as, verb, data, ...(messageId ? { messageId } : {}) } });
    return { status: res.statusCode, ...(res.json() as { ok: boolean; message?: string; error?: string }) };
  }

  async vote(as: string, roundId: string, factorId: string, level: string): Promise<ActionResult> {
    return this.action(as, 'vote', { r: roundId, f: factorId, l: level });
  }

  async answer(as: string, roundId: string, factorId: string, texts: Record<string, string>, evidence = ''): Promise<ActionResult> {
    const data: Record<string, string> = { r: roundId, f: factorId, evidence };
    for (const [q, text] of Object.entries(texts)) data[`q:${q}`] = text;
    return this.action(as, 'answer', data);
  }

  /** Moves simulated time forward in steps of the page's buttons (the scheduler runs hour by hour). */
  async advance(step: 'hour' | 'day' | 'week', times = 1): Promise<void> {
    for (let i = 0; i < times; i++) {
      const res = await this.app.http.inject({ method: 'POST', url: '/playground/clock', payload: { advance: step } });
      expect(res.statusCode, res.body).toBe(200);
    }
  }

  /** What `as` sees: the channel plus their own direct and ephemeral messages, rendered. */
  async messages(as: string): Promise<RenderedMessage[]> {
    const res = await this.app.http.inject({ method: 'GET', url: `/playground/state?as=${as}` });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { messages: RenderedMessage[] }).messages;
  }

  /** The text of the newest message of a type that `as` sees (text replies by default). */
  async last(as: string, type = 'text', audience?: string): Promise<string> {
    const all = (await this.messages(as)).filter((m) => m.type === type && (audience === undefined || m.audience === audience));
    const msg = all[all.length - 1];
    expect(msg, `no ${type} message for ${as}`).toBeDefined();
    return cardText(msg!.card);
  }

  /** `/assess <text>` as someone, and the reply they see. */
  async reply(as: string, text: string): Promise<string> {
    const before = (await this.messages(as)).length;
    await this.command(as, text);
    const after = await this.messages(as);
    const added = after.slice(before).filter((m) => ['text', 'digest', 'start-form', 'follow-up'].includes(m.type));
    expect(added.length, `no reply to ${text}`).toBeGreaterThan(0);
    return cardText(added[added.length - 1]!.card);
  }

  /** `/assess start` (or `start again`), then the form submitted with `overrides`; returns the new round id. */
  async start(as: string, overrides: Record<string, string> = {}, text = '/assess start'): Promise<{ roundId: string; form: Record<string, string> }> {
    await this.command(as, text);
    const forms = (await this.messages(as)).filter((m) => m.type === 'start-form');
    const form = forms[forms.length - 1];
    expect(form, 'start form').toBeDefined();
    const values = formValues(form!.card);
    const res = await this.action(as, 'start', { ...values, ...overrides }, form!.id);
    expect(res.ok, res.error).toBe(true);
    const roundId = await this.store.activeRoundForChannel('playground', 'C-PLAYGROUND');
    expect(roundId).toBeTruthy();
    return { roundId: roundId!, form: values };
  }

  /**
   * Every key under this test's prefix with everything stored in it, as text (for privacy scans). A hash gives one
   * entry per field (`field` set, content = field and value), so one record of a shared collection can be told apart.
   */
  async dump(): Promise<{ key: string; field?: string; content: string; ttlMs: number }[]> {
    const client = this.store.client;
    const out: { key: string; field?: string; content: string; ttlMs: number }[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${this.prefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await client.type(key);
        const ttlMs = await client.pttl(key);
        if (type === 'hash') {
          for (const [field, value] of Object.entries(await client.hgetall(key))) out.push({ key, field, content: `${field}\n${value}`, ttlMs });
          continue;
        }
        let content = '';
        if (type === 'string') content = (await client.get(key)) ?? '';
        else if (type === 'zset') content = (await client.zrange(key, 0, -1, 'WITHSCORES')).join('\n');
        else if (type === 'set') content = (await client.smembers(key)).sort().join('\n');
        else if (type === 'list') content = (await client.lrange(key, 0, -1)).join('\n');
        out.push({ key, content, ttlMs });
      }
    } while (cursor !== '0');
    // SCAN's order follows the server's hash table, which a rehash between two dumps changes: sort, so two dumps of
    // the same data compare equal.
    return out.sort((a, b) => (a.key === b.key ? (a.field ?? '').localeCompare(b.field ?? '') : a.key < b.key ? -1 : 1));
  }
}
