// Durability and recovery on a real redis-server of our own: acknowledged votes survive a SIGKILL,
// the store fails fast (StoreUnavailableError) while Redis is down, and the same client recovers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/core/errors.js';
import { LEVELS, emptyCounts, type Level } from '../../src/core/model.js';
import type { VoteInput } from '../../src/core/ports.js';
import { RedisStore } from '../../src/store/index.js';
import { makeRound } from '../contracts/store.contract.js';
import { freePort, hasRedisServer } from '../helpers/ports.js';


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasRedisServer)('Redis restart', () => {
  let dir: string;
  let port: number;
  let server: ChildProcess | undefined;
  let store: RedisStore | undefined;

  function startServer(): ChildProcess {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, '--save', ''],
      { stdio: 'ignore' },
    );
    server = child;
    return child;
  }

  async function killServer(): Promise<void> {
    const child = server;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;
  }

  async function until(fn: () => Promise<unknown>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await fn();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(100);
      }
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assess-redis-restart-'));
    port = await freePort();
    startServer();
  });

  afterAll(async () => {
    await store?.close();
    await killServer();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged vote across a SIGKILL, fails fast while down and reconnects', async () => {
    const url = `redis://127.0.0.1:${port}`;
    // open() waits for the server to answer (ioredis keeps retrying while it starts).
    const s = await RedisStore.open(url, { prefix: 'restart', readyTimeoutMs: 10_000 });
    store = s;
    await s.createRound(makeRound({ participants: Array.from({ length: 200 }, (_, i) => `U-${i}`) }));

    const expected: Record<string, Record<string, Level>> = { f1: {}, f2: {}, f3: {} };
    for (let i = 0; i < 200; i++) {
      const factorId = `f${(i % 3) + 1}`;
      const level = LEVELS[i % 4] as Level;
      const result = await s.recordVote({
        tenant: 'T0001',
        roundId: 'round-1',
        factorId,
        memberId: `U-${i}`,
        level,
        interactionId: `ix-${i}`,
        at: '2026-03-03T10:00:00+01:00',
      });
      expect(result.applied).toBe(true); // acknowledged
      expected[factorId]![`U-${i}`] = level;
    }

    await killServer();

    // While Redis is down: a prompt StoreUnavailableError, no hang, no crash.
    const down: VoteInput = {
      tenant: 'T0001',
      roundId: 'round-1',
      factorId: 'f1',
      memberId: 'U-late',
      level: 'partly',
      interactionId: 'ix-late',
      at: '2026-03-03T11:00:00+01:00',
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = Date.now();
      const err = await s.recordVote(down).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(3_000);
      await expect(s.getSnapshot('T0001', 'round-1')).rejects.toBeInstanceOf(StoreUnavailableError);
      await sleep(300);
    }

    startServer();
    // The same client reconnects by itself (capped backoff of 2 s).
    await until(() => s.ping(), 15_000);

    const snap = await s.getSnapshot('T0001', 'round-1');
    expect(snap?.votes).toEqual(expected);
    for (const factorId of ['f1', 'f2', 'f3']) {
      const counts = emptyCounts();
      for (const level of Object.values(expected[factorId]!)) counts[level] += 1;
      expect(snap?.counts[factorId]).toEqual(counts);
    }
    // Nothing from the failed attempts while Redis was down was written later.
    expect(snap?.votes.f1?.['U-late']).toBeUndefined();

    // And it takes new writes again; the acknowledged interactions are still deduplicated.
    expect((await s.recordVote(down)).applied).toBe(true);
    const again = await s.recordVote({ ...down, memberId: 'U-0', level: 'partly', interactionId: 'ix-0' });
    expect(again.applied).toBe(false);
  }, 60_000);
});
