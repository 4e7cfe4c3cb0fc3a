// GET /privacy-export/<token>: the personal-data export a privacy command linked to, while its sealed token lasts.
import type { FastifyInstance } from 'fastify';
import { toAppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import type { AssessmentService } from '../core/service.js';
import type { Logger } from '../infra/logger.js';
import type { SignedLinkGuard } from './link-guard.js';
import { sendText } from './replies.js';

export interface PrivacyRouteDeps {
  http: FastifyInstance;
  guard: SignedLinkGuard;
  service: Pick<AssessmentService, 'privacy' | 'nowIso'>;
  logger: Pick<Logger, 'error'>;
}

export function registerPrivacyRoutes(deps: PrivacyRouteDeps): void {
  const { http, guard, service } = deps;
  http.get('/privacy-export/*', async (req, reply) => {
    const link = guard.privacyExport(req, reply);
    if (!link.ok) return reply;
    const { grant, locale } = link;
    try {
      // Scoped again now: a coordinator's link shows only the rounds they still coordinate.
      const data = await service.privacy.exportGranted(grant);
      if (grant.subject !== grant.asker) {
        await service.privacy.audit.record({
          tenant: grant.tenant,
          at: service.nowIso(),
          actor: grant.asker,
          subject: grant.subject,
          action: 'download',
          outcome: data ? 'allowed' : 'refused',
          basis: data ? (grant.scope === 'all' ? 'admin' : 'coordinator') : 'none',
          ...(data ? { rounds: data.rounds.length } : {}),
        });
      }
      if (!data) return sendText(reply, 403, t(locale, 'modes.privacy.linkInvalid'));
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
      if (e.code !== 'STORE_UNAVAILABLE') deps.logger.error({ err }, 'privacy export download failed');
      return sendText(reply, e.code === 'STORE_UNAVAILABLE' ? 503 : 500, e.userMessage(locale));
    }
  });
}
