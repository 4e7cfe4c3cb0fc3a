// Action plan use cases: the channel's living plan (one per channel, across rounds), started from the toolkit or from
// a closed round's gaps, and its actions added, edited, moved, removed, noted on and completed, with their reminders.
import { actionJobId, actionReminderJob, goalsFromToolkit, goalsOfRound, parseActionTag, parseDueDate, parsePriority, resolveFactor } from '../action-plan.js';
import { AppError } from '../errors.js';
import { MAX_ACTION_CHARS, MAX_ACTIONS, MAX_PROGRESS_NOTES, type Action, type Round } from '../model.js';
import { hasOwnKey, ownValue } from '../own.js';
import { actionIdOf, ChannelPlanSchema, legacyActions, PLAN_COLLECTION, planCarrier, planCarrierId, planRecordId, type ChannelPlan } from '../plan-model.js';
import type { Locale } from '../../content/schema.js';
import type { Platform } from '../model.js';
import type { RoundState } from '../read-model.js';
import { nowIso, type Actor, type CoreDeps } from './context.js';
import { memberDirectory, resolveIn, type MemberDirectory } from './members.js';

export { resolveMember } from './members.js';

export interface PlanWhere {
  tenant: string;
  channelId: string;
  actor: Actor;
  /** The channel's members as the platform lists them: only they can be named as a new action owner. */
  channelMembers?: readonly string[];
}

export interface AddActionInput extends PlanWhere {
  factor: string;
  owner: string;
  due: string;
  /** An ActionTag, or a word for one as typed (`quick`, `long`, `snabbutdelning`…): parseActionTag reads it. */
  tag: string;
  /** high | medium | low (hög | medel | låg); medium when left out. */
  priority?: string;
  text: string;
}

/** What `action edit` may change; each as typed, validated like `action add`. */
export interface ActionChanges {
  text?: string;
  owner?: string;
  due?: string;
  tag?: string;
  priority?: string;
  /** Moves the action to another goal. */
  factor?: string;
}

export interface StartPlanInput extends PlanWhere {
  platform: Platform;
  locale: Locale;
  timezone: string;
}

const isClosed = (r: Round) => r.status === 'closed' || r.status === 'archived';
const normalised = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

function closedRounds(rounds: Round[]): Round[] {
  return rounds.filter(isClosed).sort((a, b) => (a.closedAt ?? a.createdAt).localeCompare(b.closedAt ?? b.createdAt) || a.createdAt.localeCompare(b.createdAt));
}

/** The actions rounds kept themselves before plans were kept per channel, oldest round first, ids kept where free. */
function migratedActions(rounds: Round[]): { actions: Action[]; nextNumber: number } {
  const actions: Action[] = [];
  let next = 1;
  for (const round of rounds) for (const a of legacyActions(round)) next = Math.max(next, Number(a.id.slice(1)) + 1);
  const taken = new Set<string>();
  for (const round of rounds) {
    for (const a of legacyActions(round)) {
      const id = taken.has(a.id) ? `A${next++}` : a.id;
      taken.add(id);
      actions.push({ ...a, id });
    }
  }
  return { actions: actions.slice(0, MAX_ACTIONS), nextNumber: next };
}

/** The plan following a closed round: its gaps become the goals; every action stays. */
function followRound(plan: ChannelPlan | null, state: RoundState, migrated: Round[], now: string): ChannelPlan {
  const r = state.round;
  const legacy = plan ? null : migratedActions(migrated);
  const names = (rounds: Round[]) => Object.assign({}, ...rounds.filter((x) => !x.anonymous).map((x) => x.names)) as Record<string, string>;
  return {
    tenant: r.tenant,
    channelId: r.channel.id,
    platform: r.platform,
    packId: r.packId,
    locale: r.locale,
    timezone: r.calendar.timezone,
    anonymous: (plan?.anonymous ?? false) || r.anonymous || migrated.some((x) => x.anonymous && legacyActions(x).length > 0),
    coordinators: [...new Set([...(plan?.coordinators ?? []), ...migrated.flatMap((x) => x.coordinators), ...r.coordinators])].slice(0, 100),
    names: { ...names(migrated), ...(plan?.names ?? {}), ...(r.anonymous ? {} : r.names) },
    goals: goalsOfRound(state),
    actions: plan?.actions ?? legacy!.actions,
    nextNumber: plan?.nextNumber ?? legacy!.nextNumber,
    roundIds: [...new Set([...(plan?.roundIds ?? []), ...migrated.map((x) => x.id), r.id])].slice(-1000),
    deliveryRoundId: r.id,
    startedFrom: plan?.startedFrom ?? 'round',
    goalsSetAt: r.closedAt ?? r.calendar.closesAt,
    createdAt: plan?.createdAt ?? now,
    updatedAt: now,
  };
}

