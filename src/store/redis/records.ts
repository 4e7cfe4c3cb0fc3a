// Generic records (Store.putRecord) in Redis: one hash per collection, plus per-tenant indexes of record ids in the
// tenant's `{t:<T>}` slot (keys.ts `recordIndex`): one set of the tenant's ids per collection and one per round, as
// core/record-scope.ts assigns records to tenants and rounds. A listing of one tenant or round reads its index and then
// only those records, so privacy requests, retention and forgetting a tenant never read what other tenants hold.
//
// The record hash and the indexes live in different slots, so they cannot change in one command on a Cluster. The
// order makes that safe: a record is indexed before it is written, and unindexed after it is deleted. An index entry
// can therefore outlive its record (or point at a record that moved to another round): every listing checks each
// record it reads against its scope again, drops such entries and leaves the record alone.
import { recordScope, type RecordScope, type RecordsOf } from '../../core/record-scope.js';
import type { StoredRecord } from '../../core/ports.js';
import { AppError } from '../../core/errors.js';
import type { Keys } from '../keys.js';
import type { RedisClient } from './client.js';
import type { Redis } from 'ioredis';
import { StoreScripts, type TripRunner } from './scripts.js';

/** How often a record update reads and tries again when other writers keep getting in first. */
const RECORD_CAS_ATTEMPTS = 20;
/** Ids read from an index, and records read by HMGET, per command. */
const PAGE = 500;

export class RedisRecords {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
    private readonly scripts: StoreScripts,
    private readonly trip: TripRunner,
  ) {}

  private indexKeys(collection: string, scope: RecordScope): string[] {
    return [this.keys.recordIndex(collection, scope.tenant), ...scope.rounds.map((r) => this.keys.recordIndex(collection, scope.tenant, r))];
  }

  /**
   * Adds `id` to every index of its scope it is not in yet (migration 5 calls it for old records). Asked first, so
   * writing a record again leaves its indexes untouched: an SADD of a member already there can still make Redis grow
   * and rehash the set, which is a change to the stored bytes. Each step is one MULTI in the tenant's slot.
   */
  async index(collection: string, id: string, value: StoredRecord | null): Promise<void> {
    const scope = value ? recordScope(collection, id, value) : null;
    if (!scope) return;
    const keys = this.indexKeys(collection, scope);
    const present = await this.trip(() => keys.reduce((m, key) => m.sismember(key, id), this.client.multi()).exec());
    const missing = keys.filter((_, i) => present?.[i]?.[1] !== 1);
    if (missing.length > 0) await this.trip(() => missing.reduce((m, key) => m.sadd(key, id), this.client.multi()).exec());
  }

  /** Removes `id` from the indexes `before` put it in and `after` does not. */
  private async unindex(collection: string, id: string, before: StoredRecord | null, after: StoredRecord | null): Promise<void> {
    const old = before ? recordScope(collection, id, before) : null;
    if (!old) return;
    const now = after ? recordScope(collection, id, after) : null;
    const keep = new Set(now && now.tenant === old.tenant ? this.indexKeys(collection, now) : []);
    const stale = this.indexKeys(collection, old).filter((k) => !keep.has(k));
    if (stale.length > 0) await this.trip(() => stale.reduce((m, key) => m.srem(key, id), this.client.multi()).exec());
  }

  private async read(collection: string, id: string): Promise<StoredRecord | null> {
    const json = await this.trip(() => this.client.hget(this.keys.records(collection), id));
    return json === null ? null : (JSON.parse(json) as StoredRecord);
  }

  async put(collection: string, id: string, value: StoredRecord): Promise<void> {
    await this.index(collection, id, value);
    await this.trip(() => this.client.hset(this.keys.records(collection), id, JSON.stringify(value)));
  }

  get(collection: string, id: string): Promise<StoredRecord | null> {
    return this.read(collection, id);
  }

  async delete(collection: string, id: string): Promise<void> {
    const before = await this.read(collection, id);
    await this.trip(() => this.client.hdel(this.keys.records(collection), id));
    await this.unindex(collection, id, before, null);
  }

  async update(collection: string, id: string, mutate: (current: StoredRecord | null) => StoredRecord | null): Promise<StoredRecord | null> {
    const hash = this.keys.records(collection);
    for (let attempt = 0; attempt < RECORD_CAS_ATTEMPTS; attempt++) {
      const before = (await this.trip(() => this.client.hget(hash, id))) ?? '';
      const current = before === '' ? null : (JSON.parse(before) as StoredRecord);
      const next = mutate(current);
      await this.index(collection, id, next);
      const value = next === null ? '' : JSON.stringify(next);
      if (await this.scripts.recordCas({ hash }, { field: id, expected: before, value })) {
        await this.unindex(collection, id, current, next);
        return next;
      }
    }
    throw new AppError('CONFLICT');
  }

  async list(collection: string, of?: RecordsOf): Promise<Record<string, StoredRecord>> {
    const out: Record<string, StoredRecord> = {};
    if (!of) {
      const all = await this.trip(() => this.client.hgetall(this.keys.records(collection)));
      for (const [id, json] of Object.entries(all)) out[id] = JSON.parse(json) as StoredRecord;
      return out;
    }
    const index = this.keys.recordIndex(collection, of.tenant, of.roundId);
    const stale: string[] = [];
    let cursor = '0';
    do {
      const [next, ids] = await this.trip(() => this.client.sscan(index, cursor, 'COUNT', PAGE));
      cursor = next;
      if (ids.length === 0) continue;
      const values = await this.trip(() => this.client.hmget(this.keys.records(collection), ...ids));
      ids.forEach((id, i) => {
        const json = values[i];
        const value = typeof json === 'string' ? (JSON.parse(json) as StoredRecord) : null;
        const scope = value ? recordScope(collection, id, value) : null;
        if (value && scope?.tenant === of.tenant && (of.roundId === undefined || scope.rounds.includes(of.roundId))) out[id] = value;
        else stale.push(id);
      });
    } while (cursor !== '0');
    // Entries whose record is gone or belongs elsewhere now (a put that moved it): dropped, the record left alone.
    for (let i = 0; i < stale.length; i += PAGE) {
      const ids = stale.slice(i, i + PAGE);
      await this.trip(() => this.client.srem(index, ...ids));
    }
    return out;
  }
}

/** Migration 5: indexes every record already stored, per tenant and round (idempotent: set additions). */
export async function indexRecords(client: RedisClient, keys: Keys, masters: Redis[]): Promise<void> {
  const direct: TripRunner = (fn) => fn();
  const records = new RedisRecords(client, keys, new StoreScripts(client, direct), direct);
  for (const node of masters) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', keys.recordsScanPattern(), 'COUNT', 1000);
      cursor = next;
      for (const hash of found) {
        const collection = keys.collectionOf(hash);
        if (collection === null || (await client.type(hash)) !== 'hash') continue;
        let field = '0';
        do {
          const [nextField, flat] = await client.hscan(hash, field, 'COUNT', 1000);
          field = nextField;
          for (let i = 0; i + 1 < flat.length; i += 2) {
            let value: unknown;
            try {
              value = JSON.parse(flat[i + 1]!);
            } catch {
              continue;
            }
            if (value && typeof value === 'object' && !Array.isArray(value)) await records.index(collection, flat[i]!, value as StoredRecord);
          }
        } while (field !== '0');
      }
    } while (cursor !== '0');
  }
}
