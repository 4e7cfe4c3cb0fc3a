// The Teams adapter's Bot Framework clients are made once per bot, service URL and audience, not on every turn
// (src/platforms/teams/auth.ts): CloudAdapter asks for a connector and a user-token client on each inbound activity.
import { ClaimsIdentity } from 'botframework-connector';
import { describe, expect, it } from 'vitest';
import { createBotAuthentication } from '../../src/platforms/teams/auth.js';

const config = { MICROSOFT_APP_ID: '5e1c0b7a-unit-4000-8000-00000000b07a', MICROSOFT_APP_PASSWORD: 'not-a-real-secret', MICROSOFT_APP_TYPE: 'MultiTenant' as const, MICROSOFT_APP_TENANT_ID: undefined, TEAMS_AUTH: undefined };
const identity = (aud: string) => new ClaimsIdentity([{ type: 'aud', value: aud }], true);
const EMEA = 'https://smba.trafficmanager.net/emea/';
const AMER = 'https://smba.trafficmanager.net/amer/';

interface PipelineView {
  client?: { pipeline?: { getOrderedPolicies(): { name: string }[] } };
}

describe('Teams Bot Framework clients', () => {
  it('one connector client per service URL and audience, shared by the turns, without the built-in retry', async () => {
    const auth = createBotAuthentication(config);
    const first = await auth.createConnectorFactory(identity(config.MICROSOFT_APP_ID)).create(EMEA, 'https://api.botframework.com');
    const again = await auth.createConnectorFactory(identity(config.MICROSOFT_APP_ID)).create(EMEA, 'https://api.botframework.com');
    const elsewhere = await auth.createConnectorFactory(identity(config.MICROSOFT_APP_ID)).create(AMER, 'https://api.botframework.com');
    expect(again).toBe(first);
    expect(elsewhere).not.toBe(first);
    const policies = (first as unknown as PipelineView).client?.pipeline?.getOrderedPolicies().map((p) => p.name) ?? [];
    expect(policies.length).toBeGreaterThan(0);
    expect(policies.filter((name) => /retry/i.test(name))).toEqual([]);
  });

  it('a client is never handed to another bot, nor shared between two adapters', async () => {
    const auth = createBotAuthentication(config);
    const ours = await auth.createConnectorFactory(identity(config.MICROSOFT_APP_ID)).create(EMEA, 'https://api.botframework.com');
    // Claims naming another bot get no client of ours: the credentials are for our app id only.
    await expect(auth.createConnectorFactory(identity('00000000-other-bot-0000-000000000000')).create(EMEA, 'https://api.botframework.com')).rejects.toThrow(/appId/);
    const otherAdapter = await createBotAuthentication(config).createConnectorFactory(identity(config.MICROSOFT_APP_ID)).create(EMEA, 'https://api.botframework.com');
    expect(otherAdapter).not.toBe(ours);
  });

  it('one user-token client per bot', async () => {
    const auth = createBotAuthentication(config);
    const first = await auth.createUserTokenClient(identity(config.MICROSOFT_APP_ID));
    expect(await auth.createUserTokenClient(identity(config.MICROSOFT_APP_ID))).toBe(first);
    await expect(auth.createUserTokenClient(identity('00000000-other-bot-0000-000000000000'))).rejects.toThrow(/appId/);
    // A refused creation is not kept: our own bot still gets the one client.
    expect(await auth.createUserTokenClient(identity(config.MICROSOFT_APP_ID))).toBe(first);
  });
});
