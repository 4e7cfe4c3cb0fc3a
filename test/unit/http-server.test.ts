// The shared fastify server: a route that declares a JSON schema still gets it checked and applied, although the
// schema compilers are only loaded when such a route appears (src/http/server.ts).
import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/infra/logger.js';

describe('createHttpServer', () => {
  it('validates and serializes by schema on a route that declares one', async () => {
    const { http } = await createHttpServer({ LOG_LEVEL: 'silent', TRUST_PROXY: undefined }, createLogger('silent'));
    http.get(
      '/schema',
      {
        schema: {
          querystring: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
          response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } },
        },
      },
      async (req) => ({ n: (req.query as { n: number }).n, secret: 'left out by the response schema' }),
    );
    const bad = await http.inject({ method: 'GET', url: '/schema?n=abc' });
    expect(bad.statusCode).toBe(400);
    const good = await http.inject({ method: 'GET', url: '/schema?n=7' });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({ n: 7 });
    await http.close();
  });
});
