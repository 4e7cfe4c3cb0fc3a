// Both stores give identical AnswerStats for the same answers: the Redis store's Lua keeps totals and a preview order,
// the embedded store adds summaries up, and both must agree with adding up the answers themselves, in every read
// (full and lean snapshots, the voter's factor view). Random answer histories, saves over saves, and erasures.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { MemoryStore, RedisStore } from '../../src/store/index.js';
import { dropPrefix, redisStore } from '../helpers/world.js';
import { makeRound } from './store.contract.js';

const FACTORS = ['f1', 'f2', 'f|x{y}'];
const MEMBERS = ['U-a', 'U-b', 'U-c', 'U|odd:{x}', 'U-a2'];
// Few distinct times, so ties (broken by member id) are common; two name the same instant in different offsets.
const TIMES = ['2026-03-03T10:00:00+01:00', '2026-03-03T09:00:00Z', '2026-03-04T08:00:00+01:00', '2026-03-02T23:59:59.999Z'];

type Op = { kind: 'save'; answer: Answer } | { kind: 'erase'; member: string };

const link = fc.constantFrom('https://a.example/1', 'https://b.example/2', 'https://c.example/3', 'https://d.example/|4', 'https://e.example/"5"');
const answerArb: fc.Arbitrary<Answer> = fc.record({
  factorId: fc.constantFrom(...FACTORS),
  memberId: fc.constantFrom(...MEMBERS),
  texts: fc.oneof(fc.constant({}), fc.constant({ q1: 'svar' }), fc.constant({ q1: 'a', q2: 'b' })),
  evidence: fc.array(link, { maxLength: 6 }),
  at: fc.constantFrom(...TIMES),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 9, arbitrary: answerArb.map((answer): Op => ({ kind: 'save', answer })) },
  { weight: 1, arbitrary: fc.constantFrom(...MEMBERS).map((member): Op => ({ kind: 'erase', member })) },
);

describe('AnswerStats are the same in both stores', () => {
  let redis: RedisStore;
  beforeAll(async () => {
    redis = await redisStore();
  });
  afterAll(async () => {
    await dropPrefix(redis);
    await redis.close();
  });

  let run = 0;
  async function apply(store: Store, roundId: string, ops: Op[]): Promise<void> {
    await store.createRound(makeRound({ id: roundId, factorIds: FACTORS }));
    for (const op of ops) {
      if (op.kind === 'save') await store.saveAnswer('T0001', roundId, op.answer);
      else await store.eraseMember('T0001', roundId, op.member, `erased-${op.member}`);
    }
  }

  it('for random answer histories, in snapshots with and without the answers and in the voter’s view', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), fc.constantFrom(...MEMBERS), fc.constantFrom(...FACTORS), async (ops, voter, factorId) => {
        const roundId = `parity-${++run}`;
        const memory = new MemoryStore();
        await apply(memory, roundId, ops);
        await apply(redis, roundId, ops);
        const read = async (store: Store) => ({
          full: (await store.getSnapshot('T0001', roundId))!.answerStats,
          lean: (await store.getSnapshot('T0001', roundId, { answers: false }))!.answerStats,
        });
        const m = await read(memory);
        const r = await read(redis);
        expect(m.full).toEqual(m.lean);
        expect(r.full).toEqual(m.full);
        expect(r.lean).toEqual(m.full);
        const vote = { tenant: 'T0001', roundId, factorId, memberId: voter, level: 'partly' as const, interactionId: 'i', at: TIMES[0]!, withFactorView: true };
        const mv = (await memory.recordVote(vote)).factorView;
        const rv = (await redis.recordVote(vote)).factorView;
        expect(rv).toEqual(mv);
        expect(mv?.stats).toEqual(m.full?.[factorId]);
        expect(mv?.answer).toEqual(await memory.getMemberAnswer('T0001', roundId, factorId, voter));
        await redis.deleteRound('T0001', roundId);
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
