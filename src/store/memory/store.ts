// The embedded store: everything in process memory, optionally persisted to a JSON snapshot file.
// Same semantics as the Redis store (idempotent votes, status check, job leases, TTLs), for the
// playground, tests and single-process installs without Redis. Values are copied in and out as
// JSON, exactly as Redis would store them, so callers can never change stored state by reference.
import { existsSync, readFileSync } from 'node:fs';
import { assertAnonymityFrozen } from '../../core/anonymity.js';
import { AppError } from '../../core/errors.js';
import { AnswerSchema, LevelSchema, RoundSchema, emptyCounts, type Answer, type Level, type LevelCounts, type Round } from '../../core/model.js';
import type { AnswerEntry, CardRef, Job, JobKind, RoundSnapshot, ScanOptions, SnapshotOptions, Store, StoredRecord, VersionedRound, VoteEntry, VoteInput, VoteResult } from '../../core/ports.js';
import { inRecordScope, type RecordsOf } from '../../core/record-scope.js';
import { encodeAnswerMeta } from '../answer-summary.js';
import { NamesSchema, VoteExtrasSchema } from '../inputs.js';
import { invalid } from '../invalid.js';
import { INTERACTION_TTL_MS, enc, memberField, parseMemberField } from '../keys.js';
import { MemoryJobQueue } from './jobs.js';
import { factorViewOf, snapshotOf } from './reads.js';
import { scanAnswersOf, scanVotesOf } from './scan.js';
import { SnapshotWriter } from './snapshot-writer.js';
import { deleteMarks, getMarks, putMarks, scanMarks } from './marks.js';
import { copy, emptyState, stateFromFile, stateToFile, type MemoryState, type RoundState } from './state.js';

export interface MemoryStoreOptions {
  /** Persist to this JSON file: loaded at construction, written (atomically, debounced) after writes. */
  snapshotFile?: string;
  /** Delay between a write and the file save (default 100 ms). */
  snapshotDebounceMs?: number;
}

export class MemoryStore implements Store {
  readonly kind = 'embedded' as const;
  private trips = 0;
  private readonly state: MemoryState;
  private readonly jobs: MemoryJobQueue;
  private readonly writer: SnapshotWriter | undefined;

  constructor(opts: MemoryStoreOptions = {}) {
    const file = opts.snapshotFile;
    this.state = file && existsSync(file) ? stateFromFile(readFileSync(file, 'utf8'), (t, id) => this.roundKey(t, id), () => this.nextRev()) : emptyState();
    this.jobs = new MemoryJobQueue(this.state.jobs);
    this.writer = file ? new SnapshotWriter(file, opts.snapshotDebounceMs ?? 100, () => stateToFile(this.state, Date.now())) : undefined;
  }

  roundTrips(): number {
    return this.trips;
  }

  private trip(): void {
    this.trips += 1;
  }

  /** Called after every write: the snapshot file (if any) is saved shortly after. */
  private changed(): void {
    this.writer?.changed();
  }

  /** Writes the snapshot file now if anything changed. */
  async flush(): Promise<void> {
    await this.writer?.flush();
  }

  async ping(): Promise<void> {
    this.trip();
  }

  async close(): Promise<void> {
    await this.flush();
  }

  // --- rounds -------------------------------------------------------------------------------

  private roundKey(tenant: string, roundId: string): string {
    return `${enc(tenant)}:${enc(roundId)}`;
  }

  private round(tenant: string, roundId: string): RoundState | undefined {
    return this.state.rounds.get(this.roundKey(tenant, roundId));
  }

  private parseRound(json: string): Round {
    return RoundSchema.parse(JSON.parse(json));
  }

  /** The round as readers see it: the remembered names laid over the JSON's (they are newer). */
  private readRound(s: RoundState): Round {
    const round = this.parseRound(s.json);
    if (s.names.size > 0) round.names = { ...round.names, ...Object.fromEntries(s.names) };
    return round;
  }

  private revSeq = 0;

