// Vote-path benchmark: HMAC-signed Slack vote clicks under autocannon load, through the project's real server (the
// production `assess-bot start`, Redis store, Bolt listeners) and through a minimal Bolt baseline, side by side in one run.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { DateTime } from 'luxon';
import { AnonymityKeyring } from '../src/core/anonymity-keys.js';
import { PackRegistry } from '../src/content/registry.js';
import { LEVELS, type Level } from '../src/core/model.js';
import { systemClock } from '../src/core/ports.js';
import { AssessmentService } from '../src/core/service.js';
import { RedisStore } from '../src/store/index.js';
import { deleteKeysWithPrefix } from '../test/helpers/redis-prefix.js';
import { freePort } from '../test/helpers/ports.js';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET, interactionBody, signedHeaders, votePayload } from '../test/helpers/slack-sign.js';
import type { FakeSlackStats } from './fake-slack.js';
import { VOTE_PATH_TARGET, votePathSection, type TargetSummary, type VotePathResult } from './vote-path-section.js';

/** The shape bench/run.ts prints: one table per section. `data` is what goes into results.json. */
export interface BenchSection {
  title: string;
  target: string;
  rows: Record<string, unknown>[];
  verdict: string;
  /** A paragraph printed between the target and the table. */
  note?: string;
  key: string;
  data: unknown;
}

// --- processes -------------------------------------------------------------------------------------------------

const compiled = import.meta.dirname.includes(`${sep}dist${sep}`);
/** The repository root, from the source tree or from dist/bench. */
export const repoRoot = compiled ? resolve(import.meta.dirname, '../..') : resolve(import.meta.dirname, '..');

/** How to run one of our scripts: the compiled file under dist when we are compiled, else the TypeScript one through tsx. */
export function nodeScript(relativeTs: string, nodeArgs: string[] = []): { cmd: string; args: string[] } {
  if (compiled) return { cmd: process.execPath, args: [...nodeArgs, join(repoRoot, 'dist', relativeTs.replace(/\.ts$/, '.js'))] };
  return { cmd: process.execPath, args: [...nodeArgs, '--import', 'tsx', join(repoRoot, relativeTs)] };
}

