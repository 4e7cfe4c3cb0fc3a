// Start-up loads what the configuration needs and nothing more: a platform SDK only when that platform is configured,
// and never the chart libraries, the report exporters, the Adaptive Cards templating, fastify's schema compilers, or
// (once the packs' validated copy is kept) the YAML parser.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

async function startWith(env: Record<string, string>): Promise<{ adapters: string[]; loaded: string[] }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/startup/loaded-sdks.ts')], {
    cwd: ROOT,
    // Only what the case sets: no Redis (the embedded store), no credentials from the runner's environment.
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ANONYMITY_SECRET: 'startup-test-anonymity-secret', ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { adapters: string[]; loaded: string[] };
}

describe('start-up loads only what the configuration needs', () => {
  // A first start keeps the validated packs (src/content/pack-cache.ts); from then on a start needs no YAML parser.
  beforeAll(async () => {
    await startWith({});
  }, 60_000);

  it('Slack configured: Bolt, but not botbuilder, the YAML parser, the charts, the exporters or the schema compilers', async () => {
    const started = await startWith({ SLACK_BOT_TOKEN: 'xoxb-startup-test', SLACK_SIGNING_SECRET: 'startup-test-signing-secret' });
    expect(started.adapters).toEqual(['slack']);
    expect(started.loaded).toEqual(['@slack/bolt']);
  });

  it('Teams configured: botbuilder, but not Bolt', async () => {
    const started = await startWith({ TEAMS_AUTH: 'off', PLAYGROUND: 'off' });
    expect(started.adapters).toEqual(['teams']);
    expect(started.loaded).toContain('botbuilder');
    expect(started.loaded).not.toContain('@slack/bolt');
    expect(started.loaded).not.toContain('vega');
  });

  it('no platform credentials: the playground, and neither platform SDK', async () => {
    const started = await startWith({});
    expect(started.adapters).toEqual(['playground']);
    expect(started.loaded).not.toContain('@slack/bolt');
    expect(started.loaded).not.toContain('botbuilder');
  });
});
