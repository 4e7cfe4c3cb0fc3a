// Reports benchmark: one closed round of 13 × 10,000 served by the bot, side by side with a naive HSCAN + CSV script in
// the same run (bench/reports-child.ts, in a process of its own so its RSS is the bot's).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ReportsBenchResult {
  people: number;
  factors: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  /** The report process' largest resident set (render-process.ts), MB; 0 when reports render in the bot's process. */
  reportProcessPeakMb?: number;
  rows: { what: string; ms: number; worstPingMs: number; status: number | string; bytes: number }[];
}

/** Runs the child compiled (dist/) with the image's NODE_OPTIONS, like the memory benchmark. */
export function runReportsBench(people = 10_000): ReportsBenchResult {
  const compiled = join(import.meta.dirname, 'reports-child.js');
  const [cmd, args] = existsSync(compiled)
    ? [process.execPath, ['--expose-gc', '--max-semi-space-size=4', compiled]]
    : [join(import.meta.dirname, '../node_modules/.bin/tsx'), ['--expose-gc', join(import.meta.dirname, 'reports-child.ts')]];
  const out = execFileSync(cmd, [...args, String(people)], { encoding: 'utf8', timeout: 900_000, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop()!) as ReportsBenchResult;
}

/** The verdicts the issue asks for, from one run. */
export function reportsVerdict(r: ReportsBenchResult): { text: string; met: boolean } {
  const naive = r.rows[0]!.ms;
  const firsts = r.rows.filter((row) => row.what.includes('first download'));
  const slowest = Math.max(...firsts.map((row) => row.ms));
  const worstPing = Math.max(...r.rows.slice(1).map((row) => row.worstPingMs));
  const growth = r.rssPeakMb - r.rssBeforeMb;
  const child = r.reportProcessPeakMb ?? 0;
  const four = r.rows.find((row) => row.what.startsWith('4 simultaneous'))!;
  const checks = [
    [`slowest format ${(slowest / naive).toFixed(1)}× the naive script (≤ 2×)`, slowest <= 2 * naive],
    [`worst PING during an export ${worstPing} ms (≤ 50 ms)`, worstPing <= 50],
    // The report process' whole resident set counts as growth: it exists for the reports.
    [`RSS growth ${growth + child} MB: bot process ${growth} MB, report process peak ${child} MB (≤ 300 MB)`, growth + child <= 300],
    [`4 simultaneous downloads: ${four.status}`, String(four.status) === '200 200 200 200'],
  ] as const;
  return { text: checks.map(([text, ok]) => `${text} ${ok ? 'met' : 'NOT met'}`).join('; '), met: checks.every(([, ok]) => ok) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(runReportsBench(Number(process.argv[2] ?? 10_000)), null, 2));
}
