// Rounds in Redis: the round JSON with its status and revision, the names beside it, the tenant index and channels.
//
// The only cross-slot sequences are create and delete (round keys, tenant index, tenant set), ordered so that an
// interruption leaves nothing visible: create indexes first (an index entry without a round is skipped by list),
// delete deletes the round first.
import { randomBytes } from 'node:crypto';
import { assertAnonymityFrozen } from '../../core/anonymity.js';
import { AppError } from '../../core/errors.js';
import { RoundSchema, type Round } from '../../core/model.js';
import type { VersionedRound } from '../../core/ports.js';
import { NamesSchema } from '../inputs.js';
import { invalid } from '../invalid.js';
import { BUCKETS, nameField, type Keys } from '../keys.js';
import type { RedisClient } from './client.js';
import { mapError } from './errors.js';
import { withNames } from './replies.js';
import type { RoundRead, StoreScripts, TripRunner } from './scripts.js';

const UPDATE_ATTEMPTS = 5;
const PARSED_ROUND_CACHE = 256;
const PARSED_ROUND_MAX_CHARS = 32 * 1024;

/** A fresh, unique round revision: random, so a deleted and re-created round never repeats an old one. */
export const newRev = (): string => randomBytes(9).toString('base64url');


// WATCH is per connection, and any EXEC on the connection drops every WATCH on it. So on one shared client,
// WATCH…EXEC sequences are serialised, and no other store code uses MULTI (multi-key writes are Lua scripts instead).
const watchQueues = new WeakMap<object, Promise<void>>();

async function serialisedOn<T>(client: object, fn: () => Promise<T>): Promise<T> {
  const previous = watchQueues.get(client) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = previous.then(() => mine);
  watchQueues.set(client, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (watchQueues.get(client) === tail) watchQueues.delete(client);
  }
}

