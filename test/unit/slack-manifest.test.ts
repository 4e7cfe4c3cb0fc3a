// The Slack app manifest matches what the code uses: least-privilege scopes, one request URL, the events we handle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BOT_SCOPES, REDIRECT_PATH } from '../../src/platforms/slack/oauth.js';
import { EVENTS_PATH } from '../../src/platforms/slack/index.js';

const ManifestSchema = z.looseObject({
  display_information: z.looseObject({ name: z.string(), long_description: z.string() }),
  features: z.looseObject({
    app_home: z.looseObject({ home_tab_enabled: z.boolean() }),
    slash_commands: z.array(z.looseObject({ command: z.string(), url: z.string() })),
  }),
  oauth_config: z.looseObject({
    redirect_urls: z.array(z.string()),
    scopes: z.looseObject({ bot: z.array(z.string()), user: z.array(z.string()).optional() }),
  }),
  settings: z.looseObject({
    event_subscriptions: z.looseObject({ request_url: z.string(), bot_events: z.array(z.string()) }),
    interactivity: z.looseObject({ is_enabled: z.boolean(), request_url: z.string() }),
    socket_mode_enabled: z.boolean(),
  }),
});
const manifest = ManifestSchema.parse(parse(readFileSync(join(import.meta.dirname, '../../deploy/slack/manifest.yaml'), 'utf8')));
const BASE = 'https://assess.example.org';

describe('deploy/slack/manifest.yaml', () => {
  it('asks for exactly the bot scopes the OAuth install requests', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(BOT_SCOPES);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
    expect(manifest.oauth_config.redirect_urls).toEqual([`${BASE}${REDIRECT_PATH}`]);
  });

  it('sends commands, interactions and events to the one endpoint', () => {
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: '/assess', url: `${BASE}${EVENTS_PATH}` })]);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: `${BASE}${EVENTS_PATH}` });
    expect(manifest.settings.event_subscriptions.request_url).toBe(`${BASE}${EVENTS_PATH}`);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened', 'app_uninstalled', 'tokens_revoked']);
  });

  it('has the Home tab on and Socket Mode off by default', () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(175);
  });
});
