// Coalesces updates of a shared channel card: at most one edit per card per second, always with the latest state.

export class UpdateCoalescer {
  private readonly lastRun = new Map<string, number>();
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; run: () => Promise<void> }>();
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => Date.now(),
    private readonly onError: (key: string, err: unknown) => void = () => undefined,
  ) {}

  /**
   * Asks for the card behind `key` to be redrawn. A request while one is already waiting is absorbed
   * by it: the waiting run reads fresh state when it fires, so nothing is lost.
   */
  request(key: string, run: () => Promise<void>): void {
    if (this.pending.has(key)) return;
    const since = this.now() - (this.lastRun.get(key) ?? -Infinity);
    const delay = Math.max(0, this.intervalMs - since);
    const timer = setTimeout(() => this.fire(key), delay);
    timer.unref?.();
    this.pending.set(key, { timer, run });
  }

  private fire(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.pending.delete(key);
    this.lastRun.set(key, this.now());
    const p = entry.run().catch((err: unknown) => this.onError(key, err));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Runs every waiting update now and waits for all of them (tests, shutdown). */
  async flush(): Promise<void> {
    for (const [key, entry] of [...this.pending]) {
      clearTimeout(entry.timer);
      this.fire(key);
    }
    await Promise.all([...this.inflight]);
  }

  pendingCount(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
