// The fastify server every route and adapter mounts on: body and rate limits first, quiet request logs, and a
// shutdown that closes kept-alive connections instead of waiting them out.
import { createRequire } from 'node:module';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { trustProxyOption, type Config } from '../config.js';
import type { Logger } from '../infra/logger.js';
import { BODY_LIMITS, installHttpLimits } from './limits.js';

type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** Resolved from fastify itself: the compilers are its dependencies, not ours. */
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));

/**
 * fastify's schema compilers (ajv and fast-json-stringify, some 200 files) are loaded when a route first declares a
 * JSON schema. Ours declare none (zod checks every input), so start-up does not pay for them.
 */
function onFirstSchema<K extends keyof Compilers>(pkg: string): NonNullable<Compilers[K]> {
  let factory: ((...args: unknown[]) => unknown) | undefined;
  const lazy = (...args: unknown[]) => {
    factory ??= (fastifyRequire(pkg) as () => (...args: unknown[]) => unknown)();
    return factory(...args);
  };
  return lazy as unknown as NonNullable<Compilers[K]>;
}

export interface HttpServer {
  http: FastifyInstance;
  /** From now on every response says `Connection: close` (see createHttpServer). */
  beginShutdown: () => void;
}

export async function createHttpServer(config: Pick<Config, 'LOG_LEVEL' | 'TRUST_PROXY'>, logger: Logger): Promise<HttpServer> {
  const http: FastifyInstance = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    // The playground's JSON; Slack and Teams set their own limits on their routes (limits.ts).
    bodyLimit: BODY_LIMITS.default,
    trustProxy: trustProxyOption(config),
    // Per-request logs only when debugging; errors are always logged.
    logController: new LogController({ disableRequestLogging: config.LOG_LEVEL !== 'debug' && config.LOG_LEVEL !== 'trace' }),
    schemaController: {
      compilersFactory: {
        buildValidator: onFirstSchema<'buildValidator'>('@fastify/ajv-compiler'),
        buildSerializer: onFirstSchema<'buildSerializer'>('@fastify/fast-json-stringify-compiler'),
      },
    },
  });
  // Before any route, so every route inherits the limits.
  await installHttpLimits(http);

  // While shutting down, answer with `Connection: close`: a keep-alive socket left idle after its last
  // response would otherwise hold http.close() open until keepAliveTimeout (72 s), past main.ts's forced exit.
  let shuttingDown = false;
  http.addHook('onSend', async (_req, reply, payload) => {
    if (shuttingDown) reply.header('connection', 'close');
    return payload;
  });
  return {
    http,
    beginShutdown: () => {
      shuttingDown = true;
    },
  };
}
