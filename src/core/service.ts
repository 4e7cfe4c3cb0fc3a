// The assessment service: one facade over the core's use-case modules (round lifecycle, voting, peer review, action plan,
// retention, privacy) and its read model. The store stays private to the core: callers get use cases and queries only.
import type { PackRegistry } from '../content/registry.js';
import type { AnonymityKeyring } from './anonymity-keys.js';
import type { FactorWindow } from './calendar.js';
import { MemberKeys } from './member-keys.js';
import type { Action, Answer, Level, ReviewNoteKind, Round } from './model.js';
import { CorePacks, type Packs } from './packs.js';
import type { Clock, RoundSnapshot, SnapshotOptions, Store } from './ports.js';
import { DEFAULT_RETENTION_MONTHS, PrivacyRequests } from './privacy.js';
import { ReadModel, type DigestInputs, type RoundState } from './read-model.js';
import { ActionPlans, resolveMember, type ActionChanges, type AddActionInput, type PlanWhere, type StartPlanInput } from './services/action-plan.js';
import type { ChannelPlan } from './plan-model.js';
import { planPrivacySource } from './plan-privacy.js';
import type { Actor, CoreDeps } from './services/context.js';
import { PeerReviews, type SaveFindingsInput } from './services/peer-review.js';
import { Retention } from './services/retention.js';
import { RoundChanges } from './services/round-changes.js';
import { RoundLifecycle, type StartRoundInput } from './services/round-lifecycle.js';
import { Voting, type CastVoteInput, type CastVoteOutcome, type SaveAnswerInput } from './services/voting.js';
import type { RoundSettings } from './settings.js';

export type { Actor, Scope } from './services/context.js';
export type { ActionChanges, AddActionInput, PlanWhere, StartPlanInput } from './services/action-plan.js';
export type { SaveFindingsInput } from './services/peer-review.js';
export type { StartRoundInput } from './services/round-lifecycle.js';
export type { CastVoteInput, CastVoteOutcome, SaveAnswerInput } from './services/voting.js';

export interface AssessmentServiceDeps {
  store: Store;
  packs: PackRegistry | Packs;
  clock: Clock;
  anonymityKeys: AnonymityKeyring;
  retentionMonths?: number;
  /** How long a vote keeps trying through a store failover before "try again" (STORE_RETRY_SECONDS); default 20 s. */
  storeDeadlineMs?: number;
}

export class AssessmentService {
  readonly packs: Packs;
  readonly clock: Clock;
  /** Closed rounds are purged this many months after their close (RETENTION_MONTHS). */
  readonly retentionMonths: number;
  /** Per-person export and erasure, tenant removal and round purges; platforms register their records here. */
  readonly privacy: PrivacyRequests;
  /** Keys member ids in anonymous rounds and interaction ids (core/anonymity-keys.ts). */
  readonly anonymityKeys: AnonymityKeyring;
  readonly keys: MemberKeys;
  readonly read: ReadModel;
  readonly rounds: RoundLifecycle;
  readonly changes: RoundChanges;
  readonly voting: Voting;
  readonly reviews: PeerReviews;
  readonly plans: ActionPlans;
  readonly retention: Retention;

