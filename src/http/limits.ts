// What one HTTP client may cost the bot: body sizes per route, 404s answered before any body is read, and per-client
// rate limits (@fastify/rate-limit) on every route a stranger can reach.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const KiB = 1024;

/**
 * Largest body each kind of route reads. Slack's biggest payload is a modal submission (a view is at most 250 kB
 * before form encoding, ours are far smaller); a Teams activity is a message or a card's data; the playground posts a
 * command or a form. Everything else is GET and reads no body.
 */
export const BODY_LIMITS = {
  default: 64 * KiB,
  slack: 256 * KiB,
  teams: 256 * KiB,
} as const;

export interface Limit {
  /** Requests per client (IP address, see TRUST_PROXY) in a window of `windowMs`. */
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;

/**
 * Per-client limits. Health and metrics get room for probes and scrapers; a signed link is opened by a person (a few
 * requests each: page, chart); the playground page posts on every click. Slack and Teams sign every request, and one
 * Slack address carries many busy workspaces, so there only refused requests (401/403) count.
 */
export const RATE_LIMITS = {
  ops: { max: 600, windowMs: MINUTE },
  links: { max: 120, windowMs: MINUTE },
  playground: { max: 600, windowMs: MINUTE },
  install: { max: 60, windowMs: MINUTE },
  notFound: { max: 120, windowMs: MINUTE },
  other: { max: 600, windowMs: MINUTE },
  signedRefusals: { max: 300, windowMs: MINUTE },
} as const satisfies Record<string, Limit>;

export type LimitGroup = keyof typeof RATE_LIMITS;

/** Routes authenticated by a signature or a token; their limiter counts refusals only. */
const SIGNED_ROUTES = new Set(['/slack/events', '/api/messages']);

/** Which limit a route (its pattern, as registered) falls under. */
export function limitGroupOf(route: string | undefined): LimitGroup {
  if (route === undefined) return 'notFound';
  if (SIGNED_ROUTES.has(route)) return 'signedRefusals';
  if (route === '/healthz' || route === '/readyz' || route === '/metrics') return 'ops';
  if (/^\/(reports|history|followup)\//.test(route)) return 'links';
  if (route === '/' || route.startsWith('/playground/') || route.startsWith('/vendor/')) return 'playground';
  if (route.startsWith('/slack/')) return 'install';
  return 'other';
}

type Limiter = (
  req: FastifyRequest,
  options?: { increment?: boolean },
) => Promise<{ isAllowed: boolean; isExceeded?: boolean; max?: number; remaining?: number; ttlInSeconds?: number }>;

function tooMany(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(Math.max(1, retryAfterSeconds)))
    .header('cache-control', 'no-store')
    .send({ error: 'too many requests' });
}

/**
 * Installs the limits on a fresh server, before any route: the hooks are inherited by every route registered later.
 * An unknown path answers 404 in onRequest, before its body is read or parsed; a body over the route's limit is refused
 * with 413 by fastify from its Content-Length (or as it streams), also before parsing.
 */
export async function installHttpLimits(http: FastifyInstance): Promise<void> {
  await http.register(rateLimit, { global: false });
  const limiters = new Map<LimitGroup, Limiter>();
  for (const [group, limit] of Object.entries(RATE_LIMITS) as [LimitGroup, Limit][]) {
    limiters.set(group, http.createRateLimit({ max: limit.max, timeWindow: limit.windowMs }));
  }
  const limiter = (group: LimitGroup): Limiter => limiters.get(group)!;

  http.addHook('onRequest', async (req, reply) => {
    const group = req.is404 ? 'notFound' : limitGroupOf(req.routeOptions.url);
    if (group === 'signedRefusals') {
      // Only look: a request counts against its client once it has been refused (onResponse below).
      const seen = await limiter(group)(req, { increment: false });
      if (seen.isExceeded) return tooMany(reply, seen.ttlInSeconds ?? 60);
      return;
    }
    const counted = await limiter(group)(req);
    if (counted.isExceeded) return tooMany(reply, counted.ttlInSeconds ?? 60);
    // The usual headers, so a well-behaved client (or a probe's operator) can see its budget.
    if (counted.max !== undefined) reply.header('x-ratelimit-limit', counted.max).header('x-ratelimit-remaining', counted.remaining ?? 0);
    if (req.is404) return reply.code(404).header('cache-control', 'no-store').send({ error: 'not found' });
  });

  http.addHook('onResponse', async (req, reply) => {
    if (req.is404 || limitGroupOf(req.routeOptions.url) !== 'signedRefusals') return;
    if (reply.statusCode === 401 || reply.statusCode === 403) await limiter('signedRefusals')(req);
  });
}
