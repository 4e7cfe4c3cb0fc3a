// The core read model: a round's state as cards, digests, reports and status read it, and the queries that find rounds.
import type { ContentPack } from '../content/schema.js';
import { factorWindows, type FactorWindow } from './calendar.js';
import { AppError } from './errors.js';
import type { MemberKeys } from './member-keys.js';
import { isFilled, type Answer, type Round } from './model.js';
import { hasOwnKey } from './own.js';
import type { Packs } from './packs.js';
import { peerStateOf, type PeerState } from './peer-review.js';
import type { ChannelPlan } from './plan-model.js';
import type { AnswerEntry, Clock, RoundSnapshot, SnapshotOptions, Store } from './ports.js';
import { tallyFactor, totalsOf, type FactorTally, type RoundTotals } from './tally.js';

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

/** What a digest of a round compares with and follows up: its baseline, the previous round and the action plan. */
export interface DigestInputs {
  baseline: RoundState | null;
  previous: RoundState | null;
  /** The channel's living action plan (filled in by the service, which keeps plans). */
  plan?: ChannelPlan | null;
  /** Action-plan rounds: when the digest is drawn, to list the actions due within a week. */
  dueSoonAt?: number;
}

/**
 * What state() must read for a digest or status of `round`: the answer stats suffice, except in a peer review,
 * whose digest quotes the panel's findings and recommendations, which are stored as answers.
 */
export function digestReadOptions(round: Pick<Round, 'mode'>): SnapshotOptions {
  return { answers: round.mode === 'peer-review' };
}

/** Compared by tallies only: neither the votes nor the answers of the other round are read. */
export const TALLIES_ONLY: SnapshotOptions = { answers: false, votes: false };

/** Votes or answers per paged read of a report (a Redis HSCAN COUNT). */
const REPORT_PAGE = 5000;
/** Answers per read (an HMGET) when a report reads one factor's answers by name. */
const ANSWER_BATCH = 500;
/** Batches asked for at once while one factor's answers are read. */
const ANSWER_WINDOW = 3;

/** A round's answers, read a factor at a time (see ReadModel.factorAnswers). */
export interface FactorAnswers {
  /** Who answered the factor (member keys, in no particular order). */
  answered(factorId: string): Promise<readonly string[]>;
  /**
   * The factor's answers of `ids`, in that order, in batches: each batch is the next slice of `ids`, with null where
   * nothing is stored (erased since). A few batches are asked for ahead of the one handed out.
   */
  read(factorId: string, ids: readonly string[]): AsyncIterable<(Answer | null)[]>;
}

/** FactorAnswers for a store that reads answers only in pages: each factor is read whole when asked who answered it. */
function wholeFactorAnswers(store: Store, tenant: string, roundId: string): FactorAnswers {
  const held = new Map<string, Map<string, Answer>>();
  return {
    async answered(factorId) {
      const answers = new Map<string, Answer>();
      for await (const page of store.scanAnswers(tenant, roundId, { count: REPORT_PAGE, factorId })) {
        for (const e of page) answers.set(e.memberId, e.answer);
      }
      held.set(factorId, answers);
      return [...answers.keys()];
    },
    async *read(factorId, ids) {
      const answers = held.get(factorId) ?? new Map<string, Answer>();
      held.delete(factorId);
      for (let at = 0; at < ids.length; at += ANSWER_BATCH) yield ids.slice(at, at + ANSWER_BATCH).map((id) => answers.get(id) ?? null);
    },
  };
}

function involves(round: Round, userId: string): boolean {
  return round.participants.includes(userId) || round.coordinators.includes(userId) || round.managers.includes(userId) || round.reviewers.includes(userId);
}

export interface ReadModelDeps {
  store: Store;
  packs: Packs;
  clock: Clock;
  keys: MemberKeys;
}

export class ReadModel {
  constructor(private readonly deps: ReadModelDeps) {}

  /** The round, or ROUND_NOT_FOUND. */
  async getRound(tenant: string, roundId: string): Promise<Round> {
    const round = await this.deps.store.getRound(tenant, roundId);
    if (!round) throw new AppError('ROUND_NOT_FOUND');
    return round;
  }

  /** The round, or null when there is none (a job or a link that outlived it). */
  findRound(tenant: string, roundId: string): Promise<Round | null> {
    return this.deps.store.getRound(tenant, roundId);
  }

  /** The id of the channel's active round, if it has one. */
  activeRoundId(tenant: string, channelId: string): Promise<string | null> {
    return this.deps.store.activeRoundForChannel(tenant, channelId);
  }

