// Slack adapter entry point: mounts its routes on the shared HTTP server and registers its messenger.
import type { PlatformAdapter } from '../adapter.js';
import { slackEnabled } from '../../config.js';
import { SlackAdapter, type SlackOptions } from './adapter.js';
import type { SlackDeps } from './deps.js';

export { SlackAdapter, EVENTS_PATH, type SlackOptions, type SlackMode } from './adapter.js';
export type { SlackDeps } from './deps.js';

/** A register function with options (pacing, coalescing window, timers, retry policy) for tests and tuning. */
export function createSlackRegistrar(options: SlackOptions = {}): (deps: SlackDeps) => Promise<PlatformAdapter | null> {
  return async (ctx) => {
    if (!slackEnabled(ctx.config)) {
      ctx.logger.info('Slack is not configured (SLACK_BOT_TOKEN, SLACK_CLIENT_ID or SLACK_APP_TOKEN); the Slack adapter is off');
      return null;
    }
    return new SlackAdapter(ctx, options);
  };
}

export const registerSlack = createSlackRegistrar();
