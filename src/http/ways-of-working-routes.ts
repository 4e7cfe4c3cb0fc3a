// HTTP routes for the ways of working, behind the same signature as the round's report link: the history chart
// (GET /history/:tenant/:roundId/:sig/chart.png) and the peer review's follow-up report (GET /followup/:tenant/:roundId/:sig).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { toAppError } from '../core/errors.js';
import { buildHistory } from '../core/history.js';
import { buildFollowUp } from '../core/peer-review.js';
import { FOLLOW_UP_CSP, followUpHtml, followUpMarkdown } from '../reports/follow-up.js';
import { renderHistoryChartPng } from '../reports/history-chart.js';
import type { AssessmentService } from '../core/service.js';
import type { Logger } from '../infra/logger.js';
import type { SignedLinkGuard } from './link-guard.js';
import { privateHeaders } from './replies.js';

export interface WaysOfWorkingRouteDeps {
  http: FastifyInstance;
  guard: SignedLinkGuard;
  service: Pick<AssessmentService, 'getRound' | 'historyStates' | 'state' | 'nowIso'>;
  logger: Pick<Logger, 'error'>;
}

/**
 * `html` (the default) is the page to read and print; `md` downloads the Markdown file (for a wiki, an e-mail or a
 * council paper); `text` shows that Markdown in the browser, as links handed out before the HTML page did.
 */
const FollowUpQuery = z.object({ format: z.enum(['html', 'md', 'text']).default('html') });

function fail(deps: WaysOfWorkingRouteDeps, reply: FastifyReply, err: unknown): FastifyReply {
  const e = toAppError(err);
  if (e.code === 'ROUND_NOT_FOUND') return reply.code(404).send();
  if (e.code === 'STORE_UNAVAILABLE') return reply.code(503).send();
  deps.logger.error({ err }, 'mode route failed');
  return reply.code(500).send();
}

export function registerWaysOfWorkingRoutes(deps: WaysOfWorkingRouteDeps): void {
  const { http, guard, service } = deps;
  http.get('/history/:tenant/:roundId/:sig/chart.png', async (req, reply) => {
    const link = guard.roundLink(req, reply);
    if (!link.ok) return reply;
    const { tenant, roundId } = link;
    try {
      const round = await service.getRound(tenant, roundId);
      // The channel's rounds up to and including this one: a link handed out earlier shows no later rounds.
      const states = (await service.historyStates(tenant, round.channel.id)).filter((s) => s.round.calendar.opensAt <= round.calendar.opensAt);
      const png = await renderHistoryChartPng(buildHistory(states, round.locale));
      return privateHeaders(reply).type('image/png').send(png);
    } catch (err) {
      return fail(deps, reply, err);
    }
  });

  http.get('/followup/:tenant/:roundId/:sig', async (req, reply) => {
    const link = guard.roundLink(req, reply);
    if (!link.ok) return reply;
    const { tenant, roundId } = link;
    const query = FollowUpQuery.safeParse(req.query ?? {});
    if (!query.success) return reply.code(400).send();
    try {
      const state = await service.state(tenant, roundId);
      if (state.round.mode !== 'peer-review') return reply.code(404).send();
      const view = buildFollowUp(state, service.nowIso());
      privateHeaders(reply);
      if (query.data.format === 'html') {
        return reply.type('text/html; charset=utf-8').header('content-security-policy', FOLLOW_UP_CSP).header('x-robots-tag', 'noindex, nofollow').send(followUpHtml(view));
      }
      const markdown = followUpMarkdown(view);
      if (query.data.format === 'md') {
        return reply.type('text/markdown; charset=utf-8').header('content-disposition', `attachment; filename="follow-up-${roundId.replace(/[^A-Za-z0-9._-]/g, '_')}.md"`).send(markdown);
      }
      return reply.type('text/plain; charset=utf-8').header('content-disposition', 'inline').send(markdown);
    } catch (err) {
      return fail(deps, reply, err);
    }
  });
}
