// The Store contract: every backend (Redis, embedded) must pass these same tests.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { emptyCounts, type Answer, type Level, type Round } from '../../src/core/model.js';
import type { AnswerStats, Job, JobKind, RoundSnapshot, Store, VoteInput } from '../../src/core/ports.js';

/** A valid open round; override what a test cares about. */
export function makeRound(over: Partial<Round> = {}): Round {
  return {
    id: 'round-1',
    tenant: 'T0001',
    platform: 'slack',
    channel: { id: 'C-general', name: 'general' },
    title: 'Spring self-assessment',
    packId: 'integrating-cities-diversity',
    locale: 'sv',
    mode: 'internal-evaluation',
    status: 'open',
    createdAt: '2026-03-02T08:00:00+01:00',
    openedAt: '2026-03-02T08:05:00+01:00',
    coordinators: ['U-coord'],
    participants: ['U-a', 'U-b', 'U-c'],
    managers: ['U-boss'],
    reviewers: [],
    names: { 'U-a': 'Anna' },
    calendar: {
      timezone: 'Europe/Stockholm',
      opensAt: '2026-03-02T09:00:00+01:00',
      closesAt: '2026-04-30T17:00:00+02:00',
      pacing: { kind: 'all-at-once' },
      reminders: { enabled: true, daysBefore: [2], time: '09:00' },
      digest: { enabled: true, weekday: 1, time: '08:30', showNames: false },
    },
    factorIds: ['f1', 'f2', 'f3'],
    isBaseline: false,
    anonymous: false,
    minResponses: 3,
    contextNotes: [],
    ...over,
  };
}

export function makeJob(over: Partial<Job> & Pick<Job, 'id'>): Job {
  return { kind: 'reminder', tenant: 'T0001', roundId: 'round-1', dueAt: 1_000, payload: {}, attempts: 0, ...over };
}

function answer(factorId: string, memberId: string, text: string): Answer {
  return { factorId, memberId, texts: { q1: text }, evidence: ['https://example.org/plan.pdf'], at: '2026-03-03T10:00:00+01:00' };
}

const noStats: AnswerStats = { answers: 0, evidence: 0, links: [] };

/** An answer with its own links and time; no text when `text` is empty. */
function linked(factorId: string, memberId: string, at: string, links: string[], text = 'see the links'): Answer {
  return { factorId, memberId, texts: text ? { q1: text } : {}, evidence: links, at };
}

/** Reads a snapshot both ways, checks that they agree on everything but the answers, and returns both. */
async function bothWays(store: Store, tenant = 'T0001', roundId = 'round-1'): Promise<{ full: RoundSnapshot; lean: RoundSnapshot }> {
  const full = (await store.getSnapshot(tenant, roundId))!;
  const lean = (await store.getSnapshot(tenant, roundId, { answers: false }))!;
  expect(full).not.toBeNull();
  expect(lean).not.toBeNull();
  expect(lean.answerStats).toEqual(full.answerStats);
  expect({ ...lean, answers: undefined }).toEqual({ ...full, answers: undefined });
  expect(lean.answers).toEqual(Object.fromEntries(full.round.factorIds.map((f) => [f, {}])));
  return { full, lean };
}

let interactionSeq = 0;
function vote(over: Partial<VoteInput> & { memberId: string; level: Level }): VoteInput {
  return {
    tenant: 'T0001',
    roundId: 'round-1',
    factorId: 'f1',
    interactionId: `ix-${++interactionSeq}-${Math.random().toString(36).slice(2)}`,
    at: '2026-03-03T10:00:00+01:00',
    ...over,
  };
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
}

export interface ContractOptions {
  /** Another store over the same data (another process in production); defaults to the same store. */
  peer?: (store: Store) => Promise<Store>;
}

