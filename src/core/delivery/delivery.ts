// One delivery layer for every platform: factor cards posted and refreshed, the welcome, reminders, digests and
// action reminders, each message's view built once and handed to the round's platform through its ChatPort
// (port.ts). Fan-outs read the round once, are paced to the platform's limits and resume through the round's
// markers (marks.ts, fan-out.ts); rendering stays with the platforms and the view builders (core/views).
import { compareRounds } from '../anonymity.js';
import { jobId, roundJob } from '../jobs.js';
import type { Action, Round } from '../model.js';
import { ownValue } from '../own.js';
import type { Clock, Job, Store } from '../ports.js';
import type { ReadModel, RoundState } from '../read-model.js';
import { digestReadOptions } from '../read-model.js';
import { buildDigest } from '../views/digest.js';
import type { DigestView } from '../views/digest-model.js';
import { buildFactorCard } from '../views/factor-card.js';
import { buildReminder, buildWelcome } from '../views/messages.js';
import { fanOutCounted, fanOutNamed, fanOutPaced, type FanOutResult } from './fan-out.js';
import { channelMark, RoundMarks, type MarkStore } from './marks.js';
import type { ChatMessage, ChatPort, ChatPorts } from './port.js';

export interface DeliveryDeps {
  store: Pick<Store, 'getCardRefs' | 'setCardRef' | 'scheduleJobs'> & MarkStore;
  read: Pick<ReadModel, 'state' | 'digestInputs' | 'baselineState' | 'pendingMembers' | 'openFactorIds'>;
  ports: ChatPorts;
  clock: Clock;
  /** The signed report link of a round, for digests. */
  reportUrl: (round: Round) => string;
  /** Failures nothing waits for (a card that could not be closed). */
  onError?: (err: unknown, what: string) => void;
  /** Monotonic time for time budgets (the round clock may be a test's fake one). */
  monotonicNow?: () => number;
}

/** `partial`: the time budget ran out mid fan-out; the job must run again (its markers say who is left). */
export type DeliveryOutcome = 'done' | 'skipped' | 'partial';

/** How long before a card that failed to post is tried again by the scheduler. */
export const CARD_RETRY_MS = 60_000;

/** What a factor card is drawn from: counts and answer stats, without the answers and the per-member votes. */
const CARD_READ = { answers: false, votes: false } as const;
/** Who has voted is all a reminder needs: the answers are not read. */
const REMINDER_READ = { answers: false } as const;

/** The once-key of a round's final summary: the final-digest job's id, whoever sends it. */
export function finalDigestKey(round: Pick<Round, 'tenant' | 'id'>): string {
  return jobId(round, 'final-digest');
}

export class Delivery {
  constructor(private readonly deps: DeliveryDeps) {}

  port(round: Round): ChatPort {
    const port = this.deps.ports.get(round.platform);
    if (!port) throw new Error(`no chat port for platform ${round.platform} on this server`);
    return port;
  }

  marks(round: Pick<Round, 'tenant' | 'id'>): RoundMarks {
    return new RoundMarks(this.deps.store, round.tenant, round.id);
  }

  private budget(ms: number | undefined): () => boolean {
    if (ms === undefined) return () => false;
    const now = this.deps.monotonicNow ?? (() => performance.now());
    const until = now() + ms;
    return () => now() >= until;
  }

  // --- factor cards ------------------------------------------------------------------------------

  /** A factor card's message: the tally, answer stats and the trend against the baseline (tallies only). */
  async cardMessage(state: RoundState, factorId: string): Promise<ChatMessage> {
    const base = await this.deps.read.baselineState(state.round);
    const baseline = base ? compareRounds(state, base) : undefined;
    return { kind: 'factor-card', view: buildFactorCard(state, factorId, baseline ? { baseline } : {}) };
  }

  /** Posts a factor card, or refreshes it when it is already in the channel (a retried job must not post twice). */
  async postFactorCard(round: Round, factorId: string): Promise<void> {
    const refs = await this.deps.store.getCardRefs(round.tenant, round.id);
    if (refs[factorId]) return this.refreshCard(round, factorId);
    const state = await this.deps.read.state(round.tenant, round.id, CARD_READ);
    const messageId = await this.port(round).post(state.round, await this.cardMessage(state, factorId));
    if (messageId) await this.deps.store.setCardRef(round.tenant, round.id, factorId, { messageId, channelId: round.channel.id });
  }

