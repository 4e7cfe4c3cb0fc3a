// What the store-reading CLI commands (export, history, privacy) open: the config, the store it names, and the service.
import { ConfigError, loadConfig, type Config } from '../config.js';
import { PackRegistry } from '../content/registry.js';
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
 * Config, store and service, or exit code 2 after saying what is wrong (bad config, no store named). `memberKeys`:
 * the command must find members of anonymous rounds (privacy), so it uses the secret the server derives and warns
 * when there is none; otherwise any secret will do.
 */
export async function openCliStore(env: Record<string, string | undefined>, err: Writable, opts: { memberKeys: boolean }): Promise<CliStore | number> {
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
  let secret: string;
  if (opts.memberKeys) {
    // The same secret the server derives (build.ts), so anonymous rounds' member keys can be found for erasure.
    const derived = config.ANONYMITY_SECRET ?? config.SLACK_SIGNING_SECRET ?? config.MICROSOFT_APP_PASSWORD;
    if (!derived) err.write(`${t(config.DEFAULT_LOCALE, 'modes.cli.noSecret')}\n`);
    secret = derived ?? 'no-secret';
  } else {
    // Exports never derive member keys; the secret only has to exist.
    secret = config.ANONYMITY_SECRET ?? 'export';
  }
  const service = new AssessmentService({
    store,
    packs: PackRegistry.fromDir(config.CONTENT_DIR),
    clock: systemClock,
    anonymitySecret: secret,
    retentionMonths: config.RETENTION_MONTHS,
  });
  return { config, store, service };
}
