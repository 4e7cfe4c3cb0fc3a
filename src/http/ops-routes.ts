// Health, readiness and Prometheus metrics: /healthz for everyone; readiness details and /metrics only on the admin
// listener (ADMIN_PORT) or with the METRICS_TOKEN bearer token, never for anyone who can reach the public port.
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Store } from '../core/ports.js';
import type { Metrics } from '../infra/metrics.js';

export type Check = { ok: boolean; detail?: string };

/** Something /readyz asks before it says ready: each platform adapter is one. */
export interface ReadinessCheck {
  readonly name: string;
  ready(): Promise<Check>;
}

export interface OpsDeps {
  config: Pick<Config, 'METRICS_TOKEN'>;
  store: Pick<Store, 'ping' | 'kind'>;
  /** The platform adapters, as they are registered (the list may grow after the routes are). */
  adapters: readonly ReadinessCheck[];
  metrics: Pick<Metrics, 'registry'>;
}

/** Every check /readyz makes: the store, then each platform adapter. */
export async function readiness(ctx: Pick<OpsDeps, 'store' | 'adapters'>): Promise<{ ok: boolean; checks: Record<string, Check> }> {
  const checks: Record<string, Check> = {};
  try {
    await ctx.store.ping();
    checks.store = { ok: true, detail: ctx.store.kind };
  } catch (err) {
    checks.store = { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
  for (const adapter of ctx.adapters) checks[adapter.name] = await adapter.ready();
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when the request carries `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). */
export function hasMetricsToken(token: string | undefined, req: FastifyRequest): boolean {
  if (!token) return false;
  const header = req.headers.authorization;
  const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  return given.length > 0 && timingSafeEqual(digest(given), digest(token));
}

async function sendMetrics(ctx: Pick<OpsDeps, 'metrics'>, reply: FastifyReply): Promise<string> {
  reply.header('content-type', ctx.metrics.registry.contentType).header('cache-control', 'no-store');
  return ctx.metrics.registry.metrics();
}

/**
 * The public listener. /readyz answers ok/not-ok by status code alone: which store, which adapter and why one failed
 * stay private unless METRICS_TOKEN is given. /metrics exists here only with METRICS_TOKEN set (and then needs it).
 */
export function registerPublicOpsRoutes(http: FastifyInstance, ctx: OpsDeps): void {
  const token = ctx.config.METRICS_TOKEN;
  http.get('/healthz', async () => ({ ok: true }));
  http.get('/readyz', async (req, reply) => {
    const state = await readiness(ctx);
    reply.code(state.ok ? 200 : 503).header('cache-control', 'no-store');
    return hasMetricsToken(token, req) ? state : { ok: state.ok };
  });
  http.get('/metrics', async (req, reply) => {
    if (!token) return reply.code(404).send({ error: 'not found' });
    if (!hasMetricsToken(token, req)) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
    return sendMetrics(ctx, reply);
  });
}

/** The admin listener (ADMIN_PORT on ADMIN_HOST, loopback by default): the full readiness and the metrics, no token. */
export function createAdminServer(ctx: OpsDeps): FastifyInstance {
  const admin = Fastify({ logger: false, bodyLimit: 1024 });
  admin.get('/healthz', async () => ({ ok: true }));
  admin.get('/readyz', async (_req, reply) => {
    const state = await readiness(ctx);
    return reply.code(state.ok ? 200 : 503).header('cache-control', 'no-store').send(state);
  });
  admin.get('/metrics', async (_req, reply) => sendMetrics(ctx, reply));
  return admin;
}
