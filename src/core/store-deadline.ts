// Retrying an idempotent store call through a failover: while the store answers "unavailable", try again until a deadline.
import { StoreUnavailableError } from './errors.js';

/** How long a store call may keep retrying through a failover by default: well inside a confirmation's usefulness. */
export const STORE_DEADLINE_MS = 20_000;

export interface StoreDeadlineOptions {
  /** Give up this long after the first attempt (default STORE_DEADLINE_MS). */
  deadlineMs?: number;
  /** Pause before the n-th retry (1-based), ms; default 100, 200, 400 … at most 1 s. */
  delay?: (attempt: number) => number;
  /** Milliseconds now; Date.now by default (tests pass a fake clock). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about each failed attempt that will be retried. */
  onRetry?: (err: StoreUnavailableError, attempt: number) => void;
}

const defaultDelay = (attempt: number): number => Math.min(100 * 2 ** (attempt - 1), 1000);
const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call`; while it throws StoreUnavailableError, runs it again after a short pause, until `deadlineMs` has
 * passed since the start. Then the last StoreUnavailableError is thrown (the caller says "try again"). Any other error
 * is thrown at once. Only for calls that may safely run twice: an idempotent write (a vote with its interaction id)
 * or a read. A retry that would start after the deadline is not made.
 */
export async function withStoreDeadline<T>(call: () => Promise<T>, opts: StoreDeadlineOptions = {}): Promise<T> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const delay = opts.delay ?? defaultDelay;
  const deadline = now() + (opts.deadlineMs ?? STORE_DEADLINE_MS);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      const pause = delay(attempt);
      if (now() + pause >= deadline) throw err;
      opts.onRetry?.(err, attempt);
      await sleep(pause);
    }
  }
}
