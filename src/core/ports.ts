// The interfaces the core needs from the outside world: a store and a clock (the chat port is delivery/port.ts).
import type { Answer, Level, LevelCounts, Round } from './model.js';
import type { RecordsOf } from './record-scope.js';

export type JobKind =
  | 'factor-open'
  | 'reminder'
  | 'weekly-digest'
  | 'auto-close'
  | 'final-digest'
  | 'action-reminder'
  | 'retention-purge'
  /** Forgets an uninstalled tenant (or one Teams team's channels) once the grace period has passed. */
  | 'tenant-forget';

export interface Job {
  /** Deterministic id, e.g. `<tenant>:<roundId>:reminder:<iso>`, so rescheduling is idempotent. */
  id: string;
  kind: JobKind;
  tenant: string;
  roundId: string;
  /** Due time, epoch milliseconds. */
  dueAt: number;
  /** Kind-specific data, e.g. the factor ids a reminder is about. */
  payload: Record<string, unknown>;
  attempts: number;
  lastError?: string;
}

export interface VoteInput {
  tenant: string;
  roundId: string;
  factorId: string;
  memberId: string;
  level: Level;
  /** The platform's interaction id; a repeat of the same id counts once. */
  interactionId: string;
  at: string;
  /**
   * The revision of the round the caller decided on (from getRoundVersioned). When given, the vote is stored only
   * if the round is still at that revision; otherwise the result is `stale` and nothing is stored.
   */
  roundRev?: string;
  /**
   * Also return the factor's answer stats and the voter's own answer (VoteResult.factorView), read in the same round
   * trip: for a platform that redraws the voter's own card after a vote. Leave it out when only the tally is needed.
   */
  withFactorView?: boolean;
  /**
   * The voter's display name, kept with the round's names (see Store.rememberNames) when the vote is accepted. Never
   * pass it in an anonymous round: the store stores what it is given.
   */
  name?: string;
}

/** What a voter's own card shows besides the tally, read with the vote (VoteInput.withFactorView). */
export interface VoterFactorView {
  stats: AnswerStats;
  /** The voter's saved answer to the factor, if any. */
  answer: Answer | null;
}

export interface VoteResult {
  /** False when this interaction id was already counted (a retry or a double click). */
  applied: boolean;
  /** False when the round was not open at the moment of the vote; nothing was stored. */
  accepted: boolean;
  previous: Level | null;
  counts: LevelCounts;
  /** True when `roundRev` was given and the round has changed since: nothing was stored; read the round again. */
  stale?: boolean;
  /** Only when asked for with `withFactorView` (whatever the outcome): the factor as the voter sees it after the vote. */
  factorView?: VoterFactorView;
}

/** A round and its revision, which changes with every write of the round (create, update), and not with rememberNames. */
export interface VersionedRound {
  round: Round;
  /**
   * Null when the round has no revision: it was last written by a release without revisions (before an upgrade, or by
   * a replica of the previous release during a rolling update), which changes the round without changing any revision.
   * Such a round must be read again for every vote, and voted on without `roundRev`.
   */
  rev: string | null;
}

/** What a factor's answers add up to, kept by the store beside the answers so a digest need not read them. */
export interface AnswerStats {
  /** Members whose answer has some text or at least one link. */
  answers: number;
  /** Evidence links over all answers. */
  evidence: number;
  /**
   * A preview: up to 5 links, at most 3 from any one answer, taking answers by their time, then member id
   * (the same whichever way the snapshot was read).
   */
  links: string[];
}

/** Everything a digest needs, read in a fixed number of round trips. */
export interface RoundSnapshot {
  round: Round;
  /** factorId → counts per level. */
  counts: Record<string, LevelCounts>;
  /** factorId → memberId → level. */
  votes: Record<string, Record<string, Level>>;
  /** factorId → memberId → answer; `{}` per factor when read with `answers: false`. */
  answers: Record<string, Record<string, Answer>>;
  /** factorId → answer stats. Both stores always fill it, in either read mode; optional for hand-built snapshots. */
  answerStats?: Record<string, AnswerStats>;
}

export interface SnapshotOptions {
  /** False: leave the answers out (their stats are still there). Default true. */
  answers?: boolean;
  /** False: leave the per-member votes out too (`votes` is `{}` per factor; the counts are there). Default true. */
  votes?: boolean;
}

