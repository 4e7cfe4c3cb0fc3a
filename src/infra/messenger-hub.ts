// The chat ports of the platforms running on this server: each adapter registers its port, the core's delivery
// (core/delivery) finds the one of the platform a round runs on.
import type { ChatPort, ChatPorts } from '../core/delivery/port.js';
import type { Platform } from '../core/model.js';

/** Where a platform adapter registers the port deliveries to its rounds go through. */
export interface MessengerRegistry {
  register(platform: Platform, port: ChatPort): void;
}

export class MessengerHub implements ChatPorts, MessengerRegistry {
  private readonly byPlatform = new Map<Platform, ChatPort>();

  register(platform: Platform, port: ChatPort): void {
    this.byPlatform.set(platform, port);
  }

  has(platform: Platform): boolean {
    return this.byPlatform.has(platform);
  }

  get(platform: Platform): ChatPort | undefined {
    return this.byPlatform.get(platform);
  }
}
