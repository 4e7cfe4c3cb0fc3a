// Round lifecycle use cases: start, open, close and archive a round; its context notes, names, baseline and restart settings.
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { validateCalendar } from '../calendar.js';
import { AppError } from '../errors.js';
import { compileJobs, roundJob } from '../jobs.js';
import { assertCanRespond, assertCoordinator, assertTransition, assertWritable } from '../lifecycle.js';
import { MAX_ANSWER_CHARS, RoundSchema, type Platform, type Round } from '../model.js';
import { ownValue } from '../own.js';
import { retentionJob } from '../privacy.js';
import { calendarFromSettings, RoundSettingsSchema, settingsFromRound, type RoundSettings, type RoundSettingsInput } from '../settings.js';
import { coordinatorName, nowIso, type Actor, type CoreDeps } from './context.js';

export function newRoundId(now: number): string {
  return `${DateTime.fromMillis(now, { zone: 'utc' }).toFormat('yyyyLLdd')}-${randomBytes(4).toString('hex')}`;
}

export interface StartRoundInput {
  tenant: string;
  platform: Platform;
  settings: RoundSettingsInput;
  actor: Actor;
  names?: Record<string, string>;
}

export class RoundLifecycle {
  constructor(private readonly deps: CoreDeps & { retentionMonths: number }) {}

  /** Refuses with ROUND_ALREADY_OPEN_IN_CHANNEL when the channel has an open round (checked before the start form opens). */
  async assertNoOpenRound(tenant: string, channelId: string): Promise<void> {
    const existing = await this.deps.read.activeRoundId(tenant, channelId);
    if (!existing) return;
    const round = await this.deps.read.findRound(tenant, existing);
    if (round && round.status === 'open') throw new AppError('ROUND_ALREADY_OPEN_IN_CHANNEL');
  }

