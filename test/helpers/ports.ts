// Local processes for tests and benchmarks that start their own servers: a free TCP port, and whether a redis-server
// binary is there to start.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** True when `redis-server` can be started (tests that kill and restart their own Redis need it). */
export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

/** The first port the kernel hands out to outgoing connections (Linux; 32768 elsewhere, its usual value). */
function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 12_000 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

const PORTS_FROM = 10_000;
const PORTS_TO = ephemeralStart();

function listensOn(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => ok(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => ok(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server the test starts (and may kill and restart) itself.
 *
 * It is taken below the kernel's range for outgoing connections: a port from that range can be given to an outgoing
 * connection while the test's server is down, and a client reconnecting to a port in that range can even connect to
 * itself (TCP simultaneous open), so the server could not bind its port again. Either made restart tests fail by chance.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORTS_FROM + Math.floor(Math.random() * (PORTS_TO - PORTS_FROM));
    if (await listensOn(port)) return port;
  }
  throw new Error(`no free port between ${PORTS_FROM} and ${PORTS_TO}`);
}
