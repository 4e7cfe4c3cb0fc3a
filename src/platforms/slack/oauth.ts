// Multi-workspace installs: "Add to Slack" at /slack/install, the OAuth callback at /slack/oauth_redirect, tokens kept in the Store.
import { InstallProvider } from '@slack/oauth';
import type { Logger as BoltLogger, webApi } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import type { StoreInstallationStore } from './installation-store.js';

/** Least privilege: exactly what deploy/slack/manifest.yaml asks for. */
export const BOT_SCOPES = ['commands', 'chat:write', 'im:write', 'users:read', 'channels:read', 'groups:read', 'files:write'];

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

export function createInstaller(opts: {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  baseUrl: string;
  installationStore: StoreInstallationStore;
  clientOptions: webApi.WebClientOptions;
  logger: BoltLogger;
}): InstallProvider {
  return new InstallProvider({
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    stateSecret: opts.stateSecret,
    installationStore: opts.installationStore,
    clientOptions: opts.clientOptions,
    logger: opts.logger,
    installUrlOptions: { scopes: BOT_SCOPES, redirectUri: `${opts.baseUrl.replace(/\/+$/, '')}${REDIRECT_PATH}` },
  });
}

export function mountInstallRoutes(http: FastifyInstance, installer: InstallProvider): void {
  // The install provider writes to the raw response itself (cookies, redirects, its result pages).
  http.get(INSTALL_PATH, async (req, reply) => {
    reply.hijack();
    await installer.handleInstallPath(req.raw, reply.raw);
  });
  http.get(REDIRECT_PATH, async (req, reply) => {
    reply.hijack();
    await installer.handleCallback(req.raw, reply.raw);
  });
}
