// HTTP routes for the full report behind a signed link: GET /reports/:tenant/:roundId/:sig?format=… and the chart image.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app/build.js';
import { checkSignedLink, sendText } from '../app/link-guard.js';
import type { Locale } from '../content/schema.js';
import { AppError, toAppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import { renderScoreChartPng } from './chart.js';
import { EXPORT_FORMATS, ExportFormatSchema, exportRound } from './export.js';
import { loadReportStates } from './load.js';

export { requestLocale } from '../app/link-guard.js';

const QuerySchema = z.object({
  format: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), ExportFormatSchema).default('html'),
});

/** The HTML report loads nothing from anywhere: only its inline styles and the embedded chart. */
const HTML_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function commonHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex, nofollow');
}

function failure(ctx: AppContext, reply: FastifyReply, err: unknown, locale: Locale): FastifyReply {
  const e = toAppError(err);
  if (e.code === 'ROUND_NOT_FOUND') return sendText(reply, 404, t(locale, 'report.errors.notFound'));
  if (e.code === 'STORE_UNAVAILABLE') return sendText(reply, 503, e.userMessage(locale));
  ctx.logger.error({ err }, 'report failed');
  return sendText(reply, 500, new AppError('INTERNAL').userMessage(locale));
}

export function registerReportRoutes(ctx: AppContext): void {
  ctx.http.get('/reports/:tenant/:roundId/:sig', async (req, reply) => {
    const link = checkSignedLink(ctx, req, reply);
    if (!link.ok) return reply;
    const query = QuerySchema.safeParse(req.query ?? {});
    if (!query.success) {
      const given = String((req.query as Record<string, unknown> | undefined)?.format ?? '').slice(0, 20);
      return sendText(reply, 400, t(link.locale, 'report.errors.badFormat', { format: given, formats: EXPORT_FORMATS.join(', ') }));
    }
    const format = query.data.format;
    try {
      const { state, baseline } = await loadReportStates(ctx.service.read, link.tenant, link.roundId);
      const result = await exportRound(state, baseline, format, {
        now: ctx.clock.now(),
        // The link it was opened with: reading a report never hands out a link that lives longer.
        reportUrl: ctx.reportLinks.urlWithToken(link.tenant, link.roundId, link.token),
      });
      const disposition = format === 'html' ? 'inline' : 'attachment';
      commonHeaders(reply)
        .header('content-type', result.contentType)
        .header('content-disposition', `${disposition}; filename="${result.filename}"`);
      if (format === 'html') reply.header('content-security-policy', HTML_CSP);
      return reply.code(200).send(result.body);
    } catch (err) {
      return failure(ctx, reply, err, link.locale);
    }
  });

  // The chart on its own, so Slack image blocks and Adaptive Card images can point at it.
  ctx.http.get('/reports/:tenant/:roundId/:sig/chart.png', async (req, reply) => {
    const link = checkSignedLink(ctx, req, reply);
    if (!link.ok) return reply;
    try {
      const { state, baseline } = await loadReportStates(ctx.service.read, link.tenant, link.roundId);
      const png = await renderScoreChartPng(state, baseline);
      return commonHeaders(reply).header('content-type', 'image/png').code(200).send(png);
    } catch (err) {
      return failure(ctx, reply, err, link.locale);
    }
  });
}
