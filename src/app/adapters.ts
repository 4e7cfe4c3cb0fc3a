// Which platform adapters to start for a configuration. Each platform's module (and its SDK) is loaded only when
// that platform is configured: @slack/bolt and botbuilder take a good part of a second to load.
import type { Config } from '../config.js';
import { slackEnabled, teamsEnabled } from '../config.js';
import type { PlatformRegistrar } from './build.js';

export type PlatformName = 'slack' | 'teams' | 'playground';

/** A registrar that imports its platform's module when it runs (or is preloaded), never before. */
export type LazyRegistrar = PlatformRegistrar & {
  readonly platform: PlatformName;
  /** Starts importing the module now, so it loads while the store connects; register() then waits for the same import. */
  preload(): void;
};

function lazy(platform: PlatformName, load: () => Promise<PlatformRegistrar>): LazyRegistrar {
  let loading: Promise<PlatformRegistrar> | undefined;
  const module = () => (loading ??= load());
  const register: PlatformRegistrar = async (deps) => (await module())(deps);
  return Object.assign(register, {
    platform,
    preload: () => {
      // A failed import is not lost: register() awaits this same promise and throws it at start-up.
      module().catch(() => undefined);
    },
  });
}

export const lazySlack = lazy('slack', async () => (await import('../platforms/slack/index.js')).registerSlack);
export const lazyTeams = lazy('teams', async () => (await import('../platforms/teams/index.js')).registerTeams);
export const lazyPlayground = lazy('playground', async () => (await import('../platforms/playground/index.js')).registerPlayground);

/**
 * Slack when configured. Teams with MICROSOFT_APP_ID (authenticated), or for the Bot Framework Emulator only when the
 * operator sets TEAMS_AUTH=off: a missing credential never opens an unauthenticated endpoint. The playground when no
 * platform credentials are set, unless switched off.
 */
export function defaultAdapters(config: Config): LazyRegistrar[] {
  const list: LazyRegistrar[] = [];
  if (slackEnabled(config)) list.push(lazySlack);
  if (teamsEnabled(config)) list.push(lazyTeams);
  if (playgroundEnabled(config)) list.push(lazyPlayground);
  return list;
}

/** The playground runs when asked for, or by default when no platform credentials are configured. */
export function playgroundEnabled(config: Pick<Config, 'PLAYGROUND' | 'SLACK_BOT_TOKEN' | 'SLACK_CLIENT_ID' | 'SLACK_APP_TOKEN' | 'MICROSOFT_APP_ID'>): boolean {
  return config.PLAYGROUND === 'on' || (config.PLAYGROUND === 'auto' && !slackEnabled(config) && !config.MICROSOFT_APP_ID);
}