  private nextRev(): string {
    this.revSeq += 1;
    return String(this.revSeq);
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
    if (this.state.rounds.has(key)) throw new AppError('CONFLICT');
    this.state.rounds.set(key, {
      tenant: round.tenant,
      id: round.id,
      score: Date.parse(round.createdAt),
      json: JSON.stringify(round),
      rev: this.nextRev(),
      names: new Map(),
      votes: new Map(),
      answers: new Map(),
      answerMeta: new Map(),
      cards: new Map(),
      interactions: new Map(),
      marks: new Map(),
      marksUntil: 0,
    });
    this.changed();
  }

  async getRound(tenant: string, roundId: string): Promise<Round | null> {
    this.trip();
    const s = this.round(tenant, roundId);
    return s ? this.readRound(s) : null;
  }

  async getRoundVersioned(tenant: string, roundId: string): Promise<VersionedRound | null> {
    this.trip();
    const s = this.round(tenant, roundId);
    return s ? { round: this.readRound(s), rev: s.rev } : null;
  }

  /** The mutator sees the remembered names; its result's names go into the JSON, which then holds them all. */
  async updateRound(tenant: string, roundId: string, mutate: (round: Round) => Round): Promise<Round> {
    this.trip();
    const s = this.round(tenant, roundId);
    if (!s) throw new AppError('ROUND_NOT_FOUND');
    let next: Round;
    const before = this.readRound(s);
    try {
      next = RoundSchema.parse(copy(mutate(this.readRound(s))));
    } catch (err) {
      invalid(err);
    }
    if (next.id !== roundId || next.tenant !== tenant) {
      throw new AppError('INVALID_INPUT', { detail: 'a round keeps its id and tenant' });
    }
    assertAnonymityFrozen(before, next);
    s.json = JSON.stringify(next);
    s.names.clear();
    s.rev = this.nextRev();
    this.changed();
    return this.parseRound(s.json);
  }

  async rememberNames(tenant: string, roundId: string, input: Record<string, string>): Promise<void> {
    let names: Record<string, string>;
    try {
      names = NamesSchema.parse(input);
    } catch (err) {
      invalid(err);
    }
    const entries = Object.entries(names);
    if (entries.length === 0) return;
    this.trip();
    const s = this.round(tenant, roundId);
    if (!s) return;
    for (const [id, name] of entries) s.names.set(id, name);
    this.changed();
  }

  async listRounds(tenant: string): Promise<Round[]> {
    this.trip();
    return [...this.state.rounds.values()]
      .filter((s) => s.tenant === tenant)
      .sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((s) => this.readRound(s));
  }

  async listTenants(): Promise<string[]> {
    this.trip();
    return [...new Set([...this.state.rounds.values()].map((s) => s.tenant))].sort();
  }

  async deleteRound(tenant: string, roundId: string): Promise<void> {
    this.trip();
    this.state.rounds.delete(this.roundKey(tenant, roundId));
    const channels = this.state.active.get(tenant);
    if (channels) {
      for (const [channel, id] of channels) if (id === roundId) channels.delete(channel);
      if (channels.size === 0) this.state.active.delete(tenant);
    }
    this.jobs.cancelRound(tenant, roundId);
    this.changed();
  }

  async activeRoundForChannel(tenant: string, channelId: string): Promise<string | null> {
    this.trip();
    return this.state.active.get(tenant)?.get(channelId) ?? null;
  }