  /** Creates and opens a round in one step (what `/assess start` does), and schedules its calendar. */
  async startRound(input: StartRoundInput): Promise<Round> {
    const { store, clock, packs, read } = this.deps;
    const parsed = RoundSettingsSchema.safeParse(input.settings);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new AppError('INVALID_INPUT', { detail: `${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim() });
    }
    const settings = parsed.data;
    const pack = packs.get(settings.packId, settings.locale);
    if (!pack.usageModes.some((m) => m.id === settings.mode)) {
      throw new AppError('INVALID_INPUT', { detail: `mode ${settings.mode}` });
    }
    const now = clock.now();
    const calendar = calendarFromSettings(settings);
    // A round starting today opens the moment the coordinator presses Start, not at 08:00.
    const today = DateTime.fromMillis(now, { zone: settings.timezone }).toISODate();
    if (settings.startDate <= (today ?? '') && Date.parse(calendar.opensAt) > now) {
      calendar.opensAt = new Date(now).toISOString();
    }
    validateCalendar(calendar);
    const existing = await read.activeRoundId(input.tenant, settings.channelId);
    if (existing) {
      const other = await read.findRound(input.tenant, existing);
      if (other && (other.status === 'open' || other.status === 'draft')) throw new AppError('ROUND_ALREADY_OPEN_IN_CHANNEL');
    }
    const previous = await read.latestRoundForChannel(input.tenant, settings.channelId);
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
      ...(settings.anonymous ? { anonymityKeyId: this.deps.keys.currentId } : {}),
      minResponses: settings.minResponses,
      minAnswers: settings.minAnswers,
      contextNotes: [],
      ...(settings.mode === 'peer-review' ? { reviewPhase: 'self-assessment', reviewNotes: [] } : {}),
    });
    await store.createRound(round);
    return this.openRound(input.tenant, round.id, input.actor);
  }

  private async findBaseline(tenant: string, channelId: string): Promise<Round | null> {
    const rounds = (await this.deps.read.tenantRounds(tenant)).filter((r) => r.channel.id === channelId && r.isBaseline);
    rounds.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return rounds[0] ?? null;
  }

  async openRound(tenant: string, roundId: string, actor: Actor): Promise<Round> {
    const { store, clock } = this.deps;
    const opened = await store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      assertTransition(r, 'open');
      return { ...r, status: 'open', openedAt: nowIso(clock) };
    });
    await store.setActiveRoundForChannel(tenant, opened.channel.id, opened.id);
    await store.scheduleJobs(compileJobs(opened, clock.now()));
    return opened;
  }

  /** Closes the round (coordinator, or the scheduler with `system: true`) and schedules the final digest now. */
  async closeRound(tenant: string, roundId: string, actor: Actor | { system: true }): Promise<Round> {
    const { store, clock } = this.deps;
    const closed = await store.updateRound(tenant, roundId, (r) => {
      if ('id' in actor) assertCoordinator(r, actor.id);
      assertTransition(r, 'closed');
      return { ...r, status: 'closed', closedAt: nowIso(clock) };
    });
    await store.cancelRoundJobs(tenant, roundId, ['factor-open', 'reminder', 'weekly-digest', 'auto-close']);
    const purge = retentionJob(closed, this.deps.retentionMonths);
    await store.scheduleJobs([
      // A reopened round closes again with a summary of its own: the first one's send-once marker must not hold it back.
      roundJob({ tenant, id: roundId }, 'final-digest', clock.now(), closed.reopenedAt ? String(Date.parse(closed.closedAt ?? '') || clock.now()) : undefined),
      ...(purge ? [purge] : []),
    ]);
    await store.setActiveRoundForChannel(tenant, closed.channel.id, null);
    return closed;
  }

  async archiveRound(tenant: string, roundId: string, actor: Actor): Promise<Round> {
    return this.deps.store.updateRound(tenant, roundId, (r) => {
      assertCoordinator(r, actor.id);
      assertTransition(r, 'archived');
      return { ...r, status: 'archived', archivedAt: nowIso(this.deps.clock) };
    });
  }

  /** Notes that a context factor affects the municipality, with a comment; an empty comment removes the note. */
  /**
   * A note on a context factor. The coordinator's replaces the notes on it (an empty one removes them); a team member's
   * (`asMember`) is their own note beside the others, replaced only by their next one, and only in a named round: in
   * an anonymous round a note would say who wrote it.
   */
  async noteContext(tenant: string, roundId: string, actor: Actor, contextFactorId: string, comment: string, factorIds: string[] = [], asMember = false): Promise<Round> {
    const round = await this.deps.read.getRound(tenant, roundId);
    const pack = this.deps.packs.get(round.packId, round.locale);
    if (!pack.contextFactors.some((c) => c.id === contextFactorId)) {
      throw new AppError('UNKNOWN_CONTEXT_FACTOR', { context: contextFactorId });
    }
    const unknown = factorIds.find((id) => !round.factorIds.includes(id));
    if (unknown) throw new AppError('UNKNOWN_FACTOR', { factor: unknown });
    const tied = [...new Set(factorIds)].sort((a, b) => round.factorIds.indexOf(a) - round.factorIds.indexOf(b));
    if (comment.length > MAX_ANSWER_CHARS) throw new AppError('ANSWER_TOO_LONG', { length: comment.length, max: MAX_ANSWER_CHARS });
    return this.deps.store.updateRound(tenant, roundId, (r) => {
      if (asMember) {
        assertCanRespond(r, actor.id);
        if (r.anonymous) throw new AppError('ANONYMOUS_CONTEXT_NOTE', { coordinator: coordinatorName(r) });
      } else {
        assertCoordinator(r, actor.id);
      }
      assertWritable(r);
      // A member's note replaces only her own; the coordinator's replaces the coordinators' note, never a member's.
      const replaces = (n: { by: string }) => (asMember ? n.by === actor.id : r.coordinators.includes(n.by));
      const others = r.contextNotes.filter((n) => n.contextFactorId !== contextFactorId || !replaces(n));
      const text = comment.trim();
      const note = { contextFactorId, comment: text, ...(tied.length > 0 ? { factorIds: tied } : {}), by: actor.id, at: nowIso(this.deps.clock) };
      const notes = text ? [...others, note] : others;
      return { ...r, contextNotes: notes };
    });
  }

  /**
   * Adds display names learned from the platform, so digests can show names instead of ids. They are kept beside the
   * round, not written into it: the round's revision stays, so open cards do not go stale (a no-op for an unknown round).
   */
  async rememberNames(tenant: string, roundId: string, names: Record<string, string>): Promise<void> {
    await this.deps.store.rememberNames(tenant, roundId, names);
  }

  /**
   * Marks a closed round as the channel's baseline (its coordinator only). An open round that started after it
   * and has no baseline yet compares with it from now on.
   */
  async markBaseline(tenant: string, channelId: string, actor: Actor, roundId?: string): Promise<Round> {
    const { store, read } = this.deps;
    const target = roundId ? await read.getRound(tenant, roundId) : await read.latestClosedRound(tenant, channelId);
    if (target.channel.id !== channelId) throw new AppError('ROUND_NOT_FOUND');
    if (target.status !== 'closed' && target.status !== 'archived') throw new AppError('NO_CLOSED_ROUND');
    const marked = await store.updateRound(tenant, target.id, (r) => {
      assertCoordinator(r, actor.id);
      return { ...r, isBaseline: true };
    });
    const activeId = await read.activeRoundId(tenant, channelId);
    if (activeId && activeId !== marked.id) {
      await store.updateRound(tenant, activeId, (r) => (r.baselineRoundId || r.createdAt < marked.createdAt ? r : { ...r, baselineRoundId: marked.id }));
    }
    return marked;
  }

  /** The start form's values taken from the channel's last round, with new dates of the same length from `startDate`. */
  async settingsForRestart(tenant: string, channelId: string, startDate: string): Promise<RoundSettings> {
    const last = (await this.deps.read.channelRounds(tenant, channelId)).at(-1);
    if (!last) throw new AppError('ROUND_NOT_FOUND');
    return settingsFromRound(last, startDate);
  }
}
