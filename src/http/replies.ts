// Small HTTP answers every route shares: the reader's language from Accept-Language, and a plain-text reply.
import type { FastifyReply } from 'fastify';
import { LOCALES, type Locale } from '../content/schema.js';

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

/** Headers for a private document behind a signed link: never cached, sniffed or sent on as a referrer. */
export function privateHeaders(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
}

/** Asks search engines not to index a page or follow its links (a link shared by mistake stays unlisted). */
export function noIndex(reply: FastifyReply): FastifyReply {
  return reply.header('x-robots-tag', 'noindex, nofollow');
}
