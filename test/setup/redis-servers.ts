// Redis servers the tests start for themselves from the installed `redis-server` binary: one server, a Redis Cluster of
// masters, and a Sentinel group, each on free ports with nothing kept on disk beyond a temporary folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/ports.js';

/** One line that says how to get what is missing. */
export const MISSING_REDIS =
  'redis-server is not installed: install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL to a Redis the tests may use';

export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/** Sends one inline command and resolves with the first reply line ('' when nothing answers). */
export function rawCommand(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let data = '';
    const done = (value: string) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(''));
    socket.on('error', () => done(''));
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      // A bulk reply ($n) is complete once its body has arrived; anything else after its first line.
      const bulk = /^\$(\d+)\r\n/.exec(data);
      if (bulk ? data.length >= bulk[0].length + Number(bulk[1]) + 2 : data.includes('\r\n')) done(data);
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** A redis-server process of our own; `args` are extra command-line options. */
export class RedisProcess {
  private child: ChildProcess | undefined;
  readonly output: string[] = [];

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: string[],
    private readonly ownsDir: boolean,
    private readonly configFile: string | undefined,
  ) {}

  /** `configFile` (redis-server wants it first) and `args`, extra command-line options, are optional. */
  static async start(opts: { args?: string[]; dir?: string; port?: number; configFile?: string } = {}): Promise<RedisProcess> {
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'assess-redis-'));
    const r = new RedisProcess(opts.port ?? (await freePort()), dir, opts.args ?? [], opts.dir === undefined, opts.configFile);
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again, after a kill) and resolves once it answers PING. */
  async up(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [...(this.configFile ? [this.configFile] : []), '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no', ...this.args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout!.on('data', (b: Buffer) => this.output.push(b.toString()));
    this.child.stderr!.on('data', (b: Buffer) => this.output.push(b.toString()));
    await waitFor(`redis-server on port ${this.port}`, async () => (await rawCommand(this.port, 'PING')).startsWith('+PONG'));
  }

  /** SIGKILL, as a crashed machine. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const done = exited(child);
    child.kill('SIGKILL');
    await done;
  }

  async stop(): Promise<void> {
    await this.kill();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface RedisCluster {
  /** `redis-cluster://127.0.0.1:p1,127.0.0.1:p2,…` (the form REDIS_URL takes). */
  url: string;
  masters: RedisProcess[];
  replicas: RedisProcess[];
  stop(): Promise<void>;
}

/** A Redis Cluster of `masters` masters (and `replicasPerMaster` replicas each), all slots assigned, state ok. */
export async function startCluster(opts: { masters?: number; replicasPerMaster?: number } = {}): Promise<RedisCluster> {
  const masters = opts.masters ?? 3;
  const perMaster = opts.replicasPerMaster ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'assess-cluster-'));
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < masters * (1 + perMaster); i++) {
      const port = await freePort();
      nodes.push(
        await RedisProcess.start({
          port,
          dir,
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000'],
        }),
      );
    }
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(perMaster), '--cluster-yes'],
      { encoding: 'utf8' },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    await waitFor('the cluster', async () => {
      for (const n of nodes) if (!(await rawCommand(n.port, 'CLUSTER INFO')).includes('cluster_state:ok')) return false;
      return true;
    });
  } catch (err) {
    for (const n of nodes) await n.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // redis-cli gives the first `masters` addresses the masters and the rest replicas.
  return {
    url: `redis-cluster://${nodes.slice(0, masters).map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    masters: nodes.slice(0, masters),
    replicas: nodes.slice(masters),
    async stop() {
      for (const n of nodes) await n.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SentinelGroup {
  /** `redis-sentinel://127.0.0.1:s1,…/<masterName>` (the form REDIS_URL takes). */
  url: string;
  masterName: string;
  master: RedisProcess;
  replicas: RedisProcess[];
  sentinels: RedisProcess[];
  stop(): Promise<void>;
}

/** A master with `replicas` replicas, watched by `sentinels` sentinels (quorum: a majority of them). */
export async function startSentinelGroup(opts: { replicas?: number; sentinels?: number; masterName?: string; downAfterMs?: number } = {}): Promise<SentinelGroup> {
  const masterName = opts.masterName ?? 'assess';
  const count = opts.sentinels ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'assess-sentinel-'));
  const started: RedisProcess[] = [];
  try {
    const master = await RedisProcess.start({ dir });
    started.push(master);
    const replicas: RedisProcess[] = [];
    for (let i = 0; i < (opts.replicas ?? 1); i++) {
      const replica = await RedisProcess.start({ dir, args: ['--replicaof', '127.0.0.1', String(master.port)] });
      started.push(replica);
      replicas.push(replica);
    }
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const conf = join(dir, `sentinel-${port}.conf`);
      // Sentinel rewrites its own configuration file, so each gets a writable one.
      writeFileSync(
        conf,
        [
          `sentinel monitor ${masterName} 127.0.0.1 ${master.port} ${Math.floor(count / 2) + 1}`,
          `sentinel down-after-milliseconds ${masterName} ${opts.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await RedisProcess.start({ port, dir, configFile: conf, args: ['--sentinel'] });
      started.push(sentinel);
      sentinels.push(sentinel);
    }
    await waitFor('the sentinels', async () => {
      for (const s of sentinels) {
        const reply = await rawCommand(s.port, `SENTINEL get-master-addr-by-name ${masterName}`);
        if (!reply.includes(String(master.port))) return false;
      }
      return true;
    });
    return {
      url: `redis-sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${masterName}`,
      masterName,
      master,
      replicas,
      sentinels,
      async stop() {
        for (const p of started) await p.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const p of started) await p.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
