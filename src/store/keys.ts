// Redis key layout, and the hash-field encodings both stores share.
//
// Every tenant-supplied string (tenant, round id, channel id, collection, interaction id…) goes
// through `enc`, whose output alphabet is [A-Za-z0-9.%-] only. So an encoded part never contains
// `:` (our separator), `{`/`}` (Redis Cluster hash tags), `|` (our field separator) or a glob
// character, and the layout below cannot be forged by a tenant called e.g. `a:{r:b`.
//
//   <P>:schema-version                         string  schema version (migrations)
//   <P>:schema-lock                            string  held while migrating
//   <P>:{idx}:tenants                          set     tenants with at least one round
//   <P>:<T>:{idx}:rounds                       zset    round ids of a tenant, scored by createdAt
//   <P>:<T>:{idx}:active                       hash    channel id → active round id
//   <P>:<T>:{r:<T>:<R>}:round                  string  the round as JSON (RoundSchema)
//   <P>:<T>:{r:<T>:<R>}:status                 string  round.status, written with every round write
//   <P>:<T>:{r:<T>:<R>}:rev                    string  a random token, replaced with every round write (votes check it)
//   <P>:<T>:{r:<T>:<R>}:votes                  hash    <F>|<M> → level
//   <P>:<T>:{r:<T>:<R>}:voted-at               hash    <F>|<M> → ISO time of the vote
//   <P>:<T>:{r:<T>:<R>}:counts                 hash    <F>|<level> → count
//   <P>:<T>:{r:<T>:<R>}:answers                hash    <F>|<M> → Answer JSON
//   <P>:<T>:{r:<T>:<R>}:answer-meta            hash    <F>|<M> → the answer's summary (encodeAnswerMeta), written with it
//   <P>:<T>:{r:<T>:<R>}:answer-stats           hash    <F>|answers, <F>|evidence → totals over the factor's answers
//   <P>:<T>:{r:<T>:<R>}:answer-order           zset    answerOrderEntry of each answer with links (all score 0, by lex)
//   <P>:<T>:{r:<T>:<R>}:cards                  hash    <F> → CardRef JSON
//   <P>:<T>:{r:<T>:<R>}:ix:<I>                 string  interaction dedupe, PX 15 min
//   <P>:{jobs}:due                             zset    job id → due time (or lease expiry), ms
//   <P>:{jobs}:data                            hash    job id → Job JSON
//   <P>:{jobs}:owner                           hash    job id → key of its per-round set
//   <P>:{jobs}:round:<T>:<R>                   set     job ids of one round
//   <P>:nx:<K>                                 string  setIfNotExists, PX ttl
//   <P>:secret:<S>                             string  a server secret created once (ensureSecret), no TTL
//   <P>:rec:<C>                                hash    record id → JSON
//
// (<P> prefix, <T> tenant, <R> round, <F> factor, <M> member, <I> interaction, <K> key, <C>
// collection, all encoded.) Keys of one round share the `{r:…}` slot, so the vote script, the
// snapshot MULTI and deleteRound work on Redis Cluster; job keys share `{jobs}` and index keys `{idx}`.
// Tenant keys always have `{` at the start of their third segment; global keys have `{` at the start
// of the second one or are fixed words followed by encoded parts, so the two families never meet.
import type { Answer, Level } from '../core/model.js';
import type { AnswerStats } from '../core/ports.js';

/** A repeated interaction id within this window counts once. */
export const INTERACTION_TTL_MS = 15 * 60 * 1000;

/** encodeURIComponent, plus the characters it leaves alone that matter to us (`!'()*~` and `_`). */
export function enc(part: string): string {
  return encodeURIComponent(part).replace(
    /[!'()*~_]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'),
  );
}

export function dec(part: string): string {
  return decodeURIComponent(part);
}

/** Throws unless the prefix is safe to put in front of hash-tagged keys. */
export function assertPrefix(prefix: string): void {
  if (!/^[A-Za-z0-9_.:-]+$/.test(prefix)) {
    throw new Error(`store prefix ${JSON.stringify(prefix)} may only use letters, digits and _ . : -`);
  }
}

export interface RoundKeys {
  round: string;
  status: string;
  /** A token that changes with every write of the round JSON (the vote script checks it). */
  rev: string;
  votes: string;
  votedAt: string;
  counts: string;
  answers: string;
  answerMeta: string;
  answerStats: string;
  answerOrder: string;
  cards: string;
  /** All the round's keys except the interaction dedupe keys. */
  all: string[];
}

export class Keys {
  constructor(readonly prefix: string) {
    assertPrefix(prefix);
  }

  schemaVersion(): string {
    return `${this.prefix}:schema-version`;
  }

  schemaLock(): string {
    return `${this.prefix}:schema-lock`;
  }

  tenants(): string {
    return `${this.prefix}:{idx}:tenants`;
  }

  tenantRounds(tenant: string): string {
    return `${this.prefix}:${enc(tenant)}:{idx}:rounds`;
  }

  activeChannels(tenant: string): string {
    return `${this.prefix}:${enc(tenant)}:{idx}:active`;
  }

