// Safe mrkdwn: escapes user text so it renders literally (no pings, no links), and builds links and truncations.
import { renderText, type TextDialect } from '../../core/text-format.js';

/** Slack writes the command as a slash command and bold as `*x*`. */
export const SLACK_DIALECT: TextDialect = { command: '/assess', markup: 'mrkdwn' };

/** The core's neutral text (`{cmd}`, `**bold**`) as escaped Slack mrkdwn. */
export function slackText(text: string): string {
  return esc(renderText(text, SLACK_DIALECT));
}

/** The same for places Slack shows as plain text (a modal's field errors). */
export function slackPlainText(text: string): string {
  return renderText(text, { ...SLACK_DIALECT, markup: 'plain' });
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. `<!channel> & <http://x|y>` stays literal. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Code points, so a cut never splits an emoji or a surrogate pair. */
function chars(text: string): string[] {
  return Array.from(text);
}

/** Length as Slack counts it for limits (we count code points and stay well clear of the limit). */
export function textLength(text: string): number {
  return chars(text).length;
}

/** Shortens plain text to `max` code points with an ellipsis. */
export function truncate(text: string, max: number): string {
  const cs = chars(text);
  if (cs.length <= max) return text;
  return `${cs.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/**
 * Shortens already-escaped mrkdwn without cutting an entity (`&amp;`) or a `<…>` link in half:
 * the cut moves back to before the unfinished token.
 */
export function truncateMrkdwn(text: string, max: number): string {
  const cs = chars(text);
  if (cs.length <= max) return text;
  let cut = Math.max(0, max - 1);
  const head = cs.slice(0, cut).join('');
  const lastAmp = head.lastIndexOf('&');
  if (lastAmp !== -1 && !head.slice(lastAmp).includes(';')) cut = chars(head.slice(0, lastAmp)).length;
  const head2 = cs.slice(0, cut).join('');
  const lastLt = head2.lastIndexOf('<');
  if (lastLt !== -1 && !head2.slice(lastLt).includes('>')) cut = chars(head2.slice(0, lastLt)).length;
  return `${cs.slice(0, cut).join('').trimEnd()}…`;
}

/** The first sentence, or the first `max` characters: the card's one line on why a factor matters. */
export function firstLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  return truncate(sentence, max);
}

/**
 * A mrkdwn link whose URL cannot break out of `<…|…>`: the characters that end the URL part are
 * percent-encoded and the label is escaped.
 */
export function link(url: string, label?: string): string {
  const safeUrl = url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C').replace(/\s/g, '%20');
  return label === undefined ? `<${safeUrl}>` : `<${safeUrl}|${esc(label).replace(/\|/g, '¦')}>`;
}

/** A Slack channel reference (`<#C123>`), only for well-formed ids. */
export function channelRef(id: string): string {
  return /^[CGD][A-Z0-9]+$/.test(id) ? `<#${id}>` : esc(id);
}
