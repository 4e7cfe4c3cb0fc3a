// The public /about, /privacy and /terms pages the Teams app package links to, in Swedish and English.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LocaleSchema, type Locale } from '../content/schema.js';
import { t } from '../core/i18n.js';
import { escapeHtml } from '../reports/html.js';
import type { Config } from '../config.js';
import { requestLocale } from './replies.js';

export interface InfoPageDeps {
  http: FastifyInstance;
  config: Pick<Config, 'DEFAULT_LOCALE' | 'RETENTION_MONTHS' | 'OPERATOR_NAME' | 'OPERATOR_CONTACT'>;
}

export const INFO_PAGES = ['about', 'privacy', 'terms'] as const;
export type InfoPage = (typeof INFO_PAGES)[number];

/** Commands as each platform writes them: the pages speak to Slack and Teams users alike. */
const COMMANDS = { slack: '/assess', teams: '@Assess assess' };

/** One part of a page: a heading, a paragraph or a list, each from the locale files. */
type Part = { h2: string } | { p: string } | { ul: string[] };

const CONTENT: Record<InfoPage, Part[]> = {
  about: [{ p: 'pages.about.p1' }, { p: 'pages.about.p2' }, { p: 'pages.about.p3' }],
  privacy: [
    { p: 'pages.privacy.intro' },
    { h2: 'pages.privacy.storedTitle' },
    { ul: ['pages.privacy.stored1', 'pages.privacy.stored2', 'pages.privacy.stored3', 'pages.privacy.stored4', 'pages.privacy.stored5'] },
    { p: 'pages.privacy.notStored' },
    { h2: 'pages.privacy.retentionTitle' },
    { p: 'pages.privacy.retention' },
    { h2: 'pages.privacy.rightsTitle' },
    { ul: ['pages.privacy.rightsExport', 'pages.privacy.rightsErase', 'pages.privacy.rightsOthers'] },
  ],
  terms: [{ p: 'pages.terms.p1' }, { p: 'pages.terms.p2' }, { p: 'pages.terms.p3' }],
};

const STYLE =
  'body{margin:0;font:16px/1.55 "Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2933;background:#fff}' +
  'main{max-width:760px;margin:0 auto;padding:24px 20px 48px}nav{display:flex;flex-wrap:wrap;gap:16px;font-size:14px;margin-bottom:24px}' +
  'nav a{color:#1d5fa6}nav a[aria-current]{color:#1f2933;font-weight:600;text-decoration:none}h1{font-size:26px;line-height:1.25}' +
  'h2{font-size:19px;margin-top:28px}footer{margin-top:32px;padding-top:12px;border-top:1px solid #d9dee3;color:#5f6b76;font-size:14px}';

/** Nothing but the inline style above may load or run: no scripts, images, fonts or frames from anywhere. */
export const INFO_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface Operator {
  name?: string | undefined;
  contact?: string | undefined;
}

/** A contact link we build ourselves: mailto for an address, the https page otherwise (config validated both). */
function contactHtml(contact: string): string {
  const href = contact.includes('@') && !contact.startsWith('https://') ? `mailto:${contact}` : contact;
  return `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${escapeHtml(contact)}</a>`;
}

/** The whole page as HTML; every text is escaped, the links are ours. */
export function renderInfoPage(page: InfoPage, locale: Locale, opts: { retentionMonths: number; operator: Operator }): string {
  const params = { ...COMMANDS, months: opts.retentionMonths };
  const text = (key: string) => escapeHtml(t(locale, key, params));
  const other: Locale = locale === 'sv' ? 'en' : 'sv';
  const nav = INFO_PAGES.map((p) => `<a href="/${p}?lang=${locale}"${p === page ? ' aria-current="page"' : ''}>${text(`pages.nav.${p}`)}</a>`);
  nav.push(`<a href="/${page}?lang=${other}" hreflang="${other}" lang="${other}">${escapeHtml(t(locale, 'pages.otherLanguage'))}</a>`);
  const body = CONTENT[page].map((part) => {
    if ('h2' in part) return `<h2>${text(part.h2)}</h2>`;
    if ('p' in part) return `<p>${text(part.p)}</p>`;
    return `<ul>${part.ul.map((k) => `<li>${text(k)}</li>`).join('')}</ul>`;
  });
  const operator = opts.operator.name ? escapeHtml(t(locale, 'pages.operator', { name: opts.operator.name })) : text('pages.operatorUnknown');
  let contact = '';
  if (opts.operator.contact) {
    // The sentence is text; only the contact inside it becomes a link.
    const [before = '', after = ''] = t(locale, 'pages.contact', { contact: '\u0000' }).split('\u0000');
    contact = `<br>${escapeHtml(before)}${contactHtml(opts.operator.contact)}${escapeHtml(after)}`;
  }
  const title = text(`pages.${page}.title`);
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body><main>',
    `<nav>${nav.join('')}</nav>`,
    `<h1>${title}</h1>`,
    ...body,
    `<footer>${operator}${contact}</footer>`,
    '</main></body>',
    '</html>',
  ].join('\n');
}

const QuerySchema = z.object({ lang: LocaleSchema.optional() });

/** The language asked for with ?lang=, else the reader's Accept-Language, else the server default. */
function pageLocale(deps: InfoPageDeps, req: FastifyRequest): Locale | null {
  const query = QuerySchema.safeParse(req.query ?? {});
  if (!query.success) return null;
  return query.data.lang ?? requestLocale(req.headers['accept-language'], deps.config.DEFAULT_LOCALE);
}

export function registerInfoPages(deps: InfoPageDeps): void {
  const { http, config } = deps;
  for (const page of INFO_PAGES) {
    http.get(`/${page}`, async (req, reply: FastifyReply) => {
      const locale = pageLocale(deps, req);
      if (!locale) return reply.code(400).type('text/plain; charset=utf-8').send('lang must be sv or en\n');
      const html = renderInfoPage(page, locale, {
        retentionMonths: config.RETENTION_MONTHS,
        operator: { name: config.OPERATOR_NAME, contact: config.OPERATOR_CONTACT },
      });
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', INFO_PAGE_CSP)
        .header('content-language', locale)
        .header('vary', 'accept-language')
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'public, max-age=3600')
        .send(html);
    });
  }
}
