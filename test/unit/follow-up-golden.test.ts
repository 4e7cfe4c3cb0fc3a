// Golden files for the peer review's follow-up report as each platform shows it: Block Kit for Slack, an Adaptive Card for
// Teams and the playground, in Swedish and English; and the checks that make each one native (no Markdown left over).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderFollowUpCard, validateAdaptiveCard, TEAMS_MESSAGE_ADVICE } from '../../src/cards/adaptive.js';
import type { Locale } from '../../src/content/schema.js';
import { buildFollowUp, type FollowUpView } from '../../src/core/peer-review.js';
import { checkSurface } from '../../src/platforms/slack/limits.js';
import { renderFollowUp } from '../../src/platforms/slack/render/follow-up.js';
import { followUpMarkdown } from '../../src/reports/follow-up.js';
import { CLOSED_AT, realisticRound, ROUND_ID, TENANT } from '../golden/realistic-round.js';
import { adaptiveCardErrors } from '../helpers/schemas.js';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden', 'files');
const URL = `https://assess.example.org/followup/${TENANT}/${ROUND_ID}/SIGNATURE`;

/** Compares with the committed golden file; `UPDATE_GOLDEN=1 npx vitest run test/unit/follow-up-golden.test.ts` rewrites them. */
function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`missing golden file ${name}: run with UPDATE_GOLDEN=1 and commit it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const stable = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function view(locale: Locale): Promise<FollowUpView> {
  const { state } = await realisticRound({ locale, mode: 'peer-review' });
  return { ...buildFollowUp(state, new Date(CLOSED_AT).toISOString()), links: { html: URL, markdown: `${URL}?format=md` } };
}

/** Every string a reader sees in a payload. */
function texts(payload: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown, key?: string) => {
    if (typeof v === 'string' && (key === 'text' || key === 'title')) out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => visit(x));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(payload);
  return out;
}

describe.each<Locale>(['sv', 'en'])('golden follow-up report (%s)', (locale) => {
  it('as Slack blocks: a section per factor with both verdicts as fields, within Block Kit limits', async () => {
    const v = await view(locale);
    const payload = renderFollowUp(v);
    expect(checkSurface('message', payload)).toEqual([]);
    const sections = payload.blocks.filter((b) => b.type === 'section' && Array.isArray(b.fields));
    expect(sections).toHaveLength(13);
    expect((sections[0]!.fields as { text: string }[]).map((f) => f.text)).toEqual([`*${v.columns.self}*\n${v.factors[0]!.self}`, `*${v.columns.peer}*\n${v.factors[0]!.peer} :warning:`]);
    // Slack's mrkdwn, not Markdown: no headings, no table rows, no double asterisks from us.
    for (const text of texts(payload)) expect(text).not.toMatch(/^#|\|---|\*\*/m);
    // People's text stays literal: the script tag is escaped, the link-looking text is not a link.
    expect(JSON.stringify(payload)).toContain('&lt;script&gt;');
    expect(JSON.stringify(payload)).not.toContain('<https://evil.example');
    expectGolden(`follow-up-blocks.${locale}.json`, stable(payload));
  });

  it('as an Adaptive Card: a Table of both verdicts, then findings and recommendations; valid, and small enough', async () => {
    const v = await view(locale);
    const card = renderFollowUpCard(v);
    expect(adaptiveCardErrors(card)).toEqual([]);
    const { warnings, size } = validateAdaptiveCard(card);
    expect(warnings).toEqual([]);
    expect(size).toBeLessThan(TEAMS_MESSAGE_ADVICE);
    const table = card.body.find((e) => e.type === 'Table') as unknown as { rows: { cells: { items: { text: string }[] }[]; style?: string }[] };
    expect(table.rows).toHaveLength(14);
    expect(table.rows[0]!.cells.map((c) => c.items[0]!.text)).toEqual([v.columns.factor, v.columns.self, v.columns.peer]);
    expect(table.rows[1]!.style).toBe('warning');
    for (const text of texts(card)) expect(text).not.toMatch(/^#|\|---/m);
    // The reviewer's link-looking text stays text in Teams markdown.
    expect(JSON.stringify(card)).not.toContain('](https://evil.example)');
    expect(JSON.stringify(card)).not.toMatch(/Pia|Omar|Eva|U30PIA/); // the panel speaks as one
    expectGolden(`follow-up-card.${locale}.json`, stable(card));
  });

  it('the Markdown document the link downloads is still the same report', async () => {
    const md = followUpMarkdown(await view(locale));
    expect(md).toMatch(/^# /);
    expect(md).toContain('|---|---|---|');
    expect(md).toContain('\\<script\\>');
  });
});
