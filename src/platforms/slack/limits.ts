// Block Kit limits, in one place: `checkSurface` reports violations (tests), `fitSurface` shortens gracefully (render time).
import { link, textLength, truncate, truncateMrkdwn } from './mrkdwn.js';

/** Slack's documented limits (docs.slack.dev, Block Kit reference), plus one observed one. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** Not documented as such: Slack answers `msg_blocks_too_long` well before 50 × 3,000 characters (about 13 k). */
  messageBlockChars: 12_000,
  /** Slack accepts 40,000; the fallback text is only for notifications, so we keep it short. */
  messageText: 3_000,
  sectionText: 3_000,
  sectionFields: 10,
  sectionFieldText: 2_000,
  headerText: 150,
  contextElements: 10,
  contextText: 3_000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2_000,
  buttonUrl: 3_000,
  actionId: 255,
  blockId: 255,
  inputLabel: 2_000,
  inputHint: 2_000,
  placeholder: 150,
  plainTextInput: 3_000,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  choiceOptions: 10,
  altText: 2_000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3_000,
  callbackId: 255,
} as const;

export type Surface = 'message' | 'modal' | 'home';

type Json = Record<string, unknown>;

export interface SurfacePayload {
  blocks: Json[];
  text?: string;
  title?: Json;
  submit?: Json;
  close?: Json;
  private_metadata?: string;
  callback_id?: string;
  [key: string]: unknown;
}

export interface FitOptions {
  /** Where the whole content is (the report link); added as a "see more" line when something is dropped. */
  more?: { url: string; label: string };
}

