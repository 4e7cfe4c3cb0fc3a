// `assess-bot export <roundId> --tenant <t> --format csv|md|json|html [--out file]`: a report from the store named by REDIS_URL or STORE_SNAPSHOT_FILE.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Locale } from '../content/schema.js';
import { toAppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import { systemClock } from '../core/ports.js';
import { openCliStore, type Writable } from './open-store.js';
import { exportRound } from '../reports/export.js';
import { EXPORT_FORMATS, ExportFormatSchema } from '../reports/formats.js';
import { loadReportStates } from '../reports/load.js';
import { CLI_DIALECT, renderText } from '../core/text-format.js';

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
  const opened = await openCliStore(env, err);
  if (typeof opened === 'number') return opened;
  const { config, store, service } = opened;
  locale = config.DEFAULT_LOCALE;
  try {
    const { state, baseline, plan } = await loadReportStates(service.read, values.tenant, roundId, service);
    const result = await exportRound(state, baseline, format.data, { now: systemClock.now(), plan: plan ?? null });
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
    err.write(`${appError.code === 'ROUND_NOT_FOUND' ? t(locale, 'report.cli.notFound', { round: roundId, tenant: values.tenant }) : renderText(appError.userMessage(locale), CLI_DIALECT)}\n`);
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
