// The CSV export: one row per member × key factor with the vote, the answer to each guiding question and the evidence links.
//
// Layout (tidy: one observation per row, one variable per column):
//   round · factor no. · factor id · key factor · member · member id · vote · vote code ·
//   question 1 … question N · evidence links · answer saved
// "Question i" holds the answer to the factor's i-th guiding question (the Markdown and JSON reports list the
// questions); N is the largest number of questions in any factor. Several evidence links share one cell, one per line.
// Only members who voted or answered get a row; factors an anonymous round hides (too few responses) get none.
//
// Anonymous rounds have no per-member rows at all (a row per member, even unnamed, ties a vote to an answer):
//   round · factor no. · factor id · key factor · kind · detail · value
// with one row per level ("votes", the level, its count), one per answer text ("answer", the question, the text,
// in the order of the texts themselves) and one per evidence link ("evidence", "", the link). No times.
//
// RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line break, with a UTF-8
// byte order mark so Excel reads å, ä and ö correctly.
//
// Formula injection: spreadsheet programs run a cell that starts with = + - or @ (and some with a leading tab or
// carriage return) as a formula. Every text cell that starts with one of those characters gets a leading apostrophe,
// so "=cmd()" is stored as "'=cmd()" and shown as text. Nothing else in the text is changed.
import { stringify } from 'csv-stringify/sync';
import { t } from '../core/i18n.js';
import { LEVELS } from '../core/model.js';
import { levelLabel } from '../core/views/shared.js';
import type { ReportModel } from './report-model.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes an apostrophe to text a spreadsheet would otherwise run as a formula. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function write(records: string[][]): string {
  return stringify(records, {
    bom: true,
    record_delimiter: 'windows',
    // csv-stringify only quotes the record delimiter itself (CRLF); a bare LF or CR inside a cell must be quoted too.
    quoted_match: /[\r\n]/,
    cast: { string: (value) => neutraliseFormula(value) },
  });
}

/** Per-factor counts and unattributed texts: nothing in a row belongs to one person. */
function renderAnonymousCsv(model: ReportModel): string {
  const { locale, round } = model;
  const header = [
    t(locale, 'report.csv.round'),
    t(locale, 'report.csv.factorNumber'),
    t(locale, 'report.csv.factorId'),
    t(locale, 'report.csv.factor'),
    t(locale, 'report.csv.kind'),
    t(locale, 'report.csv.detail'),
    t(locale, 'report.csv.value'),
  ];
  const rows: string[][] = [];
  for (const f of model.factors) {
    if (f.hidden || !f.tally) continue;
    const lead = [round.id, f.numberLabel, f.factorId, f.theme];
    for (const level of LEVELS) rows.push([...lead, t(locale, 'report.csv.kindVotes'), levelLabel(locale, level), String(f.tally.counts[level])]);
    for (const q of f.questions) {
      for (const a of q.answers) rows.push([...lead, t(locale, 'report.csv.kindAnswer'), t(locale, 'report.csv.question', { n: q.number }), a.text]);
    }
    for (const e of f.evidence) rows.push([...lead, t(locale, 'report.csv.kindEvidence'), '', e.url]);
  }
  return write([header, ...rows]);
}

export function renderCsv(model: ReportModel): string {
  const { locale, round } = model;
  if (round.anonymous) return renderAnonymousCsv(model);
  const header = [
    t(locale, 'report.csv.round'),
    t(locale, 'report.csv.factorNumber'),
    t(locale, 'report.csv.factorId'),
    t(locale, 'report.csv.factor'),
    t(locale, 'report.csv.member'),
    t(locale, 'report.csv.memberId'),
    t(locale, 'report.csv.vote'),
    t(locale, 'report.csv.voteCode'),
    ...Array.from({ length: model.maxQuestions }, (_, i) => t(locale, 'report.csv.question', { n: i + 1 })),
    t(locale, 'report.csv.evidence'),
    t(locale, 'report.csv.answeredAt'),
  ];
  const rows: string[][] = [];
  for (const f of model.factors) {
    for (const r of f.responses) {
      const answerCells = Array.from({ length: model.maxQuestions }, (_, i) => {
        const q = f.questions[i];
        return q ? (r.answer?.texts[q.id] ?? '') : '';
      });
      rows.push([
        round.id,
        f.numberLabel,
        f.factorId,
        f.theme,
        r.member.label,
        r.member.id ?? '',
        r.vote?.label ?? '',
        r.vote?.level ?? '',
        ...answerCells,
        (r.answer?.evidence ?? []).join('\n'),
        r.answer?.at ?? '',
      ]);
    }
  }
  return write([header, ...rows]);
}
