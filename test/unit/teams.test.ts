// Teams building blocks without a server: pacing, retries, update coalescing, activity parsing and invoke responses.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { t } from '../../src/core/i18n.js';
import { conversationKey, localeOf, tenantOf, answerTexts, CardInvokeValueSchema } from '../../src/platforms/teams/activity.js';
import { invokeResponseFor } from '../../src/platforms/teams/invoke-response.js';
import { CardUpdater } from '../../src/core/delivery/coalescer.js';
import { ConversationLimiter, withRetry, type Sleeper } from '../../src/platforms/teams/outbound.js';
import { fixture } from '../fixtures/teams/activities.js';
import type { TeamsChannelAccount } from 'botbuilder';
import { defaultSettings } from '../../src/core/settings.js';
import { startFormPeople, toMemberIds } from '../../src/platforms/teams/people.js';

/** A clock that only moves when someone sleeps, so pacing is checked without real time. */
function virtualTime(): Sleeper & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('ConversationLimiter', () => {
  it('lets at most 7 messages a second into one conversation', async () => {
    const time = virtualTime();
    const limiter = new ConversationLimiter(7, time);
    const stamps: number[] = [];
    await Promise.all(Array.from({ length: 22 }, () => limiter.take('conv-a').then(() => stamps.push(time.now()))));
    expect(stamps).toHaveLength(22);
    for (const s of stamps) expect(stamps.filter((x) => x >= s && x < s + 1000).length).toBeLessThanOrEqual(7);
    expect(stamps.at(-1)! - stamps[0]!).toBeGreaterThanOrEqual(3000);
  });

  it('does not make one conversation wait for another', async () => {
    const time = virtualTime();
    const limiter = new ConversationLimiter(7, time);
    for (let i = 0; i < 7; i++) await limiter.take('busy');
    await limiter.take('quiet');
    expect(time.sleeps).toEqual([]);
  });
});

function httpError(status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`HTTP ${status}`), { statusCode: status, response: { status, headers: { get: (n: string) => headers[n.toLowerCase()] } } });
}

describe('withRetry', () => {
  const fast = { retries: 4, minTimeoutMs: 1, maxTimeoutMs: 2 };

  it.each([429, 412, 502, 504])('retries %i, then succeeds', async (status) => {
    let calls = 0;
    const seen: (number | undefined)[] = [];
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw httpError(status, { 'retry-after': '0' });
        return 'sent';
      },
      fast,
      (s) => seen.push(s),
    );
    expect(result).toBe('sent');
    expect(calls).toBe(3);
    expect(seen).toEqual([status, status]);
  });

  it.each([400, 403, 404, 500])('does not retry %i and rethrows the original error', async (status) => {
    let calls = 0;
    const err = httpError(status);
    await expect(
      withRetry(async () => {
        calls += 1;
        throw err;
      }, fast),
    ).rejects.toBe(err);
    expect(calls).toBe(1);
  });

  it('gives up after the configured retries', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls += 1;
        throw httpError(429);
      }, { ...fast, retries: 2 }),
    ).rejects.toMatchObject({ statusCode: 429 });
    expect(calls).toBe(3);
  });
});

describe('the card coalescer, as Teams uses it', () => {
  it('absorbs a burst into one waiting update that reads the latest state', async () => {
    let now = 0;
    const coalescer = new CardUpdater({ windowMs: 1000, now: () => now, onError: () => undefined });
    let state = 0;
    const drawn: number[] = [];
    const draw = async () => {
      drawn.push(state);
    };
    coalescer.request('card', draw);
    await coalescer.flush();
    expect(drawn).toEqual([0]);
    now = 100;
    for (let i = 1; i <= 10; i++) {
      state = i;
      coalescer.request('card', draw);
    }
    expect(coalescer.pendingCount()).toBe(1);
    await coalescer.flush();
    expect(drawn).toEqual([0, 10]);
  });

  it('keeps cards apart and reports failures without stopping others', async () => {
    const errors: string[] = [];
    const coalescer = new CardUpdater({ windowMs: 1000, now: () => 0, onError: (_err, key) => void errors.push(key) });
    const drawn: string[] = [];
    coalescer.request('a', async () => {
      throw new Error('boom');
    });
    coalescer.request('b', async () => {
      drawn.push('b');
    });
    expect(coalescer.pendingCount()).toBe(2);
    await coalescer.flush();
    expect(drawn).toEqual(['b']);
    expect(errors).toEqual(['a']);
  });
});

