// Work the Slack adapter does after acking (posting cards, updating tallies), tracked so shutdown and tests can wait for it.

// The timers are the delivery coalescer's (the Slack adapter passes them on to it).
export { realTimers, type Timers } from '../../core/delivery/coalescer.js';

export class Background {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly onError: (err: unknown, what: string) => void) {}

  /** Runs `task` without awaiting it; failures are logged, never unhandled. */
  run(what: string, task: () => Promise<unknown>): void {
    const p: Promise<unknown> = Promise.resolve()
      .then(task)
      .catch((err: unknown) => this.onError(err, what))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once everything started so far, and everything that work started, has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

/**
 * Keeps posts to one channel about `intervalMs` apart and in order (Slack allows roughly one message
 * per second per channel); different channels do not wait for each other.
 */
export class ChannelPacer {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly lastAt = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  run<T>(channel: string, send: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(channel) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const wait = (this.lastAt.get(channel) ?? -Infinity) + this.intervalMs - this.now();
        if (wait > 0) await this.sleep(wait);
        this.lastAt.set(channel, this.now());
        return send();
      });
    const tail = next.catch(() => undefined);
    this.tails.set(channel, tail);
    void tail.then(() => {
      if (this.tails.get(channel) === tail) this.tails.delete(channel);
    });
    return next;
  }
}
