// Which Redis failures mean "the store is unavailable right now" (StoreUnavailableError) rather than a bug.
import { StoreUnavailableError } from '../../core/errors.js';

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EHOSTDOWN',
  'ENETDOWN',
  'ERR_SOCKET_CLOSED',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Command timed out',
  "Cluster isn't ready",
  'None of startup nodes is available',
  'Failed to refresh slots cache',
  'All sentinels are unreachable',
  'Reached the max retries per request limit',
  'connect ETIMEDOUT',
  // A MOVED/ASK storm while a cluster fails over: ioredis gives up after maxRedirections.
  'Too many Cluster redirections',
  'Connection lost',
  'Failed to connect to any sentinel',
];
/** Server replies that mean "not now" rather than "wrong": loading after a restart, failover, cluster down. */
const UNAVAILABLE_REPLIES = ['LOADING', 'CLUSTERDOWN', 'MASTERDOWN', 'READONLY', 'TRYAGAIN', 'BUSY', 'MOVED', 'ASK', 'UNBLOCKED', 'NOREPLICAS'];
/** ioredis error classes that only ever mean the servers could not be reached. */
const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);

/** True for errors that mean Redis could not be reached or cannot serve right now. */
export function isUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof StoreUnavailableError) return true;
  if (UNAVAILABLE_NAMES.has(err.name)) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (UNAVAILABLE_MESSAGES.some((m) => err.message.includes(m))) return true;
  if (UNAVAILABLE_REPLIES.some((r) => err.message.startsWith(r + ' ') || err.message === r)) return true;
  // ioredis wraps some failures (e.g. cluster "Too many Cluster redirections") with the last error.
  const last = (err as { lastNodeError?: unknown }).lastNodeError;
  return last !== undefined && last !== err && isUnavailableError(last);
}

/** The error a store method throws: StoreUnavailableError for the errors above, anything else unchanged. */
export function mapError(err: unknown): unknown {
  return isUnavailableError(err) && !(err instanceof StoreUnavailableError) ? new StoreUnavailableError(err) : err;
}
