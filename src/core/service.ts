// The assessment service: the use cases every platform adapter calls (start, vote, answer, close, status, context).
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { PackRegistry } from '../content/registry.js';
import type { ContentPack, KeyFactor } from '../content/schema.js';
import type { AnonymityKeyring } from './anonymity-keys.js';
import { factorWindows, validateCalendar, type FactorWindow } from './calendar.js';
import { assertCardOrigin, type CardOrigin } from './card-scope.js';
import { AppError } from './errors.js';
import { actionJobId, actionReminderJob, parseActionTag, parseDueDate, planGoals, resolveFactor } from './action-plan.js';
import { assertCanRespond, assertCoordinator, assertTransition, assertWritable, isCoordinator, isParticipant } from './lifecycle.js';
import {
  MAX_ACTION_CHARS,
  MAX_ACTIONS,
  MAX_ANSWER_CHARS,
  MAX_EVIDENCE_LINKS,
  MAX_NOTE_CHARS,
  RoundSchema,
  type Action,
  type ActionTag,
  type Answer,
  type Level,
  type Platform,
  type ReviewNoteKind,
  type Round,
} from './model.js';
import { FINDINGS, isPanelMember, panelOf, peerFactorId, peerStateOf, RECOMMENDATIONS, type PeerState } from './peer-review.js';
import type { Clock, RoundSnapshot, SnapshotOptions, Store, VersionedRound, VoteResult } from './ports.js';
import { DEFAULT_RETENTION_MONTHS, PrivacyRequests, retentionJob } from './privacy.js';
import { calendarFromSettings, RoundSettingsSchema, settingsFromRound, type RoundSettings, type RoundSettingsInput } from './settings.js';
import { compileJobs } from './jobs.js';
import { CorePacks, type Packs } from './packs.js';
import { displayName, hasOwnKey, ownValue } from './own.js';
import { tallyFactor, totalsOf, type FactorTally, type RoundTotals } from './tally.js';

export interface Actor {
  id: string;
  name?: string;
}

export interface Scope {
  tenant: string;
  roundId: string;
}

export interface CastVoteInput extends Scope {
  factorId: string;
  actor: Actor;
  level: Level;
  interactionId: string;
  /** Where the button was pressed, when the platform says: a vote from a conversation the round is not in is refused. */
  from?: CardOrigin;
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

export interface RoundState {
  round: Round;
  pack: ContentPack;
  snapshot: RoundSnapshot;
  windows: FactorWindow[];
  tallies: FactorTally[];
  totals: RoundTotals;
  /** factorId → number of members who answered, and evidence links given. */
  answerStats: Record<string, { answers: number; evidence: number; links: string[] }>;
  /** Peer-review rounds: the panel's votes, findings and recommendations, kept apart from the team's. */
  peer?: PeerState;
}

export interface SaveFindingsInput extends Scope {
  factorId: string;
  actor: Actor;
  /** Left out = unchanged; an empty string clears it. */
  findings?: string;
  recommendations?: string;
}

export interface AddActionInput {
  tenant: string;
  channelId: string;
  actor: Actor;
  factor: string;
  owner: string;
  due: string;
  tag: string | ActionTag;
  text: string;
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

/** Splits free text (one link per line, or separated by spaces or commas) into links. */
export function splitLinks(text: string | undefined | null): string[] {
  if (!text) return [];
  return text.split(/[\s,]+/).filter((s) => s.length > 0);
}

/**
 * What state() must read for a digest or status of `round`: the answer stats suffice, except in a peer review,
 * whose digest quotes the panel's findings and recommendations, which are stored as answers.
 */
export function digestReadOptions(round: Pick<Round, 'mode'>): SnapshotOptions {
  return { answers: round.mode === 'peer-review' };
}

export function newRoundId(now: number): string {
  return `${DateTime.fromMillis(now, { zone: 'utc' }).toFormat('yyyyLLdd')}-${randomBytes(4).toString('hex')}`;
}

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

export class AssessmentService {
  readonly store: Store;
  /** The installed packs; a missing one is an AppError (UNKNOWN_PACK), like every other refusal. */
  readonly packs: Packs;
  readonly clock: Clock;
  /** Closed rounds are purged this many months after their close (RETENTION_MONTHS). */
  readonly retentionMonths: number;
  /** Per-person export and erasure, tenant removal and round purges; platforms register their records here. */
  readonly privacy: PrivacyRequests;
  /** Keys member ids in anonymous rounds and interaction ids (core/anonymity-keys.ts). */
  readonly anonymityKeys: AnonymityKeyring;
  /**
   * Rounds the vote path decided on, with their revisions. A vote uses the remembered round and hands its revision
   * to the store, which refuses the vote atomically if the round has been written since; then the round is read
   * again. So a vote costs one store round trip, and never acts on an outdated round.
   */
  private readonly voteRounds = new Map<string, VersionedRound>();

