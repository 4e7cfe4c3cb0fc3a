// The Markdown report: the summary, an overview table and every factor's answers and evidence, for wikis and e-mail.
import type { Locale } from '../content/schema.js';
import type { ReportPlan, ReportPlanAction } from './plan-report.js';
import { answerThreshold, voteThreshold } from '../core/anonymity.js';
import { t } from '../core/i18n.js';
import { longDate } from './format.js';
import { signedPoints, type ReportFactor, type ReportMember, type ReportModel } from './report-model.js';
import { closedWriter, FactorLists, writeFactor, type FactorWriter } from './factor-writer.js';

/**
 * Escapes what Markdown would read as markup or HTML, so people's text shows as they wrote it: inline markers
 * everywhere, and list, heading and quote markers where a line starts. Kept minimal so the file stays readable.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+#=])/gm, (_m, space: string, marker: string) => `${space}\\${marker}`)
    .replace(/^(\s*\d+)([.)])/gm, (_m, lead: string, marker: string) => `${lead}\\${marker}`);
}

/** Multi-line user text as one list item: lines keep their breaks and stay inside the item. */
function mdBlock(text: string, indent: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => escapeMarkdown(line.trim()))
    .filter((line, i, all) => line !== '' || (i > 0 && i < all.length - 1))
    .join(`  \n${indent}`);
}

/** Table cells: no line breaks, and pipes escaped. */
function cell(text: string): string {
  return escapeMarkdown(text.replace(/\s+/g, ' ').trim());
}

/** Evidence links were checked as http(s) when saved; anything else is shown as text, never as a link. */
function mdLink(url: string): string {
  return /^https?:\/\/[^\s<>]+$/i.test(url) ? `<${url}>` : escapeMarkdown(url);
}

export function changeText(model: ReportModel, f: ReportFactor): string {
  const c = f.comparison;
  if (!c || c.delta === null) return '';
  return `${f.line.trendSymbol} ${signedPoints(c.delta)}`.trim();
}

function overview(model: ReportModel): string[] {
  const { locale } = model;
  const col = (k: string) => t(locale, `report.columns.${k}`);
  const head = [col('number'), col('factor'), col('verdict'), col('score'), ...(model.comparedWith ? [col('change')] : []), col('agreement'), col('votes'), col('voted'), col('answers'), col('evidence')];
  const align = ['---', '---', '---', '---:', ...(model.comparedWith ? ['---'] : []), '---:', '---', '---:', '---:', '---:'];
  const lines = [`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`];
  for (const f of model.factors) {
    const l = f.line;
    const votes = f.hidden ? t(locale, 'report.hiddenShort') : l.distribution.map((d) => d.count).join(' / ');
    lines.push(
      `| ${[
        f.numberLabel,
        cell(f.theme),
        cell(l.verdictLabel),
        l.score === null ? '–' : String(Math.round(l.score)),
        ...(model.comparedWith ? [changeText(model, f) || '–'] : []),
        l.agreement === null ? '–' : `${Math.round(l.agreement * 100)}%`,
        votes,
        `${l.voters}/${l.eligible}`,
        String(l.answers),
        String(l.evidence),
      ].join(' | ')} |`,
    );
  }
  lines.push('', `_${escapeMarkdown(t(locale, 'report.votesLegend', { levels: model.factors[0]?.line.distribution.map((d) => d.label).join(' / ') ?? '' }))}_`);
  return lines;
}

/**
 * One factor's section, written one answer text and one link at a time (a named round's in the order of its
 * responses, an anonymous round's in the order of the texts): each item is rendered as it comes and held as a line
 * until the end, when the questions answered are known.
 */
export function markdownFactorWriter(model: ReportModel, f: ReportFactor): FactorWriter {
  const { locale, round } = model;
  const out = [`### ${f.numberLabel} · ${escapeMarkdown(f.theme)}`, ''];
  if (f.statement) out.push(`> ${escapeMarkdown(f.statement)}`, '');
  if (f.hidden) {
    out.push(escapeMarkdown(t(locale, 'report.hidden', { min: voteThreshold(round) })), '');
    return closedWriter(out.join('\n'));
  }
  out.push(`**${escapeMarkdown(f.line.line)}**  `, escapeMarkdown(t(locale, 'report.votesLine', { distribution: f.line.distributionLine })));
  if (f.comparison && f.comparison.previous !== null && f.comparison.current !== null) {
    out[out.length - 1] += '  ';
    out.push(
      escapeMarkdown(
        t(locale, model.comparedWith?.isBaseline ? 'report.comparedBaseline' : 'report.comparedPrevious', {
          before: Math.round(f.comparison.previous),
          now: Math.round(f.comparison.current),
          change: changeText(model, f),
        }),
      ),
    );
  }
  if (f.line.disputed) {
    out[out.length - 1] += '  ';
    out.push(`**${escapeMarkdown(t(locale, 'digest.worthDiscussion'))}**`);
  }
  out.push('');
  if (f.answersHeld) {
    out.push(`_${escapeMarkdown(t(locale, 'report.answersHeld', { min: answerThreshold(round) }))}_`, '');
    return closedWriter(out.join('\n'));
  }
  const lists = new FactorLists(f);
  const label = (m: ReportMember | undefined) => (m ? escapeMarkdown(m.label) : '');
  return {
    // Lines are joined by line breaks: each item comes with the one before it.
    answer: (qid, member, text) => lists.answer(qid, member ? `\n- _${label(member)}:_ ${mdBlock(text, '  ')}` : `\n- ${mdBlock(text, '  ')}`),
    evidence: (member, url) => lists.evidence(member ? `\n- ${mdLink(url)} (${label(member)})` : `\n- ${mdLink(url)}`),
    end() {
      const answered = lists.answered();
      if (answered.length === 0) out.push(`_${escapeMarkdown(t(locale, 'report.noAnswers'))}_`, '');
      const pieces = [out.join('\n')];
      const list = (heading: string, items: string[]) => {
        pieces.push(`\n${heading}\n`);
        for (const item of items) pieces.push(item);
        pieces.push('\n');
      };
      for (const q of answered) list(`**${q.number}. ${escapeMarkdown(q.text)}**`, q.items);
      if (lists.links.length > 0) list(`**${escapeMarkdown(t(locale, 'report.evidenceTitle'))}**`, lists.links);
      return pieces;
    },
  };
}

