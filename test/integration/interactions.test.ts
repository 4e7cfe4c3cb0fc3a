// core/interactions from the outside: a vote from Slack, Teams and the playground is one Redis round trip (counted by the
// server with MONITOR), the voter's own vote reaches the renderer, and every platform counts it in the same words.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { App } from '../../src/app/build.js';
import type { Store } from '../../src/core/ports.js';
import { t } from '../../src/core/i18n.js';
import { teamsAdapter } from '../../src/platforms/teams/index.js';
import { PLAYGROUND_CHANNEL, PLAYGROUND_TENANT } from '../../src/platforms/playground/people.js';
import { cardAction, CHANNEL as TEAMS_CHANNEL, PEOPLE, TENANT } from '../fixtures/teams/activities.js';
import { fakeConnector, startApp, textsOf, type Harness } from '../fixtures/teams/harness.js';
import { PlaygroundApi } from '../helpers/playground-api.js';
import { commandsDuring } from '../helpers/redis-monitor.js';
import { CHANNEL as SLACK_CHANNEL, TEAM, sendInteraction, startSlackApp, switchableStore, votePayload, type SlackTestApp } from '../helpers/slack.js';
import { dropPrefix, settings } from '../helpers/world.js';

/** The vote series of /metrics for one platform: kind and outcome only in the shared vocabulary. */
async function voteSeries(app: App, platform: string): Promise<string[]> {
  const text = await app.metrics.registry.getSingleMetricAsString('assess_interactions_total');
  return text.split('\n').filter((l) => l.includes(`platform="${platform}"`));
}

describe('a vote is one Redis round trip on every platform, counted in one vocabulary', () => {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('Teams: the invoke costs one EVALSHA, and the answered card shows the voter their own vote', async () => {
    // Shared-card refreshes wait a minute here, so only the vote itself falls inside the counted window.
    const h: Harness = await startApp({ adapter: teamsAdapter({ cardUpdateIntervalMs: 60_000 }) });
    try {
      fakeConnector();
      const round = await h.app.service.startRound({
        tenant: TENANT,
        platform: 'teams',
        settings: settings({ channelId: TEAMS_CHANNEL, participants: [PEOPLE.cora.id, PEOPLE.anna.id, PEOPLE.bo.id], managers: [] }),
        actor: PEOPLE.cora,
      });
      // The first press by a person saves their conversation reference and loads the vote script; the first vote on a
      // card refreshes its channel copy at once, the next one only after the interval: all done before counting.
      expect((await h.post(cardAction(PEOPLE.anna, 'vote', { r: round.id, f: 'f02', l: 'partly' }))).status).toBe(200);
      expect((await h.post(cardAction(PEOPLE.cora, 'vote', { r: round.id, f: 'f01', l: 'partly' }))).status).toBe(200);
      await h.teams.flush();
      let body: { statusCode: number; value: unknown } | undefined;
      const commands = await commandsDuring(h.store.client as Redis, async () => {
        body = (await h.post(cardAction(PEOPLE.anna, 'vote', { r: round.id, f: 'f01', l: 'in-place' }))).body as typeof body;
      });
      expect(commands).toEqual(['evalsha']);
      expect(body!.statusCode).toBe(200);
      const text = textsOf(body!.value);
      expect(text).toContain(t('sv', 'card.yourVote', { level: t('sv', 'levels.in-place') }));
      expect(await h.store.getMemberVote(TENANT, round.id, 'f01', PEOPLE.anna.id)).toBe('in-place');
      expect(await voteSeries(h.app, 'teams')).toEqual(['assess_interactions_total{platform="teams",kind="vote",outcome="ok"} 3']);
      expect(await h.app.metrics.registry.getSingleMetricAsString('assess_votes_total')).toContain('assess_votes_total{platform="teams"} 3');
    } finally {
      await dropPrefix(h.store);
      await h.app.close();
    }
  });

  it('the playground: one EVALSHA, no round read before it, and the vote counted like the others', async () => {
    const p = await PlaygroundApi.open();
    try {
      const round = await p.app.service.startRound({
        tenant: PLAYGROUND_TENANT,
        platform: 'playground',
        settings: settings({ channelId: PLAYGROUND_CHANNEL.id, participants: ['u-cora', 'u-anna', 'u-bo'], managers: [] }),
        actor: { id: 'u-cora', name: 'Cora' },
      });
      expect((await p.vote('u-anna', round.id, 'f02', 'partly')).ok).toBe(true);
      let result: Awaited<ReturnType<PlaygroundApi['vote']>> | undefined;
      const commands = await commandsDuring(p.store.client as Redis, async () => {
        result = await p.vote('u-anna', round.id, 'f01', 'in-place');
      });
      expect(commands).toEqual(['evalsha']);
      expect(result).toMatchObject({ status: 200, ok: true });
      expect(result!.message).toContain(t('sv', 'levels.in-place'));
      expect(await voteSeries(p.app, 'playground')).toEqual(['assess_interactions_total{platform="playground",kind="vote",outcome="ok"} 2']);
      expect(await p.app.metrics.registry.getSingleMetricAsString('assess_votes_total')).toContain('assess_votes_total{platform="playground"} 2');
    } finally {
      await p.close();
    }
  });

  it('Slack: one EVALSHA as before, and the request counted once (no second block_actions series)', async () => {
    const s: SlackTestApp = await startSlackApp();
    try {
      const round = await s.app.service.startRound({
        tenant: TEAM,
        platform: 'slack',
        settings: settings({ channelId: SLACK_CHANNEL, participants: ['U0CORA', 'U0ANNA'], managers: [] }),
        actor: { id: 'U0CORA', name: 'Cora' },
      });
      // A first vote on the card loads the script and runs the card's first refresh; the next refresh waits on the
      // test's manual timers, so only the vote itself falls inside the counted window.
      await sendInteraction(s, votePayload({ user: 'U0CORA', roundId: round.id, factorId: 'f01', level: 'partly' }));
      await s.adapter.settled();
      const commands = await commandsDuring(s.store.client as Redis, async () => {
        await sendInteraction(s, votePayload({ user: 'U0ANNA', roundId: round.id, factorId: 'f01', level: 'in-place' }));
        await s.adapter.settled();
      });
      expect(commands).toEqual(['evalsha']);
      expect(await voteSeries(s.app, 'slack')).toEqual(['assess_interactions_total{platform="slack",kind="vote",outcome="ok"} 2']);
    } finally {
      await s.close();
    }
  });
});

