import { describe, expect, it } from 'vitest';
import { emptyCounts, type LevelCounts } from '../../src/core/model.js';
import { compareTallies, tallyFactor, totalsOf } from '../../src/core/tally.js';

function counts(partial: Partial<LevelCounts>): LevelCounts {
  return { ...emptyCounts(), ...partial };
}

describe('tallyFactor', () => {
  it('reads sensibly with no votes: no verdict, no score, no NaN', () => {
    const t = tallyFactor('f01', emptyCounts(), 12);
    expect(t).toMatchObject({ voters: 0, verdict: null, agreement: null, score: null, participation: 0, disputed: false });
  });

  it('with nobody eligible, participation is 0 rather than NaN', () => {
    expect(tallyFactor('f01', emptyCounts(), 0).participation).toBe(0);
  });

  it('scores 100/50/0 and leaves don\'t-know out of the mean; the verdict follows the score', () => {
    const t = tallyFactor('f01', counts({ 'in-place': 2, partly: 1, 'not-in-place': 1, 'dont-know': 4 }), 10);
    expect(t.score).toBe(62.5);
    expect(t.voters).toBe(8);
    expect(t.participation).toBeCloseTo(0.8);
    expect(t.verdict).toBe('partly');
    expect(t.agreement).toBe(0.25);
  });

  it('all don\'t-know: verdict don\'t-know, score null, no agreement', () => {
    const t = tallyFactor('f01', counts({ 'dont-know': 3 }), 3);
    expect(t.verdict).toBe('dont-know');
    expect(t.score).toBeNull();
    expect(t.agreement).toBeNull();
    expect(t.disputed).toBe(false);
  });

  it('a single voter decides with full agreement', () => {
    const t = tallyFactor('f01', counts({ partly: 1 }), 12);
    expect(t).toMatchObject({ verdict: 'partly', agreement: 1, score: 50, disputed: false });
  });

  it('an even split between the extremes is partly true at 50 and flagged', () => {
    const t = tallyFactor('f05', counts({ 'in-place': 4, 'not-in-place': 4 }), 8);
    expect(t.verdict).toBe('partly');
    expect(t.score).toBe(50);
    expect(t.agreement).toBe(0);
    expect(t.disputed).toBe(true);
  });

  it('don\'t-know from half the voters leaves the substantive votes to decide', () => {
    expect(tallyFactor('f01', counts({ partly: 2, 'dont-know': 2 }), 4).verdict).toBe('partly');
  });

  it('a clear majority is not disputed', () => {
    const t = tallyFactor('f01', counts({ 'in-place': 8, partly: 1 }), 9);
    expect(t.verdict).toBe('in-place');
    expect(t.disputed).toBe(false);
  });

  it('a polarised team (true vs not true) is disputed even with a majority', () => {
    const t = tallyFactor('f01', counts({ 'in-place': 6, 'not-in-place': 3 }), 9);
    expect(t.verdict).toBe('partly');
    expect(t.disputed).toBe(true);
  });
});

describe('round totals and baseline comparison', () => {
  const now = [
    tallyFactor('f01', counts({ 'in-place': 3 }), 3),
    tallyFactor('f02', counts({ partly: 3 }), 3),
    tallyFactor('f03', counts({ 'not-in-place': 3 }), 3),
    tallyFactor('f04', emptyCounts(), 3),
  ];
  it('counts factors true and averages scored factors as a score so far until every factor has a score', () => {
    const totals = totalsOf(now);
    expect(totals).toMatchObject({ factorCount: 4, inPlace: 1, partly: 1, notInPlace: 1, undecided: 1, overallScore: null, scoreSoFar: 50, scored: 3 });
    expect(totalsOf(now.slice(0, 3))).toMatchObject({ overallScore: 50, complete: true });
  });

  it('overall score is null when nothing is scored', () => {
    expect(totalsOf([tallyFactor('f01', emptyCounts(), 3)]).overallScore).toBeNull();
  });

  it('compares per factor: up, down, same and n/a', () => {
    const before = [
      tallyFactor('f01', counts({ partly: 2 }), 2),
      tallyFactor('f02', counts({ 'in-place': 2 }), 2),
      tallyFactor('f03', counts({ 'not-in-place': 1 }), 2),
    ];
    const cmp = compareTallies(now, before);
    expect(cmp.map((c) => [c.factorId, c.trend, c.delta])).toEqual([
      ['f01', 'up', 50],
      ['f02', 'down', -50],
      ['f03', 'same', 0],
      ['f04', 'n/a', null],
    ]);
  });
});
