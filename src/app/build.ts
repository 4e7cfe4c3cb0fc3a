// Wires the application: config → store, content, service, scheduler, HTTP server and platform adapters. main.ts only starts it.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { trustProxyOption, type Config } from '../config.js';
import { PackRegistry } from '../content/registry.js';
import { loadKeyring, type AnonymityKeyring } from '../core/anonymity-keys.js';
import type { Clock, Store } from '../core/ports.js';
import { systemClock } from '../core/ports.js';
import { AssessmentService } from '../core/service.js';
import { UninstallGrace } from '../core/uninstall.js';
import { Scheduler } from '../schedule/scheduler.js';
import { createStore } from '../store/index.js';
import { registerReportRoutes } from '../reports/routes.js';
import { CommandRouter } from '../commands/router.js';
import { BODY_LIMITS, installHttpLimits } from './http-limits.js';
import { registerModeRoutes } from './mode-routes.js';
import { registerInfoPages } from './info-pages.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { MessengerHub } from '../infra/messenger-hub.js';
import { createMetrics, jobLabels, type Metrics } from '../infra/metrics.js';
import { createAdminServer, registerPublicOpsRoutes } from './ops-routes.js';
import { PrivacyExportLinks } from '../infra/privacy-export-links.js';
import { registerPrivacyRoutes } from './privacy-routes.js';
import { ReportLinks } from '../infra/report-links.js';

export interface PlatformAdapter {
  readonly name: string;
  /** Readiness of the platform side (credentials present, client built). */
  ready(): Promise<{ ok: boolean; detail?: string }>;
  close?(): Promise<void>;
}

export interface AppContext {
  config: Config;
  http: FastifyInstance;
  /** The admin listener (/metrics, detailed /readyz) when ADMIN_PORT is set; main.ts listens on it. */
  admin: FastifyInstance | null;
  store: Store;
  packs: PackRegistry;
  service: AssessmentService;
  scheduler: Scheduler;
  messengers: MessengerHub;
  /** Forgetting uninstalled workspaces after UNINSTALL_GRACE_DAYS, unless they reinstall. */
  uninstalls: UninstallGrace;
  commands: CommandRouter;
  reportLinks: ReportLinks;
  privacyLinks: PrivacyExportLinks;
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
  /** The anonymity keyring; by default from ANONYMITY_SECRET(_PREVIOUS), else the key kept in the store. */
  anonymityKeys?: AnonymityKeyring;
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
  const anonymityKeys =
    overrides.anonymityKeys ?? (await loadKeyring({ secret: config.ANONYMITY_SECRET, previous: config.ANONYMITY_SECRET_PREVIOUS, store }));
  // Where the key came from and its id, never the key: enough to see that replicas agree.
  logger.info({ source: anonymityKeys.source, keyId: anonymityKeys.currentId, previousKeys: anonymityKeys.ids().length - 1 }, 'anonymity key loaded');
  const service = new AssessmentService({ store, packs, clock, anonymityKeys, retentionMonths: config.RETENTION_MONTHS });
  const messengers = new MessengerHub();
  const uninstalls = new UninstallGrace({ store, clock, privacy: service.privacy, graceDays: config.UNINSTALL_GRACE_DAYS });
  const scheduler = new Scheduler({
    store,
    service,
    messenger: messengers,
    clock,
    uninstalls,
    onJob: ({ job, outcome, lagMs, error }) => {
      const labels = jobLabels(job.kind, outcome);
      metrics.jobs.inc(labels);
      metrics.schedulerLag.observe({ kind: labels.kind }, lagMs / 1000);
      if (error) logger.warn({ jobId: job.id, kind: job.kind, outcome, err: error }, 'scheduled job failed');
      else logger.debug({ jobId: job.id, kind: job.kind, outcome }, 'scheduled job ran');
    },
  });
  const baseUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const reportLinks = new ReportLinks(baseUrl, anonymityKeys, { clock, lifetimeDays: config.REPORT_LINK_DAYS });
  const privacyLinks = new PrivacyExportLinks(baseUrl, anonymityKeys.purposeKey('privacy-export-links'), clock);
  const commands = new CommandRouter({ service, scheduler, messenger: messengers, reportLinks, privacyLinks, privacyAdmins: config.PRIVACY_ADMINS, logger });
  const http: FastifyInstance = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    // The playground's JSON; Slack and Teams set their own limits on their routes (http-limits.ts).
    bodyLimit: BODY_LIMITS.default,
    trustProxy: trustProxyOption(config),
    // Per-request logs only when debugging; errors are always logged.
    logController: new LogController({ disableRequestLogging: config.LOG_LEVEL !== 'debug' && config.LOG_LEVEL !== 'trace' }),
  });
  // Before any route, so every route inherits the limits.
  await installHttpLimits(http);

  const ctx: AppContext = {
    config, http, admin: null, store, packs, service, scheduler, messengers, uninstalls, commands, reportLinks, privacyLinks, logger, metrics, clock, adapters: [], baseUrl,
  };
  if (config.ADMIN_PORT !== undefined) ctx.admin = createAdminServer(ctx);

  // While shutting down, answer with `Connection: close`: a keep-alive socket left idle after its last
  // response would otherwise hold http.close() open until keepAliveTimeout (72 s), past main.ts's forced exit.
  let shuttingDown = false;
  http.addHook('onSend', async (_req, reply, payload) => {
    if (shuttingDown) reply.header('connection', 'close');
    return payload;
  });

  registerPublicOpsRoutes(ctx);
  registerReportRoutes(ctx);
  registerModeRoutes(ctx);
  registerPrivacyRoutes(ctx);
  registerInfoPages(ctx);

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
      await ctx.admin?.close();
      for (const adapter of ctx.adapters) await adapter.close?.();
      await store.close();
    },
  };
}