export class ActionPlans {
  constructor(private readonly deps: CoreDeps) {}

  /** The plan as stored, without following a newer round (digests: an internal evaluation's close leaves it be). */
  current(tenant: string, channelId: string): Promise<ChannelPlan | null> {
    return this.stored(tenant, channelId);
  }

  private async stored(tenant: string, channelId: string): Promise<ChannelPlan | null> {
    const rec = await this.deps.store.getRecord(PLAN_COLLECTION, planRecordId(tenant, channelId));
    return rec ? ChannelPlanSchema.parse(rec) : null;
  }

  /**
   * The channel's plan, brought up to date: the newest closed round's gaps become its goals the first time it is read
   * after that close (earlier actions stay), and actions rounds kept themselves before are carried into it once.
   * Null when the channel has neither a closed round nor a plan started from the toolkit.
   */
  async plan(tenant: string, channelId: string): Promise<ChannelPlan | null> {
    const current = await this.stored(tenant, channelId);
    const closed = closedRounds(await this.deps.read.channelRounds(tenant, channelId));
    const latest = closed.at(-1);
    if (!latest || current?.roundIds.includes(latest.id)) return current;
    return this.follow(latest, closed);
  }

  /** Makes the plan follow a closed round (at its close, or when first read after it); returns the plan. */
  async follow(round: Round, closed?: Round[]): Promise<ChannelPlan> {
    const { store, read, clock } = this.deps;
    // Goals come from the tallies (and a peer review's panel answers); the per-member votes are never needed, and
    // reading them (one script over every vote) blocked Redis for 225 ms in a round of 13 × 10,000.
    const state = await read.state(round.tenant, round.id, { answers: round.mode === 'peer-review', votes: false });
    const migrated = (closed ?? closedRounds(await read.channelRounds(round.tenant, round.channel.id))).filter((r) => r.id !== round.id);
    let before: ChannelPlan | null = null;
    const rec = await store.updateRecord(PLAN_COLLECTION, planRecordId(round.tenant, round.channel.id), (cur) => {
      before = cur ? ChannelPlanSchema.parse(cur) : null;
      if (before?.roundIds.includes(round.id)) return cur;
      return ChannelPlanSchema.parse(followRound(before, state, before ? [] : migrated, nowIso(clock)));
    });
    const plan = ChannelPlanSchema.parse(rec);
    const old = before as ChannelPlan | null;
    if (old?.deliveryRoundId !== plan.deliveryRoundId) await this.rescheduleAll(plan, old ? [...old.roundIds, old.deliveryRoundId ?? ''] : migrated.map((r) => r.id));
    return plan;
  }

  /** `plan start`: a plan from the toolkit itself, every key factor a goal, before any round has closed. */
  async start(input: StartPlanInput): Promise<ChannelPlan> {
    const { store, read, packs, clock } = this.deps;
    const rounds = await read.channelRounds(input.tenant, input.channelId);
    const existing = await this.plan(input.tenant, input.channelId);
    if (existing) throw new AppError('PLAN_EXISTS');
    const coordinators = [...new Set(rounds.flatMap((r) => r.coordinators))];
    // A channel with rounds: their coordinators start it. A channel without: whoever starts it coordinates it.
    if (coordinators.length > 0 && !coordinators.includes(input.actor.id)) throw this.notEditor({ coordinators, names: {} });
    const newest = rounds.at(-1);
    const packId = newest?.packId ?? packs.ids()[0];
    if (!packId) throw new AppError('UNKNOWN_PACK');
    const pack = packs.get(packId, newest?.locale ?? input.locale);
    const now = nowIso(clock);
    const plan: ChannelPlan = {
      tenant: input.tenant,
      channelId: input.channelId,
      platform: input.platform,
      packId,
      locale: newest?.locale ?? input.locale,
      timezone: newest?.calendar.timezone ?? input.timezone,
      anonymous: newest?.anonymous ?? false,
      coordinators: coordinators.length > 0 ? coordinators : [input.actor.id],
      names: input.actor.name && !newest?.anonymous ? { [input.actor.id]: input.actor.name } : {},
      goals: goalsFromToolkit(pack),
      actions: [],
      nextNumber: 1,
      roundIds: [],
      ...(newest ? { deliveryRoundId: newest.id } : {}),
      startedFrom: 'toolkit',
      goalsSetAt: now,
      createdAt: now,
      updatedAt: now,
    };
    const rec = await store.updateRecord(PLAN_COLLECTION, planRecordId(input.tenant, input.channelId), (cur) => {
      if (cur) throw new AppError('PLAN_EXISTS');
      return ChannelPlanSchema.parse(plan);
    });
    return ChannelPlanSchema.parse(rec);
  }

