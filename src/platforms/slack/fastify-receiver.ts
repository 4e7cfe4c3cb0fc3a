// A Bolt Receiver on the project's fastify server: commands, interactions and events all arrive at POST /slack/events.
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ReceiverMultipleAckError, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BODY_LIMITS } from '../../http/limits.js';
import type { Logger } from '../../infra/logger.js';
import type { Background } from './background.js';

export interface FastifyReceiverOptions {
  http: FastifyInstance;
  path: string;
  signingSecret: string;
  /** The clock the signature's 5-minute window is measured against. */
  now: () => number;
  logger: Logger;
  background: Background;
  /** Answer Slack by then even if no listener acked (Slack gives up after 3 s). */
  ackTimeoutMs?: number;
  bodyLimit?: number;
  /** Called once per request with its kind and what became of it (metrics). */
  observe?: (kind: string, outcome: 'accepted' | 'rejected' | 'error') => void;
}

const MAX_SKEW_SECONDS = 5 * 60;

/** Slack's retry headers, as Bolt puts them in a listener's context. */
export interface Redelivery {
  retryNum?: number;
  retryReason?: string;
}

/**
 * A kind of request the adapter takes without Bolt's middleware (a vote click: see listeners/actions.ts). Returns null
 * for a request it does not take; otherwise its handler, run after the ack, which resolves false when Bolt should take
 * the request after all (the handler then has done nothing).
 */
export type DirectRoute = (body: Record<string, unknown>) => ((redelivery: Redelivery) => Promise<boolean>) | null;

/** `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<body>`, as Slack signs a request. */
function expectedSignature(secret: KeyObject, timestamp: string, raw: string): Buffer {
  return Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${raw}`).digest('hex')}`, 'latin1');
}

/** The form body Slack posts an interaction in: `payload=<JSON>` and nothing else. Null for any other form. */
function payloadOnly(raw: string): string | null {
  if (!raw.startsWith('payload=') || raw.includes('&')) return null;
  try {
    return decodeURIComponent(raw.slice('payload='.length).replaceAll('+', ' '));
  } catch {
    // Not valid percent-encoding: URLSearchParams decides what it means, as for every other form.
    return null;
  }
}

type AckOutcome = { kind: 'ack'; body: unknown } | { kind: 'none' } | { kind: 'timeout' };

function kindOf(body: Record<string, unknown>): string {
  if (typeof body.command === 'string') return 'command';
  if (typeof body.type === 'string') return body.type;
  return 'unknown';
}

export class FastifyReceiver implements Receiver {
  private app: App | undefined;
  private direct: DirectRoute | null = null;
  /** The signing secret as a key, prepared once rather than on every request. */
  private readonly key: KeyObject;

  constructor(private readonly opts: FastifyReceiverOptions) {
    // An empty key would make every forged signature check out.
    if (opts.signingSecret.length === 0) throw new Error('the Slack receiver needs SLACK_SIGNING_SECRET');
    this.key = createSecretKey(Buffer.from(opts.signingSecret, 'utf8'));
    this.mount();
  }

  init(app: App): void {
    this.app = app;
  }

  /** Requests `route` takes are acked at once and handled without Bolt's middleware (see DirectRoute). */
  takeDirect(route: DirectRoute): void {
    this.direct = route;
  }

  /** The fastify server is started by main.ts; nothing to do here. */
  async start(): Promise<void> {}

  async stop(): Promise<void> {
    await this.opts.background.settled();
  }

