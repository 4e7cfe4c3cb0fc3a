// Which platform adapters start for a configuration: Teams never runs unauthenticated unless TEAMS_AUTH=off says so.
import { describe, expect, it } from 'vitest';
import { defaultAdapters, playgroundEnabled } from '../../src/app/adapters.js';
import { ConfigError, loadConfig } from '../../src/config.js';

// The registrars load their platform's module when they run (adapters.ts), so they are told apart by name.
const names = (env: Record<string, string>) => defaultAdapters(loadConfig(env)).map((a) => a.platform);

describe('defaultAdapters', () => {
  it('local development: the playground only; no Teams endpoint because credentials are missing', () => {
    expect(names({})).toEqual(['playground']);
  });

  it('the Bot Framework Emulator endpoint only when TEAMS_AUTH=off asks for it', () => {
    expect(names({ TEAMS_AUTH: 'off' })).toEqual(['teams', 'playground']);
  });

  it('a Slack-only deployment does not expose a Teams endpoint', () => {
    expect(names({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toEqual(['slack']);
  });

  it('both platforms when both are configured; the playground cannot be forced on next to them', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'p' };
    expect(names(env)).toEqual(['slack', 'teams']);
    expect(() => loadConfig({ ...env, PLAYGROUND: 'on' })).toThrow(ConfigError);
    expect(playgroundEnabled(loadConfig({ PLAYGROUND: 'off' }))).toBe(false);
    expect(playgroundEnabled(loadConfig({ PLAYGROUND: 'on' }))).toBe(true);
  });
});
