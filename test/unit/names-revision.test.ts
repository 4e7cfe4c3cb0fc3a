// A display name learned on someone's first vote must not cost the next voters anything: names are kept beside the
// round, so the revision every open card (and the service's vote cache) carries stays valid.
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import { MemoryStore, type RedisStore } from '../../src/store/index.js';
import { COORD, MEMBERS, dropPrefix, makeService, redisStore, settings } from '../helpers/world.js';

const opened: RedisStore[] = [];
afterAll(async () => {
  for (const s of opened) {
    await dropPrefix(s);
    await s.close();
  }
});

const backends: [string, () => Promise<Store>][] = [
  ['memory', async () => new MemoryStore()],
  [
    'redis',
    async () => {
      const s = await redisStore();
      opened.push(s);
      return s;
    },
  ],
];

describe.each(backends)('remembering names (%s store)', (_name, open) => {
  it('keeps the next vote at one store round trip, with no stale refusal and no retry', async () => {
    const w = makeService(await open());
    const round = await w.service.startRound({ tenant: 'T1', platform: 'teams', settings: settings(), actor: COORD });
    const [anna, bo] = MEMBERS as [string, string];
    const cast = (id: string, interactionId: string) =>
      w.service.castVote({ tenant: 'T1', roundId: round.id, factorId: 'f01', actor: { id }, level: 'partly', interactionId });
    await cast(anna, 'a-1'); // the service now holds the round and its revision

    await w.service.rememberNames('T1', round.id, { [anna]: 'Anna Berg' });
    const before = w.store.roundTrips();
    const outcome = await cast(bo, 'b-1');
    expect(w.store.roundTrips() - before).toBe(1);
    expect(outcome.tally.voters).toBe(2);
    expect((await w.service.getRound('T1', round.id)).names[anna]).toBe('Anna Berg');
  });

  it('does nothing for a round that does not exist', async () => {
    const w = makeService(await open());
    await w.service.rememberNames('T1', 'no-such-round', { U1: 'Someone' });
    expect(await w.store.getRound('T1', 'no-such-round')).toBeNull();
  });
});
