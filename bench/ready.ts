// Ready benchmark: from process start to the first answered request, side by side in one run. The project starts as in
// production (`assess-bot start`, Slack configured against the local fake Slack, the Redis store) and is ready at its
// first `/readyz` 200; the baseline is the minimal Bolt app with one action handler and a connected ioredis
// (bench/baseline/app.ts), ready when it answers a signed Slack request. Several runs in ABBA order; medians compared.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../test/helpers/ports.js';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET, signedHeaders } from '../test/helpers/slack-sign.js';
import { nodeScript, sleep, startChild, type BenchSection } from './vote-path.js';

/** The target: the project ready within this many times the baseline's time. */
export const READY_TARGET_RATIO = 2;

export interface ReadyRun {
  target: 'project' | 'baseline';
  /** Milliseconds from spawn to the first answered request. */
  ms: number;
}

export interface ReadyResult {
  pairs: number;
  runs: ReadyRun[];
  project: { medianMs: number; minMs: number; maxMs: number };
  baseline: { medianMs: number; minMs: number; maxMs: number };
  ratio: number;
  met: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Polls `probe` every few milliseconds until it answers; the time from `start` to that answer. */
async function timeToAnswer(start: number, probe: () => Promise<boolean>, exited: () => boolean, timeoutMs = 30_000): Promise<number> {
  for (;;) {
    if (await probe().catch(() => false)) return performance.now() - start;
    if (exited()) throw new Error('the process exited before it answered');
    if (performance.now() - start > timeoutMs) throw new Error('timed out waiting for the first answer');
    await sleep(5);
  }
}

/** One start of the project or the baseline: spawn, wait for the first answer, stop. */
async function oneStart(target: ReadyRun['target'], env: Record<string, string>, logDir: string, n: number): Promise<ReadyRun> {
  const port = await freePort();
  const script = target === 'project' ? nodeScript('src/cli.ts') : nodeScript('bench/baseline/app.ts');
  const url = target === 'project' ? `http://127.0.0.1:${port}/readyz` : `http://127.0.0.1:${port}/slack/events`;
  // The baseline answers a real signed request (Slack's url_verification), the way Slack first reaches an app.
  const body = JSON.stringify({ type: 'url_verification', challenge: 'ready', token: 'x' });
  const probe =
    target === 'project'
      ? async () => (await fetch(url)).status === 200
      : async () => (await fetch(url, { method: 'POST', headers: { ...signedHeaders(body, BENCH_SIGNING_SECRET), 'content-type': 'application/json' }, body })).status === 200;
  const start = performance.now();
  const child = startChild(script, target === 'project' ? ['start'] : [], { ...env, PORT: String(port), HOST: '127.0.0.1' }, `${target}-${n}`, logDir);
  try {
    const ms = await timeToAnswer(start, probe, () => child.proc.exitCode !== null);
    return { target, ms: Math.round(ms) };
  } finally {
    await child.stop();
  }
}

export async function runReady(opts: { pairs?: number } = {}): Promise<ReadyResult> {
  const pairs = opts.pairs ?? 5;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-ready-${randomBytes(4).toString('hex')}`;
  const logDir = mkdtempSync(join(tmpdir(), 'assess-bench-ready-'));
  const fake = startChild(nodeScript('bench/fake-slack.ts'), [], {}, 'fake-slack', logDir);
  try {
    const fakeUrl = String((await fake.firstLine).url);
    const common = { REDIS_URL: redisUrl, SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET, SLACK_BOT_TOKEN: BENCH_BOT_TOKEN, SLACK_API_URL: fakeUrl, NODE_ENV: 'production' };
    const envs = {
      project: { ...common, REDIS_PREFIX: prefix, ANONYMITY_SECRET: 'bench-anonymity-secret', LOG_LEVEL: 'warn', PLAYGROUND: 'off' },
      baseline: { ...common, BASELINE_KEY: `${prefix}:baseline:votes` },
    };
    // One start of each first, unmeasured: the disk cache then holds both programs' files for every measured start.
    await oneStart('project', envs.project, logDir, 0);
    await oneStart('baseline', envs.baseline, logDir, 0);
    const runs: ReadyRun[] = [];
    // ABBA order, so a drift of the machine during the run weighs on both alike.
    for (let i = 0; i < pairs; i++) {
      const order = i % 2 === 0 ? (['project', 'baseline'] as const) : (['baseline', 'project'] as const);
      for (const target of order) runs.push(await oneStart(target, envs[target], logDir, i + 1));
    }
    const stats = (target: ReadyRun['target']) => {
      const ms = runs.filter((r) => r.target === target).map((r) => r.ms);
      return { medianMs: median(ms), minMs: Math.min(...ms), maxMs: Math.max(...ms) };
    };
    const project = stats('project');
    const baseline = stats('baseline');
    const ratio = Math.round((project.medianMs / baseline.medianMs) * 100) / 100;
    return { pairs, runs, project, baseline, ratio, met: ratio <= READY_TARGET_RATIO };
  } finally {
    await fake.stop();
    await dropPrefix(redisUrl, prefix);
  }
}

/** Removes what the project's starts left under our prefix (the anonymity key, nothing else). */
async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const { deleteKeysWithPrefix } = await import('../test/helpers/redis-prefix.js');
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    await deleteKeysWithPrefix(client, prefix);
  } finally {
    client.disconnect();
  }
}

export async function runReadyBench(opts: { pairs?: number } = {}): Promise<BenchSection[]> {
  const r = await runReady(opts);
  return [
    {
      key: 'ready',
      title: 'Ready: process start to the first answered request, the project vs a minimal Bolt app',
      target: `project (Slack configured, Redis store, first /readyz 200) within ${READY_TARGET_RATIO}× the baseline (Bolt, one action handler, connected ioredis, first signed request answered); median of ${r.pairs} starts each, ABBA order`,
      rows: [
        { target: 'project', 'median (ms)': r.project.medianMs, 'min (ms)': r.project.minMs, 'max (ms)': r.project.maxMs },
        { target: 'baseline', 'median (ms)': r.baseline.medianMs, 'min (ms)': r.baseline.minMs, 'max (ms)': r.baseline.maxMs },
      ],
      verdict: `${r.ratio}× (${r.met ? 'met' : 'NOT met'})`,
      data: r,
    },
  ];
}

// `node dist/bench/ready.js [pairs]` (after `npm run build`), or `npx tsx bench/ready.ts [pairs]`: this section alone.
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  runReady({ pairs: Number(process.argv[2] ?? 5) }).then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
