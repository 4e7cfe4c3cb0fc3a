// The store's Lua scripts (scripts/*.lua), loaded once and run through typed functions with named arguments.
//
// Each script's file names its KEYS and ARGV as locals in the order below; this module is the only place that knows
// that order. Two files are libraries of local functions prepended to the scripts that need them. The files are read
// relative to this module, so they are found from src/ (tsx, vitest) and from dist/ (npm run build copies them).
// ioredis' defineCommand sends EVAL once per connection and EVALSHA after it, falling back on NOSCRIPT (a restarted or
// failed-over server), and the same commands work inside a pipeline.
import { readFileSync } from 'node:fs';
import type { ChainableCommander } from 'ioredis';
import type { JobBucketKeys, RoundKeys } from '../keys.js';
import type { RedisClient } from './client.js';

/** How a script is built: its file, the libraries in front of it, and its number of keys (none: the call says). */
interface ScriptSpec {
  file: string;
  libs?: readonly string[];
  keys?: number;
}

const SPECS = {
  vote: { file: 'vote.lua', libs: ['answer-preview.lua'], keys: 11 },
  snapshot: { file: 'snapshot.lua', libs: ['answer-preview.lua'], keys: 8 },
  roundRead: { file: 'round-read.lua', keys: 3 },
  createRound: { file: 'create-round.lua', keys: 3 },
  indexRemove: { file: 'index-remove.lua', keys: 2 },
  hsetIfRound: { file: 'hset-if-round.lua', keys: 3 },
  putMarks: { file: 'put-marks.lua', keys: 2 },
  saveAnswer: { file: 'save-answer.lua', libs: ['answer-meta.lua'], keys: 6 },
  eraseMember: { file: 'erase-member.lua', libs: ['answer-meta.lua'], keys: 9 },
  scheduleJobs: { file: 'schedule-jobs.lua' },
  claimJobs: { file: 'claim-jobs.lua', keys: 2 },
  completeJob: { file: 'complete-job.lua', keys: 3 },
  retryJob: { file: 'retry-job.lua', keys: 2 },
  cancelJobs: { file: 'cancel-jobs.lua', keys: 4 },
  unlock: { file: 'unlock.lua', keys: 1 },
  keptReportEpoch: { file: 'kept-report-epoch.lua', keys: 2 },
  keepReport: { file: 'keep-report.lua', keys: 2 },
} as const satisfies Record<string, ScriptSpec>;

export type ScriptName = keyof typeof SPECS;

const files = new Map<string, string>();

function readScriptFile(file: string): string {
  let text = files.get(file);
  if (text === undefined) {
    text = readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8');
    files.set(file, text);
  }
  return text;
}

/** The Lua source of a script as sent to Redis: its libraries, then the script itself. */
export function scriptSource(name: ScriptName): string {
  const spec: ScriptSpec = SPECS[name];
  return [...(spec.libs ?? []), spec.file].map(readScriptFile).join('\n');
}

const COMMAND_PREFIX = 'assessStore_';

type ScriptFn = (...args: (string | number | Buffer)[]) => Promise<unknown>;
/** Runs one round trip: the store counts it and maps connection failures. */
export type TripRunner = <T>(fn: () => Promise<T>) => Promise<T>;

// --- the replies, named --------------------------------------------------------------------------

export interface VoteArgs {
  /** memberField(factor, member). */
  field: string;
  level: string;
  at: string;
  interactionTtlMs: number;
  /** The encoded factor id (the counts and answer-stats fields start with it and `|`). */
  factor: string;
  /** Refuse the vote as stale unless the round is at this revision; null: no check. */
  expectedRev: string | null;
  /** Also read the factor's answer totals, preview and the voter's answer. */
  withView: boolean;
  previewLinks: number;
  /** Stored in the names hash when the vote is accepted. */
  name: { field: string; value: string } | null;
}

export interface VoteReply {
  /** 1 accepted, 0 the round is not open, 2 the round is not at the expected revision. */
  outcome: 0 | 1 | 2;
  applied: boolean;
  /** The member's level before the vote, '' for none (not validated). */
  previous: string;
  /** in-place, partly, not-in-place, dont-know. */
  counts: [number, number, number, number];
  view?: { answers: number; evidence: number; preview: string[]; answerJson: string | null };
}

export interface SnapshotReply {
  round: string;
  /** Flat field, value lists, as HGETALL returns them. */
  counts: string[];
  votes: string[];
  answers: string[];
  answerStats: string[];
  /** field, summary pairs of each factor's first answers with links. */
  preview: string[];
  names: string[];
}