describe('activity parsing', () => {
  it('reads tenant, channel and locale from a channel message', () => {
    const a = fixture('channel-message.json');
    expect(tenantOf(a)).toBe('8c3a5a2e-tenant-4000-8000-000000000001');
    expect(conversationKey(a)).toBe('19:mangfald0123@thread.tacv2');
    expect(localeOf(a, 'en')).toBe('sv');
  });

  it('falls back for the Emulator: tenant "emulator", the conversation id, the default locale', () => {
    const a = { channelId: 'emulator', conversation: { id: 'abc123|livechat' }, locale: 'de-DE' };
    expect(tenantOf(a as never)).toBe('emulator');
    expect(conversationKey(a as never)).toBe('abc123|livechat');
    expect(localeOf(a as never, 'en')).toBe('en');
  });

  it('accepts only Action.Execute invoke values and collects q:<id> answers', () => {
    expect(CardInvokeValueSchema.safeParse(fixture<{ value: unknown }>('card-action.json').value).success).toBe(true);
    expect(CardInvokeValueSchema.safeParse({ action: { type: 'Action.Submit', verb: 'vote' } }).success).toBe(false);
    expect(answerTexts({ r: 'x', 'q:a': 'one', 'q:b': 2, evidence: 'e' })).toEqual({ a: 'one' });
  });
});

describe('invokeResponseFor', () => {
  it('turns an AppError into the Universal Actions error shape with a localised message', () => {
    const error = new AppError('NOT_COORDINATOR', { coordinator: 'Cora' });
    expect(invokeResponseFor({ kind: 'error', error, locale: 'sv' }, { conversationType: 'channel' })).toEqual({
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: { code: 'NOT_COORDINATOR', message: t('sv', 'errors.NOT_COORDINATOR', { coordinator: 'Cora' }) },
    });
    expect(invokeResponseFor({ kind: 'message', text: 'ok' }, { conversationType: 'personal' })).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
  });

  it('names the command as it is written where the card was pressed, in plain text (Teams shows it as such)', () => {
    const error = new AppError('ROUND_NOT_FOUND');
    const inChannel = invokeResponseFor({ kind: 'error', error, locale: 'en' }, { conversationType: 'channel' });
    expect((inChannel.value as { message: string }).message).toBe("I can't find a round here. Start one with @Assess assess start.");
    const inChat = invokeResponseFor({ kind: 'error', error, locale: 'sv' }, { conversationType: 'personal' });
    expect((inChat.value as { message: string }).message).toBe('Jag hittar ingen omgång här. Starta en med assess start.');
  });
});

describe('the start form\'s people in Teams', () => {
  const members = ['anna', 'bo', 'cora'].map((n, i) => ({ id: `29:${n}`, name: n, aadObjectId: `aad-${i}` }) as TeamsChannelAccount);
  const defaults = defaultSettings({ now: Date.parse('2026-03-02T06:00:00Z'), timezone: 'Europe/Stockholm', locale: 'sv', channelId: '19:c', participants: members.map((m) => m.id) });

  it('the whole channel means "everyone": nobody is listed, whatever the team\'s size', () => {
    const form = startFormPeople(defaults, members);
    expect(form).toMatchObject({ everyone: true, defaults: { participants: [] }, people: { kind: 'directory', known: [] } });
  });

  it('a restart\'s own choice is filled in with directory ids and names; a large one becomes "everyone"', () => {
    const some = startFormPeople({ ...defaults, participants: ['29:anna', '29:bo'], managers: ['29:cora'] }, members);
    expect(some.everyone).toBe(false);
    expect(some.defaults).toMatchObject({ participants: ['aad-0', 'aad-1'], managers: ['aad-2'] });
    expect(some.people).toEqual({ kind: 'directory', known: [{ id: 'aad-0', name: 'anna' }, { id: 'aad-1', name: 'bo' }, { id: 'aad-2', name: 'cora' }] });
    const many = Array.from({ length: 40 }, (_, i) => ({ id: `29:m${i}`, name: `m${i}`, aadObjectId: `aad-m${i}` }) as TeamsChannelAccount);
    const big = startFormPeople({ ...defaults, participants: many.slice(0, 30).map((m) => m.id) }, many);
    expect(big).toMatchObject({ everyone: true, defaults: { participants: [] } });
  });

  it('maps what the picker submits to channel members, counting who is not in the channel', () => {
    expect(toMemberIds(['AAD-1', '29:cora', 'aad-9'], members)).toEqual({ ids: ['29:bo', '29:cora'], missing: 1 });
  });
});
