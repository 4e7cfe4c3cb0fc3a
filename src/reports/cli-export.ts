// `assess-bot export <roundId> --tenant <t> --format csv|md|json|html [--out file]`: a report from the store named by REDIS_URL or STORE_SNAPSHOT_FILE.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { PackRegistry } from '../content/registry.js';
import type { Locale } from '../content/schema.js';
import { toAppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import { systemClock } from '../core/ports.js';
import { AssessmentService } from '../core/service.js';
import { createStore } from '../store/index.js';
import { EXPORT_FORMATS, ExportFormatSchema, exportRound } from './export.js';
import { loadReportStates } from './load.js';

interface Writable {
  write(chunk: string | Buffer): unknown;
}

export async function runExportCommand(args: string[], out: Writable, err: Writable, env: Record<string, string | undefined> = process.env): Promise<number> {
  let locale: Locale = env.DEFAULT_LOCALE === 'en' ? 'en' : 'sv';
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    err.write(`${e instanceof Error ? e.message : String(e)}\n${t(locale, 'report.cli.usage')}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const roundId = positionals[0];
  const format = ExportFormatSchema.safeParse(values.format?.toLowerCase());
  if (!roundId || !values.tenant || !format.success) {
    if (values.format && !format.success) {
      err.write(`${t(locale, 'report.errors.badFormat', { format: values.format, formats: EXPORT_FORMATS.join(', ') })}\n`);
    }
    err.write(`${t(locale, 'report.cli.usage')}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      err.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  locale = config.DEFAULT_LOCALE;
  if (!config.REDIS_URL && !config.STORE_SNAPSHOT_FILE) {
    err.write(`${t(locale, 'report.cli.noStore')}\n`);
    return 2;
  }
  const store = await createStore({
    ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}),
    prefix: config.REDIS_PREFIX,
    ...(config.STORE_SNAPSHOT_FILE ? { snapshotFile: config.STORE_SNAPSHOT_FILE } : {}),
  });
  try {
    const service = new AssessmentService({
      store,
      packs: PackRegistry.fromDir(config.CONTENT_DIR),
      clock: systemClock,
      // Exports never derive member keys; the secret only has to exist.
      anonymitySecret: config.ANONYMITY_SECRET ?? 'export',
    });
    const { state, baseline } = await loadReportStates(service, values.tenant, roundId);
    const result = await exportRound(state, baseline, format.data, { now: systemClock.now() });
    if (values.out) {
      const path = resolve(values.out);
      writeFileSync(path, result.body);
      err.write(`${t(state.round.locale, 'report.cli.wrote', { path, bytes: Buffer.byteLength(result.body) })}\n`);
    } else {
      out.write(result.body);
    }
    return 0;
  } catch (e) {
    const appError = toAppError(e);
    err.write(`${appError.code === 'ROUND_NOT_FOUND' ? t(locale, 'report.cli.notFound', { round: roundId, tenant: values.tenant }) : appError.userMessage(locale)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  });
}
