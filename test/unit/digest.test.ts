// The digest view model: distribution, disputes, weekly pending and due lines, privacy, chat-size limits, and empty rounds.
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/content/schema.js';
import { MAX_ANSWER_CHARS, type Round } from '../../src/core/model.js';
import type { RoundState } from '../../src/core/read-model.js';
import { buildDigest } from '../../src/core/views/digest.js';
import { DIGEST_LIMITS, type DigestView } from '../../src/core/views/digest-model.js';
import { exportRound, EXPORT_FORMATS } from '../../src/reports/export.js';
import { CLOSED_AT, MEMBERS, realisticRound, WEEKLY_AT } from '../golden/realistic-round.js';

/** Every string anywhere in a value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const BROKEN = /\b(NaN|undefined|null|Infinity)\b|\[object Object\]|\{\w+\}/;

function withRound(state: RoundState, change: (r: Round) => Round): RoundState {
  const round = change(state.round);
  return { ...state, round, snapshot: { ...state.snapshot, round } };
}

describe('final summary', () => {
  it('gives each factor its verdict, vote distribution, agreement, participation, answers, links and change', async () => {
    const { state, baseline } = await realisticRound({ locale: 'sv' });
    const view = buildDigest(state, { kind: 'final', baseline, now: CLOSED_AT });
    // f11 is mostly "don't know": no score, so the round's score rests on 12 factors and says so (verdict.ts).
    expect(view.headline).toBe('4 av 13 påståenden stämmer · poäng 53/100 från 12 av 13 nyckelfaktorer; resten fick inget utslag');
    expect(view.score).toBeNull();
    expect(view.scoreSoFar).toBe(53);
    expect(view.scored).toBe(12);
    expect(view.inPlace).toBe(4);
    expect(view.total).toBe(13);
    const f01 = view.factors.find((f) => f.factorId === 'f01')!;
    expect(f01.distribution.map((d) => [d.level, d.count])).toEqual([
      ['in-place', 8],
      ['partly', 3],
      ['not-in-place', 0],
      ['dont-know', 0],
    ]);
    expect(f01.distributionLine).toBe('Stämmer 8 · Stämmer delvis 3 · Stämmer inte 0 · Vet inte 0');
    expect(f01.line).toBe('Stämmer · 73% enighet · 11 av 12 har röstat · 2 har svarat · 3 bevislänkar · ↑ upp');
    const f11 = view.factors.find((f) => f.factorId === 'f11')!;
    expect(f11).toMatchObject({ verdict: 'dont-know', verdictLabel: 'Vet inte än', score: null, agreement: null, trend: 'n/a', delta: null });
    expect(f01).toMatchObject({ voters: 11, eligible: 12, answers: 2, evidence: 3, trend: 'up', trendSymbol: '↑', status: 'closed' });
    expect(f01.delta).toBeCloseTo(27.3, 5);
    // f09 has four links: three listed, one counted.
    const f09 = view.factors.find((f) => f.factorId === 'f09')!;
    expect(f09.links).toHaveLength(3);
    expect(f09.linksMore).toBe(1);
  });

  it('flags split factors as worth a discussion, naming the split', async () => {
    const { state } = await realisticRound({ locale: 'sv' });
    const view = buildDigest(state, { kind: 'final', now: CLOSED_AT });
    expect(view.factors.filter((f) => f.disputed).map((f) => f.factorId)).toEqual(['f03', 'f08']);
    expect(view.disputed[0]).toBe('03 · Ledning och styrning: 4 säger Stämmer, 2 säger Stämmer delvis, 4 säger Stämmer inte – värt en diskussion');
    expect(view.factors.find((f) => f.factorId === 'f03')).toMatchObject({ verdict: 'partly', score: 50, agreement: 0.2 });
  });

  it('lists the context factors the team noted, with their comments', async () => {
    const { state } = await realisticRound({ locale: 'en' });
    const view = buildDigest(state, { kind: 'final', now: CLOSED_AT });
    expect(view.context).toEqual([
      'Municipal resources: Budgeten för samordning halveras 2026.',
      "The municipality's political situation: Nytt styre efter valet; oklart om programmet förnyas.",
    ]);
  });

  it('states the numbers in the chart alt text', async () => {
    const { state, baseline } = await realisticRound({ locale: 'en' });
    const view = buildDigest(state, { kind: 'final', baseline, now: CLOSED_AT });
    expect(view.chartAlt).toContain('01 Public commitment: 86 (baseline 59)');
    // Mostly "don't know" is no score, not a number.
    expect(view.chartAlt).toContain('11 Mediation: no score yet;');
  });

  it('points to the full report and the chart image behind the signed link', async () => {
    const { state } = await realisticRound({ locale: 'sv' });
    const view = buildDigest(state, { kind: 'final', now: CLOSED_AT, reportUrl: 'https://x.example/reports/T/R/S' });
    expect(view.fullReportUrl).toBe('https://x.example/reports/T/R/S?format=html');
    expect(view.chartUrl).toBe('https://x.example/reports/T/R/S/chart.png');
    expect(view.reportLinks.map((l) => l.url)).toEqual([
      'https://x.example/reports/T/R/S?format=html',
      'https://x.example/reports/T/R/S?format=csv',
      'https://x.example/reports/T/R/S?format=md',
      'https://x.example/reports/T/R/S?format=json',
    ]);
    expect(view.reportLinks.map((l) => l.label)).toEqual(['Hela rapporten (HTML)', 'CSV', 'Markdown', 'JSON']);
  });
});

describe('weekly manager digest', () => {
  it('shows participation, what is due this week with missing votes, and upcoming factors', async () => {
    const { state } = await realisticRound({ locale: 'sv', stage: 'weekly' });
    const view = buildDigest(state, { kind: 'weekly', now: WEEKLY_AT });
    expect(view.dueSoon).toEqual([
      '04 · Invandrares deltagande – tisdag 3 februari (2 röster saknas)',
      '05 · Utomkommunala aktörers engagemang – torsdag 5 februari (4 röster saknas)',
      '06 · Öka medvetenheten – måndag 9 februari (8 röster saknas)',
    ]);
    expect(view.factors.find((f) => f.factorId === 'f06')!.line).toContain('4 av 12 har röstat');
    const f09 = view.factors.find((f) => f.factorId === 'f09')!;
    expect(f09.status).toBe('upcoming');
    expect(f09.line).toBe('Öppnar tisdag 3 februari');
    expect(view.disputed).toHaveLength(1);
  });

  it('names the people with votes still to give, most missing first, when the round allows names', async () => {
    const { state } = await realisticRound({ locale: 'en', stage: 'weekly' });
    const view = buildDigest(state, { kind: 'weekly', now: WEEKLY_AT });
    expect(view.pendingCount).toBe(12);
    expect(view.pendingLine).toMatch(/^12 people still have votes to give on factors that have opened: Johanna Karlsson \(7\), Karim Haddad \(6\),/);
  });

  it('gives only a count when names are switched off, and in anonymous rounds', async () => {
    const named = await realisticRound({ locale: 'en', stage: 'weekly' });
    const noNames = withRound(named.state, (r) => ({ ...r, calendar: { ...r.calendar, digest: { ...r.calendar.digest, showNames: false } } }));
    const anonymous = await realisticRound({ locale: 'en', stage: 'weekly', anonymous: true });
    for (const state of [noNames, anonymous.state]) {
      const view = buildDigest(state, { kind: 'weekly', now: WEEKLY_AT });
      expect(view.pendingLine).toBe('12 people still have votes to give on factors that have opened.');
      const text = JSON.stringify(view);
      for (const [id, name] of MEMBERS) {
        expect(text).not.toContain(id);
        expect(text).not.toContain(name);
      }
    }
  });

  it('counts anonymous non-responders without knowing who they are', async () => {
    const anonymous = await realisticRound({ locale: 'sv', stage: 'weekly', anonymous: true });
    const named = await realisticRound({ locale: 'sv', stage: 'weekly' });
    // On 21 January only f01–f04 have opened; Johanna missed f01, f02 and f04, Karim f03 and f04.
    const early = Date.parse('2026-01-21T07:00:00Z');
    const anonymousView = buildDigest(anonymous.state, { kind: 'weekly', now: early });
    const namedView = buildDigest(named.state, { kind: 'weekly', now: early });
    expect(anonymousView.pendingCount).toBe(2);
    expect(namedView.pendingCount).toBe(2);
    expect(namedView.pendingLine).toBe('2 personer har röster kvar att ge på faktorer som öppnat: Johanna Karlsson (3), Karim Haddad (2)');
  });

  it('says so when everyone has responded', async () => {
    const { state } = await realisticRound({ locale: 'sv', stage: 'weekly' });
    const view = buildDigest(state, { kind: 'weekly', now: Date.parse('2026-01-11T07:00:00Z') });
    expect(view.pendingCount).toBe(0);
    expect(view.pendingLine).toBe('Alla har svarat på det som öppnat hittills.');
  });
});

describe('chat size limits', () => {
  it('keeps a huge round within Block Kit and Teams limits and says the rest is in the report', async () => {
    const { state } = await realisticRound({ locale: 'sv', stage: 'weekly' });
    const many = 10_000;
    const participants = Array.from({ length: many }, (_, i) => `U${String(i).padStart(6, '0')}`);
    const long = 'Lång kommentar om resurser. '.repeat(200).slice(0, MAX_ANSWER_CHARS);
    const huge = withRound(state, (r) => ({
      ...r,
      title: 'T'.repeat(200),
      participants,
      names: Object.fromEntries(participants.map((p) => [p, `Person med ett ganska långt namn ${p}`])),
      contextNotes: Array.from({ length: 30 }, (_, i) => ({ contextFactorId: 'municipal-resources', comment: `${i} ${long}`, by: 'U03CORA', at: '2026-01-20T13:00:00.000Z' })),
    }));
    huge.answerStats = Object.fromEntries(
      Object.entries(huge.answerStats).map(([id, s]) => [id, { ...s, links: Array.from({ length: 40 }, (_, i) => `https://malmo.se/${'x'.repeat(i % 2 ? 50 : 2000)}/${i}`), evidence: 40 }]),
    );
    const view = buildDigest(huge, { kind: 'weekly', now: WEEKLY_AT, reportUrl: 'https://x.example/r' });
    expect(view.truncated).toBe(true);
    expect(view.moreLine).toBe('En del är förkortat här. Allt finns i hela rapporten.');
    expect(view.fullReportUrl).toBe('https://x.example/r?format=html');
    expect(view.context).toHaveLength(DIGEST_LIMITS.maxContext);
    for (const s of strings(view)) expect(s.length).toBeLessThanOrEqual(3000);
    for (const f of view.factors) {
      expect(f.links.length).toBeLessThanOrEqual(DIGEST_LIMITS.maxLinksPerFactor);
      expect(f.links.every((l) => l.length <= DIGEST_LIMITS.maxLinkChars)).toBe(true);
      expect(f.linksMore).toBe(40 - f.links.length);
    }
    expect(view.pendingLine).toContain(`och ${many - DIGEST_LIMITS.maxNames} till`);
    expect(Buffer.byteLength(JSON.stringify(view))).toBeLessThan(40_000);
  });

  it('leaves out factor lines beyond the limit and counts them', async () => {
    const { state } = await realisticRound({ locale: 'en' });
    const view = buildDigest(state, { kind: 'final', now: CLOSED_AT, limits: { maxFactors: 10 } });
    expect(view.factors).toHaveLength(10);
    expect(view.moreCount).toBe(3);
    expect(view.truncated).toBe(true);
    expect(view.moreLine).toBe('…and 3 more in the full report');
  });

  it('is not truncated for a normal round', async () => {
    const { state, baseline } = await realisticRound({ locale: 'sv' });
    const view = buildDigest(state, { kind: 'final', baseline, now: CLOSED_AT });
    expect(view.truncated).toBe(false);
    expect(view.moreCount).toBe(0);
    expect(view.moreLine).toBeUndefined();
  });
});

describe.each<Locale>(['sv', 'en'])('a round nobody responded to (%s)', (locale) => {
  it('reads sensibly in every digest and every export: no NaN, undefined or null', async () => {
    const { state, baseline } = await realisticRound({ locale, empty: true });
    const views: DigestView[] = (['final', 'weekly', 'status'] as const).map((kind) =>
      buildDigest(state, { kind, baseline, now: kind === 'weekly' ? WEEKLY_AT : CLOSED_AT, reportUrl: 'https://x.example/r' }),
    );
    for (const view of views) {
      for (const s of strings(view)) expect(s, s).not.toMatch(BROKEN);
      expect(view.score).toBeNull();
      const final = view.kind === 'final';
      expect(view.headline).toBe(
        locale === 'sv'
          ? final ? '0 av 13 påståenden stämmer · ingen poäng: ingen nyckelfaktor fick ett utslag' : 'Ingen poäng än: ingen nyckelfaktor har fått ett utslag'
          : final ? '0 of 13 statements true · no score: no key factor got a verdict' : 'No score yet: no key factor has a verdict yet',
      );
      expect(view.disputed).toEqual([]);
      expect(view.factors.every((f) => f.verdict === null && f.score === null && f.agreement === null)).toBe(true);
    }
    for (const format of EXPORT_FORMATS) {
      const { body } = await exportRound(state, baseline, format, { now: CLOSED_AT });
      const text = String(body).replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, '');
      if (format === 'json') {
        for (const s of strings(JSON.parse(text))) expect(s, s).not.toMatch(BROKEN);
        expect(text).not.toMatch(/\b(NaN|undefined)\b/);
      } else {
        expect(text, format).not.toMatch(BROKEN);
      }
    }
  });
});
