// The vote interaction: one store round trip in the common case, kept trying through a store failover until a deadline,
// confirmed only once stored, and the voter's own card built from what that one trip returned.
import type { Locale } from '../../content/schema.js';
import type { CardOrigin } from '../card-scope.js';
import { AppError, toAppError } from '../errors.js';
import { t } from '../i18n.js';
import type { Answer, Level, Platform, Round } from '../model.js';
import type { Packs } from '../packs.js';
import type { ReadModel } from '../read-model.js';
import type { Actor } from '../services/context.js';
import type { CastVoteOutcome, Voting } from '../services/voting.js';
import { factorHeader, voteConfirmation } from '../views/shared.js';
import type { FactorCardView } from '../views/factor-card.js';
import type { CardFacts } from './card-facts.js';
import type { CardValue } from './codec.js';
import type { InteractionObserver, InteractionReply } from './types.js';

/** How long a vote keeps being retried while the store is unavailable (a failover), unless configured otherwise. */
export const DEFAULT_VOTE_RETRY_MS = 20_000;
const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 1_000;

export interface VoteRequest {
  platform: Platform;
  tenant: string;
  actor: Actor;
  /** The decoded button value; it must name a level. */
  value: CardValue & { l: Level };
  /** The interaction id (codec.interactionId): the same click again counts once. */
  interactionId: string;
  /** Where the button was pressed, when the platform says. */
  from?: CardOrigin;
  /** Build the voter's own copy of the card too (Teams, whose invoke answer is the card), from the same round trip. */
  withCard?: boolean;
  /** The language to answer in when the round cannot be read. */
  fallbackLocale: Locale;
  /** A platform redelivery of a click: a duplicate is then not worth telling the person about again. */
  redelivery?: boolean;
}

export interface VoteReply extends InteractionReply {
  status: 'confirmed' | 'duplicate' | 'refused';
  /** The voter's own card (withCard): the tally after the vote, their vote, their answer and the trend. */
  card?: FactorCardView;
  answer?: Answer | null;
  /** Whether the person should be told anything (a redelivered duplicate is answered with silence). */
  tell: boolean;
  /** How many times the store was unavailable before the vote was stored or given up on. */
  retries: number;
}

export interface VoteRetry {
  /** How long to keep trying while the store is unavailable. */
  deadlineMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface VoteDeps {
  voting: Pick<Voting, 'castVote' | 'knownRound'>;
  read: Pick<ReadModel, 'state' | 'windows'>;
  packs: Packs;
  facts: CardFacts;
  observe: InteractionObserver;
  retry: VoteRetry;
}

export async function vote(deps: VoteDeps, req: VoteRequest): Promise<VoteReply> {
  const { retry } = deps;
  const deadline = retry.now() + retry.deadlineMs;
  let delay = FIRST_DELAY_MS;
  let retries = 0;
  for (;;) {
    let outcome: CastVoteOutcome;
    try {
      outcome = await deps.voting.castVote({
        tenant: req.tenant,
        roundId: req.value.r,
        factorId: req.value.f,
        actor: req.actor,
        level: req.value.l,
        interactionId: req.interactionId,
        ...(req.from ? { from: req.from } : {}),
        ...(req.withCard ? { withFactorView: true } : {}),
      });
    } catch (err) {
      const error = toAppError(err);
      // A failover: the write is tried again with the same interaction id (so it counts once) until the deadline.
      if (error.code === 'STORE_UNAVAILABLE' && retry.now() + delay < deadline) {
        retries++;
        await retry.sleep(delay);
        delay = Math.min(delay * 2, MAX_DELAY_MS);
        continue;
      }
      return refused(deps, req, error, retries);
    }
    return confirmed(deps, req, outcome, retries);
  }
}

function refused(deps: VoteDeps, req: VoteRequest, error: AppError, retries: number): VoteReply {
  deps.observe.interaction({ platform: req.platform, kind: 'vote', outcome: error.code.toLowerCase() as Lowercase<string> });
  const round = deps.voting.knownRound(req.tenant, req.value.r);
  const locale = round?.locale ?? req.fallbackLocale;
  return { ok: false, status: 'refused', locale, text: error.userMessage(locale), refresh: null, error, tell: true, retries, ...(round ? { round } : {}) };
}

async function confirmed(deps: VoteDeps, req: VoteRequest, outcome: CastVoteOutcome, retries: number): Promise<VoteReply> {
  const round = outcome.round;
  // An attempt that failed in the air may still have been stored: the retry then finds its own id counted. It is
  // stored either way, which is what the voter is told.
  const stored = outcome.applied || retries > 0;
  deps.observe.interaction({ platform: req.platform, kind: 'vote', outcome: stored ? 'ok' : 'duplicate' });
  if (outcome.applied) deps.observe.voteCounted(req.platform);
  const pack = deps.packs.get(round.packId, round.locale);
  const text = stored
    ? voteConfirmation(round.locale, req.value.l, factorHeader({ pack }, req.value.f), outcome.changeUntil, round.calendar.timezone)
    : t(round.locale, 'vote.duplicate');
  // The card shows counts, not who voted when: the same level again leaves the shared copy as it is.
  const changed = outcome.applied && outcome.previous !== req.value.l;
  const reply: VoteReply = {
    ok: true,
    status: stored ? 'confirmed' : 'duplicate',
    locale: round.locale,
    text,
    refresh: changed || (stored && !outcome.applied) ? { tenant: req.tenant, roundId: round.id, factorId: req.value.f } : null,
    round,
    tell: stored || !req.redelivery,
    retries,
  };
  if (req.withCard) Object.assign(reply, await voterCard(deps, round, req, outcome));
  return reply;
}

/**
 * The voter's own card. For the team's vote everything comes from the vote's round trip (tally, answer stats, the
 * voter's answer) and the comparison round kept in CardFacts; a reviewer's panel vote reads the team's card state.
 */
async function voterCard(deps: VoteDeps, round: Round, req: VoteRequest, outcome: CastVoteOutcome): Promise<{ card: FactorCardView; answer: Answer | null }> {
  const factorId = req.value.f;
  const view = outcome.factorView;
  if (outcome.panel === 'team' && view) {
    const state = {
      round,
      pack: deps.packs.get(round.packId, round.locale),
      tallies: [outcome.tally],
      answerStats: { [factorId]: view.stats },
      windows: deps.read.windows(round),
    };
    return { card: await deps.facts.view(state, factorId, { id: req.actor.id, myVote: req.value.l }), answer: view.answer };
  }
  const state = await deps.read.state(round.tenant, round.id, { answers: false });
  return { card: await deps.facts.view(state, factorId, { id: req.actor.id, myVote: req.value.l }), answer: null };
}