  /** The plan, or NO_PLAN (with the way to start one). */
  async require(tenant: string, channelId: string): Promise<ChannelPlan> {
    const plan = await this.plan(tenant, channelId);
    if (!plan) throw new AppError('NO_PLAN');
    return plan;
  }

  async addAction(input: AddActionInput): Promise<{ plan: ChannelPlan; action: Action }> {
    const dir = await this.directory(input.tenant, input.channelId);
    const text = this.validText(input.text);
    const { plan, value } = await this.change(input, (p) => {
      this.assertEditor(p, dir, input.actor);
      const factor = this.goalFactor(p, input.factor);
      const duplicate = p.actions.find((a) => a.factorId === factor && normalised(a.text) === normalised(text));
      if (duplicate) throw new AppError('DUPLICATE_ACTION', { action: duplicate.id });
      if (p.actions.length >= MAX_ACTIONS) throw new AppError('TOO_MANY_ACTIONS', { max: MAX_ACTIONS });
      const action: Action = {
        id: `A${p.nextNumber}`,
        factorId: factor,
        text,
        owner: resolveIn(dir, input.owner, input.actor, new Set(input.channelMembers ?? [])),
        due: parseDueDate(input.due, p.timezone, this.deps.clock.now()),
        tag: parseActionTag(input.tag),
        priority: input.priority ? parsePriority(input.priority) : 'medium',
        status: 'open',
        createdBy: input.actor.id,
        createdAt: nowIso(this.deps.clock),
      };
      return { plan: { ...p, actions: [...p.actions, action], nextNumber: p.nextNumber + 1 }, value: action };
    });
    await this.reschedule(plan, value);
    return { plan, action: value };
  }

  /** Changes an action's text, owner, due date, tag, priority or goal (the plan's coordinators). */
  async editAction(where: PlanWhere, ref: string, changes: ActionChanges): Promise<{ plan: ChannelPlan; action: Action }> {
    const dir = await this.directory(where.tenant, where.channelId);
    const { plan, value } = await this.change(where, (p) => {
      const found = this.find(p, ref);
      this.assertEditor(p, dir, where.actor);
      const text = changes.text === undefined ? found.text : this.validText(changes.text);
      const factorId = changes.factor === undefined ? found.factorId : this.goalFactor(p, changes.factor);
      const duplicate = p.actions.find((a) => a.id !== found.id && a.factorId === factorId && normalised(a.text) === normalised(text));
      if (duplicate) throw new AppError('DUPLICATE_ACTION', { action: duplicate.id });
      const action: Action = {
        ...found,
        text,
        factorId,
        ...(changes.owner !== undefined ? { owner: resolveIn(dir, changes.owner, where.actor, new Set(where.channelMembers ?? [])) } : {}),
        ...(changes.due !== undefined ? { due: parseDueDate(changes.due, p.timezone, this.deps.clock.now()) } : {}),
        ...(changes.tag !== undefined ? { tag: parseActionTag(changes.tag) } : {}),
        ...(changes.priority !== undefined ? { priority: parsePriority(changes.priority) } : {}),
        updatedAt: nowIso(this.deps.clock),
      };
      return { plan: { ...p, actions: p.actions.map((a) => (a.id === found.id ? action : a)) }, value: action };
    });
    await this.reschedule(plan, value);
    return { plan, action: value };
  }

