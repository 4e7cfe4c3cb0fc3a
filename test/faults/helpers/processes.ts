// Real processes for the fault suite: bot processes (bot-process.ts over tsx) to kill and restart, and a Redis server of
// our own with AOF on every write, to SIGKILL and start again on the same files.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TickResult } from '../../../src/schedule/scheduler.js';
import { freePort } from '../../helpers/ports.js';
import type { BotCommand } from './bot-process.js';

const ROOT = resolve(import.meta.dirname, '../../..');


function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

type BotCommandInput = { cmd: 'clock'; at: number } | { cmd: 'drain' } | { cmd: 'settle' };

/** One bot process: `assess-bot` wiring with the given environment, reachable over HTTP and IPC. */
export class BotProcess {
  private seq = 0;
  private readonly waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    /** What the process printed (warnings and errors; LOG_LEVEL=warn), for a failing test's message. */
    readonly output: string[],
  ) {
    child.on('message', (m: { id?: number; result?: unknown; error?: string }) => {
      if (m.id === undefined) return;
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error) w?.fail(new Error(m.error));
      else w?.ok(m.result);
    });
    child.once('exit', () => {
      for (const w of this.waiting.values()) w.fail(new Error('the bot process exited'));
      this.waiting.clear();
    });
  }

  static async start(env: Record<string, string>, clockAt: number): Promise<BotProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/faults/helpers/bot-process.ts')], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', PLAYGROUND: 'off', ...env, FAULT_CLOCK_AT: String(clockAt) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const output: string[] = [];
    child.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
    const port = await new Promise<number>((ok, fail) => {
      child.on('message', (m: { ready?: boolean; port?: number }) => {
        if (m.ready) ok(m.port ?? 0);
      });
      child.once('exit', (code) => fail(new Error(`the bot process exited (${code}) before it was ready:\n${output.join('')}`)));
    });
    return new BotProcess(child, port, output);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private send<T>(command: BotCommandInput): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((ok, fail) => {
      this.waiting.set(id, { ok: ok as (v: unknown) => void, fail });
      this.child.send({ ...command, id } as BotCommand);
    });
  }

  setClock(at: number): Promise<void> {
    return this.send({ cmd: 'clock', at });
  }

  /** Runs every due job now (what the cron ticker does every 30 s), and waits for the Slack work it started. */
  drain(): Promise<TickResult> {
    return this.send({ cmd: 'drain' });
  }

  settle(): Promise<void> {
    return this.send({ cmd: 'settle' });
  }

  /** SIGKILL: no shutdown hooks, no flushing — as a crashed or evicted pod. */
  async kill(): Promise<void> {
    const done = exited(this.child);
    this.child.kill('SIGKILL');
    await done;
  }

  async stop(): Promise<void> {
    const done = exited(this.child);
    this.child.kill('SIGTERM');
    const force = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await done;
    clearTimeout(force);
  }
}

/** A redis-server of our own on a free port, appending every write to its AOF with fsync before it answers. */
export class OwnRedis {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort(), mkdtempSync(join(tmpdir(), 'assess-faults-redis-')));
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts, on the same AOF) and resolves once it answers PING. */
  async up(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir, '--save', ''],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if (spawnSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis-server on ${this.port} did not answer`);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const done = exited(child);
    child.kill('SIGKILL');
    await done;
  }

  async remove(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
