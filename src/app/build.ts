// The composition root: config → store, content, core services, scheduler, HTTP server, routes and platform adapters.
// main.ts only starts what this builds; tests build it and inject requests.
import type { FastifyInstance } from 'fastify';
import { CommandRouter } from '../commands/router.js';
import type { Config } from '../config.js';
import { PackRegistry } from '../content/registry.js';
import { loadKeyring, type AnonymityKeyring } from '../core/anonymity-keys.js';
import type { Packs } from '../core/packs.js';
import { systemClock, type Clock, type Store } from '../core/ports.js';
import { Interactions } from '../core/interactions/index.js';
import { AssessmentService } from '../core/service.js';
import { Delivery } from '../core/delivery/delivery.js';
import { UninstallGrace } from '../core/uninstall.js';
import { registerInfoPages } from '../http/info-pages.js';
import { SignedLinkGuard } from '../http/link-guard.js';
import { createAdminServer, registerPublicOpsRoutes } from '../http/ops-routes.js';
import { registerPrivacyRoutes } from '../http/privacy-routes.js';
import { registerReportRoutes } from '../http/report-routes.js';
import { ReportDelivery } from '../reports/delivery.js';
import { ReportRenderProcess } from '../reports/render-process.js';
import { createHttpServer } from '../http/server.js';
import { registerWaysOfWorkingRoutes } from '../http/ways-of-working-routes.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { MessengerHub } from '../infra/messenger-hub.js';
import { createMetrics, interactionObserver, jobLabels, type Metrics } from '../infra/metrics.js';
import { PrivacyExportLinks } from '../infra/privacy-export-links.js';
import { ReportLinks } from '../infra/report-links.js';
import type { PlatformAdapter } from '../platforms/adapter.js';
import type { PlaygroundDeps } from '../platforms/playground/deps.js';
import type { SlackDeps } from '../platforms/slack/deps.js';
import type { TeamsDeps } from '../platforms/teams/deps.js';
import { Scheduler } from '../schedule/scheduler.js';
import { createStore } from '../store/index.js';

/** Everything a platform adapter may be given; each adapter's own deps type names the part it uses. */
export type PlatformDeps = SlackDeps & TeamsDeps & PlaygroundDeps;

/** Mounts one platform on the shared server; null when that platform is not configured. */
export type PlatformRegistrar = (deps: PlatformDeps) => Promise<PlatformAdapter | null>;

export interface BuildOverrides {
  store?: Store;
  clock?: Clock;
  logger?: Logger;
  /** The anonymity keyring; by default from ANONYMITY_SECRET(_PREVIOUS), else the key kept in the store. */
  anonymityKeys?: AnonymityKeyring;
  /** Platform adapters (Slack, Teams, playground) to register once the core is wired (see adapters.ts). */
  adapters?: PlatformRegistrar[];
}

/** The built application: what main.ts starts and stops, and what tests reach into. */
export interface App {
  config: Config;
  http: FastifyInstance;
  /** The admin listener (/metrics, detailed /readyz) when ADMIN_PORT is set; main.ts listens on it. */
  admin: FastifyInstance | null;
  store: Store;
  packs: Packs;
  service: AssessmentService;
  /** The inbound port every adapter calls after a click or a submitted form. */
  interactions: Interactions;
  scheduler: Scheduler;
  messengers: MessengerHub;
  /** Cards, reminders and digests, on each round's platform (core/delivery). */
  delivery: Delivery;
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
  /** With Redis: starts the report process ahead of the first report (ReportRenderProcess.warm); else nothing. */
  warmReports(): Promise<void>;
  /** With Redis, the process reports are rendered in (render-process.ts); null with the embedded store. */
  reportProcess: ReportRenderProcess | null;
  close(): Promise<void>;
}

