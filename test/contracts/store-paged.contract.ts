// Store contract, continued: paged reads of a round's votes and answers (what reports read), and the reports kept
// with a closed round. Every backend runs it (store-memory, store-redis, store-topologies).
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Answer, Level } from '../../src/core/model.js';
import type { AnswerEntry, Store, VoteEntry } from '../../src/core/ports.js';
import { makeRound } from './store.contract.js';

const T = 'T0001';
const R = 'round-1';
const LEVELS: Level[] = ['in-place', 'partly', 'not-in-place', 'dont-know'];

async function collect<T>(pages: AsyncIterable<T[]>): Promise<{ pages: T[][]; all: T[] }> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return { pages: out, all: out.flat() };
}

function answer(factorId: string, memberId: string, i: number): Answer {
  return { factorId, memberId, texts: { q1: `svar ${i} | med ; tecken` }, evidence: i % 3 === 0 ? [`https://example.org/${i}.pdf`] : [], at: '2026-03-03T10:00:00+01:00' };
}

/** 3 factors × `members` members: votes of everyone, answers of every other member; member ids with odd characters. */
async function fill(store: Store, members: number): Promise<void> {
  await store.createRound(makeRound({ participants: Array.from({ length: members }, (_, i) => `U:${i}|x`) }));
  for (const f of ['f1', 'f2', 'f3']) {
    for (let i = 0; i < members; i++) {
      const memberId = `U:${i}|x`;
      await store.recordVote({ tenant: T, roundId: R, factorId: f, memberId, level: LEVELS[i % 4]!, interactionId: `${f}-${i}`, at: '2026-03-03T10:00:00+01:00' });
      if (i % 2 === 0) await store.saveAnswer(T, R, answer(f, memberId, i));
    }
  }
}

