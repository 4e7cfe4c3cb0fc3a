// `assess-bot history` and `assess-bot privacy export|erase|forget|audit`: progress and privacy requests from the command line.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Locale } from '../content/schema.js';
import { toAppError } from '../core/errors.js';
import { buildHistory, historyTable } from '../core/history.js';
import { t } from '../core/i18n.js';
import type { PrivacyAuditEntry } from '../core/privacy-access.js';
import { renderHistoryChartPng } from '../reports/history-chart.js';
import { playgroundPrivacySource } from '../platforms/playground/timeline.js';
import { openCliStore, type CliStore, type Writable } from './open-store.js';
import { CLI_DIALECT, renderText } from '../core/text-format.js';

type Env = Record<string, string | undefined>;

/** Config, store and service (with the playground's records for privacy requests), or an exit code. */
async function open(env: Env, err: Writable): Promise<CliStore | number> {
  const opened = await openCliStore(env, err);
  // The playground keeps its timeline in the same store (embedded store file, or a shared Redis).
  if (typeof opened !== 'number') opened.service.privacy.register(playgroundPrivacySource(opened.store));
  return opened;
}

/** `history --tenant <t> --channel <c> [--json] [--chart file.png]` */
export async function runHistoryCommand(args: string[], out: Writable, err: Writable, env: Env = process.env): Promise<number> {
  let locale: Locale = env.DEFAULT_LOCALE === 'en' ? 'en' : 'sv';
  let values: { tenant?: string; channel?: string; json?: boolean; chart?: string };
  try {
    values = parseArgs({ args, options: { tenant: { type: 'string' }, channel: { type: 'string' }, json: { type: 'boolean' }, chart: { type: 'string' } } }).values;
  } catch (e) {
    err.write(`${e instanceof Error ? e.message : String(e)}\n${t(locale, 'modes.cli.historyUsage')}\n`);
    return 2;
  }
  if (!values.tenant || !values.channel) {
    err.write(`${t(locale, 'modes.cli.historyUsage')}\n`);
    return 2;
  }
  const opened = await open(env, err);
  if (typeof opened === 'number') return opened;
  locale = opened.config.DEFAULT_LOCALE;
  try {
    const states = await opened.service.historyStates(values.tenant, values.channel);
    const history = buildHistory(states, states.at(-1)?.round.locale ?? locale);
    if (values.json) out.write(`${JSON.stringify(history, null, 2)}\n`);
    else out.write(`${historyTable(history, { maxRounds: 50, fence: false })}\n`);
    if (values.chart && history.rounds.length > 0) {
      const path = resolve(values.chart);
      const png = await renderHistoryChartPng(history);
      writeFileSync(path, png);
      err.write(`${t(locale, 'report.cli.wrote', { path, bytes: png.length })}\n`);
    }
    return 0;
  } catch (e) {
    err.write(`${renderText(toAppError(e).userMessage(locale), CLI_DIALECT)}\n`);
    return 1;
  } finally {
    await opened.store.close();
  }
}

/**
 * `privacy export|erase --tenant <t> --user <id> [--yes]`, `privacy forget --tenant <t> [--keep-rounds] [--yes]` and
 * `privacy audit --tenant <t> [--json]` (who asked for whose data, when, and what came of it).
 */
export async function runPrivacyCommand(args: string[], out: Writable, err: Writable, env: Env = process.env): Promise<number> {
  let locale: Locale = env.DEFAULT_LOCALE === 'en' ? 'en' : 'sv';
  let parsed: { values: { tenant?: string; user?: string; yes?: boolean; 'keep-rounds'?: boolean; json?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { tenant: { type: 'string' }, user: { type: 'string' }, yes: { type: 'boolean' }, 'keep-rounds': { type: 'boolean' }, json: { type: 'boolean' } },
    });
  } catch (e) {
    err.write(`${e instanceof Error ? e.message : String(e)}\n${t(locale, 'modes.cli.privacyUsage')}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const action = positionals[0];
  const needsUser = action === 'export' || action === 'erase';
  if (!values.tenant || !(needsUser ? values.user : action === 'forget' || action === 'audit')) {
    err.write(`${t(locale, 'modes.cli.privacyUsage')}\n`);
    return 2;
  }
  if ((action === 'erase' || action === 'forget') && !values.yes) {
    err.write(`${t(locale, 'modes.cli.needsYes')}\n`);
    return 2;
  }
  const opened = await open(env, err);
  if (typeof opened === 'number') return opened;
  locale = opened.config.DEFAULT_LOCALE;
  try {
    const { privacy } = opened.service;
    if (action === 'audit') {
      const entries = await privacy.audit.list(values.tenant);
      if (values.json) out.write(`${JSON.stringify(entries, null, 2)}\n`);
      else if (entries.length === 0) out.write(`${t(locale, 'modes.cli.auditEmpty', { tenant: values.tenant })}\n`);
      else for (const e of entries) out.write(`${auditLine(e)}\n`);
    } else if (action === 'export') {
      out.write(`${JSON.stringify(await privacy.exportPerson(values.tenant, values.user!), null, 2)}\n`);
    } else if (action === 'erase') {
      out.write(`${JSON.stringify(await privacy.erasePerson(values.tenant, values.user!, { redacted: t(locale, 'modes.privacy.redacted') }))}\n`);
    } else {
      out.write(`${JSON.stringify(await privacy.forgetTenant(values.tenant, { keepRounds: values['keep-rounds'] === true }))}\n`);
    }
    return 0;
  } catch (e) {
    err.write(`${renderText(toAppError(e).userMessage(locale), CLI_DIALECT)}\n`);
    return 1;
  } finally {
    await opened.store.close();
  }
}

/** One line per entry, the same in every language: `2026-01-12T09:30:00.000Z  export  refused  U0BO -> U0ANNA  (none)`. */
function auditLine(e: PrivacyAuditEntry): string {
  const rounds = e.rounds === undefined ? '' : `  rounds=${e.rounds}`;
  return `${e.at}  ${e.action.padEnd(8)}  ${e.outcome.padEnd(7)}  ${e.actor} -> ${e.subject}  (${e.basis}${e.platform ? `, ${e.platform}` : ''})${rounds}`;
}
