// The Redis store: rounds, votes, answers, jobs and records in Redis (standalone, Sentinel or Cluster).
//
// Writes that touch several keys are a single command, a Lua script (scripts/) or a WATCH/MULTI transaction, and the
// keys involved always share a Cluster hash slot (see keys.ts). Rounds live in rounds.ts and the job queue in jobs.ts;
// this class holds votes, answers, snapshots, card refs and records, and counts every round trip (roundTrips()).
// The client comes from client.ts (REDIS_URL forms in url.ts), failures are mapped by errors.ts, and open() runs the
// schema migrations (migrations.ts).
import { randomBytes } from 'node:crypto';
import type { RecordsOf } from '../../core/record-scope.js';
import { LEVELS, LevelSchema, AnswerSchema, type Answer, type Level, type LevelCounts, type Round } from '../../core/model.js';
import type {
  AnswerEntry,
  CardRef,
  Job,
  JobKind,
  KeptReport,
  RoundSnapshot,
  ScanOptions,
  SnapshotOptions,
  Store,
  StoredRecord,
  VersionedRound,
  VoteEntry,
  VoteInput,
  VoteResult,
} from '../../core/ports.js';
import { PREVIEW_LINKS, answerOrderEntry, answerTime, encodeAnswerMeta, isFilled } from '../answer-summary.js';
import { VoteExtrasSchema } from '../inputs.js';
import { invalid } from '../invalid.js';
import { INTERACTION_TTL_MS, Keys, countField, dec, enc, memberField, nameField, parseMemberField } from '../keys.js';
import { createRedisClient, waitUntilReady, type RedisClient, type RedisClientOptions } from './client.js';
import { mapError } from './errors.js';
import { RedisJobQueue } from './jobs.js';
import { MIGRATIONS, runMigrations, type Migration } from './migrations.js';
import { countsFrom, factorViewFrom, pairs, snapshotFrom, toLevel } from './replies.js';
import { RedisRecords } from './records.js';
import { RedisRounds } from './rounds.js';
import { StoreScripts } from './scripts.js';

export interface RedisStoreOptions {
  prefix: string;
}

export interface OpenRedisStoreOptions extends RedisStoreOptions, RedisClientOptions {
  /** How long to wait for the first connection (default 10 s). */
  readyTimeoutMs?: number;
  /** Upgrade hooks; defaults to MIGRATIONS. */
  migrations?: Migration[];
}

/** Largest kept report written (and read) in one command; larger ones are kept in parts of this size. */
const KEPT_PART = 512 * 1024;
/** The entry of a report kept in parts: this, then the number of parts (a gzip body starts with 0x1f 0x8b, never this). */
const KEPT_PARTS_MARK = 'parts:';

/** The parts a kept report's entry names, or null when the entry is the report itself. */
function keptParts(head: Buffer): { id: string; count: number } | null {
  if (head.length > 40) return null;
  const m = /^parts:([A-Za-z0-9_-]+):(\d+)$/.exec(head.toString('latin1'));
  return m ? { id: m[1]!, count: Number(m[2]) } : null;
}

