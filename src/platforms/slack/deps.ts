// Exactly what the Slack adapter is given by the composition root: config values, the core's use cases, and infrastructure.
import type { FastifyInstance } from 'fastify';
import type { CommandRouter } from '../../commands/router.js';
import type { Config } from '../../config.js';
import type { Interactions } from '../../core/interactions/index.js';
import type { Delivery } from '../../core/delivery/delivery.js';
import type { Packs } from '../../core/packs.js';
import type { Clock, Store } from '../../core/ports.js';
import type { AssessmentService } from '../../core/service.js';
import type { UninstallGrace } from '../../core/uninstall.js';
import type { Logger } from '../../infra/logger.js';
import type { MessengerRegistry } from '../../infra/messenger-hub.js';
import type { Metrics } from '../../infra/metrics.js';
import type { ReportLinks } from '../../infra/report-links.js';

export type SlackConfig = Pick<
  Config,
  | 'SLACK_BOT_TOKEN'
  | 'SLACK_SIGNING_SECRET'
  | 'SLACK_APP_TOKEN'
  | 'SLACK_CLIENT_ID'
  | 'SLACK_CLIENT_SECRET'
  | 'SLACK_STATE_SECRET'
  | 'SLACK_API_URL'
  | 'DEFAULT_LOCALE'
  | 'DEFAULT_TIMEZONE'
>;

/** The core use cases and queries Slack's listeners and messenger run. */
export type SlackService = Pick<
  AssessmentService,
  | 'state'
  | 'getRound'
  | 'openRoundsOf'
  | 'latestClosedRound'
  | 'openFactorIds'
  | 'digestInputs'
  | 'memberKey'
  | 'castVote'
  | 'myAnswer'
  | 'saveAnswer'
  | 'startRound'
  | 'rememberNames'
  | 'completeAction'
>;

/** Slack's own records (installations, event dedupe) and the factor cards it posted. */
export type SlackStore = Pick<Store, 'getRecord' | 'putRecord' | 'deleteRecord' | 'setIfNotExists' | 'getCardRefs' | 'setCardRef' | 'scheduleJobs'>;

export interface SlackDeps {
  config: SlackConfig;
  http: FastifyInstance;
  /** The URL people reach the server at (OAuth redirect). */
  baseUrl: string;
  packs: Packs;
  /** The inbound port: votes, answers, card actions and starting a round. */
  interactions: Interactions;
  service: SlackService;
  store: SlackStore;
  commands: Pick<CommandRouter, 'run'>;
  reportLinks: Pick<ReportLinks, 'url'>;
  uninstalls: Pick<UninstallGrace, 'cancel' | 'cancelIfPending' | 'schedule'>;
  messengers: MessengerRegistry;
  /** The core's delivery: cards, reminders and digests, through the port this adapter registers. */
  delivery: Pick<Delivery, 'postFactorCard' | 'refreshCard' | 'postWelcomeAndCards' | 'finalDigest' | 'digest'>;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
}
