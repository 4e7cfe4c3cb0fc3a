// Renders a DigestView (weekly digest, status, final summary) as a Block Kit message.
import type { DigestView } from '../../../core/views.js';
import { fitSurface, type SurfacePayload } from '../limits.js';
import { esc, link } from '../mrkdwn.js';
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
  if (view.pendingLine) blocks.push(context(esc(view.pendingLine)));
  // The view itself says when it left something out; point at the full report right there.
  if (view.truncated && view.moreLine) blocks.push(context(view.fullReportUrl ? link(view.fullReportUrl, view.moreLine) : esc(view.moreLine)));
  if (view.reportLinks.length > 0) blocks.push(section(view.reportLinks.map((l) => link(l.url, l.label)).join(' · ')));
  blocks.push(context(esc(view.footer)));
  const moreUrl = view.fullReportUrl ?? view.reportLinks[0]?.url;
  const more = moreUrl ? { url: moreUrl, label: opts.seeMoreLabel } : undefined;
  return fitSurface('message', { text: esc(`${view.title}: ${view.headline}`), blocks }, more ? { more } : {});
}
