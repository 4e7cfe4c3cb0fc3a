// Delivery markers: what a job (or a once-only message) has already sent, kept with the round, expiring on their own.
//
// A marker lives in the round's own marker hash (Store.putMarks: the round's slot, deleted with the round, expiring
// MARK_TTL_MS after the last write), never in a deployment-wide collection, so a privacy erase, a retention purge or a
// tenant forget touches only the rounds it concerns. Fields:
//   <job>|<member>       this person was sent this job's message (named rounds only)
//   <job>|#channel       the job's message went to the round's channel
//   <job>|#progress      anonymous rounds: { sent, of } counts, no per-member value anywhere (see fanOutCounted)
//   <key>|#once          a message sent once per round whatever the job (e.g. Teams' "too large" note)
// <job> is the job id (or a once-key), and every part is escaped so `|`, `#` and glob characters cannot appear in it:
// a field has one `|`, and what follows it is a member id or one of the `#` words.
import type { Store, StoredRecord } from '../ports.js';

/**
 * How long markers outlive the last delivery of their round. A job retries for a few hours at most (8 attempts, backoff
 * capped at an hour), so a month is ample to resume one, and short enough that nothing piles up.
 */
export const MARK_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** `%`, `|`, `#` and the glob characters as %XX; everything else stays readable. */
export function escapePart(part: string): string {
  return part.replace(/[%|#*?[\]\\]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export function memberMark(job: string, memberId: string): string {
  return `${escapePart(job)}|${escapePart(memberId)}`;
}

export function channelMark(job: string): string {
  return `${escapePart(job)}|#channel`;
}

export function progressMark(job: string): string {
  return `${escapePart(job)}|#progress`;
}

export function onceMark(key: string): string {
  return `${escapePart(key)}|#once`;
}

/** Every marker naming this person ends so. */
export function memberSuffix(memberId: string): string {
  return `|${escapePart(memberId)}`;
}

export type MarkStore = Pick<Store, 'putMarks' | 'getMarks' | 'scanMarks' | 'deleteMarks'>;

/** The markers of one round, with the TTL and the field layout above. */
export class RoundMarks {
  constructor(
    private readonly store: MarkStore,
    readonly tenant: string,
    readonly roundId: string,
  ) {}

  get(fields: string[]): Promise<Record<string, StoredRecord>> {
    return this.store.getMarks(this.tenant, this.roundId, fields);
  }

  put(marks: Record<string, StoredRecord>): Promise<void> {
    return this.store.putMarks(this.tenant, this.roundId, marks, MARK_TTL_MS);
  }

  async has(field: string): Promise<boolean> {
    return (await this.get([field]))[field] !== undefined;
  }

  /** Runs `send` unless `field` is marked, then marks it: a retry resumes instead of sending again. */
  async once(field: string, at: number, send: () => Promise<unknown>): Promise<void> {
    if (await this.has(field)) return;
    await send();
    await this.put({ [field]: { at } });
  }
}

/** What a privacy request sees of a round's markers: those naming the person, as `sent` records. */
export async function personMarks(store: MarkStore, tenant: string, roundId: string, memberId: string): Promise<{ collection: 'sent'; id: string; value: StoredRecord }[]> {
  const found = await store.scanMarks(tenant, roundId, memberSuffix(memberId));
  return Object.entries(found).map(([id, value]) => ({ collection: 'sent', id, value }));
}

/** Deletes the markers naming the person in one round; how many there were. */
export async function erasePersonMarks(store: MarkStore, tenant: string, roundId: string, memberId: string): Promise<number> {
  const fields = Object.keys(await store.scanMarks(tenant, roundId, memberSuffix(memberId)));
  await store.deleteMarks(tenant, roundId, fields);
  return fields.length;
}
