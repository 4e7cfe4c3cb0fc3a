// Peer review over the coordinator's year (#17, section 4), in the playground on real Redis, in Swedish and English:
// the baseline round validated by peers without the team voting again; its second close sends a summary of its own
// with both verdicts on each line and the review team's bars in the chart (and its numbers in the chart's alt text);
// the next round compares with that baseline with one arrow per factor line.
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/core/i18n.js';
import { renderScoreChartSvg } from '../../src/reports/chart.js';
import { cardText, PlaygroundApi } from '../helpers/playground-api.js';

/** Pixels of the review team's bar colour (#c2571a) in a PNG. */
function peerPixels(png: PNG): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i]! - 0xc2) < 6 && Math.abs(png.data[i + 1]! - 0x57) < 6 && Math.abs(png.data[i + 2]! - 0x1a) < 6) n += 1;
  }
  return n;
}

describe.each(['sv', 'en'] as const)('a peer review validating the baseline, in %s', (locale) => {
  let pg: PlaygroundApi;

  beforeAll(async () => {
    pg = await PlaygroundApi.open({ DEFAULT_LOCALE: locale });
  });

  afterAll(async () => {
    await pg.close();
  });

  const summaries = async () => (await pg.messages('u-cora')).filter((m) => m.type === 'digest' && m.audience === 'channel');

  it('the panel validates the first round; its close sends a summary with both verdicts and both sets of bars', async () => {
    const { roundId } = await pg.start('u-cora', { pacing: 'all-at-once' });
    await pg.vote('u-anna', roundId, 'f01', 'partly');
    await pg.vote('u-bo', roundId, 'f01', 'not-in-place');
    await pg.vote('u-anna', roundId, 'f02', 'in-place');
    await pg.vote('u-bo', roundId, 'f02', 'in-place');
    await pg.command('u-cora', '/assess close confirm');
    await pg.command('u-cora', `/assess ${locale === 'sv' ? 'baslinje' : 'baseline'}`);
    expect(await summaries()).toHaveLength(1);

    // Only the coordinator may hand it to the panel; Anna's attempt changes nothing.
    expect(await pg.reply('u-anna', '/assess review validate @u-pia')).toContain(t(locale, 'errors.NOT_COORDINATOR', { coordinator: 'Cora' }));
    expect((await pg.store.getRound('playground', roundId))!.mode).toBe('internal-evaluation');
    expect(await pg.reply('u-cora', `/assess review ${locale === 'sv' ? 'validera' : 'validate'} @u-pia`)).toContain(locale === 'sv' ? 'utan att laget röstar igen' : 'without the team voting again');
    expect((await pg.vote('u-anna', roundId, 'f01', 'in-place')).ok).toBe(false);
    expect((await pg.vote('u-pia', roundId, 'f01', 'not-in-place')).ok).toBe(true);
    expect((await pg.vote('u-pia', roundId, 'f02', 'partly')).ok).toBe(true);
    await pg.command('u-pia', '/assess finding 1 Uttalandet är okänt i stadsdelarna');

    await pg.command('u-cora', '/assess close confirm');
    await pg.advance('hour');
    const all = await summaries();
    expect(all).toHaveLength(2);
    const summary = cardText(all.at(-1)!.card);
    // 01: the team 25 (not true), the panel 0 (not true); 02: the team 100 (true), the panel 50 (partly): they differ.
    expect(summary).toContain(t(locale, 'modes.digest.selfAndPeer', { self: t(locale, 'levels.not-in-place'), peer: t(locale, 'modes.review.peerVerdict', { verdict: t(locale, 'levels.not-in-place'), voted: 1, panel: 1 }) }));
    expect(summary).toContain(t(locale, 'modes.digest.selfAndPeer', { self: t(locale, 'levels.in-place'), peer: t(locale, 'modes.review.peerVerdict', { verdict: t(locale, 'levels.partly'), voted: 1, panel: 1 }) }));
    expect(summary).toContain(t(locale, 'modes.digest.differTitle'));
    // The chart's alt text states the review team's number beside the team's.
    expect(summary).toMatch(locale === 'sv' ? /01 Offentliga åtaganden: 25 \(granskningsgruppen 0\)/ : /01 Public commitment: 25 \(review team 0\)/);
    expect(summary).toMatch(locale === 'sv' ? /02 Strategi: 100 \(granskningsgruppen 50\)/ : /02 Strategy: 100 \(review team 50\)/);

    // The chart itself: the self-assessment's bars and the review team's, with both in the legend.
    const chartUrl = /\/playground\/chart\/[^\s"]+\.png/.exec(JSON.stringify(all.at(-1)!.card))![0];
    const res = await pg.app.http.inject({ method: 'GET', url: chartUrl });
    expect(res.statusCode).toBe(200);
    expect(peerPixels(PNG.sync.read(res.rawPayload))).toBeGreaterThan(2_000);
    const svg = await renderScoreChartSvg(await pg.app.service.state('playground', roundId), null);
    expect(svg).toContain(t(locale, 'report.chart.self'));
    expect(svg).toContain(t(locale, 'report.chart.peer'));
  }, 60_000);

  it('the next round compares with that baseline: one arrow per factor line', async () => {
    pg.clock.advance(120 * 86_400_000);
    const { roundId } = await pg.start('u-cora', { pacing: 'all-at-once', mode: 'internal-evaluation', reviewers: '' }, `/assess ${locale === 'sv' ? 'starta igen' : 'start again'}`);
    await pg.vote('u-anna', roundId, 'f01', 'in-place');
    await pg.vote('u-bo', roundId, 'f01', 'in-place');
    const status = await pg.reply('u-cora', '/assess status');
    expect(status).toContain(`↑ ${t(locale, 'trend.short.up')}`);
    for (const line of status.split('\n')) expect((line.match(/[↑↓]/g) ?? []).length, line).toBeLessThanOrEqual(1);
  }, 60_000);
});
