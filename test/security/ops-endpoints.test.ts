// Issue #14, item 6 (operations): /metrics and the details of /readyz stay off the public listener: public /readyz says
// only ok or not, /metrics needs METRICS_TOKEN there, and ADMIN_PORT serves both on its own (loopback) listener.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config.js';
import { RedisStore, createRedisClient } from '../../src/store/index.js';
import { freePort } from '../helpers/ports.js';
import { dropPrefix, redisStore, testPrefix } from '../helpers/world.js';

const ROOT = join(import.meta.dirname, '../..');
const TOKEN = 'ops-endpoints-metrics-token';

const apps: App[] = [];
const prefixes: RedisStore[] = [];
afterEach(async () => {
  for (const store of prefixes.splice(0)) await dropPrefix(store);
  for (const app of apps.splice(0)) await app.close();
});

async function appWith(env: Record<string, string> = {}, store?: RedisStore): Promise<App> {
  const s = store ?? (await redisStore());
  if (!store) prefixes.push(s);
  const app = await build(loadConfig({ LOG_LEVEL: 'silent', PLAYGROUND: 'off', ANONYMITY_SECRET: 'ops-endpoints-anonymity', ...env }), { store: s });
  apps.push(app);
  return app;
}

describe('the public listener', () => {
  it('/readyz answers ok or not by status alone; which store, which adapters and why stay private', async () => {
    const app = await appWith();
    const res = await app.http.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(res.body).not.toContain('redis');

    const down = new RedisStore(createRedisClient('redis://127.0.0.1:1'), { prefix: testPrefix() });
    const broken = await appWith({}, down);
    const failing = await broken.http.inject({ method: 'GET', url: '/readyz' });
    expect(failing.statusCode).toBe(503);
    expect(failing.json()).toEqual({ ok: false });
  });

  it('/metrics is not served there unless METRICS_TOKEN is set, and then only with it', async () => {
    const open = await appWith();
    expect((await open.http.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);

    const guarded = await appWith({ METRICS_TOKEN: TOKEN });
    expect((await guarded.http.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, TOKEN, `Basic ${TOKEN}`, 'Bearer ']) {
      expect((await guarded.http.inject({ method: 'GET', url: '/metrics', headers: { authorization } })).statusCode, authorization).toBe(401);
    }
    const ok = await guarded.http.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('# TYPE assess_interactions_total counter');

    const details = await guarded.http.inject({ method: 'GET', url: '/readyz', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(details.json()).toEqual({ ok: true, checks: { store: { ok: true, detail: 'redis' } } });
    expect((await guarded.http.inject({ method: 'GET', url: '/readyz', headers: { authorization: 'Bearer wrong-token-0123456789' } })).json()).toEqual({ ok: true });
  });
});

describe('ADMIN_PORT', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  /** Polls until the server answers; the bound only keeps a broken run from hanging. */
  async function reachable(url: string): Promise<Response> {
    for (let i = 0; ; i++) {
      try {
        return await fetch(url);
      } catch (err) {
        if (i > 150) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  it('the real process serves /metrics and the full readiness on the admin listener (127.0.0.1), not on the public one', async () => {
    const [port, admin] = [await freePort(), await freePort()];
    child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'start'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', ADMIN_PORT: String(admin), LOG_LEVEL: 'silent', PLAYGROUND: 'off' },
      stdio: 'ignore',
    });
    expect((await reachable(`http://127.0.0.1:${admin}/healthz`)).status).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${admin}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('assess_scheduler_jobs_total');
    expect(await (await fetch(`http://127.0.0.1:${admin}/readyz`)).json()).toEqual({ ok: true, checks: { store: { ok: true, detail: 'embedded' } } });

    expect((await reachable(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ ok: true });
  });

  it('refuses an admin port equal to the public one', () => {
    expect(() => loadConfig({ PORT: '3978', ADMIN_PORT: '3978' })).toThrow(/ADMIN_PORT/);
  });
});
