// A local fake of Slack's Socket Mode: apps.connections.open on the fake Web API hands out a ws://127.0.0.1 URL served
// here; envelopes go in (slash_commands, interactive, events_api), acks come back, and the connection can be recycled.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeCall, FakeSlackApi } from '../../bench/fake-slack.js';

type Json = Record<string, unknown>;

/** What the app sent back for an envelope: its id, and the response payload when there is one (e.g. modal errors). */
export interface SocketAck {
  envelope_id: string;
  payload?: Json;
}

interface Waiter {
  test: () => boolean;
  resolve: () => void;
}

export class FakeSocketMode {
  /** Every ack the app sent, in order. */
  readonly acks: SocketAck[] = [];
  /** Connections accepted so far (a reconnect adds one). */
  connections = 0;
  /** URLs handed out by apps.connections.open. */
  readonly urlsHandedOut: string[] = [];
  private socket: WebSocket | null = null;
  private readonly pending = new Map<string, (ack: SocketAck) => void>();
  private waiters: Waiter[] = [];

  private constructor(
    private readonly wss: WebSocketServer,
    readonly origin: string,
  ) {}

  /**
   * Serves Socket Mode for `api`: apps.connections.open answers with this server's URL when called with the app-level
   * token (anything else gets `invalid_auth`, as Slack answers).
   */
  static async start(api: FakeSlackApi, appToken: string): Promise<FakeSocketMode> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    const { port } = wss.address() as AddressInfo;
    const fake = new FakeSocketMode(wss, `ws://127.0.0.1:${port}`);
    wss.on('connection', (ws) => fake.accept(ws));
    api.handlers.set('apps.connections.open', (call: FakeCall) => {
      if (call.authorization !== `Bearer ${appToken}`) return { ok: false, error: 'invalid_auth' };
      const url = `${fake.origin}/link/?ticket=${randomUUID()}`;
      fake.urlsHandedOut.push(url);
      return { ok: true, url };
    });
    return fake;
  }

  private accept(ws: WebSocket): void {
    this.connections += 1;
    this.socket = ws;
    ws.on('message', (data) => {
      let message: SocketAck;
      try {
        message = JSON.parse(String(data)) as SocketAck;
      } catch {
        return;
      }
      if (typeof message.envelope_id !== 'string') return;
      this.acks.push(message);
      this.pending.get(message.envelope_id)?.(message);
      this.pending.delete(message.envelope_id);
      this.notify();
    });
    ws.on('close', () => {
      if (this.socket === ws) this.socket = null;
      this.notify();
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-socket-mode', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0FAKEAPP' } }));
    this.notify();
  }

  private notify(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (w.test()) w.resolve();
      else this.waiters.push(w);
    }
  }

  /** Resolves once `test` holds, checked whenever a connection opens, closes or an ack arrives. */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Resolves when connection number `n` (counting from 1) is open. */
  async connected(n = 1): Promise<void> {
    await this.until(() => this.connections >= n && this.socket !== null && this.socket.readyState === this.socket.OPEN);
  }

  /** Sends one envelope over the open socket and resolves with the app's ack. */
  send(type: 'slash_commands' | 'interactive' | 'events_api', payload: Json, extra: Json = {}): Promise<SocketAck> {
    const ws = this.socket;
    if (!ws) return Promise.reject(new Error('no Socket Mode connection is open'));
    const envelope_id = randomUUID();
    const acked = new Promise<SocketAck>((resolve) => this.pending.set(envelope_id, resolve));
    ws.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api', ...extra }));
    return acked;
  }

  /** Slack recycling the connection: a `disconnect` message; a well-behaved client closes and opens a new one. */
  askToReconnect(reason = 'refresh_requested'): void {
    this.socket?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-socket-mode' } }));
  }

  /** The server going away without asking: the socket is closed from this side. */
  drop(): void {
    this.socket?.close(1001, 'going away');
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
