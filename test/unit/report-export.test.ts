// Exports: the CSV parses back to exactly what was stored (formulas neutralised), anonymity holds in every format, user text is escaped.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/content/schema.js';
import { neutraliseFormula } from '../../src/reports/export-csv.js';
import { escapeMarkdown } from '../../src/reports/export-markdown.js';
import { EXPORT_FORMATS, exportRound } from '../../src/reports/export.js';
import { CLOSED_AT, MANAGERS, MEMBERS, realisticRound, REALISTIC_ANSWERS, ROUND_ID, TENANT } from '../golden/realistic-round.js';

const OPTS = { now: CLOSED_AT };

/** The rule, written out independently of the implementation. */
const expectedCell = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

async function csvOf(locale: Locale, anonymous = false) {
  const world = await realisticRound({ locale, anonymous });
  const result = await exportRound(world.state, world.baseline, 'csv', OPTS);
  const text = String(result.body);
  // Strict RFC 4180 with the language's separator: records end in CRLF; a bare LF only inside a quoted field.
  const records = parse(text, { bom: true, record_delimiter: '\r\n', delimiter: locale === 'sv' ? ';' : ',' }) as string[][];
  return { ...world, result, text, header: records[0]!, rows: records.slice(1) };
}

describe('CSV export', () => {
  it('is RFC 4180 with a BOM, and every row parses back to the stored vote, answers and evidence', async () => {
    const { result, text, header, rows, store, state } = await csvOf('sv');
    expect(result.contentType).toBe('text/csv; charset=utf-8; header=present');
    expect(result.filename).toBe(`kulturell-mangfald-${ROUND_ID}.csv`);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.endsWith('\r\n')).toBe(true);
    // Swedish Excel's separator is the semicolon: the first line has no comma outside the question texts.
    expect(text.split('\r\n')[0]!.startsWith('\uFEFFOmgång;Nr;Faktor-id;Nyckelfaktor;Medlem;Medlems-id;Röst;Röstkod;')).toBe(true);
    // One column per guiding question, headed by the question itself.
    const questionHeaders = state.pack.keyFactors.flatMap((k) => k.questions.map((q, i) => `${String(k.number).padStart(2, '0')}.${i + 1} ${q.text}`));
    expect(questionHeaders).toHaveLength(61);
    expect(header).toEqual(['Omgång', 'Nr', 'Faktor-id', 'Nyckelfaktor', 'Medlem', 'Medlems-id', 'Röst', 'Röstkod', ...questionHeaders, 'Bevislänkar', 'Svaret sparat']);
    expect(header).toContain('01.1 Finns det ett offentligt uttalande om kommunens åtagande för mångfald?');
    const snapshot = (await store.getSnapshot(TENANT, ROUND_ID))!;
    const col = (name: string) => header.indexOf(name);
    const seen = new Set<string>();
    for (const row of rows) {
      expect(row).toHaveLength(header.length);
      const factorId = row[col('Faktor-id')]!;
      const memberId = row[col('Medlems-id')]!;
      seen.add(`${factorId}/${memberId}`);
      expect(row[col('Omgång')]).toBe(ROUND_ID);
      expect(row[col('Medlem')]).toBe(state.round.names[memberId]);
      expect(row[col('Röstkod')]).toBe(snapshot.votes[factorId]?.[memberId] ?? '');
      const answer = snapshot.answers[factorId]?.[memberId];
      for (const k of state.pack.keyFactors) {
        k.questions.forEach((q, i) => {
          const stored = k.id === factorId ? (answer?.texts[q.id] ?? '') : '';
          expect(row[col(`${String(k.number).padStart(2, '0')}.${i + 1} ${q.text}`)], `${factorId}/${memberId} ${q.id}`).toBe(expectedCell(stored));
        });
      }
      expect(row[col('Bevislänkar')]).toBe((answer?.evidence ?? []).join('\n'));
      expect(row[col('Svaret sparat')]).toBe(answer?.at ?? '');
    }
    const stored = new Set(
      Object.keys(snapshot.votes).flatMap((f) => [...Object.keys(snapshot.votes[f]!), ...Object.keys(snapshot.answers[f] ?? {})].map((m) => `${f}/${m}`)),
    );
    expect(seen).toEqual(stored);
    expect(rows.length).toBe(stored.size);
  });

  it('keeps commas, quotes and line breaks, and neutralises formulas with a leading apostrophe', async () => {
    const { rows, header, text } = await csvOf('en');
    const cells = rows.flat();
    expect(cells).toContain("'=cmd()");
    expect(cells).toContain('\'=HYPERLINK("http://evil.example","klicka")');
    expect(cells).toContain("'+46 40 34 10 00 är växeln; ingen namngiven ansvarig.");
    expect(cells).toContain("'@kommunstyrelsen borde ta beslut.");
    expect(cells).toContain("'-20 % i budget för samordning 2026. <script>alert(\"x\")</script> *inte* | bra");
    expect(cells).toContain("'\tTabb först; statistik från SCB används, men inte uppdelat på stadsdelar.");
    expect(cells).toContain('Kommundirektören äger frågan, men ansvaret är otydligt i förvaltningarna, "på papperet" i alla fall.');
    expect(cells).toContain('Strategin finns, men den saknar budget.\nUppföljning sker bara i årsredovisningen.');
    expect(cells).toContain('Dialogforum med föreningar två gånger om året.\r\nInget formellt inflytande.');
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    expect(header[0]).toBe('Round');
    // English Excel's separator is the comma.
    expect(text.split('\r\n')[0]!.startsWith('\uFEFFRound,No.,Factor id,Key factor,Member,Member id,Vote,Vote code,01.1 ')).toBe(true);
    // Every awkward answer went in and came out.
    for (const a of REALISTIC_ANSWERS) for (const text of Object.values(a.texts)) expect(cells).toContain(expectedCell(text));
  });

  it('neutraliseFormula changes only risky starts', () => {
    expect(neutraliseFormula('=1+1')).toBe("'=1+1");
    expect(neutraliseFormula('\rx')).toBe("'\rx");
    expect(neutraliseFormula('1+1=2')).toBe('1+1=2');
    expect(neutraliseFormula('')).toBe('');
  });

  it('anonymous rounds: no row belongs to a person – vote counts per factor, and no member or time column', async () => {
    const { header, rows, state } = await csvOf('en', true);
    expect(header).toEqual(['Round', 'No.', 'Factor id', 'Key factor', 'Kind', 'Detail', 'Value']);
    for (const tally of state.tallies) {
      const votes = rows.filter((r) => r[2] === tally.factorId && r[4] === 'votes');
      expect(votes.map((r) => Number(r[6]))).toEqual([tally.counts['in-place'], tally.counts.partly, tally.counts['not-in-place'], tally.counts['dont-know']]);
    }
    expect(rows.flat().some((c) => /^Member \d+$/.test(c))).toBe(false);
  });

  it('anonymous rounds: an answer row names the question it answers, not just its number', async () => {
    const { state, baseline } = await realisticRound({ locale: 'en', anonymous: true });
    // f03 has three written answers: with both minimums at 3 they are published after the close.
    const open = { ...state, round: { ...state.round, minResponses: 3, minAnswers: 3 } };
    const text = String((await exportRound(open, baseline, 'csv', OPTS)).body);
    const rows = (parse(text, { bom: true, record_delimiter: '\r\n' }) as string[][]).slice(1);
    const answers = rows.filter((r) => r[4] === 'answer' && r[2] === 'f03');
    expect(answers.length).toBeGreaterThan(0);
    const questions = state.pack.keyFactors.find((k) => k.id === 'f03')!.questions.map((q, i) => `03.${i + 1} ${q.text}`);
    for (const r of answers) expect(questions).toContain(r[5]);
  });

  it('anonymous rounds in Swedish are semicolon-separated too', async () => {
    const { header, text } = await csvOf('sv', true);
    expect(header).toEqual(['Omgång', 'Nr', 'Faktor-id', 'Nyckelfaktor', 'Typ', 'Detalj', 'Värde']);
    expect(text.startsWith('\uFEFFOmgång;Nr;Faktor-id;Nyckelfaktor;Typ;Detalj;Värde\r\n')).toBe(true);
  });
});

