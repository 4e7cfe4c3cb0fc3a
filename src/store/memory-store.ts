// The embedded store: everything in process memory, optionally persisted to a JSON snapshot file.
// Same semantics as the Redis store (idempotent votes, status check, job leases, TTLs), for the
// playground, tests and single-process installs without Redis. Values are copied in and out as
// JSON, exactly as Redis would store them, so callers can never change stored state by reference.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import {
  AnswerSchema,
  LevelSchema,
  RoundSchema,
  emptyCounts,
  type Answer,
  type Level,
  type LevelCounts,
  type Round,
} from '../core/model.js';
import type {
  CardRef,
  Job,
  JobKind,
  RoundSnapshot,
  SnapshotOptions,
  Store,
  StoredRecord,
  VersionedRound,
  VoteInput,
  VoteResult,
} from '../core/ports.js';
import { invalid } from './invalid.js';
import { AnswerStatsBuilder, INTERACTION_TTL_MS, enc, encodeAnswerMeta, memberField, parseMemberField } from './keys.js';

interface RoundState {
  tenant: string;
  id: string;
  /** createdAt in ms, the index order (like the Redis zset score). */
  score: number;
  /** The round as JSON. */
  json: string;
  /** Changes with every write of `json` (see VoteInput.roundRev); unique across rounds, not persisted. */
  rev: string;
  /** memberField(factor, member) → vote. */
  votes: Map<string, { level: Level; at: string }>;
  /** memberField(factor, member) → Answer JSON. */
  answers: Map<string, string>;
  /** memberField(factor, member) → the answer's summary (encodeAnswerMeta), kept in step with `answers`. */
  answerMeta: Map<string, string>;
  /** factorId → CardRef JSON. */
  cards: Map<string, string>;
  /** interactionId → expiry (ms). */
  interactions: Map<string, number>;
}

interface JobEntry {
  json: string;
  /** Due time or lease expiry (ms), like the Redis zset score. */
  score: number;
}

const FILE_VERSION = 1;

// The snapshot file: the maps above as arrays of entries.
const FileSchema = z.object({
  version: z.literal(FILE_VERSION),
  rounds: z.array(
    z.object({
      tenant: z.string(),
      id: z.string(),
      score: z.number(),
      json: z.string(),
      votes: z.array(z.tuple([z.string(), z.object({ level: LevelSchema, at: z.string() })])),
      answers: z.array(z.tuple([z.string(), z.string()])),
      /** Missing in files written before answer summaries existed: rebuilt from the answers on load. */
      answerMeta: z.array(z.tuple([z.string(), z.string()])).optional(),
      cards: z.array(z.tuple([z.string(), z.string()])),
      interactions: z.array(z.tuple([z.string(), z.number()])),
    }),
  ),
  active: z.array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.string()]))])),
  nx: z.array(z.tuple([z.string(), z.number()])),
  records: z.array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.string()]))])),
  jobs: z.array(z.tuple([z.string(), z.object({ json: z.string(), score: z.number() })])),
  /** Missing in files written before server secrets were kept here. */
  secrets: z.array(z.tuple([z.string(), z.string()])).optional(),
});
type FileState = z.infer<typeof FileSchema>;

export interface MemoryStoreOptions {
  /** Persist to this JSON file: loaded at construction, written (atomically, debounced) after writes. */
  snapshotFile?: string;
  /** Delay between a write and the file save (default 100 ms). */
  snapshotDebounceMs?: number;
}

