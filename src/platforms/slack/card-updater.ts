// Coalesces live-tally edits: at most one chat.update per card per window, and always a last one showing the final tally.
import type { Timers } from './background.js';

const MAX_IDLE_SLOTS = 1000;

interface Slot {
  dirty: boolean;
  timer: unknown;
  running: Promise<void> | null;
  lastRunAt: number | null;
}

export interface CardUpdaterOptions {
  windowMs: number;
  timers: Timers;
  now: () => number;
  /** Re-reads the card's state from the store and edits the message. */
  update: (key: string) => Promise<void>;
  onError: (err: unknown, key: string) => void;
  /** Lets the adapter track each update as background work. */
  track: (p: Promise<unknown>) => void;
}

/**
 * Leading and trailing edge: the first change updates the card at once; changes during the window (or
 * while an edit is in flight) mark it dirty, and one more edit follows when the window ends. Because
 * each edit re-reads the store, the last one always shows the exact final tally.
 */
export class CardUpdater {
  private readonly slots = new Map<string, Slot>();
  private closed = false;

  constructor(private readonly opts: CardUpdaterOptions) {}

  request(key: string): void {
    if (this.closed) return;
    let slot = this.slots.get(key);
    if (!slot) {
      if (this.slots.size >= MAX_IDLE_SLOTS) this.prune();
      slot = { dirty: false, timer: null, running: null, lastRunAt: null };
      this.slots.set(key, slot);
    }
    slot.dirty = true;
    if (slot.timer !== null || slot.running !== null) return;
    const wait = slot.lastRunAt === null ? 0 : slot.lastRunAt + this.opts.windowMs - this.opts.now();
    if (wait <= 0) this.runNow(key, slot);
    else slot.timer = this.opts.timers.setTimeout(() => this.runNow(key, slot), wait);
  }

  private runNow(key: string, slot: Slot, evenIfClosed = false): void {
    slot.timer = null;
    if (this.closed && !evenIfClosed) return;
    slot.dirty = false;
    slot.lastRunAt = this.opts.now();
    const p = this.opts
      .update(key)
      .catch((err: unknown) => this.opts.onError(err, key))
      .finally(() => {
        slot.running = null;
        if (slot.dirty) {
          slot.dirty = false;
          // Closing: no more windows, but the change that came in during this edit still goes out.
          if (this.closed) this.runNow(key, slot, true);
          else this.request(key);
        }
      });
    slot.running = p;
    this.opts.track(p);
  }

  /** Forgets idle cards whose window has passed (their next change may update at once anyway). */
  private prune(): void {
    const now = this.opts.now();
    for (const [key, s] of this.slots) {
      if (s.timer === null && s.running === null && (s.lastRunAt === null || s.lastRunAt + this.opts.windowMs <= now)) this.slots.delete(key);
    }
  }

  /** Cards with an edit waiting for its window. */
  pendingKeys(): string[] {
    return [...this.slots.entries()].filter(([, s]) => s.timer !== null).map(([k]) => k);
  }

  /**
   * Stops taking requests. Edits still waiting for their window go out now rather than being lost,
   * so a card shown at shutdown carries the final tally too.
   */
  close(): void {
    for (const [key, slot] of this.slots) {
      if (slot.timer === null) continue;
      this.opts.timers.clearTimeout(slot.timer);
      slot.timer = null;
      if (slot.running === null) this.runNow(key, slot);
    }
    this.closed = true;
  }
}