describe.each<Locale>(['sv', 'en'])('anonymity in every format (%s)', (locale) => {
  it('shows no member ids, names or hashed keys anywhere', async () => {
    const { state, baseline } = await realisticRound({ locale, anonymous: true });
    for (const format of EXPORT_FORMATS) {
      const body = String((await exportRound(state, baseline, format, OPTS)).body);
      for (const [id, name] of [...MEMBERS, ...MANAGERS]) {
        expect(body, `${format} ${id}`).not.toContain(id);
        expect(body, `${format} ${name}`).not.toContain(name);
      }
      expect(body, format).not.toMatch(/anon-[0-9a-f]{8}/);
      // No per-member labels at all: even "Member 3" would tie one person's vote to their answers.
      expect(body, format).not.toMatch(/(Medlem|Member) \d/);
    }
  });

  it('hides factors with fewer responses than the minimum', async () => {
    const { state, baseline } = await realisticRound({ locale, anonymous: true });
    const strict = { ...state, round: { ...state.round, minResponses: 11 } };
    const json = JSON.parse(String((await exportRound(strict, baseline, 'json', OPTS)).body)) as { factors: { factorId: string; hidden: boolean; votes: unknown[]; answers: unknown[]; tally: unknown }[] };
    const f12 = json.factors.find((f) => f.factorId === 'f12')!;
    expect(f12).toMatchObject({ hidden: true, answers: [], tally: null });
    expect(f12.votes).toBeUndefined();
    expect(json.factors.find((f) => f.factorId === 'f01')!.hidden).toBe(false);
    const csv = String((await exportRound(strict, baseline, 'csv', OPTS)).body);
    expect(csv).not.toMatch(/[,;]f12[,;]/);
    expect(csv).toMatch(/[,;]f01[,;]/);
  });
});

