// Runs only the vote-path section of the benchmarks (bench/vote-path.ts) and prints it as Markdown; with --write it also
// replaces that section in bench/RESULTS.md and its entry in bench/results.json, leaving the other sections as they are.
//   npm run bench:vote-path                      (compiled, as `npm run bench` runs it; writes the results)
//   npx tsx bench/vote-path-run.ts [--seconds 10] [--cycles 2] (from source, prints only)
// Like the tests, it starts a Redis of its own unless REDIS_URL names one.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { RedisProcess } from '../test/setup/redis-servers.js';
import { sectionLines } from './markdown.js';
import { runVotePathBench } from './vote-path.js';

const benchDir = import.meta.dirname.includes(`${sep}dist${sep}`) ? join(import.meta.dirname, '../../bench') : import.meta.dirname;

/** Replaces the `## Vote path…` section of RESULTS.md (up to the next `## `) with `lines`. */
export function replaceSection(md: string, lines: string[]): string {
  const start = md.indexOf('\n## Vote path');
  const body = `${lines.join('\n')}\n`;
  if (start < 0) return `${md.trimEnd()}\n\n${body}`;
  const next = md.indexOf('\n## ', start + 1);
  return `${md.slice(0, start + 1)}${body}${next < 0 ? '' : md.slice(next + 1)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { write: { type: 'boolean', default: false }, seconds: { type: 'string' }, cycles: { type: 'string' } } });
  const ownRedis = process.env.REDIS_URL ? null : await RedisProcess.start();
  if (ownRedis) process.env.REDIS_URL = ownRedis.url;
  try {
    const [section] = await runVotePathBench({
      ...(values.seconds ? { seconds: Number(values.seconds) } : {}),
      ...(values.cycles ? { cycles: Number(values.cycles) } : {}),
    });
    const lines = sectionLines(section!);
    console.log(lines.join('\n'));
    if (values.write) {
      const mdFile = join(benchDir, 'RESULTS.md');
      writeFileSync(mdFile, replaceSection(readFileSync(mdFile, 'utf8'), lines));
      const jsonFile = join(benchDir, 'results.json');
      const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as Record<string, unknown>;
      json[section!.key] = section!.data;
      writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}`);
    }
  } finally {
    await ownRedis?.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
