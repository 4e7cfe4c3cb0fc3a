// Which tenant (and which rounds) a generic record (Store.putRecord) belongs to, so both stores can index records per
// tenant and per round, and privacy requests, retention and a tenant's forgetting read only that tenant's or round's
// records instead of a whole collection shared by every tenant of the deployment.

/** A stored record as ports.ts' StoredRecord has it (spelled out here: ports.ts imports this file). */
type StoredRecord = Readonly<Record<string, unknown>>;

/** A narrower listing of a collection: one tenant's records, or one round's of that tenant. */
export interface RecordsOf {
  tenant: string;
  roundId?: string;
}

export interface RecordScope {
  tenant: string;
  rounds: string[];
}

/** Collections whose record id is the tenant itself (an installation has no `tenant` field of ours). */
const KEYED_BY_TENANT = new Set(['slack-installations']);

/**
 * A record's tenant is its `tenant` field (dead jobs, Teams references, plans, the privacy audit) or, for collections
 * keyed by tenant, its id; its rounds are its `roundId`, `roundIds` and `deliveryRoundId`. Null: no tenant (the
 * playground's timeline), so only a listing of the whole collection finds it.
 */
export function recordScope(collection: string, id: string, value: StoredRecord): RecordScope | null {
  const tenant = typeof value.tenant === 'string' && value.tenant ? value.tenant : KEYED_BY_TENANT.has(collection) ? id : null;
  if (!tenant) return null;
  const rounds = new Set<string>();
  for (const field of ['roundId', 'deliveryRoundId'] as const) {
    const v = value[field];
    if (typeof v === 'string' && v) rounds.add(v);
  }
  if (Array.isArray(value.roundIds)) for (const v of value.roundIds as unknown[]) if (typeof v === 'string' && v) rounds.add(v);
  return { tenant, rounds: [...rounds] };
}

/** Whether a record belongs in a listing (everything, without `of`). */
export function inRecordScope(collection: string, id: string, value: StoredRecord, of?: RecordsOf): boolean {
  if (!of) return true;
  const scope = recordScope(collection, id, value);
  return scope !== null && scope.tenant === of.tenant && (of.roundId === undefined || scope.rounds.includes(of.roundId));
}
