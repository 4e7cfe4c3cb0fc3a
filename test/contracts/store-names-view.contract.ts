// Store contract, continued: display names kept beside the round (never changing its revision) and the voter's
// factor view read with a vote. Both backends run it (store-memory.test.ts, store-redis.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { emptyCounts, type Answer, type Round } from '../../src/core/model.js';
import type { Store, VoteInput } from '../../src/core/ports.js';
import { withoutPerson } from '../../src/core/privacy.js';
import { makeRound, type ContractOptions } from './store.contract.js';

const T = 'T0001';
const R = 'round-1';

let seq = 0;
function vote(over: Partial<VoteInput> & Pick<VoteInput, 'memberId'>): VoteInput {
  return { tenant: T, roundId: R, factorId: 'f1', level: 'partly', interactionId: `nv-${++seq}-${Math.random()}`, at: '2026-03-03T10:00:00+01:00', ...over };
}

function answer(factorId: string, memberId: string, at: string, evidence: string[], text = 'svar'): Answer {
  return { factorId, memberId, texts: text ? { q1: text } : {}, evidence, at };
}

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => null, (e: unknown) => e);
  return err instanceof AppError ? err.code : String(err);
}

/** Every way of reading the round, each of which must show the same names. */
async function namesEverywhere(store: Store): Promise<Record<string, string>[]> {
  const snapFull = await store.getSnapshot(T, R);
  const snapLean = await store.getSnapshot(T, R, { answers: false, votes: false });
  return [
    (await store.getRound(T, R))!.names,
    (await store.getRoundVersioned(T, R))!.round.names,
    snapFull!.round.names,
    snapLean!.round.names,
    (await store.listRounds(T)).find((r) => r.id === R)!.names,
  ];
}

