// Counts what a Redis server receives from one connection, with MONITOR over a plain socket and ECHO markers around the
// work (the way test/contracts/store-redis.test.ts counts a vote's commands), so a round-trip count is the server's own.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';

/**
 * MONITOR on a plain socket to the store's server, calling `onCommand` with each command's client address and
 * arguments. Not ioredis' monitor(): when other connections' traffic arrives in the same packet as MONITOR's +OK
 * (likely on a shared, busy Redis), it fails with "Command queue state error" before it has switched modes.
 */
export async function monitorRedis(client: Redis, onCommand: (from: string, args: string[]) => void): Promise<{ close(): void }> {
  const { host, port, username, password } = client.options;
  const socket = connect(port ?? 6379, host ?? '127.0.0.1');
  socket.setEncoding('utf8');
  await once(socket, 'connect');
  const commands: string[][] = [...(password ? [['AUTH', ...(username ? [username] : []), password]] : []), ['MONITOR']];
  let acks = 0;
  let buffer = '';
  const started = new Promise<void>((ok, fail) => {
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (acks < commands.length) {
          if (line !== '+OK') fail(new Error(`MONITOR refused: ${line}`));
          if (++acks === commands.length) ok();
          continue;
        }
        const entry = /^\+[\d.]+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
        if (entry) onCommand(entry[1]!, [...entry[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1]!));
      }
    });
    socket.once('error', fail);
  });
  const resp = (args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  socket.write(commands.map(resp).join(''));
  await started;
  return { close: () => socket.destroy() };
}

/** The commands (lower case) the server received from `client`'s connection while `fn` ran. */
export async function commandsDuring(client: Redis, fn: () => Promise<unknown>): Promise<string[]> {
  const source = `${client.stream.localAddress}:${client.stream.localPort}`;
  const marker = `commandsDuring-${randomBytes(4).toString('hex')}`;
  const marks = new Set<string>();
  const seen: string[] = [];
  let recording = false;
  const monitor = await monitorRedis(client, (from, args) => {
    if (from !== source) return;
    const command = String(args[0]).toLowerCase();
    if (command === 'echo' && String(args[1]).startsWith(marker)) marks.add(String(args[1]));
    else if (recording) seen.push(command);
  });
  // MONITOR's lines trail the replies: an ECHO before and after `fn`, each waited for, brackets exactly what `fn` sent.
  const mark = async (name: string) => {
    await client.echo(`${marker}-${name}`);
    await expect.poll(() => marks.has(`${marker}-${name}`)).toBe(true);
  };
  try {
    await mark('start');
    recording = true;
    await fn();
    await mark('end');
  } finally {
    monitor.close();
  }
  return seen;
}
