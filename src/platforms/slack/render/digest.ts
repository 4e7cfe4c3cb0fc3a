// Renders a DigestView (weekly digest, status, final summary) as a Block Kit message, within Slack's size limits.
import { t } from '../../../core/i18n.js';
import type { DigestSection, DigestView } from '../../../core/views/digest-model.js';
import { blockChars, fitSurface, LIMITS, type SurfacePayload } from '../limits.js';
import { esc, link, textLength } from '../mrkdwn.js';
import { context, divider, header, section, sectionsFromLines, type Block } from './blocks.js';

/** A short label for an evidence link: its host and the start of its path. */
export function linkLabel(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.length > 1 ? u.pathname.slice(0, 24) + (u.pathname.length > 24 ? '…' : '') : '';
    return `${u.host}${path}`;
  } catch {
    return url.slice(0, 40);
  }
}

/** Room kept free under Slack's total for the "see more" line fitSurface may add. */
const RESERVED_CHARS = 300;
/** A section title and its "…and N more" line, at the least. */
const MIN_SECTION_CHARS = 160;

/**
 * Each section's share of `room` characters: short sections get all they need, and the rest is split evenly among
 * the longer ones (so a long list of recommendations cannot crowd out a short action plan, nor the other way round).
 */
function shares(needs: number[], room: number): number[] {
  const out = needs.map(() => 0);
  let left = Math.max(0, room);
  const order = needs.map((need, i) => ({ need, i })).sort((a, b) => a.need - b.need);
  order.forEach(({ need, i }, k) => {
    const even = Math.floor(left / (order.length - k));
    out[i] = Math.max(MIN_SECTION_CHARS, Math.min(need, even));
    left -= Math.min(need, even);
  });
  return out;
}

/**
 * The way of working's sections (the peers' recommendations, where the team and the peers differ, the action plan),
 * sharing what is left of the message's room: each shows the lines that fit its share, then how many more the full
 * report has (linked when there is a report).
 */
function modeSectionBlocks(view: DigestView, sections: DigestSection[], room: { chars: number; blocks: number }): Block[] {
  const out: Block[] = [];
  const rendered = sections.map((s) => ({ title: `*${esc(s.title)}*`, lines: s.lines.map((raw) => `• ${esc(raw)}`) }));
  const charShares = shares(
    rendered.map((s) => [s.title, ...s.lines].reduce((n, l) => n + textLength(l) + 1, 0)),
    room.chars,
  );
  // Each section block holds up to about 2,900 characters; a section's share of blocks caps its characters too.
  const blockShare = Math.max(1, Math.floor(room.blocks / Math.max(1, sections.length)));
  rendered.forEach((s, i) => {
    const cap = Math.min(charShares[i]!, blockShare * (LIMITS.sectionText - 200));
    const lines = [s.title];
    let used = textLength(s.title);
    let shown = 0;
    for (const line of s.lines) {
      // Leave room for the "more" line unless this is the last line.
      const reserve = shown + 1 < s.lines.length ? 80 : 0;
      if (used + 1 + textLength(line) + reserve > cap) break;
      lines.push(line);
      used += 1 + textLength(line);
      shown += 1;
    }
    const more = s.lines.length - shown;
    if (more > 0) {
      const text = t(view.locale, 'slack.digest.moreLines', { count: more });
      lines.push(view.fullReportUrl ? link(view.fullReportUrl, text) : esc(text));
    }
    out.push(...sectionsFromLines(lines));
  });
  return out;
}

export function renderDigest(view: DigestView, opts: { seeMoreLabel: string }): SurfacePayload {
  const blocks: Block[] = [header(view.title), context(esc(view.subtitle)), section(`*${esc(view.headline)}*`), divider()];
  const factorLines = view.factors.map((f) => {
    const flag = f.disputed ? ' :speech_balloon:' : '';
    const links = f.links.length > 0 ? `\n${f.links.map((l) => link(l, linkLabel(l))).join(' · ')}` : '';
    return `*${esc(f.header)}*${flag}\n${esc(f.line)}${links}`;
  });
  blocks.push(...sectionsFromLines(factorLines));
  if (view.disputed.length > 0) {
    blocks.push(...sectionsFromLines([`*${esc(view.disputedTitle)}*`, ...view.disputed.map((d) => `• ${esc(d)}`)]));
  }
  if (view.context.length > 0) {
    blocks.push(...sectionsFromLines([`*${esc(view.contextTitle)}*`, ...view.context.map((c) => `• ${esc(c)}`)]));
  }
  if (view.dueSoonTitle && view.dueSoon && view.dueSoon.length > 0) {
    blocks.push(...sectionsFromLines([`*${esc(view.dueSoonTitle)}*`, ...view.dueSoon.map((d) => `• ${esc(d)}`)]));
  }
  const tail: Block[] = [];
  if (view.pendingLine) tail.push(context(esc(view.pendingLine)));
  // The view itself says when it left something out; point at the full report right there.
  if (view.truncated && view.moreLine) tail.push(context(view.fullReportUrl ? link(view.fullReportUrl, view.moreLine) : esc(view.moreLine)));
  if (view.reportLinks.length > 0) tail.push(section(view.reportLinks.map((l) => link(l.url, l.label)).join(' · ')));
  tail.push(context(esc(view.footer)));
  if (view.sections && view.sections.length > 0) {
    const fixed = [...blocks, ...tail];
    const room = {
      chars: LIMITS.messageBlockChars - RESERVED_CHARS - blockChars(fixed),
      blocks: LIMITS.messageBlocks - 1 - fixed.length,
    };
    blocks.push(...modeSectionBlocks(view, view.sections, room));
  }
  blocks.push(...tail);
  const moreUrl = view.fullReportUrl ?? view.reportLinks[0]?.url;
  const more = moreUrl ? { url: moreUrl, label: opts.seeMoreLabel } : undefined;
  return fitSurface('message', { text: esc(`${view.title}: ${view.headline}`), blocks }, more ? { more } : {});
}
