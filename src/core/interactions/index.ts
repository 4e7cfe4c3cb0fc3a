// The inbound port: what happens after a click or a submitted form, the same for Slack, Teams and the playground.
// Adapters decode the payload (codec.ts), call one of these, and render the reply: what to tell the person, and which
// card to refresh. Every outcome is counted here, once, in one vocabulary (types.ts).
import type { Locale } from '../../content/schema.js';
import type { AssessmentService } from '../service.js';
import { CardFacts } from './card-facts.js';
import { completeAction, openCard, saveAnswer, type ActionDoneReply, type ActionDoneRequest, type CardActionDeps, type OpenCardReply, type OpenCardRequest, type SaveAnswerRequest } from './card-actions.js';
import { startRound, type StartDeps, type StartReply, type StartRequest } from './start.js';
import type { InteractionEvent, InteractionObserver, InteractionReply } from './types.js';
import { DEFAULT_VOTE_RETRY_MS, vote, type VoteDeps, type VoteReply, type VoteRequest, type VoteRetry } from './vote.js';

export * from './codec.js';
export type * from './types.js';
export { silentObserver } from './types.js';
export { CardFacts } from './card-facts.js';
export { assertCanAnswer } from './card-actions.js';
export type { ActionDoneReply, ActionDoneRequest, OpenCardReply, OpenCardRequest, SaveAnswerRequest } from './card-actions.js';
export { defaultParticipants, type StartDirectory, type StartReply, type StartRequest } from './start.js';
export { DEFAULT_VOTE_RETRY_MS, type VoteReply, type VoteRequest } from './vote.js';

export interface InteractionsDeps {
  service: Pick<AssessmentService, 'voting' | 'read' | 'plans' | 'rounds' | 'packs'>;
  observe: InteractionObserver;
  /**
   * How long the interaction itself retries a vote the store refused as unavailable. The app passes 0: Voting.castVote
   * already rides out a failover until STORE_RETRY_SECONDS. A core used without that deadline can set one here.
   */
  voteRetryMs?: number;
  /** Wall-clock time and waiting, for the retry loop (tests pass their own). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class Interactions {
  /** The facts every platform's factor card shows, with the comparison round kept for a short while. */
  readonly facts: CardFacts;
  private readonly voteDeps: VoteDeps;
  private readonly cardDeps: CardActionDeps;
  private readonly startDeps: StartDeps;

  constructor(private readonly deps: InteractionsDeps) {
    const { service, observe } = deps;
    const now = deps.now ?? Date.now;
    this.facts = new CardFacts(service.read, now);
    const retry: VoteRetry = {
      deadlineMs: deps.voteRetryMs ?? DEFAULT_VOTE_RETRY_MS,
      now,
      sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
    this.voteDeps = { voting: service.voting, read: service.read, packs: service.packs, facts: this.facts, observe, retry };
    this.cardDeps = { read: service.read, voting: service.voting, plans: service.plans, packs: service.packs, facts: this.facts, observe };
    this.startDeps = { rounds: service.rounds, read: service.read, observe };
  }

  /** A vote button: stored once per click, retried through a failover, confirmed only once stored. */
  vote(req: VoteRequest): Promise<VoteReply> {
    return vote(this.voteDeps, req);
  }

  /** A submitted answer form. */
  saveAnswer(req: SaveAnswerRequest): Promise<InteractionReply> {
    return saveAnswer(this.cardDeps, req);
  }

  /** A factor card for one person: refreshed, opened from a reminder, for its examples or to answer. */
  openCard(req: OpenCardRequest): Promise<OpenCardReply> {
    return openCard(this.cardDeps, req);
  }

  /** An action reminder's Done button. */
  completeAction(req: ActionDoneRequest): Promise<ActionDoneReply> {
    return completeAction(this.cardDeps, req);
  }

  /** A submitted start form. */
  startRound(req: StartRequest): Promise<StartReply> {
    return startRound(this.startDeps, req);
  }

  /** A round's language, when the vote path has read the round (to answer in it without a read). */
  localeOf(tenant: string, roundId: string): Locale | undefined {
    return this.deps.service.voting.knownRound(tenant, roundId)?.locale;
  }

  /** Counts an interaction the adapter ended itself (a payload it could not read, a command). */
  observed(event: InteractionEvent): void {
    this.deps.observe.interaction(event);
  }
}
