// Routes each scheduled delivery to the messenger of the platform the round runs on.
import type { Action, Platform, Round } from '../core/model.js';
import type { Messenger } from '../core/ports.js';

/** Where a platform adapter registers the messenger the scheduler's deliveries go through. */
export interface MessengerRegistry {
  register(platform: Platform, messenger: Messenger): void;
}

export class MessengerHub implements Messenger, MessengerRegistry {
  private readonly byPlatform = new Map<Platform, Messenger>();

  register(platform: Platform, messenger: Messenger): void {
    this.byPlatform.set(platform, messenger);
  }

  has(platform: Platform): boolean {
    return this.byPlatform.has(platform);
  }

  private for(round: Round): Messenger {
    const m = this.byPlatform.get(round.platform);
    if (!m) throw new Error(`no messenger for platform ${round.platform} on this server`);
    return m;
  }

  postFactorCard(round: Round, factorId: string): Promise<void> {
    return this.for(round).postFactorCard(round, factorId);
  }

  sendReminder(round: Round, memberId: string, factorIds: string[]): Promise<void> {
    return this.for(round).sendReminder(round, memberId, factorIds);
  }

  sendWeeklyDigest(round: Round, managerId: string): Promise<void> {
    return this.for(round).sendWeeklyDigest(round, managerId);
  }

  postFinalDigest(round: Round): Promise<void> {
    return this.for(round).postFinalDigest(round);
  }

  /** Action-plan reminders, on platforms that send them (the others skip them quietly). */
  async sendActionReminder(round: Round, memberId: string, actions: Action[]): Promise<void> {
    const messenger = this.for(round);
    if (messenger.sendActionReminder) await messenger.sendActionReminder(round, memberId, actions);
  }
}