  constructor(deps: { store: Store; packs: PackRegistry; clock: Clock; anonymityKeys: AnonymityKeyring; retentionMonths?: number }) {
    this.store = deps.store;
    this.packs = CorePacks.of(deps.packs);
    this.clock = deps.clock;
    this.anonymityKeys = deps.anonymityKeys;
    this.retentionMonths = deps.retentionMonths ?? DEFAULT_RETENTION_MONTHS;
    this.privacy = new PrivacyRequests(this);
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /**
   * How a member is keyed in votes and answers: the id, or a keyed hash of it in anonymous rounds, under the key the
   * round was started with. Throws ANONYMITY_KEY_RETIRED when that key is no longer configured.
   */
  memberKey(round: Round, memberId: string): string {
    if (!round.anonymous) return memberId;
    return 'anon-' + this.anonymityKeys.hash(round, `${round.tenant}\u0000${round.id}\u0000${memberId}`).slice(0, 32);
  }

  /** False for an anonymous round whose key has been retired: its members can no longer be keyed (or found). */
  canKeyMembers(round: Round): boolean {
    return !round.anonymous || this.anonymityKeys.has(round);
  }

  /**
   * Interaction ids can carry a platform user id (Slack's do); they are stored only as a keyed hash, so the
   * dedupe keys next to a round's votes never name who voted. A named round keeps no key id: its dedupe window is
   * minutes, so it simply uses the current key.
   */
  private interactionKey(round: Round, interactionId: string): string {
    const keyed = round.anonymous ? round : { id: round.id };
    return this.anonymityKeys.hash(keyed, `ix\u0000${round.tenant}\u0000${round.id}\u0000${interactionId}`).slice(0, 32);
  }

  async getRound(tenant: string, roundId: string): Promise<Round> {
    const round = await this.store.getRound(tenant, roundId);
    if (!round) throw new AppError('ROUND_NOT_FOUND');
    return round;
  }

  /** The active round of a channel, or ROUND_NOT_FOUND. */
  async roundForChannel(tenant: string, channelId: string): Promise<Round> {
    const id = await this.store.activeRoundForChannel(tenant, channelId);
    if (!id) throw new AppError('ROUND_NOT_FOUND');
    return this.getRound(tenant, id);
  }

  async latestRoundForChannel(tenant: string, channelId: string): Promise<Round | null> {
    const active = await this.store.activeRoundForChannel(tenant, channelId);
    if (active) return this.store.getRound(tenant, active);
    const rounds = (await this.store.listRounds(tenant)).filter((r) => r.channel.id === channelId);
    rounds.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return rounds[0] ?? null;
  }

  /** Creates and opens a round in one step (what `/assess start` does), and schedules its calendar. */
  async startRound(input: {
    tenant: string;
    platform: Platform;
    settings: RoundSettingsInput;
    actor: Actor;
    names?: Record<string, string>;
  }): Promise<Round> {
    const parsed = RoundSettingsSchema.safeParse(input.settings);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new AppError('INVALID_INPUT', { detail: `${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim() });
    }
    const settings = parsed.data;
    const pack = this.packs.get(settings.packId, settings.locale);
    if (!pack.usageModes.some((m) => m.id === settings.mode)) {
      throw new AppError('INVALID_INPUT', { detail: `mode ${settings.mode}` });
    }
    const now = this.clock.now();
    const calendar = calendarFromSettings(settings);
    // A round starting today opens the moment the coordinator presses Start, not at 08:00.
    const today = DateTime.fromMillis(now, { zone: settings.timezone }).toISODate();
    if (settings.startDate <= (today ?? '') && Date.parse(calendar.opensAt) > now) {
      calendar.opensAt = new Date(now).toISOString();
    }
    validateCalendar(calendar);
    const existing = await this.store.activeRoundForChannel(input.tenant, settings.channelId);
    if (existing) {
      const other = await this.store.getRound(input.tenant, existing);
      if (other && (other.status === 'open' || other.status === 'draft')) throw new AppError('ROUND_ALREADY_OPEN_IN_CHANNEL');
    }
    const previous = await this.latestRoundForChannel(input.tenant, settings.channelId);
    const baselineId = settings.baselineRoundId ?? (await this.findBaseline(input.tenant, settings.channelId))?.id;
    const participants = [...new Set(settings.participants)];
    const both = settings.reviewers.find((id) => participants.includes(id));
    if (both) throw new AppError('REVIEWER_IS_PARTICIPANT', { member: ownValue(input.names, both) ?? both });
    const round: Round = RoundSchema.parse({
      id: newRoundId(now),
      tenant: input.tenant,
      platform: input.platform,
      channel: { id: settings.channelId, ...(settings.channelName ? { name: settings.channelName } : {}) },
      ...(settings.title ? { title: settings.title } : {}),
      packId: settings.packId,
      locale: settings.locale,
      mode: settings.mode,
      status: 'draft',
      createdAt: new Date(now).toISOString(),
      coordinators: [input.actor.id],
      participants,
      managers: [...new Set(settings.managers)],
      reviewers: [...new Set(settings.reviewers)],
      names: { ...(input.names ?? {}), ...(input.actor.name ? { [input.actor.id]: input.actor.name } : {}) },
      calendar,
      factorIds: pack.keyFactors.map((f) => f.id),
      isBaseline: settings.isBaseline,
      ...(baselineId ? { baselineRoundId: baselineId } : {}),
      ...(previous && previous.status !== 'draft' ? { previousRoundId: previous.id } : {}),
      anonymous: settings.anonymous,
      // The key stays with the round for its whole life, so a rotation mid-round never counts anyone twice.
      ...(settings.anonymous ? { anonymityKeyId: this.anonymityKeys.currentId } : {}),
      minResponses: settings.minResponses,
      minAnswers: settings.minAnswers,
      contextNotes: [],
      ...(settings.mode === 'peer-review' ? { reviewPhase: 'self-assessment', reviewNotes: [] } : {}),
    });
    await this.store.createRound(round);
    return this.openRound(input.tenant, round.id, input.actor);
  }

  private async findBaseline(tenant: string, channelId: string): Promise<Round | null> {
    const rounds = (await this.store.listRounds(tenant)).filter((r) => r.channel.id === channelId && r.isBaseline);
    rounds.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return rounds[0] ?? null;
  }

  async openRound(tenant: string, roundId: string, actor: Actor): Promise<Round> {
    const opened = await this.store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      assertTransition(r, 'open');
      return { ...r, status: 'open', openedAt: this.nowIso() };
    });
    await this.store.setActiveRoundForChannel(tenant, opened.channel.id, opened.id);
    await this.store.scheduleJobs(compileJobs(opened, this.clock.now()));
    return opened;
  }

  /** Factors whose opening time has come (all of them for an all-at-once calendar). */
  openFactorIds(round: Round, now = this.clock.now()): string[] {
    return factorWindows(round.calendar, round.factorIds)
      .filter((w) => Date.parse(w.opensAt) <= now)
      .map((w) => w.factorId);
  }

  windows(round: Round): FactorWindow[] {
    return factorWindows(round.calendar, round.factorIds);
  }

  private assertFactor(round: Round, factorId: string): KeyFactor {
    if (!round.factorIds.includes(factorId)) throw new AppError('UNKNOWN_FACTOR', { factor: factorId });
    return this.packs.factor(round.packId, round.locale, factorId);
  }

  /**
   * Which panel a person responds for. In a peer review, the reviewers and the expert lead vote for the peer
   * panel once the review has started, and the team's self-assessment is locked from then on; each side is
   * refused the other's answers with a typed error.
   */
  private panelFor(round: Round, actorId: string): 'team' | 'peer' {
    if (round.mode === 'peer-review' && isPanelMember(round, actorId) && !isParticipant(round, actorId)) {
      if (round.reviewPhase !== 'review') throw new AppError('REVIEW_NOT_STARTED', { coordinator: this.coordinatorName(round) });
      return 'peer';
    }
    if (round.mode === 'peer-review' && round.reviewPhase === 'review') {
      throw new AppError('SELF_ASSESSMENT_LOCKED', { coordinator: this.coordinatorName(round) });
    }
    assertCanRespond(round, actorId);
    return 'team';
  }

  private coordinatorName(round: Round): string {
    return displayName(round, round.coordinators[0] ?? '');
  }

  private async votingRound(tenant: string, roundId: string, fresh: boolean): Promise<VersionedRound> {
    const key = `${tenant}\u0000${roundId}`;
    const known = this.voteRounds.get(key);
    if (known && !fresh) return known;
    const read = await this.store.getRoundVersioned(tenant, roundId);
    this.voteRounds.delete(key);
    if (!read) throw new AppError('ROUND_NOT_FOUND');
    const entry: VersionedRound = { round: deepFreeze(read.round), rev: read.rev };
    // A round without a revision can change without the store noticing (an older release wrote it): never reused.
    if (entry.rev === null) return entry;
    if (this.voteRounds.size >= VOTE_ROUND_CACHE) this.voteRounds.delete(this.voteRounds.keys().next().value!);
    this.voteRounds.set(key, entry);
    return entry;
  }

  async castVote(input: CastVoteInput): Promise<CastVoteOutcome> {
    // Attempt 0 may use the remembered round; a refusal based on it, or a vote the store finds stale, reads it again.
    for (let attempt = 0; ; attempt++) {
      const fresh = attempt > 0;
      const { round, rev } = await this.votingRound(input.tenant, input.roundId, fresh);
      let panel: 'team' | 'peer';
      try {
        if (input.from) assertCardOrigin(round, input.actor.id, input.from);
        this.assertFactor(round, input.factorId);
        assertWritable(round);
        panel = this.panelFor(round, input.actor.id);
      } catch (err) {
        if (!fresh) continue;
        throw err;
      }
      const storedFactorId = panel === 'peer' ? peerFactorId(input.factorId) : input.factorId;
      const result = await this.store.recordVote({
        tenant: input.tenant,
        roundId: input.roundId,
        factorId: storedFactorId,
        memberId: this.memberKey(round, input.actor.id),
        level: input.level,
        interactionId: this.interactionKey(round, input.interactionId),
        at: this.nowIso(),
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
    const round = await this.getRound(input.tenant, input.roundId);
    const factor = this.assertFactor(round, input.factorId);
    assertWritable(round);
    if (this.panelFor(round, input.actor.id) === 'peer') throw new AppError('REVIEWERS_CANNOT_EDIT_TEAM');
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
      memberId: this.memberKey(round, input.actor.id),
      texts,
      evidence: normaliseEvidence(input.evidence),
      at: this.nowIso(),
    };
    await this.store.saveAnswer(input.tenant, input.roundId, answer);
    return answer;
  }

  /** A reviewer's own vote and findings live with the panel's; everyone else's with the team's. */
  private ownFactorId(round: Round, factorId: string, memberId: string): string {
    return round.mode === 'peer-review' && isPanelMember(round, memberId) && !isParticipant(round, memberId) ? peerFactorId(factorId) : factorId;
  }

  async myAnswer(round: Round, factorId: string, memberId: string): Promise<Answer | null> {
    return this.store.getMemberAnswer(round.tenant, round.id, this.ownFactorId(round, factorId, memberId), this.memberKey(round, memberId));
  }

  async myVote(round: Round, factorId: string, memberId: string): Promise<Level | null> {
    return this.store.getMemberVote(round.tenant, round.id, this.ownFactorId(round, factorId, memberId), this.memberKey(round, memberId));
  }

  /** Closes the round (coordinator, or the scheduler with `system: true`) and schedules the final digest now. */
  async closeRound(tenant: string, roundId: string, actor: Actor | { system: true }): Promise<Round> {
    const closed = await this.store.updateRound(tenant, roundId, (r) => {
      if ('id' in actor) assertCoordinator(r, actor.id);
      assertTransition(r, 'closed');
      return { ...r, status: 'closed', closedAt: this.nowIso() };
    });
    await this.store.cancelRoundJobs(tenant, roundId, ['factor-open', 'reminder', 'weekly-digest', 'auto-close']);
    const purge = retentionJob(closed, this.retentionMonths);
    await this.store.scheduleJobs([
      {
        id: `${tenant}:${roundId}:final-digest`,
        kind: 'final-digest',
        tenant,
        roundId,
        dueAt: this.clock.now(),
        payload: {},
        attempts: 0,
      },
      ...(purge ? [purge] : []),
    ]);
    await this.store.setActiveRoundForChannel(tenant, closed.channel.id, null);
    return closed;
  }

  async archiveRound(tenant: string, roundId: string, actor: Actor): Promise<Round> {
    return this.store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      assertTransition(r, 'archived');
      return { ...r, status: 'archived', archivedAt: this.nowIso() };
    });
  }

  /** Notes that a context factor affects the municipality, with a comment; an empty comment removes the note. */
  async noteContext(tenant: string, roundId: string, actor: Actor, contextFactorId: string, comment: string): Promise<Round> {
    const round = await this.getRound(tenant, roundId);
    const pack = this.packs.get(round.packId, round.locale);
    if (!pack.contextFactors.some((c) => c.id === contextFactorId)) {
      throw new AppError('UNKNOWN_CONTEXT_FACTOR', { context: contextFactorId });
    }
    if (comment.length > MAX_ANSWER_CHARS) throw new AppError('ANSWER_TOO_LONG', { length: comment.length, max: MAX_ANSWER_CHARS });
    return this.store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      assertWritable(r);
      const others = r.contextNotes.filter((n) => n.contextFactorId !== contextFactorId);
      const text = comment.trim();
      const notes = text ? [...others, { contextFactorId, comment: text, by: actor.id, at: this.nowIso() }] : others;
      return { ...r, contextNotes: notes };
    });
  }

  /**
   * Adds display names learned from the platform, so digests can show names instead of ids. They are kept beside the
   * round, not written into it: the round's revision stays, so open cards do not go stale (a no-op for an unknown round).
   */
  async rememberNames(tenant: string, roundId: string, names: Record<string, string>): Promise<void> {
    await this.store.rememberNames(tenant, roundId, names);
  }

  /**
   * Everything needed to render cards, status and digests, in a fixed number of store round trips. With
   * `answers: false` the answers themselves are not read (`snapshot.answers` is empty, `answerStats` is filled):
   * enough for cards, reminders and tallies, and far cheaper in a large round. A peer review's panel findings are
   * answers, so `peer` then has none (see digestReadOptions).
   */
  async state(tenant: string, roundId: string, opts?: SnapshotOptions): Promise<RoundState> {
    const snapshot = await this.store.getSnapshot(tenant, roundId, opts);
    if (!snapshot) throw new AppError('ROUND_NOT_FOUND');
    return this.stateFromSnapshot(snapshot);
  }

  stateFromSnapshot(snapshot: RoundSnapshot): RoundState {
    const round = snapshot.round;
    const pack = this.packs.get(round.packId, round.locale);
    const eligible = round.participants.length;
    const tallies = round.factorIds.map((id) =>
      tallyFactor(id, snapshot.counts[id] ?? { 'in-place': 0, partly: 0, 'not-in-place': 0, 'dont-know': 0 }, eligible),
    );
    const answerStats: RoundState['answerStats'] = {};
    for (const id of round.factorIds) {
      // The store keeps these per factor; only a hand-built snapshot needs the walk below.
      const kept = snapshot.answerStats?.[id];
      if (kept) {
        answerStats[id] = kept;
        continue;
      }
      const answers = Object.values(snapshot.answers[id] ?? {});
      const links = answers.flatMap((a) => a.evidence);
      answerStats[id] = {
        answers: answers.filter((a) => Object.keys(a.texts).length > 0 || a.evidence.length > 0).length,
        evidence: links.length,
        links,
      };
    }
    const peer = peerStateOf(snapshot);
    return { round, pack, snapshot, windows: this.windows(round), tallies, totals: totalsOf(tallies), answerStats, ...(peer ? { peer } : {}) };
  }

  // --- baseline, re-assessment and history ---------------------------------------------------------

  /** Every round of a channel that has opened (oldest first). */
  async channelRounds(tenant: string, channelId: string): Promise<Round[]> {
    return (await this.store.listRounds(tenant))
      .filter((r) => r.channel.id === channelId && r.status !== 'draft')
      .sort((a, b) => a.calendar.opensAt.localeCompare(b.calendar.opensAt) || a.createdAt.localeCompare(b.createdAt));
  }

  /** The newest closed (or archived) round of a channel: the one a plan, a baseline mark or a re-start works from. */
  async latestClosedRound(tenant: string, channelId: string): Promise<Round> {
    const closed = (await this.channelRounds(tenant, channelId)).filter((r) => r.status === 'closed' || r.status === 'archived');
    const latest = closed.sort((a, b) => (b.closedAt ?? b.createdAt).localeCompare(a.closedAt ?? a.createdAt))[0];
    if (!latest) throw new AppError('NO_CLOSED_ROUND');
    return latest;
  }

  /**
   * Marks a closed round as the channel's baseline (its coordinator only). An open round that started after it
   * and has no baseline yet compares with it from now on.
   */
  async markBaseline(tenant: string, channelId: string, actor: Actor, roundId?: string): Promise<Round> {
    const target = roundId ? await this.getRound(tenant, roundId) : await this.latestClosedRound(tenant, channelId);
    if (target.channel.id !== channelId) throw new AppError('ROUND_NOT_FOUND');
    if (target.status !== 'closed' && target.status !== 'archived') throw new AppError('NO_CLOSED_ROUND');
    const marked = await this.store.updateRound(tenant, target.id, (r) => {
      assertCoordinator(r, actor.id);
      return { ...r, isBaseline: true };
    });
    const activeId = await this.store.activeRoundForChannel(tenant, channelId);
    if (activeId && activeId !== marked.id) {
      await this.store.updateRound(tenant, activeId, (r) =>
        r.baselineRoundId || r.createdAt < marked.createdAt ? r : { ...r, baselineRoundId: marked.id },
      );
    }
    return marked;
  }

  /** The start form's values taken from the channel's last round, with new dates of the same length from `startDate`. */
  async settingsForRestart(tenant: string, channelId: string, startDate: string): Promise<RoundSettings> {
    const last = (await this.channelRounds(tenant, channelId)).at(-1);
    if (!last) throw new AppError('ROUND_NOT_FOUND');
    return settingsFromRound(last, startDate);
  }

  /** States of every round of a channel, oldest first, for `history`. */
  async historyStates(tenant: string, channelId: string): Promise<RoundState[]> {
    const states: RoundState[] = [];
    for (const round of await this.channelRounds(tenant, channelId)) {
      const snapshot = await this.store.getSnapshot(tenant, round.id);
      if (snapshot) states.push(this.stateFromSnapshot(snapshot));
    }
    return states;
  }

  // --- peer review ---------------------------------------------------------------------------------

  private assertPeerReview(round: Round): void {
    if (round.mode !== 'peer-review') throw new AppError('NOT_PEER_REVIEW', { mode: this.modeName(round) });
  }

  private modeName(round: Round): string {
    return this.packs.get(round.packId, round.locale).usageModes.find((m) => m.id === round.mode)?.title ?? round.mode;
  }

  /** Invites reviewers (Slack Connect or guest users, Teams guests) and optionally names the expert lead. */
  async inviteReviewers(
    tenant: string,
    roundId: string,
    actor: Actor,
    input: { reviewers?: string[]; lead?: string; names?: Record<string, string> },
  ): Promise<Round> {
    return this.store.updateRound(tenant, roundId, (r) => {
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

  /** Phase two: the self-assessment locks and the panel reviews it (coordinator only). */
  async startReview(tenant: string, roundId: string, actor: Actor): Promise<Round> {
    const round = await this.store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      this.assertPeerReview(r);
      assertWritable(r);
      if (r.reviewPhase === 'review') throw new AppError('REVIEW_ALREADY_STARTED');
      if (panelOf(r).length === 0) throw new AppError('NO_REVIEWERS');
      return { ...r, reviewPhase: 'review', reviewStartedAt: this.nowIso() };
    });
    // Team reminders stop with the self-assessment; the panel is reminded with `/assess remind`.
    await this.store.cancelRoundJobs(tenant, roundId, ['reminder']);
    return round;
  }

  /** A reviewer's findings and recommendations on one factor; either may be given alone. */
  async saveFindings(input: SaveFindingsInput): Promise<Answer> {
    const round = await this.getRound(input.tenant, input.roundId);
    this.assertFactor(round, input.factorId);
    this.assertPeerReview(round);
    assertWritable(round);
    if (!isPanelMember(round, input.actor.id) || isParticipant(round, input.actor.id)) {
      throw new AppError('NOT_REVIEWER');
    }
    if (round.reviewPhase !== 'review') throw new AppError('REVIEW_NOT_STARTED', { coordinator: this.coordinatorName(round) });
    const key = peerFactorId(input.factorId);
    const memberId = this.memberKey(round, input.actor.id);
    const existing = await this.store.getMemberAnswer(round.tenant, round.id, key, memberId);
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
    const answer: Answer = { factorId: key, memberId, texts, evidence: existing?.evidence ?? [], at: this.nowIso() };
    await this.store.saveAnswer(round.tenant, round.id, answer);
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
    return this.store.updateRound(tenant, roundId, (r) => {
      this.assertPeerReview(r);
      assertWritable(r);
      if (!isCoordinator(r, actor.id) && !isPanelMember(r, actor.id)) throw new AppError('NOT_REVIEWER');
      if (r.reviewPhase !== 'review') throw new AppError('REVIEW_NOT_STARTED', { coordinator: this.coordinatorName(r) });
      for (const f of input.factorIds ?? []) if (!r.factorIds.includes(f)) throw new AppError('UNKNOWN_FACTOR', { factor: f });
      const notes = r.reviewNotes ?? [];
      const note = { id: `N${notes.length + 1}`, kind: input.kind, factorIds: input.factorIds ?? [], text, by: actor.id, at: this.nowIso() };
      return { ...r, reviewNotes: [...notes, note] };
    });
  }

  // --- action plan ---------------------------------------------------------------------------------

  /** The team of a round: its participants and coordinators (reviewers and managers are not). */
  private assertTeam(round: Round, actorId: string): void {
    if (!isParticipant(round, actorId) && !isCoordinator(round, actorId)) {
      throw new AppError('NOT_TEAM_MEMBER', { coordinator: this.coordinatorName(round) });
    }
  }

  /** Whom an owner token names: "me", an id known to the round, a Slack mention, or a display name. */
  resolveMember(round: Round, token: string, actor: Actor): string {
    const raw = token.trim();
    if (/^(me|jag|mig)$/i.test(raw)) return actor.id;
    const mention = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/i.exec(raw)?.[1];
    const id = mention ?? raw.replace(/^@/, '');
    const known = new Set([...round.participants, ...round.coordinators, ...round.managers, ...round.reviewers, ...Object.keys(round.names)]);
    if (known.has(id)) return id;
    const byName = Object.entries(round.names).filter(([, name]) => name.toLowerCase() === id.toLowerCase());
    if (byName.length === 1 && byName[0]) return byName[0][0];
    throw new AppError('UNKNOWN_MEMBER', { member: raw.slice(0, 60) });
  }

  /** Adds an action to the plan of the channel's latest closed round, and schedules its reminder. */
  async addAction(input: AddActionInput): Promise<{ round: Round; action: Action }> {
    const source = await this.latestClosedRound(input.tenant, input.channelId);
    const state = await this.state(input.tenant, source.id);
    this.assertTeam(source, input.actor.id);
    const factor = resolveFactor(state.pack, input.factor);
    const goal = planGoals(state).find((g) => g.factorId === factor.id);
    if (!goal) throw new AppError('NOT_A_GOAL', { factor: `${String(factor.number).padStart(2, '0')} ${factor.theme}` });
    const owner = this.resolveMember(source, input.owner, input.actor);
    const due = parseDueDate(input.due, source.calendar.timezone, this.clock.now());
    const tag = parseActionTag(input.tag);
    const text = input.text.trim();
    if (!text) throw new AppError('INVALID_INPUT', { detail: 'text' });
    if (text.length > MAX_ACTION_CHARS) throw new AppError('ANSWER_TOO_LONG', { length: text.length, max: MAX_ACTION_CHARS });
    let action: Action | undefined;
    const round = await this.store.updateRound(input.tenant, source.id, (r) => {
      const plan = r.actionPlan ?? { actions: [], nextNumber: 1 };
      if (plan.actions.length >= MAX_ACTIONS) throw new AppError('TOO_MANY_ACTIONS', { max: MAX_ACTIONS });
      action = {
        id: `A${plan.nextNumber}`,
        factorId: factor.id,
        text,
        owner,
        due,
        tag,
        status: 'open',
        createdBy: input.actor.id,
        createdAt: this.nowIso(),
      };
      return {
        ...r,
        names: input.actor.name && !hasOwnKey(r.names, input.actor.id) ? { ...r.names, [input.actor.id]: input.actor.name } : r.names,
        actionPlan: { actions: [...plan.actions, action], nextNumber: plan.nextNumber + 1 },
      };
    });
    const job = actionReminderJob(round, action!, this.clock.now());
    if (job) await this.store.scheduleJobs([job]);
    return { round, action: action! };
  }

  /** Marks an action done (the team or its owner); its reminder is dropped. */
  async completeAction(tenant: string, channelId: string, actor: Actor, actionRef: string): Promise<{ round: Round; action: Action }> {
    const source = await this.latestClosedRound(tenant, channelId);
    const id = `A${actionRef.trim().replace(/^a/i, '')}`;
    let action: Action | undefined;
    const round = await this.store.updateRound(tenant, source.id, (r) => {
      const plan = r.actionPlan;
      const found = plan?.actions.find((a) => a.id === id);
      if (!plan || !found) throw new AppError('UNKNOWN_ACTION', { action: actionRef.slice(0, 20) });
      if (found.owner !== actor.id) this.assertTeam(r, actor.id);
      action = found.status === 'done' ? found : { ...found, status: 'done', doneAt: this.nowIso(), doneBy: actor.id };
      return { ...r, actionPlan: { ...plan, actions: plan.actions.map((a) => (a.id === id ? action! : a)) } };
    });
    await this.store.completeJob(actionJobId(round, id));
    return { round, action: action! };
  }

  // --- retention -----------------------------------------------------------------------------------

  /** Schedules (or moves) the purge of every closed round, e.g. after RETENTION_MONTHS changed. Idempotent. */
  async scheduleRetention(): Promise<number> {
    let count = 0;
    for (const tenant of await this.store.listTenants()) {
      for (const round of await this.store.listRounds(tenant)) {
        const job = retentionJob(round, this.retentionMonths);
        if (!job) continue;
        await this.store.scheduleJobs([job]);
        count += 1;
      }
    }
    return count;
  }

  /** Purges a closed round once its retention has passed; false (and nothing deleted) before that. */
  async purgeIfExpired(tenant: string, roundId: string): Promise<boolean> {
    const round = await this.store.getRound(tenant, roundId);
    if (!round) return false;
    const job = retentionJob(round, this.retentionMonths);
    if (!job) return false;
    if (job.dueAt > this.clock.now()) {
      await this.store.scheduleJobs([job]);
      return false;
    }
    await this.privacy.purgeRound(tenant, roundId);
    return true;
  }

  /** Participants who have not voted on a factor (keyed the same way as stored votes). */
  pendingMembers(state: RoundState, factorId: string): string[] {
    const votes = state.snapshot.votes[factorId] ?? {};
    return state.round.participants.filter((m) => !hasOwnKey(votes, this.memberKey(state.round, m)));
  }
}
