// Wires the application: config → store, content, service, scheduler, HTTP server and platform adapters. main.ts only starts it.
import { randomBytes } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { PackRegistry } from '../content/registry.js';
import type { Clock, Store } from '../core/ports.js';
import { systemClock } from '../core/ports.js';
import { AssessmentService } from '../core/service.js';
import { UninstallGrace } from '../core/uninstall.js';
import { Scheduler } from '../schedule/scheduler.js';
import { createStore } from '../store/index.js';
import { registerReportRoutes } from '../reports/routes.js';
import { CommandRouter } from './commands.js';
import { registerModeRoutes } from './mode-routes.js';
import { createLogger, type Logger } from './logger.js';
import { MessengerHub } from './messenger-hub.js';
import { createMetrics, type Metrics } from './metrics.js';
import { ReportLinks } from './report-links.js';

export interface PlatformAdapter {
  readonly name: string;
  /** Readiness of the platform side (credentials present, client built). */
  ready(): Promise<{ ok: boolean; detail?: string }>;
  close?(): Promise<void>;
}

export interface AppContext {
  config: Config;
  http: FastifyInstance;
  store: Store;
  packs: PackRegistry;
  service: AssessmentService;
  scheduler: Scheduler;
  messengers: MessengerHub;
  /** Forgetting uninstalled workspaces after UNINSTALL_GRACE_DAYS, unless they reinstall. */
  uninstalls: UninstallGrace;
  commands: CommandRouter;
  reportLinks: ReportLinks;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  adapters: PlatformAdapter[];
  /** The URL people reach the server at (PUBLIC_URL, or localhost:PORT). */
  baseUrl: string;
}

export interface BuildOverrides {
  store?: Store;
  clock?: Clock;
  logger?: Logger;
  /** Register platform adapters (Slack, Teams, playground) after the core is wired. */
  adapters?: ((ctx: AppContext) => Promise<PlatformAdapter | null>)[];
}

export interface App extends AppContext {
  close(): Promise<void>;
}

export async function build(config: Config, overrides: BuildOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  const metrics = createMetrics();
  const store =
    overrides.store ??
    (await createStore({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, snapshotFile: config.STORE_SNAPSHOT_FILE }));
  const packs = PackRegistry.fromDir(config.CONTENT_DIR);
  const secret = config.ANONYMITY_SECRET ?? config.SLACK_SIGNING_SECRET ?? config.MICROSOFT_APP_PASSWORD ?? randomBytes(32).toString('hex');
  if (!config.ANONYMITY_SECRET) logger.warn('ANONYMITY_SECRET is not set; anonymous rounds and report links use a derived or per-process secret');
  const service = new AssessmentService({ store, packs, clock, anonymitySecret: secret, retentionMonths: config.RETENTION_MONTHS });
  const messengers = new MessengerHub();
  const uninstalls = new UninstallGrace({ store, clock, privacy: service.privacy, graceDays: config.UNINSTALL_GRACE_DAYS });
  const scheduler = new Scheduler({
    store,
    service,
    messenger: messengers,
    clock,
    uninstalls,
    onJob: ({ job, outcome, lagMs, error }) => {
      metrics.jobs.inc({ kind: job.kind, outcome });
      metrics.schedulerLag.observe({ kind: job.kind }, lagMs / 1000);
      if (error) logger.warn({ jobId: job.id, kind: job.kind, outcome, err: error }, 'scheduled job failed');
      else logger.debug({ jobId: job.id, kind: job.kind, outcome }, 'scheduled job ran');
    },
  });
  const baseUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const reportLinks = new ReportLinks(baseUrl, secret);
  const commands = new CommandRouter({ service, scheduler, messenger: messengers, reportLinks });
  const http: FastifyInstance = Fastify({ loggerInstance: logger as unknown as FastifyBaseLogger, bodyLimit: 1024 * 1024,
    // Per-request logs only when debugging; errors are always logged.
    logController: new LogController({ disableRequestLogging: config.LOG_LEVEL !== 'debug' && config.LOG_LEVEL !== 'trace' }),
  });

  const ctx: AppContext = {
    config, http, store, packs, service, scheduler, messengers, uninstalls, commands, reportLinks, logger, metrics, clock, adapters: [], baseUrl,
  };

  // While shutting down, answer with `Connection: close`: a keep-alive socket left idle after its last
  // response would otherwise hold http.close() open until keepAliveTimeout (72 s), past main.ts's forced exit.
  let shuttingDown = false;
  http.addHook('onSend', async (_req, reply, payload) => {
    if (shuttingDown) reply.header('connection', 'close');
    return payload;
  });

  http.get('/healthz', async () => ({ ok: true }));
  http.get('/readyz', async (_req, reply) => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      await store.ping();
      checks.store = { ok: true, detail: store.kind };
    } catch (err) {
      checks.store = { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
    for (const adapter of ctx.adapters) checks[adapter.name] = await adapter.ready();
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.code(ok ? 200 : 503).send({ ok, checks });
  });
  http.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  registerReportRoutes(ctx);
  registerModeRoutes(ctx);

  for (const register of overrides.adapters ?? []) {
    const adapter = await register(ctx);
    if (adapter) ctx.adapters.push(adapter);
  }

  return {
    ...ctx,
    async close() {
      // Order matters: stop new jobs, finish in-flight requests, then close the store.
      await scheduler.stop();
      shuttingDown = true;
      await http.close();
      for (const adapter of ctx.adapters) await adapter.close?.();
      await store.close();
    },
  };
}
