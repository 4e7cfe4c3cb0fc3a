// Outbound pacing for the Bot Connector: at most 7 messages per second per conversation, and retries with jitter.
import pRetry, { AbortError } from 'p-retry';

/** Teams allows about 7 messages per second in one conversation before answering 429. */
export const MESSAGES_PER_SECOND = 7;

export interface Sleeper {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTime: Sleeper = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A sliding one-second window per conversation. Calls for one conversation are queued in order;
 * different conversations never wait for each other.
 */
export class ConversationLimiter {
  private readonly sent = new Map<string, number[]>();
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly perSecond = MESSAGES_PER_SECOND,
    private readonly time: Sleeper = realTime,
  ) {}

  /** Resolves when one more message may go to this conversation, and counts it. */
  take(key: string): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.then(() => this.wait(key));
    const tail = mine.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return mine;
  }

  private async wait(key: string): Promise<void> {
    for (;;) {
      const now = this.time.now();
      const recent = (this.sent.get(key) ?? []).filter((at) => now - at < 1000);
      if (recent.length < this.perSecond) {
        recent.push(now);
        this.sent.set(key, recent);
        return;
      }
      await this.time.sleep(Math.max(1, 1000 - (now - recent[0]!)));
    }
  }

  /** Conversations with a send in the last second (for tests and metrics). */
  size(): number {
    return this.sent.size;
  }
}

/** The HTTP status of a Bot Connector error, whatever layer threw it. */
export function statusOf(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const v of [e.statusCode, e.status, e.response?.status]) if (typeof v === 'number') return v;
  return undefined;
}

function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { response?: { headers?: { get?(name: string): string | undefined } } })?.response?.headers;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined;
  if (!raw) return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : undefined;
}

/** Throttled (429), precondition raced (412) and gateway failures (502, 504) are worth another try. */
export const RETRYABLE_STATUSES = new Set([429, 412, 502, 504]);

export interface RetryOptions {
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 4, minTimeoutMs: 500, maxTimeoutMs: 15_000 };

/** Runs a connector call, retrying the statuses above with randomised exponential backoff (and Retry-After when given). */
export async function withRetry<T>(
  call: () => Promise<T>,
  opts: RetryOptions = DEFAULT_RETRY,
  onRetry?: (status: number | undefined, attempt: number) => void,
): Promise<T> {
  let waitHint: number | undefined;
  return pRetry(
    async () => {
      if (waitHint !== undefined) {
        const ms = Math.min(waitHint, opts.maxTimeoutMs);
        waitHint = undefined;
        if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      }
      try {
        return await call();
      } catch (err) {
        const status = statusOf(err);
        if (status === undefined || !RETRYABLE_STATUSES.has(status)) throw new AbortError(err instanceof Error ? err : new Error(String(err)));
        if (status === 429) waitHint = retryAfterMs(err);
        throw err;
      }
    },
    {
      retries: opts.retries,
      minTimeout: opts.minTimeoutMs,
      maxTimeout: opts.maxTimeoutMs,
      factor: 2,
      randomize: true,
      onFailedAttempt: (e) => onRetry?.(statusOf(e), e.attemptNumber),
    },
  );
}
