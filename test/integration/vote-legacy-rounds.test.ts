// Rounds written before round revisions existed (no `rev` key), e.g. by a replica of the previous release during a
// rolling update, which writes the round JSON and status but never a revision. A vote must not act on a remembered
// copy of such a round: the store cannot tell that the round has changed since.
import { afterEach, describe, expect, it } from 'vitest';
import type { Round } from '../../src/core/model.js';
import type { RedisStore } from '../../src/store/index.js';
import { COORD, dropPrefix, errorCode, makeService, redisStore, settings } from '../helpers/world.js';

const stores: RedisStore[] = [];

afterEach(async () => {
  for (const s of stores.splice(0)) {
    await dropPrefix(s);
    await s.close();
  }
});

/** What the previous release's updateRound wrote: the round and its status, and no revision. */
async function legacyUpdate(store: RedisStore, round: Round, mutate: (r: Round) => Round): Promise<void> {
  const k = store.keys.round(round.tenant, round.id);
  const current = JSON.parse((await store.client.get(k.round))!) as Round;
  const next = mutate(current);
  await store.client.multi().set(k.round, JSON.stringify(next)).set(k.status, next.status).exec();
}

describe('votes on rounds without a revision', () => {
  it('a participant removed by a writer that keeps no revision cannot vote with a remembered copy of the round', async () => {
    const store = await redisStore();
    stores.push(store);
    const { service } = makeService(store);
    const round = await service.startRound({ tenant: 'T1', platform: 'slack', settings: settings(), actor: COORD });
    // A round from before revisions: no rev key.
    await store.client.del(store.keys.round('T1', round.id).rev);

    const vote = (actor: string) =>
      service.castVote({ tenant: 'T1', roundId: round.id, factorId: 'f01', actor: { id: actor }, level: 'partly', interactionId: `${actor}-${Math.random()}` });
    expect((await vote('U_ANNA')).applied).toBe(true);

    await legacyUpdate(store, round, (r) => ({ ...r, participants: r.participants.filter((p) => p !== 'U_BO') }));
    expect(await errorCode(vote('U_BO'))).toBe('NOT_PARTICIPANT');
    expect(await store.getCounts('T1', round.id, 'f01')).toMatchObject({ partly: 1 });
  });
});