export interface RoundRead {
  json: string;
  rev: string | null;
  /** Flat member field, name list. */
  names: string[];
}

export type JobKeys = JobBucketKeys;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function roundReadFrom(reply: unknown): RoundRead | null {
  const [json, rev, names] = reply as [unknown, unknown, unknown];
  return typeof json === 'string' ? { json, rev: stringOrNull(rev), names: strings(names) } : null;
}

/** The scripts defined on one client, as typed functions. */
export class StoreScripts {
  constructor(
    private readonly client: RedisClient,
    private readonly trip: TripRunner,
  ) {
    for (const [name, spec] of Object.entries(SPECS) as [ScriptName, ScriptSpec][]) {
      client.defineCommand(COMMAND_PREFIX + name, {
        lua: scriptSource(name),
        ...(spec.keys === undefined ? {} : { numberOfKeys: spec.keys }),
      });
    }
  }

  private command(on: RedisClient | ChainableCommander, name: ScriptName): ScriptFn {
    const fn = (on as unknown as Record<string, ScriptFn | undefined>)[COMMAND_PREFIX + name];
    if (!fn) throw new Error(`script ${name} is not defined`);
    return fn.bind(on);
  }

  private run(name: ScriptName, ...args: (string | number | Buffer)[]): Promise<unknown> {
    const fn = this.command(this.client, name);
    return this.trip(() => fn(...args));
  }

  async vote(k: RoundKeys, interactionKey: string, a: VoteArgs): Promise<VoteReply> {
    const r = (await this.run(
      'vote',
      k.status,
      interactionKey,
      k.votes,
      k.votedAt,
      k.counts,
      k.rev,
      k.answers,
      k.answerMeta,
      k.answerStats,
      k.answerOrder,
      k.names,
      a.field,
      a.level,
      a.at,
      a.interactionTtlMs,
      a.factor,
      a.expectedRev ?? '',
      a.withView ? '1' : '0',
      a.previewLinks,
      a.name?.field ?? '',
      a.name?.value ?? '',
    )) as unknown[];
    const n = (i: number) => Number(r[i]) || 0;
    const reply: VoteReply = {
      outcome: n(0) === 2 ? 2 : n(0) === 1 ? 1 : 0,
      applied: n(1) === 1,
      previous: typeof r[2] === 'string' ? r[2] : '',
      counts: [n(3), n(4), n(5), n(6)],
    };
    if (a.withView) reply.view = { answers: n(7), evidence: n(8), preview: strings(r[9]), answerJson: stringOrNull(r[10]) };
    return reply;
  }

  async snapshot(k: RoundKeys, a: { withAnswers: boolean; withVotes: boolean; previewLinks: number }): Promise<SnapshotReply | null> {
    const r = (await this.run(
      'snapshot',
      k.round,
      k.counts,
      k.votes,
      k.answers,
      k.answerMeta,
      k.answerStats,
      k.answerOrder,
      k.names,
      a.withAnswers ? '1' : '0',
      a.withVotes ? '1' : '0',
      a.previewLinks,
    )) as unknown[];
    if (typeof r[0] !== 'string') return null;
    return {
      round: r[0],
      counts: strings(r[1]),
      votes: strings(r[2]),
      answers: strings(r[3]),
      answerStats: strings(r[4]),
      preview: strings(r[5]),
      names: strings(r[6]),
    };
  }

  async roundRead(k: RoundKeys): Promise<RoundRead | null> {
    return roundReadFrom(await this.run('roundRead', k.round, k.rev, k.names));
  }

  /** Several rounds (different slots): one pipeline on a single server, one call each on a cluster. */
  async roundReads(keys: RoundKeys[]): Promise<(RoundRead | null)[]> {
    if (keys.length === 0) return [];
    if (this.client.isCluster) return Promise.all(keys.map((k) => this.roundRead(k)));
    const pipeline = this.client.pipeline();
    const read = this.command(pipeline, 'roundRead');
    // Queued on the pipeline (the call returns the pipeline, not a reply); exec sends them together.
    for (const k of keys) void read(k.round, k.rev, k.names);
    return this.trip(async () =>
      ((await pipeline.exec()) ?? []).map(([err, value]) => {
        if (err) throw err;
        return roundReadFrom(value);
      }),
    );
  }

  async createRound(k: RoundKeys, a: { json: string; status: string; rev: string }): Promise<boolean> {
    return Number(await this.run('createRound', k.round, k.status, k.rev, a.json, a.status, a.rev)) === 1;
  }

  /** Removes a round from its tenant's index and active channels; returns how many rounds the tenant has left. */
  async indexRemove(k: { tenantRounds: string; active: string }, a: { roundId: string }): Promise<number> {
    return Number(await this.run('indexRemove', k.tenantRounds, k.active, a.roundId));
  }

