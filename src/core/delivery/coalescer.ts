// The one coalescer of live-tally card refreshes, for every platform: at most one edit per card per window, and always a
// last one showing the final tally.

/** Timers the coalescer uses; tests pass manual ones so nothing depends on wall-clock time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms);
    (h as { unref?: () => void }).unref?.();
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const MAX_IDLE_SLOTS = 1000;

interface Slot {
  dirty: boolean;
  /** What the next edit runs (the last request's), else `update`. */
  run: (() => Promise<void>) | null;
  timer: unknown;
  running: Promise<void> | null;
  lastRunAt: number | null;
}

export interface CardUpdaterOptions {
  windowMs: number;
  /** Real timers by default. */
  timers?: Timers;
  /** Date.now by default. */
  now?: () => number;
  /** Re-reads the card's state from the store and edits the message, for requests that bring no run of their own. */
  update?: (key: string) => Promise<void>;
  onError: (err: unknown, key: string) => void;
  /** Lets the adapter track each update as background work. */
  track?: (p: Promise<unknown>) => void;
}

/**
 * Leading and trailing edge: the first change updates the card at once; changes during the window (or
 * while an edit is in flight) mark it dirty, and one more edit follows when the window ends. Because
 * each edit re-reads the store, the last one always shows the exact final tally.
 */
export class CardUpdater {
  private readonly slots = new Map<string, Slot>();
  private closed = false;
  private readonly timers: Timers;
  private readonly now: () => number;

  constructor(private readonly opts: CardUpdaterOptions) {
    this.timers = opts.timers ?? realTimers;
    this.now = opts.now ?? (() => Date.now());
  }

  /** Asks for the card behind `key` to be redrawn, by `run` (or the `update` option). */
  request(key: string, run?: () => Promise<void>): void {
    if (this.closed) return;
    let slot = this.slots.get(key);
    if (!slot) {
      if (this.slots.size >= MAX_IDLE_SLOTS) this.prune();
      slot = { dirty: false, run: null, timer: null, running: null, lastRunAt: null };
      this.slots.set(key, slot);
    }
    slot.dirty = true;
    if (run) slot.run = run;
    if (slot.timer !== null || slot.running !== null) return;
    const wait = slot.lastRunAt === null ? 0 : slot.lastRunAt + this.opts.windowMs - this.now();
    if (wait <= 0) this.runNow(key, slot);
    else slot.timer = this.timers.setTimeout(() => this.runNow(key, slot), wait);
  }

  private edit(key: string, slot: Slot): Promise<void> {
    if (slot.run) return slot.run();
    if (this.opts.update) return this.opts.update(key);
    return Promise.resolve();
  }

  private runNow(key: string, slot: Slot, evenIfClosed = false): void {
    slot.timer = null;
    if (this.closed && !evenIfClosed) return;
    slot.dirty = false;
    slot.lastRunAt = this.now();
    const p = this.edit(key, slot)
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
    this.opts.track?.(p);
  }

  /** Forgets idle cards whose window has passed (their next change may update at once anyway). */
  private prune(): void {
    const now = this.now();
    for (const [key, s] of this.slots) {
      if (s.timer === null && s.running === null && (s.lastRunAt === null || s.lastRunAt + this.opts.windowMs <= now)) this.slots.delete(key);
    }
  }

  /** Cards with an edit waiting for its window. */
  pendingKeys(): string[] {
    return [...this.slots.entries()].filter(([, s]) => s.timer !== null).map(([k]) => k);
  }

  /** Cards with an edit waiting or in flight. */
  pendingCount(): number {
    return [...this.slots.values()].filter((s) => s.timer !== null || s.running !== null).length;
  }

  /** Runs every waiting edit now and waits until no edit is waiting or in flight (tests, shutdown). */
  async flush(): Promise<void> {
    for (;;) {
      for (const [key, slot] of this.slots) {
        if (slot.timer === null) continue;
        this.timers.clearTimeout(slot.timer);
        slot.timer = null;
        if (slot.running === null) this.runNow(key, slot, true);
      }
      const running = [...this.slots.values()].map((s) => s.running).filter((p): p is Promise<void> => p !== null);
      if (running.length === 0) return;
      await Promise.all(running);
      // An edit that finished dirty has asked for one more (in its window): run that too.
    }
  }

  /**
   * Stops taking requests. Edits still waiting for their window go out now rather than being lost,
   * so a card shown at shutdown carries the final tally too.
   */
  close(): void {
    for (const [key, slot] of this.slots) {
      if (slot.timer === null) continue;
      this.timers.clearTimeout(slot.timer);
      slot.timer = null;
      if (slot.running === null) this.runNow(key, slot);
    }
    this.closed = true;
  }
}
