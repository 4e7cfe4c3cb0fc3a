// The CSV export: one row per member × key factor with the vote, the answer to each guiding question and the evidence links.
//
// Layout (tidy: one observation per row, one variable per column):
//   round · factor no. · factor id · key factor · member · member id · vote · vote code ·
//   one column per guiding question of the toolkit · evidence links · answer saved
// Each question column is headed by the question itself ("01.1 Finns det ett offentligt uttalande …"), so the file
// reads without the toolkit at hand; a row fills the columns of its own factor. Several evidence links share one
// cell, one per line. Only members who voted or answered get a row; factors an anonymous round hides get none.
//
// Anonymous rounds have no per-member rows at all (a row per member, even unnamed, ties a vote to an answer):
//   round · factor no. · factor id · key factor · kind · detail · value
// with one row per level ("votes", the level, its count), one per answer text ("answer", the question, the text,
// in the order of the texts themselves) and one per evidence link ("evidence", "", the link). No times.
//
// RFC 4180 with the separator a spreadsheet in the round's language expects: Swedish Excel reads a semicolon (its
// decimal separator is the comma), English Excel a comma. CRLF line ends, fields quoted when they hold the separator,
// a quote or a line break, and a UTF-8 byte order mark so Excel reads å, ä and ö correctly.
//
// Formula injection: spreadsheet programs run a cell that starts with = + - or @ (and some with a leading tab or
// carriage return) as a formula. Every text cell that starts with one of those characters gets a leading apostrophe,
// so "=cmd()" is stored as "'=cmd()" and shown as text. Nothing else in the text is changed.
import { planActions } from './plan-report.js';
import { t } from '../core/i18n.js';
import { LEVELS, type Level } from '../core/model.js';
import { levelLabel } from '../core/views/shared.js';
import type { Locale } from '../content/schema.js';
import { UnlistedQuestionError, type ReportFactor, type ReportMember, type ReportModel, type ReportResponse } from './report-model.js';

/** The separator a spreadsheet in this language opens without an import dialog. */
export const CSV_DELIMITER: Record<Locale, string> = { sv: ';', en: ',' };

