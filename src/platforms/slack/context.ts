// What every Slack listener needs, in one object: the app's core services plus the Slack-side helpers.
import type { Locale } from '../../content/schema.js';
import type { Round } from '../../core/model.js';
import type { Background } from './background.js';
import type { SlackDirectory } from './directory.js';
import type { SlackDeps } from './deps.js';
import type { StoreInstallationStore } from './installation-store.js';
import type { SlackMessenger } from './messenger.js';
import type { SlackClients } from './web-client.js';

export class SlackContext {
  /** Each round's language, remembered so an error can still be said in it when the store is down. */
  private readonly roundLocales = new Map<string, Locale>();

  constructor(
    readonly app: SlackDeps,
    readonly clients: SlackClients,
    readonly directory: SlackDirectory,
    readonly messenger: SlackMessenger,
    readonly background: Background,
    readonly installations: StoreInstallationStore | null,
  ) {}

  get defaultLocale(): Locale {
    return this.app.config.DEFAULT_LOCALE;
  }

  get defaultTimezone(): string {
    return this.app.config.DEFAULT_TIMEZONE;
  }

  remember(round: Round): Round {
    if (this.roundLocales.size > 10_000) this.roundLocales.clear();
    this.roundLocales.set(`${round.tenant}\u0000${round.id}`, round.locale);
    return round;
  }

  localeOf(tenant: string, roundId: string): Locale {
    return this.roundLocales.get(`${tenant}\u0000${roundId}`) ?? this.defaultLocale;
  }

  /** Counts a Web API-like call we make outside the WebClient (response_url). */
  countCall(method: string, outcome: 'ok' | 'error'): void {
    this.app.metrics.apiCalls.inc({ platform: 'slack', method, outcome });
  }
}
