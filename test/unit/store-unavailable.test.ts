// Every way a failover shows up counts as "the store is unavailable", and withStoreDeadline retries exactly those.
import { describe, expect, it } from 'vitest';
import { AppError, StoreUnavailableError } from '../../src/core/errors.js';
import { withStoreDeadline } from '../../src/core/store-deadline.js';
import { isUnavailableError, mapError } from '../../src/store/redis/errors.js';

describe('isUnavailableError during a failover', () => {
  const reply = (text: string) => Object.assign(new Error(text), { name: 'ReplyError' });
  it.each([
    'CLUSTERDOWN The cluster is down',
    'CLUSTERDOWN Hash slot not served',
    'READONLY You can\'t write against a read only replica.',
    'LOADING Redis is loading the dataset in memory',
    'TRYAGAIN Multiple keys request during rehashing of slot',
    'MOVED 3999 127.0.0.1:7002',
    'ASK 3999 127.0.0.1:7002',
    'MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to \'no\'.',
    'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)',
  ])('%s', (text) => {
    expect(isUnavailableError(reply(text))).toBe(true);
    expect(mapError(reply(text))).toBeInstanceOf(StoreUnavailableError);
  });

  it('a "Too many Cluster redirections" error, whatever its last node error was', () => {
    const storm = Object.assign(new Error('Too many Cluster redirections. Last error: Error: MOVED 12182 127.0.0.1:7001'), {
      lastNodeError: reply('MOVED 12182 127.0.0.1:7001'),
    });
    expect(isUnavailableError(storm)).toBe(true);
    expect(isUnavailableError(new Error('Too many Cluster redirections. Last error: undefined'))).toBe(true);
  });

  it('connection loss, closed sockets and a cluster with no reachable node', () => {
    expect(isUnavailableError(new Error('Connection is closed.'))).toBe(true);
    expect(isUnavailableError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isUnavailableError(Object.assign(new Error('Failed to refresh slots cache.'), { name: 'ClusterAllFailedError' }))).toBe(true);
    expect(isUnavailableError(new Error('All sentinels are unreachable. Retrying from scratch after 200ms.'))).toBe(true);
  });

  it('not a bug in a command, nor a script error', () => {
    expect(isUnavailableError(reply('ERR wrong number of arguments for \'hset\' command'))).toBe(false);
    expect(isUnavailableError(reply('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isUnavailableError(reply('NOSCRIPT No matching script. Please use EVAL.'))).toBe(false);
    expect(isUnavailableError(reply('ERR ASKING is not allowed here'))).toBe(false);
  });
});

describe('withStoreDeadline', () => {
  function fakeTime() {
    let t = 0;
    return { now: () => t, sleep: (ms: number) => ((t += ms), Promise.resolve()), at: () => t };
  }

  it('retries while the store is unavailable and returns the first success', async () => {
    const time = fakeTime();
    let calls = 0;
    const result = await withStoreDeadline(
      () => {
        calls += 1;
        return calls < 4 ? Promise.reject(new StoreUnavailableError(new Error('CLUSTERDOWN'))) : Promise.resolve('stored');
      },
      { now: time.now, sleep: time.sleep },
    );
    expect(result).toBe('stored');
    expect(calls).toBe(4);
    expect(time.at()).toBe(100 + 200 + 400);
  });

  it('gives up with the StoreUnavailableError once the deadline has passed, never starting an attempt after it', async () => {
    const time = fakeTime();
    const starts: number[] = [];
    const failure = withStoreDeadline(
      () => {
        starts.push(time.at());
        return Promise.reject(new StoreUnavailableError(new Error('Connection is closed.')));
      },
      { now: time.now, sleep: time.sleep, deadlineMs: 5_000 },
    );
    await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(starts.length).toBeGreaterThan(5);
    expect(Math.max(...starts)).toBeLessThan(5_000);
  });

  it('does not retry any other error', async () => {
    let calls = 0;
    const failure = withStoreDeadline(() => {
      calls += 1;
      return Promise.reject(new AppError('ROUND_NOT_FOUND'));
    });
    await expect(failure).rejects.toMatchObject({ code: 'ROUND_NOT_FOUND' });
    expect(calls).toBe(1);
  });
});
