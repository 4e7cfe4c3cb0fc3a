// The facts a factor card shows, built once for every platform: tally, progress, due date, the viewer's own vote and the
// ↑↓= trend against the round's baseline (or previous round). Comparison rounds are closed, so their tallies are kept
// here for a short while and a vote's card needs no second read.
import { compareRounds } from '../anonymity.js';
import type { Level, Round } from '../model.js';
import type { ReadModel, RoundState } from '../read-model.js';
import type { FactorComparison } from '../tally.js';
import { buildFactorCard, type FactorCardState, type FactorCardView } from '../views/factor-card.js';

/** How long a comparison round's tallies are reused. A closed round changes only by erasure or purge. */
const COMPARISON_TTL_MS = 30_000;
const COMPARISON_CACHE = 256;

interface Kept {
  at: number;
  state: RoundState | null;
}

export class CardFacts {
  private readonly comparisons = new Map<string, Kept>();

  constructor(
    private readonly read: Pick<ReadModel, 'baselineState'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The round's comparison round (tallies only), or null; from memory when read in the last 30 s. */
  async comparisonOf(round: Round): Promise<RoundState | null> {
    const id = round.baselineRoundId ?? round.previousRoundId;
    if (!id || id === round.id) return null;
    const key = `${round.tenant}\u0000${id}`;
    const kept = this.comparisons.get(key);
    if (kept && this.now() - kept.at < COMPARISON_TTL_MS) return kept.state;
    const state = await this.read.baselineState(round);
    this.comparisons.delete(key);
    if (this.comparisons.size >= COMPARISON_CACHE) this.comparisons.delete(this.comparisons.keys().next().value!);
    this.comparisons.set(key, { at: this.now(), state });
    return state;
  }

  /** Each factor's comparison for the tallies given (hidden where either round hides it). */
  async baseline(state: Pick<RoundState, 'round' | 'tallies'>): Promise<FactorComparison[] | undefined> {
    const before = await this.comparisonOf(state.round);
    return before ? compareRounds(state, before) : undefined;
  }

  /** The card's view model with every fact, the same for Slack, Teams and the playground. */
  async view(state: FactorCardState, factorId: string, viewer: { id?: string; myVote?: Level | null } = {}): Promise<FactorCardView> {
    const baseline = await this.baseline(state);
    return buildFactorCard(state, factorId, {
      ...(viewer.id ? { viewerId: viewer.id } : {}),
      ...(viewer.myVote ? { myVote: viewer.myVote } : {}),
      ...(baseline ? { baseline } : {}),
    });
  }
}
