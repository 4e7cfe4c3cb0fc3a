// Which platform adapters to start for a configuration.
import type { Config } from '../config.js';
import { slackEnabled } from '../config.js';
import { registerPlayground } from '../platforms/playground/index.js';
import { registerSlack } from '../platforms/slack/index.js';
import { registerTeams } from '../platforms/teams/index.js';
import type { AppContext, PlatformAdapter } from './build.js';

/** Slack when configured; Teams always (with no MICROSOFT_APP_ID it accepts the local Emulator); the playground unless switched off. */
export function defaultAdapters(config: Config): ((ctx: AppContext) => Promise<PlatformAdapter | null>)[] {
  const list: ((ctx: AppContext) => Promise<PlatformAdapter | null>)[] = [];
  if (slackEnabled(config)) list.push(registerSlack);
  list.push(registerTeams);
  if (playgroundEnabled(config)) list.push(registerPlayground);
  return list;
}

/** The playground runs when asked for, or by default when no platform credentials are configured. */
export function playgroundEnabled(config: Config): boolean {
  return config.PLAYGROUND === 'on' || (config.PLAYGROUND === 'auto' && !slackEnabled(config) && !config.MICROSOFT_APP_ID);
}
