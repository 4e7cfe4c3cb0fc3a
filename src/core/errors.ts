// Coded application errors; every code has a user-facing message in each locale (content/locales).
import { PackLookupError } from '../content/errors.js';
import type { Locale } from '../content/schema.js';
import { t } from './i18n.js';

export const ERROR_CODES = [
  'NOT_COORDINATOR',
  'NOT_PARTICIPANT',
  'NOT_REVIEWER',
  'ROUND_NOT_FOUND',
  'ROUND_NOT_OPEN',
  'ROUND_CLOSED',
  'ROUND_ALREADY_OPEN_IN_CHANNEL',
  'CARD_FROM_ANOTHER_CONVERSATION',
  'ILLEGAL_TRANSITION',
  'UNKNOWN_FACTOR',
  'UNKNOWN_QUESTION',
  'UNKNOWN_CONTEXT_FACTOR',
  'UNKNOWN_PACK',
  'FACTOR_NOT_OPEN',
  'ANSWER_TOO_LONG',
  'BAD_EVIDENCE_LINK',
  'TOO_MANY_EVIDENCE_LINKS',
  'INVALID_INPUT',
  'INVALID_CALENDAR',
  'STORE_UNAVAILABLE',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  // A message the platform refuses for its size (Teams: 413 MessageSizeTooBig); sending it again cannot help.
  'MESSAGE_TOO_LARGE',
  'INTERNAL',
  // Security controls (SECURITY.md); texts in security.<locale>.yaml.
  'ANONYMITY_KEY_RETIRED',
  // The toolkit's ways of working (peer review, action plan, baseline) and privacy requests; texts in modes.<locale>.yaml.
  'NOT_PEER_REVIEW',
  'REVIEW_NOT_STARTED',
  'REVIEW_ALREADY_STARTED',
  'NO_REVIEWERS',
  'SELF_ASSESSMENT_LOCKED',
  'REVIEWERS_CANNOT_EDIT_TEAM',
  'REVIEWER_IS_PARTICIPANT',
  'NO_CLOSED_ROUND',
  'NOT_A_GOAL',
  'UNKNOWN_ACTION',
  'UNKNOWN_MEMBER',
  'INVALID_DATE',
  'TOO_MANY_ACTIONS',
  'PAST_DATE',
  'DUPLICATE_ACTION',
  'NO_PLAN',
  'NOT_PLAN_EDITOR',
  'PLAN_EXISTS',
  'NOT_TEAM_MEMBER',
  'PRIVACY_NOT_ALLOWED',
  // What a coordinator fixes in a round (reopen, extend, participants); texts in coordinator.<locale>.yaml.
  'ROUND_STILL_OPEN',
  'CLOSE_DATE_NOT_LATER',
  'ANONYMOUS_CONTEXT_NOTE',
  'ANONYMOUS_REOPEN',
  'ANONYMOUS_PARTICIPANT_REMOVE',
  'EXPORT_NAMED_ROUND',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorParams = Record<string, string | number>;

/** Base error: a code, parameters for the localised message, and the original cause. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    super(`${code}: ${t('en', `errors.${code}`, params)}`, options);
    this.name = 'AppError';
    this.code = code;
    this.params = params;
  }

  /** The message to show a person, in their language. */
  userMessage(locale: Locale): string {
    return t(locale, `errors.${this.code}`, this.params);
  }
}

/** Thrown when the store cannot be reached; callers answer "try again in a moment". */
export class StoreUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super('STORE_UNAVAILABLE', {}, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Thrown when a permission rule refuses an action. */
export class PermissionError extends AppError {
  constructor(code: 'NOT_COORDINATOR' | 'NOT_PARTICIPANT' | 'NOT_REVIEWER' | 'EXPORT_NAMED_ROUND', params: ErrorParams = {}) {
    super(code, params);
    this.name = 'PermissionError';
  }
}

/** Any thrown value as an AppError, so handlers always have a code and a localised message. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // Content says which pack or factor it lacks in its own error; the person is told in the same words as before.
  if (err instanceof PackLookupError) return new AppError(err.code, { ...err.params }, { cause: err });
  return new AppError('INTERNAL', {}, { cause: err });
}
