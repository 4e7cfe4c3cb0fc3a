// The peer review's follow-up report as documents: Markdown (to download) and a self-contained HTML page (the report link).
import { createHash } from 'node:crypto';
import type { FollowUpView } from '../core/peer-review.js';
import { escapeHtml } from './html.js';

/** Markdown-safe text: people's words show as written. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

export function followUpMarkdown(view: FollowUpView): string {
  const out = [
    `# ${md(view.title)}`,
    '',
    md(view.intro),
    '',
    `| ${view.columns.factor} | ${view.columns.self} | ${view.columns.peer} |`,
    '|---|---|---|',
    ...view.factors.map((f) => `| ${md(f.header)} | ${md(f.self)} | ${f.peer !== null ? md(f.peer) : '–'} |`),
  ];
  for (const f of view.factors) {
    out.push('', `## ${md(f.header)}`, '', `- ${md(f.selfLine)}`);
    if (f.peerLine) out.push(`- ${md(f.peerLine)}`);
    if (f.findings.length > 0) out.push('', `**${md(view.titles.findings)}**`, '', ...f.findings.map((x) => `- ${md(x)}`));
    if (f.recommendations.length > 0) out.push('', `**${md(view.titles.recommendations)}**`, '', ...f.recommendations.map((x) => `- ${md(x)}`));
    if (f.evidence.length > 0) out.push('', `**${md(view.titles.evidence)}**`, '', ...f.evidence.map((l) => `- <${l}>`));
  }
  if (view.notes.length > 0) {
    out.push('', `## ${md(view.titles.notes)}`, '');
    for (const n of view.notes) out.push(`- ${md(n.kind)}${n.about ? ` (${md(n.about)})` : ''}: ${md(n.text)}`);
  }
  return `${out.join('\n')}\n`;
}

const STYLE =
  'body{margin:0;font:15px/1.5 "Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif;color:#1f2933;background:#fff}' +
  'main{max-width:980px;margin:0 auto;padding:32px 24px 48px}h1{font-size:26px;line-height:1.25;margin:0 0 8px}' +
  'h2{font-size:19px;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid #1f2933}h3{font-size:15px;margin:16px 0 4px}' +
  '.intro{color:#5f6b76}table{border-collapse:collapse;width:100%;font-size:14px;margin-top:16px}' +
  'th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #d9dee3;vertical-align:top}th{font-size:12px;color:#5f6b76}' +
  'tr.differs td{background:#fff6e0}ul{margin:4px 0 0;padding-left:22px}a{color:#1d5fa6;word-break:break-all}' +
  '@media print{a{color:inherit}}';

/** The page loads nothing and runs nothing: only its inline style, allowed by hash. */
export const FOLLOW_UP_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Evidence was checked as http(s) when saved; anything else is shown as text, never as a link. */
function link(url: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeHtml(url);
  return `<a href="${escapeHtml(url)}" rel="noopener noreferrer nofollow">${escapeHtml(url)}</a>`;
}

function list(items: string[], render: (x: string) => string = escapeHtml): string {
  return `<ul>${items.map((x) => `<li>${render(x)}</li>`).join('')}</ul>`;
}

/** The whole report as one page; every text is escaped, the only links are the team's checked evidence links. */
export function followUpHtml(view: FollowUpView): string {
  const e = escapeHtml;
  const rows = view.factors
    .map((f) => `<tr${f.differs ? ' class="differs"' : ''}><td>${e(f.header)}</td><td>${e(f.self)}</td><td>${f.peer !== null ? e(f.peer) : '–'}</td></tr>`)
    .join('');
  const details = view.factors.map((f) => {
    const parts = [`<h2>${e(f.header)}</h2>`, list([f.selfLine, ...(f.peerLine ? [f.peerLine] : [])])];
    if (f.findings.length > 0) parts.push(`<h3>${e(view.titles.findings)}</h3>`, list(f.findings));
    if (f.recommendations.length > 0) parts.push(`<h3>${e(view.titles.recommendations)}</h3>`, list(f.recommendations));
    if (f.evidence.length > 0) parts.push(`<h3>${e(view.titles.evidence)}</h3>`, list(f.evidence, link));
    return `<section>${parts.join('')}</section>`;
  });
  const notes =
    view.notes.length > 0
      ? `<section><h2>${e(view.titles.notes)}</h2>${list(view.notes.map((n) => `${n.kind}${n.about ? ` (${n.about})` : ''}: ${n.text}`))}</section>`
      : '';
  return [
    '<!doctype html>',
    `<html lang="${view.locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${e(view.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body><main>',
    `<h1>${e(view.title)}</h1>`,
    `<p class="intro">${e(view.intro)}</p>`,
    `<table><thead><tr><th>${e(view.columns.factor)}</th><th>${e(view.columns.self)}</th><th>${e(view.columns.peer)}</th></tr></thead><tbody>${rows}</tbody></table>`,
    ...details,
    notes,
    '</main></body>',
    '</html>',
  ].join('\n');
}
