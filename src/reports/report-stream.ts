// Writes a report a factor at a time: the round, its tallies and (in a named round) its votes are read first, in
// pages; then each factor's answers are read in pages (HSCAN MATCH on the factor), that factor's part of the report is
// written, and its answers are let go before the next factor's are read. Memory stays bounded by one factor and one
// page, not by the round, and every format's text is the same byte for byte as the whole-round exporters' (export.ts),
// which are built from the same parts.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Answer } from '../core/model.js';
import type { RoundState } from '../core/read-model.js';
import { renderScoreChartPng } from './chart.js';
import { csvParts } from './export-csv.js';
import { htmlFactor, htmlHead, htmlTail } from './export-html.js';
import { jsonParts } from './export-json.js';
import { markdownFactor, markdownHead, markdownTail } from './export-markdown.js';
import { contentType, exportFilename, type ExportOptions } from './export.js';
import type { ExportFormat } from './formats.js';
import type { ReportReader } from './load.js';
import { buildReportFrame, factorNeedsData, withFactorDetail, type ReportFactor, type ReportModel } from './report-model.js';

export interface StreamedReport {
  contentType: string;
  filename: string;
  /** The report's text in order: the part before the factors, one piece per factor, the part after. */
  pieces: AsyncGenerator<string>;
}

interface Parts {
  head: string;
  factor: (f: ReportFactor, index: number) => string;
  tail: string;
}

/** Lines of a head, factors and tail that the whole-round exporter joins with '\n' (each part has at least one line). */
function lineParts(head: string[], factor: (f: ReportFactor) => string[], tail: string[]): Parts {
  return { head: head.join('\n'), factor: (f) => `\n${factor(f).join('\n')}`, tail: `\n${tail.join('\n')}` };
}

async function partsOf(frame: ReportModel, state: RoundState, baseline: RoundState | null, format: ExportFormat, opts: ExportOptions): Promise<Parts> {
  switch (format) {
    case 'csv': {
      const csv = csvParts(frame);
      return { head: csv.head, factor: (f) => csv.factor(f), tail: csv.tail };
    }
    case 'json':
      return jsonParts(frame);
    case 'md':
      return lineParts(markdownHead(frame), (f) => markdownFactor(frame, f), markdownTail(frame));
    case 'html': {
      // The chart shows tallies only, which the frame's state holds.
      const png = opts.chart === false ? null : await renderScoreChartPng(state, baseline);
      return lineParts(htmlHead(frame, png), (f) => htmlFactor(frame, f), htmlTail(frame));
    }
  }
}

/**
 * The report of a round in `format`, to be written as its pieces come. Null for a round the whole-round exporters
 * must write (a peer review: its panel's findings are answers, shown before the factors). ROUND_NOT_FOUND for an
 * unknown round. A CSV whose answers name a question the toolkit no longer has throws CsvShapeError from `pieces`
 * (its header, already written, has no column for them): write that one with the whole-round exporter.
 */
export async function streamReport(
  read: ReportReader,
  tenant: string,
  roundId: string,
  format: ExportFormat,
  opts: ExportOptions,
): Promise<StreamedReport | null> {
  const state = await read.reportState(tenant, roundId, { answers: false });
  if (state.round.mode === 'peer-review') return null;
  const baseline = await read.comparisonState(state.round);
  const frame = buildReportFrame(state, baseline, opts);
  const parts = await partsOf(frame, state, baseline, format, opts);

  const answersOf = frame.factors.some((f) => factorNeedsData(f)) ? await read.factorAnswerReader(tenant, roundId) : null;
  const load = async (f: ReportFactor): Promise<Record<string, Answer>> => {
    const answers: Record<string, Answer> = {};
    if (!answersOf || !factorNeedsData(f)) return answers;
    for await (const page of answersOf(f.factorId)) {
      for (const a of page) answers[a.memberId] = a.answer;
      // Between pages, whatever else this process serves gets its turn.
      await nextTurn();
    }
    return answers;
  };

  async function* pieces(): AsyncGenerator<string> {
    yield parts.head;
    for (const [index, f] of frame.factors.entries()) {
      // Read, then written: nothing is read while a factor is written (a reply waiting meanwhile could time out).
      const answers = await load(f);
      const votes = state.snapshot.votes[f.factorId] ?? {};
      const piece = parts.factor(withFactorDetail(frame, f, { votes, answers }), index);
      // This factor's votes are not needed again.
      state.snapshot.votes[f.factorId] = {};
      yield piece;
      await nextTurn();
    }
    yield parts.tail;
  }

  return { contentType: contentType(format), filename: exportFilename(state, format), pieces: pieces() };
}
