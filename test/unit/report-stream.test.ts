// Reports written a factor at a time (src/reports/report-stream.ts) are the whole-round exporters' text byte for
// byte, in every format, named and anonymous, closed and open; a CSV with answers to a question the toolkit no longer
// has, and a peer review, go to the whole-round exporters instead.
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/content/schema.js';
import { ReportDelivery } from '../../src/reports/delivery.js';
import { exportRound, type ExportFormat } from '../../src/reports/export.js';
import type { ReportReader } from '../../src/reports/load.js';
import { streamReport } from '../../src/reports/report-stream.js';
import { answerThreshold } from '../../src/core/anonymity.js';
import { buildReportModel, factorNeedsData, UnlistedQuestionError } from '../../src/reports/report-model.js';
import { RedisStore } from '../../src/store/index.js';
import { deleteKeysWithPrefix } from '../helpers/redis-prefix.js';
import { REDIS_URL } from '../helpers/world.js';
import { CLOSED_AT, MEMBERS, realisticRound, ROUND_ID, TENANT, WEEKLY_AT } from '../golden/realistic-round.js';

const FORMATS: ExportFormat[] = ['csv', 'md', 'json', 'html'];
/** The first guiding question of f03 in the toolkit. */
const QUESTION = 'f03-q1';
const URL = 'https://assess.example.org/reports/T/R/sig';

async function expectAccepted(vote: Promise<{ accepted: boolean }>): Promise<void> {
  expect((await vote).accepted).toBe(true);
}

async function joined(pieces: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of pieces) text += piece;
  return text;
}

/**
 * The read model, with `around` run each time a report asks who answered a factor: it is given that listing to run,
 * so it can count it, or change the store before or after it.
 */
function aroundAnswered(read: ReportReader, around: (factorId: string, list: () => Promise<readonly string[]>) => Promise<readonly string[]>): ReportReader {
  return {
    state: (...a) => read.state(...a),
    reportState: (...a) => read.reportState(...a),
    comparisonState: (...a) => read.comparisonState(...a),
    async factorAnswers(tenant, roundId) {
      const inner = await read.factorAnswers(tenant, roundId);
      return { answered: (factorId) => around(factorId, () => inner.answered(factorId)), read: (factorId, ids) => inner.read(factorId, ids) };
    },
  };
}

/** The read model, counting the factors whose answers were read. */
function counting(read: ReportReader): { read: ReportReader; factorsRead: string[] } {
  const factorsRead: string[] = [];
  return {
    factorsRead,
    read: aroundAnswered(read, (factorId, list) => {
      factorsRead.push(factorId);
      return list();
    }),
  };
}