/** One stored vote, as a paged read (Store.scanVotes) gives it. */
export interface VoteEntry {
  factorId: string;
  memberId: string;
  level: Level;
}

/** One stored answer, as a paged read (Store.scanAnswers) gives it. */
export interface AnswerEntry {
  factorId: string;
  memberId: string;
  answer: Answer;
}

export interface ScanOptions {
  /** Entries per page: a hint (Redis HSCAN COUNT), default 1000. */
  count?: number;
  /** Only this factor's entries (Redis: HSCAN MATCH on the field's factor part). */
  factorId?: string;
}

export interface KeptReport {
  /** The generation the round's kept reports are at; pass it back to keepReport. */
  epoch: string;
  /** The kept rendering, if there is one. */
  body: Buffer | null;
}

export interface CardRef {
  /** Platform message id: Slack `ts`, Teams activity id, playground message id. */
  messageId: string;
  channelId: string;
}

export interface StoredRecord {
  [key: string]: unknown;
}

export interface Store {
  readonly kind: 'redis' | 'embedded';
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Creates a round; fails with CONFLICT if the id exists. */
  createRound(round: Round): Promise<void>;
  getRound(tenant: string, roundId: string): Promise<Round | null>;
  /** The round with its revision, read together (see VoteInput.roundRev). */
  getRoundVersioned(tenant: string, roundId: string): Promise<VersionedRound | null>;
  /** Read-modify-write with optimistic concurrency; the mutator may throw to abort without writing. */
  updateRound(tenant: string, roundId: string, mutate: (round: Round) => Round): Promise<Round>;
  listRounds(tenant: string): Promise<Round[]>;
  /**
   * Adds or replaces display names (member id → name) without writing the round, so its revision stays and no open
   * card goes stale. Reads of the round show them in `round.names`. Nothing happens for an unknown round.
   */
  rememberNames(tenant: string, roundId: string, names: Record<string, string>): Promise<void>;
  /** Every tenant with at least one round (used by retention and erasure). */
  listTenants(): Promise<string[]>;
  deleteRound(tenant: string, roundId: string): Promise<void>;
  /** The round currently active (draft or open) in a channel, if any. */
  activeRoundForChannel(tenant: string, channelId: string): Promise<string | null>;
  setActiveRoundForChannel(tenant: string, channelId: string, roundId: string | null): Promise<void>;

  /** Atomic and idempotent: the vote and its tally change in one round trip. */
  recordVote(vote: VoteInput): Promise<VoteResult>;
  saveAnswer(tenant: string, roundId: string, answer: Answer): Promise<void>;
  /** The round, its tallies, answer stats and (unless left out with `opts`) votes and answers, in one round trip. */
  getSnapshot(tenant: string, roundId: string, opts?: SnapshotOptions): Promise<RoundSnapshot | null>;
  /**
   * The round's votes (or answers) in pages of about `opts.count`, each page one short read, so a report of a round of
   * any size never blocks the store nor holds one huge reply. Nothing for an unknown round. A page read while votes
   * arrive may miss or repeat an entry that moved meanwhile (as Redis HSCAN does); a closed round's pages are exact
   * with repeats collapsed by (factor, member).
   */
  scanVotes(tenant: string, roundId: string, opts?: ScanOptions): AsyncIterable<VoteEntry[]>;
  scanAnswers(tenant: string, roundId: string, opts?: ScanOptions): AsyncIterable<AnswerEntry[]>;
  /**
   * Who answered, per factor (factor id → member ids), from a paged read of the answers' small summaries rather than
   * the answers themselves: with readAnswers, a report reads one factor's answers at a time without a pass over the
   * whole round per factor. Empty for an unknown round. Optional: without it, scanAnswers with `factorId` is used.
   */
  answerMembers?(tenant: string, roundId: string, opts?: ScanOptions): Promise<Map<string, string[]>>;
  /** The answers of these members to one factor, in one short read (members without an answer are left out). */
  readAnswers?(tenant: string, roundId: string, factorId: string, memberIds: readonly string[]): Promise<AnswerEntry[]>;
  /**
   * A rendered report kept with its round (a closed round's report does not change), under a key the caller builds
   * from the round's revision, format and link, with the round's current generation of kept reports. Null for an
   * unknown round. Any write to the round (votes, answers, names, an erasure) or its deletion drops every kept report
   * of the round and starts a new generation; kept reports expire `ttlMs` after the last one was kept. Optional: a
   * store without it keeps nothing.
   */
  keptReport?(tenant: string, roundId: string, key: string, ttlMs: number): Promise<KeptReport | null>;
  /** Keeps `body` unless the round's generation is no longer `epoch` (it changed while rendering); true when kept. */
  keepReport?(tenant: string, roundId: string, key: string, epoch: string, body: Buffer, ttlMs: number): Promise<boolean>;
  getCounts(tenant: string, roundId: string, factorId: string): Promise<LevelCounts>;
  getMemberVote(tenant: string, roundId: string, factorId: string, memberId: string): Promise<Level | null>;
  getMemberAnswer(tenant: string, roundId: string, factorId: string, memberId: string): Promise<Answer | null>;
  /**
   * Privacy erasure, atomic per round: moves every vote of `memberId` (all factors) to `replacementId`, so the
   * tallies stay as they were, and deletes every answer of `memberId` and any display name remembered under it
   * (rememberNames). Nothing happens for an unknown round.
   */
  eraseMember(tenant: string, roundId: string, memberId: string, replacementId: string): Promise<{ votes: number; answers: number }>;