const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes an apostrophe to text a spreadsheet would otherwise run as a formula. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One cell: formula-neutralised, and quoted (quotes doubled) when it holds the separator, a quote, CR or LF. */
function cell(value: string, delimiter: string): string {
  const text = neutraliseFormula(value);
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (no line end), padded with empty cells to `width` for strict CSV readers. */
function line(record: string[], width: number, delimiter: string): string {
  const row = record.length < width ? [...record, ...Array<string>(width - record.length).fill('')] : record;
  return row.map((v) => cell(v, delimiter)).join(delimiter);
}

/**
 * The CSV report in parts that join to one RFC 4180 text: a UTF-8 byte order mark, CRLF line ends, one rectangular
 * table whatever the width of the plan's block below the responses. Written by hand rather than with csv-stringify,
 * whose per-cell options made a round of 13 × 10,000 take many seconds; the output is the same byte for byte.
 * `factor` and `namedRow` throw UnlistedQuestionError for an answer to a question the header has no column for.
 */
export function csvParts(model: ReportModel): {
  head: string;
  factor: (f: ReportFactor) => string;
  /** A named round: a factor's lines one response at a time, in the order of its responses. */
  namedRow: (f: ReportFactor) => (r: ReportResponse) => string;
  tail: string;
} {
  const { locale } = model;
  const delimiter = CSV_DELIMITER[locale];
  const plan = planRows(model);
  const named = !model.round.anonymous;
  const columns = named ? questionColumns(model) : [];
  const header = named ? namedHeader(model, columns) : anonymousHeader(model);
  // Every response row is as wide as the header; only the plan's block can be wider.
  const width = Math.max(header.length, ...plan.map((r) => r.length));
  const rows = (records: string[][]) => records.map((r) => `${line(r, width, delimiter)}\r\n`).join('');
  return {
    head: `\ufeff${line(header, width, delimiter)}\r\n`,
    factor: (f) => (named ? namedLines(model, f, columns, width, delimiter) : rows(anonymousRows(model, f))),
    namedRow: (f) => namedRow(model, f, columns, width, delimiter),
    tail: rows(plan),
  };
}

function anonymousHeader(model: ReportModel): string[] {
  const { locale } = model;
  return [
    t(locale, 'report.csv.round'),
    t(locale, 'report.csv.factorNumber'),
    t(locale, 'report.csv.factorId'),
    t(locale, 'report.csv.factor'),
    t(locale, 'report.csv.kind'),
    t(locale, 'report.csv.detail'),
    t(locale, 'report.csv.value'),
  ];
}

/** Per-factor counts and unattributed texts: nothing in a row belongs to one person. */
function anonymousRows(model: ReportModel, f: ReportFactor): string[][] {
  const { locale, round } = model;
  const rows: string[][] = [];
  if (f.hidden || !f.tally) return rows;
  const lead = [round.id, f.numberLabel, f.factorId, f.theme];
  for (const level of LEVELS) rows.push([...lead, t(locale, 'report.csv.kindVotes'), levelLabel(locale, level), String(f.tally.counts[level])]);
  for (const q of f.questions) {
    const heading = t(locale, 'report.csv.question', { factor: f.numberLabel, n: q.number, question: q.text });
    for (const a of q.answers) rows.push([...lead, t(locale, 'report.csv.kindAnswer'), heading, a.text]);
  }
  for (const e of f.evidence) rows.push([...lead, t(locale, 'report.csv.kindEvidence'), '', e.url]);
  return rows;
}

/** The action plan after the responses: a blank row, its own header, one row per action. */
function planRows(model: ReportModel): string[][] {
  if (!model.plan) return [];
  const { locale } = model;
  const header = ['action', 'factorId', 'factor', 'text', 'owner', 'due', 'kind', 'priority', 'status', 'progress'].map((k) => t(locale, `report.plan.csv.${k}`));
  const rows = planActions(model.plan).map((a) => [a.id, a.factorId, a.factor, a.text, a.owner, a.due, a.tagLabel, a.priorityLabel, a.statusLabel, a.notes.map((n) => `${n.day}: ${n.text}`).join('\n')]);
  return [[], [model.plan.title], header, ...rows];
}

interface QuestionColumn {
  factorId: string;
  questionId: string;
  header: string;
}

/** One column per guiding question, in factor and question order; a hidden factor keeps its columns (empty). */
function questionColumns(model: ReportModel): QuestionColumn[] {
  const { locale, pack } = model;
  return model.factors.flatMap((f) => {
    const known = pack.keyFactors.find((k) => k.id === f.factorId)?.questions.map((q, i) => ({ id: q.id, number: i + 1, text: q.text })) ?? [];
    const questions = f.questions.length > 0 ? f.questions : known;
    return questions.map((q) => ({
      factorId: f.factorId,
      questionId: q.id,
      header: t(locale, 'report.csv.question', { factor: f.numberLabel, n: q.number, question: q.text }),
    }));
  });
}

function namedHeader(model: ReportModel, columns: QuestionColumn[]): string[] {
  const { locale } = model;
  return [
    t(locale, 'report.csv.round'),
    t(locale, 'report.csv.factorNumber'),
    t(locale, 'report.csv.factorId'),
    t(locale, 'report.csv.factor'),
    t(locale, 'report.csv.member'),
    t(locale, 'report.csv.memberId'),
    t(locale, 'report.csv.vote'),
    t(locale, 'report.csv.voteCode'),
    ...columns.map((c) => c.header),
    t(locale, 'report.csv.evidence'),
    t(locale, 'report.csv.answeredAt'),
  ];
}

/** Each member's name and id cells, per separator: written once per report, not once per factor. */
const MEMBER_CELLS = new WeakMap<ReportMember, Partial<Record<string, string>>>();

function memberCells(member: ReportMember, delimiter: string): string {
  let cells = MEMBER_CELLS.get(member);
  if (!cells) MEMBER_CELLS.set(member, (cells = {}));
  return (cells[delimiter] ??= `${cell(member.label, delimiter)}${delimiter}${cell(member.id ?? '', delimiter)}`);
}

/**
 * A named round's factor as lines, one per member who voted or answered, with the other factors' question columns
 * empty: the function gives one response's line. Built as text directly (an empty cell is written as nothing
 * between separators), since a round of 13 × 10,000 would otherwise build millions of empty cells; the text is what
 * line() gives for the full record. Throws UnlistedQuestionError for an answer to a question the header has no column for.
 */
function namedRow(model: ReportModel, f: ReportFactor, columns: QuestionColumn[], width: number, delimiter: string): (r: ReportResponse) => string {
  const { round, locale } = model;
  const own = columns.flatMap((c, i) => (c.factorId === f.factorId ? [i] : []));
  // A factor's columns are side by side (questionColumns lists them factor by factor).
  const first = own[0] ?? columns.length;
  const ownIds = own.map((i) => columns[i]!.questionId);
  const after = columns.length - first - own.length;
  const record = 8 + columns.length + 2;
  const d = delimiter;
  const lead = [round.id, f.numberLabel, f.factorId, f.theme].map((v) => cell(v, d)).join(d);
  // k empty cells after a cell are k separators.
  const before = d.repeat(first);
  const behind = d.repeat(after);
  const end = `${d.repeat(Math.max(0, width - record))}\r\n`;
  const votes = Object.fromEntries(LEVELS.map((level) => [level, `${cell(levelLabel(locale, level), d)}${d}${cell(level, d)}`])) as Record<Level, string>;
  const noAnswer = `${d.repeat(ownIds.length)}${behind}${d}${d}`;
  return (r) => {
    const answer = r.answer;
    let row = `${lead}${d}${memberCells(r.member, d)}${d}${r.vote ? votes[r.vote.level] : d}${before}`;
    if (!answer) return `${row}${noAnswer}${end}`;
    const texts = answer.texts;
    // The header, written before any answer was read, has a column for each of the toolkit's questions only.
    for (const q of Object.keys(texts)) if (!ownIds.includes(q)) throw new UnlistedQuestionError(f.factorId, q);
    for (const q of ownIds) row += `${d}${cell(Object.hasOwn(texts, q) ? texts[q]! : '', d)}`;
    return `${row}${behind}${d}${cell(answer.evidence.join('\n'), d)}${d}${cell(answer.at ?? '', d)}${end}`;
  };
}

function namedLines(model: ReportModel, f: ReportFactor, columns: QuestionColumn[], width: number, delimiter: string): string {
  const row = namedRow(model, f, columns, width, delimiter);
  return f.responses.map(row).join('');
}

export function renderCsv(model: ReportModel): string {
  const parts = csvParts(model);
  return parts.head + model.factors.map((f) => parts.factor(f)).join('') + parts.tail;
}
