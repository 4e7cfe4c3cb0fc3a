// The command line: content validate / show, and usage on unknown commands.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { runHistoryCommand, runPrivacyCommand } from '../../src/cli/modes.js';
import { defaultContentRoot } from '../../src/content/load.js';

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { text: () => string };
  w.text = () => chunks.join('');
  return w;
}

async function cli(args: string[]) {
  const out = sink();
  const err = sink();
  const code = await runCli(args, out as unknown as typeof process.stdout, err as unknown as typeof process.stderr);
  return { code, out: out.text(), err: err.text() };
}

describe('cli', () => {
  it('content validate accepts the shipped pack', async () => {
    const r = await cli(['content', 'validate']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/OK integrating-cities-diversity: (sv, en|en, sv)/);
  });

  it('content validate names the file, line and field of a broken pack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pack-'));
    cpSync(join(defaultContentRoot(), 'integrating-cities-diversity'), dir, { recursive: true });
    const sv = join(dir, 'sv.yaml');
    const text = readFileSync(sv, 'utf8').replace(/^(\s+)number: 3$/m, '$1number: tre');
    writeFileSync(sv, text);
    const line = text.split('\n').findIndex((l) => /number: tre/.test(l)) + 1;
    const r = await cli(['content', 'validate', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`sv.yaml:${line}`);
    expect(r.err).toContain('keyFactors[2].number');
  });

  it('content show prints the whole pack as JSON in the asked locale', async () => {
    const r = await cli(['content', 'show', '--locale', 'en', '--json']);
    expect(r.code).toBe(0);
    const pack = JSON.parse(r.out);
    expect(pack.locale).toBe('en');
    expect(pack.keyFactors).toHaveLength(13);
  });

  it('refuses an unknown locale and prints usage for an unknown command', async () => {
    expect((await cli(['content', 'show', '--locale', 'fr'])).code).toBe(2);
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('Usage: assess-bot');
  });
});

describe('cli: history and privacy refuse bad input before touching any store', () => {
  const env = { DEFAULT_LOCALE: 'en', REDIS_URL: 'redis://127.0.0.1:1' };
  const call = async (fn: typeof runHistoryCommand, args: string[]) => {
    const out = sink();
    const err = sink();
    const code = await fn(args, out, err, env);
    return { code, out: out.text(), err: err.text() };
  };

  it('history without --channel, or with an unknown flag, prints its usage and exits 2', async () => {
    for (const args of [['--tenant', 'T1'], ['--tenant', 'T1', '--channel', 'C1', '--colour', 'red']]) {
      const r = await call(runHistoryCommand, args);
      expect(r.code).toBe(2);
      expect(r.err).toContain('history --tenant');
      expect(r.out).toBe('');
    }
  });

  it('privacy needs an action, a tenant and a person, and --yes before anything is erased', async () => {
    const missing = await call(runPrivacyCommand, ['erase', '--tenant', 'T1']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('privacy');
    const unconfirmed = await call(runPrivacyCommand, ['erase', '--tenant', 'T1', '--user', 'U1']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.err).toMatch(/--yes/);
    expect(unconfirmed.out).toBe('');
    const unknown = await call(runPrivacyCommand, ['shred', '--tenant', 'T1', '--user', 'U1']);
    expect(unknown.code).toBe(2);
  });
});
