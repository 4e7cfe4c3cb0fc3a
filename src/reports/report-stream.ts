// Writes a report a factor at a time: the round, its tallies and (in a named round) its votes are read first, in
// pages, beside who answered each factor. Then, in a named round, each factor's respondents are put in report order
// and their answers read by name in that order, a batch at a time: each batch is written as text and let go before
// the next is used, so the process holds a few batches of answers, never a factor's or the round's. An anonymous
// round's factor lists its texts in their own order, so its answers are read whole, one factor at a time. Every
// format's text is the same byte for byte as the whole-round exporters' (export.ts), built from the same writers.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isFilled, type Answer, type Level } from '../core/model.js';
import type { RoundState } from '../core/read-model.js';
import { renderScoreChartPng } from './chart.js';
import { csvParts } from './export-csv.js';
import { htmlFactor, htmlFactorWriter, htmlHead, htmlTail } from './export-html.js';
import { factorItemLead, ITEM_INDENT, jsonParts, namedFactorWriter, type NamedFactorWriter } from './export-json.js';
import { markdownFactor, markdownFactorWriter, markdownHead, markdownTail } from './export-markdown.js';
import type { FactorWriter } from './factor-writer.js';
import type { FactorAnswers } from '../core/read-model.js';
import { ownValue } from '../core/own.js';
import { contentType, exportFilename, type ExportOptions } from './export.js';
import type { ExportFormat } from './formats.js';
import type { ReportReader } from './load.js';
import {
  buildReportFrame,
  factorNeedsData,
  reportVote,
  respondentsInOrder,
  withFactorDetail,
  type ReportAnswer,
  type ReportFactor,
  type ReportMember,
  type ReportModel,
  type ReportVote,
} from './report-model.js';
import { answerThreshold } from '../core/anonymity.js';

