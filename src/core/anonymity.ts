// What an anonymous round may show, and when: the response thresholds, their freezing, and comparisons that hide both sides.
import { AppError } from './errors.js';
import type { Round } from './model.js';
import { compareTallies, type FactorComparison, type FactorTally } from './tally.js';

/**
 * Employee-survey tools promise that no result shows for fewer than five people, and never for fewer than three:
 * below three, a person's own answer and one colleague's are enough to work out the rest.
 */
export const MIN_RESPONSES_FLOOR = 3;
export const DEFAULT_MIN_RESPONSES = 5;
export const MAX_MIN_RESPONSES = 50;
/** Free text is easier to recognise than a vote (style, topic, a named project), so it waits for more people. */
export const DEFAULT_MIN_ANSWERS = 10;
export const MAX_MIN_ANSWERS = 100;

type Thresholds = Pick<Round, 'anonymous' | 'minResponses' | 'minAnswers' | 'status' | 'reviewPhase'>;

/** The vote threshold as enforced: rounds stored before the floor existed are read with it. */
export function voteThreshold(round: Pick<Round, 'minResponses'>): number {
  return Math.max(MIN_RESPONSES_FLOOR, round.minResponses);
}

/** The free-text threshold as enforced: never below the vote threshold. */
export function answerThreshold(round: Pick<Round, 'minResponses' | 'minAnswers'>): number {
  return Math.max(voteThreshold(round), round.minAnswers ?? DEFAULT_MIN_ANSWERS);
}

/** Whether anything about a factor may be shown: always in a named round; in an anonymous one from the threshold up. */
export function resultsVisible(round: Pick<Round, 'anonymous' | 'minResponses'>, tally: Pick<FactorTally, 'voters'>): boolean {
  return !round.anonymous || tally.voters >= voteThreshold(round);
}

/**
 * Whether the team's answers are final: a live list of answers lets two looks a minute apart show what the
 * person who answered in between wrote, so an anonymous round publishes them once nobody can add one (closed,
 * or locked for a peer review).
 */
export function answersFinal(round: Pick<Round, 'status' | 'reviewPhase'>): boolean {
  return round.status === 'closed' || round.status === 'archived' || round.reviewPhase === 'review';
}

/**
 * Whether a factor's answer texts and evidence links may be shown. Named rounds: always. Anonymous rounds: only
 * when the factor's results show, enough people answered, and the answers are final.
 */
export function answersVisible(round: Thresholds, tally: Pick<FactorTally, 'voters'>, answers: number): boolean {
  if (!round.anonymous) return true;
  return resultsVisible(round, tally) && answers >= answerThreshold(round) && answersFinal(round);
}

/** Unattributed texts in an order that follows neither who wrote first nor any id: by the text itself. */
export function textOrder(texts: string[]): string[] {
  return [...texts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Anonymity settings never change once a round exists: lowering a threshold (or turning anonymity off) after
 * people answered would show what they were promised stays hidden. Both stores call this on every round update.
 */
export function assertAnonymityFrozen(before: Round, after: Round): void {
  if (before.anonymous !== after.anonymous || voteThreshold(before) !== voteThreshold(after) || answerThreshold(before) !== answerThreshold(after)) {
    throw new AppError('INVALID_INPUT', { detail: 'anonymity settings are fixed once a round has started' });
  }
}

/**
 * Factor by factor comparison of two rounds' tallies, with nothing on either side for a factor that either round
 * hides: a hidden score must not come back as "the previous score" or as a trend.
 */
export function compareRounds(
  now: { round: Pick<Round, 'anonymous' | 'minResponses'>; tallies: FactorTally[] },
  before: { round: Pick<Round, 'anonymous' | 'minResponses'>; tallies: FactorTally[] },
): FactorComparison[] {
  return compareTallies(now.tallies, before.tallies, {
    current: (t) => resultsVisible(now.round, t),
    previous: (t) => resultsVisible(before.round, t),
  });
}
