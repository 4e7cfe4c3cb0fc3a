// The per-channel pacer (about one post per second per channel) and the tally coalescer, on manual time.
import { describe, expect, it } from 'vitest';
import { ChannelPacer } from '../../src/platforms/slack/background.js';
import { CardUpdater } from '../../src/core/delivery/coalescer.js';
import { ManualTimers } from '../helpers/slack.js';

function virtualTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('ChannelPacer', () => {
  it('keeps 13 card posts to one channel a second apart, in order', async () => {
    const time = virtualTime();
    const pacer = new ChannelPacer(1000, time.now, time.sleep);
    const sentAt: { n: number; at: number }[] = [];
    await Promise.all(Array.from({ length: 13 }, (_, n) => pacer.run('C1', async () => sentAt.push({ n, at: time.now() }))));
    expect(sentAt.map((s) => s.n)).toEqual([...Array(13).keys()]);
    const gaps = sentAt.slice(1).map((s, i) => s.at - sentAt[i]!.at);
    expect(gaps.every((g) => g >= 1000)).toBe(true);
    expect(time.sleeps).toHaveLength(12);
  });

  it('does not hold one channel back for another, and keeps going after a failed post', async () => {
    const time = virtualTime();
    const pacer = new ChannelPacer(1000, time.now, time.sleep);
    const failed = pacer.run('C1', async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    const other = await pacer.run('D1', async () => 'dm');
    expect(other).toBe('dm');
    expect(time.sleeps).toEqual([]);
    expect(await pacer.run('C1', async () => 'next')).toBe('next');
    expect(time.sleeps).toEqual([1000]);
  });
});

describe('CardUpdater', () => {
  function setup() {
    const timers = new ManualTimers();
    let now = 0;
    const runs: number[] = [];
    const inflight: (() => void)[] = [];
    let state = 0;
    const tracked: Promise<unknown>[] = [];
    const updater = new CardUpdater({
      windowMs: 1000,
      timers,
      now: () => now,
      update: async () => {
        const seen = state;
        await new Promise<void>((resolve) => inflight.push(resolve));
        runs.push(seen);
      },
      onError: () => undefined,
      track: (p) => void tracked.push(p),
    });
    return {
      timers,
      updater,
      runs,
      setState: (n: number) => void (state = n),
      advance: (ms: number) => void (now += ms),
      /** Lets every edit in flight finish, including edits those edits start. */
      finishAll: async () => {
        do {
          while (inflight.length > 0) inflight.shift()!();
          await Promise.all(tracked);
          await new Promise((resolve) => setImmediate(resolve));
        } while (inflight.length > 0);
      },
    };
  }

  it('updates at once, then folds a burst into one trailing edit that sees the final state', async () => {
    const s = setup();
    s.setState(1);
    s.updater.request('card');
    for (let i = 2; i <= 50; i++) {
      s.setState(i);
      s.updater.request('card');
    }
    await s.finishAll();
    expect(s.runs).toEqual([1]);
    expect(s.timers.size).toBe(1);
    s.advance(1000);
    s.timers.fireAll();
    await s.finishAll();
    expect(s.runs).toEqual([1, 50]);
    expect(s.timers.size).toBe(0);
  });

  it('never edits twice within the window, even when changes are spread out', async () => {
    const s = setup();
    s.updater.request('card');
    await s.finishAll();
    s.advance(300);
    s.setState(2);
    s.updater.request('card');
    await s.finishAll();
    expect(s.runs).toEqual([0]);
    expect(s.timers.size).toBe(1);
    s.advance(700);
    s.timers.fireAll();
    await s.finishAll();
    expect(s.runs).toEqual([0, 2]);
  });

  it('keeps cards apart, and on close sends the edit still waiting instead of dropping it', async () => {
    const s = setup();
    s.updater.request('a');
    s.updater.request('b');
    await s.finishAll();
    expect(s.runs).toEqual([0, 0]);
    s.setState(7);
    s.updater.request('a');
    await s.finishAll();
    expect(s.updater.pendingKeys()).toEqual(['a']);
    s.updater.close();
    expect(s.timers.size).toBe(0);
    await s.finishAll();
    expect(s.runs).toEqual([0, 0, 7]);
    s.updater.request('b');
    await s.finishAll();
    expect(s.runs).toHaveLength(3);
  });

  it('on close, a change that arrived during an edit in flight still goes out', async () => {
    const s = setup();
    s.updater.request('a');
    s.setState(3);
    s.updater.request('a');
    s.updater.close();
    await s.finishAll();
    expect(s.runs).toEqual([0, 3]);
  });
});
