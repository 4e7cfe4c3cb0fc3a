// The full report behind a signed link: GET /reports/:tenant/:roundId/:sig?format=… and its chart image.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Locale } from '../content/schema.js';
import { AppError, toAppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import type { Clock } from '../core/ports.js';
import type { Logger } from '../infra/logger.js';
import type { ReportLinks } from '../infra/report-links.js';
import { EXPORT_FORMATS, ExportFormatSchema } from '../reports/formats.js';
import { loadReportStates, type ReportReader } from '../reports/load.js';
import type { SignedLinkGuard } from './link-guard.js';
import { noIndex, privateHeaders, sendText } from './replies.js';

export interface ReportRouteDeps {
  http: FastifyInstance;
  guard: SignedLinkGuard;
  reports: ReportReader;
  reportLinks: Pick<ReportLinks, 'urlWithToken'>;
  clock: Clock;
  logger: Pick<Logger, 'error'>;
}

const QuerySchema = z.object({
  format: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), ExportFormatSchema).default('html'),
});

/** The HTML report loads nothing from anywhere: only its inline styles and the embedded chart. */
const HTML_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function failure(deps: ReportRouteDeps, reply: FastifyReply, err: unknown, locale: Locale): FastifyReply {
  const e = toAppError(err);
  if (e.code === 'ROUND_NOT_FOUND') return sendText(reply, 404, t(locale, 'report.errors.notFound'));
  if (e.code === 'STORE_UNAVAILABLE') return sendText(reply, 503, e.userMessage(locale));
  deps.logger.error({ err }, 'report failed');
  return sendText(reply, 500, new AppError('INTERNAL').userMessage(locale));
}

export function registerReportRoutes(deps: ReportRouteDeps): void {
  const { http, guard } = deps;
  http.get('/reports/:tenant/:roundId/:sig', async (req, reply) => {
    const link = guard.roundLink(req, reply);
    if (!link.ok) return reply;
    const query = QuerySchema.safeParse(req.query ?? {});
    if (!query.success) {
      // Named in the answer as given: once, or several times (`?format=a&format=b`); anything else is not a format.
      const raw = (req.query as Record<string, unknown> | undefined)?.format;
      const given = (typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.join(',') : '').slice(0, 20);
      return sendText(reply, 400, t(link.locale, 'report.errors.badFormat', { format: given, formats: EXPORT_FORMATS.join(', ') }));
    }
    const format = query.data.format;
    try {
      const { state, baseline, plan } = await loadReportStates(deps.reports, link.tenant, link.roundId);
      // The exporters (and the chart) load with the first report opened, not at start-up.
      const { exportRound } = await import('../reports/export.js');
      const result = await exportRound(state, baseline, format, {
        now: deps.clock.now(),
        plan,
        // The link it was opened with: reading a report never hands out a link that lives longer.
        reportUrl: deps.reportLinks.urlWithToken(link.tenant, link.roundId, link.token),
      });
      const disposition = format === 'html' ? 'inline' : 'attachment';
      noIndex(privateHeaders(reply))
        .header('content-type', result.contentType)
        .header('content-disposition', `${disposition}; filename="${result.filename}"`);
      if (format === 'html') reply.header('content-security-policy', HTML_CSP);
      return reply.code(200).send(result.body);
    } catch (err) {
      return failure(deps, reply, err, link.locale);
    }
  });

  // The chart on its own, so Slack image blocks and Adaptive Card images can point at it.
  http.get('/reports/:tenant/:roundId/:sig/chart.png', async (req, reply) => {
    const link = guard.roundLink(req, reply);
    if (!link.ok) return reply;
    try {
      // The chart needs no plan: read without one.
      const { state, baseline } = await loadReportStates({ ...deps.reports, channelPlan: undefined }, link.tenant, link.roundId);
      const { renderScoreChartPng } = await import('../reports/chart.js');
      const png = await renderScoreChartPng(state, baseline);
      return noIndex(privateHeaders(reply)).header('content-type', 'image/png').code(200).send(png);
    } catch (err) {
      return failure(deps, reply, err, link.locale);
    }
  });
}
