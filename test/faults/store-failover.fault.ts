// A Redis master killed under a steady stream of signed Slack votes, on a Redis Cluster (3 masters, a replica each) and
// on a Sentinel group: every vote sent while the failover takes under 15 s is stored without the voter doing anything,
// and confirmed once stored; with no replica left to promote, a vote outlives the store deadline and its voter is told
// "try again", never the generic error.
import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config.js';
import { t } from '../../src/core/i18n.js';
import { LEVELS, type Level } from '../../src/core/model.js';
import { registerSlack, SlackAdapter } from '../../src/platforms/slack/index.js';
import { RedisStore } from '../../src/store/index.js';
import { FakeSlackApi } from '../../bench/fake-slack.js';
import { BENCH_CHANNEL, BENCH_TEAM, seedRound } from '../../bench/vote-path.js';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET, interactionBody, postSigned, votePayload } from '../helpers/slack-sign.js';
import { hasRedisServer } from '../helpers/ports.js';
import { rawCommand, startCluster, startSentinelGroup, type RedisProcess } from '../setup/redis-servers.js';

const VOTERS = 400;
/** Votes per second, sent whatever the store is doing. */
const RATE = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until a replica has loaded its master's data (a first sync starts after Redis' 5 s diskless-sync delay). */
async function inSync(replica: RedisProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await rawCommand(replica.port, 'INFO replication')).includes('master_link_status:up')) return;
    await sleep(100);
  }
  throw new Error(`replica on port ${replica.port} never synced`);
}

interface Topology {
  url: string;
  /** The servers of the round's keys: the master serving them first, then its replica (the one a failover promotes). */
  shard(app: App, roundKey: string): Promise<RedisProcess[]>;
  stop(): Promise<void>;
}

async function clusterTopology(): Promise<Topology> {
  const cluster = await startCluster({ masters: 3, replicasPerMaster: 1 });
  const byPort = new Map([...cluster.masters, ...cluster.replicas].map((p) => [p.port, p]));
  return {
    url: cluster.url,
    async shard(app, roundKey) {
      const client = (app.store as RedisStore).client as Cluster;
      const slot = Number(await client.cluster('KEYSLOT', roundKey));
      // A replica shows in CLUSTER SLOTS once it has joined its master; wait for it.
      for (let i = 0; ; i++) {
        const ranges = await client.cluster('SLOTS');
        const [, , ...servers] = ranges.find(([from, to]) => from <= slot && slot <= to)!;
        if (servers.length > 1 || i >= 100) return servers.map(([, port]) => byPort.get(Number(port))!);
        await sleep(100);
      }
    },
    stop: () => cluster.stop(),
  };
}

async function sentinelTopology(): Promise<Topology> {
  const group = await startSentinelGroup({ replicas: 1, downAfterMs: 1000 });
  return { url: group.url, shard: () => Promise.resolve([group.master, ...group.replicas]), stop: () => group.stop() };
}

