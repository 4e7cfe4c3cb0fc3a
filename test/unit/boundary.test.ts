// The core must stay platform-neutral: no Slack, Teams, Adaptive Cards, Redis or HTTP framework imports.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FORBIDDEN = [/@slack\//, /botbuilder/, /botframework/, /adaptivecards/, /ioredis/, /node-cron/, /^node:http/, /\.\.\/platforms\//, /\.\.\/store\//];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    out.push((m[1] ?? m[2] ?? m[3])!);
  }
  return out;
}

describe('src/core boundary', () => {
  const coreFiles = files(join(import.meta.dirname, '../../src/core'));

  it('has files to check', () => {
    expect(coreFiles.length).toBeGreaterThan(5);
  });

  it('imports no platform SDK, store backend or HTTP layer', () => {
    const offenders = coreFiles.flatMap((f) =>
      importsOf(readFileSync(f, 'utf8'))
        .filter((spec) => FORBIDDEN.some((re) => re.test(spec)))
        .map((spec) => `${f}: ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the check itself catches a forbidden import', () => {
    const spec = importsOf("import { App } from '@slack/bolt';\nconst x = await import('botbuilder');");
    expect(spec.filter((s) => FORBIDDEN.some((re) => re.test(s)))).toEqual(['@slack/bolt', 'botbuilder']);
  });
});
