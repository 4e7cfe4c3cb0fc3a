// HTTP routes for the ways of working, behind the same signature as the round's report link: the history chart
// (GET /history/:tenant/:roundId/:sig/chart.png) and the peer review's follow-up report (GET /followup/:tenant/:roundId/:sig).
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { toAppError } from '../core/errors.js';
import { buildHistory } from '../core/history.js';
import { buildFollowUp } from '../core/peer-review.js';
import { FOLLOW_UP_CSP, followUpHtml, followUpMarkdown } from '../reports/follow-up.js';
import { renderHistoryChartPng } from '../reports/history-chart.js';
import type { AppContext } from './build.js';
import { checkSignedLink } from './link-guard.js';

/**
 * `html` (the default) is the page to read and print; `md` downloads the Markdown file (for a wiki, an e-mail or a
 * council paper); `text` shows that Markdown in the browser, as links handed out before the HTML page did.
 */
const FollowUpQuery = z.object({ format: z.enum(['html', 'md', 'text']).default('html') });

function privateHeaders(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
}

function fail(ctx: AppContext, reply: FastifyReply, err: unknown): FastifyReply {
  const e = toAppError(err);
  if (e.code === 'ROUND_NOT_FOUND') return reply.code(404).send();
  if (e.code === 'STORE_UNAVAILABLE') return reply.code(503).send();
  ctx.logger.error({ err }, 'mode route failed');
  return reply.code(500).send();
}

export function registerModeRoutes(ctx: AppContext): void {
  ctx.http.get('/history/:tenant/:roundId/:sig/chart.png', async (req, reply) => {
    const link = checkSignedLink(ctx, req, reply);
    if (!link.ok) return reply;
    const { tenant, roundId } = link;
    try {
      const round = await ctx.service.getRound(tenant, roundId);
      // The channel's rounds up to and including this one: a link handed out earlier shows no later rounds.
      const states = (await ctx.service.historyStates(tenant, round.channel.id)).filter((s) => s.round.calendar.opensAt <= round.calendar.opensAt);
      const png = await renderHistoryChartPng(buildHistory(states, round.locale));
      return privateHeaders(reply).type('image/png').send(png);
    } catch (err) {
      return fail(ctx, reply, err);
    }
  });

  ctx.http.get('/followup/:tenant/:roundId/:sig', async (req, reply) => {
    const link = checkSignedLink(ctx, req, reply);
    if (!link.ok) return reply;
    const { tenant, roundId } = link;
    const query = FollowUpQuery.safeParse(req.query ?? {});
    if (!query.success) return reply.code(400).send();
    try {
      const state = await ctx.service.state(tenant, roundId);
      if (state.round.mode !== 'peer-review') return reply.code(404).send();
      const view = buildFollowUp(state, ctx.service.nowIso());
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
      return fail(ctx, reply, err);
    }
  });
}