  /** Redraws the channel copy of a card with the current tally (platforms that can edit). */
  async refreshCard(round: Pick<Round, 'tenant' | 'id' | 'platform'>, factorId: string): Promise<void> {
    const port = this.deps.ports.get(round.platform);
    if (!port?.capabilities.edit) return;
    const ref = ownValue(await this.deps.store.getCardRefs(round.tenant, round.id), factorId);
    if (!ref) return;
    const state = await this.deps.read.state(round.tenant, round.id, CARD_READ);
    await port.edit(state.round, ref, await this.cardMessage(state, factorId));
  }

  /** Every posted card of the round redrawn (closing: the buttons go), best effort. */
  async refreshAllCards(round: Round): Promise<void> {
    const refs = await this.deps.store.getCardRefs(round.tenant, round.id);
    for (const factorId of Object.keys(refs)) {
      await this.refreshCard(round, factorId).catch((err: unknown) => this.deps.onError?.(err, `closing the card ${factorId}`));
    }
  }

  async postWelcome(round: Round): Promise<void> {
    const state = await this.deps.read.state(round.tenant, round.id, CARD_READ);
    await this.port(round).post(state.round, { kind: 'welcome', view: buildWelcome(state) });
  }

  /**
   * The welcome, then the cards that are open now, one after another. A card that fails is left to the scheduler to
   * retry; a failed welcome is reported (thrown) after the cards have had their try.
   */
  async postWelcomeAndCards(round: Round): Promise<void> {
    let welcomeFailed: { err: unknown } | null = null;
    try {
      await this.postWelcome(round);
    } catch (err) {
      welcomeFailed = { err };
    }
    for (const factorId of this.deps.read.openFactorIds(round)) {
      try {
        await this.postFactorCard(round, factorId);
      } catch (err) {
        this.deps.onError?.(err, `posting the card ${factorId}; the scheduler will retry it`);
        await this.scheduleCardRetry(round, factorId);
      }
    }
    if (welcomeFailed) throw welcomeFailed.err;
  }

  private async scheduleCardRetry(round: Round, factorId: string): Promise<void> {
    // Same id as the calendar's own opening job, so a retry never duplicates one.
    await this.deps.store.scheduleJobs([roundJob(round, 'factor-open', this.deps.clock.now() + CARD_RETRY_MS, factorId, { factorId })]);
  }

  // --- fan-outs ----------------------------------------------------------------------------------

  /**
   * Sends to each recipient once per `job` (named rounds mark each person; anonymous rounds keep counts only), paced
   * to the platform, stopping when `budgetMs` is spent.
   */
  private fanOut(round: Round, job: string, recipients: string[], send: (recipient: string) => Promise<void>, budgetMs?: number): Promise<FanOutResult> {
    const opts = { pace: this.port(round).pace, outOfTime: this.budget(budgetMs), now: () => this.deps.clock.now() };
    return round.anonymous ? fanOutCounted(this.marks(round), job, recipients, send, opts) : fanOutNamed(this.marks(round), job, recipients, send, opts);
  }

  /**
   * Reminds each member of their factors, from one read of the round (`state`, read here when not given) and one read
   * of its cards. With a job, each person is reminded once across the job's runs and the fan-out stops at `budgetMs`.
   */
  async sendReminders(round: Round, byMember: Map<string, string[]>, opts: { job?: string; budgetMs?: number; state?: RoundState } = {}): Promise<FanOutResult> {
    const state = opts.state ?? (await this.deps.read.state(round.tenant, round.id, REMINDER_READ));
    const cards = this.port(round).capabilities.permalinks ? await this.deps.store.getCardRefs(round.tenant, round.id) : {};
    const port = this.port(round);
    // In the round's participant order, so a retried job sees the same order (see fanOutCounted).
    const order = new Map(state.round.participants.map((id, i) => [id, i]));
    const members = [...byMember.keys()].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
    const send = async (member: string) => {
      await port.dm(state.round, member, { kind: 'reminder', view: buildReminder(state, byMember.get(member) ?? []), cards });
    };
    if (!opts.job) return fanOutPaced(members, send, port.pace);
    return this.fanOut(state.round, opts.job, members, send, opts.budgetMs);
  }

