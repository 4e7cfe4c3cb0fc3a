// Small Block Kit builders. mrkdwn builders take text that is already escaped; plain_text never needs escaping.
import { randomBytes } from 'node:crypto';
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

/** A block id as first rendered: "vote" of "vote.3f9a1c". */
export function baseBlockId(id: string): string {
  const dot = id.lastIndexOf('.');
  return dot > 0 ? id.slice(0, dot) : id;
}

/**
 * Slack asks for new block ids whenever a message is updated (a block keeping its id may keep its old state in the
 * client). Each block that has an id gets its first-rendered name plus a fresh suffix; action ids stay as they are,
 * and the listeners match on action ids only.
 */
export function withFreshBlockIds<T extends { blocks: Block[] }>(payload: T, revision: string = randomBytes(4).toString('hex')): T {
  return {
    ...payload,
    blocks: payload.blocks.map((b) => (typeof b.block_id === 'string' ? { ...b, block_id: `${baseBlockId(b.block_id)}.${revision}` } : b)),
  };
}
