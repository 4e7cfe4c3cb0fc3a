// The assessment service: the use cases every platform adapter calls (start, vote, answer, close, status, context).
import { createHmac, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { PackRegistry } from '../content/registry.js';
import type { ContentPack, KeyFactor } from '../content/schema.js';
import { factorWindows, validateCalendar, type FactorWindow } from './calendar.js';
import { AppError } from './errors.js';
import { assertCanRespond, assertCoordinator, assertTransition, assertWritable } from './lifecycle.js';
import {
  MAX_ANSWER_CHARS,
  MAX_EVIDENCE_LINKS,
  RoundSchema,
  type Answer,
  type Level,
  type Platform,
  type Round,
} from './model.js';
import type { Clock, RoundSnapshot, Store, VoteResult } from './ports.js';
import { calendarFromSettings, RoundSettingsSchema, type RoundSettingsInput } from './settings.js';
import { compileJobs } from './jobs.js';
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
}

export interface CastVoteOutcome extends VoteResult {
  round: Round;
  factorId: string;
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

export function newRoundId(now: number): string {
  return `${DateTime.fromMillis(now, { zone: 'utc' }).toFormat('yyyyLLdd')}-${randomBytes(4).toString('hex')}`;
}

export class AssessmentService {
  readonly store: Store;
  readonly packs: PackRegistry;
  readonly clock: Clock;
  private readonly anonSecret: string;

  constructor(deps: { store: Store; packs: PackRegistry; clock: Clock; anonymitySecret: string }) {
    this.store = deps.store;
    this.packs = deps.packs;
    this.clock = deps.clock;
    this.anonSecret = deps.anonymitySecret;
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** How a member is keyed in votes and answers: the id, or a keyed hash of it in anonymous rounds. */
  memberKey(round: Round, memberId: string): string {
    if (!round.anonymous) return memberId;
    return 'anon-' + createHmac('sha256', this.anonSecret).update(`${round.tenant}\u0000${round.id}\u0000${memberId}`).digest('hex').slice(0, 32);
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
      minResponses: settings.minResponses,
      contextNotes: [],
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

  async castVote(input: CastVoteInput): Promise<CastVoteOutcome> {
    const round = await this.getRound(input.tenant, input.roundId);
    this.assertFactor(round, input.factorId);
    assertWritable(round);
    assertCanRespond(round, input.actor.id);
    const result = await this.store.recordVote({
      tenant: input.tenant,
      roundId: input.roundId,
      factorId: input.factorId,
      memberId: this.memberKey(round, input.actor.id),
      level: input.level,
      interactionId: input.interactionId,
      at: this.nowIso(),
    });
    // The round may have closed between our read and the atomic write; the script refused it.
    if (!result.accepted) throw new AppError('ROUND_CLOSED');
    return {
      ...result,
      round,
      factorId: input.factorId,
      tally: tallyFactor(input.factorId, result.counts, round.participants.length),
      changeUntil: round.calendar.closesAt,
    };
  }

  async saveAnswer(input: SaveAnswerInput): Promise<Answer> {
    const round = await this.getRound(input.tenant, input.roundId);
    const factor = this.assertFactor(round, input.factorId);
    assertWritable(round);
    assertCanRespond(round, input.actor.id);
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

  async myAnswer(round: Round, factorId: string, memberId: string): Promise<Answer | null> {
    return this.store.getMemberAnswer(round.tenant, round.id, factorId, this.memberKey(round, memberId));
  }

  async myVote(round: Round, factorId: string, memberId: string): Promise<Level | null> {
    return this.store.getMemberVote(round.tenant, round.id, factorId, this.memberKey(round, memberId));
  }

  /** Closes the round (coordinator, or the scheduler with `system: true`) and schedules the final digest now. */
  async closeRound(tenant: string, roundId: string, actor: Actor | { system: true }): Promise<Round> {
    const closed = await this.store.updateRound(tenant, roundId, (r) => {
      if ('id' in actor) assertCoordinator(r, actor.id);
      assertTransition(r, 'closed');
      return { ...r, status: 'closed', closedAt: this.nowIso() };
    });
    await this.store.cancelRoundJobs(tenant, roundId, ['factor-open', 'reminder', 'weekly-digest', 'auto-close']);
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

  /** Adds display names learned from the platform, so digests can show names instead of ids. */
  async rememberNames(tenant: string, roundId: string, names: Record<string, string>): Promise<void> {
    await this.store.updateRound(tenant, roundId, (r) => ({ ...r, names: { ...r.names, ...names } }));
  }

  /** Everything needed to render cards, status and digests, in a fixed number of store round trips. */
  async state(tenant: string, roundId: string): Promise<RoundState> {
    const snapshot = await this.store.getSnapshot(tenant, roundId);
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
      const answers = Object.values(snapshot.answers[id] ?? {});
      const links = answers.flatMap((a) => a.evidence);
      answerStats[id] = {
        answers: answers.filter((a) => Object.keys(a.texts).length > 0 || a.evidence.length > 0).length,
        evidence: links.length,
        links,
      };
    }
    return { round, pack, snapshot, windows: this.windows(round), tallies, totals: totalsOf(tallies), answerStats };
  }

  /** Participants who have not voted on a factor (keyed the same way as stored votes). */
  pendingMembers(state: RoundState, factorId: string): string[] {
    const votes = state.snapshot.votes[factorId] ?? {};
    return state.round.participants.filter((m) => !(this.memberKey(state.round, m) in votes));
  }
}