  /** Who has not voted on which of `factorIds` (those open at `now` and not yet due), from one read of the round. */
  async pending(round: Round, now: number, factorIds?: string[]): Promise<{ state: RoundState; byMember: Map<string, string[]> }> {
    const state = await this.deps.read.state(round.tenant, round.id, REMINDER_READ);
    const open = state.windows.filter((w) => Date.parse(w.opensAt) <= now && Date.parse(w.dueAt) > now && (!factorIds || factorIds.includes(w.factorId)));
    const byMember = new Map<string, string[]>();
    for (const w of open) {
      for (const member of this.deps.read.pendingMembers(state, w.factorId)) byMember.set(member, [...(byMember.get(member) ?? []), w.factorId]);
    }
    return { state, byMember };
  }

  /** A scheduled reminder: the round read once, then each person who has not voted, paced and resumable. */
  async remind(job: Job, round: Round, now: number, budgetMs?: number): Promise<DeliveryOutcome> {
    const { state, byMember } = await this.pending(round, now, job.payload.factorIds as string[]);
    if (byMember.size === 0) return 'skipped';
    const result = await this.sendReminders(state.round, byMember, { job: job.id, state, ...(budgetMs !== undefined ? { budgetMs } : {}) });
    return result.complete ? 'done' : 'partial';
  }

  /** `/assess remind`: everyone who has not voted on an open factor, now; how many were reminded. */
  async remindNow(round: Round): Promise<number> {
    const { state, byMember } = await this.pending(round, this.deps.clock.now());
    await this.sendReminders(state.round, byMember, { state });
    return byMember.size;
  }

  // --- digests -------------------------------------------------------------------------------------

  /** A digest's view, read once for all its recipients, with the baseline, previous round and action plan. */
  async digest(round: Round, kind: DigestView['kind']): Promise<{ state: RoundState; view: DigestView; baseline: RoundState | null }> {
    const state = await this.deps.read.state(round.tenant, round.id, digestReadOptions(round));
    const inputs = await this.deps.read.digestInputs(state.round);
    const view = buildDigest(state, { kind, ...inputs, now: this.deps.clock.now(), reportUrl: this.deps.reportUrl(state.round) });
    return { state, view, baseline: inputs.baseline ?? null };
  }

  async weeklyDigest(job: Job, round: Round, budgetMs?: number): Promise<DeliveryOutcome> {
    if (round.managers.length === 0) return 'skipped';
    const { state, view, baseline } = await this.digest(round, 'weekly');
    const port = this.port(round);
    const message: ChatMessage = { kind: 'digest', view, state, baseline };
    const result = await this.fanOut(state.round, job.id, round.managers, async (m) => void (await port.dm(state.round, m, message)), budgetMs);
    return result.complete ? 'done' : 'partial';
  }

  /**
   * The summary in the channel (with the chart where the platform uploads one) and to each manager, each once: a
   * retry resumes where the last attempt failed. Then the cards are redrawn closed.
   */
  async finalDigest(round: Round, opts: { job?: string; budgetMs?: number } = {}): Promise<DeliveryOutcome> {
    const key = opts.job ?? finalDigestKey(round);
    const { state, view, baseline } = await this.digest(round, 'final');
    const port = this.port(round);
    const message: ChatMessage = { kind: 'digest', view, state, baseline };
    await this.marks(round).once(channelMark(key), this.deps.clock.now(), () => port.post(state.round, message));
    const result = await this.fanOut(state.round, key, round.managers, async (m) => void (await port.dm(state.round, m, message)), opts.budgetMs);
    if (!result.complete) return 'partial';
    await this.refreshAllCards(state.round);
    return 'done';
  }

  /** One reminder to an action's owner, once per job. */
  async actionReminder(job: Job, round: Round, owner: string, actions: Action[]): Promise<DeliveryOutcome> {
    if (actions.length === 0) return 'skipped';
    const port = this.port(round);
    await this.fanOut(round, job.id, [owner], async (m) => void (await port.dm(round, m, { kind: 'action-reminder', actions })));
    return 'done';
  }
}
