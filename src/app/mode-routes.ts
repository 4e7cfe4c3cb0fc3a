// The history chart over HTTP, behind the same signature as the round's report link: GET /history/:tenant/:roundId/:sig/chart.png.
import { z } from 'zod';
import { toAppError } from '../core/errors.js';
import { buildHistory } from '../core/history.js';
import { renderHistoryChartPng } from '../reports/history-chart.js';
import type { AppContext } from './build.js';

const ParamsSchema = z.object({
  tenant: z.string().min(1).max(200),
  roundId: z.string().min(1).max(200),
  sig: z.string().min(1).max(128),
});

export function registerHistoryRoutes(ctx: AppContext): void {
  ctx.http.get('/history/:tenant/:roundId/:sig/chart.png', async (req, reply) => {
    const params = ParamsSchema.safeParse(req.params);
    if (!params.success) return reply.code(400).send();
    const { tenant, roundId, sig } = params.data;
    if (!ctx.reportLinks.verify(tenant, roundId, sig)) return reply.code(403).send();
    try {
      const round = await ctx.service.getRound(tenant, roundId);
      // The channel's rounds up to and including this one: a link handed out earlier shows no later rounds.
      const states = (await ctx.service.historyStates(tenant, round.channel.id)).filter((s) => s.round.calendar.opensAt <= round.calendar.opensAt);
      const png = await renderHistoryChartPng(buildHistory(states, round.locale));
      return reply.header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').type('image/png').send(png);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'ROUND_NOT_FOUND') return reply.code(404).send();
      ctx.logger.error({ err }, 'history chart failed');
      return reply.code(e.code === 'STORE_UNAVAILABLE' ? 503 : 500).send();
    }
  });
}
