// What the store-reading CLI commands (export, history, privacy) open: the config, the store it names, and the service.
import { ConfigError, loadConfig, type Config } from '../config.js';
import { PackRegistry } from '../content/registry.js';
import { loadKeyring } from '../core/anonymity-keys.js';
import { t } from '../core/i18n.js';
import { systemClock, type Store } from '../core/ports.js';
import { AssessmentService } from '../core/service.js';
import { createStore } from '../store/index.js';

export interface Writable {
  write(chunk: string | Buffer): unknown;
}

export interface CliStore {
  config: Config;
  store: Store;
  service: AssessmentService;
}

/**
 * Config, store and service, or exit code 2 after saying what is wrong (bad config, no store named). The service keys
 * anonymous rounds' members exactly as the server does: ANONYMITY_SECRET(_PREVIOUS), else the key kept in the store.
 */
export async function openCliStore(env: Record<string, string | undefined>, err: Writable): Promise<CliStore | number> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      err.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (!config.REDIS_URL && !config.STORE_SNAPSHOT_FILE) {
    err.write(`${t(config.DEFAULT_LOCALE, 'report.cli.noStore')}\n`);
    return 2;
  }
  const store = await createStore({
    ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}),
    prefix: config.REDIS_PREFIX,
    ...(config.STORE_SNAPSHOT_FILE ? { snapshotFile: config.STORE_SNAPSHOT_FILE } : {}),
  });
  const anonymityKeys = await loadKeyring({ secret: config.ANONYMITY_SECRET, previous: config.ANONYMITY_SECRET_PREVIOUS, store });
  const service = new AssessmentService({
    store,
    packs: PackRegistry.fromDir(config.CONTENT_DIR),
    clock: systemClock,
    anonymityKeys,
    retentionMonths: config.RETENTION_MONTHS,
  });
  return { config, store, service };
}
