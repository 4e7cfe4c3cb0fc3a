// Starts the bot: reads the config, builds the app, listens, ticks the scheduler, shuts down gracefully.
import { ConfigError, loadConfig } from '../config.js';
import { defaultAdapters, playgroundEnabled } from './adapters.js';
import { OffsetClock } from '../infra/clock.js';
import { build } from './build.js';

/** How long after start the report process (reports/render-process.ts) starts, ahead of the first report. */
const REPORT_PROCESS_DELAY_MS = 15_000;

/** An unsafe or inconsistent configuration: say which variable, and exit with EX_CONFIG (78) so nothing runs open. */
function refuse(err: ConfigError): never {
  console.error(err.message);
  process.exit(78);
}

export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) refuse(err);
    throw err;
  }
  // The configured platforms' modules (and their SDKs) load while the store connects and the content loads.
  const adapters = defaultAdapters(config);
  for (const adapter of adapters) adapter.preload();
  // The playground's clock can be moved forward to fire reminders and digests; real deployments use the system clock.
  let app;
  try {
    app = await build(config, {
      adapters,
      ...(playgroundEnabled(config) ? { clock: new OffsetClock() } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError) refuse(err);
    throw err;
  }
  await app.http.listen({ port: config.PORT, host: config.HOST });
  if (app.admin && config.ADMIN_PORT !== undefined) await app.admin.listen({ port: config.ADMIN_PORT, host: config.ADMIN_HOST });
  app.scheduler.start();
  // The report process loads a little after start, so it does not compete with the bot's first requests.
  setTimeout(() => {
    app.warmReports().catch((err: unknown) => app.logger.warn({ err }, 'report process did not start; it starts again with the first report'));
  }, REPORT_PROCESS_DELAY_MS).unref();
  const names = app.adapters.map((a) => a.name).join(', ') || 'none';
  app.logger.info(
    { port: config.PORT, store: app.store.kind, adapters: names, ...(config.ADMIN_PORT !== undefined ? { adminPort: config.ADMIN_PORT, adminHost: config.ADMIN_HOST } : {}) },
    'assess-bot is running',
  );
  if (app.adapters.some((a) => a.name === 'playground')) {
    console.log(`\n  Playground: http://localhost:${config.PORT}\n`);
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => app.logger.error({ err }, 'unhandled rejection'));
}