  async setActiveRoundForChannel(tenant: string, channelId: string, roundId: string | null): Promise<void> {
    this.trip();
    let channels = this.state.active.get(tenant);
    if (roundId === null) {
      channels?.delete(channelId);
      if (channels?.size === 0) this.state.active.delete(tenant);
    } else {
      if (!channels) this.state.active.set(tenant, (channels = new Map<string, string>()));
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
    const extras = VoteExtrasSchema.safeParse({ withFactorView: vote.withFactorView, name: vote.name });
    if (!extras.success) invalid(extras.error);
    const level = parsed.data;
    const s = this.round(vote.tenant, vote.roundId);
    const field = memberField(vote.factorId, vote.memberId);
    const previous = s?.votes.get(field)?.level ?? null;
    const result = (r: Omit<VoteResult, 'previous' | 'counts'>): VoteResult => ({
      ...r,
      previous,
      counts: this.counts(s, vote.factorId),
      ...(extras.data.withFactorView === true ? { factorView: factorViewOf(s, vote.factorId, field) } : {}),
    });
    if (vote.roundRev !== undefined && vote.roundRev !== s?.rev) return result({ accepted: false, applied: false, stale: true });
    if (!s || this.statusOf(s) !== 'open') return result({ accepted: false, applied: false });
    if (extras.data.name !== undefined && s.names.get(vote.memberId) !== extras.data.name) {
      s.names.set(vote.memberId, extras.data.name);
      this.changed();
    }
    const now = Date.now();
    const seenUntil = s.interactions.get(vote.interactionId);
    if (seenUntil !== undefined && seenUntil > now) return result({ accepted: true, applied: false });
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
    return result({ accepted: true, applied: true });
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
    const s = this.round(tenant, roundId);
    if (!s) return;
    const field = memberField(answer.factorId, answer.memberId);
    s.answers.set(field, JSON.stringify(answer));
    s.answerMeta.set(field, encodeAnswerMeta(answer));
    this.changed();
  }

  async getSnapshot(tenant: string, roundId: string, opts: SnapshotOptions = {}): Promise<RoundSnapshot | null> {
    this.trip();
    const s = this.round(tenant, roundId);
    return s ? snapshotOf(s, this.readRound(s), opts) : null;
  }

  scanVotes(tenant: string, roundId: string, opts?: ScanOptions): AsyncIterable<VoteEntry[]> {
    this.trip();
    return scanVotesOf(this.round(tenant, roundId), opts);
  }

  scanAnswers(tenant: string, roundId: string, opts?: ScanOptions): AsyncIterable<AnswerEntry[]> {
    this.trip();
    return scanAnswersOf(this.round(tenant, roundId), opts);
  }

  async getCounts(tenant: string, roundId: string, factorId: string): Promise<LevelCounts> {
    this.trip();
    return this.counts(this.round(tenant, roundId), factorId);
  }

  async getMemberVote(tenant: string, roundId: string, factorId: string, memberId: string): Promise<Level | null> {
    this.trip();
    return this.round(tenant, roundId)?.votes.get(memberField(factorId, memberId))?.level ?? null;
  }

  async getMemberAnswer(tenant: string, roundId: string, factorId: string, memberId: string): Promise<Answer | null> {
    this.trip();
    const json = this.round(tenant, roundId)?.answers.get(memberField(factorId, memberId));
    return json === undefined ? null : AnswerSchema.parse(JSON.parse(json));
  }

  async eraseMember(tenant: string, roundId: string, memberId: string, replacementId: string): Promise<{ votes: number; answers: number }> {
    this.trip();
    const s = this.round(tenant, roundId);
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
    const named = s.names.delete(memberId);
    if (votes + answers > 0 || named) this.changed();
    return { votes, answers };
  }

  // --- card refs ------------------------------------------------------------------------------

  async setCardRef(tenant: string, roundId: string, factorId: string, ref: CardRef): Promise<void> {
    this.trip();
    const s = this.round(tenant, roundId);
    if (!s) return;
    s.cards.set(factorId, JSON.stringify({ messageId: ref.messageId, channelId: ref.channelId }));
    this.changed();
  }

  async getCardRefs(tenant: string, roundId: string): Promise<Record<string, CardRef>> {
    this.trip();
    const out: Record<string, CardRef> = {};
    for (const [factorId, json] of this.round(tenant, roundId)?.cards ?? []) out[factorId] = JSON.parse(json) as CardRef;
    return out;
  }

  // --- delivery markers (marks.ts) ------------------------------------------------------------

  async putMarks(tenant: string, roundId: string, marks: Record<string, StoredRecord>, ttlMs: number): Promise<void> {
    this.trip();
    if (putMarks(this.round(tenant, roundId), marks, ttlMs)) this.changed();
  }
  async getMarks(tenant: string, roundId: string, fields: string[]): Promise<Record<string, StoredRecord>> {
    this.trip();
    return getMarks(this.round(tenant, roundId), fields);
  }
  async scanMarks(tenant: string, roundId: string, suffix = ''): Promise<Record<string, StoredRecord>> {
    this.trip();
    return scanMarks(this.round(tenant, roundId), suffix);
  }
  async deleteMarks(tenant: string, roundId: string, fields: string[]): Promise<void> {
    this.trip();
    if (deleteMarks(this.round(tenant, roundId), fields)) this.changed();
  }

  // --- idempotency keys and records -----------------------------------------------------------

  async setIfNotExists(key: string, ttlMs: number): Promise<boolean> {
    this.trip();
    const now = Date.now();
    const until = this.state.nx.get(key);
    if (until !== undefined && until > now) return false;
    for (const [k, exp] of this.state.nx) if (exp <= now) this.state.nx.delete(k);
    this.state.nx.set(key, now + Math.max(1, Math.ceil(ttlMs)));
    this.changed();
    return true;
  }

  async ensureSecret(name: string, candidate: string): Promise<string> {
    this.trip();
    const stored = this.state.secrets.get(name);
    if (stored !== undefined) return stored;
    this.state.secrets.set(name, candidate);
    this.changed();
    return candidate;
  }

  async putRecord(collection: string, id: string, value: StoredRecord): Promise<void> {
    this.trip();
    let records = this.state.records.get(collection);
    if (!records) this.state.records.set(collection, (records = new Map<string, string>()));
    records.set(id, JSON.stringify(value));
    this.changed();
  }

  async getRecord(collection: string, id: string): Promise<StoredRecord | null> {
    this.trip();
    const json = this.state.records.get(collection)?.get(id);
    return json === undefined ? null : (JSON.parse(json) as StoredRecord);
  }

  async deleteRecord(collection: string, id: string): Promise<void> {
    this.trip();
    const records = this.state.records.get(collection);
    records?.delete(id);
    if (records?.size === 0) this.state.records.delete(collection);
    this.changed();
  }

  async updateRecord(collection: string, id: string, mutate: (current: StoredRecord | null) => StoredRecord | null): Promise<StoredRecord | null> {
    const json = this.state.records.get(collection)?.get(id);
    const next = mutate(json === undefined ? null : (JSON.parse(json) as StoredRecord));
    if (next === null) await this.deleteRecord(collection, id);
    else await this.putRecord(collection, id, next);
    return next === null ? null : (JSON.parse(JSON.stringify(next)) as StoredRecord);
  }

  async listRecords(collection: string, of?: RecordsOf): Promise<Record<string, StoredRecord>> {
    this.trip();
    const all = [...(this.state.records.get(collection) ?? [])].map(([id, json]) => [id, JSON.parse(json) as StoredRecord] as const);
    return Object.fromEntries(all.filter(([id, value]) => inRecordScope(collection, id, value, of)));
  }

  // --- jobs (jobs.ts) -------------------------------------------------------------------------

  async scheduleJobs(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return;
    this.trip();
    if (this.jobs.schedule(jobs)) this.changed();
  }

  async claimDueJobs(now: number, limit: number, leaseMs: number): Promise<Job[]> {
    if (limit <= 0) return [];
    this.trip();
    const claimed = this.jobs.claim(now, limit, leaseMs);
    if (claimed.length > 0) this.changed();
    return claimed;
  }

  async completeJob(jobId: string): Promise<void> {
    this.trip();
    if (this.jobs.complete(jobId)) this.changed();
  }

  async retryJob(job: Job, nextDueAt: number, error: string): Promise<void> {
    this.trip();
    if (this.jobs.retry(job, nextDueAt, error)) this.changed();
  }

  async cancelRoundJobs(tenant: string, roundId: string, kinds?: JobKind[]): Promise<void> {
    if (kinds !== undefined && kinds.length === 0) return;
    this.trip();
    if (this.jobs.cancelRound(tenant, roundId, kinds)) this.changed();
  }

  async listJobs(tenant?: string, roundId?: string): Promise<Job[]> {
    this.trip();
    return this.jobs.list(tenant, roundId);
  }
}