/** BENCH_CPU_PROF_DIR=<dir> writes a V8 CPU profile of each server under test there (open it in Chrome DevTools). */
function profileArgs(name: string): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`] : [];
}


export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `test` until it is true (benchmarks only: the fault and security suites wait on events instead). */
export async function waitUntil(test: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await test())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export interface Child {
  proc: ChildProcess;
  /** The first JSON line the child printed on stdout (its address), when asked for. */
  firstLine: Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts a child with its output in a log file (a full pipe would block it); `stop` sends SIGTERM, then SIGKILL. */
export function startChild(script: { cmd: string; args: string[] }, extraArgs: string[], env: Record<string, string>, logName: string, logDir: string): Child {
  const proc = spawn(script.cmd, [...script.args, ...extraArgs], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(join(logDir, `${logName}.log`));
  let buffered = '';
  const firstLine = new Promise<Record<string, unknown>>((ok, fail) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n').slice(0, -1)) {
        try {
          const parsed = JSON.parse(line) as unknown;
          if (typeof parsed === 'object' && parsed !== null) ok(parsed as Record<string, unknown>);
        } catch {
          // a log line, not our address
        }
      }
    });
    proc.once('exit', (code) => fail(new Error(`${logName} exited (${code}) before it was ready; see ${join(logDir, `${logName}.log`)}`)));
  });
  firstLine.catch(() => undefined);
  proc.stderr!.pipe(log);
  return {
    proc,
    firstLine,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms; null where /proc is not available. */
export function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
  } catch {
    return null;
  }
}

export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(async () => {
    try {
      return (await fetch(url)).ok;
    } catch {
      return false;
    }
  }, timeoutMs, url);
}

export async function dropRedisPrefix(store: RedisStore, prefix: string): Promise<void> {
  await deleteKeysWithPrefix(store.client, prefix);
}

// --- the round under load ----------------------------------------------------------------------------------------

export const BENCH_TEAM = 'T0BENCH';
export const BENCH_CHANNEL = 'C0BENCH';

/** An open round with `people` participants, every factor open, and (unless told not to) every card already "posted", so refreshes happen. */
export async function seedRound(store: RedisStore, people: number, opts: { cardRefs?: boolean } = {}): Promise<{ roundId: string; participants: string[]; factorIds: string[] }> {
  const service = new AssessmentService({ store, packs: PackRegistry.fromDir(), clock: systemClock, anonymityKeys: new AnonymityKeyring('bench-anonymity-secret') });
  const today = DateTime.now().setZone('Europe/Stockholm');
  const participants = Array.from({ length: people }, (_, i) => `U0B${String(i).padStart(5, '0')}`);
  const round = await service.startRound({
    tenant: BENCH_TEAM,
    platform: 'slack',
    settings: {
      packId: 'integrating-cities-diversity',
      locale: 'sv',
      mode: 'internal-evaluation',
      channelId: BENCH_CHANNEL,
      participants,
      managers: [],
      pacing: 'all-at-once',
      startDate: today.toISODate()!,
      closeDate: today.plus({ weeks: 6 }).toISODate()!,
      timezone: 'Europe/Stockholm',
    },
    actor: { id: participants[0]!, name: 'Cora Bench' },
  });
  let n = 0;
  for (const factorId of opts.cardRefs === false ? [] : round.factorIds) {
    n += 1;
    await store.setCardRef(BENCH_TEAM, round.id, factorId, { channelId: BENCH_CHANNEL, messageId: `1768203000.${String(n).padStart(6, '0')}` });
  }
  return { roundId: round.id, participants, factorIds: round.factorIds };
}

/** Makes a fresh, distinct vote click each call: the next person, a factor and level, a new action_ts and signature. */
export function voteStream(roundId: string, participants: string[], factorIds: string[], seed: string) {
  let n = 0;
  const base = Math.floor(Date.now() / 1000);
  return () => {
    const i = n++;
    const user = participants[i % participants.length]!;
    const factorIndex = Math.floor(i / participants.length) % factorIds.length;
    const factorId = factorIds[factorIndex]!;
    // Each time the stream comes back to a person and factor (every people × factors clicks) the level moves on, so
    // every repeat is a changed vote: the costly case, which edits the card (a same-level vote leaves it alone).
    const cycle = Math.floor(i / (participants.length * factorIds.length));
    const level = LEVELS[((i % participants.length) * 7 + factorIndex + cycle + seed.length) % LEVELS.length] as Level;
    const body = interactionBody(
      votePayload({ team: BENCH_TEAM, user, channel: BENCH_CHANNEL, roundId, factorId, level, actionTs: `${base}.${seed}${String(i).padStart(7, '0')}` }),
    );
    return { body, headers: signedHeaders(body, BENCH_SIGNING_SECRET) };
  };
}

// --- load -------------------------------------------------------------------------------------------------------

/**
 * Who is measured: the project; the confirming baseline (Bolt: ack, one HSET, chat.postEphemeral to the voter), which the
 * targets are set against; and the reference (Bolt: ack and one HSET, no confirmation), shown for comparison only.
 */
export type VoteTarget = 'project' | 'baseline' | 'reference';

export interface LoadResult {
  target: VoteTarget;
  mode: 'saturating' | 'fixed-rate';
  requests: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Time after the load stopped until every acknowledged vote's work was done (stored, confirmed). */
  drainMs: number;
  /** Votes whose work was done, per second of load plus drain. */
  completedPerSec: number;
  /** CPU time the server process spent per completed vote (load and drain): robust to a busy machine, unlike wall time. */
  cpuMsPerVote: number | null;
  /**
   * CPU per completed vote of the other processes on the same two cores: the local fake Slack API (which answers the
   * project's confirmations and card edits), Redis, and the load generator (this process). Their sum with the
   * server's is what one vote costs the machine, which bounds the throughput when the cores are shared.
   */
  fakeSlackCpuMsPerVote: number | null;
  redisCpuMsPerVote: number | null;
  loadGenCpuMsPerVote: number;
  machineCpuMsPerVote: number | null;
}

/** The processes besides the server under test whose CPU a vote also costs. */
export interface SideProcesses {
  fakeSlackPid: number | undefined;
  /** Redis's own CPU time so far (INFO cpu), in ms. */
  redisCpuMs(): Promise<number | null>;
}

export async function redisCpuMs(store: RedisStore): Promise<number | null> {
  const info = await store.client.info('cpu');
  const seconds = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
  const total = (seconds('used_cpu_sys') + seconds('used_cpu_user')) * 1000;
  return Number.isFinite(total) ? total : null;
}

async function load(url: string, next: () => { body: string; headers: Record<string, string> }, opts: { connections: number; seconds: number; rate?: number }): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [
      {
        method: 'POST',
        path: '/slack/events',
        setupRequest: (req) => {
          const { body, headers } = next();
          return { ...req, body, headers };
        },
      },
    ],
  });
}

export interface Target {
  name: VoteTarget;
  url: string;
  /** Votes whose work has completed so far. */
  completed(): Promise<number>;
  pid: number | undefined;
}

export async function measure(target: Target, side: SideProcesses, next: () => { body: string; headers: Record<string, string> }, opts: { connections: number; seconds: number; rate?: number }): Promise<LoadResult> {
  const before = await target.completed();
  const cpuBefore = cpuMs(target.pid);
  const fakeBefore = cpuMs(side.fakeSlackPid);
  const redisBefore = await side.redisCpuMs();
  const loadGenBefore = process.cpuUsage();
  const r = await load(target.url, next, opts);
  const stopped = performance.now();
  const expected = before + r['2xx'];
  await waitUntil(async () => (await target.completed()) >= expected, 120_000, `${target.name} to finish its votes`);
  const drainMs = Math.round(performance.now() - stopped);
  const done = (await target.completed()) - before;
  const cpuAfter = cpuMs(target.pid);
  const loadGen = process.cpuUsage(loadGenBefore);
  const fakeAfter = cpuMs(side.fakeSlackPid);
  const redisAfter = await side.redisCpuMs();
  const perVote = (a: number | null, b: number | null) => (a !== null && b !== null && done > 0 ? Math.round(((b - a) / done) * 100) / 100 : null);
  const server = perVote(cpuBefore, cpuAfter);
  const fakeSlack = perVote(fakeBefore, fakeAfter);
  const redis = perVote(redisBefore, redisAfter);
  const loadGenCpu = perVote(0, (loadGen.user + loadGen.system) / 1000) ?? 0;
  return {
    target: target.name,
    mode: opts.rate ? 'fixed-rate' : 'saturating',
    requests: r.requests.sent,
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    seconds: r.duration,
    reqPerSec: Math.round(r['2xx'] / r.duration),
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    drainMs,
    completedPerSec: Math.round(done / (r.duration + drainMs / 1000)),
    cpuMsPerVote: server,
    fakeSlackCpuMsPerVote: fakeSlack,
    redisCpuMsPerVote: redis,
    loadGenCpuMsPerVote: loadGenCpu,
    machineCpuMsPerVote: server !== null && fakeSlack !== null && redis !== null ? Math.round((server + fakeSlack + redis + loadGenCpu) * 100) / 100 : null,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const round1 = (x: number) => Math.round(x * 10) / 10;

export async function runVotePathBench(opts: { connections?: number; seconds?: number; warmupSeconds?: number; participants?: number; cycles?: number } = {}): Promise<BenchSection[]> {
  const connections = opts.connections ?? 16;
  const cycles = opts.cycles ?? 2;
  const seconds = opts.seconds ?? 10;
  const warmupSeconds = opts.warmupSeconds ?? 3;
  const people = opts.participants ?? 200;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-vote-${randomBytes(4).toString('hex')}`;
  const keys = { baseline: `${prefix}:baseline:votes`, reference: `${prefix}:reference:votes` };
  const logDir = mkdtempSync(join(tmpdir(), 'assess-bench-vote-'));
  const store = await RedisStore.open(redisUrl, { prefix });
  const children: Child[] = [];
  try {
    const fake = startChild(nodeScript('bench/fake-slack.ts'), [], {}, 'fake-slack', logDir);
    children.push(fake);
    const fakeUrl = String((await fake.firstLine).url);
    const fakeOrigin = String((await fake.firstLine).origin);
    const stats = async () => (await (await fetch(`${fakeOrigin}/_fake/stats`)).json()) as FakeSlackStats;
    const confirmationsSoFar = async () => (await stats()).ok['chat.postEphemeral'] ?? 0;

    const { roundId, participants, factorIds } = await seedRound(store, people);

    const projectPort = await freePort();
    const project = startChild(
      nodeScript('src/cli.ts', profileArgs('project')),
      ['start'],
      {
        PORT: String(projectPort),
        HOST: '127.0.0.1',
        REDIS_URL: redisUrl,
        REDIS_PREFIX: prefix,
        SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
        SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
        SLACK_API_URL: fakeUrl,
        ANONYMITY_SECRET: 'bench-anonymity-secret',
        LOG_LEVEL: 'warn',
        PLAYGROUND: 'off',
        NODE_ENV: 'production',
      },
      'project',
      logDir,
    );
    children.push(project);
    const boltApp = async (name: 'baseline' | 'reference', script: string) => {
      const port = await freePort();
      const child = startChild(
        nodeScript(script, profileArgs(name)),
        [],
        { PORT: String(port), REDIS_URL: redisUrl, SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET, SLACK_BOT_TOKEN: BENCH_BOT_TOKEN, SLACK_API_URL: fakeUrl, BASELINE_KEY: keys[name], NODE_ENV: 'production' },
        name,
        logDir,
      );
      children.push(child);
      return { port, child };
    };
    const baseline = await boltApp('baseline', 'bench/baseline/confirming.ts');
    const reference = await boltApp('reference', 'bench/baseline/app.ts');
    await waitForHttp(`http://127.0.0.1:${projectPort}/readyz`);
    await baseline.child.firstLine;
    await reference.child.firstLine;

    // The runs take turns, so the shared count of confirmations on the fake Slack tells each its own (project, baseline).
    const targets: Record<VoteTarget, Target> = {
      // Each acknowledged vote ends with the voter's confirmation (or a clear refusal) posted to Slack.
      project: { name: 'project', url: `http://127.0.0.1:${projectPort}`, completed: confirmationsSoFar, pid: project.proc.pid },
      baseline: { name: 'baseline', url: `http://127.0.0.1:${baseline.port}`, completed: confirmationsSoFar, pid: baseline.child.proc.pid },
      reference: { name: 'reference', url: `http://127.0.0.1:${reference.port}`, completed: () => store.client.hlen(keys.reference), pid: reference.child.proc.pid },
    };
    const side: SideProcesses = { fakeSlackPid: fake.proc.pid, redisCpuMs: () => redisCpuMs(store).catch(() => null) };
    const streams = {
      project: voteStream(roundId, participants, factorIds, '1'),
      baseline: voteStream(roundId, participants, factorIds, '2'),
      reference: voteStream(roundId, participants, factorIds, '3'),
    };

    console.error(`  vote path: warm-up ${warmupSeconds} s each`);
    for (const name of ['project', 'baseline', 'reference'] as const) await measure(targets[name], side, streams[name], { connections, seconds: warmupSeconds });

    // ABBA order for the project and the baseline it is judged against, so a drift of the machine weighs on both alike;
    // the reference runs in the middle. On a shared machine a burst of other work can slow one run several-fold, so the
    // cycle is repeated (project, baseline, reference, baseline, project, twice by default) and the runs are summed.
    const runs: LoadResult[] = [];
    const loadStart = round1(loadavg()[0]!);
    const order = Array.from({ length: cycles }, () => ['project', 'baseline', 'reference', 'baseline', 'project'] as const).flat();
    for (const name of order) {
      console.error(`  vote path: ${name}, ${connections} connections, ${seconds} s`);
      runs.push(await measure(targets[name], side, streams[name], { connections, seconds }));
    }
    const of = (name: string, mode: string) => runs.filter((r) => r.target === name && r.mode === mode);
    const summary = (name: VoteTarget): TargetSummary => {
      const rs = of(name, 'saturating');
      const total = rs.reduce((a, r) => a + r.ok2xx, 0);
      const secs = rs.reduce((a, r) => a + r.seconds, 0);
      const cpu = rs.map((r) => r.cpuMsPerVote).filter((x): x is number => x !== null);
      const machine = rs.map((r) => r.machineCpuMsPerVote).filter((x): x is number => x !== null);
      return {
        reqPerSec: Math.round(total / secs),
        p50Ms: round1(mean(rs.map((r) => r.p50Ms))),
        p99Ms: round1(mean(rs.map((r) => r.p99Ms))),
        completedPerSec: Math.round(mean(rs.map((r) => r.completedPerSec))),
        cpuMsPerVote: cpu.length ? Math.round(mean(cpu) * 100) / 100 : null,
        machineCpuMsPerVote: machine.length ? Math.round(mean(machine) * 100) / 100 : null,
      };
    };
    const p = summary('project');
    const b = summary('baseline');
    const ref = summary('reference');

    // The same offered load for all, below either one's limit: latency without queueing in the load generator.
    const rate = Math.max(50, Math.round(Math.min(p.completedPerSec, b.completedPerSec) * 0.5));
    for (const name of ['baseline', 'project', 'reference'] as const) {
      console.error(`  vote path: ${name}, fixed rate ${rate}/s`);
      runs.push(await measure(targets[name], side, streams[name], { connections, seconds, rate }));
    }
    const fixed = (name: VoteTarget) => {
      const r = of(name, 'fixed-rate')[0]!;
      return { p50Ms: r.p50Ms, p99Ms: r.p99Ms };
    };

    // What the load left behind: every tally equals the votes read back; every acknowledged vote was confirmed.
    await sleep(1500);
    const snap = await store.getSnapshot(BENCH_TEAM, roundId);
    let projectVotes = 0;
    let talliesMatchVotes = snap !== null;
    for (const f of factorIds) {
      const votes = Object.values(snap?.votes[f] ?? {});
      projectVotes += votes.length;
      for (const level of LEVELS) if ((snap?.counts[f]?.[level] ?? 0) !== votes.filter((v) => v === level).length) talliesMatchVotes = false;
    }
    const finalStats = await stats();
    const result: VotePathResult = {
      connections,
      secondsPerRun: seconds,
      cycles,
      loadAverage: { start: loadStart, end: round1(loadavg()[0]!) },
      participants: people,
      runs,
      throughputRatio: Math.round((p.reqPerSec / b.reqPerSec) * 100) / 100,
      completedRatio: Math.round((p.completedPerSec / b.completedPerSec) * 100) / 100,
      referenceThroughputRatio: Math.round((p.reqPerSec / ref.reqPerSec) * 100) / 100,
      project: p,
      baseline: b,
      reference: ref,
      fixedRate: { rate, project: fixed('project'), baseline: fixed('baseline'), reference: fixed('reference') },
      integrity: {
        projectVotes,
        talliesMatchVotes,
        confirmations: finalStats.ok['chat.postEphemeral'] ?? 0,
        cardEdits: finalStats.ok['chat.update'] ?? 0,
        baselineWrites: await store.client.hlen(keys.baseline),
        referenceWrites: await store.client.hlen(keys.reference),
      },
      met: { throughput: p.reqPerSec >= VOTE_PATH_TARGET.throughputRatio * b.reqPerSec, p99: p.p99Ms <= b.p99Ms },
    };
    return [votePathSection(result)];
  } finally {
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    await dropRedisPrefix(store, prefix).catch(() => undefined);
    await store.close();
  }
}
