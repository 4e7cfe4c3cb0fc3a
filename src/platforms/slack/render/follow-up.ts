// Renders the peer review's follow-up report (FollowUpView) as Block Kit: both verdicts per factor as section fields, then the panel's words.
import { t } from '../../../core/i18n.js';
import type { FollowUpView } from '../../../core/peer-review.js';
import { fitSurface, type SurfacePayload } from '../limits.js';
import { esc, link, truncate } from '../mrkdwn.js';
import { linkLabel } from './digest.js';
import { context, divider, header, section, sectionsFromLines, type Block } from './blocks.js';

/** One finding or recommendation, at most; the report has every word. */
const MAX_ITEM_CHARS = 400;
/** Evidence links named per factor; the rest are counted. */
const MAX_LINKS = 3;

function factorBlock(view: FollowUpView, f: FollowUpView['factors'][number]): Block {
  const lines = [`*${esc(f.header)}*`];
  if (f.peerLine) lines.push(`_${esc(f.peerLine)}_`);
  for (const [title, items] of [
    [view.titles.findings, f.findings],
    [view.titles.recommendations, f.recommendations],
  ] as const) {
    if (items.length > 0) lines.push(`*${esc(title)}*`, ...items.map((x) => `• ${esc(truncate(x, MAX_ITEM_CHARS))}`));
  }
  if (f.evidence.length > 0) {
    const shown = f.evidence.slice(0, MAX_LINKS).map((l) => link(l, linkLabel(l)));
    const more = f.evidence.length - shown.length;
    lines.push(`${esc(view.titles.evidence)}: ${shown.join(' · ')}${more > 0 ? ` · ${esc(t(view.locale, 'slack.digest.moreLines', { count: more }))}` : ''}`);
  }
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: lines.join('\n') },
    fields: [
      { type: 'mrkdwn', text: `*${esc(view.columns.self)}*\n${esc(f.self)}` },
      { type: 'mrkdwn', text: `*${esc(view.columns.peer)}*\n${esc(f.peer ?? '–')}${f.differs ? ' :warning:' : ''}` },
    ],
  };
}

/**
 * The follow-up report as a message: title, who reviewed and when, the links to the whole report, then one section per
 * key factor (the team's and the peers' verdicts as two fields, the peers' findings and recommendations, the team's
 * evidence), and the interviews held. Slack's limits shorten it from the end, ending with a link to the full report.
 */
export function renderFollowUp(view: FollowUpView): SurfacePayload {
  const blocks: Block[] = [header(view.title), context(esc(view.intro))];
  if (view.links) {
    blocks.push(section(`${link(view.links.html, t(view.locale, 'modes.report.openHtml'))} · ${link(view.links.markdown, t(view.locale, 'modes.report.downloadMd'))}`));
  }
  blocks.push(divider());
  for (const f of view.factors) blocks.push(factorBlock(view, f));
  if (view.notes.length > 0) {
    blocks.push(divider());
    const notes = view.notes.map((n) => `• ${esc(truncate(`${n.kind}${n.about ? ` (${n.about})` : ''}: ${n.text}`, MAX_ITEM_CHARS))}`);
    blocks.push(...sectionsFromLines([`*${esc(view.titles.notes)}*`, ...notes]));
  }
  const more = view.links ? { more: { url: view.links.html, label: t(view.locale, 'slack.seeMore') } } : {};
  return fitSurface('message', { text: esc(view.title), blocks }, more);
}
