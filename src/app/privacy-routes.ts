// GET /privacy-export/<token>: the personal-data export a privacy command linked to, while its sealed token lasts.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { toAppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import { requestLocale } from '../reports/routes.js';
import type { AppContext } from './build.js';

/** A wildcard, not `:token`: a sealed grant is longer than the router's limit for a named parameter. */
const ParamsSchema = z.object({ '*': z.string().min(10).max(2000) });

function plain(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(`${text}\n`);
}

export function registerPrivacyRoutes(ctx: AppContext): void {
  ctx.http.get('/privacy-export/*', async (req, reply) => {
    const locale = requestLocale(req.headers['accept-language'], ctx.config.DEFAULT_LOCALE);
    const params = ParamsSchema.safeParse(req.params);
    const grant = params.success ? ctx.privacyLinks.verify(params.data['*']) : null;
    if (!grant) return plain(reply, 403, t(locale, 'modes.privacy.linkInvalid'));
    try {
      // Scoped again now: a coordinator's link shows only the rounds they still coordinate.
      const data = await ctx.service.privacy.exportGranted(grant);
      if (grant.subject !== grant.asker) {
        await ctx.service.privacy.audit.record({
          tenant: grant.tenant,
          at: ctx.service.nowIso(),
          actor: grant.asker,
          subject: grant.subject,
          action: 'download',
          outcome: data ? 'allowed' : 'refused',
          basis: data ? (grant.scope === 'all' ? 'admin' : 'coordinator') : 'none',
          ...(data ? { rounds: data.rounds.length } : {}),
        });
      }
      if (!data) return plain(reply, 403, t(locale, 'modes.privacy.linkInvalid'));
      const filename = `personal-data-${grant.subject.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)}.json`;
      return reply
        .code(200)
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('x-robots-tag', 'noindex, nofollow')
        .send(`${JSON.stringify(data, null, 2)}\n`);
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'STORE_UNAVAILABLE') ctx.logger.error({ err }, 'privacy export download failed');
      return plain(reply, e.code === 'STORE_UNAVAILABLE' ? 503 : 500, e.userMessage(locale));
    }
  });
}
