// Prometheus metrics (prom-client): interactions, votes, platform API calls and 429s, scheduler lag and jobs.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  interactions: Counter<'platform' | 'kind' | 'outcome'>;
  votes: Counter<'platform'>;
  apiCalls: Counter<'platform' | 'method' | 'outcome'>;
  rateLimited: Counter<'platform'>;
  jobs: Counter<'kind' | 'outcome'>;
  schedulerLag: Histogram<'kind'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    interactions: new Counter({ name: 'assess_interactions_total', help: 'Inbound interactions by platform, kind and outcome', labelNames: ['platform', 'kind', 'outcome'], registers: [registry] }),
    votes: new Counter({ name: 'assess_votes_total', help: 'Votes counted', labelNames: ['platform'], registers: [registry] }),
    apiCalls: new Counter({ name: 'assess_platform_api_calls_total', help: 'Outbound platform API calls', labelNames: ['platform', 'method', 'outcome'], registers: [registry] }),
    rateLimited: new Counter({ name: 'assess_platform_rate_limited_total', help: '429 answers from platform APIs', labelNames: ['platform'], registers: [registry] }),
    jobs: new Counter({ name: 'assess_scheduler_jobs_total', help: 'Scheduler jobs by kind and outcome', labelNames: ['kind', 'outcome'], registers: [registry] }),
    schedulerLag: new Histogram({ name: 'assess_scheduler_lag_seconds', help: 'How late a job ran after its due time', labelNames: ['kind'], buckets: [1, 5, 15, 30, 60, 120, 300, 900, 3600, 86400], registers: [registry] }),
  };
}