/** One factor's section, as one piece of text holding its lines. */
function factorSection(model: ReportModel, f: ReportFactor): string[] {
  return [writeFactor(markdownFactorWriter(model, f), f)];
}

function planActionLine(a: ReportPlanAction): string[] {
  const parts = [a.owner, a.due, a.tagLabel, a.priorityLabel, a.statusLabel].map(escapeMarkdown).join(' · ');
  return [`- **${a.id}** ${mdBlock(a.text, '  ')} – ${parts}`, ...a.notes.map((n) => `  - ${escapeMarkdown(n.day)}: ${mdBlock(n.text, '    ')}`)];
}

/** The channel's action plan: goals largest gap first, every action with owner, due date, kind, priority, status, notes. */
function planSection(plan: ReportPlan, locale: Locale): string[] {
  const out = [`## ${escapeMarkdown(plan.title)}`, '', escapeMarkdown(plan.summary), ''];
  for (const g of plan.goals) {
    out.push(`### ${escapeMarkdown(g.heading)}`, '');
    if (g.actions.length === 0) out.push(`_${escapeMarkdown(t(locale, 'report.plan.noActions'))}_`);
    for (const a of g.actions) out.push(...planActionLine(a));
    out.push('');
  }
  if (plan.others.length > 0) {
    out.push(`### ${escapeMarkdown(t(locale, 'modes.plan.otherActions').replace(/\*\*/g, ''))}`, '');
    for (const a of plan.others) out.push(...planActionLine({ ...a, text: `${a.factor}: ${a.text}` }));
    out.push('');
  }
  return out;
}

/** Everything before the first factor's section, as lines. */
export function markdownHead(model: ReportModel): string[] {
  const { locale, round, digest } = model;
  const tz = round.calendar.timezone;
  const meta = [
    t(locale, 'report.metaRound', { id: round.id }),
    ...(round.channel.name ? [t(locale, 'report.metaChannel', { channel: round.channel.name })] : []),
    t(locale, 'report.generated', { date: longDate(model.generatedAt, tz, locale) }),
  ];
  const lines: string[] = [
    `# ${escapeMarkdown(digest.title)}`,
    '',
    `${escapeMarkdown(digest.subtitle)}  `,
    escapeMarkdown(meta.join(' · ')),
    '',
    `**${escapeMarkdown(digest.headline)}**`,
    '',
    `_${escapeMarkdown(t(locale, 'verdict.rule'))}_`,
    '',
  ];
  if (model.comparedWith) lines.push(escapeMarkdown(digest.footer), '');
  if (round.anonymous) lines.push(`_${escapeMarkdown(t(locale, 'report.anonymousNote', { min: voteThreshold(round), minAnswers: answerThreshold(round) }))}_`, '');
  lines.push(`## ${escapeMarkdown(t(locale, 'report.overviewTitle'))}`, '', ...overview(model), '');
  lines.push(`## ${escapeMarkdown(digest.disputedTitle)}`, '');
  if (digest.disputed.length === 0) lines.push(escapeMarkdown(t(locale, 'report.noDisputed')));
  for (const d of digest.disputed) lines.push(`- ${escapeMarkdown(d)}`);
  lines.push('', `## ${escapeMarkdown(digest.contextTitle)}`, '');
  if (model.context.length === 0) lines.push(escapeMarkdown(t(locale, 'report.noContext')));
  for (const c of model.context) lines.push(`- **${escapeMarkdown(c.name)}:** ${mdBlock(c.comment, '  ')}`);
  if (model.plan) lines.push('', ...planSection(model.plan, locale));
  lines.push('', `## ${escapeMarkdown(t(locale, 'report.detailTitle'))}`, '');
  return lines;
}

/** One factor's section, as lines (never none). */
export function markdownFactor(model: ReportModel, f: ReportFactor): string[] {
  return factorSection(model, f);
}

/** Everything after the last factor's section, as lines. */
export function markdownTail(model: ReportModel): string[] {
  return ['---', '', `_${escapeMarkdown(model.pack.title)} · ${escapeMarkdown(model.pack.publisher)}_`, ''];
}

export function renderMarkdown(model: ReportModel): string {
  return [...markdownHead(model), ...model.factors.flatMap((f) => markdownFactor(model, f)), ...markdownTail(model)].join('\n');
}