export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly keys: Keys;
  private trips = 0;
  private readonly scripts: StoreScripts;
  private readonly rounds: RedisRounds;
  private readonly jobs: RedisJobQueue;
  private readonly records: RedisRecords;

  constructor(
    readonly client: RedisClient,
    opts: RedisStoreOptions,
  ) {
    this.keys = new Keys(opts.prefix);
    const trip = <T>(fn: () => Promise<T>): Promise<T> => this.trip(fn);
    this.scripts = new StoreScripts(client, trip);
    this.rounds = new RedisRounds(client, this.keys, this.scripts, trip);
    this.jobs = new RedisJobQueue(client, this.keys, this.scripts, trip);
    this.records = new RedisRecords(client, this.keys, this.scripts, trip);
  }

  /** Connects to REDIS_URL, waits until ready and migrates the schema. */
  static async open(url: string, opts: OpenRedisStoreOptions): Promise<RedisStore> {
    const client = createRedisClient(url, opts);
    try {
      await waitUntilReady(client, opts.readyTimeoutMs);
      const store = new RedisStore(client, opts);
      await store.migrate(opts.migrations);
      return store;
    } catch (err) {
      client.disconnect();
      throw mapError(err);
    }
  }

  roundTrips(): number {
    return this.trips;
  }

  /** One round trip: runs `fn`, mapping connection failures to StoreUnavailableError. */
  private async trip<T>(fn: () => Promise<T>): Promise<T> {
    this.trips += 1;
    try {
      return await fn();
    } catch (err) {
      throw mapError(err);
    }
  }

  async ping(): Promise<void> {
    await this.trip(() => this.client.ping());
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** See runMigrations: brings the stored schema up to SCHEMA_VERSION, once across processes. */
  migrate(migrations: Migration[] = MIGRATIONS): Promise<{ from: number; to: number }> {
    return runMigrations({ client: this.client, keys: this.keys, scripts: this.scripts, trip: (fn) => this.trip(fn) }, migrations);
  }

  // --- rounds (rounds.ts) ---------------------------------------------------------------------

  createRound(round: Round): Promise<void> {
    return this.rounds.create(round);
  }

  getRound(tenant: string, roundId: string): Promise<Round | null> {
    return this.rounds.get(tenant, roundId);
  }

  getRoundVersioned(tenant: string, roundId: string): Promise<VersionedRound | null> {
    return this.rounds.getVersioned(tenant, roundId);
  }

  updateRound(tenant: string, roundId: string, mutate: (round: Round) => Round): Promise<Round> {
    return this.rounds.update(tenant, roundId, mutate);
  }

  rememberNames(tenant: string, roundId: string, names: Record<string, string>): Promise<void> {
    return this.rounds.rememberNames(tenant, roundId, names);
  }

  listRounds(tenant: string): Promise<Round[]> {
    return this.rounds.list(tenant);
  }

  listTenants(): Promise<string[]> {
    return this.rounds.listTenants();
  }

  async deleteRound(tenant: string, roundId: string): Promise<void> {
    await this.rounds.delete(tenant, roundId);
    await this.jobs.cancelRound(tenant, roundId);
  }

  activeRoundForChannel(tenant: string, channelId: string): Promise<string | null> {
    return this.rounds.activeForChannel(tenant, channelId);
  }

  setActiveRoundForChannel(tenant: string, channelId: string, roundId: string | null): Promise<void> {
    return this.rounds.setActiveForChannel(tenant, channelId, roundId);
  }

  // --- votes and answers --------------------------------------------------------------------

  async recordVote(vote: VoteInput): Promise<VoteResult> {
    const parsed = LevelSchema.safeParse(vote.level);
    if (!parsed.success) invalid(parsed.error);
    const extras = VoteExtrasSchema.safeParse({ withFactorView: vote.withFactorView, name: vote.name });
    if (!extras.success) invalid(extras.error);
    const withView = extras.data.withFactorView === true;
    const name = extras.data.name;
    const reply = await this.scripts.vote(this.keys.round(vote.tenant, vote.roundId), this.keys.interaction(vote.tenant, vote.roundId, vote.interactionId), {
      field: memberField(vote.factorId, vote.memberId),
      level: parsed.data,
      at: vote.at,
      interactionTtlMs: INTERACTION_TTL_MS,
      factor: enc(vote.factorId),
      expectedRev: vote.roundRev ?? null,
      withView,
      previewLinks: PREVIEW_LINKS,
      name: name === undefined ? null : { field: nameField(vote.memberId), value: name },
    });
    const result: VoteResult = {
      accepted: reply.outcome === 1,
      applied: reply.applied,
      previous: toLevel(reply.previous),
      counts: countsFrom(reply.counts),
    };
    if (reply.outcome === 2) result.stale = true;
    if (reply.view) result.factorView = factorViewFrom(vote.factorId, reply.view);
    return result;
  }

  /** Ignored when the round does not exist (as in the memory store). */
  async saveAnswer(tenant: string, roundId: string, input: Answer): Promise<void> {
    let answer: Answer;
    try {
      answer = AnswerSchema.parse(input);
    } catch (err) {
      invalid(err);
    }
    await this.scripts.saveAnswer(this.keys.round(tenant, roundId), {
      field: memberField(answer.factorId, answer.memberId),
      answerJson: JSON.stringify(answer),
      summary: encodeAnswerMeta(answer),
      filled: isFilled(answer),
      links: answer.evidence.length,
      orderEntry: answerOrderEntry(answer.factorId, answer.memberId, answerTime(answer.at)),
    });
  }

  /** One script call in either mode. With `answers: false` the answers hash is not read at all (see snapshotFrom). */
  async getSnapshot(tenant: string, roundId: string, opts: SnapshotOptions = {}): Promise<RoundSnapshot | null> {
    const withAnswers = opts.answers !== false;
    const reply = await this.scripts.snapshot(this.keys.round(tenant, roundId), {
      withAnswers,
      withVotes: opts.votes !== false,
      previewLinks: PREVIEW_LINKS,
    });
    return reply && snapshotFrom(this.rounds.parse(reply.round), reply, withAnswers);
  }

  /** HSCAN of the votes hash, COUNT `opts.count` per page: each page is one short command, never one long one. */
  async *scanVotes(tenant: string, roundId: string, opts?: ScanOptions): AsyncGenerator<VoteEntry[]> {
    for await (const flat of this.hscanPages(this.keys.round(tenant, roundId).votes, opts)) {
      const page: VoteEntry[] = [];
      for (const [field, value] of pairs(flat)) {
        const member = parseMemberField(field);
        const level = toLevel(value);
        if (member && level) page.push({ ...member, level });
      }
      yield page;
    }
  }

  async *scanAnswers(tenant: string, roundId: string, opts?: ScanOptions): AsyncGenerator<AnswerEntry[]> {
    for await (const flat of this.hscanPages(this.keys.round(tenant, roundId).answers, opts)) {
      const page: AnswerEntry[] = [];
      for (const [field, json] of pairs(flat)) {
        const member = parseMemberField(field);
        if (member) page.push({ ...member, answer: JSON.parse(json) as Answer });
      }
      yield page;
    }
  }

  /** HSCAN of the answer summaries (a few dozen bytes each), never of the answers. */
  async answerMembers(tenant: string, roundId: string, opts?: ScanOptions): Promise<Map<string, string[]>> {
    const seen = new Map<string, Set<string>>();
    // A page may repeat a field (HSCAN while the hash rehashes): sets collapse the repeats.
    for await (const flat of this.hscanPages(this.keys.round(tenant, roundId).answerMeta, { count: opts?.count ?? 2000 })) {
      for (let i = 0; i < flat.length; i += 2) {
        const member = parseMemberField(flat[i]!);
        if (!member) continue;
        let members = seen.get(member.factorId);
        if (!members) seen.set(member.factorId, (members = new Set()));
        members.add(member.memberId);
      }
    }
    return new Map([...seen].map(([factorId, members]) => [factorId, [...members]]));
  }

  /** One HMGET of the answers hash. */
  async readAnswers(tenant: string, roundId: string, factorId: string, memberIds: readonly string[]): Promise<AnswerEntry[]> {
    if (memberIds.length === 0) return [];
    const fields = memberIds.map((m) => memberField(factorId, m));
    const values = await this.trip(() => this.client.hmget(this.keys.round(tenant, roundId).answers, ...fields));
    const entries: AnswerEntry[] = [];
    values.forEach((json, i) => {
      if (json !== null) entries.push({ factorId, memberId: memberIds[i]!, answer: JSON.parse(json) as Answer });
    });
    return entries;
  }

  private async *hscanPages(key: string, opts?: ScanOptions): AsyncGenerator<string[]> {
    const count = Math.max(1, Math.floor(opts?.count ?? 1000));
    // Fields are `<F>|<M>`, both encoded (keys.enc leaves no glob character, escaped here all the same).
    const match = opts?.factorId === undefined ? null : `${enc(opts.factorId).replace(/[*?[\]\\]/g, (c) => `\\${c}`)}|*`;
    let cursor = '0';
    do {
      const [next, flat] = await this.trip(() =>
        match === null ? this.client.hscan(key, cursor, 'COUNT', count) : this.client.hscan(key, cursor, 'MATCH', match, 'COUNT', count),
      );
      cursor = next;
      if (flat.length > 0) yield flat;
    } while (cursor !== '0');
  }

  async keptReport(tenant: string, roundId: string, key: string, ttlMs: number): Promise<KeptReport | null> {
    const k = this.keys.round(tenant, roundId);
    const epoch = await this.scripts.keptReportEpoch(k, { newEpoch: randomBytes(9).toString('base64url'), ttlMs });
    if (epoch === null) return null;
    const head = await this.trip(() => this.client.hgetBuffer(k.reports, `r:${key}`));
    const parts = head ? keptParts(head) : null;
    if (parts === null) return { epoch, body: head };
    // A large report is kept in parts (see keepReport), read one short command at a time.
    const chunks: Buffer[] = [];
    for (let i = 0; i < parts.count; i++) {
      const chunk = await this.trip(() => this.client.hgetBuffer(k.reports, `r:${key}#${parts.id}:${i}`));
      if (!chunk) return { epoch, body: null };
      chunks.push(chunk);
    }
    return { epoch, body: Buffer.concat(chunks) };
  }

  /**
   * Kept in the round's slot; the whole hash expires `ttlMs` after the last report was kept. A report larger than
   * KEPT_PART is kept in parts, each written (with the generation check) by a short command of its own, then the
   * entry that names them: one command copying megabytes would hold Redis up for every tenant.
   */
  async keepReport(tenant: string, roundId: string, key: string, epoch: string, body: Buffer, ttlMs: number): Promise<boolean> {
    const k = this.keys.round(tenant, roundId);
    if (body.length <= KEPT_PART) return this.scripts.keepReport(k, { epoch, field: `r:${key}`, body, ttlMs });
    const count = Math.ceil(body.length / KEPT_PART);
    // The parts of this rendering only: another replica keeping the same report meanwhile writes parts of its own.
    const id = randomBytes(6).toString('base64url');
    for (let i = 0; i < count; i++) {
      const part = body.subarray(i * KEPT_PART, (i + 1) * KEPT_PART);
      if (!(await this.scripts.keepReport(k, { epoch, field: `r:${key}#${id}:${i}`, body: part, ttlMs }))) return false;
    }
    return this.scripts.keepReport(k, { epoch, field: `r:${key}`, body: Buffer.from(`${KEPT_PARTS_MARK}${id}:${count}`), ttlMs });
  }

  async getCounts(tenant: string, roundId: string, factorId: string): Promise<LevelCounts> {
    const key = this.keys.round(tenant, roundId).counts;
    const values = await this.trip(() => this.client.hmget(key, ...LEVELS.map((level) => countField(factorId, level))));
    return countsFrom(values);
  }

  async getMemberVote(tenant: string, roundId: string, factorId: string, memberId: string): Promise<Level | null> {
    const key = this.keys.round(tenant, roundId).votes;
    return toLevel(await this.trip(() => this.client.hget(key, memberField(factorId, memberId))));
  }

  async getMemberAnswer(tenant: string, roundId: string, factorId: string, memberId: string): Promise<Answer | null> {
    const key = this.keys.round(tenant, roundId).answers;
    const json = await this.trip(() => this.client.hget(key, memberField(factorId, memberId)));
    return json === null ? null : AnswerSchema.parse(JSON.parse(json));
  }

  eraseMember(tenant: string, roundId: string, memberId: string, replacementId: string): Promise<{ votes: number; answers: number }> {
    return this.scripts.eraseMember(this.keys.round(tenant, roundId), {
      member: enc(memberId),
      replacement: enc(replacementId),
      nameField: nameField(memberId),
    });
  }

  // --- card refs ------------------------------------------------------------------------------

  /** Ignored when the round does not exist. */
  async setCardRef(tenant: string, roundId: string, factorId: string, ref: CardRef): Promise<void> {
    const k = this.keys.round(tenant, roundId);
    const value = JSON.stringify({ messageId: ref.messageId, channelId: ref.channelId });
    await this.scripts.hsetIfRound({ round: k.round, hash: k.cards, reports: k.reports }, { [enc(factorId)]: value });
  }

  async getCardRefs(tenant: string, roundId: string): Promise<Record<string, CardRef>> {
    const all = await this.trip(() => this.client.hgetall(this.keys.round(tenant, roundId).cards));
    const out: Record<string, CardRef> = {};
    for (const [field, json] of Object.entries(all)) out[dec(field)] = JSON.parse(json) as CardRef;
    return out;
  }

  // --- delivery markers (the round's `sent` hash) -----------------------------------------------

  async putMarks(tenant: string, roundId: string, marks: Record<string, StoredRecord>, ttlMs: number): Promise<void> {
    const entries = Object.entries(marks);
    if (entries.length === 0) return;
    const k = this.keys.round(tenant, roundId);
    await this.scripts.putMarks(k, { ttlMs, marks: Object.fromEntries(entries.map(([f, v]) => [f, JSON.stringify(v)])) });
  }

  async getMarks(tenant: string, roundId: string, fields: string[]): Promise<Record<string, StoredRecord>> {
    if (fields.length === 0) return {};
    const key = this.keys.round(tenant, roundId).marks;
    const values = await this.trip(() => this.client.hmget(key, ...fields));
    const out: Record<string, StoredRecord> = {};
    fields.forEach((f, i) => {
      const json = values[i];
      if (typeof json === 'string') out[f] = JSON.parse(json) as StoredRecord;
    });
    return out;
  }

  async scanMarks(tenant: string, roundId: string, suffix = ''): Promise<Record<string, StoredRecord>> {
    const key = this.keys.round(tenant, roundId).marks;
    const match = `*${suffix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}`;
    const out: Record<string, StoredRecord> = {};
    let cursor = '0';
    do {
      const [next, flat] = await this.trip(() => this.client.hscan(key, cursor, 'MATCH', match, 'COUNT', 500));
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = JSON.parse(flat[i + 1]!) as StoredRecord;
    } while (cursor !== '0');
    return out;
  }

  async deleteMarks(tenant: string, roundId: string, fields: string[]): Promise<void> {
    if (fields.length === 0) return;
    await this.trip(() => this.client.hdel(this.keys.round(tenant, roundId).marks, ...fields));
  }

  // --- idempotency keys and records -----------------------------------------------------------

  async setIfNotExists(key: string, ttlMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const ok = await this.trip(() => this.client.set(this.keys.nx(key), '1', 'PX', ttl, 'NX'));
    return ok === 'OK';
  }

  async ensureSecret(name: string, candidate: string): Promise<string> {
    const key = this.keys.secret(name);
    // SET NX decides between replicas starting at once; whoever lost reads the winner's value.
    const created = await this.trip(() => this.client.set(key, candidate, 'NX'));
    if (created === 'OK') return candidate;
    const stored = await this.trip(() => this.client.get(key));
    if (stored === null || stored.length === 0) throw new Error(`store secret ${name} vanished while being read`);
    return stored;
  }

  putRecord(collection: string, id: string, value: StoredRecord): Promise<void> {
    return this.records.put(collection, id, value);
  }

  getRecord(collection: string, id: string): Promise<StoredRecord | null> {
    return this.records.get(collection, id);
  }

  deleteRecord(collection: string, id: string): Promise<void> {
    return this.records.delete(collection, id);
  }

  updateRecord(collection: string, id: string, mutate: (current: StoredRecord | null) => StoredRecord | null): Promise<StoredRecord | null> {
    return this.records.update(collection, id, mutate);
  }

  listRecords(collection: string, of?: RecordsOf): Promise<Record<string, StoredRecord>> {
    return this.records.list(collection, of);
  }

  // --- jobs (jobs.ts) -------------------------------------------------------------------------

  scheduleJobs(jobs: Job[]): Promise<void> {
    return this.jobs.schedule(jobs);
  }

  claimDueJobs(now: number, limit: number, leaseMs: number): Promise<Job[]> {
    return this.jobs.claim(now, limit, leaseMs);
  }

  completeJob(jobId: string): Promise<void> {
    return this.jobs.complete(jobId);
  }

  retryJob(job: Job, nextDueAt: number, error: string): Promise<void> {
    return this.jobs.retry(job, nextDueAt, error);
  }

  cancelRoundJobs(tenant: string, roundId: string, kinds?: JobKind[]): Promise<void> {
    return this.jobs.cancelRound(tenant, roundId, kinds);
  }

  listJobs(tenant?: string, roundId?: string): Promise<Job[]> {
    return this.jobs.list(tenant, roundId);
  }
}
