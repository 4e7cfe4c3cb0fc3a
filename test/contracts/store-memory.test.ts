// The Store contract on the embedded store, plus its snapshot file.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyCounts } from '../../src/core/model.js';
import { MemoryStore } from '../../src/store/index.js';
import { namesAndViewContract } from './store-names-view.contract.js';
import { pagedReadsContract } from './store-paged.contract.js';
import { makeJob, makeRound, storeContract } from './store.contract.js';

storeContract(
  'memory',
  async () => new MemoryStore(),
  async (s) => s.close(),
);

namesAndViewContract(
  'memory',
  async () => new MemoryStore(),
  async (s) => s.close(),
);

pagedReadsContract(
  'memory',
  async () => new MemoryStore(),
  async (s) => s.close(),
  { keepsReports: false },
);

describe('MemoryStore snapshot file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assess-memory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the whole state across two instances', async () => {
    const file = join(dir, 'nested', 'state.json');
    const a = new MemoryStore({ snapshotFile: file });
    await a.createRound(makeRound());
    await a.setActiveRoundForChannel('T0001', 'C-general', 'round-1');
    const v = {
      tenant: 'T0001',
      roundId: 'round-1',
      factorId: 'f1',
      memberId: 'U-a',
      level: 'partly' as const,
      interactionId: 'ix-1',
      at: '2026-03-03T10:00:00+01:00',
    };
    await a.recordVote(v);
    await a.saveAnswer('T0001', 'round-1', {
      factorId: 'f1',
      memberId: 'U-a',
      texts: { q1: 'yes' },
      evidence: [],
      at: '2026-03-03T10:00:00+01:00',
    });
    await a.setCardRef('T0001', 'round-1', 'f1', { messageId: 'm1', channelId: 'C-general' });
    await a.setIfNotExists('event-1', 60_000);
    await a.putRecord('installations', 'T0001', { token: 'xoxb-1' });
    await a.ensureSecret('anonymity', 'kept-across-restarts-0123456789');
    await a.scheduleJobs([makeJob({ id: 'j1', dueAt: 1_000 }), makeJob({ id: 'j2', dueAt: 2_000 })]);
    await a.claimDueJobs(1_000, 10, 10_000); // j1 leased until 11 000
    await a.close();
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']); // no temp file left behind

    const b = new MemoryStore({ snapshotFile: file });
    const snap = await b.getSnapshot('T0001', 'round-1');
    expect(snap?.round).toEqual(makeRound());
    expect(snap?.votes.f1).toEqual({ 'U-a': 'partly' });
    expect(snap?.counts.f1).toEqual({ ...emptyCounts(), partly: 1 });
    expect(snap?.answers.f1?.['U-a']?.texts).toEqual({ q1: 'yes' });
    expect(await b.activeRoundForChannel('T0001', 'C-general')).toBe('round-1');
    expect(await b.getCardRefs('T0001', 'round-1')).toEqual({ f1: { messageId: 'm1', channelId: 'C-general' } });
    expect(await b.setIfNotExists('event-1', 60_000)).toBe(false);
    expect(await b.getRecord('installations', 'T0001')).toEqual({ token: 'xoxb-1' });
    expect(await b.ensureSecret('anonymity', 'a-new-candidate-after-restart')).toBe('kept-across-restarts-0123456789');
    expect(await b.listTenants()).toEqual(['T0001']);
    // The interaction was seen before the restart: a redelivery still counts once.
    expect((await b.recordVote(v)).applied).toBe(false);
    // The lease survived too.
    expect((await b.claimDueJobs(5_000, 10, 10_000)).map((j) => j.id)).toEqual(['j2']);
    expect((await b.claimDueJobs(11_000, 10, 10_000)).map((j) => j.id)).toEqual(['j1']);
    await b.close();
  });

  it('keeps the answer summaries in the file, and rebuilds them for a file written before they existed', async () => {
    const file = join(dir, 'answer-meta.json');
    const a = new MemoryStore({ snapshotFile: file });
    await a.createRound(makeRound());
    const answer = (memberId: string, evidence: string[], at: string) => ({ factorId: 'f1', memberId, texts: { q1: 'svar' }, evidence, at });
    await a.saveAnswer('T0001', 'round-1', answer('U-b', ['https://b.example/1'], '2026-03-04T10:00:00+01:00'));
    await a.saveAnswer('T0001', 'round-1', answer('U-a', ['https://a.example/1', 'https://a.example/2'], '2026-03-03T10:00:00+01:00'));
    const expected = { answers: 2, evidence: 3, links: ['https://a.example/1', 'https://a.example/2', 'https://b.example/1'] };
    expect((await a.getSnapshot('T0001', 'round-1', { answers: false }))?.answerStats?.f1).toEqual(expected);
    await a.close();

    const saved = JSON.parse(readFileSync(file, 'utf8')) as { rounds: { answerMeta?: unknown[] }[] };
    expect(saved.rounds[0]?.answerMeta).toHaveLength(2);
    expect((await new MemoryStore({ snapshotFile: file }).getSnapshot('T0001', 'round-1', { answers: false }))?.answerStats?.f1).toEqual(expected);

    // The same file as the previous release wrote it: no summaries.
    delete saved.rounds[0]?.answerMeta;
    writeFileSync(file, JSON.stringify(saved));
    const old = new MemoryStore({ snapshotFile: file });
    expect((await old.getSnapshot('T0001', 'round-1', { answers: false }))?.answerStats?.f1).toEqual(expected);
    await old.close();
  });

  it('keeps remembered names in the file, and loads a file written before they had their own place', async () => {
    const file = join(dir, 'names.json');
    const a = new MemoryStore({ snapshotFile: file });
    await a.createRound(makeRound());
    await a.rememberNames('T0001', 'round-1', { 'U-b': 'Bo' });
    await a.close();
    const b = new MemoryStore({ snapshotFile: file });
    expect((await b.getRound('T0001', 'round-1'))?.names).toEqual({ 'U-a': 'Anna', 'U-b': 'Bo' });
    await b.close();

    const saved = JSON.parse(readFileSync(file, 'utf8')) as { rounds: { names?: unknown }[] };
    delete saved.rounds[0]?.names;
    writeFileSync(file, JSON.stringify(saved));
    const old = new MemoryStore({ snapshotFile: file });
    expect((await old.getRound('T0001', 'round-1'))?.names).toEqual({ 'U-a': 'Anna' });
    await old.close();
  });

  it('saves on its own shortly after a write (debounced)', async () => {
    const file = join(dir, 'debounced.json');
    const s = new MemoryStore({ snapshotFile: file, snapshotDebounceMs: 20 });
    await s.createRound(makeRound());
    await s.putRecord('a', 'b', { c: 1 });
    expect(existsSync(file)).toBe(false);
    // The save is a timer then an async write and rename: wait for the file, not for a guess at how long that takes.
    await expect.poll(() => existsSync(file)).toBe(true);
    expect(await new MemoryStore({ snapshotFile: file }).getRound('T0001', 'round-1')).toEqual(makeRound());
    await s.close();
  });

  it('refuses to start from a corrupt file instead of silently starting empty', () => {
    const file = join(dir, 'corrupt.json');
    writeFileSync(file, '{"version":1,"rounds":[');
    expect(() => new MemoryStore({ snapshotFile: file })).toThrow();
  });

  it('counts one round trip per call', async () => {
    const s = new MemoryStore();
    await s.createRound(makeRound());
    const before = s.roundTrips();
    await s.recordVote({
      tenant: 'T0001',
      roundId: 'round-1',
      factorId: 'f1',
      memberId: 'U-a',
      level: 'partly',
      interactionId: 'i',
      at: '2026-03-03T10:00:00+01:00',
    });
    await s.getSnapshot('T0001', 'round-1');
    expect(s.roundTrips() - before).toBe(2);
  });
});
