// Exactly what the playground is given by the composition root: config values, the core's use cases, and infrastructure.
import type { FastifyInstance } from 'fastify';
import type { CommandRouter } from '../../commands/router.js';
import type { Config } from '../../config.js';
import type { Interactions } from '../../core/interactions/index.js';
import type { Packs } from '../../core/packs.js';
import type { Clock, Store } from '../../core/ports.js';
import type { AssessmentService } from '../../core/service.js';
import type { Logger } from '../../infra/logger.js';
import type { MessengerRegistry } from '../../infra/messenger-hub.js';
import type { ReportLinks } from '../../infra/report-links.js';

/** The core use cases and queries the playground's page and messenger run. */
export type PlaygroundService = Pick<
  AssessmentService,
  | 'privacy'
  | 'nowIso'
  | 'state'
  | 'getRound'
  | 'activeRoundId'
  | 'openFactorIds'
  | 'digestInputs'
  | 'baselineState'
  | 'startRound'
  | 'castVote'
  | 'myVote'
  | 'myAnswer'
  | 'saveAnswer'
>;

export interface PlaygroundDeps {
  config: Pick<Config, 'DEFAULT_LOCALE' | 'DEFAULT_TIMEZONE'>;
  http: FastifyInstance;
  packs: Packs;
  /** The inbound port: votes, answers, card actions and starting a round. */
  interactions: Interactions;
  service: PlaygroundService;
  /** The pretend channel's timeline, kept as records. */
  store: Pick<Store, 'putRecord' | 'listRecords' | 'deleteRecord'>;
  commands: Pick<CommandRouter, 'run'>;
  /** Runs due jobs now, so a close or a step of the clock shows its messages at once. */
  scheduler: { drain(maxTicks?: number): Promise<unknown> };
  reportLinks: Pick<ReportLinks, 'url'>;
  messengers: MessengerRegistry;
  logger: Logger;
  /** An OffsetClock lets the page move time forward; any other clock cannot be moved. */
  clock: Clock;
}
