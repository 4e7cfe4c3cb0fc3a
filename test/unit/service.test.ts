// Domain rules through the service on the embedded store: lifecycle, votes, answers, permissions, baseline comparison.
import { describe, expect, it } from 'vitest';
import { AnonymityKeyring } from '../../src/core/anonymity-keys.js';
import { PackRegistry } from '../../src/content/registry.js';
import { AppError } from '../../src/core/errors.js';
import { AssessmentService } from '../../src/core/service.js';
import { canTransition } from '../../src/core/lifecycle.js';
import { ROUND_STATUSES } from '../../src/core/model.js';
import { compareTallies } from '../../src/core/tally.js';
import { COORD, MEMBERS, errorCode, makeService, settings } from '../helpers/world.js';

async function started(partial = {}) {
  const w = makeService();
  const round = await w.service.startRound({ tenant: 'T1', platform: 'slack', settings: settings(partial), actor: COORD });
  return { ...w, round };
}

const vote = (w: Awaited<ReturnType<typeof started>>, actor: string, level: 'in-place' | 'partly' | 'not-in-place' | 'dont-know', factorId = 'f01', interactionId = `${actor}-${level}-${Math.random()}`) =>
  w.service.castVote({ tenant: 'T1', roundId: w.round.id, factorId, actor: { id: actor }, level, interactionId });