  setCardRef(tenant: string, roundId: string, factorId: string, ref: CardRef): Promise<void>;
  getCardRefs(tenant: string, roundId: string): Promise<Record<string, CardRef>>;

  /**
   * Delivery markers of one round (core/delivery/marks.ts): small records beside the round, in its slot, that all
   * expire `ttlMs` after the last write and go with the round when it is deleted. Written only while the round exists.
   */
  putMarks(tenant: string, roundId: string, marks: Record<string, StoredRecord>, ttlMs: number): Promise<void>;
  /** The markers among `fields` that are there (one read, however many fields). */
  getMarks(tenant: string, roundId: string, fields: string[]): Promise<Record<string, StoredRecord>>;
  /** The round's markers whose field ends with `suffix` (every marker with ''), read in pages: privacy requests. */
  scanMarks(tenant: string, roundId: string, suffix?: string): Promise<Record<string, StoredRecord>>;
  deleteMarks(tenant: string, roundId: string, fields: string[]): Promise<void>;

  /** SET NX with a TTL: true the first time a key is seen. */
  setIfNotExists(key: string, ttlMs: number): Promise<boolean>;

  /**
   * A server secret created once: stores `candidate` under `name` unless one is there (atomically, so replicas that
   * start together agree), and returns the value that is stored. Never expires, never part of any export.
   */
  ensureSecret(name: string, candidate: string): Promise<string>;

  /** Generic keyed records: Teams conversation references, Slack installations, action plans. */
  putRecord(collection: string, id: string, value: StoredRecord): Promise<void>;
  getRecord(collection: string, id: string): Promise<StoredRecord | null>;
  deleteRecord(collection: string, id: string): Promise<void>;
  /**
   * Every record of the collection, or with `of` only one tenant's (or one round's of it), as core/record-scope.ts
   * assigns them: read through a per-tenant index, so the work follows what that tenant holds, not the deployment.
   */
  listRecords(collection: string, of?: RecordsOf): Promise<Record<string, StoredRecord>>;
  /**
   * Read-modify-write of one record with optimistic concurrency: `mutate` gets the record (null when absent) and
   * returns the new one, or null to delete it; it may throw to abort without writing, and runs again when another
   * writer got in between. Returns what was written.
   */
  updateRecord(collection: string, id: string, mutate: (current: StoredRecord | null) => StoredRecord | null): Promise<StoredRecord | null>;

  /** Adds or replaces jobs by id. */
  scheduleJobs(jobs: Job[]): Promise<void>;
  /** Atomically leases up to `limit` jobs due at `now`; a leased job is invisible to others until `leaseMs` passes. */
  claimDueJobs(now: number, limit: number, leaseMs: number): Promise<Job[]>;
  completeJob(jobId: string): Promise<void>;
  /** Puts a failed job back with a new due time and attempt count. */
  retryJob(job: Job, nextDueAt: number, error: string): Promise<void>;
  cancelRoundJobs(tenant: string, roundId: string, kinds?: JobKind[]): Promise<void>;
  listJobs(tenant?: string, roundId?: string): Promise<Job[]>;

  /** Round trips made so far (for benchmarks and the fixed-round-trip tests). */
  roundTrips(): number;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
