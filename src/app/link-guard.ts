// The one guard in front of every signed-link route (reports, charts, history chart, follow-up): path shape, signature, expiry.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LOCALES, type Locale } from '../content/schema.js';
import { t } from '../core/i18n.js';
import type { AppContext } from './build.js';

const ParamsSchema = z.object({
  tenant: z.string().min(1).max(200),
  roundId: z.string().min(1).max(200),
  sig: z.string().min(1).max(128),
});

/** Before we know the round, answer in the reader's language (Accept-Language), else the server default. */
export function requestLocale(header: string | string[] | undefined, fallback: Locale): Locale {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const tags = value
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
      return { lang: tag.toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q) };
    })
    .filter((x) => x.q > 0 && (LOCALES as readonly string[]).includes(x.lang))
    .sort((a, b) => b.q - a.q);
  return (tags[0]?.lang as Locale | undefined) ?? fallback;
}

/** A short plain-text answer that no browser sniffs or caches. */
export function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(`${text}\n`);
}

export type SignedLink = { ok: true; tenant: string; roundId: string; token: string; locale: Locale } | { ok: false };

/**
 * Validates the path, the signature and the expiry, and answers a refusal itself: 400 for a malformed path, 403 for a
 * signature that does not check out, 410 for a link past its lifetime (ask the bot for a new one).
 */
export function checkSignedLink(ctx: Pick<AppContext, 'config' | 'reportLinks'>, req: FastifyRequest, reply: FastifyReply): SignedLink {
  const locale = requestLocale(req.headers['accept-language'], ctx.config.DEFAULT_LOCALE);
  const params = ParamsSchema.safeParse(req.params);
  if (!params.success) {
    sendText(reply, 400, t(locale, 'report.errors.badLink'));
    return { ok: false };
  }
  const { tenant, roundId, sig } = params.data;
  const check = ctx.reportLinks.check(tenant, roundId, sig);
  if (!check.ok) {
    if (check.reason === 'expired') sendText(reply, 410, t(locale, 'security.linkExpired'));
    else sendText(reply, 403, t(locale, 'report.errors.badSignature'));
    return { ok: false };
  }
  return { ok: true, tenant, roundId, token: sig, locale };
}
