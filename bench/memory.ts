// Memory benchmark: RSS of a bot process holding 1,000 open rounds (target ≤ 150 MB), per store backend.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryBenchResult {
  backend: string;
  rounds: number;
  rssMb: number;
  startRssMb: number;
  heapUsedMb: number;
}

/** Runs the child compiled (dist/) with the image's NODE_OPTIONS (deploy/Dockerfile), so the figure is the production process, not tsx's. */
export function runMemoryBench(rounds = 1000): MemoryBenchResult[] {
  const compiled = join(import.meta.dirname, 'memory-child.js');
  const [cmd, args] = existsSync(compiled)
    ? [process.execPath, ['--expose-gc', '--max-semi-space-size=4', compiled]]
    : [join(import.meta.dirname, '../node_modules/.bin/tsx'), ['--expose-gc', join(import.meta.dirname, 'memory-child.ts')]];
  return ['redis', 'embedded'].map((backend) => {
    const out = execFileSync(cmd, [...args, backend, String(rounds)], { encoding: 'utf8', timeout: 300_000 });
    return JSON.parse(out.trim().split('\n').pop()!) as MemoryBenchResult;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(runMemoryBench(), null, 2));
}
