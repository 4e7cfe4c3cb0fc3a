// A bot process for the fault suite, built the way main.ts builds it (config from the environment, the default adapters,
// the cron ticker running), on a clock the test can move. It answers IPC commands: set the clock, drain the scheduler.
import { defaultAdapters } from '../../../src/app/adapters.js';
import { build } from '../../../src/app/build.js';
import { loadConfig } from '../../../src/config.js';
import type { Clock } from '../../../src/core/ports.js';
import { SlackAdapter } from '../../../src/platforms/slack/index.js';

/** Wall time shifted so that "now" is where the test put it, then running on at real speed. */
class MovableClock implements Clock {
  private offsetMs: number;

  constructor(at: number) {
    this.offsetMs = at - Date.now();
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  set(at: number): void {
    this.offsetMs = at - Date.now();
  }
}

export type BotCommand = { id: number; cmd: 'clock'; at: number } | { id: number; cmd: 'drain' } | { id: number; cmd: 'settle' };

async function run(): Promise<void> {
  const config = loadConfig();
  const clock = new MovableClock(Number(process.env.FAULT_CLOCK_AT ?? Date.now()));
  const app = await build(config, { adapters: defaultAdapters(config), clock });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  app.scheduler.start();
  const slack = app.adapters.find((a): a is SlackAdapter => a instanceof SlackAdapter);
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  process.on('message', (raw: BotCommand) => {
    const reply = (result: unknown, error?: unknown) =>
      process.send?.({ id: raw.id, result, ...(error ? { error: error instanceof Error ? error.message : String(error) } : {}) });
    void (async () => {
      switch (raw.cmd) {
        case 'clock':
          clock.set(raw.at);
          return null;
        case 'drain': {
          const r = await app.scheduler.drain();
          await slack?.settled();
          return r;
        }
        case 'settle':
          await slack?.settled();
          return null;
      }
    })().then(
      (result) => reply(result),
      (err: unknown) => reply(null, err),
    );
  });
  process.on('SIGTERM', () => {
    void app.close().finally(() => process.exit(0));
  });
  process.send?.({ ready: true, port });
}

void run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
