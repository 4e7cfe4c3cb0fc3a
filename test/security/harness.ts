// The security suite's app: the real server listening on 127.0.0.1 over real Redis (a fresh prefix), Slack calls to the
// local fake Slack API (SLACK_API_URL), Teams connector calls to nock; helpers to sign requests and to prove nothing was stored.
import { Cluster } from 'ioredis';
import nock from 'nock';
import { build, type App } from '../../src/app/build.js';
import type { Logger } from '../../src/infra/logger.js';
import { loadConfig } from '../../src/config.js';
import { LEVELS } from '../../src/core/model.js';
import { createSlackRegistrar, SlackAdapter } from '../../src/platforms/slack/index.js';
import { registerTeams, type TeamsPlatform } from '../../src/platforms/teams/index.js';
import type { RedisStore } from '../../src/store/index.js';
import { FakeSlackApi } from '../../bench/fake-slack.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET, commandBody, interactionBody, postSigned, votePayload, type SignOptions } from '../helpers/slack-sign.js';
import { valueDigest } from '../helpers/redis-prefix.js';
import { dropPrefix, redisStore, settings } from '../helpers/world.js';

export const SECRET = BENCH_SIGNING_SECRET;
export const TEAM_A = 'T0MALMO';
export const TEAM_B = 'T0LUND';
export const CHANNEL = 'C0MANGFALD';
export const CORA = 'U0CORA';
export const ANNA = 'U0ANNA';
export const BO = 'U0BO';
/** Monday 12 January 2026, 08:30 in Stockholm. */
export const START_TIME = '2026-01-12T07:30:00Z';

export interface SecApp {
  app: App;
  slack: SlackAdapter;
  teams: TeamsPlatform | undefined;
  store: RedisStore;
  clock: FakeClock;
  fake: FakeSlackApi;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Stops the app; its keys are removed unless `keep` (a restart test starts another app on them). */
  close(opts?: { keep?: boolean }): Promise<void>;
}

export interface SecAppOptions {
  env?: Record<string, string>;
  teams?: boolean;
  /** Reuse the keys of an earlier app (a restart); default a fresh prefix. */
  prefix?: string;
  logger?: Logger;
  /** Another Redis (a cluster, a Sentinel group) than the run's own. */
  redisUrl?: string;
}

