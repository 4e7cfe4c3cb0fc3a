// The HTML report: one self-contained, print-friendly page (inline CSS, the chart as an embedded PNG) for councils and peer reviewers.
import type { Locale } from '../content/schema.js';
import type { ReportPlan, ReportPlanAction } from './plan-report.js';
import type { FollowUpView } from '../core/peer-review.js';
import { escapeHtml } from './html.js';
import { answerThreshold, voteThreshold } from '../core/anonymity.js';
import { t, tn } from '../core/i18n.js';
import type { Level } from '../core/model.js';
import { longDate } from './format.js';
import { changeText } from './export-markdown.js';
import type { ReportFactor, ReportMember, ReportModel } from './report-model.js';
import { closedWriter, FactorLists, writeFactor, type FactorWriter } from './factor-writer.js';

/** People's text with its line breaks kept. */
function textBlock(text: string): string {
  return escapeHtml(text.replace(/\r\n?/g, '\n').trim()).replace(/\n/g, '<br>');
}

/** Evidence was checked as http(s) when saved; anything else is shown as text, never as a link. */
function link(url: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeHtml(url);
  return `<a href="${escapeHtml(url)}" rel="noopener noreferrer nofollow">${escapeHtml(url)}</a>`;
}

const LEVEL_CLASS: Record<Level, string> = { 'in-place': 'lv-in', partly: 'lv-partly', 'not-in-place': 'lv-not', 'dont-know': 'lv-dk' };

function chip(f: ReportFactor): string {
  const cls = f.line.verdict ? LEVEL_CLASS[f.line.verdict] : 'lv-none';
  return `<span class="chip ${cls}">${escapeHtml(f.line.verdictLabel)}</span>`;
}

/** A small stacked bar of the vote distribution; the numbers are in the text next to it. */
function distributionBar(f: ReportFactor): string {
  const total = f.line.distribution.reduce((s, d) => s + d.count, 0);
  if (total === 0) return '';
  const parts = f.line.distribution
    .filter((d) => d.count > 0)
    .map((d) => `<span class="${LEVEL_CLASS[d.level]}" style="width:${((d.count / total) * 100).toFixed(2)}%"></span>`)
    .join('');
  return `<span class="dist" aria-hidden="true">${parts}</span>`;
}

const CSS = `
:root{--ink:#1f2933;--muted:#5f6b76;--line:#d9dee3;--accent:#1d5fa6;--in:#2e7d4f;--partly:#c98a0b;--not:#b3261e;--dk:#8a949e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 "Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
main{max-width:980px;margin:0 auto;padding:32px 24px 48px}
h1{font-size:28px;line-height:1.2;margin:4px 0 8px}
h2{font-size:20px;margin:36px 0 12px;padding-bottom:4px;border-bottom:2px solid var(--ink)}
h3{font-size:17px;margin:0 0 6px}
.eyebrow{color:var(--muted);text-transform:uppercase;letter-spacing:.06em;font-size:12px;margin:0}
.meta{color:var(--muted);margin:0}
.summary{display:flex;flex-wrap:wrap;gap:16px;align-items:stretch;margin:24px 0}
.kpi{border:1px solid var(--line);border-radius:8px;padding:12px 18px;min-width:170px}
.kpi b{display:block;font-size:34px;line-height:1.1}
.kpi span{color:var(--muted);font-size:13px}
.headline{flex:1 1 300px;align-self:center;font-size:17px;font-weight:600;margin:0}
figure{margin:8px 0 0}
figure img{max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;border-bottom:2px solid var(--line)}
td.num,th.num{text-align:right;white-space:nowrap}
td a{color:inherit;text-decoration:none;border-bottom:1px dotted var(--muted)}
.chip{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12.5px;font-weight:600;color:#fff;white-space:nowrap}
.lv-in{background:var(--in)}.lv-partly{background:var(--partly)}.lv-not{background:var(--not)}.lv-dk,.lv-none{background:var(--dk)}
.dist{display:flex;height:8px;width:120px;border-radius:4px;overflow:hidden;background:#eef1f4;margin-top:4px}
.dist span{display:block;height:100%}
.flag{color:var(--not);font-weight:600}
ul{padding-left:20px}
.factor{border-top:1px solid var(--line);padding:18px 0;break-inside:avoid-page}
.statement{font-style:italic;margin:0 0 8px}
.facts{margin:0 0 10px;color:var(--muted)}
.q{font-weight:600;margin:12px 0 4px}
.answers li{margin:2px 0}
.who{color:var(--muted)}
.links a{color:var(--accent);word-break:break-all}
.note{color:var(--muted);font-style:italic}
footer{margin-top:40px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
@page{size:A4;margin:16mm 14mm}
@media print{
  body{font-size:11pt}
  main{max-width:none;padding:0}
  h2{break-after:avoid-page}
  .summary,figure,table tr{break-inside:avoid-page}
  .chip,.dist span{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  a{color:inherit;text-decoration:none}
}
`;

