// The one verdict rule on every surface: the factor card, the digest headline and lines, the reports and the
// comparison with an earlier round, in Swedish and English (the chart is in report-chart.test.ts).
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/content/schema.js';
import { compareRounds } from '../../src/core/anonymity.js';
import type { Level } from '../../src/core/model.js';
import { buildDigest } from '../../src/core/views/digest.js';
import { buildFactorCard } from '../../src/core/views/factor-card.js';
import { exportRound } from '../../src/reports/export.js';
import { WEEKLY_AT, realisticRound } from '../golden/realistic-round.js';
import { COORD, MEMBERS, makeService, settings } from '../helpers/world.js';

const VOTERS = [COORD.id, ...MEMBERS];

/** A closed first round and an open second one in the same channel, with the given votes per factor. */
async function twoRounds(locale: Locale, first: Record<string, Level[]>, second: Record<string, Level[]>) {
  const w = makeService();
  const vote = async (roundId: string, votes: Record<string, Level[]>, tag: string) => {
    for (const [factorId, levels] of Object.entries(votes)) {
      for (const [i, level] of levels.entries()) {
        await w.service.castVote({ tenant: 'T1', roundId, factorId, actor: { id: VOTERS[i]! }, level, interactionId: `${tag}-${factorId}-${i}` });
      }
    }
  };
  const a = await w.service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ locale, isBaseline: true }), actor: COORD });
  await vote(a.id, first, 'a');
  await w.service.closeRound('T1', a.id, COORD);
  const b = await w.service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ locale, startDate: '2027-03-01', closeDate: '2027-04-12' }), actor: COORD });
  await vote(b.id, second, 'b');
  return { before: await w.service.state('T1', a.id), now: await w.service.state('T1', b.id) };
}

describe.each<Locale>(['sv', 'en'])('the verdict rule on every surface (%s)', (locale) => {
  const L = locale === 'sv'
    ? { true: 'Stämmer', partly: 'Stämmer delvis', not: 'Stämmer inte', dk: 'Vet inte', dkYet: 'Vet inte än' }
    : { true: 'True', partly: 'Partly true', not: 'Not true', dk: "Don't know", dkYet: "Don't know yet" };

  it('card: the toolkit\'s words on the buttons and in the tally, and no arrow from a factor that was mostly "don\'t know"', async () => {
    const { before, now } = await twoRounds(
      locale,
      { f01: ['not-in-place', 'dont-know', 'dont-know', 'dont-know'], f02: ['partly', 'partly'] },
      { f01: ['in-place', 'in-place', 'in-place'], f02: ['in-place', 'in-place'] },
    );
    const baseline = compareRounds(now, before);
    const f01 = buildFactorCard(now, 'f01', { baseline });
    expect(f01.voteButtons.map((b) => b.label)).toEqual([L.true, L.partly, L.not, L.dk]);
    expect(f01.tallyLine).toBe(`${L.true} 3 · ${L.partly} 0 · ${L.not} 0 · ${L.dk} 0`);
    // Before: one "not true" and three "don't know" was a score of 0 and gave "↑ better than the baseline".
    expect(f01.trendLine).toBeUndefined();
    const f02 = buildFactorCard(now, 'f02', { baseline });
    expect(f02.trendLine).toContain('↑');
  });

  it('digest: a split vote is partly true at 50, a mostly "don\'t know" factor has no score, mid-round shows a score so far', async () => {
    const { before, now } = await twoRounds(
      locale,
      { f01: ['not-in-place', 'dont-know', 'dont-know', 'dont-know'] },
      { f01: ['in-place', 'not-in-place'], f02: ['not-in-place', 'dont-know', 'dont-know'], f03: ['partly'] },
    );
    const view = buildDigest(now, { kind: 'status', baseline: before, now: Date.parse('2027-03-10T08:00:00Z') });
    const line = (id: string) => view.factors.find((f) => f.factorId === id)!;
    expect(line('f01')).toMatchObject({ verdict: 'partly', verdictLabel: L.partly, score: 50, agreement: 0, disputed: true, trend: 'n/a' });
    expect(line('f02')).toMatchObject({ verdict: 'dont-know', verdictLabel: L.dkYet, score: null, agreement: null });
    expect(line('f02').line.startsWith(`${L.dkYet} · `)).toBe(true);
    // Two factors of 13 have a score: the headline never reads like the round's result.
    expect(view.headline).toBe(locale === 'sv' ? 'Poäng hittills 50/100, från 2 av 13 nyckelfaktorer' : 'Score so far 50/100, from 2 of 13 key factors');
    expect(view.score).toBeNull();
    expect(view.scoreSoFar).toBe(50);
  });

  it('weekly digest of the realistic round: the headline is a score so far over the factors voted on', async () => {
    const { state } = await realisticRound({ locale, stage: 'weekly' });
    const view = buildDigest(state, { kind: 'weekly', now: WEEKLY_AT });
    expect(view.scored).toBeLessThan(13);
    expect(view.headline).toMatch(locale === 'sv' ? /^Poäng hittills \d+\/100, från \d+ av 13 nyckelfaktorer$/ : /^Score so far \d+\/100, from \d+ of 13 key factors$/);
    expect(view.headline).not.toMatch(/stämmer|true/);
  });

  it('reports: the overview and the JSON carry the same verdict and score as the digest', async () => {
    const { state, baseline } = await realisticRound({ locale });
    const md = String((await exportRound(state, baseline, 'md', { now: Date.parse('2026-02-23T16:30:00Z') })).body);
    const row = (n: string) => md.split('\n').find((l) => l.startsWith(`| ${n} |`))!;
    expect(row('03')).toContain(`| ${L.partly} | 50 |`);
    expect(row('11')).toContain(`| ${L.dkYet} | – |`);
    const json = JSON.parse(String((await exportRound(state, baseline, 'json', { now: Date.parse('2026-02-23T16:30:00Z') })).body)) as {
      factors: { factorId: string; verdict: string | null; tally: { score: number | null } }[];
    };
    const f11 = json.factors.find((f) => f.factorId === 'f11')!;
    expect([f11.verdict, f11.tally.score]).toEqual(['dont-know', null]);
  });
});
