// `assess-bot export <roundId> --tenant <t> --format csv|md|json|html [--out file]`: a report from the store named by REDIS_URL or STORE_SNAPSHOT_FILE.
import { once } from 'node:events';
import { createWriteStream, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
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
import { UnlistedQuestionError } from '../reports/report-model.js';
import { streamReport } from '../reports/report-stream.js';
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
    const head = await service.read.state(values.tenant, roundId, { answers: false, votes: false });
    const plan = await service.channelPlan(values.tenant, head.round.channel.id);
    const opts = { now: systemClock.now(), plan: plan ?? null };
    const path = values.out ? resolve(values.out) : null;
    // Written a factor at a time (report-stream.ts); a CSV or JSON report to standard output is held until it is whole, since one
    // whose answers name a question the toolkit no longer has must be written by the whole-round exporter instead.
    let sink: WriteStream | null = null;
    const held: string[] = [];
    let bytes = 0;
    const write = async (piece: string) => {
      bytes += Buffer.byteLength(piece);
      if (path) {
        sink ??= createWriteStream(path);
        if (!sink.write(piece)) await once(sink, 'drain');
      } else if (format.data === 'csv' || format.data === 'json') held.push(piece);
      else out.write(piece);
    };
    let written = false;
    const streamed = await streamReport(service.read, values.tenant, roundId, format.data, opts);
    try {
      if (streamed) {
        try {
          for await (const piece of streamed.pieces) await write(piece);
          written = true;
        } catch (e) {
          if (!(e instanceof UnlistedQuestionError)) throw e;
        }
      }
      if (sink) await finished((sink as WriteStream).end());
    } catch (e) {
      // Nothing half-written is left behind.
      (sink as WriteStream | null)?.destroy();
      if (path) rmSync(path, { force: true });
      throw e;
    }
    if (!written) {
      const { state, baseline } = await loadReportStates(service.read, values.tenant, roundId);
      const result = await exportRound(state, baseline, format.data, opts);
      if (path) writeFileSync(path, result.body);
      else out.write(result.body);
      bytes = Buffer.byteLength(result.body);
    } else if (held.length > 0) out.write(held.join(''));
    if (path) err.write(`${t(head.round.locale, 'report.cli.wrote', { path, bytes })}\n`);
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
