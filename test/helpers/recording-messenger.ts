// A chat port double that records every delivery, for core and scheduler tests.
import { Delivery } from '../../src/core/delivery/delivery.js';
import type { ChatCapabilities, ChatMessage, ChatPace, ChatPort } from '../../src/core/delivery/port.js';
import type { Round } from '../../src/core/model.js';
import type { CardRef, Clock, Store } from '../../src/core/ports.js';
import type { ReadModel } from '../../src/core/read-model.js';

export type Delivered =
  | { kind: 'card'; roundId: string; factorId: string }
  | { kind: 'reminder'; roundId: string; memberId: string; factorIds: string[] }
  | { kind: 'weekly'; roundId: string; managerId: string }
  | { kind: 'final'; roundId: string }
  | { kind: 'final-dm'; roundId: string; managerId: string }
  | { kind: 'welcome'; roundId: string }
  | { kind: 'action-reminder'; roundId: string; memberId: string };

export class RecordingMessenger implements ChatPort {
  readonly capabilities: ChatCapabilities = { edit: false, ephemeral: false, perUserRefresh: false, chartUpload: false, permalinks: false };
  readonly pace: ChatPace = { perSecond: 10_000, concurrency: 4 };
  readonly deliveries: Delivered[] = [];
  /** Make the next N calls throw, to test retries. */
  failNext = 0;
  private seq = 0;

  private maybeFail(): void {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('simulated delivery failure');
    }
  }

  async post(round: Round, message: ChatMessage): Promise<string> {
    this.maybeFail();
    if (message.kind === 'factor-card') this.deliveries.push({ kind: 'card', roundId: round.id, factorId: message.view.factorId });
    else if (message.kind === 'digest' && message.view.kind === 'final') this.deliveries.push({ kind: 'final', roundId: round.id });
    else if (message.kind === 'welcome') this.deliveries.push({ kind: 'welcome', roundId: round.id });
    this.seq += 1;
    return `m${this.seq}`;
  }

  async edit(_round: Round, _ref: CardRef, _message: ChatMessage): Promise<void> {
    this.maybeFail();
  }

  async dm(round: Round, userId: string, message: ChatMessage): Promise<boolean> {
    this.maybeFail();
    if (message.kind === 'reminder') this.deliveries.push({ kind: 'reminder', roundId: round.id, memberId: userId, factorIds: message.view.factors.map((f) => f.factorId) });
    else if (message.kind === 'digest') {
      this.deliveries.push(message.view.kind === 'final' ? { kind: 'final-dm', roundId: round.id, managerId: userId } : { kind: 'weekly', roundId: round.id, managerId: userId });
    } else if (message.kind === 'action-reminder') this.deliveries.push({ kind: 'action-reminder', roundId: round.id, memberId: userId });
    return true;
  }

  of<K extends Delivered['kind']>(kind: K): Extract<Delivered, { kind: K }>[] {
    return this.deliveries.filter((d): d is Extract<Delivered, { kind: K }> => d.kind === kind);
  }
}

/** The core's delivery with `port` as every platform's chat port. */
export function deliveryThrough(port: ChatPort, deps: { store: Store; read: Pick<ReadModel, 'state' | 'digestInputs' | 'baselineState' | 'pendingMembers' | 'openFactorIds'>; clock: Clock }): Delivery {
  return new Delivery({ store: deps.store, read: deps.read, clock: deps.clock, ports: { get: () => port }, reportUrl: (r) => `https://assess.test/r/${r.id}` });
}