  /** HSET of `fields` into one of a round's hashes while the round exists; false when it does not. */
  async hsetIfRound(k: { round: string; hash: string; reports: string }, fields: Record<string, string>): Promise<boolean> {
    return Number(await this.run('hsetIfRound', k.round, k.hash, k.reports, ...Object.entries(fields).flat())) === 1;
  }

  /** Delivery markers into a round's marker hash while the round exists; the hash expires `ttlMs` after this write. */
  async putMarks(k: { round: string; marks: string }, a: { ttlMs: number; marks: Record<string, string> }): Promise<boolean> {
    return Number(await this.run('putMarks', k.round, k.marks, Math.max(1, Math.ceil(a.ttlMs)), ...Object.entries(a.marks).flat())) === 1;
  }

  async saveAnswer(
    k: RoundKeys,
    a: { field: string; answerJson: string; summary: string; filled: boolean; links: number; orderEntry: string },
  ): Promise<boolean> {
    const reply = await this.run(
      'saveAnswer',
      k.round,
      k.answers,
      k.answerMeta,
      k.answerStats,
      k.answerOrder,
      k.reports,
      a.field,
      a.answerJson,
      a.summary,
      a.filled ? '1' : '0',
      a.links,
      a.orderEntry,
    );
    return Number(reply) === 1;
  }

  /** `member` and `replacement` are encoded member ids; `nameField` the member's field in the names hash. */
  async eraseMember(k: RoundKeys, a: { member: string; replacement: string; nameField: string }): Promise<{ votes: number; answers: number }> {
    const r = (await this.run(
      'eraseMember',
      k.round,
      k.votes,
      k.votedAt,
      k.answers,
      k.answerMeta,
      k.answerStats,
      k.answerOrder,
      k.names,
      k.reports,
      a.member,
      a.replacement,
      a.nameField,
    )) as unknown[];
    return { votes: Number(r[0]) || 0, answers: Number(r[1]) || 0 };
  }

  /** The round's kept-report generation (created with `a.ttlMs` when missing); null for an unknown round. */
  async keptReportEpoch(k: Pick<RoundKeys, 'round' | 'reports'>, a: { newEpoch: string; ttlMs: number }): Promise<string | null> {
    return stringOrNull(await this.run('keptReportEpoch', k.round, k.reports, a.newEpoch, Math.max(1, Math.ceil(a.ttlMs))));
  }

  async keepReport(k: Pick<RoundKeys, 'round' | 'reports'>, a: { epoch: string; field: string; body: Buffer; ttlMs: number }): Promise<boolean> {
    return Number(await this.run('keepReport', k.round, k.reports, a.epoch, a.field, a.body, Math.max(1, Math.ceil(a.ttlMs)))) === 1;
  }

  async scheduleJobs(k: JobKeys, jobs: { id: string; json: string; dueAt: number; roundSet: string }[]): Promise<void> {
    if (jobs.length === 0) return;
    const keys = [k.due, k.data, k.owner, ...jobs.map((j) => j.roundSet)];
    await this.run('scheduleJobs', keys.length, ...keys, ...jobs.flatMap((j) => [j.id, j.json, j.dueAt]));
  }

  /** Leases up to `limit` jobs of the bucket due at `now`, earliest first; the JSON of each leased job. */
  async claimJobs(k: Pick<JobKeys, 'due' | 'data'>, a: { now: number; limit: number; leaseUntil: number }): Promise<string[]> {
    return strings(await this.run('claimJobs', k.due, k.data, a.now, a.limit, a.leaseUntil));
  }

  async completeJob(k: JobKeys, a: { id: string }): Promise<void> {
    await this.run('completeJob', k.due, k.data, k.owner, a.id);
  }

  /** False when the job was cancelled meanwhile (it stays cancelled). */
  async retryJob(k: Pick<JobKeys, 'due' | 'data'>, a: { id: string; json: string; dueAt: number }): Promise<boolean> {
    return Number(await this.run('retryJob', k.due, k.data, a.id, a.json, a.dueAt)) === 1;
  }

  /** No kinds: every job of the round. */
  async cancelJobs(k: JobKeys & { roundSet: string }, a: { kinds: readonly string[] }): Promise<number> {
    return Number(await this.run('cancelJobs', k.due, k.data, k.owner, k.roundSet, ...a.kinds)) || 0;
  }

  async unlock(k: { lock: string }, a: { token: string }): Promise<boolean> {
    return Number(await this.run('unlock', k.lock, a.token)) === 1;
  }
}
