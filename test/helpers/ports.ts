// Local processes for tests and benchmarks that start their own servers: a free TCP port, and whether a redis-server
// binary is there to start.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** True when `redis-server` can be started (tests that kill and restart their own Redis need it). */
export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it; the probe socket is closed again). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}
