// Peer review use cases: inviting the panel, starting the review, the panel's findings and the review notes.
import { AppError } from '../errors.js';
import { compileJobs } from '../jobs.js';
import { assertCoordinator, assertWritable, isCoordinator, isParticipant } from '../lifecycle.js';
import { MAX_ANSWER_CHARS, MAX_NOTE_CHARS, type Answer, type ReviewNoteKind, type Round } from '../model.js';
import { displayName, ownValue } from '../own.js';
import { FINDINGS, isPanelMember, panelOf, peerFactorId, RECOMMENDATIONS } from '../peer-review.js';
import { assertFactor, coordinatorName, modeName, nowIso, type Actor, type CoreDeps, type Scope } from './context.js';

export interface SaveFindingsInput extends Scope {
  factorId: string;
  actor: Actor;
  /** Left out = unchanged; an empty string clears it. */
  findings?: string;
  recommendations?: string;
}

export class PeerReviews {
  constructor(private readonly deps: CoreDeps) {}

  private assertPeerReview(round: Round): void {
    if (round.mode !== 'peer-review') throw new AppError('NOT_PEER_REVIEW', { mode: modeName(this.deps.packs, round) });
  }

  /** Invites reviewers (Slack Connect or guest users, Teams guests) and optionally names the expert lead. */
  async inviteReviewers(
    tenant: string,
    roundId: string,
    actor: Actor,
    input: { reviewers?: string[]; lead?: string; names?: Record<string, string> },
  ): Promise<Round> {
    return this.deps.store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      this.assertPeerReview(r);
      if (r.status === 'closed' || r.status === 'archived') throw new AppError('ROUND_CLOSED');
      const added = [...(input.reviewers ?? []), ...(input.lead ? [input.lead] : [])];
      const both = added.find((id) => r.participants.includes(id));
      if (both) throw new AppError('REVIEWER_IS_PARTICIPANT', { member: ownValue(input.names, both) ?? displayName(r, both) });
      return {
        ...r,
        reviewers: [...new Set([...r.reviewers, ...(input.reviewers ?? [])])],
        ...(input.lead ? { reviewLead: input.lead } : {}),
        names: { ...r.names, ...(input.names ?? {}) },
      };
    });
  }

  /**
   * The seed's "validera … er egen utvärdering": the channel's latest closed internal evaluation becomes the
   * self-assessment that invited peers validate, without the team voting again. The round opens again as a peer review
   * already in its review phase (the team's votes and answers locked as they were), every factor open to the panel
   * for `weeks` weeks; it closes by the calendar or with `close` as any round does.
   */
  async validateClosed(tenant: string, channelId: string, actor: Actor, input: { reviewers: string[]; weeks?: number }): Promise<Round> {
    const { store, read, clock } = this.deps;
    const source = await read.latestClosedRound(tenant, channelId);
    assertCoordinator(source, actor.id);
    if (source.mode !== 'internal-evaluation') throw new AppError('INVALID_INPUT', { detail: modeName(this.deps.packs, source) });
    if (await read.activeRoundId(tenant, channelId)) throw new AppError('ROUND_ALREADY_OPEN_IN_CHANNEL');
    if (input.reviewers.length === 0) throw new AppError('NO_REVIEWERS');
    const now = clock.now();
    const closesAt = new Date(now + (input.weeks ?? 4) * 7 * 86_400_000).toISOString();
    const round = await store.updateRound(tenant, source.id, (r) => {
      if (r.status !== 'closed') throw new AppError('ILLEGAL_TRANSITION', { from: r.status, to: 'open' });
      const both = input.reviewers.find((id) => r.participants.includes(id));
      if (both) throw new AppError('REVIEWER_IS_PARTICIPANT', { member: displayName(r, both) });
      const { closedAt: _closed, ...open } = r;
      return {
        ...open,
        mode: 'peer-review',
        status: 'open',
        reviewPhase: 'review',
        reviewStartedAt: nowIso(clock),
        // Opened again after its close: the panel's close sends a summary of its own (round-lifecycle.ts closeRound).
        reopenedAt: nowIso(clock),
        reviewNotes: r.reviewNotes ?? [],
        reviewers: [...new Set([...r.reviewers, ...input.reviewers])],
        // Every factor open to the panel at once until the new close; the team's own windows are over.
        calendar: { ...r.calendar, pacing: { kind: 'all-at-once' }, closesAt },
      };
    });
    await store.cancelRoundJobs(tenant, round.id, ['retention-purge', 'final-digest']);
    await store.setActiveRoundForChannel(tenant, channelId, round.id);
    await store.scheduleJobs(compileJobs(round, now));
    return round;
  }

  /** Phase two: the self-assessment locks and the panel reviews it (coordinator only). */
  async startReview(tenant: string, roundId: string, actor: Actor): Promise<Round> {
    const round = await this.deps.store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      this.assertPeerReview(r);
      assertWritable(r);
      if (r.reviewPhase === 'review') throw new AppError('REVIEW_ALREADY_STARTED');
      if (panelOf(r).length === 0) throw new AppError('NO_REVIEWERS');
      return { ...r, reviewPhase: 'review', reviewStartedAt: nowIso(this.deps.clock) };
    });
    // Team reminders stop with the self-assessment; the panel is reminded with `/assess remind`.
    await this.deps.store.cancelRoundJobs(tenant, roundId, ['reminder']);
    return round;
  }

  /** A reviewer's findings and recommendations on one factor; either may be given alone. */
  async saveFindings(input: SaveFindingsInput): Promise<Answer> {
    const { store, keys, clock } = this.deps;
    const round = await this.deps.read.getRound(input.tenant, input.roundId);
    assertFactor(this.deps.packs, round, input.factorId);
    this.assertPeerReview(round);
    assertWritable(round);
    if (!isPanelMember(round, input.actor.id) || isParticipant(round, input.actor.id)) {
      throw new AppError('NOT_REVIEWER');
    }
    if (round.reviewPhase !== 'review') throw new AppError('REVIEW_NOT_STARTED', { coordinator: coordinatorName(round) });
    const key = peerFactorId(input.factorId);
    const memberId = keys.memberKey(round, input.actor.id);
    const existing = await store.getMemberAnswer(round.tenant, round.id, key, memberId);
    const texts: Record<string, string> = { ...(existing?.texts ?? {}) };
    for (const [name, value] of [
      [FINDINGS, input.findings],
      [RECOMMENDATIONS, input.recommendations],
    ] as const) {
      if (value === undefined) continue;
      const text = value.trim();
      if (text.length > MAX_ANSWER_CHARS) throw new AppError('ANSWER_TOO_LONG', { length: text.length, max: MAX_ANSWER_CHARS });
      if (text) texts[name] = text;
      else delete texts[name];
    }
    const answer: Answer = { factorId: key, memberId, texts, evidence: existing?.evidence ?? [], at: nowIso(clock) };
    await store.saveAnswer(round.tenant, round.id, answer);
    return answer;
  }

  /** Logs an interview, focus group or visit note (panel or coordinator), during the review. */
  async addReviewNote(
    tenant: string,
    roundId: string,
    actor: Actor,
    input: { kind: ReviewNoteKind; text: string; factorIds?: string[] },
  ): Promise<Round> {
    const text = input.text.trim();
    if (!text) throw new AppError('INVALID_INPUT', { detail: 'text' });
    if (text.length > MAX_NOTE_CHARS) throw new AppError('ANSWER_TOO_LONG', { length: text.length, max: MAX_NOTE_CHARS });
    return this.deps.store.updateRound(tenant, roundId, (r) => {
      this.assertPeerReview(r);
      assertWritable(r);
      if (!isCoordinator(r, actor.id) && !isPanelMember(r, actor.id)) throw new AppError('NOT_REVIEWER');
      if (r.reviewPhase !== 'review') throw new AppError('REVIEW_NOT_STARTED', { coordinator: coordinatorName(r) });
      for (const f of input.factorIds ?? []) if (!r.factorIds.includes(f)) throw new AppError('UNKNOWN_FACTOR', { factor: f });
      const notes = r.reviewNotes ?? [];
      const note = { id: `N${notes.length + 1}`, kind: input.kind, factorIds: input.factorIds ?? [], text, by: actor.id, at: nowIso(this.deps.clock) };
      return { ...r, reviewNotes: [...notes, note] };
    });
  }
}
