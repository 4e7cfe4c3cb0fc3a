// The embedded store's delivery markers: a map beside each round that expires as a whole, like the Redis hash.
import type { StoredRecord } from '../../core/ports.js';
import type { RoundState } from './state.js';

/** The round's markers, emptied once they have expired. */
function live(s: RoundState | undefined): Map<string, string> | undefined {
  if (!s) return undefined;
  if (s.marks.size > 0 && s.marksUntil <= Date.now()) s.marks.clear();
  return s.marks;
}

/** False when there is no round (nothing written). */
export function putMarks(s: RoundState | undefined, marks: Record<string, StoredRecord>, ttlMs: number): boolean {
  const map = live(s);
  if (!s || !map) return false;
  for (const [field, value] of Object.entries(marks)) map.set(field, JSON.stringify(value));
  s.marksUntil = Date.now() + Math.max(1, Math.ceil(ttlMs));
  return true;
}

export function getMarks(s: RoundState | undefined, fields: string[]): Record<string, StoredRecord> {
  const map = live(s);
  const out: Record<string, StoredRecord> = {};
  for (const f of fields) {
    const json = map?.get(f);
    if (json !== undefined) out[f] = JSON.parse(json) as StoredRecord;
  }
  return out;
}

export function scanMarks(s: RoundState | undefined, suffix: string): Record<string, StoredRecord> {
  const out: Record<string, StoredRecord> = {};
  for (const [f, json] of live(s) ?? []) if (f.endsWith(suffix)) out[f] = JSON.parse(json) as StoredRecord;
  return out;
}

/** False when nothing was there to delete. */
export function deleteMarks(s: RoundState | undefined, fields: string[]): boolean {
  const map = live(s);
  if (!map) return false;
  let changed = false;
  for (const f of fields) changed = map.delete(f) || changed;
  return changed;
}
