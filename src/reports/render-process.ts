// Reports of a Redis deployment are rendered in a process of their own. A report of 13 × 10,000 allocates a few
// hundred MB of short-lived text and objects. In the bot's process, whose young generation is kept small so that an
// idle bot stays small (deploy/Dockerfile: --max-semi-space-size=4, a V8 flag that holds for every thread of the
// process), most of that outlived the young generation, and rendering spent about as long collecting garbage as
// writing. The report process runs with V8's default young generation, where most of a batch of answers dies young, reads
// Redis over its own connection, and leaves the bot's event loop free for votes while it renders. It starts with the
// bot (ReportRenderProcess.warm, 15 s after start), stops after ten minutes without a report (returning its memory), starts again with the
// next one, and ends with the bot.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppError, StoreUnavailableError, type ErrorCode } from '../core/errors.js';
import type { RenderedReport, RenderJob, ReportRenderer } from './render.js';

/** What the report process needs to read a round: the bot's own store and content settings. */
export interface RenderProcessOptions {
  redisUrl: string;
  prefix: string;
  contentDir?: string;
  /** The process stops after this long without a report (default 10 minutes); the next report starts it again. */
  idleMs?: number;
  /** Its V8 semi-space, MB (default 16, V8's own default on 64-bit: the bot's 4 MB is NODE_OPTIONS', not wanted here). */
  semiSpaceMb?: number;
  /** Told when the process fails outside any one report. */
  onError?: (err: unknown) => void;
}

/** The first message to the report process. */
export interface RenderProcessInit {
  redisUrl: string;
  prefix: string;
  contentDir?: string;
}

/** A failure as it crosses processes: an AppError keeps its code and parameters. */
export type RenderFailure = { code: ErrorCode; params: Record<string, string | number> } | { message: string };

export type RenderReply =
  | { id: number; ok: true; contentType: string; filename: string; gzipped: Buffer; maxRssKb: number }
  | { id: number; ok: false; failure: RenderFailure; maxRssKb: number };

/** The error a failure stands for, on this side: STORE_UNAVAILABLE stays retryable (withStoreDeadline). */
function errorOf(failure: RenderFailure): Error {
  if ('code' in failure) return failure.code === 'STORE_UNAVAILABLE' ? new StoreUnavailableError() : new AppError(failure.code, failure.params);
  return new Error(`report process: ${failure.message}`);
}

/**
 * The environment the report process gets: what Node and TLS need, never the bot's secrets (platform tokens, signing
 * and anonymity keys). Redis is named over the IPC channel.
 */
const PASSED_ENV = ['PATH', 'HOME', 'TZ', 'LANG', 'NODE_ENV', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(PASSED_ENV.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]]])));
}

/** tsx's loader by its own path, so the report process finds it wherever the bot was started from (development only). */
function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

/**
 * The child's entry, src/app/report-child (a composition root: it opens the store, which reports do not import), as
 * compiled JavaScript, or as TypeScript run through tsx in development and tests.
 */
function childEntry(): { path: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  return { path: fileURLToPath(new URL(ts ? '../app/report-child.ts' : '../app/report-child.js', import.meta.url)), execArgv: ts ? ['--import', tsxLoader()] : [] };
}

export class ReportRenderProcess implements ReportRenderer {
  private child: ChildProcess | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: RenderedReport) => void; reject: (err: Error) => void }>();
  private idle: NodeJS.Timeout | null = null;
  private closed = false;
  /** Processes stopped on purpose (closing, idle): their reports may be tried again. */
  private readonly stopping = new WeakSet<ChildProcess>();
  private readyWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  /** The report process' largest resident set so far, KB (as it reported it with its last report). */
  maxRssKb = 0;

  constructor(private readonly opts: RenderProcessOptions) {}

  render(job: RenderJob): Promise<RenderedReport> {
    if (this.closed) return Promise.reject(new StoreUnavailableError());
    const child = this.started();
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const id = this.nextId++;
    // A report under way keeps the bot's process alive; an idle report process does not.
    child.ref();
    child.channel?.ref();
    return new Promise<RenderedReport>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, job });
    });
  }

  /**
   * Starts the process ahead of the first report, so that one does not wait for it to load (it stops again after
   * `idleMs` without a report).
   */
  warm(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const ready = this.child ? Promise.resolve() : this.whenReady();
    this.started();
    this.idleAfterLastReport();
    return ready;
  }

  /** Resolves when the next process started has opened the store and loaded the writers; rejects if it exits first. */
  private whenReady(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.readyWaiters.push({ resolve, reject });
    });
  }

  /**
   * Stops the process; reports under way fail as "store unavailable" (the caller says "try again"). A process that
   * ends by itself (a crash, the memory limit) fails its reports as INTERNAL instead: a retry would only start another
   * process to fail the same way.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const { path, execArgv } = childEntry();
    // Its own V8 flags come after NODE_OPTIONS' (the bot's small semi-space), so they are the ones that hold.
    const child = fork(path, [], {
      execArgv: [...execArgv, `--max-semi-space-size=${this.opts.semiSpaceMb ?? 16}`],
      env: childEnv(),
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const init: RenderProcessInit = { redisUrl: this.opts.redisUrl, prefix: this.opts.prefix, ...(this.opts.contentDir ? { contentDir: this.opts.contentDir } : {}) };
    child.send(init);
    child.on('message', (reply: RenderReply | { ready: true }) => {
      if ('ready' in reply) for (const w of this.readyWaiters.splice(0)) w.resolve();
      else this.settle(reply);
    });
    let done = false;
    const ended = (why: Error) => {
      if (done) return;
      done = true;
      if (this.child === child) this.child = null;
      const ours = this.stopping.has(child);
      if (!ours) this.opts.onError?.(why);
      for (const w of this.readyWaiters.splice(0)) w.reject(why);
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(ours ? new StoreUnavailableError(why) : new AppError('INTERNAL', {}, { cause: why }));
      }
    };
    // A process that could not be started at all reports an error and may never exit.
    child.on('error', (err) => (child.pid === undefined ? ended(err) : this.opts.onError?.(err)));
    child.on('exit', (code, signal) => ended(new Error(`report process ended (code ${code}, signal ${signal})`)));
    this.child = child;
    return child;
  }

  private settle(reply: RenderReply): void {
    this.maxRssKb = Math.max(this.maxRssKb, reply.maxRssKb);
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) p.resolve({ contentType: reply.contentType, filename: reply.filename, gzipped: Buffer.from(reply.gzipped) });
    else p.reject(errorOf(reply.failure));
    if (this.pending.size === 0) this.idleAfterLastReport();
  }

  /** An idle process keeps nobody alive, and stops after `idleMs`. */
  private idleAfterLastReport(): void {
    if (!this.child) return;
    this.child.unref();
    this.child.channel?.unref();
    if (this.closed) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.stop(), this.opts.idleMs ?? 600_000);
    this.idle.unref();
  }

  private async stop(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    this.stopping.add(child);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill();
    await exited;
  }
}