  async removeAction(where: PlanWhere, ref: string): Promise<{ plan: ChannelPlan; action: Action }> {
    const dir = await this.directory(where.tenant, where.channelId);
    const { plan, value } = await this.change(where, (p) => {
      const found = this.find(p, ref);
      this.assertEditor(p, dir, where.actor);
      return { plan: { ...p, actions: p.actions.filter((a) => a.id !== found.id) }, value: found };
    });
    await this.cancelReminder(plan, value.id);
    return { plan, action: value };
  }

  /** Marks an action done (the plan's coordinators or the action's owner); its reminder is dropped. */
  async completeAction(where: PlanWhere, ref: string): Promise<{ plan: ChannelPlan; action: Action }> {
    const dir = await this.directory(where.tenant, where.channelId);
    const { plan, value } = await this.change(where, (p) => {
      const found = this.find(p, ref);
      if (found.owner !== where.actor.id) this.assertEditor(p, dir, where.actor);
      const now = nowIso(this.deps.clock);
      const action: Action = found.status === 'done' ? found : { ...found, status: 'done', doneAt: now, doneBy: where.actor.id, updatedAt: now };
      return { plan: { ...p, actions: p.actions.map((a) => (a.id === found.id ? action : a)) }, value: action };
    });
    await this.cancelReminder(plan, value.id);
    return { plan, action: value };
  }

  /** A progress note (the plan's coordinators or the action's owner); an open action becomes in progress. */
  async noteProgress(where: PlanWhere, ref: string, note: string): Promise<{ plan: ChannelPlan; action: Action }> {
    const dir = await this.directory(where.tenant, where.channelId);
    const text = this.validText(note);
    const { plan, value } = await this.change(where, (p) => {
      const found = this.find(p, ref);
      if (found.owner !== where.actor.id) this.assertEditor(p, dir, where.actor);
      const now = nowIso(this.deps.clock);
      const notes = [...(found.notes ?? []), { text, by: where.actor.id, at: now }].slice(-MAX_PROGRESS_NOTES);
      const action: Action = { ...found, notes, status: found.status === 'open' ? 'in-progress' : found.status, updatedAt: now };
      return { plan: { ...p, actions: p.actions.map((a) => (a.id === found.id ? action : a)) }, value: action };
    });
    return { plan, action: value };
  }

  /** Whether `memberId` owns the action (a reminder's Done button in the owner's own chat). */
  async isOwner(tenant: string, channelId: string, actionRef: string, memberId: string): Promise<boolean> {
    const plan = await this.plan(tenant, channelId);
    return plan?.actions.some((a) => a.id === actionIdOf(actionRef) && a.owner === memberId) ?? false;
  }

