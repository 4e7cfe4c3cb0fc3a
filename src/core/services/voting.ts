// Voting use cases: a vote in one store round trip, a person's answer to a factor, and what they gave so far.
import { STORE_DEADLINE_MS, withStoreDeadline } from '../store-deadline.js';
import { assertCardOrigin, type CardOrigin } from '../card-scope.js';
import { AppError } from '../errors.js';
import { assertCanRespond, assertWritable, isParticipant } from '../lifecycle.js';
import { MAX_ANSWER_CHARS, MAX_EVIDENCE_LINKS, type Answer, type Level, type Round } from '../model.js';
import { isPanelMember, panelOf, peerFactorId } from '../peer-review.js';
import { ownValue } from '../own.js';
import type { VersionedRound, VoteResult } from '../ports.js';
import { tallyFactor, type FactorTally } from '../tally.js';
import { assertFactor, coordinatorName, nowIso, type Actor, type CoreDeps, type Scope } from './context.js';

export interface CastVoteInput extends Scope {
  factorId: string;
  actor: Actor;
  level: Level;
  interactionId: string;
  /** Where the button was pressed, when the platform says: a vote from a conversation the round is not in is refused. */
  from?: CardOrigin;
  /** Also read the voter's own view of the factor (answer stats, their answer) in the same round trip. */
  withFactorView?: boolean;
}

export interface CastVoteOutcome extends VoteResult {
  round: Round;
  factorId: string;
  /** Whose vote it was: the team's, or the peer panel's (a reviewer in a peer review's review phase). */
  panel: 'team' | 'peer';
  /** The tally of the panel the vote went to. */
  tally: FactorTally;
  /** Until when the vote can be changed: the round's close. */
  changeUntil: string;
}

export interface SaveAnswerInput extends Scope {
  factorId: string;
  actor: Actor;
  texts: Record<string, string>;
  evidence: string[];
}

/** Evidence links must be plain http(s) URLs; anything else is refused with the offending link named. */
export function normaliseEvidence(links: string[]): string[] {
  const cleaned = links.map((l) => l.trim()).filter((l) => l.length > 0);
  if (cleaned.length > MAX_EVIDENCE_LINKS) throw new AppError('TOO_MANY_EVIDENCE_LINKS', { max: MAX_EVIDENCE_LINKS });
  return cleaned.map((link) => {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      throw new AppError('BAD_EVIDENCE_LINK', { link: link.slice(0, 200) });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new AppError('BAD_EVIDENCE_LINK', { link: link.slice(0, 200) });
    }
    return url.toString();
  });
}

/** Answer-text parsing lives with the other card codecs (core/interactions/codec.ts). */
export { splitLinks } from '../interactions/codec.js';

/** How many rounds the vote path keeps, by revision (a few KB each). */
const VOTE_ROUND_CACHE = 128;
/** Votes with a revision check before the last attempt, which goes without one (see castVote). */
const STALE_VOTE_ATTEMPTS = 2;

/** Freezes a parsed round all the way down, so a round shared between votes cannot be changed by one of them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Which panel a person responds for. In a peer review, the reviewers and the expert lead vote for the peer
 * panel once the review has started, and the team's self-assessment is locked from then on; each side is
 * refused the other's answers with a typed error.
 */
function panelFor(round: Round, actorId: string): 'team' | 'peer' {
  if (round.mode === 'peer-review' && isPanelMember(round, actorId) && !isParticipant(round, actorId)) {
    if (round.reviewPhase !== 'review') throw new AppError('REVIEW_NOT_STARTED', { coordinator: coordinatorName(round) });
    return 'peer';
  }
  if (round.mode === 'peer-review' && round.reviewPhase === 'review') {
    throw new AppError('SELF_ASSESSMENT_LOCKED', { coordinator: coordinatorName(round) });
  }
  assertCanRespond(round, actorId);
  return 'team';
}

/** A reviewer's own vote and findings live with the panel's; everyone else's with the team's. */
function ownFactorId(round: Round, factorId: string, memberId: string): string {
  return round.mode === 'peer-review' && isPanelMember(round, memberId) && !isParticipant(round, memberId) ? peerFactorId(factorId) : factorId;
}

export class Voting {
  /**
   * Rounds the vote path decided on, with their revisions. A vote uses the remembered round and hands its revision
   * to the store, which refuses the vote atomically if the round has been written since; then the round is read
   * again. So a vote costs one store round trip, and never acts on an outdated round.
   */
  private readonly voteRounds = new Map<string, VersionedRound>();

  constructor(
    private readonly deps: CoreDeps,
    private readonly storeDeadlineMs = STORE_DEADLINE_MS,
  ) {}

  private async votingRound(tenant: string, roundId: string, fresh: boolean): Promise<VersionedRound> {
    const key = `${tenant}\u0000${roundId}`;
    const known = this.voteRounds.get(key);
    if (known && !fresh) return known;
    const read = await this.deps.store.getRoundVersioned(tenant, roundId);
    this.voteRounds.delete(key);
    if (!read) throw new AppError('ROUND_NOT_FOUND');
    const entry: VersionedRound = { round: deepFreeze(read.round), rev: read.rev };
    // A round without a revision can change without the store noticing (an older release wrote it): never reused.
    if (entry.rev === null) return entry;
    if (this.voteRounds.size >= VOTE_ROUND_CACHE) this.voteRounds.delete(this.voteRounds.keys().next().value!);
    this.voteRounds.set(key, entry);
    return entry;
  }