  /** The active round of a channel, or ROUND_NOT_FOUND. */
  async roundForChannel(tenant: string, channelId: string): Promise<Round> {
    const id = await this.activeRoundId(tenant, channelId);
    if (!id) throw new AppError('ROUND_NOT_FOUND');
    return this.getRound(tenant, id);
  }

  async latestRoundForChannel(tenant: string, channelId: string): Promise<Round | null> {
    const active = await this.activeRoundId(tenant, channelId);
    if (active) return this.deps.store.getRound(tenant, active);
    const rounds = (await this.deps.store.listRounds(tenant)).filter((r) => r.channel.id === channelId);
    rounds.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return rounds[0] ?? null;
  }

  /** Every round of a tenant (a workspace or a Teams tenant). */
  tenantRounds(tenant: string): Promise<Round[]> {
    return this.deps.store.listRounds(tenant);
  }

  /** The open rounds a person takes part in (any role), the soonest to close first. */
  async openRoundsOf(tenant: string, userId: string): Promise<Round[]> {
    const rounds = (await this.deps.store.listRounds(tenant)).filter((r) => r.status === 'open' && involves(r, userId));
    return rounds.sort((a, b) => a.calendar.closesAt.localeCompare(b.calendar.closesAt));
  }

  /** Every round of a channel that has opened (oldest first). */
  async channelRounds(tenant: string, channelId: string): Promise<Round[]> {
    return (await this.deps.store.listRounds(tenant))
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

  windows(round: Round): FactorWindow[] {
    return factorWindows(round.calendar, round.factorIds);
  }

  /** Factors whose opening time has come (all of them for an all-at-once calendar). */
  openFactorIds(round: Round, now = this.deps.clock.now()): string[] {
    return this.windows(round)
      .filter((w) => Date.parse(w.opensAt) <= now)
      .map((w) => w.factorId);
  }

  /**
   * Everything needed to render cards, status and digests, in a fixed number of store round trips. With
   * `answers: false` the answers themselves are not read (`snapshot.answers` is empty, `answerStats` is filled):
   * enough for cards, reminders and tallies, and far cheaper in a large round. A peer review's panel findings are
   * answers, so `peer` then has none (see digestReadOptions).
   */
  async state(tenant: string, roundId: string, opts?: SnapshotOptions): Promise<RoundState> {
    const snapshot = await this.deps.store.getSnapshot(tenant, roundId, opts);
    if (!snapshot) throw new AppError('ROUND_NOT_FOUND');
    return this.stateFromSnapshot(snapshot);
  }

  /**
   * The whole round for a report, read in pages (Store.scanVotes / scanAnswers) instead of one read: the round, its
   * tallies and answer stats first, then the answers, and the per-member votes only in a named round (an anonymous
   * report shows counts, which the tallies hold). However large the round, no single read blocks the store.
   */
  async reportState(tenant: string, roundId: string, opts: { pageSize?: number; answers?: boolean } = {}): Promise<RoundState> {
    const { store } = this.deps;
    const snapshot = await store.getSnapshot(tenant, roundId, TALLIES_ONLY);
    if (!snapshot) throw new AppError('ROUND_NOT_FOUND');
    const scan = { count: opts.pageSize ?? REPORT_PAGE };
    // The two hashes are paged side by side: each page is one short command, so this only overlaps the waits.
    const votes = async () => {
      if (snapshot.round.anonymous) return;
      for await (const page of store.scanVotes(tenant, roundId, scan)) {
        for (const v of page) (snapshot.votes[v.factorId] ??= {})[v.memberId] = v.level;
      }
    };
    const answers = async () => {
      if (opts.answers === false) return;
      for await (const page of store.scanAnswers(tenant, roundId, scan)) {
        for (const a of page) (snapshot.answers[a.factorId] ??= {})[a.memberId] = a.answer;
      }
    };
    await Promise.all([votes(), answers()]);
    return this.stateFromSnapshot(snapshot);
  }

  /**
   * Reads a round's answers a factor at a time, for a report written a factor at a time (see reportState with
   * `answers: false`). Where the store can (Store.answerMembers), one paged pass over the answers' small summaries
   * finds who answered each factor, and the answers are then read by name, in the order the report lists them, in
   * batches: a report can write each batch and let it go. Otherwise each factor is one paged read of its own
   * (scanAnswers with `factorId`), held until it is written.
   */
  async factorAnswers(tenant: string, roundId: string): Promise<FactorAnswers> {
    const { store } = this.deps;
    if (!store.answerMembers || !store.readAnswers) return wholeFactorAnswers(store, tenant, roundId);
    const members = await store.answerMembers(tenant, roundId, { count: REPORT_PAGE });
    const readAnswers = store.readAnswers.bind(store);
    return {
      answered: async (factorId) => members.get(factorId) ?? [],
      async *read(factorId, ids) {
        // A reply left waiting while this process is busy elsewhere could outlast the command timeout although Redis
        // answered at once: only a few batches are asked for ahead, never the whole factor.
        const batches: Promise<AnswerEntry[]>[] = [];
        const ask = (at: number) => {
          if (at >= ids.length) return;
          const batch = readAnswers(tenant, roundId, factorId, ids.slice(at, at + ANSWER_BATCH));
          // A failure surfaces below, in order; none is left unhandled if an earlier one ends the read.
          batch.catch(() => undefined);
          batches.push(batch);
        };
        for (let i = 0; i < ANSWER_WINDOW; i++) ask(i * ANSWER_BATCH);
        for (let i = 0; i < batches.length; i++) {
          const entries = await batches[i]!;
          ask((i + ANSWER_WINDOW) * ANSWER_BATCH);
          const byMember = new Map(entries.map((e) => [e.memberId, e.answer]));
          yield ids.slice(i * ANSWER_BATCH, (i + 1) * ANSWER_BATCH).map((id) => byMember.get(id) ?? null);
        }
      },
    };
  }

  stateFromSnapshot(snapshot: RoundSnapshot): RoundState {
    const round = snapshot.round;
    const pack = this.deps.packs.get(round.packId, round.locale);
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
        answers: answers.filter(isFilled).length,
        evidence: links.length,
        links,
      };
    }
    const peer = peerStateOf(snapshot);
    return { round, pack, snapshot, windows: this.windows(round), tallies, totals: totalsOf(tallies), answerStats, ...(peer ? { peer } : {}) };
  }

  /** States of every round of a channel, oldest first, for `history`. */
  async historyStates(tenant: string, channelId: string): Promise<RoundState[]> {
    const states: RoundState[] = [];
    for (const round of await this.channelRounds(tenant, channelId)) {
      // Tallies and answer totals are kept per factor; a peer review's panel answers are the only answers history
      // shows. Never the whole votes and answers hashes of every round of the channel in one script each.
      const snapshot = await this.deps.store.getSnapshot(tenant, round.id, { answers: round.mode === 'peer-review', votes: false });
      if (snapshot) states.push(this.stateFromSnapshot(snapshot));
    }
    return states;
  }

  /** Another round's tallies, for comparisons: null when it is gone. */
  private async talliesOf(tenant: string, roundId: string): Promise<RoundState | null> {
    const snap = await this.deps.store.getSnapshot(tenant, roundId, TALLIES_ONLY);
    return snap ? this.stateFromSnapshot(snap) : null;
  }

  /** The round cards and digests compare with: its baseline, else the previous round (tallies only). */
  async baselineState(round: Round): Promise<RoundState | null> {
    const id = round.baselineRoundId ?? round.previousRoundId;
    if (!id || id === round.id) return null;
    return this.talliesOf(round.tenant, id);
  }

  /** What a digest of this round compares with and follows up: baseline, previous round and action plan. */
  async digestInputs(round: Round): Promise<Omit<DigestInputs, 'plan'>> {
    const baseline = await this.baselineState(round);
    let previous: RoundState | null = null;
    const previousId = round.previousRoundId;
    if (previousId && previousId !== round.id && previousId !== baseline?.round.id) previous = await this.talliesOf(round.tenant, previousId);
    return { baseline, previous };
  }

  /**
   * The comparison round for a report: its settings and vote counts, one small read per factor, never its
   * per-member votes or answers. Comparisons need nothing more, and this stays cheap however many took part.
   */
  async comparisonState(round: Round): Promise<RoundState | null> {
    const compareId = round.baselineRoundId ?? round.previousRoundId;
    if (!compareId || compareId === round.id) return null;
    const before = await this.deps.store.getRound(round.tenant, compareId);
    if (!before) return null;
    const counts = await Promise.all(before.factorIds.map((f) => this.deps.store.getCounts(round.tenant, compareId, f)));
    return this.stateFromSnapshot({
      round: before,
      counts: Object.fromEntries(before.factorIds.map((f, i) => [f, counts[i]!])),
      votes: {},
      answers: {},
    });
  }

  /** Participants who have not voted on a factor (keyed the same way as stored votes). */
  pendingMembers(state: RoundState, factorId: string): string[] {
    const votes = state.snapshot.votes[factorId] ?? {};
    return state.round.participants.filter((m) => !hasOwnKey(votes, this.deps.keys.memberKey(state.round, m)));
  }
}
