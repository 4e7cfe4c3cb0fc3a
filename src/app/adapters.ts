// Which platform adapters to start for a configuration.
import type { Config } from '../config.js';
import { slackEnabled, teamsEnabled } from '../config.js';
import { registerPlayground } from '../platforms/playground/index.js';
import { registerSlack } from '../platforms/slack/index.js';
import { registerTeams } from '../platforms/teams/index.js';
import type { AppContext, PlatformAdapter } from './build.js';

/**
 * Slack when configured. Teams with MICROSOFT_APP_ID (authenticated), or for the Bot Framework Emulator only when the
 * operator sets TEAMS_AUTH=off: a missing credential never opens an unauthenticated endpoint. The playground when no
 * platform credentials are set, unless switched off.
 */
export function defaultAdapters(config: Config): ((ctx: AppContext) => Promise<PlatformAdapter | null>)[] {
  const list: ((ctx: AppContext) => Promise<PlatformAdapter | null>)[] = [];
  if (slackEnabled(config)) list.push(registerSlack);
  if (teamsEnabled(config)) list.push(registerTeams);
  if (playgroundEnabled(config)) list.push(registerPlayground);
  return list;
}

/** The playground runs when asked for, or by default when no platform credentials are configured. */
export function playgroundEnabled(config: Config): boolean {
  return config.PLAYGROUND === 'on' || (config.PLAYGROUND === 'auto' && !slackEnabled(config) && !config.MICROSOFT_APP_ID);
}