  /** `<P>:<T>:{r:<T>:<R>}` — the base every key of the round starts with. */
  roundBase(tenant: string, roundId: string): string {
    return this.round(tenant, roundId).base;
  }

  /** Every vote names its round's keys; they are built once per round (bounded) instead of escaped again each time. */
  private readonly roundKeys = new Map<string, RoundKeys & { base: string }>();

  round(tenant: string, roundId: string): RoundKeys & { base: string } {
    const id = `${tenant}\u0000${roundId}`;
    let keys = this.roundKeys.get(id);
    if (!keys) {
      if (this.roundKeys.size >= 1024) this.roundKeys.clear();
      keys = Object.freeze(this.buildRound(tenant, roundId));
      this.roundKeys.set(id, keys);
    }
    return keys;
  }

  private buildRound(tenant: string, roundId: string): RoundKeys & { base: string } {
    const t = enc(tenant);
    const base = `${this.prefix}:${t}:{r:${t}:${enc(roundId)}}`;
    const k = {
      round: `${base}:round`,
      status: `${base}:status`,
      rev: `${base}:rev`,
      votes: `${base}:votes`,
      votedAt: `${base}:voted-at`,
      counts: `${base}:counts`,
      answers: `${base}:answers`,
      answerMeta: `${base}:answer-meta`,
      answerStats: `${base}:answer-stats`,
      answerOrder: `${base}:answer-order`,
      cards: `${base}:cards`,
    };
    return { ...k, all: Object.freeze(Object.values(k)) as string[], base };
  }

  /** SCAN pattern for every round's answers hash under this prefix (filter the hits with isRoundAnswersKey). */
  answersScanPattern(): string {
    return `${this.prefix}:*:answers`;
  }

  /** True for a key `<P>:<T>:{r:…}:answers`; records or dedupe keys that merely end in `:answers` are not. */
  isRoundAnswersKey(key: string): boolean {
    if (!key.startsWith(`${this.prefix}:`)) return false;
    return /^[^:{}]+:\{r:[^{}]+\}:answers$/.test(key.slice(this.prefix.length + 1));
  }

  /** The answer-meta, answer-stats and answer-order keys beside a round's answers hash. */
  answerKeysFor(answersKey: string): { meta: string; stats: string; order: string } {
    const base = answersKey.slice(0, -'answers'.length);
    return { meta: `${base}answer-meta`, stats: `${base}answer-stats`, order: `${base}answer-order` };
  }

  interaction(tenant: string, roundId: string, interactionId: string): string {
    return `${this.roundBase(tenant, roundId)}:ix:${enc(interactionId)}`;
  }

  jobsDue(): string {
    return `${this.prefix}:{jobs}:due`;
  }

  jobsData(): string {
    return `${this.prefix}:{jobs}:data`;
  }

  jobsOwner(): string {
    return `${this.prefix}:{jobs}:owner`;
  }

  roundJobs(tenant: string, roundId: string): string {
    return `${this.prefix}:{jobs}:round:${enc(tenant)}:${enc(roundId)}`;
  }

  nx(key: string): string {
    return `${this.prefix}:nx:${enc(key)}`;
  }

  records(collection: string): string {
    return `${this.prefix}:rec:${enc(collection)}`;
  }

  secret(name: string): string {
    return `${this.prefix}:secret:${enc(name)}`;
  }
}

// Hash fields. Both parts are encoded, so `|` splits them unambiguously.

export function memberField(factorId: string, memberId: string): string {
  return `${enc(factorId)}|${enc(memberId)}`;
}

export function parseMemberField(field: string): { factorId: string; memberId: string } | null {
  const i = field.indexOf('|');
  if (i < 0) return null;
  return { factorId: dec(field.slice(0, i)), memberId: dec(field.slice(i + 1)) };
}

/** Prefix of a factor's fields in the counts hash; the level follows it. */
export function countsFieldPrefix(factorId: string): string {
  return `${enc(factorId)}|`;
}

export function countField(factorId: string, level: Level): string {
  return `${countsFieldPrefix(factorId)}${level}`;
}

export function parseCountField(field: string): { factorId: string; level: string } | null {
  const i = field.indexOf('|');
  if (i < 0) return null;
  return { factorId: dec(field.slice(0, i)), level: field.slice(i + 1) };
}

// Answer summaries. Each answer has one in the answer-meta hash: `<filled 0|1>|<link count>|<answer time, epoch ms>|
// <JSON array of its first links>` (the JSON last, so the three numbers split off whatever the links contain). The
// Redis store also keeps per-factor totals and an order of the answers with links, updated from the summaries in the
// same script as the answer, so a digest reads a few dozen values instead of one per answer.

/** Links one answer contributes to the preview, and the preview's length (see AnswerStats.links). */
export const LINKS_PER_ANSWER = 3;
export const PREVIEW_LINKS = 5;

/** Whether an answer counts as answered: some text, or at least one link. */
export function isFilled(answer: Pick<Answer, 'texts' | 'evidence'>): boolean {
  return answer.evidence.length > 0 || Object.keys(answer.texts).length > 0;
}

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