export class RedisRounds {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
    private readonly scripts: StoreScripts,
    private readonly trip: TripRunner,
  ) {}

  /**
   * Validated rounds by their exact JSON: every vote reads its round, and re-validating an unchanged round with zod
   * was a measurable share of the vote path. Callers get their own copy; large rounds are not cached.
   */
  private readonly parsed = new Map<string, Round>();

  parse(json: string): Round {
    const cached = this.parsed.get(json);
    if (cached) return structuredClone(cached);
    const round = RoundSchema.parse(JSON.parse(json));
    if (json.length <= PARSED_ROUND_MAX_CHARS) {
      if (this.parsed.size >= PARSED_ROUND_CACHE) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(json, structuredClone(round));
    }
    return round;
  }

  private fromRead(read: RoundRead): Round {
    return withNames(this.parse(read.json), read.names);
  }

  async create(input: Round): Promise<void> {
    let round: Round;
    try {
      round = RoundSchema.parse(input);
    } catch (err) {
      invalid(err);
    }
    // Index first: an index entry whose round never got written is skipped by list.
    // The tenant set first, then the tenant's own index (another slot): delete re-checks in the opposite order.
    await this.trip(() => this.client.sadd(this.keys.tenants(round.tenant), round.tenant));
    await this.trip(() => this.client.zadd(this.keys.tenantRounds(round.tenant), 'NX', Date.parse(round.createdAt), round.id));
    const k = this.keys.round(round.tenant, round.id);
    const created = await this.scripts.createRound(k, { json: JSON.stringify(round), status: round.status, rev: newRev() });
    if (!created) throw new AppError('CONFLICT');
  }

  async get(tenant: string, roundId: string): Promise<Round | null> {
    const read = await this.scripts.roundRead(this.keys.round(tenant, roundId));
    return read && this.fromRead(read);
  }

  async getVersioned(tenant: string, roundId: string): Promise<VersionedRound | null> {
    const read = await this.scripts.roundRead(this.keys.round(tenant, roundId));
    // No revision: an older release wrote the round, and may write it again without one; it cannot be remembered.
    return read && { round: this.fromRead(read), rev: read.rev };
  }

  /**
   * Optimistic read-modify-write under WATCH of the round and its names. The mutator sees the names hash laid over
   * the JSON's names; the result's names go into the JSON and the hash is emptied in the same transaction, so a name
   * the mutator removed (privacy erasure) cannot come back from the hash, and a name remembered meanwhile makes the
   * transaction retry instead of being lost.
   */
  async update(tenant: string, roundId: string, mutate: (round: Round) => Round): Promise<Round> {
    const k = this.keys.round(tenant, roundId);
    return serialisedOn(this.client, async () => {
      for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
        await this.trip(() => this.client.watch(k.round, k.names));
        let next: Round;
        try {
          const read = await this.scripts.roundRead(k);
          if (read === null) throw new AppError('ROUND_NOT_FOUND');
          const before = this.fromRead(read);
          const changed = mutate(this.fromRead(read));
          try {
            next = RoundSchema.parse(changed);
          } catch (err) {
            invalid(err);
          }
          if (next.id !== roundId || next.tenant !== tenant) {
            throw new AppError('INVALID_INPUT', { detail: 'a round keeps its id and tenant' });
          }
          assertAnonymityFrozen(before, next);
        } catch (err) {
          await this.trip(() => this.client.unwatch()).catch(() => undefined);
          throw err;
        }
        const result = await this.trip(() =>
          this.client
            .multi()
            .set(k.round, JSON.stringify(next))
            .set(k.status, next.status)
            .set(k.rev, newRev())
            .del(k.names)
            .del(k.reports)
            .exec(),
        );
        if (result !== null) {
          const failed = result.find(([err]) => err !== null);
          if (failed?.[0]) throw mapError(failed[0]);
          return next;
        }
        // Another writer changed the round or its names between our read and our write: read again.
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
      }
      throw new AppError('CONFLICT');
    });
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
    const k = this.keys.round(tenant, roundId);
    await this.scripts.hsetIfRound({ round: k.round, hash: k.names, reports: k.reports }, Object.fromEntries(entries.map(([id, name]) => [nameField(id), name])));
  }

  async list(tenant: string): Promise<Round[]> {
    const ids = await this.trip(() => this.client.zrange(this.keys.tenantRounds(tenant), 0, -1));
    const reads = await this.scripts.roundReads(ids.map((id) => this.keys.round(tenant, id)));
    return reads.filter((r): r is RoundRead => r !== null).map((r) => this.fromRead(r));
  }

  async listTenants(): Promise<string[]> {
    const shards = await Promise.all(
      Array.from({ length: BUCKETS }, (_, b) => this.trip(() => this.client.smembers(this.keys.tenantShard(b)))),
    );
    return shards.flat().sort();
  }

  /** The round's keys and index entries; its jobs are the job queue's. */
  async delete(tenant: string, roundId: string): Promise<void> {
    const k = this.keys.round(tenant, roundId);
    // The round first (one DEL, one slot): from then on nothing can vote or read it. Interaction
    // dedupe keys are left to expire (INTERACTION_TTL_MS); they hold no personal data.
    await this.trip(() => this.client.del(...k.all));
    const left = await this.scripts.indexRemove({ tenantRounds: this.keys.tenantRounds(tenant), active: this.keys.activeChannels(tenant) }, { roundId });
    if (left > 0) return;
    // The tenant set lives in another slot. A round created meanwhile added the tenant before indexing itself, so
    // after taking the tenant out, look again and put it back if a round has appeared.
    const tenants = this.keys.tenants(tenant);
    await this.trip(() => this.client.srem(tenants, tenant));
    if ((await this.trip(() => this.client.zcard(this.keys.tenantRounds(tenant)))) > 0) await this.trip(() => this.client.sadd(tenants, tenant));
  }

  async activeForChannel(tenant: string, channelId: string): Promise<string | null> {
    return this.trip(() => this.client.hget(this.keys.activeChannels(tenant), channelId));
  }

  async setActiveForChannel(tenant: string, channelId: string, roundId: string | null): Promise<void> {
    const key = this.keys.activeChannels(tenant);
    if (roundId === null) await this.trip(() => this.client.hdel(key, channelId));
    else await this.trip(() => this.client.hset(key, channelId, roundId));
  }
}
