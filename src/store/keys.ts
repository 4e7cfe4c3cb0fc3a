// Redis key layout, and the hash-field encodings both stores share (the answer summaries are in answer-summary.ts).
//
// Every tenant-supplied string (tenant, round id, channel id, collection, interaction id…) goes
// through `enc`, whose output alphabet is [A-Za-z0-9.%-] only. So an encoded part never contains
// `:` (our separator), `{`/`}` (Redis Cluster hash tags), `|` (our field separator) or a glob
// character, and the layout below cannot be forged by a tenant called e.g. `a:{r:b`.
//
//   <P>:schema-version                         string  schema version (migrations)
//   <P>:schema-lock                            string  held while migrating
//   <P>:{idx:<b>}:tenants                      set     tenants with at least one round, b = bucketOf(tenant)
//   <P>:<T>:{t:<T>}:rounds                     zset    round ids of a tenant, scored by createdAt
//   <P>:<T>:{t:<T>}:active                     hash    channel id → active round id
//   <P>:<T>:{r:<T>:<R>}:round                  string  the round as JSON (RoundSchema)
//   <P>:<T>:{r:<T>:<R>}:status                 string  round.status, written with every round write
//   <P>:<T>:{r:<T>:<R>}:rev                    string  a random token, replaced with every round write (votes check it)
//   <P>:<T>:{r:<T>:<R>}:names                  hash    <M> → display name; read over the round JSON's names (this
//                                                      wins), folded into the JSON by the next updateRound
//   <P>:<T>:{r:<T>:<R>}:votes                  hash    <F>|<M> → level
//   <P>:<T>:{r:<T>:<R>}:voted-at               hash    <F>|<M> → ISO time of the vote
//   <P>:<T>:{r:<T>:<R>}:counts                 hash    <F>|<level> → count
//   <P>:<T>:{r:<T>:<R>}:answers                hash    <F>|<M> → Answer JSON
//   <P>:<T>:{r:<T>:<R>}:answer-meta            hash    <F>|<M> → the answer's summary (answer-summary.ts), written with it
//   <P>:<T>:{r:<T>:<R>}:answer-stats           hash    <F>|answers, <F>|evidence → totals over the factor's answers
//   <P>:<T>:{r:<T>:<R>}:answer-order           zset    answerOrderEntry of each answer with links (all score 0, by lex)
//   <P>:<T>:{r:<T>:<R>}:cards                  hash    <F> → CardRef JSON
//   <P>:<T>:{r:<T>:<R>}:reports                hash    kept report key → gzipped rendering; PEXPIRE'd, dropped by any
//                                                      write to the round (Store.keepReport)
//   <P>:<T>:{r:<T>:<R>}:sent                   hash    delivery marker field (core/delivery/marks.ts) → JSON; PEXPIRE
//                                                      after each write, deleted with the round
//   <P>:<T>:{r:<T>:<R>}:ix:<I>                 string  interaction dedupe, PX 15 min
//   <P>:{jobs:<b>}:due                         zset    job id → due time (or lease expiry), ms; b = bucketOf(job id)
//   <P>:{jobs:<b>}:data                        hash    job id → Job JSON
//   <P>:{jobs:<b>}:owner                       hash    job id → key of its per-round set
//   <P>:{jobs:<b>}:round:<T>:<R>               set     job ids of one round in bucket b
//   <P>:nx:<K>                                 string  setIfNotExists, PX ttl
//   <P>:secret:<S>                             string  a server secret created once (ensureSecret), no TTL
//   <P>:rec:<C>                                hash    record id → JSON
//   <P>:<T>:{t:<T>}:rec:<C>                    set     ids of the tenant's records in <C> (core/record-scope.ts)
//   <P>:<T>:{t:<T>}:rec:<C>:r:<R>              set     ids of those records that belong to round <R>
//
// (<P> prefix, <T> tenant, <R> round, <F> factor, <M> member, <I> interaction, <K> key, <C>
// collection, all encoded.) Keys of one round share the `{r:…}` slot, so the vote and snapshot scripts, updateRound's
// WATCH/MULTI and deleteRound work on Redis Cluster. The job queue is BUCKETS queues, each in its own `{jobs:<b>}` slot
// (a job lives in one bucket, chosen by its id, so each claim stays one atomic script); a tenant's index keys share
// its own `{t:<T>}` slot, and the set of tenants is split over BUCKETS `{idx:<b>}` slots. So adding masters spreads
// the scheduler's and the indexes' load instead of leaving them on one hot slot. (Schema 3 moved the old single
// `{jobs}` and `{idx}` keys: migrations.ts.)
// Display names live beside the round JSON, not in it: writing the JSON replaces `rev`, which every open card carries,
// so a name learned on a first vote would turn every other voter's next click stale.
// Tenant keys always have `{` at the start of their third segment; global keys have `{` at the start
// of the second one or are fixed words followed by encoded parts, so the two families never meet.
import { crc32 } from 'node:zlib';
import type { Level } from '../core/model.js';

