// Mounts the Bot Framework endpoint on the shared fastify server, adapting fastify's request/reply to CloudAdapter.process.
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BODY_LIMITS } from '../../http/limits.js';
import type { Logger } from '../../infra/logger.js';
import type { LeanVoteHandler } from './lean-vote.js';
import { isAllowedServiceUrl } from './service-url.js';

export const MESSAGES_PATH = '/api/messages';

/**
 * The activity fields botbuilder uses before our turn logic runs. A wrong type in one of them (a serviceUrl that is not
 * a string, say) would fail deep inside botbuilder with a 500; it is refused here with a 400 instead.
 */
const ActivityEnvelopeSchema = z.looseObject({
  type: z.string().min(1),
  name: z.string().optional(),
  serviceUrl: z.string().optional(),
  channelId: z.string().optional(),
  locale: z.string().optional(),
  conversation: z.looseObject({ id: z.string() }).optional(),
  from: z.looseObject({ id: z.string() }).optional(),
  recipient: z.looseObject({ id: z.string() }).optional(),
});

export interface MessagesGuard {
  /** Bot Framework JWT checked (MICROSOFT_APP_ID set); false only under TEAMS_AUTH=off. */
  authEnabled: boolean;
  /** MICROSOFT_ALLOWED_TENANTS; empty = any tenant. */
  allowedTenants: readonly string[];
  /** Vote clicks answered without CloudAdapter (lean-vote.ts), after the same checks; null/absent = all through it. */
  leanVote?: LeanVoteHandler;
}

/** A compact JWT after `Bearer `: three base64url parts (the signature may be empty only in unsigned tokens, refused later). */
const BEARER_JWT = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The Teams tenant an activity says it comes from (Teams puts it in channelData, newer clients also in conversation). */
function tenantIdOf(activity: Record<string, unknown>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const conversation = activity.conversation as { tenantId?: unknown } | undefined;
  const id = channelData?.tenant?.id ?? conversation?.tenantId;
  return typeof id === 'string' ? id : undefined;
}

/** The `Response` shape botbuilder writes to; we collect status and body, then let fastify answer. */
class CollectedResponse {
  statusCode = 200;
  body: unknown = undefined;
  readonly headers: Record<string, unknown> = {};
  private resolveEnd!: () => void;
  readonly ended = new Promise<void>((resolve) => (this.resolveEnd = resolve));

  constructor(readonly socket: unknown) {}

  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: unknown): this {
    this.headers[name] = value;
    return this;
  }
  send(body: unknown): this {
    this.body = body;
    return this;
  }
  end(): this {
    this.resolveEnd();
    return this;
  }
}

export function mountMessages(
  http: FastifyInstance,
  adapter: CloudAdapter,
  logic: (context: TurnContext) => Promise<void>,
  logger: Logger,
  guard: MessagesGuard,
): void {
  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    // With auth on, a request without a bearer token is refused before its body is read or parsed.
    if (guard.authEnabled && !BEARER_JWT.test(String(req.headers.authorization ?? ''))) {
      return reply.code(401).send({ error: 'unauthorized' });
    }
  };
  http.post(MESSAGES_PATH, { bodyLimit: BODY_LIMITS.teams, onRequest }, async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
      return reply.code(400).send({ error: 'expected a Bot Framework activity (JSON object)' });
    }
    const envelope = ActivityEnvelopeSchema.safeParse(req.body);
    if (!envelope.success) {
      const where = envelope.error.issues[0]?.path.join('.') ?? '';
      return reply.code(400).send({ error: `malformed activity: ${where || 'type'} has the wrong type` });
    }
    // Replies go to the activity's serviceUrl with the bot's token: only to the Bot Framework (or the local Emulator).
    if (!isAllowedServiceUrl(envelope.data.serviceUrl, { allowLoopback: !guard.authEnabled })) {
      logger.warn({ type: envelope.data.type }, 'teams: activity refused: serviceUrl is not a Bot Framework host');
      return reply.code(403).send({ error: 'serviceUrl is not a Bot Framework service host' });
    }
    if (guard.allowedTenants.length > 0) {
      const tenant = tenantIdOf(req.body as Record<string, unknown>);
      if (tenant === undefined || !guard.allowedTenants.includes(tenant)) {
        logger.warn({ type: envelope.data.type }, 'teams: activity refused: tenant not in MICROSOFT_ALLOWED_TENANTS');
        return reply.code(403).send({ error: 'tenant not allowed' });
      }
    }
    if (guard.leanVote) {
      const answered = await guard.leanVote(req.body as Record<string, unknown>, String(req.headers.authorization ?? ''));
      if (answered) return reply.code(answered.status).send(answered.body);
    }
    const res = new CollectedResponse(req.raw.socket);
    try {
      await adapter.process(
        { body: req.body as Record<string, unknown>, headers: req.headers, method: req.method },
        res,
        logic,
      );
    } catch (err) {
      // botbuilder validates the activity with zod before auth; a malformed one throws here.
      logger.warn({ err }, 'teams: malformed activity');
      return reply.code(400).send({ error: 'malformed activity' });
    }
    for (const [name, value] of Object.entries(res.headers)) reply.header(name, value);
    reply.code(res.statusCode);
    // Auth failures carry botbuilder's own message; we don't echo details to unauthenticated callers.
    if (res.statusCode === 401) return reply.send({ error: 'unauthorized' });
    if (res.statusCode >= 500) return reply.send({ error: 'internal error' });
    return reply.send(res.body ?? '');
  });
}