function overviewTable(model: ReportModel): string {
  const { locale } = model;
  const col = (k: string) => escapeHtml(t(locale, `report.columns.${k}`));
  const head = [
    `<th>${col('number')}</th>`,
    `<th>${col('factor')}</th>`,
    `<th>${col('verdict')}</th>`,
    `<th class="num">${col('score')}</th>`,
    ...(model.comparedWith ? [`<th>${col('change')}</th>`] : []),
    `<th class="num">${col('agreement')}</th>`,
    `<th>${col('votes')}</th>`,
    `<th class="num">${col('voted')}</th>`,
    `<th class="num">${col('answers')}</th>`,
    `<th class="num">${col('evidence')}</th>`,
  ].join('');
  const rows = model.factors.map((f) => {
    const l = f.line;
    const votes = f.hidden ? escapeHtml(t(locale, 'report.hiddenShort')) : `${escapeHtml(l.distributionLine)}${distributionBar(f)}`;
    const flag = l.disputed ? ` <span class="flag" title="${escapeHtml(t(locale, 'digest.worthDiscussion'))}">⚑</span>` : '';
    return `<tr>${[
      `<td>${f.numberLabel}</td>`,
      `<td><a href="#${escapeHtml(f.factorId)}">${escapeHtml(f.theme)}</a>${flag}</td>`,
      `<td>${chip(f)}</td>`,
      `<td class="num">${l.score === null ? '–' : Math.round(l.score)}</td>`,
      ...(model.comparedWith ? [`<td>${escapeHtml(changeText(model, f) || '–')}</td>`] : []),
      `<td class="num">${l.agreement === null ? '–' : `${Math.round(l.agreement * 100)}%`}</td>`,
      `<td>${votes}</td>`,
      `<td class="num">${l.voters}/${l.eligible}</td>`,
      `<td class="num">${l.answers}</td>`,
      `<td class="num">${l.evidence}</td>`,
    ].join('')}</tr>`;
  });
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** One factor's article, written one answer text and one link at a time (see FactorWriter). */
export function htmlFactorWriter(model: ReportModel, f: ReportFactor): FactorWriter {
  const { locale, round } = model;
  const parts = [`<article class="factor" id="${escapeHtml(f.factorId)}">`, `<h3>${f.numberLabel} · ${escapeHtml(f.theme)} ${chip(f)}</h3>`];
  if (f.statement) parts.push(`<p class="statement">${escapeHtml(f.statement)}</p>`);
  if (f.hidden) {
    parts.push(`<p class="note">${escapeHtml(t(locale, 'report.hidden', { min: voteThreshold(round) }))}</p>`, '</article>');
    return closedWriter(parts.join('\n'));
  }
  const facts = [escapeHtml(f.line.line), escapeHtml(t(locale, 'report.votesLine', { distribution: f.line.distributionLine }))];
  if (f.comparison && f.comparison.previous !== null && f.comparison.current !== null) {
    facts.push(
      escapeHtml(
        t(locale, model.comparedWith?.isBaseline ? 'report.comparedBaseline' : 'report.comparedPrevious', {
          before: Math.round(f.comparison.previous),
          now: Math.round(f.comparison.current),
          change: changeText(model, f),
        }),
      ),
    );
  }
  if (f.line.disputed) facts.push(`<span class="flag">⚑ ${escapeHtml(t(locale, 'digest.worthDiscussion'))}</span>`);
  parts.push(`<p class="facts">${facts.join('<br>')}</p>`);
  if (f.answersHeld) {
    parts.push(`<p class="note">${escapeHtml(t(locale, 'report.answersHeld', { min: answerThreshold(round) }))}</p>`, '</article>');
    return closedWriter(parts.join('\n'));
  }
  const lists = new FactorLists(f);
  const who = (m: ReportMember | undefined, around: (label: string) => string) => (m ? `<span class="who">${around(escapeHtml(m.label))}</span>` : '');
  return {
    answer: (qid, member, text) => lists.answer(qid, `<li>${who(member, (l) => `${l}:`)} ${textBlock(text)}</li>`),
    evidence: (member, url) => lists.evidence(`<li>${link(url)} ${who(member, (l) => `(${l})`)}</li>`),
    end() {
      const answered = lists.answered();
      if (answered.length === 0) parts.push(`<p class="note">${escapeHtml(t(locale, 'report.noAnswers'))}</p>`);
      // The parts are joined by line breaks; each list's items follow its opening tag directly.
      const pieces = [parts.join('\n')];
      const list = (heading: string, cls: string, items: string[]) => {
        pieces.push(`\n${heading}\n<ul class="${cls}">`);
        for (const item of items) pieces.push(item);
        pieces.push('</ul>');
      };
      for (const q of answered) list(`<p class="q">${q.number}. ${escapeHtml(q.text)}</p>`, 'answers', q.items);
      if (lists.links.length > 0) list(`<p class="q">${escapeHtml(t(locale, 'report.evidenceTitle'))}</p>`, 'links', lists.links);
      pieces.push('\n</article>');
      return pieces;
    },
  };
}

function factorArticle(model: ReportModel, f: ReportFactor): string {
  return writeFactor(htmlFactorWriter(model, f), f);
}

function planActionsHtml(actions: ReportPlanAction[], withFactor = false): string {
  const items = actions.map((a) => {
    const meta = [a.owner, a.due, a.tagLabel, a.priorityLabel, a.statusLabel].map(escapeHtml).join(' · ');
    const notes = a.notes.length === 0 ? '' : `<ul>${a.notes.map((n) => `<li>${escapeHtml(n.day)}: ${textBlock(n.text)}</li>`).join('')}</ul>`;
    return `<li><b>${escapeHtml(a.id)}</b> ${withFactor ? `${escapeHtml(a.factor)}: ` : ''}${textBlock(a.text)}<br><span class="meta">${meta}</span>${notes}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

/** The channel's action plan: goals largest gap first, every action with owner, due date, kind, priority, status, notes. */
function planHtml(plan: ReportPlan, locale: Locale): string {
  const parts = [`<section class="plan"><h2>${escapeHtml(plan.title)}</h2>`, `<p>${escapeHtml(plan.summary)}</p>`];
  for (const g of plan.goals) {
    parts.push(`<h3>${escapeHtml(g.heading)}</h3>`);
    parts.push(g.actions.length === 0 ? `<p class="meta">${escapeHtml(t(locale, 'report.plan.noActions'))}</p>` : planActionsHtml(g.actions));
  }
  if (plan.others.length > 0) parts.push(`<h3>${escapeHtml(t(locale, 'modes.plan.otherActions').replace(/\*\*/g, ''))}</h3>`, planActionsHtml(plan.others, true));
  parts.push('</section>');
  return parts.join('\n');
}

/** A peer review's panel: each factor's verdicts side by side, with the panel's findings and recommendations. */
function peerHtml(view: FollowUpView): string {
  const parts = [`<section class="peer"><h2>${escapeHtml(view.titles.findings)} · ${escapeHtml(view.titles.recommendations)}</h2>`];
  for (const f of view.factors) {
    if (f.findings.length === 0 && f.recommendations.length === 0 && f.peer === null) continue;
    parts.push(`<h3>${escapeHtml(f.header)}</h3>`, `<p class="meta">${escapeHtml(f.selfLine)}${f.peerLine ? `<br>${escapeHtml(f.peerLine)}` : ''}</p>`);
    if (f.findings.length > 0) parts.push(`<h4>${escapeHtml(view.titles.findings)}</h4><ul>${f.findings.map((x) => `<li>${textBlock(x)}</li>`).join('')}</ul>`);
    if (f.recommendations.length > 0) parts.push(`<h4>${escapeHtml(view.titles.recommendations)}</h4><ul>${f.recommendations.map((x) => `<li>${textBlock(x)}</li>`).join('')}</ul>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** Everything before the first factor's article, as lines. */
export function htmlHead(model: ReportModel, chartPng: Buffer | null): string[] {
  const { locale, round, digest, pack } = model;
  const tz = round.calendar.timezone;
  const meta = [
    t(locale, 'report.metaRound', { id: round.id }),
    ...(round.channel.name ? [t(locale, 'report.metaChannel', { channel: round.channel.name })] : []),
    t(locale, 'report.generated', { date: longDate(model.generatedAt, tz, locale) }),
  ];
  // Before every factor has a score the figure is a score so far, and its label says how many factors it rests on.
  const score = digest.score ?? digest.scoreSoFar;
  const scoreLabel = digest.score === null && digest.scoreSoFar !== null ? tn(locale, 'report.kpi.scoreSoFar', digest.total, { scored: digest.scored }) : t(locale, 'report.kpi.score');
  const body = [
    '<header>',
    `<p class="eyebrow">${escapeHtml(pack.title)}</p>`,
    `<h1>${escapeHtml(digest.title)}</h1>`,
    `<p class="meta">${escapeHtml(digest.subtitle)}<br>${escapeHtml(meta.join(' · '))}</p>`,
    '</header>',
    '<section class="summary">',
    `<div class="kpi"><b>${score === null ? '–' : String(score)}<small>/100</small></b><span>${escapeHtml(scoreLabel)}</span></div>`,
    `<div class="kpi"><b>${digest.inPlace}<small>/${digest.total}</small></b><span>${escapeHtml(t(locale, 'report.kpi.inPlace'))}</span></div>`,
    `<p class="headline">${escapeHtml(digest.headline)}${model.comparedWith ? `<br><span class="meta">${escapeHtml(digest.footer)}</span>` : ''}</p>`,
    '</section>',
    `<p class="note">${escapeHtml(t(locale, 'verdict.rule'))}</p>`,
    ...(round.anonymous ? [`<p class="note">${escapeHtml(t(locale, 'report.anonymousNote', { min: voteThreshold(round), minAnswers: answerThreshold(round) }))}</p>`] : []),
    chartPng
      ? `<figure><img src="data:image/png;base64,${chartPng.toString('base64')}" width="900" height="520" alt="${escapeHtml(digest.chartAlt)}"></figure>`
      : '',
    `<h2>${escapeHtml(t(locale, 'report.overviewTitle'))}</h2>`,
    overviewTable(model),
    `<h2>${escapeHtml(digest.disputedTitle)}</h2>`,
    digest.disputed.length === 0
      ? `<p>${escapeHtml(t(locale, 'report.noDisputed'))}</p>`
      : `<ul>${digest.disputed.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>`,
    `<h2>${escapeHtml(digest.contextTitle)}</h2>`,
    model.context.length === 0
      ? `<p>${escapeHtml(t(locale, 'report.noContext'))}</p>`
      : `<ul>${model.context.map((c) => `<li><b>${escapeHtml(c.name)}:</b> ${textBlock(c.comment)}</li>`).join('')}</ul>`,
    model.peerReview ? peerHtml(model.peerReview) : '',
    model.plan ? planHtml(model.plan, locale) : '',
    `<h2>${escapeHtml(t(locale, 'report.detailTitle'))}</h2>`,
  ];
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // The report URL carries its signature; evidence links must not leak it in a Referer header.
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(digest.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body><main>',
    ...body.filter((b) => b !== ''),
  ];
}

/** One factor's article, as lines (never none). */
export function htmlFactor(model: ReportModel, f: ReportFactor): string[] {
  return [factorArticle(model, f)];
}

/** Everything after the last factor's article, as lines. */
export function htmlTail(model: ReportModel): string[] {
  const { pack } = model;
  return [`<footer>${escapeHtml(pack.title)} · ${escapeHtml(pack.publisher)}</footer>`, '</main></body>', '</html>', ''];
}

export function renderHtml(model: ReportModel, chartPng: Buffer | null): string {
  return [...htmlHead(model, chartPng), ...model.factors.flatMap((f) => htmlFactor(model, f)), ...htmlTail(model)].join('\n');
}