export function storeContract(
  name: string,
  make: () => Promise<Store>,
  cleanup: (s: Store) => Promise<void>,
  opts: ContractOptions = {},
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const extra: Store[] = [];

    beforeEach(async () => {
      store = await make();
    });

    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await cleanup(store);
    });

    async function peer(): Promise<Store> {
      if (!opts.peer) return store;
      const p = await opts.peer(store);
      extra.push(p);
      return p;
    }

    describe('rounds', () => {
      it('creates, gets, updates, lists and deletes rounds', async () => {
        await store.ping();
        expect(await store.getRound('T0001', 'round-1')).toBeNull();
        expect(await store.listRounds('T0001')).toEqual([]);
        expect(await store.listTenants()).toEqual([]);

        const r1 = makeRound();
        const r2 = makeRound({ id: 'round-2', createdAt: '2026-03-05T08:00:00+01:00', status: 'draft' });
        await store.createRound(r2);
        await store.createRound(r1);
        expect(await store.getRound('T0001', 'round-1')).toEqual(r1);
        expect((await store.listRounds('T0001')).map((r) => r.id)).toEqual(['round-1', 'round-2']);
        expect(await store.listTenants()).toEqual(['T0001']);

        const updated = await store.updateRound('T0001', 'round-2', (r) => ({ ...r, title: 'Renamed', status: 'open' }));
        expect(updated).toMatchObject({ id: 'round-2', title: 'Renamed', status: 'open' });
        expect(await store.getRound('T0001', 'round-2')).toEqual(updated);

        await store.deleteRound('T0001', 'round-1');
        expect(await store.getRound('T0001', 'round-1')).toBeNull();
        expect((await store.listRounds('T0001')).map((r) => r.id)).toEqual(['round-2']);
        expect(await store.listTenants()).toEqual(['T0001']);
        await store.deleteRound('T0001', 'round-2');
        expect(await store.listRounds('T0001')).toEqual([]);
        expect(await store.listTenants()).toEqual([]);
        // Deleting again is harmless.
        await store.deleteRound('T0001', 'round-2');
      });

      it('fills schema defaults on create', async () => {
        const { reviewers: _r, names: _n, contextNotes: _c, ...minimal } = makeRound();
        await store.createRound(minimal as Round);
        const got = await store.getRound('T0001', 'round-1');
        expect(got).toMatchObject({ reviewers: [], names: {}, contextNotes: [] });
      });

      it('refuses a duplicate create with CONFLICT and keeps the original', async () => {
        await store.createRound(makeRound({ title: 'first' }));
        await expectCode(store.createRound(makeRound({ title: 'second' })), 'CONFLICT');
        expect((await store.getRound('T0001', 'round-1'))?.title).toBe('first');
        expect(await store.listRounds('T0001')).toHaveLength(1);
      });

      it('rejects an invalid round with INVALID_INPUT', async () => {
        await expectCode(store.createRound(makeRound({ factorIds: [] })), 'INVALID_INPUT');
        expect(await store.getRound('T0001', 'round-1')).toBeNull();
      });

      it('writes nothing when the mutator throws, and propagates its error', async () => {
        await store.createRound(makeRound());
        const boom = new AppError('ILLEGAL_TRANSITION', { from: 'open', to: 'draft' });
        const err = await store
          .updateRound('T0001', 'round-1', (r) => {
            r.title = 'changed in place';
            r.participants.push('U-sneaky');
            throw boom;
          })
          .catch((e: unknown) => e);
        expect(err).toBe(boom);
        expect(await store.getRound('T0001', 'round-1')).toEqual(makeRound());
        // The round is still writable afterwards.
        await store.updateRound('T0001', 'round-1', (r) => ({ ...r, title: 'ok' }));
        expect((await store.getRound('T0001', 'round-1'))?.title).toBe('ok');
      });

      it('refuses to update a missing round, or to change its id', async () => {
        await expectCode(store.updateRound('T0001', 'nope', (r) => r), 'ROUND_NOT_FOUND');
        await store.createRound(makeRound());
        await expectCode(store.updateRound('T0001', 'round-1', (r) => ({ ...r, id: 'other' })), 'INVALID_INPUT');
        await expectCode(store.updateRound('T0001', 'round-1', (r) => ({ ...r, factorIds: [] })), 'INVALID_INPUT');
        expect(await store.getRound('T0001', 'round-1')).toEqual(makeRound());
      });

      it('refuses to change a round\'s anonymity or its thresholds once it exists, and reads a stored threshold below 3 as 3', async () => {
        await store.createRound(makeRound({ anonymous: true, minResponses: 5, minAnswers: 10 }));
        for (const change of [{ anonymous: false }, { minResponses: 4 }, { minAnswers: 5 }]) {
          await expectCode(store.updateRound('T0001', 'round-1', (r) => ({ ...r, ...change })), 'INVALID_INPUT');
        }
        const kept = await store.updateRound('T0001', 'round-1', (r) => ({ ...r, title: 'still fine' }));
        expect(kept).toMatchObject({ anonymous: true, minResponses: 5, minAnswers: 10, title: 'still fine' });
        await store.createRound(makeRound({ id: 'legacy', minResponses: 2 }));
        expect((await store.getRound('T0001', 'legacy'))!.minResponses).toBe(3);
      });

      it('loses no update when many writers update the same round at once', async () => {
        await store.createRound(makeRound({ participants: [] }));
        const other = await peer();
        await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 ? other : store).updateRound('T0001', 'round-1', (r) => ({
              ...r,
              participants: [...r.participants, `U-${i}`],
            })),
          ),
        );
        const round = await store.getRound('T0001', 'round-1');
        expect(round?.participants.slice().sort()).toEqual(Array.from({ length: 12 }, (_, i) => `U-${i}`).sort());
      });

      it('copies values in and out, so callers cannot change stored state', async () => {
        const input = makeRound();
        await store.createRound(input);
        input.participants.push('U-late');
        input.calendar.timezone = 'UTC';
        const got = await store.getRound('T0001', 'round-1');
        expect(got).toEqual(makeRound());
        got!.participants.push('U-x');
        got!.names['U-x'] = 'X';
        expect(await store.getRound('T0001', 'round-1')).toEqual(makeRound());

        let seen: Round | undefined;
        const result = await store.updateRound('T0001', 'round-1', (r) => {
          seen = r;
          return { ...r, title: 't' };
        });
        seen!.participants.push('U-after');
        result.participants.push('U-result');
        expect((await store.getRound('T0001', 'round-1'))?.participants).toEqual(['U-a', 'U-b', 'U-c']);

        const rec = { nested: { list: [1, 2] } };
        await store.putRecord('things', 'a', rec);
        rec.nested.list.push(3);
        const out = await store.getRecord('things', 'a');
        expect(out).toEqual({ nested: { list: [1, 2] } });
        (out!.nested as { list: number[] }).list.push(4);
        expect(await store.getRecord('things', 'a')).toEqual({ nested: { list: [1, 2] } });

        const job = makeJob({ id: 'j1', payload: { factorIds: ['f1'] } });
        await store.scheduleJobs([job]);
        (job.payload.factorIds as string[]).push('f2');
        expect((await store.listJobs())[0]?.payload).toEqual({ factorIds: ['f1'] });
      });

      it('keeps the active round per channel', async () => {
        expect(await store.activeRoundForChannel('T0001', 'C-general')).toBeNull();
        await store.createRound(makeRound());
        await store.setActiveRoundForChannel('T0001', 'C-general', 'round-1');
        await store.setActiveRoundForChannel('T0001', 'C-other', 'round-9');
        expect(await store.activeRoundForChannel('T0001', 'C-general')).toBe('round-1');
        expect(await store.activeRoundForChannel('T0001', 'C-other')).toBe('round-9');
        await store.setActiveRoundForChannel('T0001', 'C-other', null);
        expect(await store.activeRoundForChannel('T0001', 'C-other')).toBeNull();
        // Deleting the round clears the channel pointing at it.
        await store.deleteRound('T0001', 'round-1');
        expect(await store.activeRoundForChannel('T0001', 'C-general')).toBeNull();
      });

      it('deletes everything that belongs to a round', async () => {
        await store.createRound(makeRound());
        await store.createRound(makeRound({ id: 'round-2' }));
        await store.setActiveRoundForChannel('T0001', 'C-general', 'round-1');
        await store.recordVote(vote({ memberId: 'U-a', level: 'partly' }));
        await store.saveAnswer('T0001', 'round-1', answer('f1', 'U-a', 'text'));
        await store.setCardRef('T0001', 'round-1', 'f1', { messageId: 'm1', channelId: 'C-general' });
        await store.scheduleJobs([makeJob({ id: 'j1' }), makeJob({ id: 'j2', roundId: 'round-2' })]);

        await store.deleteRound('T0001', 'round-1');
        expect(await store.getSnapshot('T0001', 'round-1')).toBeNull();
        expect(await store.getCounts('T0001', 'round-1', 'f1')).toEqual(emptyCounts());
        expect(await store.getMemberVote('T0001', 'round-1', 'f1', 'U-a')).toBeNull();
        expect(await store.getMemberAnswer('T0001', 'round-1', 'f1', 'U-a')).toBeNull();
        expect(await store.getCardRefs('T0001', 'round-1')).toEqual({});
        expect(await store.activeRoundForChannel('T0001', 'C-general')).toBeNull();
        expect((await store.listJobs()).map((j) => j.id)).toEqual(['j2']);
        // A vote cannot resurrect it.
        const late = await store.recordVote(vote({ memberId: 'U-b', level: 'partly' }));
        expect(late.accepted).toBe(false);
        expect(await store.getCounts('T0001', 'round-1', 'f1')).toEqual(emptyCounts());
        // Re-creating the id starts clean, answer stats included.
        await store.createRound(makeRound());
        expect((await store.getSnapshot('T0001', 'round-1'))?.votes.f1).toEqual({});
        expect((await store.getSnapshot('T0001', 'round-1', { answers: false }))?.answerStats?.f1).toEqual(noStats);
      });
    });

    describe('votes', () => {
      beforeEach(async () => {
        await store.createRound(makeRound());
      });

      it('counts a first vote', async () => {
        const r = await store.recordVote(vote({ memberId: 'U-a', level: 'partly' }));
        expect(r).toEqual({ accepted: true, applied: true, previous: null, counts: { ...emptyCounts(), partly: 1 } });
        expect(await store.getMemberVote('T0001', 'round-1', 'f1', 'U-a')).toBe('partly');
        expect(await store.getCounts('T0001', 'round-1', 'f1')).toEqual({ ...emptyCounts(), partly: 1 });
        expect(await store.getCounts('T0001', 'round-1', 'f2')).toEqual(emptyCounts());
      });

      it('moves the count when a member changes level, and keeps it on the same level', async () => {
        await store.recordVote(vote({ memberId: 'U-a', level: 'partly' }));
        await store.recordVote(vote({ memberId: 'U-b', level: 'partly' }));
        const changed = await store.recordVote(vote({ memberId: 'U-a', level: 'in-place' }));
        expect(changed).toMatchObject({ accepted: true, applied: true, previous: 'partly' });
        expect(changed.counts).toEqual({ ...emptyCounts(), partly: 1, 'in-place': 1 });

        const same = await store.recordVote(vote({ memberId: 'U-a', level: 'in-place' }));
        expect(same).toMatchObject({ accepted: true, applied: true, previous: 'in-place' });
        expect(same.counts).toEqual({ ...emptyCounts(), partly: 1, 'in-place': 1 });
        expect(await store.getMemberVote('T0001', 'round-1', 'f1', 'U-a')).toBe('in-place');
      });

      it('refuses a vote on a round that is not open, storing nothing', async () => {
        await store.createRound(makeRound({ id: 'draft-round', status: 'draft' }));
        const v = vote({ roundId: 'draft-round', memberId: 'U-a', level: 'partly' });
        const refused = await store.recordVote(v);
        expect(refused).toEqual({ accepted: false, applied: false, previous: null, counts: emptyCounts() });
        expect(await store.getMemberVote('T0001', 'draft-round', 'f1', 'U-a')).toBeNull();

        // Opening goes through updateRound; the same interaction then counts (the refusal left no trace).
        await store.updateRound('T0001', 'draft-round', (r) => ({ ...r, status: 'open' }));
        expect((await store.recordVote(v)).applied).toBe(true);

        await store.updateRound('T0001', 'draft-round', (r) => ({ ...r, status: 'closed' }));
        const late = await store.recordVote(vote({ roundId: 'draft-round', memberId: 'U-a', level: 'in-place' }));
        expect(late).toMatchObject({ accepted: false, applied: false, previous: 'partly' });
        expect(late.counts).toEqual({ ...emptyCounts(), partly: 1 });
        expect(await store.getMemberVote('T0001', 'draft-round', 'f1', 'U-a')).toBe('partly');

        const missing = await store.recordVote(vote({ roundId: 'no-such-round', memberId: 'U-a', level: 'partly' }));
        expect(missing.accepted).toBe(false);
      });

      it('counts the same interaction id once, however often it arrives', async () => {
        const v = vote({ memberId: 'U-a', level: 'partly', interactionId: 'slack-action-42' });
        const results = [
          await store.recordVote(v),
          await store.recordVote(v),
          await store.recordVote({ ...v, level: 'in-place' }),
        ];
        expect(results.map((r) => r.applied)).toEqual([true, false, false]);
        expect(results.every((r) => r.accepted)).toBe(true);
        expect(results[2]?.counts).toEqual({ ...emptyCounts(), partly: 1 });
        expect(await store.getMemberVote('T0001', 'round-1', 'f1', 'U-a')).toBe('partly');
      });

      it('gives the exact tally for 100 members voting at once', async () => {
        const levels: Level[] = ['in-place', 'partly', 'not-in-place', 'dont-know'];
        const votes = Array.from({ length: 100 }, (_, i) => vote({ memberId: `U-${i}`, level: levels[i % 4] as Level }));
        // Plus a duplicate delivery of every tenth interaction.
        const dupes = votes.filter((_, i) => i % 10 === 0);
        const results = await Promise.all([...votes, ...dupes].map((v) => store.recordVote(v)));
        expect(results.filter((r) => r.applied)).toHaveLength(100);
        expect(await store.getCounts('T0001', 'round-1', 'f1')).toEqual({
          'in-place': 25,
          partly: 25,
          'not-in-place': 25,
          'dont-know': 25,
        });
      });

      it('rejects an unknown level with INVALID_INPUT', async () => {
        await expectCode(store.recordVote(vote({ memberId: 'U-a', level: 'maybe' as Level })), 'INVALID_INPUT');
        expect(await store.getCounts('T0001', 'round-1', 'f1')).toEqual(emptyCounts());
      });

      it('reads a round with a revision that changes with every write of the round, and with nothing else', async () => {
        const first = await store.getRoundVersioned('T0001', 'round-1');
        expect(first?.round.id).toBe('round-1');
        // A round this store wrote always has a revision (null is only for rounds written by an older release).
        expect(first?.rev).toEqual(expect.any(String));
        await store.recordVote(vote({ memberId: 'U-a', level: 'partly' }));
        await store.setCardRef('T0001', 'round-1', 'f1', { channelId: 'C1', messageId: '1.1' });
        expect((await store.getRoundVersioned('T0001', 'round-1'))?.rev).toBe(first?.rev);
        await store.updateRound('T0001', 'round-1', (r) => ({ ...r, participants: [...r.participants, 'U-new'] }));
        const second = await store.getRoundVersioned('T0001', 'round-1');
        expect(second?.rev).not.toBe(first?.rev);
        expect(second?.round.participants).toContain('U-new');
        expect(await store.getRoundVersioned('T0001', 'no-such-round')).toBeNull();
      });

      it('refuses a vote made on an outdated revision as stale, storing nothing; the current revision counts', async () => {
        const before = await store.getRoundVersioned('T0001', 'round-1');
        await store.updateRound('T0001', 'round-1', (r) => ({ ...r, participants: [...r.participants, 'U-new'] }));
        const v = vote({ memberId: 'U-a', level: 'partly', interactionId: 'click-1' });
        const stale = await store.recordVote({ ...v, roundRev: before!.rev! });
        expect(stale).toMatchObject({ accepted: false, applied: false, stale: true });
        expect(await store.getMemberVote('T0001', 'round-1', 'f1', 'U-a')).toBeNull();
        expect(await store.getCounts('T0001', 'round-1', 'f1')).toEqual(emptyCounts());

        // The refusal left no dedupe mark: the same click on the current revision counts.
        const now = await store.getRoundVersioned('T0001', 'round-1');
        const counted = await store.recordVote({ ...v, roundRev: now!.rev! });
        expect(counted).toEqual({ accepted: true, applied: true, previous: null, counts: { ...emptyCounts(), partly: 1 } });

        // A deleted and re-created round never takes a vote meant for the old one.
        await store.deleteRound('T0001', 'round-1');
        await store.createRound(makeRound());
        expect((await store.recordVote({ ...vote({ memberId: 'U-b', level: 'partly' }), roundRev: now!.rev! })).stale).toBe(true);
      });

      it('costs one round trip per vote', async () => {
        const before = store.roundTrips();
        await store.recordVote(vote({ memberId: 'U-a', level: 'partly' }));
        expect(store.roundTrips() - before).toBe(1);
      });
    });

    describe('answers, snapshots and card refs', () => {
      beforeEach(async () => {
        await store.createRound(makeRound());
      });

      it('saves and replaces answers', async () => {
        expect(await store.getMemberAnswer('T0001', 'round-1', 'f1', 'U-a')).toBeNull();
        await store.saveAnswer('T0001', 'round-1', answer('f1', 'U-a', 'first'));
        await store.saveAnswer('T0001', 'round-1', answer('f1', 'U-a', 'second'));
        await store.saveAnswer('T0001', 'round-1', answer('f2', 'U-a', 'other factor'));
        expect(await store.getMemberAnswer('T0001', 'round-1', 'f1', 'U-a')).toEqual(answer('f1', 'U-a', 'second'));
        expect(await store.getMemberAnswer('T0001', 'round-1', 'f2', 'U-a')).toEqual(answer('f2', 'U-a', 'other factor'));
        expect(await store.getMemberAnswer('T0001', 'round-1', 'f1', 'U-b')).toBeNull();
        await expectCode(
          store.saveAnswer('T0001', 'round-1', { ...answer('f1', 'U-a', 'x'), evidence: Array(11).fill('https://x') }),
          'INVALID_INPUT',
        );
      });

      it('returns the whole round in a snapshot', async () => {
        await store.recordVote(vote({ memberId: 'U-a', level: 'partly' }));
        await store.recordVote(vote({ memberId: 'U-b', level: 'in-place' }));
        await store.recordVote(vote({ memberId: 'U-a', factorId: 'f2', level: 'dont-know' }));
        await store.recordVote(vote({ memberId: 'U|odd:id{x}', factorId: 'f2', level: 'not-in-place' }));
        await store.saveAnswer('T0001', 'round-1', answer('f1', 'U-a', 'we have a plan'));

        const snap = await store.getSnapshot('T0001', 'round-1');
        expect(snap).toEqual({
          round: makeRound(),
          counts: {
            f1: { ...emptyCounts(), partly: 1, 'in-place': 1 },
            f2: { ...emptyCounts(), 'dont-know': 1, 'not-in-place': 1 },
            f3: emptyCounts(),
          },
          votes: { f1: { 'U-a': 'partly', 'U-b': 'in-place' }, f2: { 'U-a': 'dont-know', 'U|odd:id{x}': 'not-in-place' }, f3: {} },
          answers: { f1: { 'U-a': answer('f1', 'U-a', 'we have a plan') }, f2: {}, f3: {} },
          answerStats: { f1: { answers: 1, evidence: 1, links: ['https://example.org/plan.pdf'] }, f2: noStats, f3: noStats },
        });
        expect(await store.getSnapshot('T0001', 'missing')).toBeNull();
      });

      it('reads a snapshot in a fixed number of round trips, with or without the answers', async () => {
        const cost = async (answers: boolean) => {
          const before = store.roundTrips();
          await store.getSnapshot('T0001', 'round-1', { answers });
          return store.roundTrips() - before;
        };
        const emptyCost = await cost(true);
        expect(emptyCost).toBe(1);
        expect(await cost(false)).toBe(emptyCost);
        await Promise.all(
          Array.from({ length: 50 }, async (_, i) => {
            await store.recordVote(vote({ memberId: `U-${i}`, level: 'partly' }));
            await store.saveAnswer('T0001', 'round-1', answer(i % 2 ? 'f1' : 'f2', `U-${i}`, `answer ${i}`));
          }),
        );
        expect(await cost(true)).toBe(emptyCost);
        expect(await cost(false)).toBe(emptyCost);
      });

      it('keeps answer stats: members who answered, all links, and the first links by answer time then member', async () => {
        await store.saveAnswer('T0001', 'round-1', linked('f1', 'U-c', '2026-03-05T09:00:00+01:00', ['https://c.example/1']));
        // Same instant as U-c, written with another offset: the member id breaks the tie.
        await store.saveAnswer('T0001', 'round-1', linked('f1', 'U-b', '2026-03-05T08:00:00Z', ['https://b.example/1', 'https://b.example/2']));
        // The earliest answer gives at most three links to the preview; all four count.
        await store.saveAnswer(
          'T0001',
          'round-1',
          linked('f1', 'U|odd:id{x}', '2026-03-04T10:00:00+01:00', ['https://o.example/1', 'https://o.example/2', 'https://o.example/3', 'https://o.example/4']),
        );
        // Text only: answered, no links. Links only: answered too. Neither: saved, but not answered.
        await store.saveAnswer('T0001', 'round-1', linked('f1', 'U-d', '2026-03-01T10:00:00+01:00', []));
        await store.saveAnswer('T0001', 'round-1', linked('f2', 'U-a', '2026-03-06T10:00:00+01:00', ['https://a.example/only'], ''));
        await store.saveAnswer('T0001', 'round-1', linked('f3', 'U-e', '2026-03-06T10:00:00+01:00', [], ''));

        const { full, lean } = await bothWays(store);
        expect(lean.answerStats).toEqual({
          f1: {
            answers: 4,
            evidence: 7,
            links: ['https://o.example/1', 'https://o.example/2', 'https://o.example/3', 'https://b.example/1', 'https://b.example/2'],
          },
          f2: { answers: 1, evidence: 1, links: ['https://a.example/only'] },
          f3: noStats,
        });
        expect(Object.keys(full.answers.f1 ?? {}).sort()).toEqual(['U-b', 'U-c', 'U-d', 'U|odd:id{x}']);
        expect(Object.keys(full.answers.f3 ?? {})).toEqual(['U-e']);
        // Nothing anyone wrote comes back without the answers: not the texts, and no links beyond the preview.
        const leanText = JSON.stringify(lean);
        expect(leanText).not.toContain('see the links');
        expect(leanText).not.toContain('https://o.example/4');
        expect(leanText).not.toContain('https://c.example/1');
      });

      it('leaves the votes out too when asked, keeping counts and answer stats (comparisons)', async () => {
        await store.recordVote(vote({ memberId: 'U-a', level: 'partly' }));
        await store.recordVote(vote({ memberId: 'U-b', factorId: 'f2', level: 'in-place' }));
        await store.saveAnswer('T0001', 'round-1', answer('f1', 'U-a', 'we have a plan'));
        const full = (await store.getSnapshot('T0001', 'round-1'))!;
        const before = store.roundTrips();
        const bare = (await store.getSnapshot('T0001', 'round-1', { answers: false, votes: false }))!;
        expect(store.roundTrips() - before).toBe(1);
        expect(bare.votes).toEqual({ f1: {}, f2: {}, f3: {} });
        expect(bare.answers).toEqual({ f1: {}, f2: {}, f3: {} });
        expect(bare.counts).toEqual(full.counts);
        expect(bare.answerStats).toEqual(full.answerStats);
        expect(bare.round).toEqual(full.round);
      });

      it('updates the stats when an answer changes: text cleared, links removed, links added', async () => {
        const at = '2026-03-05T09:00:00+01:00';
        await store.saveAnswer('T0001', 'round-1', linked('f1', 'U-a', at, ['https://a.example/1', 'https://a.example/2']));
        await store.saveAnswer('T0001', 'round-1', linked('f1', 'U-b', '2026-03-06T09:00:00+01:00', ['https://b.example/1']));
        expect((await bothWays(store)).lean.answerStats?.f1).toEqual({
          answers: 2,
          evidence: 3,
          links: ['https://a.example/1', 'https://a.example/2', 'https://b.example/1'],
        });

        // U-a drops one link and edits the text; U-b empties the answer.
        await store.saveAnswer('T0001', 'round-1', linked('f1', 'U-a', '2026-03-07T09:00:00+01:00', ['https://a.example/2'], 'shorter'));
        await store.saveAnswer('T0001', 'round-1', linked('f1', 'U-b', '2026-03-07T10:00:00+01:00', [], ''));
        expect((await bothWays(store)).lean.answerStats?.f1).toEqual({ answers: 1, evidence: 1, links: ['https://a.example/2'] });

        // U-b answers again with a link; that answer's time (08:00) is before U-a's (09:00), so its link comes first.
        await store.saveAnswer('T0001', 'round-1', linked('f1', 'U-b', '2026-03-07T08:00:00+01:00', ['https://b.example/new']));
        const { full, lean } = await bothWays(store);
        expect(lean.answerStats?.f1).toEqual({ answers: 2, evidence: 2, links: ['https://b.example/new', 'https://a.example/2'] });
        expect(full.answers.f1?.['U-a']?.texts).toEqual({ q1: 'shorter' });
      });

      it('drops an erased member’s answers from the stats, in both read modes', async () => {
        const odd = 'U|odd:id{x}';
        await store.saveAnswer('T0001', 'round-1', linked('f1', odd, '2026-03-04T10:00:00+01:00', ['https://odd.example/1']));
        await store.saveAnswer('T0001', 'round-1', linked('f2', odd, '2026-03-04T10:00:00+01:00', ['https://odd.example/2', 'https://odd.example/3']));
        // A member whose id ends like the erased one's is someone else.
        await store.saveAnswer('T0001', 'round-1', linked('f1', `x${odd}`, '2026-03-05T10:00:00+01:00', ['https://other.example/1']));
        await store.recordVote(vote({ memberId: odd, level: 'partly' }));
        expect((await bothWays(store)).lean.answerStats?.f1).toMatchObject({ answers: 2, evidence: 2 });

        expect(await store.eraseMember('T0001', 'round-1', odd, 'erased-1')).toEqual({ votes: 1, answers: 2 });
        const { full, lean } = await bothWays(store);
        expect(lean.answerStats).toEqual({
          f1: { answers: 1, evidence: 1, links: ['https://other.example/1'] },
          f2: noStats,
          f3: noStats,
        });
        expect(full.answers.f1).toEqual({ [`x${odd}`]: expect.any(Object) });
        expect(JSON.stringify(lean)).not.toContain('odd.example');
      });

      it('erases a member: votes move to the replacement with tallies unchanged, answers go, others stay', async () => {
        const odd = 'U|odd:id{x}';
        await store.recordVote(vote({ memberId: odd, level: 'partly' }));
        await store.recordVote(vote({ memberId: odd, factorId: 'f2', level: 'in-place' }));
        await store.recordVote(vote({ memberId: `${odd}x`, level: 'not-in-place' }));
        await store.recordVote(vote({ memberId: 'U-b', level: 'in-place' }));
        await store.saveAnswer('T0001', 'round-1', answer('f1', odd, 'my text'));
        await store.saveAnswer('T0001', 'round-1', answer('f1', 'U-b', 'kept'));
        const before = await store.getSnapshot('T0001', 'round-1');

        expect(await store.eraseMember('T0001', 'round-1', odd, 'erased-1')).toEqual({ votes: 2, answers: 1 });
        const after = (await store.getSnapshot('T0001', 'round-1'))!;
        expect(after.counts).toEqual(before!.counts);
        expect(after.votes.f1).toEqual({ 'erased-1': 'partly', [`${odd}x`]: 'not-in-place', 'U-b': 'in-place' });
        expect(after.votes.f2).toEqual({ 'erased-1': 'in-place' });
        expect(after.answers.f1).toEqual({ 'U-b': answer('f1', 'U-b', 'kept') });
        expect(await store.getMemberVote('T0001', 'round-1', 'f1', odd)).toBeNull();
        expect(await store.getCounts('T0001', 'round-1', 'f1')).toEqual({ ...emptyCounts(), partly: 1, 'not-in-place': 1, 'in-place': 1 });
        // Idempotent, and a missing round is a no-op.
        expect(await store.eraseMember('T0001', 'round-1', odd, 'erased-2')).toEqual({ votes: 0, answers: 0 });
        expect(await store.eraseMember('T0001', 'missing', odd, 'erased-2')).toEqual({ votes: 0, answers: 0 });
        // A later vote by the replacement key changes the moved vote, it does not add one.
        await store.recordVote(vote({ memberId: 'erased-1', level: 'in-place' }));
        expect(await store.getCounts('T0001', 'round-1', 'f1')).toEqual({ ...emptyCounts(), 'not-in-place': 1, 'in-place': 2 });
      });

      it('keeps card refs per factor', async () => {
        expect(await store.getCardRefs('T0001', 'round-1')).toEqual({});
        await store.setCardRef('T0001', 'round-1', 'f1', { messageId: '1700000000.000100', channelId: 'C-general' });
        await store.setCardRef('T0001', 'round-1', 'f2', { messageId: 'a', channelId: 'C-general' });
        await store.setCardRef('T0001', 'round-1', 'f2', { messageId: 'b', channelId: 'C-general' });
        expect(await store.getCardRefs('T0001', 'round-1')).toEqual({
          f1: { messageId: '1700000000.000100', channelId: 'C-general' },
          f2: { messageId: 'b', channelId: 'C-general' },
        });
      });
    });

    describe('delivery markers', () => {
      beforeEach(async () => {
        await store.createRound(makeRound());
      });

      it('keeps markers with the round: read by field, scanned by suffix, deleted by field, gone with the round', async () => {
        await store.putMarks('T0001', 'round-1', { 'T0001:round-1:reminder:a|m|U-a': { at: 1 }, 'T0001:round-1:reminder:a|m|U-b': { at: 2 } }, 60_000);
        await store.putMarks('T0001', 'round-1', { 'T0001:round-1:reminder:b|progress': { sent: 2, of: 3 }, 'x*y|m|U-a*': { at: 3 } }, 60_000);
        expect(await store.getMarks('T0001', 'round-1', ['T0001:round-1:reminder:a|m|U-a', 'T0001:round-1:reminder:a|m|U-c'])).toEqual({
          'T0001:round-1:reminder:a|m|U-a': { at: 1 },
        });
        expect(await store.getMarks('T0001', 'round-1', [])).toEqual({});
        // The suffix is matched literally, glob characters and all.
        expect(Object.keys(await store.scanMarks('T0001', 'round-1', '|m|U-a')).sort()).toEqual(['T0001:round-1:reminder:a|m|U-a']);
        expect(Object.keys(await store.scanMarks('T0001', 'round-1', '|m|U-a*'))).toEqual(['x*y|m|U-a*']);
        expect(Object.keys(await store.scanMarks('T0001', 'round-1'))).toHaveLength(4);
        await store.deleteMarks('T0001', 'round-1', ['T0001:round-1:reminder:a|m|U-a', 'never-there']);
        expect(Object.keys(await store.scanMarks('T0001', 'round-1'))).toHaveLength(3);
        // Another round's markers are its own; a round that does not exist gets none.
        await store.createRound(makeRound({ id: 'round-2' }));
        expect(await store.scanMarks('T0001', 'round-2')).toEqual({});
        await store.putMarks('T0001', 'missing', { 'j|channel': { at: 1 } }, 60_000);
        expect(await store.scanMarks('T0001', 'missing')).toEqual({});
        await store.deleteRound('T0001', 'round-1');
        expect(await store.scanMarks('T0001', 'round-1')).toEqual({});
      });

      it('lets markers expire together after the TTL of the last write', async () => {
        await store.putMarks('T0001', 'round-1', { 'j|channel': { at: 1 } }, 400);
        expect(Object.keys(await store.getMarks('T0001', 'round-1', ['j|channel']))).toEqual(['j|channel']);
        await expect.poll(() => store.getMarks('T0001', 'round-1', ['j|channel']), { interval: 100 }).toEqual({});
      });
    });

    describe('idempotency keys and records', () => {
      it('setIfNotExists is true once until the TTL passes', async () => {
        // A TTL long enough that a busy machine's pause between two calls cannot outlast it; then we wait for the
        // expiry itself rather than for a guess at when it has happened.
        expect(await store.setIfNotExists('slack:event:Ev1', 1000)).toBe(true);
        expect(await store.setIfNotExists('slack:event:Ev1', 1000)).toBe(false);
        expect(await store.setIfNotExists('slack:event:Ev2', 1000)).toBe(true);
        await expect.poll(() => store.setIfNotExists('slack:event:Ev1', 1000), { interval: 100 }).toBe(true);
      });

      it('ensureSecret keeps the first value: later and concurrent candidates get the stored one', async () => {
        const first = await store.ensureSecret('anonymity', 'candidate-from-replica-a');
        expect(first).toBe('candidate-from-replica-a');
        expect(await store.ensureSecret('anonymity', 'candidate-from-replica-b')).toBe('candidate-from-replica-a');
        // Replicas starting together: every one of them ends up with the same value.
        const racing = await Promise.all(Array.from({ length: 8 }, (_, i) => store.ensureSecret('other-secret', `racer-${i}`)));
        expect(new Set(racing).size).toBe(1);
        expect(racing[0]).toMatch(/^racer-\d$/);
        // Secrets are not records: nothing lists them.
        expect(await store.listRecords('anonymity')).toEqual({});
      });

      it('puts, gets, lists and deletes records per collection', async () => {
        expect(await store.getRecord('installations', 'T1')).toBeNull();
        expect(await store.listRecords('installations')).toEqual({});
        await store.putRecord('installations', 'T1', { token: 'xoxb-1', at: 1 });
        await store.putRecord('installations', 'T2', { token: 'xoxb-2' });
        await store.putRecord('installations', 'T1', { token: 'xoxb-1b' });
        await store.putRecord('conversations', 'T1', { ref: { id: 'c' } });
        expect(await store.getRecord('installations', 'T1')).toEqual({ token: 'xoxb-1b' });
        expect(await store.listRecords('installations')).toEqual({ T1: { token: 'xoxb-1b' }, T2: { token: 'xoxb-2' } });
        await store.deleteRecord('installations', 'T1');
        await store.deleteRecord('installations', 'never-there');
        expect(await store.listRecords('installations')).toEqual({ T2: { token: 'xoxb-2' } });
        expect(await store.getRecord('conversations', 'T1')).toEqual({ ref: { id: 'c' } });
      });

      it('updates a record read-modify-write: concurrent writers lose nothing, a throw writes nothing, null deletes', async () => {
        expect(await store.updateRecord('plans', 'T1|C1', (cur) => ({ n: ((cur?.n as number | undefined) ?? 0) + 1 }))).toEqual({ n: 1 });
        await Promise.all(Array.from({ length: 10 }, () => store.updateRecord('plans', 'T1|C1', (cur) => ({ n: (cur!.n as number) + 1 }))));
        expect(await store.getRecord('plans', 'T1|C1')).toEqual({ n: 11 });
        await expect(
          store.updateRecord('plans', 'T1|C1', () => {
            throw new Error('refused');
          }),
        ).rejects.toThrow('refused');
        expect(await store.getRecord('plans', 'T1|C1')).toEqual({ n: 11 });
        expect(await store.updateRecord('plans', 'T1|C1', () => null)).toBeNull();
        expect(await store.getRecord('plans', 'T1|C1')).toBeNull();
        expect(await store.listRecords('plans')).toEqual({});
      });

      it("lists one tenant's records, or one round's, and follows a record's rounds through updates and deletes", async () => {
        await store.putRecord('dead-jobs', 'T1:R1:a', { tenant: 'T1', roundId: 'R1', n: 1 });
        await store.putRecord('dead-jobs', 'T1:R2:b', { tenant: 'T1', roundId: 'R2', n: 2 });
        await store.putRecord('dead-jobs', 'T2:R1:c', { tenant: 'T2', roundId: 'R1', n: 3 });
        await store.putRecord('dead-jobs', 'no-tenant', { n: 4 });
        await store.putRecord('slack-installations', 'T1', { token: 'x' });
        expect(await store.listRecords('dead-jobs', { tenant: 'T1' })).toEqual({ 'T1:R1:a': { tenant: 'T1', roundId: 'R1', n: 1 }, 'T1:R2:b': { tenant: 'T1', roundId: 'R2', n: 2 } });
        expect(await store.listRecords('dead-jobs', { tenant: 'T1', roundId: 'R1' })).toEqual({ 'T1:R1:a': { tenant: 'T1', roundId: 'R1', n: 1 } });
        expect(await store.listRecords('dead-jobs', { tenant: 'T3' })).toEqual({});
        expect(Object.keys(await store.listRecords('dead-jobs')).sort()).toEqual(['T1:R1:a', 'T1:R2:b', 'T2:R1:c', 'no-tenant']);
        // Installations are keyed by their tenant.
        expect(await store.listRecords('slack-installations', { tenant: 'T1' })).toEqual({ T1: { token: 'x' } });
        // A plan's rounds change with it; a record put again under another round leaves the old round's listing.
        await store.updateRecord('plans', 'T1|C1', () => ({ tenant: 'T1', roundIds: ['R1'], deliveryRoundId: 'R1' }));
        await store.updateRecord('plans', 'T1|C1', (cur) => ({ ...cur, roundIds: ['R1', 'R2'], deliveryRoundId: 'R2' }));
        expect(Object.keys(await store.listRecords('plans', { tenant: 'T1', roundId: 'R2' }))).toEqual(['T1|C1']);
        await store.updateRecord('plans', 'T1|C1', (cur) => ({ ...cur, roundIds: ['R2'] }));
        expect(await store.listRecords('plans', { tenant: 'T1', roundId: 'R1' })).toEqual({});
        await store.putRecord('dead-jobs', 'T1:R1:a', { tenant: 'T1', roundId: 'R3', n: 1 });
        expect(await store.listRecords('dead-jobs', { tenant: 'T1', roundId: 'R1' })).toEqual({});
        expect(Object.keys(await store.listRecords('dead-jobs', { tenant: 'T1', roundId: 'R3' }))).toEqual(['T1:R1:a']);
        // Deleted records leave every listing; the other tenant's stay.
        await store.deleteRecord('dead-jobs', 'T1:R1:a');
        await store.deleteRecord('dead-jobs', 'T1:R2:b');
        await store.updateRecord('plans', 'T1|C1', () => null);
        expect(await store.listRecords('dead-jobs', { tenant: 'T1' })).toEqual({});
        expect(await store.listRecords('dead-jobs', { tenant: 'T1', roundId: 'R3' })).toEqual({});
        expect(await store.listRecords('plans', { tenant: 'T1' })).toEqual({});
        expect(Object.keys(await store.listRecords('dead-jobs', { tenant: 'T2', roundId: 'R1' }))).toEqual(['T2:R1:c']);
      });
    });

    describe('jobs', () => {
      it('schedules, upserts by id and lists jobs', async () => {
        await store.scheduleJobs([
          makeJob({ id: 'j-b', dueAt: 2_000 }),
          makeJob({ id: 'j-a', dueAt: 1_000, kind: 'auto-close' }),
          makeJob({ id: 'j-other', dueAt: 1_500, tenant: 'T0002', roundId: 'round-x' }),
        ]);
        await store.scheduleJobs([makeJob({ id: 'j-b', dueAt: 3_000, payload: { v: 2 } })]);
        await store.scheduleJobs([]);
        const all = await store.listJobs();
        expect(all.map((j) => j.id)).toEqual(['j-a', 'j-other', 'j-b']);
        expect(all.find((j) => j.id === 'j-b')).toEqual(makeJob({ id: 'j-b', dueAt: 3_000, payload: { v: 2 } }));
        expect((await store.listJobs('T0001')).map((j) => j.id)).toEqual(['j-a', 'j-b']);
        expect((await store.listJobs('T0002', 'round-x')).map((j) => j.id)).toEqual(['j-other']);
        expect(await store.listJobs('T0001', 'round-x')).toEqual([]);
      });

      it('claims only due jobs, and a leased job only after its lease', async () => {
        await store.scheduleJobs([makeJob({ id: 'due', dueAt: 1_000 }), makeJob({ id: 'later', dueAt: 5_000 })]);
        expect(await store.claimDueJobs(999, 10, 500)).toEqual([]);
        const claimed = await store.claimDueJobs(1_000, 10, 500);
        expect(claimed).toEqual([makeJob({ id: 'due', dueAt: 1_000 })]);
        expect(await store.claimDueJobs(1_200, 10, 500)).toEqual([]);
        expect(await store.claimDueJobs(1_499, 10, 500)).toEqual([]);
        // The worker "died": the job comes back when the lease runs out.
        expect((await store.claimDueJobs(1_500, 10, 500)).map((j) => j.id)).toEqual(['due']);
        // Leased again until 2 000; at 5 000 both are due (the first lease-expired, the second on time).
        expect(await store.claimDueJobs(1_999, 10, 500)).toEqual([]);
        expect((await store.claimDueJobs(5_000, 10, 500)).map((j) => j.id)).toEqual(['due', 'later']);
        expect(await store.claimDueJobs(5_000, 0, 500)).toEqual([]);
      });

      it('claims in due order and respects the limit', async () => {
        await store.scheduleJobs([3, 1, 2, 5, 4].map((n) => makeJob({ id: `j${n}`, dueAt: n * 100 })));
        expect((await store.claimDueJobs(10_000, 2, 60_000)).map((j) => j.id)).toEqual(['j1', 'j2']);
        expect((await store.claimDueJobs(10_000, 10, 60_000)).map((j) => j.id)).toEqual(['j3', 'j4', 'j5']);
      });

      it('gives each of 50 due jobs to exactly one of three concurrent claimers', async () => {
        await store.scheduleJobs(Array.from({ length: 50 }, (_, i) => makeJob({ id: `job-${i}`, dueAt: 1_000 + i })));
        const claimers = [store, await peer(), await peer()];
        const claimedBy = await Promise.all(
          claimers.map(async (s) => {
            const mine: string[] = [];
            for (;;) {
              const batch = await s.claimDueJobs(2_000, 7, 60_000);
              if (batch.length === 0) return mine;
              mine.push(...batch.map((j) => j.id));
            }
          }),
        );
        const all = claimedBy.flat();
        expect(all).toHaveLength(50);
        expect(new Set(all).size).toBe(50);
      });

      it('completes a job', async () => {
        await store.scheduleJobs([makeJob({ id: 'j1' }), makeJob({ id: 'j2' })]);
        const [job] = await store.claimDueJobs(1_000, 1, 500);
        await store.completeJob(job!.id);
        await store.completeJob('never-there');
        expect((await store.listJobs()).map((j) => j.id)).toEqual(['j2']);
        expect(await store.claimDueJobs(10_000, 10, 500)).toHaveLength(1);
      });

      it('retries a job with a new due time, attempt count and error', async () => {
        await store.scheduleJobs([makeJob({ id: 'j1' })]);
        const [job] = await store.claimDueJobs(1_000, 10, 500);
        await store.retryJob({ ...job!, attempts: 1 }, 4_000, 'Slack said 500');
        expect(await store.listJobs()).toEqual([makeJob({ id: 'j1', dueAt: 4_000, attempts: 1, lastError: 'Slack said 500' })]);
        expect(await store.claimDueJobs(3_999, 10, 500)).toEqual([]);
        const [again] = await store.claimDueJobs(4_000, 10, 500);
        expect(again).toMatchObject({ id: 'j1', attempts: 1, lastError: 'Slack said 500' });

        // A job cancelled while it ran is not brought back by its retry.
        await store.completeJob('j1');
        await store.retryJob({ ...again!, attempts: 2 }, 9_000, 'again');
        expect(await store.listJobs()).toEqual([]);
      });

      it('cancels a round’s jobs, optionally only some kinds', async () => {
        const kinds: JobKind[] = ['factor-open', 'reminder', 'weekly-digest', 'final-digest'];
        await store.scheduleJobs([
          ...kinds.map((kind) => makeJob({ id: `r1-${kind}`, kind })),
          makeJob({ id: 'r2-reminder', roundId: 'round-2' }),
          makeJob({ id: 'other-tenant', tenant: 'T0002' }),
        ]);
        await store.cancelRoundJobs('T0001', 'round-1', []);
        expect(await store.listJobs()).toHaveLength(6);
        await store.cancelRoundJobs('T0001', 'round-1', ['reminder', 'weekly-digest', 'factor-open']);
        expect((await store.listJobs()).map((j) => j.id).sort()).toEqual(['other-tenant', 'r1-final-digest', 'r2-reminder']);
        await store.cancelRoundJobs('T0001', 'round-2');
        expect((await store.listJobs()).map((j) => j.id).sort()).toEqual(['other-tenant', 'r1-final-digest']);
        // Rescheduling after a cancel works (ids are reused).
        await store.scheduleJobs([makeJob({ id: 'r1-reminder' })]);
        expect((await store.listJobs('T0001', 'round-1')).map((j) => j.id).sort()).toEqual(['r1-final-digest', 'r1-reminder']);
      });
    });

    describe('tenant isolation', () => {
      it('keeps the same round id in different tenants apart, whatever the tenant is called', async () => {
        const tenants = ['acme', 'acme:x', 'acme:{r:acme', 'a%3Ab', 'a:b', '_nx', 'rec'];
        for (const tenant of tenants) {
          await store.createRound(makeRound({ tenant, id: 'r1', title: `round of ${tenant}` }));
          await store.setActiveRoundForChannel(tenant, 'C1', `active-${tenant}`);
        }
        // "a" + "b:r1" would collide with "a:b" + "r1" under naive joining.
        await store.createRound(makeRound({ tenant: 'a', id: 'b:r1' }));

        await store.recordVote(vote({ tenant: 'acme', roundId: 'r1', memberId: 'U-a', level: 'partly' }));
        await store.saveAnswer('acme:x', 'r1', answer('f1', 'U-a', 'x'));
        await store.recordVote(vote({ tenant: 'a', roundId: 'b:r1', memberId: 'U-a', level: 'in-place' }));

        for (const tenant of tenants) {
          expect((await store.getRound(tenant, 'r1'))?.title).toBe(`round of ${tenant}`);
          expect((await store.listRounds(tenant)).map((r) => r.tenant)).toEqual([tenant]);
          expect(await store.activeRoundForChannel(tenant, 'C1')).toBe(`active-${tenant}`);
          const counts = await store.getCounts(tenant, 'r1', 'f1');
          expect(counts.partly).toBe(tenant === 'acme' ? 1 : 0);
          expect(counts['in-place']).toBe(0);
          const ans = await store.getMemberAnswer(tenant, 'r1', 'f1', 'U-a');
          expect(ans === null).toBe(tenant !== 'acme:x');
        }
        expect((await store.getCounts('a', 'b:r1', 'f1'))['in-place']).toBe(1);
        expect(await store.listTenants()).toEqual([...tenants, 'a'].sort());

        await store.deleteRound('acme', 'r1');
        expect(await store.getRound('acme', 'r1')).toBeNull();
        expect(await store.getRound('acme:x', 'r1')).not.toBeNull();
        expect(await store.listTenants()).not.toContain('acme');
      });
    });
  });
}
