// Golden files for what managers and councils read: the digest view models and the Markdown report, in Swedish and English.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/content/schema.js';
import { buildDigest } from '../../src/core/views/digest.js';
import { exportRound } from '../../src/reports/export.js';
import { CLOSED_AT, realisticRound, ROUND_ID, TENANT, WEEKLY_AT } from '../golden/realistic-round.js';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden', 'files');
const REPORT_URL = `https://assess.example.org/reports/${TENANT}/${ROUND_ID}/SIGNATURE`;

/** Compares with the committed golden file; `UPDATE_GOLDEN=1 npx vitest run test/unit/digest-golden.test.ts` rewrites them. */
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

describe.each<Locale>(['sv', 'en'])('golden digests and report (%s)', (locale) => {
  it('final summary view', async () => {
    const { state, baseline } = await realisticRound({ locale });
    const view = buildDigest(state, { kind: 'final', baseline, now: CLOSED_AT, reportUrl: REPORT_URL });
    expectGolden(`digest-final.${locale}.json`, stable(view));
  });

  it('weekly manager digest view', async () => {
    const { state, baseline } = await realisticRound({ locale, stage: 'weekly' });
    const view = buildDigest(state, { kind: 'weekly', baseline, now: WEEKLY_AT, reportUrl: REPORT_URL });
    expectGolden(`digest-weekly.${locale}.json`, stable(view));
  });

  it('Markdown report', async () => {
    const { state, baseline } = await realisticRound({ locale });
    const result = await exportRound(state, baseline, 'md', { now: CLOSED_AT, reportUrl: REPORT_URL });
    expect(result.contentType).toBe('text/markdown; charset=utf-8');
    expectGolden(`report.${locale}.md`, String(result.body));
  });
});