/** Pieces of text joined into chunks of about 64 KB: neither one string per item nor one for a whole factor. */
function* chunks(pieces: string[]): Generator<string> {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * An anonymous factor whose answers the frame shows, held back after all when fewer were read than its threshold:
 * an erasure between the frame's counts and this factor's read leaves fewer texts than were counted.
 */
function stillShown(frame: ReportModel, f: ReportFactor, answers: Record<string, Answer>): ReportFactor {
  if (!frame.round.anonymous || !factorNeedsData(f)) return f;
  // Counted as the threshold counts them: an emptied answer is kept but is no one's answer.
  return Object.values(answers).filter(isFilled).length >= answerThreshold(frame.round) ? f : { ...f, answersHeld: true };
}

export interface StreamedReport {
  contentType: string;
  filename: string;
  /** The report's text in order: the part before the factors, the factors' pieces, the part after. */
  pieces: AsyncGenerator<string>;
}

interface Parts {
  head: string;
  /** A factor whose detail is all there (an anonymous round's, or one that shows none). */
  factor: (f: ReportFactor, index: number) => string;
  /** A named round's factor, written one response at a time in the order of its responses. */
  named: (f: ReportFactor, index: number) => NamedFactorWriter;
  tail: string;
}

/** A named factor's responses fed to a Markdown or HTML writer: each answer text, then each link. */
function listWriter(writer: FactorWriter): NamedFactorWriter {
  return {
    // Nothing is ready before the end: the answers are listed per question, then the links.
    flush: () => '',
    add(r) {
      if (!r.answer) return;
      const { texts, evidence } = r.answer;
      for (const qid of Object.keys(texts)) writer.answer(qid, r.member, texts[qid]!);
      for (const url of evidence) writer.evidence(r.member, url);
    },
    // The whole-round exporters put a line break before each factor's section.
    end: () => ['\n', ...writer.end()],
  };
}

async function partsOf(frame: ReportModel, state: RoundState, baseline: RoundState | null, format: ExportFormat, opts: ExportOptions): Promise<Parts> {
  switch (format) {
    case 'csv': {
      const csv = csvParts(frame);
      return {
        head: csv.head,
        factor: (f) => csv.factor(f),
        named(f) {
          const row = csv.namedRow(f);
          let out = '';
          const flush = () => {
            const ready = out;
            out = '';
            return ready;
          };
          return { add: (r) => (out += row(r)), flush, end: () => [flush()] };
        },
        tail: csv.tail,
      };
    }
    case 'json': {
      const json = jsonParts(frame);
      return {
        ...json,
        named(f, index) {
          const writer = namedFactorWriter(f, ITEM_INDENT);
          let lead = factorItemLead(index);
          const first = (text: string) => {
            const out = `${lead}${text}`;
            lead = '';
            return out;
          };
          return { vote: writer.vote, add: writer.add, flush: () => first(writer.flush()), end: () => [first(writer.end().join(''))] };
        },
      };
    }
    case 'md':
      return {
        ...lineParts(markdownHead(frame), (f) => markdownFactor(frame, f), markdownTail(frame)),
        named: (f) => listWriter(markdownFactorWriter(frame, f)),
      };
    case 'html': {
      // The chart shows tallies only, which the frame's state holds.
      const png = opts.chart === false ? null : await renderScoreChartPng(state, baseline);
      return {
        ...lineParts(htmlHead(frame, png), (f) => htmlFactor(frame, f), htmlTail(frame)),
        named: (f) => listWriter(htmlFactorWriter(frame, f)),
      };
    }
  }
}

/** Lines of a head, factors and tail that the whole-round exporter joins with '\n' (each part has at least one line). */
function lineParts(head: string[], factor: (f: ReportFactor) => string[], tail: string[]): Omit<Parts, 'named'> {
  return { head: head.join('\n'), factor: (f) => `\n${factor(f).join('\n')}`, tail: `\n${tail.join('\n')}` };
}

/**
 * A named round's factor, written as its answers are read: its respondents (who voted or answered) in report order,
 * their answers read by name in that order, a batch at a time; each batch is written and let go before the next is
 * used, and what the format can hand out already is yielded. The factor's votes are in the frame's state.
 */
async function* namedFactor(frame: ReportModel, f: ReportFactor, votes: Readonly<Record<string, Level>>, answers: FactorAnswers, writer: NamedFactorWriter): AsyncGenerator<string> {
  const { round } = frame;
  const answered = await answers.answered(f.factorId);
  const respondents = respondentsInOrder(round, Object.keys(votes), answered);
  const answeredBy = new Set(answered);
  const ids = respondents.flatMap((m) => (answeredBy.has(m.id!) ? [m.id!] : []));
  const voteOf = (member: ReportMember): ReportVote | null => {
    const level = ownValue(votes, member.id!);
    return level ? reportVote(round.locale, level) : null;
  };
  if (writer.vote) {
    for (const member of respondents) {
      const vote = voteOf(member);
      if (vote) writer.vote({ member, vote, answer: null });
    }
  }
  const write = (member: ReportMember, answer: ReportAnswer | null) => {
    const vote = voteOf(member);
    // Someone whose answer was erased since the factor's answers were listed, and who did not vote, responded to nothing.
    if (vote || answer) writer.add({ member, vote, answer });
  };
  let next = 0;
  // Each batch is the next slice of `ids`: the answers of the next respondents who answered, in order.
  for await (const batch of answers.read(f.factorId, ids)) {
    let i = 0;
    for (; next < respondents.length; next++) {
      const member = respondents[next]!;
      if (!answeredBy.has(member.id!)) write(member, null);
      else if (i < batch.length) write(member, batch[i++] ?? null);
      else break;
    }
    const ready = writer.flush();
    if (ready !== '') yield ready;
    // Between batches, whatever else this process serves gets its turn.
    await nextTurn();
  }
  for (; next < respondents.length; next++) write(respondents[next]!, null);
  yield* chunks(writer.end());
}

/**
 * The report of a round in `format`, to be written as its pieces come. Null for a round the whole-round exporters
 * must write (a peer review: its panel's findings are answers, shown before the factors). ROUND_NOT_FOUND for an
 * unknown round. A CSV or JSON report whose answers name a question the toolkit no longer has throws
 * UnlistedQuestionError from `pieces` (its head, already written, does not list it): write that one whole.
 */
export async function streamReport(
  read: ReportReader,
  tenant: string,
  roundId: string,
  format: ExportFormat,
  opts: ExportOptions,
): Promise<StreamedReport | null> {
  // Who answered each factor is read beside the round and its votes: two paged reads that overlap their waits. A
  // round the stream does not write (a peer review, an unknown one) lets it go unused.
  const answerReader = read.factorAnswers(tenant, roundId);
  answerReader.catch(() => undefined);
  const state = await read.reportState(tenant, roundId, { answers: false });
  if (state.round.mode === 'peer-review') return null;
  const baseline = await read.comparisonState(state.round);
  const frame = buildReportFrame(state, baseline, opts);
  const parts = await partsOf(frame, state, baseline, format, opts);
  const answers = await answerReader;

  /** An anonymous factor's answers, all of them: its texts are listed in their own order, not by who wrote them. */
  const load = async (f: ReportFactor): Promise<Record<string, Answer>> => {
    const held: Record<string, Answer> = {};
    const ids = await answers.answered(f.factorId);
    let at = 0;
    for await (const batch of answers.read(f.factorId, ids)) {
      for (const answer of batch) {
        const id = ids[at++]!;
        if (answer) held[id] = answer;
      }
      await nextTurn();
    }
    return held;
  };

  async function* pieces(): AsyncGenerator<string> {
    yield parts.head;
    for (const [index, frameFactor] of frame.factors.entries()) {
      const votes = state.snapshot.votes[frameFactor.factorId] ?? {};
      if (!factorNeedsData(frameFactor)) {
        yield parts.factor(frameFactor, index);
      } else if (!frame.round.anonymous) {
        yield* namedFactor(frame, frameFactor, votes, answers, parts.named(frameFactor, index));
      } else {
        const held = await load(frameFactor);
        const f = stillShown(frame, frameFactor, held);
        yield parts.factor(withFactorDetail(frame, f, { votes, answers: held }), index);
      }
      // This factor's votes are not needed again.
      state.snapshot.votes[frameFactor.factorId] = {};
      await nextTurn();
    }
    yield parts.tail;
  }

  return { contentType: contentType(format), filename: exportFilename(state, format), pieces: pieces() };
}
