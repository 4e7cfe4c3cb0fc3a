// Internal evaluation over the years, on the playground's HTTP API and real Redis: a baseline round, re-assessments
// started from the last round's settings, the digest comparing with both the baseline and the previous round, and history.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHistoryCommand } from '../../src/cli/modes.js';
import { PlaygroundApi } from '../helpers/playground-api.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;
const TEAM = ['u-cora', 'u-anna', 'u-bo', 'u-cecilia'];

let pg: PlaygroundApi;

beforeAll(async () => {
  pg = await PlaygroundApi.open();
});

afterAll(async () => {
  await pg.close();
});

/** Everyone on the team votes the given levels on f01…f03 (index = person). */
async function teamVotes(roundId: string, levels: Record<string, string[]>): Promise<void> {
  for (const [factorId, perPerson] of Object.entries(levels)) {
    for (const [i, level] of perPerson.entries()) {
      const res = await pg.vote(TEAM[i]!, roundId, factorId, level);
      expect(res.ok, res.error).toBe(true);
    }
  }
}

function collector() {
  const sink: string[] = [];
  return { sink, stream: { write: (c: string | Buffer) => sink.push(String(c)) } };
}

describe('internal evaluation: baseline, re-assessment and history on the playground', () => {
  const rounds: string[] = [];

  it('runs a baseline round and marks it as the baseline once closed (coordinator only)', async () => {
    const { roundId } = await pg.start('u-cora', { pacing: 'all-at-once', title: 'Mångfald 2026' });
    rounds.push(roundId);
    await teamVotes(roundId, {
      f01: ['partly', 'partly', 'not-in-place', 'partly'],
      f02: ['in-place', 'in-place', 'in-place', 'partly'],
      f03: ['not-in-place', 'not-in-place', 'partly', 'not-in-place'],
    });
    expect((await pg.answer('u-anna', roundId, 'f01', { 'f01-q1': 'Ett uttalande från 2024.' }, 'https://kommun.example/protokoll')).ok).toBe(true);

    // Only a closed round can be the baseline.
    expect(await pg.reply('u-cora', '/assess baseline')).toContain('Det finns ingen avslutad omgång');
    await pg.command('u-cora', '/assess close confirm');
    expect(await pg.last('u-cora', 'digest', 'channel')).toContain('Sammanfattning');

    expect(await pg.reply('u-bo', '/assess baseline')).toContain('Bara samordnaren kan göra det här. Fråga Cora.');
    expect((await pg.store.getRound('playground', roundId))!.isBaseline).toBe(false);
    expect(await pg.reply('u-cora', '/assess baseline')).toContain('är nu baslinjen');
    expect((await pg.store.getRound('playground', roundId))!.isBaseline).toBe(true);
  });

  it('starts the next round a year later from the last round\'s settings, compared with the baseline', async () => {
    pg.clock.advance(YEAR_MS);
    const { roundId, form } = await pg.start('u-cora', {}, '/assess start again');
    rounds.push(roundId);
    // The form came pre-filled from the baseline round: same title, team, managers, calendar rhythm.
    expect(form.title).toBe('Mångfald 2026');
    expect(form.pacing).toBe('all-at-once');
    // The last round had the whole team: "everyone in this channel" is on again, nobody listed.
    expect(form.everyone).toBe('true');
    expect(form.participants).toBe('');
    expect(form.managers).toBe('u-maja');
    const round = (await pg.store.getRound('playground', roundId))!;
    expect([...round.participants].sort()).toEqual([...TEAM].sort());
    expect(round.baselineRoundId).toBe(rounds[0]);
    expect(round.previousRoundId).toBe(rounds[0]);
    expect(round.isBaseline).toBe(false);

    await teamVotes(roundId, {
      f01: ['in-place', 'in-place', 'partly', 'in-place'],
      f02: ['in-place', 'in-place', 'in-place', 'partly'],
      f03: ['not-in-place', 'not-in-place', 'not-in-place', 'not-in-place'],
    });
    const status = await pg.reply('u-cora', '/assess status');
    expect(status).toMatch(/Stämmer · [^\n]*↑ upp/); // f01 went up from the baseline
    expect(status).toContain('Jämfört med baslinjen');
    await pg.command('u-cora', '/assess close confirm');
  });

  it('a third round shows the change since the baseline and since the previous round side by side', async () => {
    pg.clock.advance(YEAR_MS);
    const { roundId } = await pg.start('u-cora', {}, '/assess start again');
    rounds.push(roundId);
    const round = (await pg.store.getRound('playground', roundId))!;
    expect(round.baselineRoundId).toBe(rounds[0]);
    expect(round.previousRoundId).toBe(rounds[1]);

    await teamVotes(roundId, {
      f01: ['partly', 'partly', 'partly', 'partly'], // 50: up from the baseline (38), down from last year (88)
      f02: ['in-place', 'in-place', 'in-place', 'in-place'],
      f03: ['partly', 'partly', 'partly', 'partly'], // 50: up from both
    });
    const status = await pg.reply('u-cora', '/assess status');
    const f01 = status.split('\n').find((l) => l.startsWith('Stämmer delvis') && l.includes('sämre än förra omgången'));
    expect(f01, status).toBeDefined();
    // One arrow per factor line (the baseline's); the change since the previous round in words beside it.
    expect(f01).toMatch(/↑ upp · sämre än förra omgången$/);
    expect(status).toMatch(/↑ upp · bättre än förra omgången/);
    for (const line of status.split('\n')) expect((line.match(/[↑↓=]/g) ?? []).length, line).toBeLessThanOrEqual(1);
    expect(status).toContain('Pilarna jämför med baslinjen; "förra omgången" är omgången som startade');
  });

  it('history shows each factor across the rounds, as a table in chat and a chart behind a signed link', async () => {
    const text = await pg.reply('u-anna', '/assess history');
    expect(text).toContain('Utvecklingen över 3 omgångar');
    expect(text).toContain('(bas)');
    const f01 = text.split('\n').find((l) => l.startsWith('01 · Offentliga åtaganden'))!;
    expect(f01.trim().split(/\s+/).slice(-5)).toEqual(['38', '88', '50', '↓', '↑']);
    const f03 = text.split('\n').find((l) => l.startsWith('03 · Ledning och styrning'))!;
    expect(f03.trim().split(/\s+/).slice(-5)).toEqual(['13', '0', '50', '↑', '↑']);

    const url = /Diagram: (\S+)/.exec(text)?.[1];
    expect(url).toMatch(/^https:\/\/assess\.kommun\.example\/history\//);
    const res = await pg.app.http.inject({ method: 'GET', url: new URL(url!).pathname });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const png = PNG.sync.read(res.rawPayload);
    expect(png.width).toBeGreaterThan(600);
    // A tampered signature is refused.
    const forged = await pg.app.http.inject({ method: 'GET', url: new URL(url!).pathname.replace(/\/[^/]+\/chart\.png$/, '/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/chart.png') });
    expect(forged.statusCode).toBe(403);
  });

  it('help points at the ways of working, and `help more` lists them', async () => {
    expect(await pg.reply('u-bo', '/assess help')).toContain('`help more` – baslinje och historik');
    const more = await pg.reply('u-bo', '/assess help more');
    for (const command of ['start again', 'baseline', 'history', 'review invite', 'finding', 'plan', 'action add', 'privacy export']) expect(more).toContain(command);
  });

  it('help starts with the toolkit in its own words; `context` lists each context factor with the toolkit\'s examples', async () => {
    const help = await pg.reply('u-bo', '/assess help');
    expect(help).toContain('I de här riktlinjerna refererar vi endast till mångfald som kommer av invandring');
    expect(help).toContain('Vägledande frågor, frågor som behöver utredas innan ni kan svara');
    expect(help).toContain('Vill ni ha en enkel granskning över ert arbete med mångfald');
    expect(help.indexOf('Vill ni ha')).toBeLessThan(help.indexOf('Så här använder du'));
    const context = await pg.reply('u-cora', '/assess context');
    expect(context).toContain('Nedan finns en lista över faktorer som kan påverka kommunens möjlighet att möta riktlinjerna.');
    expect(context).toContain('Fördelning av befogenheter mellan central och kommunal administration');
    expect(context).toContain('budgetändringar');
  });

  it('the CLI prints the same history and writes the chart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    try {
      const out = collector();
      const err = collector();
      const code = await runHistoryCommand(['--tenant', 'playground', '--channel', 'C-PLAYGROUND', '--chart', join(dir, 'h.png')], out.stream, err.stream, pg.env);
      expect(code, err.sink.join('')).toBe(0);
      const table = out.sink.join('');
      expect(table).toContain('Utvecklingen över 3 omgångar');
      expect(table.split('\n').find((l) => l.startsWith('02 · Strategi'))!.trim().split(/\s+/).slice(-5)).toEqual(['88', '88', '100', '↑', '↑']);
      expect(PNG.sync.read(readFileSync(join(dir, 'h.png'))).height).toBeGreaterThan(300);

      const json = collector();
      expect(await runHistoryCommand(['--tenant', 'playground', '--channel', 'C-PLAYGROUND', '--json'], json.stream, err.stream, pg.env)).toBe(0);
      const history = JSON.parse(json.sink.join('')) as { rounds: { isBaseline: boolean }[]; factors: { factorId: string; scores: (number | null)[] }[] };
      expect(history.rounds.map((r) => r.isBaseline)).toEqual([true, false, false]);
      expect(history.factors.find((f) => f.factorId === 'f03')!.scores).toEqual([12.5, 0, 50]);

      const usage = collector();
      expect(await runHistoryCommand(['--tenant', 'playground'], out.stream, usage.stream, pg.env)).toBe(2);
      expect(usage.sink.join('')).toContain('assess-bot history --tenant');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
