// One round end to end through the real server on a Redis Cluster and on a Sentinel group: signed Slack votes and commands
// in, the tallies exact, the close and the summary posted once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEVELS } from '../../src/core/model.js';
import { ANNA, BO, CHANNEL, CORA, TEAM_A, prefixContents, sendCommand, sendVote, startRound, startSecApp, talliesMatchVotes, type SecApp } from '../security/harness.js';
import { requiredEnv } from '../helpers/world.js';

for (const [name, variable] of [
  ['a Redis Cluster', 'REDIS_CLUSTER_URL'],
  ['a Sentinel group', 'REDIS_SENTINEL_URL'],
] as const) {
  describe(`a round on ${name}`, () => {
    let s: SecApp;
    beforeAll(async () => {
      s = await startSecApp({ redisUrl: requiredEnv(variable), teams: false });
    });
    afterAll(async () => {
      await s.close();
    });

    it('counts every signed vote once, closes and posts the summary once', async () => {
      const round = await startRound(s);
      await s.slack.settled();
      await s.app.scheduler.drain();
      const votes: [string, string, string][] = [];
      for (const [i, factorId] of round.factorIds.entries()) {
        for (const [j, user] of [CORA, ANNA, BO].entries()) votes.push([user, factorId, LEVELS[(i + j) % 3]!]);
      }
      for (const [user, factorId, level] of votes) {
        const res = await sendVote(s, { user, roundId: round.id, factorId, level });
        expect(res.status).toBe(200);
      }
      // A repeated delivery of one click (same action_ts) counts once.
      const again = { user: ANNA, roundId: round.id, factorId: round.factorIds[0]!, level: 'dont-know', actionTs: '1768203000.000001' };
      await sendVote(s, again);
      await sendVote(s, again);
      await s.slack.settled();
      const snap = await s.store.getSnapshot(TEAM_A, round.id);
      expect(Object.keys(snap!.votes[round.factorIds[0]!]!).sort()).toEqual([ANNA, BO, CORA].sort());
      expect(snap!.votes[round.factorIds[0]!]![ANNA]).toBe('dont-know');
      expect(snap!.votes[round.factorIds[1]!]![BO]).toBe(LEVELS[(1 + 2) % 3]);
      expect(await talliesMatchVotes(s.store, TEAM_A, round.id)).toBe(true);

      const closed = await sendCommand(s, { text: 'close confirm', user_id: CORA, channel_id: CHANNEL });
      expect(closed.status).toBe(200);
      await s.slack.settled();
      await s.app.scheduler.drain();
      await s.slack.settled();
      expect((await s.store.getRound(TEAM_A, round.id))!.status).toBe('closed');
      const summaries = s.fake.delivered('chat.postMessage').filter((c) => c.body.channel === CHANNEL && JSON.stringify(c.body).includes('/reports/'));
      expect(summaries).toHaveLength(1);
      // Everything the round wrote is under this run's prefix, on whichever nodes hold it.
      expect(Object.keys(await prefixContents(s.store)).length).toBeGreaterThan(5);
    });
  });
}
