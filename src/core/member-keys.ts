// How people are keyed in stored votes, answers and dedupe ids: their id, or a keyed hash of it in anonymous rounds.
import type { AnonymityKeyring } from './anonymity-keys.js';
import type { Round } from './model.js';

export class MemberKeys {
  constructor(private readonly keys: AnonymityKeyring) {}

  /**
   * How a member is keyed in votes and answers: the id, or a keyed hash of it in anonymous rounds, under the key the
   * round was started with. Throws ANONYMITY_KEY_RETIRED when that key is no longer configured.
   */
  memberKey(round: Round, memberId: string): string {
    if (!round.anonymous) return memberId;
    return 'anon-' + this.keys.hash(round, `${round.tenant}\u0000${round.id}\u0000${memberId}`).slice(0, 32);
  }

  /** False for an anonymous round whose key has been retired: its members can no longer be keyed (or found). */
  canKeyMembers(round: Round): boolean {
    return !round.anonymous || this.keys.has(round);
  }

  /**
   * Interaction ids can carry a platform user id (Slack's do); they are stored only as a keyed hash, so the
   * dedupe keys next to a round's votes never name who voted. A named round keeps no key id: its dedupe window is
   * minutes, so it simply uses the current key.
   */
  interactionKey(round: Round, interactionId: string): string {
    const keyed = round.anonymous ? round : { id: round.id };
    return this.keys.hash(keyed, `ix\u0000${round.tenant}\u0000${round.id}\u0000${interactionId}`).slice(0, 32);
  }

  /** The key id a new anonymous round is started with (kept with it for its whole life). */
  get currentId(): string {
    return this.keys.currentId;
  }
}