describe('lifecycle', () => {
  it('only allows draft → open → closed → archived', () => {
    const allowed = ROUND_STATUSES.flatMap((from) => ROUND_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed).toEqual(['draft→open', 'open→closed', 'closed→archived']);
  });

  it('start opens the round, schedules its calendar and makes it the channel\'s active round', async () => {
    const w = await started();
    expect(w.round.status).toBe('open');
    expect(w.round.factorIds).toHaveLength(13);
    expect(await w.store.activeRoundForChannel('T1', 'C_MANGFALD')).toBe(w.round.id);
    const kinds = new Set((await w.store.listJobs('T1', w.round.id)).map((j) => j.kind));
    expect(kinds).toEqual(new Set(['reminder', 'weekly-digest', 'auto-close']));
  });

  it('refuses a second round in the same channel while one is open', async () => {
    const w = await started();
    expect(await errorCode(w.service.startRound({ tenant: 'T1', platform: 'slack', settings: settings(), actor: COORD }))).toBe('ROUND_ALREADY_OPEN_IN_CHANNEL');
  });

  it('illegal transitions are typed errors and change nothing', async () => {
    const w = await started();
    expect(await errorCode(w.service.openRound('T1', w.round.id, COORD))).toBe('ILLEGAL_TRANSITION');
    expect(await errorCode(w.service.archiveRound('T1', w.round.id, COORD))).toBe('ILLEGAL_TRANSITION');
    expect((await w.service.getRound('T1', w.round.id)).status).toBe('open');
    await w.service.closeRound('T1', w.round.id, COORD);
    expect(await errorCode(w.service.closeRound('T1', w.round.id, COORD))).toBe('ILLEGAL_TRANSITION');
    const archived = await w.service.archiveRound('T1', w.round.id, COORD);
    expect(archived.status).toBe('archived');
  });

  it('closing cancels pending reminders and digests and schedules the final digest (and the retention purge)', async () => {
    const w = await started();
    await w.service.closeRound('T1', w.round.id, COORD);
    const jobs = await w.store.listJobs('T1', w.round.id);
    expect(jobs.map((j) => j.kind)).toEqual(['final-digest', 'retention-purge']);
    expect(await w.store.activeRoundForChannel('T1', 'C_MANGFALD')).toBeNull();
  });

  it('rejects a bad calendar with a clear, localised message', async () => {
    const w = makeService();
    const err = await w.service
      .startRound({ tenant: 'T1', platform: 'slack', settings: settings({ closeDate: '2026-02-01' }), actor: COORD })
      .catch((e: AppError) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('INVALID_CALENDAR');
    expect((err as AppError).userMessage('sv')).toMatch(/^Kalendern stämmer inte/);
  });
});

describe('votes', () => {
  it('the latest vote counts and can be changed until close', async () => {
    const w = await started();
    await vote(w, 'U_ANNA', 'partly');
    const changed = await vote(w, 'U_ANNA', 'in-place');
    expect(changed.previous).toBe('partly');
    expect(changed.tally.counts).toMatchObject({ 'in-place': 1, partly: 0 });
    expect(changed.changeUntil).toBe(w.round.calendar.closesAt);
    expect(await w.service.myVote(w.round, 'f01', 'U_ANNA')).toBe('in-place');
  });

  it('the same interaction counts once', async () => {
    const w = await started();
    const a = await vote(w, 'U_BO', 'partly', 'f02', 'ix-1');
    const b = await vote(w, 'U_BO', 'partly', 'f02', 'ix-1');
    expect(a.applied).toBe(true);
    expect(b.applied).toBe(false);
    expect(b.counts.partly).toBe(1);
  });

  it('votes after close are refused and not stored', async () => {
    const w = await started();
    await vote(w, 'U_ANNA', 'partly');
    await w.service.closeRound('T1', w.round.id, COORD);
    expect(await errorCode(vote(w, 'U_BO', 'in-place'))).toBe('ROUND_CLOSED');
    expect(await w.store.getCounts('T1', w.round.id, 'f01')).toMatchObject({ partly: 1, 'in-place': 0 });
  });

  it('a vote reads its round only when the round has changed, also when another process changed it', async () => {
    const w = await started();
    // A second service on the same store: another replica of the bot.
    const other = new AssessmentService({ store: w.store, packs: PackRegistry.fromDir(), clock: w.clock, anonymityKeys: new AnonymityKeyring('test-secret') });
    await vote(w, 'U_ANNA', 'partly');
    const trips = w.store.roundTrips();
    await vote(w, 'U_BO', 'partly');
    expect(w.store.roundTrips() - trips).toBe(1);

    await other.closeRound('T1', w.round.id, COORD);
    expect(await errorCode(vote(w, 'U_CECILIA', 'in-place'))).toBe('ROUND_CLOSED');
    expect(await w.store.getCounts('T1', w.round.id, 'f01')).toMatchObject({ partly: 2, 'in-place': 0 });
  });

  it('a remembered round does not keep refusing a member whom another process has since added', async () => {
    const w = await started();
    await vote(w, 'U_ANNA', 'partly');
    expect(await errorCode(vote(w, 'U_NEWCOMER', 'partly'))).toBe('NOT_PARTICIPANT');
    // Another replica adds the newcomer (a direct write of the round, as any other process would make).
    await w.store.updateRound('T1', w.round.id, (r) => ({ ...r, participants: [...r.participants, 'U_NEWCOMER'] }));
    const counted = await vote(w, 'U_NEWCOMER', 'partly');
    expect(counted.applied).toBe(true);
    expect(counted.tally.eligible).toBe(w.round.participants.length + 1);
  });

  it('a vote on a round that other replicas keep writing still counts, once, and never fails as a conflict', async () => {
    const w = await started();
    // Another replica writes the round between every read and vote of ours (e.g. Teams saving names on first votes).
    const store = w.store;
    const recordVote = store.recordVote.bind(store);
    const checked: (string | undefined)[] = [];
    store.recordVote = async (v) => {
      checked.push(v.roundRev);
      if (v.roundRev !== undefined) await store.updateRound('T1', w.round.id, (r) => ({ ...r, names: { ...r.names, [`U_X${checked.length}`]: 'X' } }));
      return recordVote(v);
    };
    const counted = await vote(w, 'U_ANNA', 'partly');
    expect(counted.applied).toBe(true);
    expect(checked.map((r) => r !== undefined)).toEqual([true, true, false]);
    expect(await store.getCounts('T1', w.round.id, 'f01')).toMatchObject({ partly: 1 });
  });

  it('refuses unknown factors', async () => {
    const w = await started();
    expect(await errorCode(vote(w, 'U_ANNA', 'partly', 'f99'))).toBe('UNKNOWN_FACTOR');
  });
});

describe('answers', () => {
  it('saves per question, trims, keeps http(s) evidence links', async () => {
    const w = await started();
    const saved = await w.service.saveAnswer({
      tenant: 'T1', roundId: w.round.id, factorId: 'f01', actor: { id: 'U_ANNA' },
      texts: { 'f01-q1': '  Ja, i budgeten 2026.  ', 'f01-q2': '' },
      evidence: ['https://kommun.se/protokoll/2026-02', ' http://example.org/rapport '],
    });
    expect(saved.texts).toEqual({ 'f01-q1': 'Ja, i budgeten 2026.' });
    expect(saved.evidence).toEqual(['https://kommun.se/protokoll/2026-02', 'http://example.org/rapport']);
    expect(await w.service.myAnswer(w.round, 'f01', 'U_ANNA')).toMatchObject({ texts: { 'f01-q1': 'Ja, i budgeten 2026.' } });
  });

  it('refuses javascript: and other non-http links, too-long text and unknown questions, storing nothing', async () => {
    const w = await started();
    const base = { tenant: 'T1', roundId: w.round.id, factorId: 'f01', actor: { id: 'U_ANNA' } };
    expect(await errorCode(w.service.saveAnswer({ ...base, texts: { 'f01-q1': 'ok' }, evidence: ['javascript:alert(1)'] }))).toBe('BAD_EVIDENCE_LINK');
    expect(await errorCode(w.service.saveAnswer({ ...base, texts: { 'f01-q1': 'ok' }, evidence: ['not a link'] }))).toBe('BAD_EVIDENCE_LINK');
    expect(await errorCode(w.service.saveAnswer({ ...base, texts: { 'f01-q1': 'x'.repeat(3001) }, evidence: [] }))).toBe('ANSWER_TOO_LONG');
    expect(await errorCode(w.service.saveAnswer({ ...base, texts: { 'f02-q1': 'wrong factor' }, evidence: [] }))).toBe('UNKNOWN_QUESTION');
    expect(await w.service.myAnswer(w.round, 'f01', 'U_ANNA')).toBeNull();
  });

  it('accepts exactly 3,000 characters', async () => {
    const w = await started();
    const saved = await w.service.saveAnswer({ tenant: 'T1', roundId: w.round.id, factorId: 'f01', actor: { id: 'U_ANNA' }, texts: { 'f01-q1': 'x'.repeat(3000) }, evidence: [] });
    expect(saved.texts['f01-q1']).toHaveLength(3000);
  });
});

describe('permissions', () => {
  it('only participants vote or answer', async () => {
    const w = await started();
    expect(await errorCode(vote(w, 'U_STRANGER', 'partly'))).toBe('NOT_PARTICIPANT');
    expect(await errorCode(w.service.saveAnswer({ tenant: 'T1', roundId: w.round.id, factorId: 'f01', actor: { id: 'U_STRANGER' }, texts: {}, evidence: [] }))).toBe('NOT_PARTICIPANT');
  });

  it('only coordinators close or note context, and the refusal names the coordinator', async () => {
    const w = await started();
    const err = await w.service.closeRound('T1', w.round.id, { id: MEMBERS[0]! }).catch((e: AppError) => e);
    expect((err as AppError).code).toBe('NOT_COORDINATOR');
    expect((err as AppError).userMessage('sv')).toBe('Bara samordnaren kan göra det här. Fråga Cora.');
    expect(await errorCode(w.service.noteContext('T1', w.round.id, { id: 'U_BO' }, 'x', 'y'))).not.toBe('no error');
    expect((await w.service.getRound('T1', w.round.id)).status).toBe('open');
  });

  it('a closed round is read-only, context notes included', async () => {
    const w = await started();
    const ctxId = w.service.packs.get('integrating-cities-diversity', 'sv').contextFactors[0]!.id;
    await w.service.noteContext('T1', w.round.id, COORD, ctxId, 'Budgeten halverad 2026');
    await w.service.closeRound('T1', w.round.id, COORD);
    expect(await errorCode(w.service.noteContext('T1', w.round.id, COORD, ctxId, 'later'))).toBe('ROUND_CLOSED');
    expect((await w.service.getRound('T1', w.round.id)).contextNotes.map((n) => n.comment)).toEqual(['Budgeten halverad 2026']);
  });
});

describe('baseline and the whole round', () => {
  it('a new round in the channel points at the baseline and compares per factor', async () => {
    const w = makeService();
    const first = await w.service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ isBaseline: true }), actor: COORD });
    for (const m of MEMBERS) {
      await w.service.castVote({ tenant: 'T1', roundId: first.id, factorId: 'f01', actor: { id: m }, level: 'not-in-place', interactionId: `a-${m}` });
      await w.service.castVote({ tenant: 'T1', roundId: first.id, factorId: 'f02', actor: { id: m }, level: 'partly', interactionId: `b-${m}` });
    }
    await w.service.closeRound('T1', first.id, COORD);
    const second = await w.service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ startDate: '2027-03-01', closeDate: '2027-04-12' }), actor: COORD });
    expect(second.baselineRoundId).toBe(first.id);
    expect(second.previousRoundId).toBe(first.id);
    for (const m of MEMBERS) {
      await w.service.castVote({ tenant: 'T1', roundId: second.id, factorId: 'f01', actor: { id: m }, level: 'in-place', interactionId: `c-${m}` });
      await w.service.castVote({ tenant: 'T1', roundId: second.id, factorId: 'f02', actor: { id: m }, level: 'partly', interactionId: `d-${m}` });
    }
    const now = await w.service.state('T1', second.id);
    const before = await w.service.state('T1', first.id);
    const cmp = compareTallies(now.tallies, before.tallies);
    expect(cmp.find((c) => c.factorId === 'f01')).toMatchObject({ trend: 'up', delta: 100 });
    expect(cmp.find((c) => c.factorId === 'f02')).toMatchObject({ trend: 'same', delta: 0 });
    // Two of 13 factors voted on: a score so far, not the round's score (verdict.ts).
    expect(now.totals).toMatchObject({ factorCount: 13, inPlace: 1, partly: 1, overallScore: null, scoreSoFar: 75, scored: 2 });
  });
});
