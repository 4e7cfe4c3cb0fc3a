// `npm start` stopped with a signal (a service manager, `kill <npm pid>`) stops the server too: the start script execs
// the server process, so npm forwards the signal to it instead of to a shell that leaves the server running.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** Whether any process of the process group is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start and signals', () => {
  it('SIGTERM to npm stops the server and leaves no process behind', async () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    // Its own process group, so the check sees every process it started and nothing else.
    const child = spawn(npm, ['start'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ANONYMITY_SECRET: 'start-signal-test-anonymity-secret' },
    });
    const pgid = child.pid!;
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not started: ${out}`)), 60_000);
        child.stdout!.on('data', (chunk: Buffer) => {
          out += String(chunk);
          if (out.includes('is running')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', () => reject(new Error(`exited early: ${out}`)));
      });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      process.kill(pgid, 'SIGTERM');
      await exited;
      const deadline = Date.now() + 15_000;
      while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(groupAlive(pgid)).toBe(false);
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  }, 90_000);
});
