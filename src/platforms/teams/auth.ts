// Bot Framework authentication for the CloudAdapter, with the connector's built-in retry removed so our own policy decides.
import { ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { Activity } from 'botbuilder';
import { AuthenticationConstants, AuthenticationError, type AuthenticateRequestResult, type ClaimsIdentity, type ConnectorClient, type ConnectorFactory, type UserTokenClient } from 'botframework-connector';
import { ConfigError, teamsAuthOff, type Config } from '../../config.js';

/** The Bot Framework credentials and TEAMS_AUTH, as config.ts read them. */
export type TeamsAuthConfig = Pick<Config, 'MICROSOFT_APP_ID' | 'MICROSOFT_APP_PASSWORD' | 'MICROSOFT_APP_TYPE' | 'MICROSOFT_APP_TENANT_ID' | 'TEAMS_AUTH'>;

/**
 * The settings botbuilder reads. botbuilder switches auth off for an empty MicrosoftAppId, so an empty one is passed
 * only when the operator said TEAMS_AUTH=off; a missing app id otherwise refuses to start.
 */
export function botAuthOptions(config: TeamsAuthConfig): ConfigurationBotFrameworkAuthenticationOptions {
  if (!config.MICROSOFT_APP_ID && !teamsAuthOff(config)) {
    throw new ConfigError(['MICROSOFT_APP_ID'], 'Invalid configuration:\n  MICROSOFT_APP_ID is missing: Teams needs it, or TEAMS_AUTH=off for the Bot Framework Emulator');
  }
  return {
    MicrosoftAppId: config.MICROSOFT_APP_ID ?? '',
    MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD ?? '',
    MicrosoftAppType: config.MICROSOFT_APP_TYPE,
    MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID ?? '',
  };
}

interface PipelineHolder {
  client?: { pipeline?: { removePolicy(options: { phase?: string; name?: string }): unknown } };
}

/**
 * The connector's HTTP pipeline retries 5xx and throttled calls on its own, with fixed timings and without 412.
 * We drop that layer so every outbound call goes through one policy (outbound.ts): 429/412/502/504 with jitter.
 */
export class TeamsBotAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors: ConnectorCache = new Map();

  /** Proactive turns (continueConversation, createConversation) get their connector here… */
  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return withoutPipelineRetry(super.createConnectorFactory(claimsIdentity), botIdOf(claimsIdentity), this.connectors);
  }

  /**
   * CloudAdapter makes a user-token client (an OAuth API client with an HTTP pipeline of its own) for every inbound
   * turn. It depends on the bot's app id only and this bot never signs anyone in, so one per app id is kept.
   */
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();
  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const key = botIdOf(claimsIdentity);
    let client = this.userTokenClients.get(key);
    if (client === undefined) {
      client = super.createUserTokenClient(claimsIdentity);
      client.catch(() => this.userTokenClients.delete(key));
      if (this.userTokenClients.size >= CONNECTOR_CACHE_SIZE) this.userTokenClients.delete(this.userTokenClients.keys().next().value!);
      this.userTokenClients.set(key, client);
    }
    return client;
  }

  /** …and inbound turns get theirs with the authentication result. */
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    let result: AuthenticateRequestResult;
    try {
      result = await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      throw asAuthenticationError(err);
    }
    return result.connectorFactory ? { ...result, connectorFactory: withoutPipelineRetry(result.connectorFactory, botIdOf(result.claimsIdentity), this.connectors) } : result;
  }
}

/**
 * jsonwebtoken's own errors (bad signature, not yet valid, disallowed algorithm) leave botframework-connector untranslated,
 * and CloudAdapter answers anything that is not an AuthenticationError with 500: a forged token must get 401.
 */
function asAuthenticationError(err: unknown): unknown {
  const jwtErrors = ['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError'];
  if (err instanceof Error && jwtErrors.includes(err.name)) return new AuthenticationError(`Unauthorized: ${err.message}`, 401);
  return err;
}

/** The bot a turn's clients act as, as botframework-connector picks it: the token's audience, else its appid claim. */
function botIdOf(identity: ClaimsIdentity): string {
  return identity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? identity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/**
 * Connector clients by the bot they act as, the service URL and the audience. CloudAdapter asks for one on every
 * inbound turn, and building its HTTP pipeline cost more than the rest of a vote's invoke; a client holds no per-turn
 * state (its token provider fetches and caches the bot's own token), so one per key is shared. Service URLs are the
 * allowlisted Bot Framework hosts (service-url.ts), so the map stays small; it is bounded all the same.
 */
const CONNECTOR_CACHE_SIZE = 64;
type ConnectorCache = Map<string, Promise<ConnectorClient>>;

function withoutPipelineRetry(inner: ConnectorFactory, botId: string, connectors: ConnectorCache): ConnectorFactory {
  return {
    create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
      const key = `${botId}|${serviceUrl}|${audience ?? ''}`;
      let client = connectors.get(key);
      if (client === undefined) {
        client = inner.create(serviceUrl, audience).then((made) => {
          (made as unknown as PipelineHolder).client?.pipeline?.removePolicy({ phase: 'Retry' });
          return made;
        });
        // A failed creation is not kept: the next turn tries again.
        client.catch(() => connectors.delete(key));
        if (connectors.size >= CONNECTOR_CACHE_SIZE) connectors.delete(connectors.keys().next().value!);
        connectors.set(key, client);
      }
      return client;
    },
  };
}

export function createBotAuthentication(config: TeamsAuthConfig): TeamsBotAuthentication {
  return new TeamsBotAuthentication(botAuthOptions(config));
}