export async function build(config: Config, overrides: BuildOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  const metrics = createMetrics();
  // The store connects (round trips to Redis) while the content packs load (CPU): start-up waits for the slower of the two.
  const connecting = overrides.store
    ? Promise.resolve(overrides.store)
    : createStore({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, snapshotFile: config.STORE_SNAPSHOT_FILE });
  let packs: PackRegistry;
  try {
    packs = PackRegistry.fromDir(config.CONTENT_DIR);
  } catch (err) {
    // Content that does not load stops the start; a store that did connect is closed first, one that did not is moot.
    await connecting.then((s) => (overrides.store ? undefined : s.close()), () => undefined);
    throw err;
  }
  const store = await connecting;
  const anonymityKeys =
    overrides.anonymityKeys ?? (await loadKeyring({ secret: config.ANONYMITY_SECRET, previous: config.ANONYMITY_SECRET_PREVIOUS, store }));
  // Where the key came from and its id, never the key: enough to see that replicas agree.
  logger.info({ source: anonymityKeys.source, keyId: anonymityKeys.currentId, previousKeys: anonymityKeys.ids().length - 1 }, 'anonymity key loaded');
  const service = new AssessmentService({
    store,
    packs,
    clock,
    anonymityKeys,
    retentionMonths: config.RETENTION_MONTHS,
    storeDeadlineMs: config.STORE_RETRY_SECONDS * 1000,
  });
  // The vote's store write already rides out a failover until STORE_RETRY_SECONDS (Voting.castVote): no second loop here.
  const interactions = new Interactions({ service, observe: interactionObserver(metrics), voteRetryMs: 0 });
  const messengers = new MessengerHub();
  const baseUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const reportLinks = new ReportLinks(baseUrl, anonymityKeys, { clock, lifetimeDays: config.REPORT_LINK_DAYS });
  const read = service.read;
  const delivery = new Delivery({
    store,
    // Digests carry the channel's living action plan (AssessmentService.digestInputs), as the asked-for ones do.
    read: {
      state: (tenant, roundId, opts) => read.state(tenant, roundId, opts),
      digestInputs: (round) => service.digestInputs(round),
      baselineState: (round) => read.baselineState(round),
      pendingMembers: (...args) => read.pendingMembers(...args),
      openFactorIds: (round, now) => read.openFactorIds(round, now),
    },
    ports: messengers,
    clock,
    reportUrl: (round) => reportLinks.url(round.tenant, round.id),
    onError: (err, what) => logger.warn({ err }, `delivery: ${what} failed`),
  });
  const uninstalls = new UninstallGrace({ store, clock, privacy: service.privacy, graceDays: config.UNINSTALL_GRACE_DAYS });
  const scheduler = new Scheduler({
    store,
    service,
    delivery,
    clock,
    uninstalls,
    logger,
    onJob: ({ job, outcome, lagMs, error }) => {
      const labels = jobLabels(job.kind, outcome);
      metrics.jobs.inc(labels);
      metrics.schedulerLag.observe({ kind: labels.kind }, lagMs / 1000);
      if (error) logger.warn({ jobId: job.id, kind: job.kind, outcome, err: error }, 'scheduled job failed');
      else logger.debug({ jobId: job.id, kind: job.kind, outcome }, 'scheduled job ran');
    },
  });
  const privacyLinks = new PrivacyExportLinks(baseUrl, anonymityKeys.purposeKey('privacy-export-links'), clock);
  const commands = new CommandRouter({ service, scheduler, delivery, reportLinks, privacyLinks, privacyAdmins: config.PRIVACY_ADMINS, logger });

  const { http, beginShutdown } = await createHttpServer(config, logger);
  const adapters: PlatformAdapter[] = [];
  const ops = { config, store, adapters, metrics };
  const admin = config.ADMIN_PORT !== undefined ? createAdminServer(ops) : null;
  const guard = new SignedLinkGuard({ reportLinks, privacyLinks, defaultLocale: config.DEFAULT_LOCALE });
  registerPublicOpsRoutes(http, ops);
  // With Redis, reports render in a process of their own (render-process.ts), reading the same store; the embedded
  // store lives in this process, and so do its reports.
  const renderProcess =
    !overrides.store && config.REDIS_URL
      ? new ReportRenderProcess({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, contentDir: config.CONTENT_DIR, onError: (err) => logger.warn({ err }, 'report process failed') })
      : null;
  const reports = new ReportDelivery({ read: service.read, plans: service, store, clock, ...(renderProcess ? { renderer: renderProcess } : {}) });
  registerReportRoutes({ http, guard, reports, reportLinks, logger });
  registerWaysOfWorkingRoutes({ http, guard, service, logger });
  registerPrivacyRoutes({ http, guard, service, logger });
  registerInfoPages({ http, config });

  const platformDeps: PlatformDeps = { config, http, baseUrl, packs: service.packs, service, interactions, store, commands, scheduler, reportLinks, uninstalls, messengers, delivery, logger, metrics, clock };
  for (const register of overrides.adapters ?? []) {
    const adapter = await register(platformDeps);
    if (adapter) adapters.push(adapter);
  }

  return {
    config, http, admin, store, packs: service.packs, service, interactions, scheduler, messengers, delivery, uninstalls, commands, reportLinks, privacyLinks, logger, metrics, clock, adapters, baseUrl,
    warmReports: () => renderProcess?.warm() ?? Promise.resolve(),
    reportProcess: renderProcess,
    async close() {
      // Order matters: stop new jobs, finish in-flight requests, then close the store.
      await scheduler.stop();
      beginShutdown();
      await http.close();
      await admin?.close();
      for (const adapter of adapters) await adapter.close?.();
      await renderProcess?.close();
      await store.close();
    },
  };
}