export function namesAndViewContract(name: string, make: () => Promise<Store>, cleanup: (s: Store) => Promise<void>, opts: ContractOptions = {}): void {
  describe(`Store contract, names and the voter's view: ${name}`, () => {
    let store: Store;
    const extra: Store[] = [];

    beforeEach(async () => {
      store = await make();
      await store.createRound(makeRound());
    });

    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await cleanup(store);
    });

    describe('names', () => {
      it('remembers names beside the round: every read shows them over the round’s own, and the revision stays', async () => {
        const before = await store.getRoundVersioned(T, R);
        const trips = store.roundTrips();
        await store.rememberNames(T, R, { 'U-a': 'Anna Berg', 'U-b': 'Bo', 'U|odd:{x}': 'Odd' });
        expect(store.roundTrips() - trips).toBe(1);
        const expected = { 'U-a': 'Anna Berg', 'U-b': 'Bo', 'U|odd:{x}': 'Odd' };
        expect(await namesEverywhere(store)).toEqual(Array(5).fill(expected));
        expect((await store.getRoundVersioned(T, R))!.rev).toBe(before!.rev);
        // Nothing else about the round changed.
        expect({ ...(await store.getRound(T, R)), names: {} }).toEqual({ ...makeRound(), names: {} });
      });

      it('reads the round with its names and revision in one round trip, and a snapshot in one', async () => {
        await store.rememberNames(T, R, { 'U-b': 'Bo' });
        let trips = store.roundTrips();
        expect((await store.getRoundVersioned(T, R))!.round.names).toEqual({ 'U-a': 'Anna', 'U-b': 'Bo' });
        expect(store.roundTrips() - trips).toBe(1);
        trips = store.roundTrips();
        expect((await store.getSnapshot(T, R, { answers: false }))!.round.names).toEqual({ 'U-a': 'Anna', 'U-b': 'Bo' });
        expect(store.roundTrips() - trips).toBe(1);
      });

      it('keeps a vote made on the revision read before a name was remembered (no stale refusal)', async () => {
        const { rev } = (await store.getRoundVersioned(T, R))!;
        await store.rememberNames(T, R, { 'U-b': 'Bo' });
        const counted = await store.recordVote({ ...vote({ memberId: 'U-b' }), roundRev: rev! });
        expect(counted).toEqual({ accepted: true, applied: true, previous: null, counts: { ...emptyCounts(), partly: 1 } });
      });

      it('does nothing for an unknown round, and never creates one', async () => {
        await store.rememberNames(T, 'no-such-round', { 'U-a': 'Anna' });
        await store.rememberNames('T-unknown', R, { 'U-a': 'Anna' });
        expect(await store.getRound(T, 'no-such-round')).toBeNull();
        expect(await store.getRound('T-unknown', R)).toBeNull();
        expect(await store.listTenants()).toEqual([T]);
        // Created later, the round starts without them.
        await store.createRound(makeRound({ id: 'no-such-round', names: {} }));
        expect((await store.getRound(T, 'no-such-round'))!.names).toEqual({});
      });

      it('refuses names that are not strings with INVALID_INPUT, storing none', async () => {
        expect(await code(store.rememberNames(T, R, { 'U-b': 42 } as unknown as Record<string, string>))).toBe('INVALID_INPUT');
        expect((await store.getRound(T, R))!.names).toEqual({ 'U-a': 'Anna' });
        // Nothing to remember costs nothing.
        const trips = store.roundTrips();
        await store.rememberNames(T, R, {});
        expect(store.roundTrips()).toBe(trips);
      });

      it('gives updateRound the remembered names, keeps them through it, and lets it remove one for good', async () => {
        await store.rememberNames(T, R, { 'U-b': 'Bo Ek', 'U-c': 'Cecilia' });
        let seen: Round | undefined;
        await store.updateRound(T, R, (r) => {
          seen = r;
          return { ...r, title: 'Renamed' };
        });
        expect(seen!.names).toEqual({ 'U-a': 'Anna', 'U-b': 'Bo Ek', 'U-c': 'Cecilia' });
        expect(await namesEverywhere(store)).toEqual(Array(5).fill({ 'U-a': 'Anna', 'U-b': 'Bo Ek', 'U-c': 'Cecilia' }));

        // Erasure goes through updateRound (privacy.withoutPerson): the name must not come back from anywhere.
        await store.rememberNames(T, R, { 'U-b': 'Bo Ek' });
        await store.updateRound(T, R, (r) => withoutPerson(r, 'U-b', 'erased-1', ['Bo Ek'], '[–]'));
        for (const names of await namesEverywhere(store)) expect(names).toEqual({ 'U-a': 'Anna', 'U-c': 'Cecilia' });
        expect(JSON.stringify(await store.getSnapshot(T, R))).not.toContain('Bo Ek');
      });

      it('loses neither names nor round updates when both are written at once', async () => {
        await store.updateRound(T, R, (r) => ({ ...r, participants: [] }));
        const other = opts.peer ? await opts.peer(store) : store;
        if (other !== store) extra.push(other);
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            i % 2
              ? (i % 4 === 1 ? other : store).updateRound(T, R, (r) => ({ ...r, participants: [...r.participants, `U-${i}`] }))
              : (i % 4 === 0 ? other : store).rememberNames(T, R, { [`U-${i}`]: `Name ${i}` }),
          ),
        );
        const round = (await store.getRound(T, R))!;
        expect(round.participants.slice().sort()).toEqual(['U-1', 'U-3', 'U-5', 'U-7']);
        expect(round.names).toEqual({ 'U-a': 'Anna', 'U-0': 'Name 0', 'U-2': 'Name 2', 'U-4': 'Name 4', 'U-6': 'Name 6' });
      });

      it('erases a member’s remembered name with their votes and answers, and deleting the round deletes the names', async () => {
        await store.rememberNames(T, R, { 'U|odd:{x}': 'Odd Person', 'U-b': 'Bo' });
        await store.recordVote(vote({ memberId: 'U|odd:{x}' }));
        expect(await store.eraseMember(T, R, 'U|odd:{x}', 'erased-1')).toEqual({ votes: 1, answers: 0 });
        expect((await store.getRound(T, R))!.names).toEqual({ 'U-a': 'Anna', 'U-b': 'Bo' });

        await store.deleteRound(T, R);
        await store.createRound(makeRound({ names: {} }));
        expect(await namesEverywhere(store)).toEqual(Array(5).fill({}));
      });

      it('keeps a voter’s name given with an accepted vote, without changing the revision; a refused vote keeps none', async () => {
        const { rev } = (await store.getRoundVersioned(T, R))!;
        const trips = store.roundTrips();
        await store.recordVote({ ...vote({ memberId: 'U-b' }), name: 'Bo Ek', roundRev: rev! });
        expect(store.roundTrips() - trips).toBe(1);
        expect((await store.getRoundVersioned(T, R))).toMatchObject({ rev, round: { names: { 'U-a': 'Anna', 'U-b': 'Bo Ek' } } });
        // The next voter's card still carries a good revision.
        expect((await store.recordVote({ ...vote({ memberId: 'U-c' }), name: 'Cecilia', roundRev: rev! })).applied).toBe(true);

        // Stale: nothing stored, the name included.
        await store.updateRound(T, R, (r) => ({ ...r, title: 'changed' }));
        expect((await store.recordVote({ ...vote({ memberId: 'U-d' }), name: 'David', roundRev: rev! })).stale).toBe(true);
        // Not open: nothing stored either.
        await store.createRound(makeRound({ id: 'draft', status: 'draft', names: {} }));
        expect((await store.recordVote({ ...vote({ memberId: 'U-d', roundId: 'draft' }), name: 'David' })).accepted).toBe(false);
        expect((await store.getRound(T, R))!.names).toEqual({ 'U-a': 'Anna', 'U-b': 'Bo Ek', 'U-c': 'Cecilia' });
        expect((await store.getRound(T, 'draft'))!.names).toEqual({});
        expect(await code(store.recordVote({ ...vote({ memberId: 'U-e' }), name: 7 as unknown as string }))).toBe('INVALID_INPUT');
      });
    });

    describe("the voter's factor view", () => {
      const at = (day: number) => `2026-03-0${day}T10:00:00+01:00`;

      it('comes with the vote when asked, in the same round trip: the factor’s stats as a snapshot has them, and the voter’s answer', async () => {
        await store.saveAnswer(T, R, answer('f1', 'U-a', at(3), ['https://a.example/1', 'https://a.example/2']));
        await store.saveAnswer(T, R, answer('f1', 'U-b', at(2), ['https://b.example/1'], ''));
        await store.saveAnswer(T, R, answer('f2', 'U-a', at(4), ['https://other.example/1']));
        const trips = store.roundTrips();
        const result = await store.recordVote({ ...vote({ memberId: 'U-a', level: 'in-place' }), withFactorView: true });
        expect(store.roundTrips() - trips).toBe(1);
        const snapshot = (await store.getSnapshot(T, R, { answers: false }))!;
        expect(result).toEqual({
          accepted: true,
          applied: true,
          previous: null,
          counts: { ...emptyCounts(), 'in-place': 1 },
          factorView: {
            stats: { answers: 2, evidence: 3, links: ['https://b.example/1', 'https://a.example/1', 'https://a.example/2'] },
            answer: answer('f1', 'U-a', at(3), ['https://a.example/1', 'https://a.example/2']),
          },
        });
        expect(result.factorView!.stats).toEqual(snapshot.answerStats!.f1);
        expect(result.factorView!.answer).toEqual(await store.getMemberAnswer(T, R, 'f1', 'U-a'));
      });

      it('is left out unless asked for, and says "no answer" and zero stats for a factor nobody answered', async () => {
        expect(await store.recordVote(vote({ memberId: 'U-a' }))).not.toHaveProperty('factorView');
        expect((await store.recordVote({ ...vote({ memberId: 'U-a', factorId: 'f|odd{x}' }), withFactorView: true })).factorView).toEqual({
          stats: { answers: 0, evidence: 0, links: [] },
          answer: null,
        });
      });

      it('comes with a refused or repeated vote too, which still stores nothing', async () => {
        await store.saveAnswer(T, R, answer('f1', 'U-a', at(3), ['https://a.example/1']));
        const expected = { stats: { answers: 1, evidence: 1, links: ['https://a.example/1'] }, answer: answer('f1', 'U-a', at(3), ['https://a.example/1']) };
        const v = { ...vote({ memberId: 'U-a' }), withFactorView: true };
        expect((await store.recordVote(v)).factorView).toEqual(expected);
        expect(await store.recordVote(v)).toMatchObject({ applied: false, factorView: expected });
        const { rev } = (await store.getRoundVersioned(T, R))!;
        await store.updateRound(T, R, (r) => ({ ...r, status: 'closed' }));
        // U-b has not answered.
        const theirs = { ...expected, answer: null };
        expect(await store.recordVote({ ...vote({ memberId: 'U-b' }), withFactorView: true })).toMatchObject({ accepted: false, factorView: theirs });
        expect(await store.recordVote({ ...vote({ memberId: 'U-b' }), withFactorView: true, roundRev: rev! })).toMatchObject({ stale: true, factorView: theirs });
        expect(await store.getMemberVote(T, R, 'f1', 'U-b')).toBeNull();
      });
    });
  });
}