function byDue(a: Job, b: Job): number {
  return a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Summaries for answers loaded from a file that has none; an answer that fails validation gets none. */
function metaOf(answers: [string, string][]): [string, string][] {
  const out: [string, string][] = [];
  for (const [field, json] of answers) {
    const parsed = AnswerSchema.safeParse(JSON.parse(json));
    if (parsed.success) out.push([field, encodeAnswerMeta(parsed.data)]);
  }
  return out;
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class MemoryStore implements Store {
  readonly kind = 'embedded' as const;
  private trips = 0;
  private rounds = new Map<string, RoundState>();
  /** tenant → channel → round id. */
  private active = new Map<string, Map<string, string>>();
  private nx = new Map<string, number>();
  /** collection → id → JSON. */
  private records = new Map<string, Map<string, string>>();
  private jobs = new Map<string, JobEntry>();
  /** name → server secret (ensureSecret). */
  private secrets = new Map<string, string>();

  private readonly file: string | undefined;
  private readonly debounceMs: number;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private dirty = false;
  private tmpCounter = 0;

  constructor(opts: MemoryStoreOptions = {}) {
    this.file = opts.snapshotFile;
    this.debounceMs = opts.snapshotDebounceMs ?? 100;
    if (this.file && existsSync(this.file)) this.load(readFileSync(this.file, 'utf8'));
  }

  roundTrips(): number {
    return this.trips;
  }

  private trip(): void {
    this.trips += 1;
  }

  async ping(): Promise<void> {
    this.trip();
  }

  async close(): Promise<void> {
    await this.flush();
  }

  // --- snapshot file ----------------------------------------------------------------------------

  private load(text: string): void {
    const state = FileSchema.parse(JSON.parse(text));
    for (const r of state.rounds) {
      this.rounds.set(this.roundKey(r.tenant, r.id), {
        tenant: r.tenant,
        id: r.id,
        score: r.score,
        json: r.json,
        rev: this.nextRev(),
        votes: new Map(r.votes),
        answers: new Map(r.answers),
        answerMeta: new Map(r.answerMeta ?? metaOf(r.answers)),
        cards: new Map(r.cards),
        interactions: new Map(r.interactions),
      });
    }
    this.active = new Map(state.active.map(([t, m]) => [t, new Map(m)]));
    this.nx = new Map(state.nx);
    this.records = new Map(state.records.map(([c, m]) => [c, new Map(m)]));
    this.jobs = new Map(state.jobs);
    this.secrets = new Map(state.secrets ?? []);
  }

  private serialise(): FileState {
    const now = Date.now();
    const live = (m: Map<string, number>): [string, number][] => [...m].filter(([, exp]) => exp > now);
    return {
      version: FILE_VERSION,
      rounds: [...this.rounds.values()].map((r) => ({
        tenant: r.tenant,
        id: r.id,
        score: r.score,
        json: r.json,
        votes: [...r.votes],
        answers: [...r.answers],
        answerMeta: [...r.answerMeta],
        cards: [...r.cards],
        interactions: live(r.interactions),
      })),
      active: [...this.active].map(([t, m]) => [t, [...m]]),
      nx: live(this.nx),
      records: [...this.records].map(([c, m]) => [c, [...m]]),
      jobs: [...this.jobs],
      secrets: [...this.secrets],
    };
  }

  /** Called after every write: saves the file after the debounce delay. */
  private changed(): void {
    if (!this.file) return;
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.saveNow().catch((err: unknown) => {
        console.error('memory store: could not write the snapshot file', err);
      });
    }, this.debounceMs);
  }

  /** Writes the file now if anything changed (waits for a save already running). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    await this.saveNow();
  }

  private async saveNow(): Promise<void> {
    while (this.saving) await this.saving;
    if (!this.file || !this.dirty) return;
    const file = this.file;
    this.dirty = false;
    const text = JSON.stringify(this.serialise());
    this.saving = (async () => {
      const tmp = `${file}.${process.pid}.${++this.tmpCounter}.tmp`;
      try {
        mkdirSync(dirname(file), { recursive: true });
        await writeFile(tmp, text, 'utf8');
        await rename(tmp, file);
      } catch (err) {
        this.dirty = true;
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
    })();
    try {
      await this.saving;
    } finally {
      this.saving = undefined;
    }
  }

  // --- rounds -------------------------------------------------------------------------------

  private roundKey(tenant: string, roundId: string): string {
    return `${enc(tenant)}:${enc(roundId)}`;
  }

  private state(tenant: string, roundId: string): RoundState | undefined {
    return this.rounds.get(this.roundKey(tenant, roundId));
  }

  private parseRound(json: string): Round {
    return RoundSchema.parse(JSON.parse(json));
  }

  async createRound(input: Round): Promise<void> {
    this.trip();
    let round: Round;
    try {
      round = RoundSchema.parse(copy(input));
    } catch (err) {
      invalid(err);
    }
    const key = this.roundKey(round.tenant, round.id);
    if (this.rounds.has(key)) throw new AppError('CONFLICT');
    this.rounds.set(key, {
      tenant: round.tenant,
      id: round.id,
      score: Date.parse(round.createdAt),
      json: JSON.stringify(round),
      rev: this.nextRev(),
      votes: new Map(),
      answers: new Map(),
      answerMeta: new Map(),
      cards: new Map(),
      interactions: new Map(),
    });
    this.changed();
  }

  async getRound(tenant: string, roundId: string): Promise<Round | null> {
    this.trip();
    const s = this.state(tenant, roundId);
    return s ? this.parseRound(s.json) : null;
  }

  async getRoundVersioned(tenant: string, roundId: string): Promise<VersionedRound | null> {
    this.trip();
    const s = this.state(tenant, roundId);
    return s ? { round: this.parseRound(s.json), rev: s.rev } : null;
  }

  private revSeq = 0;

  private nextRev(): string {
    this.revSeq += 1;
    return String(this.revSeq);
  }

  async updateRound(tenant: string, roundId: string, mutate: (round: Round) => Round): Promise<Round> {
    this.trip();
    const s = this.state(tenant, roundId);
    if (!s) throw new AppError('ROUND_NOT_FOUND');
    let next: Round;
    try {
      next = RoundSchema.parse(copy(mutate(this.parseRound(s.json))));
    } catch (err) {
      invalid(err);
    }
    if (next.id !== roundId || next.tenant !== tenant) {
      throw new AppError('INVALID_INPUT', { detail: 'a round keeps its id and tenant' });
    }
    s.json = JSON.stringify(next);
    s.rev = this.nextRev();
    this.changed();
    return this.parseRound(s.json);
  }

  async listRounds(tenant: string): Promise<Round[]> {
    this.trip();
    return [...this.rounds.values()]
      .filter((s) => s.tenant === tenant)
      .sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((s) => this.parseRound(s.json));
  }

  async listTenants(): Promise<string[]> {
    this.trip();
    return [...new Set([...this.rounds.values()].map((s) => s.tenant))].sort();
  }

  async deleteRound(tenant: string, roundId: string): Promise<void> {
    this.trip();
    this.rounds.delete(this.roundKey(tenant, roundId));
    const channels = this.active.get(tenant);
    if (channels) {
      for (const [channel, id] of channels) if (id === roundId) channels.delete(channel);
      if (channels.size === 0) this.active.delete(tenant);
    }
    this.dropRoundJobs(tenant, roundId);
    this.changed();
  }

  async activeRoundForChannel(tenant: string, channelId: string): Promise<string | null> {
    this.trip();
    return this.active.get(tenant)?.get(channelId) ?? null;
  }

  async setActiveRoundForChannel(tenant: string, channelId: string, roundId: string | null): Promise<void> {
    this.trip();
    let channels = this.active.get(tenant);
    if (roundId === null) {
      channels?.delete(channelId);
      if (channels?.size === 0) this.active.delete(tenant);
    } else {
      if (!channels) this.active.set(tenant, (channels = new Map()));
      channels.set(channelId, roundId);
    }
    this.changed();
  }

  // --- votes and answers --------------------------------------------------------------------

  /** Per-round tallies kept alongside the votes so a vote costs O(1), like the Redis counts hash. */
  private readonly tallies = new WeakMap<RoundState, Map<string, LevelCounts>>();
  /** The parsed status of a round's JSON, so the vote path does not re-validate the whole round each time. */
  private readonly statuses = new WeakMap<RoundState, { json: string; status: string }>();

  private tallyOf(s: RoundState): Map<string, LevelCounts> {
    let tally = this.tallies.get(s);
    if (!tally) {
      tally = new Map();
      for (const [field, vote] of s.votes) {
        const factorId = parseMemberField(field)?.factorId;
        if (factorId === undefined) continue;
        if (!tally.has(factorId)) tally.set(factorId, emptyCounts());
        tally.get(factorId)![vote.level] += 1;
      }
      this.tallies.set(s, tally);
    }
    return tally;
  }

  private statusOf(s: RoundState): string {
    const cached = this.statuses.get(s);
    if (cached && cached.json === s.json) return cached.status;
    const status = this.parseRound(s.json).status;
    this.statuses.set(s, { json: s.json, status });
    return status;
  }

  private counts(s: RoundState | undefined, factorId: string): LevelCounts {
    if (!s) return emptyCounts();
    return { ...(this.tallyOf(s).get(factorId) ?? emptyCounts()) };
  }

  async recordVote(vote: VoteInput): Promise<VoteResult> {
    this.trip();
    const parsed = LevelSchema.safeParse(vote.level);
    if (!parsed.success) invalid(parsed.error);
    const level = parsed.data;
    const s = this.state(vote.tenant, vote.roundId);
    const field = memberField(vote.factorId, vote.memberId);
    const previous = s?.votes.get(field)?.level ?? null;
    if (vote.roundRev !== undefined && vote.roundRev !== s?.rev) {
      return { accepted: false, applied: false, stale: true, previous, counts: this.counts(s, vote.factorId) };
    }
    if (!s || this.statusOf(s) !== 'open') {
      return { accepted: false, applied: false, previous, counts: this.counts(s, vote.factorId) };
    }
    const now = Date.now();
    const seenUntil = s.interactions.get(vote.interactionId);
    if (seenUntil !== undefined && seenUntil > now) {
      return { accepted: true, applied: false, previous, counts: this.counts(s, vote.factorId) };
    }
    // Expired interaction ids are swept every thousandth vote, not on each one.
    if (s.interactions.size % 1000 === 999) {
      for (const [id, exp] of s.interactions) if (exp <= now) s.interactions.delete(id);
    }
    s.interactions.set(vote.interactionId, now + INTERACTION_TTL_MS);
    const tally = this.tallyOf(s);
    s.votes.set(field, { level, at: vote.at });
    if (!tally.has(vote.factorId)) tally.set(vote.factorId, emptyCounts());
    const factorCounts = tally.get(vote.factorId)!;
    if (previous) factorCounts[previous] -= 1;
    factorCounts[level] += 1;
    this.changed();
    return { accepted: true, applied: true, previous, counts: this.counts(s, vote.factorId) };
  }

  async saveAnswer(tenant: string, roundId: string, input: Answer): Promise<void> {
    this.trip();
    let answer: Answer;
    try {
      answer = AnswerSchema.parse(copy(input));
    } catch (err) {
      invalid(err);
    }
    // Ignored when the round does not exist, as in the Redis store.
    const s = this.state(tenant, roundId);
    if (!s) return;
    const field = memberField(answer.factorId, answer.memberId);
    s.answers.set(field, JSON.stringify(answer));
    s.answerMeta.set(field, encodeAnswerMeta(answer));
    this.changed();
  }

  /** Like the Redis store: with `answers: false` the stats come from the summaries and no answer is parsed. */
  async getSnapshot(tenant: string, roundId: string, opts: SnapshotOptions = {}): Promise<RoundSnapshot | null> {
    this.trip();
    const withAnswers = opts.answers !== false;
    const s = this.state(tenant, roundId);
    if (!s) return null;
    const round = this.parseRound(s.json);
    const snapshot: RoundSnapshot = { round, counts: {}, votes: {}, answers: {} };
    for (const f of round.factorIds) {
      snapshot.counts[f] = emptyCounts();
      snapshot.votes[f] = {};
      snapshot.answers[f] = {};
    }
    const withVotes = opts.votes !== false;
    for (const [field, vote] of s.votes) {
      const parsed = parseMemberField(field);
      if (!parsed) continue;
      if (withVotes) (snapshot.votes[parsed.factorId] ??= {})[parsed.memberId] = vote.level;
      (snapshot.counts[parsed.factorId] ??= emptyCounts())[vote.level] += 1;
    }
    const stats = new AnswerStatsBuilder();
    for (const [field, value] of withAnswers ? s.answers : s.answerMeta) {
      const parsed = parseMemberField(field);
      if (!parsed) continue;
      if (withAnswers) {
        const answer = JSON.parse(value) as Answer;
        (snapshot.answers[parsed.factorId] ??= {})[parsed.memberId] = answer;
        stats.addAnswer(parsed.factorId, field.slice(field.indexOf('|') + 1), answer);
      } else {
        stats.addMeta(parsed.factorId, field.slice(field.indexOf('|') + 1), value);
      }
    }
    snapshot.answerStats = stats.build(round.factorIds);
    return snapshot;
  }

  async getCounts(tenant: string, roundId: string, factorId: string): Promise<LevelCounts> {
    this.trip();
    return this.counts(this.state(tenant, roundId), factorId);
  }

  async getMemberVote(tenant: string, roundId: string, factorId: string, memberId: string): Promise<Level | null> {
    this.trip();
    return this.state(tenant, roundId)?.votes.get(memberField(factorId, memberId))?.level ?? null;
  }

  async getMemberAnswer(tenant: string, roundId: string, factorId: string, memberId: string): Promise<Answer | null> {
    this.trip();
    const json = this.state(tenant, roundId)?.answers.get(memberField(factorId, memberId));
    return json === undefined ? null : AnswerSchema.parse(JSON.parse(json));
  }

  async eraseMember(tenant: string, roundId: string, memberId: string, replacementId: string): Promise<{ votes: number; answers: number }> {
    this.trip();
    const s = this.state(tenant, roundId);
    if (!s) return { votes: 0, answers: 0 };
    let votes = 0;
    let answers = 0;
    // Levels stay the same, so the cached tallies stay right.
    for (const [field, vote] of [...s.votes]) {
      const parsed = parseMemberField(field);
      if (parsed?.memberId !== memberId) continue;
      s.votes.delete(field);
      s.votes.set(memberField(parsed.factorId, replacementId), vote);
      votes += 1;
    }
    for (const field of [...s.answers.keys()]) {
      if (parseMemberField(field)?.memberId !== memberId) continue;
      s.answers.delete(field);
      s.answerMeta.delete(field);
      answers += 1;
    }
    if (votes + answers > 0) this.changed();
    return { votes, answers };
  }

  // --- card refs ------------------------------------------------------------------------------

  async setCardRef(tenant: string, roundId: string, factorId: string, ref: CardRef): Promise<void> {
    this.trip();
    const s = this.state(tenant, roundId);
    if (!s) return;
    s.cards.set(factorId, JSON.stringify({ messageId: ref.messageId, channelId: ref.channelId }));
    this.changed();
  }

  async getCardRefs(tenant: string, roundId: string): Promise<Record<string, CardRef>> {
    this.trip();
    const out: Record<string, CardRef> = {};
    for (const [factorId, json] of this.state(tenant, roundId)?.cards ?? []) out[factorId] = JSON.parse(json) as CardRef;
    return out;
  }

  // --- idempotency keys and records -----------------------------------------------------------

  async setIfNotExists(key: string, ttlMs: number): Promise<boolean> {
    this.trip();
    const now = Date.now();
    const until = this.nx.get(key);
    if (until !== undefined && until > now) return false;
    for (const [k, exp] of this.nx) if (exp <= now) this.nx.delete(k);
    this.nx.set(key, now + Math.max(1, Math.ceil(ttlMs)));
    this.changed();
    return true;
  }

  async ensureSecret(name: string, candidate: string): Promise<string> {
    this.trip();
    const stored = this.secrets.get(name);
    if (stored !== undefined) return stored;
    this.secrets.set(name, candidate);
    this.changed();
    return candidate;
  }

  async putRecord(collection: string, id: string, value: StoredRecord): Promise<void> {
    this.trip();
    let records = this.records.get(collection);
    if (!records) this.records.set(collection, (records = new Map()));
    records.set(id, JSON.stringify(value));
    this.changed();
  }

  async getRecord(collection: string, id: string): Promise<StoredRecord | null> {
    this.trip();
    const json = this.records.get(collection)?.get(id);
    return json === undefined ? null : (JSON.parse(json) as StoredRecord);
  }

  async deleteRecord(collection: string, id: string): Promise<void> {
    this.trip();
    const records = this.records.get(collection);
    records?.delete(id);
    if (records?.size === 0) this.records.delete(collection);
    this.changed();
  }

  async listRecords(collection: string): Promise<Record<string, StoredRecord>> {
    this.trip();
    const out: Record<string, StoredRecord> = {};
    for (const [id, json] of this.records.get(collection) ?? []) out[id] = JSON.parse(json) as StoredRecord;
    return out;
  }

  // --- jobs -----------------------------------------------------------------------------------

  async scheduleJobs(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return;
    this.trip();
    for (const job of jobs) this.jobs.set(job.id, { json: JSON.stringify(job), score: job.dueAt });
    this.changed();
  }

  async claimDueJobs(now: number, limit: number, leaseMs: number): Promise<Job[]> {
    if (limit <= 0) return [];
    this.trip();
    const due = [...this.jobs]
      .filter(([, e]) => e.score <= now)
      .sort(([a, x], [b, y]) => x.score - y.score || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, Math.floor(limit));
    for (const [, entry] of due) entry.score = now + leaseMs;
    if (due.length > 0) this.changed();
    return due.map(([, e]) => JSON.parse(e.json) as Job);
  }

  async completeJob(jobId: string): Promise<void> {
    this.trip();
    this.jobs.delete(jobId);
    this.changed();
  }

  async retryJob(job: Job, nextDueAt: number, error: string): Promise<void> {
    this.trip();
    if (!this.jobs.has(job.id)) return;
    const next: Job = { ...job, dueAt: nextDueAt, lastError: error };
    this.jobs.set(job.id, { json: JSON.stringify(next), score: nextDueAt });
    this.changed();
  }

  private dropRoundJobs(tenant: string, roundId: string, kinds?: JobKind[]): void {
    for (const [id, entry] of this.jobs) {
      const job = JSON.parse(entry.json) as Job;
      if (job.tenant !== tenant || job.roundId !== roundId) continue;
      if (kinds === undefined || kinds.includes(job.kind)) this.jobs.delete(id);
    }
  }

  async cancelRoundJobs(tenant: string, roundId: string, kinds?: JobKind[]): Promise<void> {
    if (kinds !== undefined && kinds.length === 0) return;
    this.trip();
    this.dropRoundJobs(tenant, roundId, kinds);
    this.changed();
  }

  async listJobs(tenant?: string, roundId?: string): Promise<Job[]> {
    this.trip();
    return [...this.jobs.values()]
      .map((e) => JSON.parse(e.json) as Job)
      .filter((j) => (tenant === undefined || j.tenant === tenant) && (roundId === undefined || j.roundId === roundId))
      .sort(byDue);
  }
}
