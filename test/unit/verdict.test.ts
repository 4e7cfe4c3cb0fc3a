// The one verdict and score rule (src/core/verdict.ts): a verdict never contradicts its score, "don't know" is never
// a score, a split team is flagged, and a half-voted round never reads like a result, in Swedish and English.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyCounts, type LevelCounts } from '../../src/core/model.js';
import { compareTallies, tallyFactor, totalsOf } from '../../src/core/tally.js';
import { factorResult, roundHeadline, roundResult, verdictForScore, verdictLabel } from '../../src/core/verdict.js';

function counts(partial: Partial<LevelCounts>): LevelCounts {
  return { ...emptyCounts(), ...partial };
}

describe('a factor: verdict, score and agreement', () => {
  it('one "true" and one "not true" is partly true at 50, nobody agreeing, and disputed', () => {
    expect(factorResult(counts({ 'in-place': 1, 'not-in-place': 1 }))).toEqual({
      verdict: 'partly',
      score: 50,
      agreement: 0,
      substantive: 2,
      disputed: true,
    });
  });

  it('the verdict follows the score bands; a score exactly on 75 takes the more cautious verdict', () => {
    expect(verdictForScore(100)).toBe('in-place');
    expect(verdictForScore(75.1)).toBe('in-place');
    expect(verdictForScore(75)).toBe('partly');
    expect(verdictForScore(50)).toBe('partly');
    expect(verdictForScore(25.1)).toBe('partly');
    expect(verdictForScore(25)).toBe('not-in-place');
    expect(verdictForScore(0)).toBe('not-in-place');
    expect(factorResult(counts({ 'in-place': 1, partly: 1 })).verdict).toBe('partly');
    expect(factorResult(counts({ 'in-place': 3, partly: 1 }))).toMatchObject({ verdict: 'in-place', score: 87.5, agreement: 0.75, disputed: false });
    expect(factorResult(counts({ partly: 1, 'not-in-place': 1 }))).toMatchObject({ verdict: 'not-in-place', score: 25, agreement: 0.5 });
  });

  it('never gives a verdict that contradicts the score, for any votes', () => {
    const count = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(count, count, count, count, (a, b, c, d) => {
        const r = factorResult(counts({ 'in-place': a, partly: b, 'not-in-place': c, 'dont-know': d }));
        if (r.score === null) {
          expect(r.verdict === null || r.verdict === 'dont-know').toBe(true);
          expect(r.agreement).toBeNull();
        } else {
          expect(r.verdict).toBe(verdictForScore(r.score));
          expect(r.score).toBeGreaterThanOrEqual(0);
          expect(r.score).toBeLessThanOrEqual(100);
          expect(r.agreement).toBeGreaterThanOrEqual(0);
          expect(r.agreement).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('"don\'t know" from most voters gives no score and the verdict "don\'t know yet", never 0', () => {
    expect(factorResult(counts({ 'not-in-place': 1, 'dont-know': 3 }))).toMatchObject({ verdict: 'dont-know', score: null, agreement: null, disputed: false });
    expect(factorResult(counts({ 'dont-know': 5 }))).toMatchObject({ verdict: 'dont-know', score: null });
    // Half is not most: the substantive votes decide, and "don't know" does not drag the score.
    expect(factorResult(counts({ partly: 2, 'dont-know': 2 }))).toMatchObject({ verdict: 'partly', score: 50, agreement: 1 });
    expect(factorResult(counts({ 'in-place': 2, 'dont-know': 1 }))).toMatchObject({ verdict: 'in-place', score: 100 });
  });

  it('missing votes count for nothing: no votes, no verdict, no score', () => {
    expect(factorResult(emptyCounts())).toEqual({ verdict: null, score: null, agreement: null, substantive: 0, disputed: false });
    const tally = tallyFactor('f01', counts({ partly: 1 }), 12);
    expect(tally).toMatchObject({ verdict: 'partly', score: 50, agreement: 1, voters: 1, eligible: 12, disputed: false });
  });

  it('a polarised team is disputed even when the mean gives a clear verdict', () => {
    expect(factorResult(counts({ 'in-place': 6, 'not-in-place': 2 }))).toMatchObject({ verdict: 'partly', score: 75, disputed: true });
    expect(factorResult(counts({ 'in-place': 9, 'not-in-place': 1 }))).toMatchObject({ verdict: 'in-place', score: 90, disputed: false });
  });
});

describe('comparisons: no trend from or to a factor without a score', () => {
  it('a factor that was mostly "don\'t know" shows no arrow in the next round', () => {
    const before = [tallyFactor('f01', counts({ 'not-in-place': 1, 'dont-know': 3 }), 4), tallyFactor('f02', counts({ partly: 2 }), 4)];
    const now = [tallyFactor('f01', counts({ 'in-place': 3 }), 4), tallyFactor('f02', counts({ 'dont-know': 3 }), 4)];
    expect(compareTallies(now, before).map((c) => [c.factorId, c.trend, c.delta, c.previous, c.current])).toEqual([
      ['f01', 'n/a', null, null, 100],
      ['f02', 'n/a', null, 50, null],
    ]);
  });
});

describe('a round: the overall score only once every factor has one', () => {
  const tallies = [
    tallyFactor('f01', counts({ 'in-place': 1, 'not-in-place': 1 }), 4),
    tallyFactor('f02', counts({ 'in-place': 3 }), 4),
    tallyFactor('f03', emptyCounts(), 4),
    tallyFactor('f04', counts({ 'dont-know': 3, partly: 1 }), 4),
  ];

  it('mid-round: no round score, a score so far over the factors that have one', () => {
    expect(roundResult(tallies)).toEqual({
      factorCount: 4,
      scored: 2,
      inPlace: 1,
      partly: 1,
      notInPlace: 0,
      undecided: 2,
      complete: false,
      score: null,
      scoreSoFar: 75,
    });
    expect(totalsOf(tallies)).toMatchObject({ overallScore: null, scoreSoFar: 75, scored: 2, disputed: ['f01'] });
  });

  it('complete: every factor scored, the round score is the mean of the factor scores', () => {
    const done = roundResult([...tallies.slice(0, 2), tallyFactor('f03', counts({ 'not-in-place': 2 }), 4)]);
    expect(done).toMatchObject({ complete: true, score: 50, scoreSoFar: 50, scored: 3 });
  });

  it('hidden factors (null) count as unscored', () => {
    expect(roundResult([tallies[1]!, null])).toMatchObject({ complete: false, score: null, scoreSoFar: 100, scored: 1, undecided: 1 });
  });
});

describe('labels and headlines (sv, en)', () => {
  it('uses the toolkit\'s own words for the levels, and says when a verdict is missing', () => {
    expect(['in-place', 'partly', 'not-in-place', 'dont-know'].map((l) => verdictLabel('sv', l as never))).toEqual([
      'Stämmer',
      'Stämmer delvis',
      'Stämmer inte',
      'Vet inte än',
    ]);
    expect(['in-place', 'partly', 'not-in-place', 'dont-know'].map((l) => verdictLabel('en', l as never))).toEqual([
      'True',
      'Partly true',
      'Not true',
      "Don't know yet",
    ]);
    expect(verdictLabel('sv', null)).toBe('Inget utslag än');
    expect(verdictLabel('en', null)).toBe('No verdict yet');
  });

  const thirteen = (scored: number) =>
    roundResult(Array.from({ length: 13 }, (_, i) => (i < scored ? { verdict: i % 2 === 0 ? ('in-place' as const) : ('partly' as const), score: i % 2 === 0 ? 100 : 50 } : { verdict: null, score: null })));

  it('mid-round shows only the score so far and how many factors it rests on', () => {
    expect(roundHeadline('sv', thirteen(2), false)).toBe('Poäng hittills 75/100, från 2 av 13 nyckelfaktorer');
    expect(roundHeadline('en', thirteen(2), false)).toBe('Score so far 75/100, from 2 of 13 key factors');
    expect(roundHeadline('sv', thirteen(0), false)).toBe('Ingen poäng än: ingen nyckelfaktor har fått ett utslag');
    expect(roundHeadline('en', thirteen(0), false)).toBe('No score yet: no key factor has a verdict yet');
  });

  it('a complete round gives how many statements hold and the score', () => {
    expect(roundHeadline('sv', thirteen(13), true)).toBe('7 av 13 påståenden stämmer · poäng 77/100');
    expect(roundHeadline('en', thirteen(13), false)).toBe('7 of 13 statements true · score 77/100');
  });

  it('a final summary with factors left without a verdict says so next to the score', () => {
    expect(roundHeadline('sv', thirteen(12), true)).toBe('6 av 13 påståenden stämmer · poäng 75/100 från 12 av 13 nyckelfaktorer; resten fick inget utslag');
    expect(roundHeadline('en', thirteen(12), true)).toBe('6 of 13 statements true · score 75/100 from 12 of 13 key factors; the rest got no verdict');
    expect(roundHeadline('en', thirteen(0), true)).toBe('0 of 13 statements true · no score: no key factor got a verdict');
  });
});