for (const [name, start] of [
  ['a Redis Cluster', clusterTopology],
  ['a Sentinel group', sentinelTopology],
] as const) {
  describe.skipIf(!hasRedisServer)(`store failover on ${name}`, () => {
    let topology: Topology;
    let fake: FakeSlackApi;
    let app: App;
    let slack: SlackAdapter;
    let roundId: string;
    let participants: string[];
    let factorIds: string[];
    let port = 0;

    beforeAll(async () => {
      topology = await start();
      fake = await FakeSlackApi.start();
      const prefix = `faults-${randomBytes(4).toString('hex')}`;
      const seed = await RedisStore.open(topology.url, { prefix });
      ({ roundId, participants, factorIds } = await seedRound(seed, VOTERS, { cardRefs: true }));
      await seed.close();
      app = await build(
        loadConfig({
          REDIS_URL: topology.url,
          REDIS_PREFIX: prefix,
          SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
          SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
          SLACK_API_URL: fake.url,
          ANONYMITY_SECRET: 'bench-anonymity-secret',
          LOG_LEVEL: 'silent',
          PLAYGROUND: 'off',
        }),
        { adapters: [registerSlack] },
      );
      slack = app.adapters.find((a): a is SlackAdapter => a instanceof SlackAdapter)!;
      await app.http.listen({ port: 0, host: '127.0.0.1' });
      const address = app.http.server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    }, 120_000);

    afterAll(async () => {
      await app?.close().catch(() => undefined);
      await fake?.close();
      await topology?.stop();
    });

    interface Sent {
      user: string;
      factorId: string;
      level: Level;
      at: number;
      status: number;
    }
    const sent: Sent[] = [];
    let next = 0;
    /** The round's shard as it was before the first kill: master, then replica. */
    let shard: RedisProcess[] = [];

    /** One vote of the next voter; each voter votes once, so each voter's notes are about that vote. */
    async function vote(): Promise<void> {
      const i = next++;
      const user = participants[i]!;
      const factorId = factorIds[i % factorIds.length]!;
      const level = LEVELS[i % LEVELS.length] as Level;
      const body = interactionBody(votePayload({ team: BENCH_TEAM, user, channel: BENCH_CHANNEL, roundId, factorId, level, actionTs: `1768203012.${String(i).padStart(6, '0')}` }));
      const at = Date.now();
      const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, body, BENCH_SIGNING_SECRET);
      sent.push({ user, factorId, level, at, status: res.status });
    }

    /** Sends RATE votes a second until `until()` is true; resolves when every vote got its HTTP answer. */
    async function steady(until: () => boolean): Promise<void> {
      const inFlight: Promise<void>[] = [];
      while (!until()) {
        inFlight.push(vote());
        await sleep(1000 / RATE);
      }
      await Promise.all(inFlight);
    }

    function notesOf(user: string): string[] {
      return fake
        .delivered('chat.postEphemeral')
        .filter((c) => String(c.body.user) === user)
        .map((c) => String(c.body.text));
    }

    const tryAgain = t('sv', 'errors.STORE_UNAVAILABLE');
    const generic = t('sv', 'errors.INTERNAL');

    it('a failover under 15 s costs no vote: each is stored without the voter doing anything, then confirmed', async () => {
      const store = app.store as RedisStore;
      shard = await topology.shard(app, `${store.keys.roundBase(BENCH_TEAM, roundId)}:votes`);
      expect(shard.length).toBe(2);
      const master = shard[0]!;
      await inSync(shard[1]!);
      const begin = Date.now();
      let killedAt = 0;
      let recoveredAt = 0;
      const watch = (async () => {
        await sleep(2000);
        killedAt = Date.now();
        await master.kill();
        // Recovered: a write to the round's slot succeeds again.
        while (!recoveredAt) {
          const ok = await store.setCardRef(BENCH_TEAM, roundId, factorIds[0]!, { channelId: BENCH_CHANNEL, messageId: '1768203000.000001' }).then(
            () => true,
            () => false,
          );
          if (ok) recoveredAt = Date.now();
          else await sleep(100);
        }
      })();
      await steady(() => recoveredAt > 0 && Date.now() - recoveredAt > 2000);
      await watch;
      await slack.settled();
      const failoverMs = recoveredAt - killedAt;
      expect(failoverMs).toBeLessThan(15_000);

      const snap = (await store.getSnapshot(BENCH_TEAM, roundId))!;
      const during = sent.filter((s) => s.at >= killedAt && s.at < recoveredAt);
      // Not vacuous: votes were sent before, during and after the failover.
      expect(sent.filter((s) => s.at < killedAt).length).toBeGreaterThan(RATE);
      expect(during.length).toBeGreaterThan(0);
      expect(sent.filter((s) => s.at >= recoveredAt).length).toBeGreaterThan(RATE);
      console.info(`${name}: failover ${failoverMs} ms; ${sent.length} votes, ${during.length} sent during the failover, all stored and confirmed`);
      expect(sent.every((s) => s.status === 200)).toBe(true);
      // Every vote is stored with its level, and its voter was told exactly once: the confirmation.
      expect(sent.filter((s) => snap.votes[s.factorId]?.[s.user] !== s.level).map((s) => s.user)).toEqual([]);
      for (const s of sent) {
        const said = notesOf(s.user);
        expect(said, s.user).toHaveLength(1);
        expect(said[0]!.startsWith('Din röst på'), said[0]).toBe(true);
      }
      expect(Date.now() - begin).toBeLessThan(120_000);
    });

    it('with nothing left to promote, a vote outlives the deadline and gets "try again", never the generic error', async () => {
      // The round's promoted replica goes down too, and there is nothing left to promote.
      for (const server of shard) await server.kill();
      const from = sent.length;
      const started = Date.now();
      await steady(() => Date.now() - started > 2000);
      await slack.settled();
      const late = sent.slice(from);
      expect(late.length).toBeGreaterThan(RATE);
      for (const s of late) {
        const said = notesOf(s.user);
        expect(said, s.user).toEqual([tryAgain]);
        expect(said).not.toContain(generic);
      }
      // The voter waited for the deadline (20 s by default), not for ever.
      expect(Date.now() - started).toBeGreaterThan(20_000);
      expect(Date.now() - started).toBeLessThan(60_000);
    });
  });
}
