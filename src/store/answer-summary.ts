// The answer-summary codec both stores share: one answer's summary, its place in the preview order, and AnswerStats.
//
// Each answer has a summary: `<filled 0|1>|<link count>|<answer time, epoch ms>|<JSON array of its first links>` (the
// JSON last, so the three numbers split off whatever the links contain). The Redis store keeps per-factor totals and an
// order of the answers with links, updated from the summaries in the same script as the answer, so a digest reads a few
// dozen values instead of one per answer; its Lua (redis/scripts/answer-meta.lua, answer-preview.lua) redoes only the
// arithmetic on these same strings. The embedded store keeps the summaries and adds them up here. Either way the
// numbers come out of AnswerStatsBuilder, so the two stores cannot drift apart (test/contracts/answer-stats-parity).
import { isFilled, type Answer } from '../core/model.js';
import type { AnswerStats } from '../core/ports.js';
import { enc } from './keys.js';

/** Links one answer contributes to the preview, and the preview's length (see AnswerStats.links). */
export const LINKS_PER_ANSWER = 3;
export const PREVIEW_LINKS = 5;

export { isFilled };

/** The answer's time in ms, as a whole number from 0 (so it sorts as a fixed-width string too). */
export function answerTime(at: string): number {
  const ms = Date.parse(at);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms)) : 0;
}

export function encodeAnswerMeta(answer: Answer): string {
  const links = JSON.stringify(answer.evidence.slice(0, LINKS_PER_ANSWER));
  return `${isFilled(answer) ? 1 : 0}|${answer.evidence.length}|${answerTime(answer.at)}|${links}`;
}

export interface AnswerMeta {
  filled: boolean;
  links: number;
  at: number;
  /** The JSON of the first links (parse with metaLinks). */
  linksJson: string;
}

export function decodeAnswerMeta(meta: string): AnswerMeta | null {
  const a = meta.indexOf('|');
  const b = meta.indexOf('|', a + 1);
  const c = meta.indexOf('|', b + 1);
  if (a < 0 || b < 0 || c < 0) return null;
  const links = Number(meta.slice(a + 1, b));
  const at = Number(meta.slice(b + 1, c));
  if (!Number.isFinite(links) || !Number.isFinite(at)) return null;
  return { filled: meta.charCodeAt(0) === 49 /* '1' */, links, at, linksJson: meta.slice(c + 1) };
}

/**
 * The answer-order entry of an answer with links: `<F>|<time, 15 digits>|<M>` (both encoded). Entries of one factor
 * share the `<F>|` prefix and sort by time, then member: the preview's order. The vote script's Lua builds the same
 * string from a summary (string.format('%015d', …)).
 */
export function answerOrderEntry(factorId: string, memberId: string, at: number): string {
  return `${enc(factorId)}|${String(at).padStart(15, '0')}|${enc(memberId)}`;
}

interface Candidate {
  at: number;
  /** The encoded member id: ties in time go by it, as in the Redis answer order. */
  member: string;
  /** The links, or their JSON from a summary (parsed only if the answer makes the preview). */
  links: string[] | string;
}

function before(a: Candidate, b: Candidate): boolean {
  return a.at < b.at || (a.at === b.at && a.member < b.member);
}

interface FactorStats {
  answers: number;
  evidence: number;
  /** The earliest answers with links, at most PREVIEW_LINKS of them, in order. */
  first: Candidate[];
}

/**
 * Adds up answers, their summaries, or stored totals and preview entries, into AnswerStats per factor. Fed any of
 * these ways it gives the same result, so a snapshot's stats do not depend on whether the answers were read.
 */
export class AnswerStatsBuilder {
  private readonly factors = new Map<string, FactorStats>();

  private factor(factorId: string): FactorStats {
    let f = this.factors.get(factorId);
    if (!f) this.factors.set(factorId, (f = { answers: 0, evidence: 0, first: [] }));
    return f;
  }

  private consider(f: FactorStats, c: Candidate): void {
    const list = f.first;
    if (list.length === PREVIEW_LINKS && !before(c, list[list.length - 1]!)) return;
    let i = list.length;
    while (i > 0 && before(c, list[i - 1]!)) i -= 1;
    list.splice(i, 0, c);
    if (list.length > PREVIEW_LINKS) list.pop();
  }

  /** One answer; `member` is the encoded member id (the part after `|` in its hash field). */
  addAnswer(factorId: string, member: string, answer: Answer): void {
    const f = this.factor(factorId);
    if (isFilled(answer)) f.answers += 1;
    f.evidence += answer.evidence.length;
    if (answer.evidence.length > 0) {
      this.consider(f, { at: answerTime(answer.at), member, links: answer.evidence.slice(0, LINKS_PER_ANSWER) });
    }
  }

  /** One answer's summary (encodeAnswerMeta); a malformed one is skipped. */
  addMeta(factorId: string, member: string, meta: string): void {
    const m = decodeAnswerMeta(meta);
    if (!m) return;
    const f = this.factor(factorId);
    if (m.filled) f.answers += 1;
    f.evidence += m.links;
    if (m.links > 0) this.consider(f, { at: m.at, member, links: m.linksJson });
  }

  /** Stored totals of a factor (no preview). */
  addTotals(factorId: string, answers: number, evidence: number): void {
    const f = this.factor(factorId);
    f.answers += answers;
    f.evidence += evidence;
  }

  /** A stored preview entry: the summary of one of the factor's earliest answers with links (not counted again). */
  addPreview(factorId: string, member: string, meta: string): void {
    const m = decodeAnswerMeta(meta);
    if (m && m.links > 0) this.consider(this.factor(factorId), { at: m.at, member, links: m.linksJson });
  }

  /** The stats of one factor (zero when it has none). */
  buildOne(factorId: string): AnswerStats {
    return this.build([factorId])[factorId]!;
  }

  /** Stats for each of `factorIds` (zero when none), and for any other factor id with something to show. */
  build(factorIds: readonly string[]): Record<string, AnswerStats> {
    const out: Record<string, AnswerStats> = {};
    for (const id of factorIds) out[id] = { answers: 0, evidence: 0, links: [] };
    for (const [id, f] of this.factors) {
      const links: string[] = [];
      for (const c of f.first) {
        const list = typeof c.links === 'string' ? parseLinks(c.links) : c.links;
        for (const link of list.slice(0, LINKS_PER_ANSWER)) {
          if (links.length < PREVIEW_LINKS) links.push(link);
        }
      }
      // Totals that went back to zero (an answer emptied or erased) leave nothing to show.
      if (!(id in out) && f.answers === 0 && f.evidence === 0 && links.length === 0) continue;
      out[id] = { answers: f.answers, evidence: f.evidence, links };
    }
    return out;
  }
}

function parseLinks(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
