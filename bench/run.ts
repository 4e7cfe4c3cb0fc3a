// `npm run bench`: runs every benchmark side by side in one process and writes bench/RESULTS.md and bench/results.json.
import { cpus, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { runStoreBench } from './store.js';
import { runSchedulerBench } from './scheduler.js';
import { runMemoryBench } from './memory.js';
import { runDigestBench } from './digest.js';
import { runVotePathBench } from './vote-path.js';
import { runCardRefreshBench } from './card-refresh.js';
import { runReadyBench } from './ready.js';
import { runTeamsVoteBench } from './teams-vote.js';
import { reportsVerdict, runReportsBench } from './reports.js';
import { runRemindBench } from './remind.js';
import { runPrivacyBench } from './privacy.js';
import { RedisProcess } from '../test/setup/redis-servers.js';
import { sectionLines } from './markdown.js';

type Section = { title: string; target: string; rows: Record<string, unknown>[]; verdict: string; note?: string };

// Compiled runs live in dist/bench; results always go to the source bench/ folder.
const benchDir = import.meta.dirname.includes(`${sep}dist${sep}`) ? join(import.meta.dirname, '../../bench') : import.meta.dirname;

async function main(): Promise<void> {
  // Like the tests, the benchmarks use a Redis of their own unless REDIS_URL names one.
  const ownRedis = process.env.REDIS_URL ? null : await RedisProcess.start();
  if (ownRedis) process.env.REDIS_URL = ownRedis.url;
  const sections: Section[] = [];
  const json: Record<string, unknown> = {};

  console.error('store …');
  const store = await runStoreBench();
  json.store = store;
  sections.push({
    title: 'Store: votes and digest reads',
    target: '1 Redis round trip per vote; digest read round trips the same for 10 and 1,000 participants',
    rows: store.map((s) => ({
      backend: s.backend,
      votes: s.votes,
      'votes/s': s.votesPerSecond,
      'round trips/vote': s.roundTripsPerVote,
      'digest read 10 (ms, trips)': `${s.digestRead[0]!.ms}, ${s.digestRead[0]!.roundTrips}`,
      'digest read 1,000 (ms, trips)': `${s.digestRead[1]!.ms}, ${s.digestRead[1]!.roundTrips}`,
    })),
    verdict: store.every((s) => s.roundTripsPerVote === 1 && s.digestRead[0]!.roundTrips === s.digestRead[1]!.roundTrips) ? 'met' : 'NOT met',
  });

  console.error('digest …');
  const digest = await runDigestBench();
  json.digest = digest;
  sections.push({
    title: 'Digest computation (13 factors, everyone answered)',
    target: '13 × 1,000 ≤ 200 ms; 13 × 10,000 ≤ 2 s; Redis round trips do not grow with participants',
    rows: digest.map((d) => ({ ...d })),
    verdict: 'see rows',
  });

  console.error('scheduler …');
  const sched = await runSchedulerBench();
  json.scheduler = sched;
  sections.push({
    title: 'Scheduler: 1,000 rounds, 10,000 due jobs, 3 replicas on one Redis',
    target: 'every job exactly once',
    rows: [{ ...sched, perReplica: sched.perReplica.join(' / ') }],
    verdict: sched.ranOnce === sched.jobs && sched.duplicates === 0 ? 'met' : 'NOT met',
  });

  console.error('memory …');
  const memory = runMemoryBench();
  json.memory = memory;
  sections.push({
    title: 'Memory: RSS of the bot process with 1,000 open rounds',
    target: 'RSS ≤ 150 MB for the production process (Redis store); the embedded store keeps every round in the process and is shown for reference',
    rows: memory.map((m) => ({ ...m })),
    verdict: memory.filter((m) => m.backend === 'redis').every((m) => m.rssMb <= 150) ? 'met' : 'NOT met',
  });

  // --- Vote path against the Bolt baseline, and card refresh economy (bench/vote-path.ts, bench/card-refresh.ts) ---
  for (const [label, run] of [['vote path', runVotePathBench], ['card refresh', runCardRefreshBench]] as const) {
    console.error(`${label} …`);
    for (const section of await run()) {
      json[section.key] = section.data;
      sections.push(section);
    }
  }
  // --- end of vote path and card refresh ---

  // --- Teams vote path against a minimal botbuilder bot (bench/teams-vote.ts) ---
  console.error('teams vote path …');
  for (const section of await runTeamsVoteBench()) {
    json[section.key] = section.data;
    sections.push(section);
  }

  // --- Reminders: one read of the round, then a paced fan-out (bench/remind.ts) ---
  console.error('remind …');
  for (const section of await runRemindBench()) {
    json[section.key] = section.data;
    sections.push(section);
  }

  // --- Privacy work: one tenant's erase, purge and forget beside 0 and 999 other tenants (bench/privacy.ts) ---
  console.error('privacy …');
  const privacy = await runPrivacyBench();
  json.privacy = privacy.rows;
  sections.push({
    title: 'Privacy work: one tenant erased, purged and forgotten beside 0 and 999 other tenants',
    target: 'the same round trips and bytes read from Redis at 1 and 1,000 tenants (times are single runs, shown, not judged); the control, a whole collection, grows with the deployment',
    rows: privacy.rows.map((r) => ({ ...r })),
    verdict: privacy.met ? 'met' : 'NOT met',
  });

  // --- Ready: process start to the first answered request, against a minimal Bolt app (bench/ready.ts) ---
  console.error('ready …');
  for (const section of await runReadyBench()) {
    json[section.key] = section.data;
    sections.push(section);
  }


  // --- Reports: one round of 13 × 10,000 against a naive HSCAN + CSV script (bench/reports.ts) ---
  console.error('reports …');
  const reports = runReportsBench();
  json.reports = reports;
  sections.push({
    title: `Reports: one closed round of ${reports.factors} × ${reports.people.toLocaleString('en')} (every vote and answer), against a naive HSCAN + CSV script`,
    target: `every format and the chart within 2× the naive script; Redis' worst PING during any export ≤ 50 ms; RSS growth ≤ 300 MB (bot ${reports.rssBeforeMb} → ${reports.rssPeakMb} MB, report process peak ${reports.reportProcessPeakMb ?? 0} MB); 4 simultaneous downloads all served`,
    rows: reports.rows.map((r) => ({ ...r })),
    verdict: reportsVerdict(reports).text,
  });

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  const md = [
    '# Benchmark results',
    '',
    `Machine: ${machine}. All figures come from one run of \`npm run bench\`; compare ratios and counts, not absolute times.`,
    '',
    ...sections.flatMap((s) => sectionLines(s)),
  ].join('\n');
  writeFileSync(join(benchDir, 'RESULTS.md'), md);
  writeFileSync(join(benchDir, 'results.json'), JSON.stringify({ machine, ...json }, null, 2));
  console.log(md);
  await ownRedis?.stop();
  process.exit(0);
}

void main();
