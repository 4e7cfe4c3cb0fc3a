// A Messenger double that records every delivery, for core and scheduler tests.
import type { Round } from '../../src/core/model.js';
import type { Messenger } from '../../src/core/ports.js';

export type Delivery =
  | { kind: 'card'; roundId: string; factorId: string }
  | { kind: 'reminder'; roundId: string; memberId: string; factorIds: string[] }
  | { kind: 'weekly'; roundId: string; managerId: string }
  | { kind: 'final'; roundId: string };

export class RecordingMessenger implements Messenger {
  readonly deliveries: Delivery[] = [];
  /** Make the next N calls throw, to test retries. */
  failNext = 0;

  private maybeFail(): void {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('simulated delivery failure');
    }
  }

  async postFactorCard(round: Round, factorId: string): Promise<void> {
    this.maybeFail();
    this.deliveries.push({ kind: 'card', roundId: round.id, factorId });
  }
  async sendReminder(round: Round, memberId: string, factorIds: string[]): Promise<void> {
    this.maybeFail();
    this.deliveries.push({ kind: 'reminder', roundId: round.id, memberId, factorIds });
  }
  async sendWeeklyDigest(round: Round, managerId: string): Promise<void> {
    this.maybeFail();
    this.deliveries.push({ kind: 'weekly', roundId: round.id, managerId });
  }
  async postFinalDigest(round: Round): Promise<void> {
    this.maybeFail();
    this.deliveries.push({ kind: 'final', roundId: round.id });
  }

  of<K extends Delivery['kind']>(kind: K): Extract<Delivery, { kind: K }>[] {
    return this.deliveries.filter((d): d is Extract<Delivery, { kind: K }> => d.kind === kind);
  }
}
