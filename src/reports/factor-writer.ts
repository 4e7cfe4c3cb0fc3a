// A factor's section written one answer text and one evidence link at a time (Markdown and HTML list the answers
// per question, then the links): the whole-round exporters feed it from a factor's lists, a streamed report from
// each batch of answers as it is read, so both give the same text.
import type { ReportFactor, ReportMember } from './report-model.js';

/** A section as pieces whose concatenation is its text: a streamed report hands them out in chunks, never one string. */
export type Pieces = string[];

export interface FactorWriter {
  /** One answer text to the question `qid` (a question the factor does not list is added after its own). */
  answer(qid: string, member: ReportMember | undefined, text: string): void;
  /** One evidence link. */
  evidence(member: ReportMember | undefined, url: string): void;
  /** The section. */
  end(): Pieces;
}

/** A section that shows no answers (hidden, or held back): whatever is fed is left out. */
export function closedWriter(section: string): FactorWriter {
  return { answer: () => undefined, evidence: () => undefined, end: () => [section] };
}

/** Rendered items per question, in the factor's question order, and rendered links. */
export class FactorLists {
  private readonly questions: { id: string; number: number; text: string; items: string[] }[];
  private readonly byId = new Map<string, { id: string; number: number; text: string; items: string[] }>();
  readonly links: string[] = [];

  constructor(f: ReportFactor) {
    this.questions = f.questions.map((q) => ({ id: q.id, number: q.number, text: q.text, items: [] }));
    for (const q of this.questions) this.byId.set(q.id, q);
  }

  answer(qid: string, item: string): void {
    let q = this.byId.get(qid);
    if (!q) {
      q = { id: qid, number: this.questions.length + 1, text: qid, items: [] };
      this.questions.push(q);
      this.byId.set(qid, q);
    }
    q.items.push(item);
  }

  evidence(item: string): void {
    this.links.push(item);
  }

  /** The questions with at least one answer, in order. */
  answered(): { number: number; text: string; items: string[] }[] {
    return this.questions.filter((q) => q.items.length > 0);
  }
}

/** A factor's section from its own lists (a whole-round report). */
export function writeFactor(writer: FactorWriter, f: ReportFactor): string {
  for (const q of f.questions) for (const a of q.answers) writer.answer(q.id, a.member, a.text);
  for (const e of f.evidence) writer.evidence(e.member, e.url);
  return writer.end().join('');
}
