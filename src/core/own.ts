// Lookups by a user-supplied key that only see an object's own entries, never what it inherits ("constructor", "__proto__").
import type { Round } from './model.js';

/** The value stored under `key`, if the object itself has it. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined | null, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether the object itself has `key`. */
export function hasOwnKey(record: Readonly<Record<string, unknown>> | undefined | null, key: string): boolean {
  return record !== undefined && record !== null && Object.hasOwn(record, key);
}

/** A member's display name as the round knows it, else the id. */
export function displayName(round: Pick<Round, 'names'>, id: string): string {
  const name = ownValue(round.names, id);
  return typeof name === 'string' && name !== '' ? name : id;
}
