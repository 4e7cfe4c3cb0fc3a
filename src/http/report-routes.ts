// The full report behind a signed link: GET /reports/:tenant/:roundId/:sig?format=… and its chart image.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Locale } from '../content/schema.js';
import { AppError, toAppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import type { Logger } from '../infra/logger.js';
import type { ReportLinks } from '../infra/report-links.js';
import { EXPORT_FORMATS, ExportFormatSchema } from '../reports/formats.js';
import { reportStream, type DeliveredReport, type ReportDelivery } from '../reports/delivery.js';
import type { SignedLinkGuard } from './link-guard.js';
import { noIndex, privateHeaders, sendText } from './replies.js';

export interface ReportRouteDeps {
  http: FastifyInstance;
  guard: SignedLinkGuard;
  /** Renders, keeps and hands out reports (reports/delivery.ts). */
  reports: ReportDelivery;
  reportLinks: Pick<ReportLinks, 'urlWithToken'>;
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

/** True when the client takes a gzip body (every browser does; a bare HTTP client may not). */
function acceptsGzip(req: FastifyRequest): boolean {
  const header = req.headers['accept-encoding'];
  return typeof header === 'string' && /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i.test(header);
}

/** Streams a report out in chunks, gzipped when the client takes it. */
async function sendReport(req: FastifyRequest, reply: FastifyReply, report: DeliveredReport): Promise<FastifyReply> {
  const out = await reportStream(report, acceptsGzip(req));
  reply.header('content-type', report.contentType).header('content-length', out.length).header('vary', 'accept-encoding');
  if (out.gzipped) reply.header('content-encoding', 'gzip');
  return reply.code(200).send(out.stream);
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
      const report = await deps.reports.deliver(link.tenant, link.roundId, format, {
        // The link it was opened with: reading a report never hands out a link that lives longer.
        reportUrl: deps.reportLinks.urlWithToken(link.tenant, link.roundId, link.token),
      });
      const disposition = format === 'html' ? 'inline' : 'attachment';
      noIndex(privateHeaders(reply)).header('content-disposition', `${disposition}; filename="${report.filename}"`);
      if (format === 'html') reply.header('content-security-policy', HTML_CSP);
      return await sendReport(req, reply, report);
    } catch (err) {
      return failure(deps, reply, err, link.locale);
    }
  });

  // The chart on its own, so Slack image blocks and Adaptive Card images can point at it (tallies only: no votes or
  // answers are read for it). Sent as plain PNG: image fetchers need not handle gzip.
  http.get('/reports/:tenant/:roundId/:sig/chart.png', async (req, reply) => {
    const link = guard.roundLink(req, reply);
    if (!link.ok) return reply;
    try {
      const report = await deps.reports.deliver(link.tenant, link.roundId, 'png');
      const out = await reportStream(report, false);
      return noIndex(privateHeaders(reply)).header('content-type', 'image/png').header('content-length', out.length).code(200).send(out.stream);
    } catch (err) {
      return failure(deps, reply, err, link.locale);
    }
  });
}
