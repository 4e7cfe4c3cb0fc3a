// The vote-path section of bench/RESULTS.md: one row per run, the project against the confirming baseline (the target)
// and against the ack+HSET reference, and the verdict.
import type { BenchSection, LoadResult, VoteTarget } from './vote-path.js';

export interface TargetSummary {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  completedPerSec: number;
  cpuMsPerVote: number | null;
  machineCpuMsPerVote: number | null;
}

export interface VotePathResult {
  connections: number;
  secondsPerRun: number;
  /** How many times the project, baseline, reference, baseline, project cycle ran. */
  cycles: number;
  /** The machine's 1-minute load average when the measured runs began and ended (2 cores: above 2 is a queue). */
  loadAverage: { start: number; end: number };
  participants: number;
  runs: LoadResult[];
  /** Project ÷ confirming baseline, acknowledged requests per second. */
  throughputRatio: number;
  completedRatio: number;
  /** Project ÷ the ack+HSET reference (for comparison only). */
  referenceThroughputRatio: number;
  project: TargetSummary;
  baseline: TargetSummary;
  reference: TargetSummary;
  fixedRate: { rate: number } & Record<VoteTarget, { p50Ms: number; p99Ms: number }>;
  /** Checks on what the load left behind. */
  integrity: { projectVotes: number; talliesMatchVotes: boolean; confirmations: number; cardEdits: number; baselineWrites: number; referenceWrites: number };
  met: { throughput: boolean; p99: boolean };
}

/** The targets: throughput at least this many times the confirming baseline's, and a p99 no higher than its. */
export const VOTE_PATH_TARGET = { throughputRatio: 1.3 } as const;

export const VOTE_PATH_RERUN_NOTE =
  'Rerun this section alone with `npm run bench:vote-path` (it builds, runs `node dist/bench/vote-path-run.js --write` and ' +
  'replaces only this section); `BENCH_CPU_PROF_DIR=<dir>` adds a V8 CPU profile of each server. The machine is shared: ' +
  'compare the ratios within one run.';

const LABELS: Record<VoteTarget, string> = {
  project: 'project',
  baseline: 'baseline (Bolt: ack, HSET, postEphemeral)',
  reference: 'reference (Bolt: ack, HSET)',
};

function ratioRow(label: string, r: VotePathResult, a: TargetSummary, b: TargetSummary, throughput: number, completed: number): Record<string, unknown> {
  const times = (x: number | null, y: number | null) => (x !== null && y ? `${Math.round((x / y) * 10) / 10}×` : 'n/a');
  return {
    target: label,
    load: `${r.connections} connections`,
    'acked req/s': `${throughput}×`,
    'p50 ms': `${a.p50Ms} vs ${b.p50Ms}`,
    'p90 ms': '',
    'p99 ms': `${a.p99Ms} vs ${b.p99Ms}`,
    'non-2xx': '',
    errors: '',
    'drain ms': '',
    'votes done/s': `${completed}×`,
    'server CPU ms/vote': times(a.cpuMsPerVote, b.cpuMsPerVote),
    'fake Slack CPU ms/vote': '',
    'Redis CPU ms/vote': '',
    'load generator CPU ms/vote': '',
    'machine CPU ms/vote': times(a.machineCpuMsPerVote, b.machineCpuMsPerVote),
  };
}

export function votePathSection(r: VotePathResult): BenchSection {
  const rows: Record<string, unknown>[] = r.runs.map((x) => ({
    target: LABELS[x.target],
    load: x.mode === 'saturating' ? `${r.connections} connections` : `${r.fixedRate.rate} req/s`,
    'acked req/s': x.reqPerSec,
    'p50 ms': x.p50Ms,
    'p90 ms': x.p90Ms,
    'p99 ms': x.p99Ms,
    'non-2xx': x.non2xx,
    errors: x.errors,
    'drain ms': x.drainMs,
    'votes done/s': x.completedPerSec,
    'server CPU ms/vote': x.cpuMsPerVote ?? 'n/a',
    'fake Slack CPU ms/vote': x.fakeSlackCpuMsPerVote ?? 'n/a',
    'Redis CPU ms/vote': x.redisCpuMsPerVote ?? 'n/a',
    'load generator CPU ms/vote': x.loadGenCpuMsPerVote,
    'machine CPU ms/vote': x.machineCpuMsPerVote ?? 'n/a',
  }));
  rows.push(ratioRow('project ÷ baseline', r, r.project, r.baseline, r.throughputRatio, r.completedRatio));
  const refCompleted = Math.round((r.project.completedPerSec / r.reference.completedPerSec) * 100) / 100;
  rows.push(ratioRow('project ÷ reference', r, r.project, r.reference, r.referenceThroughputRatio, refCompleted));
  const integrityOk = r.integrity.talliesMatchVotes && r.runs.every((x) => x.non2xx === 0 && x.errors === 0);
  const { integrity: i } = r;
  return {
    key: 'votePath',
    title: 'Vote path: signed Slack votes through the project vs a minimal confirming Bolt app (ack, one HSET, chat.postEphemeral)',
    target:
      `throughput ≥ ${VOTE_PATH_TARGET.throughputRatio}× the confirming baseline's and p99 ≤ its p99, same load, same Redis, same fake Slack ` +
      `(${r.participants} people, ${r.secondsPerRun} s runs, ${r.cycles} × ABBA order for project and baseline, totals over all runs; the ack+HSET Bolt app is a reference row, not a target). ` +
      `After the load: tallies equal the votes read back (${i.talliesMatchVotes ? 'yes' : 'NO'}), ${i.projectVotes} current votes, ` +
      `${i.confirmations} confirmations (project and baseline), ${i.cardEdits} card edits, ${i.baselineWrites} baseline and ${i.referenceWrites} reference writes; ` +
      `machine load average ${r.loadAverage.start} at the start of the measured runs, ${r.loadAverage.end} at the end`,
    note: VOTE_PATH_RERUN_NOTE,
    rows,
    verdict:
      `throughput ${r.throughputRatio}× the confirming baseline (≥ ${VOTE_PATH_TARGET.throughputRatio}×: ${r.met.throughput ? 'met' : 'NOT met'}); ` +
      `p99 ${r.project.p99Ms} ms vs ${r.baseline.p99Ms} ms (${r.met.p99 ? 'met' : 'NOT met'}); ${r.referenceThroughputRatio}× the ack+HSET reference` +
      `${integrityOk ? '' : '; INTEGRITY CHECK FAILED'}`,
    data: r,
  };
}