  private mount(): void {
    const { http, path, bodyLimit = BODY_LIMITS.slack } = this.opts;
    // Encapsulated plugin: the raw-string body parser applies to this route only, so HMAC runs over the exact bytes.
    // Not awaited: fastify loads plugins at ready()/listen(), and a failure there stops the server from starting.
    void http.register(async (scope) => {
      // The receiver logs through its own logger: the per-request child fastify would make (a pino child, its bindings
      // serialized and redacted on every request) is never written to, so the route's requests log through the parent.
      scope.setChildLoggerFactory((logger) => logger);
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));
      scope.post(path, (req, reply) => this.handle(req, reply));
    });
  }

  /**
   * Verifies the signature over the raw body; false for a bad signature or a timestamp outside five minutes. The HMAC is
   * compared in constant time (timingSafeEqual) with the one we compute; only its length, which is public, can differ.
   */
  private verified(req: FastifyRequest, raw: string): boolean {
    const signature = req.headers['x-slack-signature'];
    const timestamp = req.headers['x-slack-request-timestamp'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
    if (Math.abs(Math.floor(this.opts.now() / 1000) - Number(timestamp)) > MAX_SKEW_SECONDS) return false;
    const expected = expectedSignature(this.key, timestamp, raw);
    const given = Buffer.from(signature, 'latin1');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The body after the raw bytes are verified: an object, from JSON or from form fields (with `payload` decoded). */
  private parse(req: FastifyRequest, raw: string): Record<string, unknown> | null {
    try {
      const type = String(req.headers['content-type'] ?? '');
      let value: unknown;
      if (type.startsWith('application/json')) value = JSON.parse(raw);
      else {
        const payload = payloadOnly(raw);
        if (payload !== null) value = JSON.parse(payload);
        else {
          const form = new URLSearchParams(raw);
          const field = form.get('payload');
          value = field !== null ? JSON.parse(field) : Object.fromEntries(form);
        }
      }
      // JSON.parse and form fields give string keys: an object that is not an array is all there is to check here;
      // each handler validates the fields it reads with its own schema (payloads.ts).
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  private async handle(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const raw = typeof req.body === 'string' ? req.body : '';
    if (!this.verified(req, raw)) {
      this.opts.observe?.('signature', 'rejected');
      this.opts.logger.warn({ path: this.opts.path }, 'Slack request refused: bad signature or stale timestamp');
      return reply.code(401).send({ error: 'unauthorized' });
    }
    const body = this.parse(req, raw);
    if (!body) {
      this.opts.observe?.('unknown', 'rejected');
      return reply.code(400).send({ error: 'malformed Slack request: expected a JSON object or form fields' });
    }
    if (body.ssl_check === '1') return reply.code(200).send();
    if (body.type === 'url_verification') return reply.code(200).send({ challenge: typeof body.challenge === 'string' ? body.challenge : '' });
    const app = this.app;
    if (!app) return reply.code(503).send();

    const retryHeader = req.headers['x-slack-retry-num'];
    const retryNum = typeof retryHeader === 'string' && /^\d+$/.test(retryHeader) ? Number(retryHeader) : undefined;
    const retryReason = typeof req.headers['x-slack-retry-reason'] === 'string' ? req.headers['x-slack-retry-reason'] : undefined;
    const kind = kindOf(body);
    const direct = this.direct?.(body);
    if (direct) return this.handleDirect(app, reply, kind, direct, body, { ...(retryNum !== undefined ? { retryNum } : {}), ...(retryReason !== undefined ? { retryReason } : {}) });

    let acked = false;
    let settle!: (o: AckOutcome) => void;
    const outcome = new Promise<AckOutcome>((resolve) => {
      settle = resolve;
    });
    const event: ReceiverEvent = {
      body,
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason !== undefined ? { retryReason } : {}),
      ack: async (response?: unknown) => {
        if (acked) throw new ReceiverMultipleAckError();
        acked = true;
        settle({ kind: 'ack', body: response });
      },
    };
    // Listeners keep running after the ack (posting cards, updating tallies); the background tracker owns them.
    this.opts.background.run(`slack ${kind}`, async () => {
      try {
        await app.processEvent(event);
        this.opts.observe?.(kind, 'accepted');
      } catch (err) {
        this.opts.observe?.(kind, 'error');
        throw err;
      } finally {
        settle({ kind: 'none' });
      }
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<AckOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), this.opts.ackTimeoutMs ?? 2_800);
      timer.unref?.();
    });
    const result = await Promise.race([outcome, timeout]);
    clearTimeout(timer);
    if (result.kind === 'timeout') this.opts.logger.warn({ kind }, 'Slack request not acknowledged in time; answered empty');
    if (result.kind === 'ack' && result.body !== undefined && result.body !== '') {
      return typeof result.body === 'string'
        ? reply.code(200).type('text/plain; charset=utf-8').send(result.body)
        : reply.code(200).send(result.body);
    }
    return reply.code(200).send();
  }

  /** Acks at once, then runs the direct handler (or Bolt, when the handler declines) in the background. */
  private handleDirect(app: App, reply: FastifyReply, kind: string, handler: (r: Redelivery) => Promise<boolean>, body: Record<string, unknown>, redelivery: Redelivery): FastifyReply {
    this.opts.background.run(`slack ${kind}`, async () => {
      try {
        // Already answered: Bolt's ack has nothing left to send.
        if (!(await handler(redelivery))) await app.processEvent({ body, ...redelivery, ack: async () => undefined });
        this.opts.observe?.(kind, 'accepted');
      } catch (err) {
        this.opts.observe?.(kind, 'error');
        throw err;
      }
    });
    return reply.code(200).send();
  }
}