export async function startSecApp(opts: SecAppOptions = {}): Promise<SecApp> {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const fake = await FakeSlackApi.start();
  const store = await redisStore(opts.prefix, opts.redisUrl);
  const clock = new FakeClock(Date.parse(START_TIME));
  const config = loadConfig({
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
    SLACK_API_URL: fake.url,
    PUBLIC_URL: 'https://assess.malmo.example',
    ANONYMITY_SECRET: 'security-test-secret',
    DEFAULT_LOCALE: 'sv',
    LOG_LEVEL: 'silent',
    PLAYGROUND: 'off',
    // Teams tests without an app id post activities as the Emulator does, which only TEAMS_AUTH=off allows.
    ...(opts.teams !== false && !opts.env?.MICROSOFT_APP_ID ? { TEAMS_AUTH: 'off' } : {}),
    ...opts.env,
  });
  const slackRegistrar = createSlackRegistrar({ postIntervalMs: 0, retryConfig: { retries: 0 }, chart: false, now: () => clock.now() });
  const app = await build(config, {
    adapters: opts.teams === false ? [slackRegistrar] : [slackRegistrar, registerTeams],
    store,
    clock,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const slack = app.adapters.find((a): a is SlackAdapter => a instanceof SlackAdapter);
  if (!slack) throw new Error('the Slack adapter did not start');
  const teams = app.adapters.find((a) => a.name === 'teams') as TeamsPlatform | undefined;
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app,
    slack,
    teams,
    store,
    clock,
    fake,
    base,
    async close(closeOpts = {}) {
      await app.close().catch(() => undefined);
      if (!closeOpts.keep) {
        const cleaner = await redisStore(store.keys.prefix, opts.redisUrl);
        await dropPrefix(cleaner);
        await cleaner.close();
      }
      await fake.close();
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

/** Every key under the app's prefix with a digest of its value: "nothing stored" means this does not change. */
export async function prefixContents(store: RedisStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  // A SCAN sees one server's keys: on a cluster, every master is scanned.
  const client = store.client;
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${store.keys.prefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        out[key] = await valueDigest(client, key);
      }
    } while (cursor !== '0');
  }
  return out;
}

export async function startRound(s: SecApp, tenant = TEAM_A, participants = [CORA, ANNA, BO]) {
  s.fake.addUser(CORA, 'Cora Lind').addUser(ANNA, 'Anna Berg').addUser(BO, 'Bo Ek');
  return s.app.service.startRound({
    tenant,
    platform: 'slack',
    settings: settings({ channelId: CHANNEL, participants, startDate: '2026-01-12', closeDate: '2026-02-23' }),
    actor: { id: CORA, name: 'Cora Lind' },
  });
}

/** Signed for the app's clock (its five-minute window), unless told otherwise. */
export function signedFor(s: SecApp, opts: SignOptions = {}): SignOptions {
  return { timestamp: Math.floor(s.clock.now() / 1000), ...opts };
}

export async function sendVote(s: SecApp, v: { user: string; roundId: string; factorId: string; level: string; team?: string; actionTs?: string; channel?: string }, opts: SignOptions = {}) {
  const body = interactionBody(
    votePayload({ team: v.team ?? TEAM_A, user: v.user, channel: v.channel ?? CHANNEL, roundId: v.roundId, factorId: v.factorId, level: v.level, actionTs: v.actionTs ?? `${Math.floor(s.clock.now() / 1000)}.${Math.floor(Math.random() * 1e6)}`, responseUrl: s.fake.responseUrl() }),
  );
  return postSigned(`${s.base}/slack/events`, body, SECRET, signedFor(s, opts));
}

export async function sendCommand(s: SecApp, fields: Record<string, string>, opts: SignOptions = {}) {
  const body = commandBody({
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    team_id: TEAM_A,
    team_domain: 'malmo-stad',
    channel_id: CHANNEL,
    channel_name: 'mangfald-utvardering',
    user_id: CORA,
    user_name: 'cora.lind',
    command: '/assess',
    text: 'help',
    api_app_id: 'A0ASSESS01',
    is_enterprise_install: 'false',
    response_url: s.fake.responseUrl('commands/1'),
    trigger_id: '7329164573376.7213859381.5c3b1d0f0b7b4a7ee38d5a1e0c5e0b5f',
    ...fields,
  });
  return postSigned(`${s.base}/slack/events`, body, SECRET, signedFor(s, opts));
}

export async function sendRawInteraction(s: SecApp, payload: unknown, opts: SignOptions = {}) {
  return postSigned(`${s.base}/slack/events`, interactionBody(payload), SECRET, signedFor(s, opts));
}

/** Tallies equal the votes read back, factor by factor: a round that is not corrupted. */
export async function talliesMatchVotes(store: RedisStore, tenant: string, roundId: string): Promise<boolean> {
  const snap = await store.getSnapshot(tenant, roundId);
  if (!snap) return false;
  return snap.round.factorIds.every((f) => {
    const votes = Object.values(snap.votes[f] ?? {});
    return LEVELS.every((l) => (snap.counts[f]?.[l] ?? 0) === votes.filter((v) => v === l).length);
  });
}

/** Ephemeral notes the fake Slack delivered to one person, in order. */
export function notesTo(s: SecApp, user: string): string[] {
  return s.fake.delivered('chat.postEphemeral').filter((c) => c.body.user === user).map((c) => String(c.body.text));
}

/** What the bot answered through response_url, in order. */
export function responses(s: SecApp): string[] {
  return s.fake.responses.map((r) => String(r.body.text));
}
