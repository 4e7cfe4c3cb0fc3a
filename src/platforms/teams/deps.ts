// Exactly what the Teams adapter is given by the composition root: config values, the core's use cases, and infrastructure.
import type { FastifyInstance } from 'fastify';
import type { CommandRouter } from '../../commands/router.js';
import type { Config } from '../../config.js';
import type { Interactions } from '../../core/interactions/index.js';
import type { Delivery } from '../../core/delivery/delivery.js';
import type { MarkStore } from '../../core/delivery/marks.js';
import type { Packs } from '../../core/packs.js';
import type { Clock, Store } from '../../core/ports.js';
import type { AssessmentService } from '../../core/service.js';
import type { UninstallGrace } from '../../core/uninstall.js';
import type { Logger } from '../../infra/logger.js';
import type { MessengerRegistry } from '../../infra/messenger-hub.js';
import type { Metrics } from '../../infra/metrics.js';
import type { ReportLinks } from '../../infra/report-links.js';

export type TeamsConfig = Pick<
  Config,
  | 'MICROSOFT_APP_ID'
  | 'MICROSOFT_APP_PASSWORD'
  | 'MICROSOFT_APP_TYPE'
  | 'MICROSOFT_APP_TENANT_ID'
  | 'MICROSOFT_ALLOWED_TENANTS'
  | 'TEAMS_AUTH'
  | 'DEFAULT_LOCALE'
  | 'DEFAULT_TIMEZONE'
>;

/** The core use cases and queries the Teams bot and messenger run. */
export type TeamsService = Pick<
  AssessmentService,
  | 'state'
  | 'getRound'
  | 'latestClosedRound'
  | 'openFactorIds'
  | 'digestInputs'
  | 'baselineState'
  | 'castVote'
  | 'myVote'
  | 'myAnswer'
  | 'saveAnswer'
  | 'startRound'
  | 'rememberNames'
  | 'completeAction'
  | 'isActionOwner'
>;

/** Teams' own records (conversation references), its once-markers and the factor cards it posted. */
export type TeamsStore = Pick<Store, 'getRecord' | 'putRecord' | 'deleteRecord' | 'listRecords' | 'getCardRefs' | 'setCardRef'> & MarkStore;

export interface TeamsDeps {
  config: TeamsConfig;
  http: FastifyInstance;
  packs: Packs;
  /** The inbound port: votes, answers, card actions and starting a round. */
  interactions: Interactions;
  service: TeamsService;
  store: TeamsStore;
  commands: Pick<CommandRouter, 'run'>;
  reportLinks: Pick<ReportLinks, 'url'>;
  uninstalls: Pick<UninstallGrace, 'cancel' | 'schedule'>;
  messengers: MessengerRegistry;
  /** The core's delivery: cards, reminders and digests, through the port this adapter registers. */
  delivery: Pick<Delivery, 'postFactorCard' | 'refreshCard' | 'postWelcome' | 'finalDigest'>;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
}