  constructor(deps: AssessmentServiceDeps) {
    const { store, clock } = deps;
    this.packs = CorePacks.of(deps.packs);
    this.clock = clock;
    this.anonymityKeys = deps.anonymityKeys;
    this.retentionMonths = deps.retentionMonths ?? DEFAULT_RETENTION_MONTHS;
    this.keys = new MemberKeys(deps.anonymityKeys);
    this.read = new ReadModel({ store, packs: this.packs, clock, keys: this.keys });
    const core: CoreDeps = { store, packs: this.packs, clock, keys: this.keys, read: this.read };
    this.privacy = new PrivacyRequests({
      store,
      nowIso: () => this.nowIso(),
      memberKey: (round, memberId) => this.keys.memberKey(round, memberId),
      canKeyMembers: (round) => this.keys.canKeyMembers(round),
    });
    // The channels' action plans are the team's: a person's erasure leaves a pseudonym in them (plan-privacy.ts).
    this.privacy.register(planPrivacySource(store));
    this.rounds = new RoundLifecycle({ ...core, retentionMonths: this.retentionMonths });
    this.changes = new RoundChanges(core);
    this.voting = new Voting(core, deps.storeDeadlineMs);
    this.reviews = new PeerReviews(core);
    this.plans = new ActionPlans(core);
    this.retention = new Retention({ store, clock, privacy: this.privacy, retentionMonths: this.retentionMonths });
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  memberKey(round: Round, memberId: string): string {
    return this.keys.memberKey(round, memberId);
  }

  canKeyMembers(round: Round): boolean {
    return this.keys.canKeyMembers(round);
  }

  // --- the read model ----------------------------------------------------------------------------------

  getRound(tenant: string, roundId: string): Promise<Round> {
    return this.read.getRound(tenant, roundId);
  }

  roundForChannel(tenant: string, channelId: string): Promise<Round> {
    return this.read.roundForChannel(tenant, channelId);
  }

  latestRoundForChannel(tenant: string, channelId: string): Promise<Round | null> {
    return this.read.latestRoundForChannel(tenant, channelId);
  }

  channelRounds(tenant: string, channelId: string): Promise<Round[]> {
    return this.read.channelRounds(tenant, channelId);
  }

  latestClosedRound(tenant: string, channelId: string): Promise<Round> {
    return this.read.latestClosedRound(tenant, channelId);
  }

  openFactorIds(round: Round, now?: number): string[] {
    return this.read.openFactorIds(round, now);
  }

  windows(round: Round): FactorWindow[] {
    return this.read.windows(round);
  }

  state(tenant: string, roundId: string, opts?: SnapshotOptions): Promise<RoundState> {
    return this.read.state(tenant, roundId, opts);
  }

  stateFromSnapshot(snapshot: RoundSnapshot): RoundState {
    return this.read.stateFromSnapshot(snapshot);
  }

  historyStates(tenant: string, channelId: string): Promise<RoundState[]> {
    return this.read.historyStates(tenant, channelId);
  }

  baselineState(round: Round): Promise<RoundState | null> {
    return this.read.baselineState(round);
  }

  async digestInputs(round: Round): Promise<DigestInputs> {
    const [inputs, plan] = await Promise.all([this.read.digestInputs(round), this.plans.current(round.tenant, round.channel.id)]);
    return { ...inputs, plan, ...(round.mode === 'action-plan' ? { dueSoonAt: this.clock.now() } : {}) };
  }

  tenantRounds(tenant: string): Promise<Round[]> {
    return this.read.tenantRounds(tenant);
  }

  openRoundsOf(tenant: string, userId: string): Promise<Round[]> {
    return this.read.openRoundsOf(tenant, userId);
  }

  activeRoundId(tenant: string, channelId: string): Promise<string | null> {
    return this.read.activeRoundId(tenant, channelId);
  }

  comparisonState(round: Round): Promise<RoundState | null> {
    return this.read.comparisonState(round);
  }

  pendingMembers(state: RoundState, factorId: string): string[] {
    return this.read.pendingMembers(state, factorId);
  }

  // --- the round lifecycle -----------------------------------------------------------------------------

  assertNoOpenRound(tenant: string, channelId: string): Promise<void> {
    return this.rounds.assertNoOpenRound(tenant, channelId);
  }

  startRound(input: StartRoundInput): Promise<Round> {
    return this.rounds.startRound(input);
  }

  openRound(tenant: string, roundId: string, actor: Actor): Promise<Round> {
    return this.rounds.openRound(tenant, roundId, actor);
  }

  /** Closes a round. An action-plan round then opens (or updates) the channel's plan from its gaps at once. */
  async closeRound(tenant: string, roundId: string, actor: Actor | { system: true }): Promise<Round> {
    const round = await this.rounds.closeRound(tenant, roundId, actor);
    if (round.mode === 'action-plan' && round.status === 'closed') await this.plans.follow(round);
    return round;
  }

  archiveRound(tenant: string, roundId: string, actor: Actor): Promise<Round> {
    return this.rounds.archiveRound(tenant, roundId, actor);
  }

  noteContext(tenant: string, roundId: string, actor: Actor, contextFactorId: string, comment: string, factorIds?: string[], asMember?: boolean): Promise<Round> {
    return this.rounds.noteContext(tenant, roundId, actor, contextFactorId, comment, factorIds, asMember);
  }

  rememberNames(tenant: string, roundId: string, names: Record<string, string>): Promise<void> {
    return this.rounds.rememberNames(tenant, roundId, names);
  }

  markBaseline(tenant: string, channelId: string, actor: Actor, roundId?: string): Promise<Round> {
    return this.rounds.markBaseline(tenant, channelId, actor, roundId);
  }

  settingsForRestart(tenant: string, channelId: string, startDate: string): Promise<RoundSettings> {
    return this.rounds.settingsForRestart(tenant, channelId, startDate);
  }

  // --- what a coordinator fixes after the start -------------------------------------------------------

  reopenRound(tenant: string, roundId: string, actor: Actor, closeDate?: string): Promise<Round> {
    return this.changes.reopenRound(tenant, roundId, actor, closeDate);
  }

  extendRound(tenant: string, roundId: string, actor: Actor, closeDate: string): Promise<Round> {
    return this.changes.extendRound(tenant, roundId, actor, closeDate);
  }

  changeParticipants(
    tenant: string,
    roundId: string,
    actor: Actor,
    change: { add?: string[]; remove?: string[]; names?: Record<string, string> },
  ): Promise<{ round: Round; added: string[]; removed: string[] }> {
    return this.changes.changeParticipants(tenant, roundId, actor, change);
  }

  // --- voting ------------------------------------------------------------------------------------------

  castVote(input: CastVoteInput): Promise<CastVoteOutcome> {
    return this.voting.castVote(input);
  }

  saveAnswer(input: SaveAnswerInput): Promise<Answer> {
    return this.voting.saveAnswer(input);
  }

  myAnswer(round: Round, factorId: string, memberId: string): Promise<Answer | null> {
    return this.voting.myAnswer(round, factorId, memberId);
  }

  myVote(round: Round, factorId: string, memberId: string): Promise<Level | null> {
    return this.voting.myVote(round, factorId, memberId);
  }

  // --- peer review -------------------------------------------------------------------------------------

  inviteReviewers(tenant: string, roundId: string, actor: Actor, input: { reviewers?: string[]; lead?: string; names?: Record<string, string> }): Promise<Round> {
    return this.reviews.inviteReviewers(tenant, roundId, actor, input);
  }

  validateClosedRound(tenant: string, channelId: string, actor: Actor, input: { reviewers: string[]; weeks?: number }): Promise<Round> {
    return this.reviews.validateClosed(tenant, channelId, actor, input);
  }

  startReview(tenant: string, roundId: string, actor: Actor): Promise<Round> {
    return this.reviews.startReview(tenant, roundId, actor);
  }

  saveFindings(input: SaveFindingsInput): Promise<Answer> {
    return this.reviews.saveFindings(input);
  }

  addReviewNote(tenant: string, roundId: string, actor: Actor, input: { kind: ReviewNoteKind; text: string; factorIds?: string[] }): Promise<Round> {
    return this.reviews.addReviewNote(tenant, roundId, actor, input);
  }

  // --- action plan -------------------------------------------------------------------------------------

  resolveMember(round: Round, token: string, actor: Actor): string {
    return resolveMember(round, token, actor);
  }

  /** The channel's living plan, following its newest closed round; null when there is none yet. */
  channelPlan(tenant: string, channelId: string): Promise<ChannelPlan | null> {
    return this.plans.plan(tenant, channelId);
  }

  requirePlan(tenant: string, channelId: string): Promise<ChannelPlan> {
    return this.plans.require(tenant, channelId);
  }

  startPlan(input: StartPlanInput): Promise<ChannelPlan> {
    return this.plans.start(input);
  }

  /** An action-plan round's close: the plan takes the round's gaps as its goals now. */
  followRound(round: Round): Promise<ChannelPlan> {
    return this.plans.follow(round);
  }

  addAction(input: AddActionInput): Promise<{ plan: ChannelPlan; action: Action }> {
    return this.plans.addAction(input);
  }

  editAction(where: PlanWhere, ref: string, changes: ActionChanges): Promise<{ plan: ChannelPlan; action: Action }> {
    return this.plans.editAction(where, ref, changes);
  }

  removeAction(where: PlanWhere, ref: string): Promise<{ plan: ChannelPlan; action: Action }> {
    return this.plans.removeAction(where, ref);
  }

  noteProgress(where: PlanWhere, ref: string, note: string): Promise<{ plan: ChannelPlan; action: Action }> {
    return this.plans.noteProgress(where, ref, note);
  }

  completeAction(tenant: string, channelId: string, actor: Actor, actionRef: string): Promise<{ plan: ChannelPlan; action: Action }> {
    return this.plans.completeAction({ tenant, channelId, actor }, actionRef);
  }

  isActionOwner(tenant: string, channelId: string, actionRef: string, memberId: string): Promise<boolean> {
    return this.plans.isOwner(tenant, channelId, actionRef, memberId);
  }

  openAction(tenant: string, channelId: string, actionId: string): Promise<Action | null> {
    return this.plans.openAction(tenant, channelId, actionId);
  }

  /** The plan in a round's place, for a reminder of a plan that no round carries (plan-model.ts planCarrier). */
  planCarrier(tenant: string, channelId: string): Promise<Round | null> {
    return this.plans.carrier(tenant, channelId);
  }

  // --- retention ---------------------------------------------------------------------------------------

  scheduleRetention(): Promise<number> {
    return this.retention.scheduleRetention();
  }

  purgeIfExpired(tenant: string, roundId: string): Promise<boolean> {
    return this.retention.purgeIfExpired(tenant, roundId);
  }
}