export function pagedReadsContract(name: string, make: () => Promise<Store>, cleanup: (s: Store) => Promise<void>, opts: { keepsReports: boolean }): void {
  describe(`Store contract (paged reads, kept reports): ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await cleanup(store);
    });

    it('scanVotes and scanAnswers give every vote and answer the full snapshot holds, in several pages', async () => {
      await fill(store, 300);
      const snapshot = (await store.getSnapshot(T, R))!;
      const votes = await collect<VoteEntry>(store.scanVotes(T, R, { count: 50 }));
      const answers = await collect<AnswerEntry>(store.scanAnswers(T, R, { count: 50 }));
      expect(votes.pages.length).toBeGreaterThan(2);
      expect(answers.pages.length).toBeGreaterThan(2);
      const votesByFactor: Record<string, Record<string, Level>> = { f1: {}, f2: {}, f3: {} };
      for (const v of votes.all) votesByFactor[v.factorId]![v.memberId] = v.level;
      const answersByFactor: Record<string, Record<string, Answer>> = { f1: {}, f2: {}, f3: {} };
      for (const a of answers.all) answersByFactor[a.factorId]![a.memberId] = a.answer;
      expect(votesByFactor).toEqual(snapshot.votes);
      expect(answersByFactor).toEqual(snapshot.answers);
      expect(Object.keys(votesByFactor.f2!)).toHaveLength(300);
      expect(Object.keys(answersByFactor.f3!)).toHaveLength(150);
      expect(answersByFactor.f1!['U:4|x']).toEqual(answer('f1', 'U:4|x', 4));
    });

    it('with a factor, scanVotes and scanAnswers give that factor\'s entries only, all of them', async () => {
      await fill(store, 300);
      const snapshot = (await store.getSnapshot(T, R))!;
      const votes = await collect<VoteEntry>(store.scanVotes(T, R, { count: 50, factorId: 'f2' }));
      const answers = await collect<AnswerEntry>(store.scanAnswers(T, R, { count: 50, factorId: 'f2' }));
      expect(new Set(votes.all.map((v) => v.factorId))).toEqual(new Set(['f2']));
      expect(new Set(answers.all.map((a) => a.factorId))).toEqual(new Set(['f2']));
      expect(Object.fromEntries(votes.all.map((v) => [v.memberId, v.level]))).toEqual(snapshot.votes.f2);
      expect(Object.fromEntries(answers.all.map((a) => [a.memberId, a.answer]))).toEqual(snapshot.answers.f2);
      expect(answers.all).toHaveLength(150);
      // A factor id is matched whole, never as a prefix or a pattern.
      for (const factorId of ['f', '*', 'f?', 'f[23]']) {
        expect((await collect(store.scanVotes(T, R, { factorId }))).all).toEqual([]);
        expect((await collect(store.scanAnswers(T, R, { factorId }))).all).toEqual([]);
      }
    });

    it('an unknown round, or one without votes, gives no pages', async () => {
      expect((await collect(store.scanVotes(T, 'nope'))).all).toEqual([]);
      expect((await collect(store.scanAnswers(T, 'nope'))).all).toEqual([]);
      await store.createRound(makeRound());
      expect((await collect(store.scanVotes(T, R))).all).toEqual([]);
    });

    it.runIf(!opts.keepsReports)('keeps no reports (every download renders)', () => {
      expect(store.keptReport).toBeUndefined();
      expect(store.keepReport).toBeUndefined();
    });

    it.runIf(opts.keepsReports)('keeps a report of several megabytes whole (in parts, each a short write), and drops it with a write', async () => {
      if (!store.keptReport || !store.keepReport) throw new Error('this store keeps no reports');
      await fill(store, 4);
      const first = (await store.keptReport(T, R, 'big', 60_000))!;
      const body = Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(3 * 1024 * 1024 + 17)]);
      expect(await store.keepReport(T, R, 'big', first.epoch, body, 60_000)).toBe(true);
      const kept = (await store.keptReport(T, R, 'big', 60_000))!;
      expect(kept.body?.equals(body)).toBe(true);
      await store.saveAnswer(T, R, answer('f1', 'U:1|x', 1));
      expect((await store.keptReport(T, R, 'big', 60_000))!.body).toBeNull();
    });

    it.runIf(opts.keepsReports)('keeps a report per key and generation; any write to the round drops it', async () => {
      if (!store.keptReport || !store.keepReport) throw new Error('this store keeps no reports');
      expect(await store.keptReport(T, R, 'k', 60_000)).toBeNull();
      await fill(store, 4);
      const first = (await store.keptReport(T, R, 'k', 60_000))!;
      expect(first.body).toBeNull();
      const body = Buffer.from([0x1f, 0x8b, 0x00, 0xff, 0x80, 0x0a]);
      expect(await store.keepReport(T, R, 'k', first.epoch, body, 60_000)).toBe(true);
      expect(await store.keptReport(T, R, 'k', 60_000)).toEqual({ epoch: first.epoch, body });
      expect((await store.keptReport(T, R, 'other', 60_000))!.body).toBeNull();

      // Erasing a member drops it, and a rendering begun before the erasure cannot be kept afterwards.
      await store.eraseMember(T, R, 'U:0|x', 'P-1');
      const after = (await store.keptReport(T, R, 'k', 60_000))!;
      expect(after.body).toBeNull();
      expect(after.epoch).not.toBe(first.epoch);
      expect(await store.keepReport(T, R, 'k', first.epoch, body, 60_000)).toBe(false);
      expect((await store.keptReport(T, R, 'k', 60_000))!.body).toBeNull();

      for (const write of [
        () => store.saveAnswer(T, R, answer('f1', 'U:1|x', 1)),
        () => store.rememberNames(T, R, { 'U:1|x': 'Bo' }),
        () => store.updateRound(T, R, (r) => ({ ...r, status: 'closed' })),
      ]) {
        const now = (await store.keptReport(T, R, 'k', 60_000))!;
        expect(await store.keepReport(T, R, 'k', now.epoch, body, 60_000)).toBe(true);
        await write();
        expect((await store.keptReport(T, R, 'k', 60_000))!.body).toBeNull();
      }
      const last = (await store.keptReport(T, R, 'k', 60_000))!;
      await store.keepReport(T, R, 'k', last.epoch, body, 60_000);
      await store.deleteRound(T, R);
      expect(await store.keptReport(T, R, 'k', 60_000)).toBeNull();
      expect(await store.keepReport(T, R, 'k', last.epoch, body, 60_000)).toBe(false);
    });
  });
}