/** How many job queues and tenant-set shards there are (fixed: changing it needs a migration). */
export const BUCKETS = 16;

/** The bucket (0 … BUCKETS-1) a job id or tenant belongs to. */
export function bucketOf(id: string): number {
  return crc32(id) % BUCKETS;
}

/** The keys of one job bucket; all in its `{jobs:<b>}` slot. */
export interface JobBucketKeys {
  due: string;
  data: string;
  owner: string;
}

/** A repeated interaction id within this window counts once. */
export const INTERACTION_TTL_MS = 15 * 60 * 1000;

/** What enc leaves as it is: letters, digits, '-' and '.' (most platform ids are only these). */
const PLAIN = /^[A-Za-z0-9.-]*$/;

/** encodeURIComponent, plus the characters it leaves alone that matter to us (`!'()*~` and `_`). */
export function enc(part: string): string {
  if (PLAIN.test(part)) return part;
  return encodeURIComponent(part).replace(
    /[!'()*~_]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'),
  );
}

export function dec(part: string): string {
  // Only an escape changes anything: most parts have none.
  return part.includes('%') ? decodeURIComponent(part) : part;
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
  /** Display names learned after the round was written (member → name); never changes `rev`. */
  names: string;
  votes: string;
  votedAt: string;
  counts: string;
  answers: string;
  answerMeta: string;
  answerStats: string;
  answerOrder: string;
  cards: string;
  /** Rendered reports kept for the round (Store.keepReport). */
  reports: string;
  /** Delivery markers (putMarks): expire as a whole, some time after the last delivery. */
  marks: string;
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

  /** The shard of the tenant set that holds `tenant`. */
  tenants(tenant: string): string {
    return this.tenantShard(bucketOf(tenant));
  }

  tenantShard(bucket: number): string {
    return `${this.prefix}:{idx:${bucket}}:tenants`;
  }

  tenantRounds(tenant: string): string {
    const t = enc(tenant);
    return `${this.prefix}:${t}:{t:${t}}:rounds`;
  }

  activeChannels(tenant: string): string {
    const t = enc(tenant);
    return `${this.prefix}:${t}:{t:${t}}:active`;
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
      names: `${base}:names`,
      votes: `${base}:votes`,
      votedAt: `${base}:voted-at`,
      counts: `${base}:counts`,
      answers: `${base}:answers`,
      answerMeta: `${base}:answer-meta`,
      answerStats: `${base}:answer-stats`,
      answerOrder: `${base}:answer-order`,
      cards: `${base}:cards`,
      reports: `${base}:reports`,
      marks: `${base}:sent`,
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

  /** Bucket `b`'s queue keys. */
  jobBucket(bucket: number): JobBucketKeys {
    const base = `${this.prefix}:{jobs:${bucket}}`;
    return { due: `${base}:due`, data: `${base}:data`, owner: `${base}:owner` };
  }

  /** The job ids of one round that live in bucket `b` (a round's jobs are spread over the buckets by job id). */
  roundJobs(bucket: number, tenant: string, roundId: string): string {
    return `${this.prefix}:{jobs:${bucket}}:round:${enc(tenant)}:${enc(roundId)}`;
  }

  /** Keys of the layout before schema 3 (one `{jobs}` and one `{idx}` slot), read only by the migration. */
  legacy(): { jobsDue: string; jobsData: string; jobsOwner: string; tenants: string; tenantRounds(t: string): string; activeChannels(t: string): string } {
    const p = this.prefix;
    return {
      jobsDue: `${p}:{jobs}:due`,
      jobsData: `${p}:{jobs}:data`,
      jobsOwner: `${p}:{jobs}:owner`,
      tenants: `${p}:{idx}:tenants`,
      tenantRounds: (t) => `${p}:${enc(t)}:{idx}:rounds`,
      activeChannels: (t) => `${p}:${enc(t)}:{idx}:active`,
    };
  }

  nx(key: string): string {
    return `${this.prefix}:nx:${enc(key)}`;
  }

  records(collection: string): string {
    return `${this.prefix}:rec:${enc(collection)}`;
  }

  /** SCAN pattern of every record collection's hash (migration 5); `collectionOf` names the collection of a hit. */
  recordsScanPattern(): string {
    return `${this.prefix}:rec:*`;
  }

  collectionOf(recordsKey: string): string | null {
    const rest = recordsKey.slice(`${this.prefix}:rec:`.length);
    return recordsKey.startsWith(`${this.prefix}:rec:`) && /^[A-Za-z0-9.%-]+$/.test(rest) ? dec(rest) : null;
  }

  /** The ids of a tenant's records in a collection, or (with a round) of that round's; in the tenant's slot. */
  recordIndex(collection: string, tenant: string, roundId?: string): string {
    const t = enc(tenant);
    return `${this.prefix}:${t}:{t:${t}}:rec:${enc(collection)}${roundId === undefined ? '' : `:r:${enc(roundId)}`}`;
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

/** The field of a member in the names hash. */
export function nameField(memberId: string): string {
  return enc(memberId);
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