describe('JSON export', () => {
  it('holds the full round: settings, tallies, every vote and answer as stored', async () => {
    const { state, baseline, store } = await realisticRound({ locale: 'sv' });
    const result = await exportRound(state, baseline, 'json', OPTS);
    expect(result.contentType).toBe('application/json; charset=utf-8');
    const json = JSON.parse(String(result.body)) as {
      round: { id: string; participants: string[]; calendar: unknown };
      summary: { score: number; inPlace: number; disputed: string[] };
      factors: { factorId: string; tally: { counts: Record<string, number> }; votes: { memberId: string; level: string }[]; answers: { memberId: string; texts: Record<string, string>; evidence: string[] }[] }[];
      contextNotes: { name: string; comment: string }[];
    };
    const snapshot = (await store.getSnapshot(TENANT, ROUND_ID))!;
    expect(json.round.id).toBe(ROUND_ID);
    expect(json.round.participants).toEqual(MEMBERS.map(([id]) => id));
    expect(json.round.calendar).toEqual(state.round.calendar);
    expect(json.summary).toMatchObject({ score: null, scoreSoFar: 53, scoredFactors: 12, inPlace: 4, disputed: ['f03', 'f08'] });
    for (const f of json.factors) {
      expect(f.tally.counts).toEqual(snapshot.counts[f.factorId]);
      expect(Object.fromEntries(f.votes.map((v) => [v.memberId, v.level]))).toEqual(snapshot.votes[f.factorId]);
      for (const a of f.answers) {
        const stored = snapshot.answers[f.factorId]![a.memberId]!;
        expect(a.texts).toEqual(stored.texts);
        expect(a.evidence).toEqual(stored.evidence);
      }
      expect(f.answers.length).toBe(Object.keys(snapshot.answers[f.factorId] ?? {}).length);
    }
    expect(json.contextNotes.map((c) => c.name)).toEqual(['Kommunala resurser', 'Kommunens politiska situation']);
  });
});

describe('HTML report', () => {
  it('is one self-contained, print-friendly page with the chart embedded and people\'s text escaped', async () => {
    const { state, baseline } = await realisticRound({ locale: 'sv' });
    const result = await exportRound(state, baseline, 'html', OPTS);
    const html = String(result.body);
    expect(result.contentType).toBe('text/html; charset=utf-8');
    expect(html).toMatch(/^<!doctype html>\n<html lang="sv">/);
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html).toContain('@media print');
    expect(html).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]{1000,}" width="900" height="520" alt="Poäng per nyckelfaktor \(0–100\): 01 Offentliga åtaganden: 86/);
    // Nothing is loaded from elsewhere.
    expect(html).not.toMatch(/<(script|link|iframe|object)\b/i);
    expect(html).not.toMatch(/\ssrc="(?!data:)/);
    // The answer with markup in it shows as text.
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; *inte* | bra');
    expect(html).toContain('<a href="https://malmo.se/budget-2026.pdf?del=2&#38;bilaga=a" rel="noopener noreferrer nofollow">');
    expect(html).toContain('Strategin finns, men den saknar budget.<br>Uppföljning sker bara i årsredovisningen.');
    expect(html).toContain('4 av 13 påståenden stämmer · poäng 53/100 från 12 av 13 nyckelfaktorer; resten fick inget utslag');
    // The figure is a score so far, labelled with what it rests on, and the rule is stated.
    expect(html).toContain('<b>53<small>/100</small></b><span>poäng hittills, från 12 av 13 nyckelfaktorer</span>');
    expect(html).toContain('Så räknas det: Stämmer ger 100 poäng');
    expect(html).toContain('Värt en diskussion');
    expect(html).toContain('Kommunala resurser:</b> Budgeten för samordning halveras 2026.');
  });

  it('is in English for an English round', async () => {
    const { state, baseline } = await realisticRound({ locale: 'en' });
    const html = String((await exportRound(state, baseline, 'html', { ...OPTS, chart: false })).body);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('The key factors in detail');
    expect(html).toContain('Score now 86, at the baseline 59 (↑ +27)');
    expect(html).not.toContain('<img');
  });
});

describe('Markdown report', () => {
  it('escapes markup in people\'s text', async () => {
    const { state, baseline } = await realisticRound({ locale: 'sv' });
    const md = String((await exportRound(state, baseline, 'md', OPTS)).body);
    expect(md).toContain('\\<script\\>alert("x")\\</script\\> \\*inte\\* \\| bra');
    expect(md).not.toContain('<script>');
    expect(escapeMarkdown('# rubrik\n- lista\n1. ett')).toBe('\\# rubrik\n\\- lista\n1\\. ett');
  });
});