interface Walk {
  fix: boolean;
  problems: string[];
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks (and in fix mode shortens) one text object `{ type, text }`. */
function textObject(w: Walk, obj: unknown, max: number, path: string): void {
  if (!isObj(obj) || typeof obj.text !== 'string') return;
  const len = textLength(obj.text);
  if (len <= max) return;
  if (w.fix) obj.text = obj.type === 'mrkdwn' ? truncateMrkdwn(obj.text, max) : truncate(obj.text, max);
  else w.problems.push(`${path}.text is ${len} characters (max ${max})`);
}

function str(w: Walk, parent: Json, key: string, max: number, path: string, truncatable = true): void {
  const v = parent[key];
  if (typeof v !== 'string') return;
  const len = textLength(v);
  if (len <= max) return;
  if (w.fix && truncatable) parent[key] = truncate(v, max);
  else w.problems.push(`${path}.${key} is ${len} characters (max ${max})`);
}

function list(w: Walk, parent: Json, key: string, max: number, path: string): Json[] {
  const v = parent[key];
  if (!Array.isArray(v)) return [];
  if (v.length > max) {
    if (w.fix) parent[key] = v.slice(0, max);
    else w.problems.push(`${path}.${key} has ${v.length} items (max ${max})`);
  }
  return (parent[key] as unknown[]).filter(isObj);
}

function option(w: Walk, opt: Json, path: string): void {
  textObject(w, opt.text, LIMITS.optionText, `${path}.text`);
  textObject(w, opt.description, LIMITS.optionText, `${path}.description`);
  str(w, opt, 'value', LIMITS.optionValue, path, false);
}

function element(w: Walk, el: Json, path: string): void {
  str(w, el, 'action_id', LIMITS.actionId, path, false);
  textObject(w, el.placeholder, LIMITS.placeholder, `${path}.placeholder`);
  switch (el.type) {
    case 'button':
      textObject(w, el.text, LIMITS.buttonText, `${path}.text`);
      str(w, el, 'value', LIMITS.buttonValue, path, false);
      str(w, el, 'url', LIMITS.buttonUrl, path, false);
      break;
    case 'plain_text_input': {
      const max = typeof el.max_length === 'number' ? Math.min(el.max_length, LIMITS.plainTextInput) : LIMITS.plainTextInput;
      if (typeof el.max_length === 'number' && el.max_length > LIMITS.plainTextInput) {
        if (w.fix) el.max_length = LIMITS.plainTextInput;
        else w.problems.push(`${path}.max_length is ${el.max_length} (max ${LIMITS.plainTextInput})`);
      }
      str(w, el, 'initial_value', max, path);
      break;
    }
    case 'static_select':
    case 'multi_static_select':
      list(w, el, 'options', LIMITS.selectOptions, path).forEach((o, i) => option(w, o, `${path}.options[${i}]`));
      if (isObj(el.initial_option)) option(w, el.initial_option, `${path}.initial_option`);
      break;
    case 'checkboxes':
    case 'radio_buttons':
      list(w, el, 'options', LIMITS.choiceOptions, path).forEach((o, i) => option(w, o, `${path}.options[${i}]`));
      break;
    case 'image':
      str(w, el, 'alt_text', LIMITS.altText, path);
      break;
  }
}

function block(w: Walk, b: Json, path: string): void {
  str(w, b, 'block_id', LIMITS.blockId, path, false);
  switch (b.type) {
    case 'header':
      textObject(w, b.text, LIMITS.headerText, `${path}.text`);
      break;
    case 'section':
      textObject(w, b.text, LIMITS.sectionText, `${path}.text`);
      list(w, b, 'fields', LIMITS.sectionFields, path).forEach((f, i) => textObject(w, f, LIMITS.sectionFieldText, `${path}.fields[${i}]`));
      if (isObj(b.accessory)) element(w, b.accessory, `${path}.accessory`);
      break;
    case 'context':
      list(w, b, 'elements', LIMITS.contextElements, path).forEach((e, i) => {
        if (e.type === 'image') element(w, e, `${path}.elements[${i}]`);
        else textObject(w, e, LIMITS.contextText, `${path}.elements[${i}]`);
      });
      break;
    case 'actions':
      list(w, b, 'elements', LIMITS.actionsElements, path).forEach((e, i) => element(w, e, `${path}.elements[${i}]`));
      break;
    case 'input':
      textObject(w, b.label, LIMITS.inputLabel, `${path}.label`);
      textObject(w, b.hint, LIMITS.inputHint, `${path}.hint`);
      if (isObj(b.element)) element(w, b.element, `${path}.element`);
      break;
    case 'image':
      str(w, b, 'alt_text', LIMITS.altText, path);
      textObject(w, b.title, LIMITS.altText, `${path}.title`);
      break;
  }
}

/** Sum of the text a message's blocks carry (what Slack's total-size check appears to count). */
export function blockChars(blocks: Json[]): number {
  let n = 0;
  const visit = (v: unknown, key?: string): void => {
    if (typeof v === 'string') {
      if (key === 'text' || key === 'alt_text' || key === 'value' || key === 'url') n += textLength(v);
    } else if (Array.isArray(v)) v.forEach((x) => visit(x));
    else if (isObj(v)) for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(blocks);
  return n;
}

function walkSurface(w: Walk, surface: Surface, p: SurfacePayload, opts: FitOptions): void {
  const maxBlocks = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  if (p.blocks.length > maxBlocks) {
    if (w.fix) p.blocks = [...p.blocks.slice(0, maxBlocks - 1), moreBlock(opts)];
    else w.problems.push(`blocks has ${p.blocks.length} items (max ${maxBlocks} in a ${surface})`);
  }
  p.blocks.forEach((b, i) => block(w, b, `blocks[${i}]`));
  if (surface === 'message') {
    if (typeof p.text === 'string') str(w, p, 'text', LIMITS.messageText, 'message');
    const chars = blockChars(p.blocks);
    if (chars > LIMITS.messageBlockChars) {
      if (!w.fix) w.problems.push(`blocks carry ${chars} characters (keep under ${LIMITS.messageBlockChars})`);
      else {
        // Drop whole blocks from the end (keeping the first, usually the header) until the rest fits.
        while (p.blocks.length > 2 && blockChars(p.blocks) + 200 > LIMITS.messageBlockChars) p.blocks.splice(p.blocks.length - 1, 1);
        p.blocks.push(moreBlock(opts));
      }
    }
  } else if (surface === 'modal') {
    textObject(w, p.title, LIMITS.viewTitle, 'title');
    textObject(w, p.submit, LIMITS.viewButton, 'submit');
    textObject(w, p.close, LIMITS.viewButton, 'close');
    str(w, p, 'private_metadata', LIMITS.privateMetadata, 'view', false);
    str(w, p, 'callback_id', LIMITS.callbackId, 'view', false);
  } else {
    str(w, p, 'private_metadata', LIMITS.privateMetadata, 'view', false);
    str(w, p, 'callback_id', LIMITS.callbackId, 'view', false);
  }
}

function moreBlock(opts: FitOptions): Json {
  const text = opts.more ? `${link(opts.more.url, opts.more.label)}` : '…';
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/** Every limit the payload breaks, with a path; empty when Slack will accept it. */
export function checkSurface(surface: Surface, payload: SurfacePayload): string[] {
  const w: Walk = { fix: false, problems: [] };
  walkSurface(w, surface, structuredClone(payload), {});
  return w.problems;
}

/**
 * A copy of the payload shortened to fit: texts are cut with an ellipsis, lists are capped, and when
 * blocks must go a last line points to `more` (the full report). Values that cannot be cut safely
 * (button values, private_metadata) are left as they are and still show up in `checkSurface`.
 */
export function fitSurface<T extends SurfacePayload>(surface: Surface, payload: T, opts: FitOptions = {}): T {
  const copy = structuredClone(payload);
  walkSurface({ fix: true, problems: [] }, surface, copy, opts);
  return copy;
}
