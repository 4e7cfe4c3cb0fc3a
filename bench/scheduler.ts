// Scheduler benchmark: 1,000 open rounds with 10,000 due jobs, drained by 3 replicas on one Redis; every job must run exactly once.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { AnonymityKeyring } from '../src/core/anonymity-keys.js';
import { PackRegistry } from '../src/content/registry.js';
import type { Round } from '../src/core/model.js';
import type { Job } from '../src/core/ports.js';
import { Delivery } from '../src/core/delivery/delivery.js';
import type { ChatPort } from '../src/core/delivery/port.js';
import { AssessmentService } from '../src/core/service.js';
import { Scheduler } from '../src/schedule/scheduler.js';
import { RedisStore } from '../src/store/index.js';
import { deleteKeysWithPrefix } from '../test/helpers/redis-prefix.js';
import { benchRound } from './store.js';

export interface SchedulerBenchResult {
  rounds: number;
  jobs: number;
  replicas: number;
  ranOnce: number;
  duplicates: number;
  missing: number;
  jobsPerSecond: number;
  lagP50Ms: number;
  lagP99Ms: number;
  perReplica: number[];
}

export async function runSchedulerBench(rounds = 1000, jobsPerRound = 10, replicas = 3): Promise<SchedulerBenchResult> {
  const prefix = `bench-sched-${randomBytes(4).toString('hex')}`;
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const stores = await Promise.all(Array.from({ length: replicas }, () => RedisStore.open(url, { prefix })));
  const packs = PackRegistry.fromDir();
  const start = Date.now();
  const clock = { now: () => Date.now() };
  const deliveries = new Map<string, number>();
  const doneAt = new Map<string, number>();
  const perReplica = Array.from({ length: replicas }, () => 0);
  try {
    const seed = stores[0]!;
    const jobs: Job[] = [];
    for (let i = 0; i < rounds; i++) {
      const round: Round = { ...benchRound('bench', `r${i}`, 5), managers: ['M1'] };
      await seed.createRound(round);
      for (let j = 0; j < jobsPerRound; j++) {
        jobs.push({ id: `bench:r${i}:weekly-digest:${j}`, kind: 'weekly-digest', tenant: 'bench', roundId: round.id, dueAt: start - 1000, payload: {}, attempts: 0 });
      }
    }
    for (let i = 0; i < jobs.length; i += 1000) await seed.scheduleJobs(jobs.slice(i, i + 1000));

    const schedulers = stores.map((store, idx) => {
      const service = new AssessmentService({ store, packs, clock, anonymityKeys: new AnonymityKeyring('bench') });
      // A platform that takes every message at once: what is measured is the scheduler and the store.
      const port: ChatPort = {
        capabilities: { edit: false, ephemeral: false, perUserRefresh: false, chartUpload: false, permalinks: false },
        pace: { perSecond: 100_000, concurrency: 8 },
        post: async () => 'm',
        edit: async () => undefined,
        dm: async () => true,
      };
      const delivery = new Delivery({ store, read: service.read, clock, ports: { get: () => port }, reportUrl: () => 'https://bench.invalid/' });
      return new Scheduler({
        store, service, delivery, clock, batchSize: 100,
        onJob: ({ job, outcome }) => {
          if (outcome !== 'done') return;
          deliveries.set(job.id, (deliveries.get(job.id) ?? 0) + 1);
          doneAt.set(job.id, Date.now());
          perReplica[idx]! += 1;
        },
      });
    });
    const t0 = performance.now();
    await Promise.all(schedulers.map((s) => s.drain(10_000)));
    const seconds = (performance.now() - t0) / 1000;
    const lags = [...doneAt.values()].map((t) => t - start).sort((a, b) => a - b);
    const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? 0;
    const ids = jobs.map((j) => j.id);
    return {
      rounds,
      jobs: jobs.length,
      replicas,
      ranOnce: ids.filter((id) => deliveries.get(id) === 1).length,
      duplicates: ids.filter((id) => (deliveries.get(id) ?? 0) > 1).length,
      missing: ids.filter((id) => !deliveries.has(id)).length,
      jobsPerSecond: Math.round(jobs.length / seconds),
      lagP50Ms: pct(0.5),
      lagP99Ms: pct(0.99),
      perReplica,
    };
  } finally {
    await deleteKeysWithPrefix(stores[0]!.client, prefix);
    await Promise.all(stores.map((s) => s.close()));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSchedulerBench().then((r) => console.log(JSON.stringify(r, null, 2)));
}
