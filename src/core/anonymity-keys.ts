// The keys behind anonymous rounds and signed links: the current key, older ones kept for rotation, and per-round key ids.
import { createHmac, randomBytes } from 'node:crypto';
import { AppError } from './errors.js';
import type { Store } from './ports.js';

/** The name the generated key is kept under in the store when ANONYMITY_SECRET is not set. */
export const ANONYMITY_SECRET_NAME = 'anonymity';

/** Where the current key came from; logged at start (never the key). */
export type KeySource = 'env' | 'store' | 'given';

/** A short, stable name for a key: it is stored on rounds, so it must not reveal the key. */
export function keyIdOf(key: string): string {
  return createHmac('sha256', key).update('key-id').digest('hex').slice(0, 16);
}

/** A key of its own per purpose, so a link signature never shares bytes with member hashing. */
function subkey(key: string, purpose: string): Buffer {
  return createHmac('sha256', key).update(`assess-bot subkey\u0000${purpose}`).digest();
}

/** What a round says about its key: anonymous rounds started since key ids exist carry one. */
export interface KeyedRound {
  id: string;
  anonymityKeyId?: string | undefined;
}

/**
 * The current key plus older ones (ANONYMITY_SECRET, ANONYMITY_SECRET_PREVIOUS). An anonymous round keeps the key it
 * was started with for its whole life, so rotating the secret mid-round never counts a person twice; a round whose key
 * is gone refuses to key members rather than quietly switching keys.
 */
export class AnonymityKeyring {
  readonly currentId: string;
  private readonly byId = new Map<string, string>();
  private readonly linkKeys: Buffer[];

  constructor(
    private readonly current: string,
    previous: readonly string[] = [],
    readonly source: KeySource = 'given',
  ) {
    if (current.length === 0) throw new Error('an anonymity key cannot be empty');
    this.currentId = keyIdOf(current);
    for (const key of [current, ...previous]) {
      const id = keyIdOf(key);
      if (!this.byId.has(id)) this.byId.set(id, key);
    }
    this.linkKeys = [...this.byId.values()].map((k) => subkey(k, 'report-links'));
  }

  /** Key ids this ring can use, the current one first. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** True when the round's members can be keyed: its key is still in the ring (or it predates key ids). */
  has(round: KeyedRound): boolean {
    return round.anonymityKeyId === undefined || this.byId.has(round.anonymityKeyId);
  }

  /**
   * The key a round's member ids and interaction ids are hashed with. Rounds stored before key ids existed use the
   * current key, as they always did; the bytes are the key itself, so their stored member keys stay valid.
   */
  keyFor(round: KeyedRound): string {
    if (round.anonymityKeyId === undefined) return this.current;
    const key = this.byId.get(round.anonymityKeyId);
    if (key === undefined) throw new AppError('ANONYMITY_KEY_RETIRED', { round: round.id, keyId: round.anonymityKeyId });
    return key;
  }

  /** HMAC-SHA256 (hex) of `message` under the round's key. */
  hash(round: KeyedRound, message: string): string {
    return createHmac('sha256', this.keyFor(round)).update(message).digest('hex');
  }

  /** A subkey of the current key for one purpose (e.g. sealing short-lived privacy-export links); never the key itself. */
  purposeKey(purpose: string): Buffer {
    return subkey(this.current, purpose);
  }

  /** The subkey new links are signed with. */
  linkSigningKey(): Buffer {
    return this.linkKeys[0]!;
  }

  /** Every subkey a link may have been signed with (current first), so links survive a rotation. */
  linkVerifyingKeys(): readonly Buffer[] {
    return this.linkKeys;
  }
}

/**
 * The ring the server runs with. ANONYMITY_SECRET wins; without it a random key is created once in the store, atomically,
 * so every replica and every later start agree on it. It is never derived from another credential.
 */
export async function loadKeyring(opts: { secret?: string | undefined; previous?: readonly string[]; store: Store }): Promise<AnonymityKeyring> {
  if (opts.secret) return new AnonymityKeyring(opts.secret, opts.previous ?? [], 'env');
  const candidate = randomBytes(32).toString('base64url');
  const key = await opts.store.ensureSecret(ANONYMITY_SECRET_NAME, candidate);
  return new AnonymityKeyring(key, opts.previous ?? [], 'store');
}
