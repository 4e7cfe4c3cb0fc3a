// Small Block Kit builders. mrkdwn builders take text that is already escaped; plain_text never needs escaping.
import { textLength, truncate, truncateMrkdwn } from '../mrkdwn.js';
import { LIMITS } from '../limits.js';

export type Block = Record<string, unknown>;
export type TextObject = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };

export function plain(text: string, max: number = LIMITS.sectionText): TextObject {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

export function md(text: string, max: number = LIMITS.sectionText): TextObject {
  return { type: 'mrkdwn', text: truncateMrkdwn(text, max) };
}

export function header(text: string): Block {
  return { type: 'header', text: plain(text, LIMITS.headerText) };
}

export function section(mrkdwn: string, extra: Block = {}): Block {
  return { type: 'section', text: md(mrkdwn), ...extra };
}

export function context(...mrkdwn: string[]): Block {
  return { type: 'context', elements: mrkdwn.filter((t) => t.length > 0).slice(0, LIMITS.contextElements).map((t) => md(t, LIMITS.contextText)) };
}

export function divider(): Block {
  return { type: 'divider' };
}

export function button(actionId: string, label: string, opts: { value?: string; url?: string; style?: 'primary' | 'danger' } = {}): Block {
  return {
    type: 'button',
    action_id: actionId,
    text: plain(label, LIMITS.buttonText),
    ...(opts.value !== undefined ? { value: opts.value } : {}),
    ...(opts.url !== undefined ? { url: opts.url } : {}),
    ...(opts.style ? { style: opts.style } : {}),
  };
}

export function actions(elements: Block[], blockId?: string): Block {
  return { type: 'actions', ...(blockId ? { block_id: blockId } : {}), elements };
}

/**
 * Lines joined into as few sections as possible, each under the section limit; a line longer than
 * a section on its own is cut. Keeps long lists (factor lines, questions) whole instead of truncated.
 */
export function sectionsFromLines(lines: string[], max = LIMITS.sectionText - 100): Block[] {
  const out: Block[] = [];
  let current = '';
  for (const raw of lines) {
    const line = textLength(raw) > max ? truncateMrkdwn(raw, max) : raw;
    if (current && textLength(current) + 1 + textLength(line) > max) {
      out.push(section(current));
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}