  /** The action a reminder job is about, if it is still in the plan and not done. */
  async openAction(tenant: string, channelId: string, actionId: string): Promise<Action | null> {
    const action = (await this.stored(tenant, channelId))?.actions.find((a) => a.id === actionId);
    return action && action.status !== 'done' ? action : null;
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** Everyone the channel's rounds know (roles and names): whom an owner can be. */
  private async directory(tenant: string, channelId: string): Promise<MemberDirectory> {
    return memberDirectory(await this.deps.read.channelRounds(tenant, channelId), await this.stored(tenant, channelId));
  }

  /** A read-modify-write of the plan; `fn` checks and changes it, and may throw to leave it as it was. */
  private async change<T>(where: PlanWhere, fn: (plan: ChannelPlan) => { plan: ChannelPlan; value: T }): Promise<{ plan: ChannelPlan; value: T }> {
    await this.require(where.tenant, where.channelId);
    let value: T | undefined;
    const rec = await this.deps.store.updateRecord(PLAN_COLLECTION, planRecordId(where.tenant, where.channelId), (cur) => {
      if (!cur) throw new AppError('NO_PLAN');
      const out = fn(ChannelPlanSchema.parse(cur));
      value = out.value;
      const { actor } = where;
      const names = actor.name && !out.plan.anonymous && !hasOwnKey(out.plan.names, actor.id) ? { ...out.plan.names, [actor.id]: actor.name } : out.plan.names;
      return ChannelPlanSchema.parse({ ...out.plan, names, updatedAt: nowIso(this.deps.clock) });
    });
    return { plan: ChannelPlanSchema.parse(rec), value: value as T };
  }

  private validText(raw: string): string {
    const text = raw.trim().replace(/\s+/g, ' ');
    if (!text) throw new AppError('INVALID_INPUT', { detail: 'text' });
    if (text.length > MAX_ACTION_CHARS) throw new AppError('ANSWER_TOO_LONG', { length: text.length, max: MAX_ACTION_CHARS });
    return text;
  }

  private find(plan: ChannelPlan, ref: string): Action {
    const found = plan.actions.find((a) => a.id === actionIdOf(ref));
    if (!found) throw new AppError('UNKNOWN_ACTION', { action: ref.slice(0, 20) });
    return found;
  }

  private goalFactor(plan: ChannelPlan, token: string): string {
    const factor = resolveFactor(this.deps.packs.get(plan.packId, plan.locale), token);
    if (!plan.goals.some((g) => g.factorId === factor.id)) {
      throw new AppError('NOT_A_GOAL', { factor: `${String(factor.number).padStart(2, '0')} ${factor.theme}` });
    }
    return factor.id;
  }

  /**
   * Who may change the plan. Once the channel has a round, the coordinators of its rounds, and only they: whoever
   * started the plan from the toolkit before any round keeps no right of their own, so a plan started by anyone in an
   * empty channel is never locked away from the people who later run rounds there. Until then, whoever started it.
   */
  private assertEditor(plan: ChannelPlan, dir: MemberDirectory, actor: Actor): void {
    if (dir.coordinators.size > 0) {
      if (dir.coordinators.has(actor.id)) return;
      throw this.notEditor({ coordinators: [...dir.coordinators], names: dir.names });
    }
    if (plan.coordinators.includes(actor.id)) return;
    throw this.notEditor(plan);
  }

  private notEditor(plan: Pick<ChannelPlan, 'coordinators' | 'names'>): AppError {
    const first = plan.coordinators[0] ?? '';
    const name = ownValue(plan.names, first);
    return new AppError('NOT_PLAN_EDITOR', { coordinator: typeof name === 'string' && name ? name : first });
  }

  /**
   * The round an action's reminder travels with: the plan's delivery round, or, for a plan started from the toolkit
   * before any round, the plan itself in a round's place, so its actions are reminded like every other plan's.
   */
  private async deliveryRound(plan: ChannelPlan): Promise<Round | null> {
    const round = plan.deliveryRoundId ? await this.deps.store.getRound(plan.tenant, plan.deliveryRoundId) : null;
    return round ?? this.carrierOf(plan);
  }

  private carrierOf(plan: ChannelPlan): Round {
    const pack = this.deps.packs.get(plan.packId, plan.locale);
    return planCarrier(plan, pack.keyFactors.map((k) => k.id));
  }

  /** What a plan reminder scheduled without a round is delivered with (scheduler); null once the plan is gone. */
  async carrier(tenant: string, channelId: string): Promise<Round | null> {
    const plan = await this.stored(tenant, channelId);
    return plan ? this.carrierOf(plan) : null;
  }

  /** Every round an action's reminder may have been scheduled with. */
  private reminderJobIds(plan: ChannelPlan, actionId: string, extraRounds: string[] = []): string[] {
    const rounds = new Set([...plan.roundIds, ...extraRounds, ...(plan.deliveryRoundId ? [plan.deliveryRoundId] : []), planCarrierId(plan)].filter(Boolean));
    return [...rounds].map((id) => actionJobId({ tenant: plan.tenant, id }, actionId));
  }

  private async cancelReminder(plan: ChannelPlan, actionId: string, extraRounds: string[] = []): Promise<void> {
    for (const id of this.reminderJobIds(plan, actionId, extraRounds)) await this.deps.store.completeJob(id);
  }

  /** One reminder for an unfinished action, with the plan's delivery round; none without one. */
  private async reschedule(plan: ChannelPlan, action: Action, extraRounds: string[] = []): Promise<void> {
    await this.cancelReminder(plan, action.id, extraRounds);
    const round = action.status === 'done' ? null : await this.deliveryRound(plan);
    const job = round ? actionReminderJob(round, action, this.deps.clock.now()) : null;
    if (job) await this.deps.store.scheduleJobs([job]);
  }

  private async rescheduleAll(plan: ChannelPlan, oldRounds: string[]): Promise<void> {
    for (const action of plan.actions) await this.reschedule(plan, action, oldRounds);
  }
}
