// The compiled store finds its Lua scripts: npm run build copies them into dist/, and the image builds and ships them.
// Compiles only the store's modules (the same compiler options as tsconfig.json, without type checking, which
// `npm run typecheck` does), runs the build's copy step into the same output, and loads the result with plain node
// against the real Redis.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient, waitUntilReady } from '../../src/store/index.js';
import { deleteKeysWithPrefix } from '../helpers/redis-prefix.js';
import { REDIS_URL, testPrefix } from '../helpers/world.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
// Inside the repository, so the compiled modules resolve node_modules as dist/ does.
const OUT = join(ROOT, 'test-artifacts', `store-build-${randomBytes(4).toString('hex')}`);
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Opens the compiled RedisStore with plain node, votes with the factor view and prints what came back. */
const CHILD = `
const { RedisStore } = await import(process.env.STORE_INDEX);
const store = await RedisStore.open(process.env.REDIS_URL, { prefix: process.env.PREFIX });
const round = {
  id: 'r1', tenant: 'T1', platform: 'slack', channel: { id: 'C1', name: 'c' }, packId: 'p', locale: 'en',
  mode: 'internal-evaluation', status: 'open', createdAt: '2026-03-02T08:00:00+01:00', coordinators: ['U1'],
  participants: ['U1'], managers: [], factorIds: ['f1'],
  calendar: {
    timezone: 'Europe/Stockholm', opensAt: '2026-03-02T09:00:00+01:00', closesAt: '2026-04-30T17:00:00+02:00',
    pacing: { kind: 'all-at-once' }, reminders: { enabled: false, daysBefore: [], time: '09:00' },
    digest: { enabled: false, weekday: 1, time: '08:30', showNames: false },
  },
};
await store.createRound(round);
await store.saveAnswer('T1', 'r1', { factorId: 'f1', memberId: 'U1', texts: { q1: 'yes' }, evidence: ['https://x.example/1'], at: '2026-03-03T10:00:00+01:00' });
const vote = await store.recordVote({ tenant: 'T1', roundId: 'r1', factorId: 'f1', memberId: 'U1', level: 'partly', interactionId: 'i1', at: '2026-03-03T10:00:00+01:00', withFactorView: true });
process.stdout.write(JSON.stringify(vote));
await store.close();
`;

async function runCompiledStore(prefix: string): Promise<{ ok: true; out: string } | { ok: false; err: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: ROOT,
      env: { ...process.env, STORE_INDEX: join(OUT, 'src/store/index.js'), REDIS_URL, PREFIX: prefix },
      timeout: 20_000,
    });
    return { ok: true, out: stdout };
  } catch (err) {
    return { ok: false, err: String((err as { stderr?: string }).stderr ?? err) };
  }
}

describe('the store in the build output', () => {
  afterAll(() => rmSync(OUT, { recursive: true, force: true }));

  it('npm run build runs the copy step after tsc, and the image build has the copy step to run', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.json && node scripts/copy-static.mjs');
    const dockerfile = read('deploy/Dockerfile');
    const buildStage = dockerfile.slice(dockerfile.indexOf(' AS build'), dockerfile.indexOf(' AS runtime'));
    expect(buildStage.indexOf('COPY scripts ./scripts')).toBeGreaterThan(-1);
    expect(buildStage.indexOf('COPY scripts ./scripts')).toBeLessThan(buildStage.indexOf('RUN npm run build'));
    // The runtime takes dist from the build stage.
    expect(dockerfile.slice(dockerfile.indexOf(' AS runtime'))).toContain('COPY --from=build /app/dist ./dist');
  });

  it('loads every Lua script from beside the compiled modules, and fails without the copy step', async () => {
    mkdirSync(OUT, { recursive: true });
    const tsconfig = JSON.parse(read('tsconfig.json')) as { compilerOptions: { module: string; moduleResolution: string; target: string } };
    const { module, moduleResolution, target } = tsconfig.compilerOptions;
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '--module', module, '--moduleResolution', moduleResolution, '--target', target, '--rootDir', ROOT, '--outDir', OUT, '--skipLibCheck', '--types', 'node', '--noCheck', join(ROOT, 'src/store/index.ts')], { cwd: ROOT, timeout: 60_000 });
    expect(existsSync(join(OUT, 'src/store/redis/scripts.js'))).toBe(true);

    const prefix = testPrefix();
    const client = createRedisClient(REDIS_URL);
    try {
      await waitUntilReady(client);
      // tsc alone leaves the scripts behind: the compiled store cannot start.
      const without = await runCompiledStore(prefix);
      expect(without.ok).toBe(false);
      expect(without.ok ? '' : without.err).toMatch(/ENOENT.*\.lua/);

      await run(process.execPath, [join(ROOT, 'scripts/copy-static.mjs'), OUT], { cwd: ROOT });
      const luaFiles = readdirSync(join(ROOT, 'src/store/redis/scripts'));
      expect(luaFiles.length).toBeGreaterThan(10);
      for (const file of luaFiles) {
        expect(readFileSync(join(OUT, 'src/store/redis/scripts', file), 'utf8'), file).toBe(read(`src/store/redis/scripts/${file}`));
      }
      const withScripts = await runCompiledStore(prefix);
      expect(withScripts.ok ? JSON.parse(withScripts.out) : withScripts.err).toEqual({
        accepted: true,
        applied: true,
        previous: null,
        counts: { 'in-place': 0, partly: 1, 'not-in-place': 0, 'dont-know': 0 },
        factorView: {
          stats: { answers: 1, evidence: 1, links: ['https://x.example/1'] },
          answer: { factorId: 'f1', memberId: 'U1', texts: { q1: 'yes' }, evidence: ['https://x.example/1'], at: '2026-03-03T10:00:00+01:00' },
        },
      });
    } finally {
      await deleteKeysWithPrefix(client, prefix);
      client.disconnect();
    }
  }, 90_000);
});