describe('a vote through a store failover', () => {
  it('Slack: a vote sent while the store is down is kept trying, stored once it is back, and only then confirmed', async () => {
    let outage!: (on: boolean) => void;
    const s: SlackTestApp = await startSlackApp({
      env: { STORE_RETRY_SECONDS: '10' },
      wrapStore: (redis) => {
        const sw = switchableStore(redis);
        outage = sw.down;
        return sw.store as Store;
      },
    });
    try {
      const round = await s.app.service.startRound({
        tenant: TEAM,
        platform: 'slack',
        settings: settings({ channelId: SLACK_CHANNEL, participants: ['U0CORA', 'U0ANNA'], managers: [] }),
        actor: { id: 'U0CORA', name: 'Cora' },
      });
      outage(true);
      const res = await sendInteraction(s, votePayload({ user: 'U0ANNA', roundId: round.id, factorId: 'f01', level: 'partly' }));
      expect(res.statusCode).toBe(200);
      // Acked, not yet stored, and nobody told anything yet: neither a confirmation nor an error.
      await new Promise((r) => setTimeout(r, 300));
      expect(s.slack.callsTo('chat.postEphemeral')).toHaveLength(0);
      outage(false);
      await s.adapter.settled();
      expect((await s.app.store.getCounts(TEAM, round.id, 'f01')).partly).toBe(1);
      const notes = s.slack.callsTo('chat.postEphemeral').map((c) => String(c.body.text));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain(t('sv', 'levels.partly'));
      expect(notes[0]).not.toBe(t('sv', 'errors.STORE_UNAVAILABLE'));
      expect(notes[0]).not.toBe(t('sv', 'errors.INTERNAL'));
    } finally {
      outage(false);
      await s.close();
    }
  });
});
