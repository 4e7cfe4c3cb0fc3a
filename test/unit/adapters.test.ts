// Which platform adapters start for a configuration: no unauthenticated Teams endpoint next to a production Slack.
import { describe, expect, it } from 'vitest';
import { defaultAdapters, playgroundEnabled } from '../../src/app/adapters.js';
import { loadConfig } from '../../src/config.js';
import { registerPlayground } from '../../src/platforms/playground/index.js';
import { registerSlack } from '../../src/platforms/slack/index.js';
import { registerTeams } from '../../src/platforms/teams/index.js';

const names = (env: Record<string, string>) =>
  defaultAdapters(loadConfig(env)).map((a) => (a === registerSlack ? 'slack' : a === registerTeams ? 'teams' : a === registerPlayground ? 'playground' : '?'));

describe('defaultAdapters', () => {
  it('local development: Teams (Emulator) and the playground', () => {
    expect(names({})).toEqual(['teams', 'playground']);
  });

  it('a Slack-only deployment does not expose an unauthenticated Teams endpoint', () => {
    expect(names({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toEqual(['slack']);
  });

  it('both platforms when both are configured; the playground can be forced on', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'p' };
    expect(names(env)).toEqual(['slack', 'teams']);
    expect(names({ ...env, PLAYGROUND: 'on' })).toEqual(['slack', 'teams', 'playground']);
    expect(playgroundEnabled(loadConfig({ PLAYGROUND: 'off' }))).toBe(false);
  });
});
