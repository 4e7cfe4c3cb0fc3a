// A Bolt Receiver on the project's fastify server: commands, interactions and events all arrive at POST /slack/events.
import { ReceiverMultipleAckError, verifySlackRequest, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
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

/** The body after the raw bytes are verified: an object, from JSON or from form fields (with `payload` decoded). */
const InboundBodySchema = z.record(z.string(), z.unknown());

type AckOutcome = { kind: 'ack'; body: unknown } | { kind: 'none' } | { kind: 'timeout' };

function kindOf(body: Record<string, unknown>): string {
  if (typeof body.command === 'string') return 'command';
  if (typeof body.type === 'string') return body.type;
  return 'unknown';
}

export class FastifyReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly opts: FastifyReceiverOptions) {
    // An empty key would make every forged signature check out.
    if (opts.signingSecret.length === 0) throw new Error('the Slack receiver needs SLACK_SIGNING_SECRET');
    this.mount();
  }

  init(app: App): void {
    this.app = app;
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
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));
      scope.post(path, (req, reply) => this.handle(req, reply));
    });
  }

  /** Verifies the signature over the raw body; false for a bad signature or a timestamp outside five minutes. */
  private verified(req: FastifyRequest, raw: string): boolean {
    const signature = req.headers['x-slack-signature'];
    const timestamp = req.headers['x-slack-request-timestamp'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
    const ts = Number(timestamp);
    if (Math.abs(Math.floor(this.opts.now() / 1000) - ts) > MAX_SKEW_SECONDS) return false;
    try {
      verifySlackRequest({
        signingSecret: this.opts.signingSecret,
        body: raw,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
        nowMilliseconds: this.opts.now(),
      });
      return true;
    } catch {
      return false;
    }
  }

  private parse(req: FastifyRequest, raw: string): Record<string, unknown> | null {
    try {
      const type = String(req.headers['content-type'] ?? '');
      let value: unknown;
      if (type.startsWith('application/json')) value = JSON.parse(raw);
      else {
        const form = new URLSearchParams(raw);
        const payload = form.get('payload');
        value = payload !== null ? JSON.parse(payload) : Object.fromEntries(form);
      }
      const parsed = InboundBodySchema.safeParse(value);
      return parsed.success ? parsed.data : null;
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
    const kind = kindOf(body);
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
}