describe('reports written a factor at a time', () => {
  for (const locale of ['sv', 'en'] as Locale[]) {
    for (const anonymous of [false, true]) {
      for (const stage of ['final', 'weekly'] as const) {
        it(`are the whole-round text in every format (${locale}, ${anonymous ? 'anonymous' : 'named'}, ${stage})`, async () => {
          const world = await realisticRound({ locale, anonymous, stage });
          if (anonymous) {
            // Enough answers on one factor that an anonymous report shows them (unattributed, in text order).
            const round = world.state.round;
            for (const [i, [member]] of MEMBERS.entries()) {
              await world.store.saveAnswer(TENANT, ROUND_ID, { factorId: 'f03', memberId: world.service.memberKey(round, member), texts: { [QUESTION]: `Svar ${12 - i}: ja, *delvis*` }, evidence: [`https://kommun.example/${i}`], at: '2026-01-28T09:15:00.000Z' });
            }
          }
          const now = stage === 'final' ? CLOSED_AT : WEEKLY_AT;
          const whole = await world.service.read.reportState(TENANT, ROUND_ID);
          const baseline = await world.service.read.comparisonState(whole.round);
          for (const format of FORMATS) {
            const opts = { now, reportUrl: URL, plan: null };
            const expected = await exportRound(whole, baseline, format, opts);
            const { read, factorsRead } = counting(world.service.read);
            const streamed = await streamReport(read, TENANT, ROUND_ID, format, opts);
            expect(streamed).not.toBeNull();
            expect(streamed!.filename).toBe(expected.filename);
            expect(streamed!.contentType).toBe(expected.contentType);
            const text = await joined(streamed!.pieces);
            expect(text).toBe(expected.body);
            if (anonymous && stage === 'final') expect(text).toContain('Svar 1: ja');
            // Each factor's answers are read once, and only for factors that show them.
            const shown = buildReportModel(whole, baseline, opts).factors.filter((f) => factorNeedsData(f)).map((f) => f.factorId);
            // (An open anonymous round holds every answer back: two downloads would show what someone wrote between.)
            expect(shown.length > 0).toBe(!(anonymous && stage === 'weekly'));
            expect(factorsRead).toEqual(shown);
          }
        });
      }
    }
  }

  it('reads each factor\'s answers by name from Redis (summaries first, then batches): the same text, every format', async () => {
    for (const anonymous of [false, true]) {
      const prefix = `test-report-stream-${randomBytes(5).toString('hex')}`;
      const store = await RedisStore.open(REDIS_URL, { prefix });
      try {
        const world = await realisticRound({ locale: 'sv', anonymous, store });
        if (anonymous) {
          for (const [i, [member]] of MEMBERS.entries()) {
            await store.saveAnswer(TENANT, ROUND_ID, { factorId: 'f03', memberId: world.service.memberKey(world.state.round, member), texts: { [QUESTION]: `Svar ${i}` }, evidence: [], at: '2026-01-28T09:15:00.000Z' });
          }
        }
        const members = await store.answerMembers(TENANT, ROUND_ID, { count: 5 });
        expect([...members.values()].flat().length).toBeGreaterThan(10);
        const whole = await world.service.read.reportState(TENANT, ROUND_ID);
        const baseline = await world.service.read.comparisonState(whole.round);
        for (const format of FORMATS) {
          const opts = { now: CLOSED_AT, reportUrl: URL, plan: null };
          const expected = await exportRound(whole, baseline, format, opts);
          const streamed = await streamReport(world.service.read, TENANT, ROUND_ID, format, opts);
          expect(await joined(streamed!.pieces)).toBe(expected.body);
        }
      } finally {
        await deleteKeysWithPrefix(store.client, prefix);
        await store.close();
      }
    }
  });

  it('lists a named factor\'s responses in the collator\'s order, equal names by id', async () => {
    const world = await realisticRound({ locale: 'sv' });
    const names = ['Öberg', 'Åsa', 'Zeta', 'åsa', 'Ärla', 'Anna 10', 'Anna 9', 'Åsa', 'Ola', 'Bo', 'bo', 'Åsa'];
    await world.store.rememberNames(TENANT, ROUND_ID, Object.fromEntries(MEMBERS.map(([id], i) => [id, names[i]!])));
    const whole = await world.service.read.reportState(TENANT, ROUND_ID);
    const collator = new Intl.Collator('sv-SE', { numeric: true });
    const model = buildReportModel(whole, null, { now: CLOSED_AT });
    for (const f of model.factors.filter((x) => x.responses.length > 1)) {
      const byCollator = [...Object.keys({ ...whole.snapshot.votes[f.factorId], ...whole.snapshot.answers[f.factorId] })]
        .map((id) => ({ id, label: whole.round.names[id] ?? id }))
        .sort((a, b) => collator.compare(a.label, b.label) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      expect(f.responses.map((r) => r.member.id)).toEqual(byCollator.map((r) => r.id));
    }
    expect(model.factors.some((f) => f.responses.filter((r) => r.member.label === 'Åsa').length > 1)).toBe(true);
  });

  it('hands a CSV whose answers name a question the toolkit lacks to the whole-round exporter, with that column', async () => {
    const world = await realisticRound({ locale: 'en' });
    await world.store.saveAnswer(TENANT, ROUND_ID, { factorId: 'f02', memberId: 'U01ANNA', texts: { 'retired-question': 'An answer to a question since removed' }, evidence: [], at: '2026-01-28T09:15:00.000Z' });
    const opts = { now: CLOSED_AT, plan: null };
    const streamed = await streamReport(world.service.read, TENANT, ROUND_ID, 'csv', opts);
    await expect(joined(streamed!.pieces)).rejects.toBeInstanceOf(UnlistedQuestionError);

    const delivery = new ReportDelivery({ read: world.service.read, store: world.store, clock: { now: () => CLOSED_AT } });
    const delivered = await delivery.deliver(TENANT, ROUND_ID, 'csv');
    const whole = await world.service.read.reportState(TENANT, ROUND_ID);
    const expected = await exportRound(whole, await world.service.read.comparisonState(whole.round), 'csv', opts);
    const text = gunzipSync(delivered.gzipped).toString('utf8');
    expect(text).toBe(expected.body);
    expect(text).toContain('An answer to a question since removed');
    // The markdown report is still written a factor at a time, and shows the answer under its own heading.
    const md = await streamReport(world.service.read, TENANT, ROUND_ID, 'md', opts);
    expect(await joined(md!.pieces)).toContain('An answer to a question since removed');
  });

  it('writes a large named factor batch by batch from Redis: voters only, answerers only, an answer erased mid-read, every format', async () => {
    const prefix = `test-report-stream-${randomBytes(5).toString('hex')}`;
    const store = await RedisStore.open(REDIS_URL, { prefix });
    try {
      // An open round: a closed one takes no more votes or answers.
      const world = await realisticRound({ locale: 'sv', store, stage: 'weekly' });
      // 1,234 more people on f02 (more than two batches of answers): a third only vote, a third only answer, a third
      // both; two share a display name, so they are listed by id.
      const extra = Array.from({ length: 1234 }, (_, i) => `U9${String(i).padStart(5, '0')}`);
      await store.rememberNames(TENANT, ROUND_ID, Object.fromEntries(extra.map((id, i) => [id, i < 2 ? 'Samma Namn' : `Person ${i}`])));
      for (const [i, id] of extra.entries()) {
        if (i % 3 !== 1) await expectAccepted(store.recordVote({ tenant: TENANT, roundId: ROUND_ID, factorId: 'f02', memberId: id, level: i % 2 ? 'partly' : 'in-place', interactionId: `x-${id}`, at: '2026-01-28T09:15:00.000Z' }));
        if (i % 3 !== 0) await store.saveAnswer(TENANT, ROUND_ID, { factorId: 'f02', memberId: id, texts: { 'f02-q1': `Svar ${i}; "citat", ny\nrad` }, evidence: i % 5 ? [] : [`https://kommun.example/${i}`], at: '2026-01-28T09:15:00.000Z' });
      }
      // One answerer (who did not vote) is erased after the report has listed who answered, before it reads them.
      const erased = extra[1]!;
      const read = world.service.read;
      const erasing = aroundAnswered(read, async (factorId, list) => {
        const ids = await list();
        if (factorId === 'f02') await store.client.hdel(store.keys.round(TENANT, ROUND_ID).answers, `f02|${erased}`);
        return ids;
      });
      for (const format of FORMATS) {
        const opts = { now: WEEKLY_AT, reportUrl: URL, plan: null };
        await store.saveAnswer(TENANT, ROUND_ID, { factorId: 'f02', memberId: erased, texts: { 'f02-q1': 'raderas' }, evidence: [], at: '2026-01-28T09:15:00.000Z' });
        const streamed = await streamReport(erasing, TENANT, ROUND_ID, format, opts);
        const text = await joined(streamed!.pieces);
        // The whole-round text of the round as it is after the erasure.
        const whole = await read.reportState(TENANT, ROUND_ID);
        expect(text).toBe((await exportRound(whole, await read.comparisonState(whole.round), format, opts)).body);
        expect(text).not.toContain('raderas');
        expect(text).toContain('Svar 1232');
      }
    } finally {
      await deleteKeysWithPrefix(store.client, prefix);
      await store.close();
    }
  });

  it('holds back an anonymous factor\'s texts when an erasure mid-report leaves fewer filled answers than its threshold (emptied ones do not count)', async () => {
    const prefix = `test-report-stream-${randomBytes(5).toString('hex')}`;
    const store = await RedisStore.open(REDIS_URL, { prefix });
    try {
      const world = await realisticRound({ locale: 'en', anonymous: true, store });
      const threshold = answerThreshold(world.state.round);
      // Exactly the threshold of filled answers on f06, and three emptied ones (kept, but no one's answer).
      const keys = Array.from({ length: threshold + 3 }, (_, i) => `anon-extra${String(i).padStart(4, '0')}`);
      for (const [i, key] of keys.entries()) {
        await store.saveAnswer(TENANT, ROUND_ID, { factorId: 'f06', memberId: key, texts: i < threshold ? { 'f06-q1': `Text ${i}` } : {}, evidence: [], at: '2026-01-28T09:15:00.000Z' });
      }
      const read = world.service.read;
      const opts = { now: CLOSED_AT, plan: null };
      const before = await joined((await streamReport(read, TENANT, ROUND_ID, 'md', opts))!.pieces);
      expect(before).toContain('Text 0');
      const erasing = aroundAnswered(read, async (factorId, list) => {
        // After the report's frame counted the answers, before they are read.
        if (factorId === 'f06') await store.eraseMember(TENANT, ROUND_ID, keys[0]!, 'anon-erased');
        return list();
      });
      const text = await joined((await streamReport(erasing, TENANT, ROUND_ID, 'md', opts))!.pieces);
      expect(text).not.toMatch(/Text \d/);
    } finally {
      await deleteKeysWithPrefix(store.client, prefix);
      await store.close();
    }
  });

  it('hands a JSON report whose answers name a question the toolkit lacks to the whole-round exporter', async () => {
    const world = await realisticRound({ locale: 'en' });
    await world.store.saveAnswer(TENANT, ROUND_ID, { factorId: 'f02', memberId: 'U01ANNA', texts: { 'retired-question': 'Since removed' }, evidence: [], at: '2026-01-28T09:15:00.000Z' });
    const opts = { now: CLOSED_AT, plan: null };
    const streamed = await streamReport(world.service.read, TENANT, ROUND_ID, 'json', opts);
    await expect(joined(streamed!.pieces)).rejects.toBeInstanceOf(UnlistedQuestionError);
    const delivered = await new ReportDelivery({ read: world.service.read, store: world.store, clock: { now: () => CLOSED_AT } }).deliver(TENANT, ROUND_ID, 'json');
    const whole = await world.service.read.reportState(TENANT, ROUND_ID);
    const expected = await exportRound(whole, await world.service.read.comparisonState(whole.round), 'json', opts);
    const text = gunzipSync(delivered.gzipped).toString('utf8');
    expect(text).toBe(expected.body);
    expect(JSON.parse(text).factors.find((f: { factorId: string }) => f.factorId === 'f02').questions.at(-1).id).toBe('retired-question');
  });

  it('leaves a peer review (its findings are answers, shown before the factors) to the whole-round exporters', async () => {
    const world = await realisticRound({ locale: 'sv', mode: 'peer-review' });
    expect(await streamReport(world.service.read, TENANT, ROUND_ID, 'html', { now: CLOSED_AT, plan: null })).toBeNull();
    const delivery = new ReportDelivery({ read: world.service.read, store: world.store, clock: { now: () => CLOSED_AT } });
    const delivered = await delivery.deliver(TENANT, ROUND_ID, 'md');
    const whole = await world.service.read.reportState(TENANT, ROUND_ID);
    const expected = await exportRound(whole, await world.service.read.comparisonState(whole.round), 'md', { now: CLOSED_AT, plan: null });
    expect(gunzipSync(delivered.gzipped).toString('utf8')).toBe(expected.body);
  });
});
