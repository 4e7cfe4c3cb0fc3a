// The lean path for vote clicks (`adaptiveCard/action` invokes with the verb `vote`): authenticated by the same SDK
// validation CloudAdapter runs, then straight to core/interactions, the refreshed card written as the HTTP answer.
// Everything else (and any vote that is not plainly shaped) still goes through CloudAdapter.
import { createHash } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import { toAppError } from '../../core/errors.js';
import { decodeVoteValue } from '../../core/interactions/index.js';
import type { Logger } from '../../infra/logger.js';
import { interactionLabels, type Metrics } from '../../infra/metrics.js';
import { CardInvokeValueSchema, turnOf } from './activity.js';
import type { TeamsBotAuthentication } from './auth.js';
import type { TeamsBot } from './bot.js';
import { invokeResponseFor } from './invoke-response.js';
import type { TeamsConfig } from './deps.js';

/** What the HTTP route answers: a status and a JSON body. */
export interface LeanAnswer {
  status: number;
  body: unknown;
}

/** Answers an activity on the lean path, or null when it is not a plain vote invoke (CloudAdapter takes it then). */
export type LeanVoteHandler = (activity: Record<string, unknown>, authorization: string) => Promise<LeanAnswer | null>;

/** How many validated tokens are remembered; the Bot Connector reuses one token per bot for about an hour. */
export const TOKEN_CACHE_SIZE = 256;

/**
 * Successful Bot Framework token validations, keyed by a hash of the exact Authorization header together with the
 * activity's channel id and service URL (the two activity fields the validation checks the token against), kept until
 * the token's own `exp` and never past it. Failures are never kept, so every refused token is validated again.
 */
export class ValidatedTokens {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly max = TOKEN_CACHE_SIZE,
  ) {}

  private static key(authorization: string, activity: Partial<Activity>): string {
    return createHash('sha256').update(authorization).update('\n').update(String(activity.channelId)).update('\n').update(String(activity.serviceUrl)).digest('base64');
  }

  has(authorization: string, activity: Partial<Activity>): boolean {
    const key = ValidatedTokens.key(authorization, activity);
    const expiresAt = this.entries.get(key);
    if (expiresAt === undefined) return false;
    this.entries.delete(key);
    if (this.now() >= expiresAt) return false;
    this.entries.set(key, expiresAt); // most recently used last
    return true;
  }

  /** Called only after the SDK accepted the token: remembered until its `exp` (a token without one is not kept). */
  remember(authorization: string, activity: Partial<Activity>): void {
    const expiresAt = expiryOf(authorization);
    if (expiresAt === null || this.now() >= expiresAt) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(ValidatedTokens.key(authorization, activity), expiresAt);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The `exp` claim (ms) of a `Bearer <jwt>` header, or null when there is none. */
function expiryOf(authorization: string): number | null {
  const payload = authorization.replace(/^Bearer /, '').split('.')[1];
  if (!payload) return null;
  try {
    const exp: unknown = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

export interface LeanVoteDeps {
  auth: Pick<TeamsBotAuthentication, 'authenticateRequest'>;
  bot: Pick<TeamsBot, 'voteInvoke'>;
  config: Pick<TeamsConfig, 'DEFAULT_LOCALE'>;
  logger: Logger;
  metrics: Pick<Metrics, 'interactions'>;
  now: () => number;
}

export function leanVoteHandler(deps: LeanVoteDeps): LeanVoteHandler {
  const tokens = new ValidatedTokens(deps.now);
  return async (body, authorization) => {
    const activity = body as unknown as Activity;
    if (activity.type !== 'invoke' || activity.name !== 'adaptiveCard/action' || activity.deliveryMode === 'expectReplies') return null;
    const invoke = CardInvokeValueSchema.safeParse(activity.value);
    if (!invoke.success || invoke.data.action.verb !== 'vote') return null;
    const value = decodeVoteValue(invoke.data.action.data ?? {});
    // Anything odd (no conversation, no person, a value that does not decode) takes the full path and its answers.
    const turn = turnOf(activity, deps.config.DEFAULT_LOCALE);
    if (!value || !turn.actor.id || !turn.key) return null;

    // The same validation CloudAdapter runs (issuer, audience, signing keys and endorsements, the service URL claim).
    if (!authorization || !tokens.has(authorization, activity)) {
      try {
        await deps.auth.authenticateRequest(activity, authorization);
      } catch (err) {
        if (err instanceof AuthenticationError) return { status: 401, body: { error: 'unauthorized' } };
        deps.logger.error({ err }, 'teams: authenticating a vote failed');
        return { status: 500, body: { error: 'internal error' } };
      }
      if (authorization) tokens.remember(authorization, activity);
    }

    try {
      return { status: 200, body: await deps.bot.voteInvoke(activity, value) };
    } catch (err) {
      // As CloudAdapter's onTurnError does for any turn (index.ts): logged, counted, a sentence in the person's language.
      const error = toAppError(err);
      deps.logger.error({ err, type: activity.type }, 'teams: turn failed');
      deps.metrics.interactions.inc(interactionLabels('teams', activity.type, error.code));
      return { status: 200, body: invokeResponseFor({ kind: 'error', error, locale: turn.locale }, activity.conversation) };
    }
  };
}