  /** The round as the vote path last read it, if it did: enough to answer in the round's language without a read. */
  knownRound(tenant: string, roundId: string): Round | undefined {
    return this.voteRounds.get(`${tenant}\u0000${roundId}`)?.round;
  }

  /**
   * Records a vote, riding out a store failover: while the store is unavailable the whole decision is made again
   * (withStoreDeadline) until the deadline (STORE_RETRY_SECONDS) has passed, then STORE_UNAVAILABLE ("try again"). Safe to repeat: the
   * interaction id makes a vote that did land count once. The caller confirms only what this returns.
   */
  castVote(input: CastVoteInput): Promise<CastVoteOutcome> {
    return withStoreDeadline(() => this.castVoteOnce(input), { deadlineMs: this.storeDeadlineMs });
  }

  private async castVoteOnce(input: CastVoteInput): Promise<CastVoteOutcome> {
    const { store, packs, keys, clock } = this.deps;
    // Attempt 0 may use the remembered round; a refusal based on it, or a vote the store finds stale, reads it again.
    for (let attempt = 0; ; attempt++) {
      const fresh = attempt > 0;
      const { round, rev } = await this.votingRound(input.tenant, input.roundId, fresh);
      let panel: 'team' | 'peer';
      try {
        if (input.from) assertCardOrigin(round, input.actor.id, input.from);
        assertFactor(packs, round, input.factorId);
        assertWritable(round);
        panel = panelFor(round, input.actor.id);
      } catch (err) {
        if (!fresh) continue;
        throw err;
      }
      const storedFactorId = panel === 'peer' ? peerFactorId(input.factorId) : input.factorId;
      const result = await store.recordVote({
        tenant: input.tenant,
        roundId: input.roundId,
        factorId: storedFactorId,
        memberId: keys.memberKey(round, input.actor.id),
        level: input.level,
        interactionId: keys.interactionKey(round, input.interactionId),
        at: nowIso(clock),
        ...(input.withFactorView ? { withFactorView: true } : {}),
        // The person's display name rides along with the vote (never in an anonymous round, and only when it is new):
        // names live apart from the round's revision, so this costs no extra trip and makes no later vote stale.
        ...(input.actor.name && !round.anonymous && ownValue(round.names, input.actor.id) !== input.actor.name ? { name: input.actor.name } : {}),
        // The last attempt decides on a round read just now without the revision check, as votes did before
        // revisions existed (the script still checks that the round is open), so a busy round never fails a vote.
        ...(rev === null || attempt >= STALE_VOTE_ATTEMPTS ? {} : { roundRev: rev }),
      });
      // Someone wrote the round after we read it (on this process or another one): decide again on the new one.
      if (result.stale) continue;
      // The round may have closed between our read and the atomic write; the script refused it.
      if (!result.accepted) throw new AppError('ROUND_CLOSED');
      return {
        ...result,
        round,
        factorId: input.factorId,
        panel,
        tally: tallyFactor(storedFactorId, result.counts, panel === 'peer' ? panelOf(round).length : round.participants.length),
        changeUntil: round.calendar.closesAt,
      };
    }
  }

  async saveAnswer(input: SaveAnswerInput): Promise<Answer> {
    const round = await this.deps.read.getRound(input.tenant, input.roundId);
    const factor = assertFactor(this.deps.packs, round, input.factorId);
    assertWritable(round);
    if (panelFor(round, input.actor.id) === 'peer') throw new AppError('REVIEWERS_CANNOT_EDIT_TEAM');
    const known = new Set(factor.questions.map((q) => q.id));
    const texts: Record<string, string> = {};
    for (const [questionId, raw] of Object.entries(input.texts)) {
      if (!known.has(questionId)) throw new AppError('UNKNOWN_QUESTION', { question: questionId });
      const text = raw.trim();
      if (text.length > MAX_ANSWER_CHARS) throw new AppError('ANSWER_TOO_LONG', { length: text.length, max: MAX_ANSWER_CHARS });
      if (text.length > 0) texts[questionId] = text;
    }
    const answer: Answer = {
      factorId: input.factorId,
      memberId: this.deps.keys.memberKey(round, input.actor.id),
      texts,
      evidence: normaliseEvidence(input.evidence),
      at: nowIso(this.deps.clock),
    };
    await this.deps.store.saveAnswer(input.tenant, input.roundId, answer);
    return answer;
  }

  async myAnswer(round: Round, factorId: string, memberId: string): Promise<Answer | null> {
    return this.deps.store.getMemberAnswer(round.tenant, round.id, ownFactorId(round, factorId, memberId), this.deps.keys.memberKey(round, memberId));
  }

  async myVote(round: Round, factorId: string, memberId: string): Promise<Level | null> {
    return this.deps.store.getMemberVote(round.tenant, round.id, ownFactorId(round, factorId, memberId), this.deps.keys.memberKey(round, memberId));
  }
}
