// Unit tests for the ways of working: settings for a restart, action-plan parsing and reminder timing, history trends,
// privacy helpers, the peer-review permission rules through the service, and what the digest adds per mode.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionReminderJob, parseActionTag, parseDueDate, planGoals, resolveFactor } from '../../src/core/action-plan.js';
import { AppError } from '../../src/core/errors.js';
import { buildHistory, historyTable } from '../../src/core/history.js';
import type { Action, Round } from '../../src/core/model.js';
import { peerFactorId } from '../../src/core/peer-review.js';
import { recordMentions, redactNames, retentionDueAt, retentionJob, withoutPerson } from '../../src/core/privacy.js';
import type { AssessmentService } from '../../src/core/service.js';
import type { RoundState } from '../../src/core/read-model.js';
import { settingsFromRound } from '../../src/core/settings.js';
import { buildDigest } from '../../src/core/views/digest.js';
import type { RedisStore } from '../../src/store/index.js';
import { COORD, MEMBERS, dropPrefix, makeService, packs, redisStore, settings } from '../helpers/world.js';

const pack = packs.get('integrating-cities-diversity', 'sv');

async function code(p: Promise<unknown> | (() => unknown)): Promise<{ code: string; en: string; sv: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    const err = e as AppError;
    return { code: err.code, en: err.userMessage('en'), sv: err.userMessage('sv') };
  }
  throw new Error('expected an AppError');
}

function action(over: Partial<Action> = {}): Action {
  return { id: 'A1', factorId: 'f01', text: 'Publicera', owner: 'U_ANNA', due: '2026-03-20', tag: 'quick-win', status: 'open', createdBy: 'U_ANNA', createdAt: '2026-03-02T08:00:00Z', ...over };
}

describe('start again', () => {
  it('takes the last round\'s settings, with new dates of the same length and without the baseline flag', async () => {
    const { service } = makeService();
    const round = await service.startRound({
      tenant: 'T1',
      platform: 'slack',
      settings: settings({ pacing: 'staggered', staggerEveryDays: 3, anonymous: true, minResponses: 4, isBaseline: true, reminderTime: '10:30', title: 'Vår 2026' }),
      actor: COORD,
    });
    const again = settingsFromRound(round, '2027-03-01');
    expect(again).toMatchObject({
      title: 'Vår 2026',
      mode: 'internal-evaluation',
      participants: [COORD.id, ...MEMBERS],
      managers: ['U_MANAGER'],
      pacing: 'staggered',
      staggerEveryDays: 3,
      anonymous: true,
      minResponses: 4,
      reminderTime: '10:30',
      isBaseline: false,
      startDate: '2027-03-01',
      closeDate: '2027-04-12', // 2026-03-02 → 2026-04-13 is six weeks
      timezone: 'Europe/Stockholm',
    });
  });
});

describe('action plan parsing and reminders', () => {
  it('resolves a factor by number, padded number or id, and names the one it cannot find', async () => {
    expect(resolveFactor(pack, '3').id).toBe('f03');
    expect(resolveFactor(pack, '03').id).toBe('f03');
    expect(resolveFactor(pack, 'F03').id).toBe('f03');
    expect(resolveFactor(pack, 'f13').number).toBe(13);
    expect((await code(() => resolveFactor(pack, '42'))).en).toBe('Key factor 42 is not in the toolkit.');
  });

  it('reads tags in both languages and dates that exist and are not past', async () => {
    expect(parseActionTag('quick')).toBe('quick-win');
    expect(parseActionTag('Snabb')).toBe('quick-win');
    expect(parseActionTag('lång')).toBe('long-term');
    expect((await code(() => parseActionTag('soon'))).code).toBe('INVALID_INPUT');
    const now = Date.parse('2026-03-02T12:00:00Z');
    expect(parseDueDate('2026-03-02', 'Europe/Stockholm', now)).toBe('2026-03-02');
    const bad = await code(() => parseDueDate('2026-02-30', 'Europe/Stockholm', now));
    expect(bad.code).toBe('INVALID_DATE');
    expect(bad.sv).toBe('Datumet 2026-02-30 stämmer inte. Skriv det som ÅÅÅÅ-MM-DD, till exempel 2027-03-01.');
    // A past day is a real date: its own message (issue #17), not "write it as YYYY-MM-DD".
    const past = await code(() => parseDueDate('2026-03-01', 'Europe/Stockholm', now));
    expect(past.code).toBe('PAST_DATE');
    expect(past.sv).toBe('2026-03-01 har redan varit. Välj ett datum från och med i dag (2026-03-02).');
    expect(past.en).toBe('2026-03-01 has already passed. Choose a date from today (2026-03-02) on.');
    expect(parseActionTag('snabbutdelning')).toBe('quick-win');
    expect(parseActionTag('längre')).toBe('long-term');
    expect((await code(() => parseDueDate('1 mars', 'Europe/Stockholm', now))).code).toBe('INVALID_DATE');
  });

  it('reminds once, the round\'s days before the due date at its reminder time, or on the day when that has passed', async () => {
    const { service } = makeService();
    const round = await service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ reminderDaysBefore: 2, reminderTime: '09:00' }), actor: COORD });
    const early = Date.parse('2026-03-02T06:00:00Z');
    const job = actionReminderJob(round, action({ due: '2026-03-20' }), early)!;
    expect(job.kind).toBe('action-reminder');
    expect(new Date(job.dueAt).toISOString()).toBe('2026-03-18T08:00:00.000Z'); // 09:00 CET
    expect(job.payload).toEqual({ actionId: 'A1', channelId: 'C_MANGFALD' }); // no owner id in the job
    const late = Date.parse('2026-03-19T12:00:00Z');
    expect(new Date(actionReminderJob(round, action({ due: '2026-03-20' }), late)!.dueAt).toISOString()).toBe('2026-03-20T08:00:00.000Z');
    expect(actionReminderJob(round, action({ due: '2026-03-20' }), Date.parse('2026-03-20T09:00:00Z'))).toBeNull();
  });
});

describe('privacy helpers', () => {
  it('matches ids as whole tokens of record ids and values, never as substrings', () => {
    expect(recordMentions('T1:R1:reminder:2026|U1', { at: 1 }, [['T1'], ['U1']])).toBe(true);
    expect(recordMentions('T1:R1:reminder:2026|U12', { at: 1 }, [['T1'], ['U1']])).toBe(false);
    expect(recordMentions('user|T1|29:abc-def', {}, [['29:abc-def']])).toBe(true);
    expect(recordMentions('x', { nested: { list: ['a', 'U1'] } }, [['U1']])).toBe(true);
    expect(recordMentions('x', { tenant: 'T2', userId: 'U1' }, [['T1'], ['U1']])).toBe(false);
  });

  it('redacts names as whole words only', () => {
    expect(redactNames('Anna och Annandag, anna', ['Anna'], '[–]')).toBe('[–] och Annandag, anna');
    expect(redactNames('Bo bor här', ['Bo'], 'x')).toBe('Bo bor här'); // shorter than three letters: left alone
  });

  it('replaces a person in a round without changing the size of any role', () => {
    const base: Round = {
      id: 'R', tenant: 'T', platform: 'slack', channel: { id: 'C' }, packId: 'p', locale: 'sv', mode: 'internal-evaluation', status: 'closed',
      createdAt: '2026-01-01T00:00:00Z', closedAt: '2026-02-01T00:00:00Z', coordinators: ['U_ANNA'], participants: ['U_ANNA', 'U_BO'], managers: [], reviewers: [],
      names: { U_ANNA: 'Anna', U_BO: 'Bo' },
      calendar: { timezone: 'Europe/Stockholm', opensAt: '2026-01-01T00:00:00Z', closesAt: '2026-02-01T00:00:00Z', pacing: { kind: 'all-at-once' }, reminders: { enabled: true, daysBefore: [2], time: '09:00' }, digest: { enabled: false, weekday: 1, time: '08:00', showNames: false } },
      factorIds: ['f01'], isBaseline: false, anonymous: false, minResponses: 3,
      contextNotes: [{ contextFactorId: 'c', comment: 'Anna följer upp', by: 'U_ANNA', at: '2026-01-02T00:00:00Z' }],
      actionPlan: { actions: [action({ owner: 'U_ANNA', createdBy: 'U_BO', text: 'Anna ringer Bo' })], nextNumber: 2 },
    };
    const out = withoutPerson(base, 'U_ANNA', 'erased-1', ['Anna'], '[–]');
    expect(out.coordinators).toEqual(['erased-1']);
    expect(out.participants).toEqual(['erased-1', 'U_BO']);
    expect(out.names).toEqual({ U_BO: 'Bo' });
    expect(out.contextNotes[0]).toMatchObject({ by: 'erased-1', comment: '[–] följer upp' });
    expect(out.actionPlan!.actions[0]).toMatchObject({ owner: 'erased-1', createdBy: 'U_BO', text: '[–] ringer Bo' });
    expect(retentionDueAt(out, 24)).toBe(Date.parse('2028-02-01T00:00:00Z'));
    expect(retentionJob({ ...out, status: 'open' }, 24)).toBeNull();
  });
});

describe('history', () => {
  it('lists each factor per round with its trend since the previous and the first round, hiding what anonymity hides', async () => {
    const { service, clock } = makeService();
    const states: RoundState[] = [];
    const year = 365 * 24 * 3600 * 1000;
    const plan: [boolean, Record<string, string[]>][] = [
      [false, { f01: ['partly', 'partly', 'not-in-place'], f02: ['in-place', 'in-place', 'in-place'] }],
      [false, { f01: ['in-place', 'in-place', 'partly'], f02: ['in-place', 'partly', 'partly'] }],
      [true, { f01: ['in-place', 'in-place'], f02: ['in-place', 'in-place', 'in-place'] }], // f01: 2 of the minimum 3
    ];
    for (const [i, [anonymous, votes]] of plan.entries()) {
      clock.set(Date.parse('2026-03-02T06:00:00Z') + i * year);
      const start = new Date(clock.now()).toISOString().slice(0, 10);
      const close = new Date(clock.now() + 40 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      const round = await service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ anonymous, minResponses: 3, isBaseline: i === 0, startDate: start, closeDate: close }), actor: COORD });
      for (const [factorId, levels] of Object.entries(votes)) {
        for (const [j, level] of levels.entries()) {
          await service.castVote({ tenant: 'T1', roundId: round.id, factorId, actor: { id: MEMBERS[j]! }, level: level as 'partly', interactionId: `${i}-${factorId}-${j}` });
        }
      }
      await service.closeRound('T1', round.id, COORD);
      states.push(await service.state('T1', round.id));
    }
    const history = buildHistory(states);
    expect(history.rounds.map((r) => r.isBaseline)).toEqual([true, false, false]);
    const f01 = history.factors.find((f) => f.factorId === 'f01')!;
    expect(f01.scores).toEqual([33.3, 83.3, null]);
    expect(f01.sincePrevious).toBe('n/a');
    const f02 = history.factors.find((f) => f.factorId === 'f02')!;
    expect(f02.scores).toEqual([100, 66.7, 100]);
    expect([f02.sincePrevious, f02.sinceFirst]).toEqual(['up', 'same']);
    const table = historyTable(history, { fence: false });
    expect(table.split('\n')[1]).toMatch(/^Nyckelfaktor\s+mars 2026 \(bas\)\s+mars 2027\s+mars 2028\s+Trend$/);
    expect(table).toMatch(/02 · Strategi\s+100\s+67\s+100\s+↑ =/);
    expect(table).toMatch(/01 · Offentliga åtaganden\s+33\s+83\s+–\s+· ·/); // the latest is hidden: no trend
  });
});

describe('peer review through the service (real Redis)', () => {
  let store: RedisStore;
  let service: AssessmentService;
  let round: Round;
  const REVIEWER = { id: 'U_PEER', name: 'Petra' };
  const LEAD = { id: 'U_LEAD', name: 'Lars' };

  beforeEach(async () => {
    store = await redisStore();
    ({ service } = makeService(store));
    round = await service.startRound({ tenant: 'T1', platform: 'teams', settings: settings({ mode: 'peer-review' }), actor: COORD });
  });

  afterEach(async () => {
    await dropPrefix(store);
    await store.close();
  });

  it('keeps each side out of the other\'s answers with typed errors in both languages', async () => {
    const vote = (actor: { id: string }, level: 'partly' | 'in-place' = 'partly') =>
      service.castVote({ tenant: 'T1', roundId: round.id, factorId: 'f01', actor, level, interactionId: `${actor.id}-${Math.random()}` });
    expect((await code(service.inviteReviewers('T1', round.id, { id: 'U_ANNA' }, { reviewers: [REVIEWER.id] }))).code).toBe('NOT_COORDINATOR');
    expect((await code(service.inviteReviewers('T1', round.id, COORD, { reviewers: ['U_BO'] }))).en).toBe('U_BO is on the team and can\'t also be a reviewer.');
    expect((await code(service.startReview('T1', round.id, COORD))).code).toBe('NO_REVIEWERS');
    await service.inviteReviewers('T1', round.id, COORD, { reviewers: [REVIEWER.id], lead: LEAD.id, names: { U_PEER: 'Petra', U_LEAD: 'Lars' } });

    const notYet = await code(vote(REVIEWER));
    expect(notYet.code).toBe('REVIEW_NOT_STARTED');
    // The core speaks platform-neutrally: each platform writes the command its own way (core/text-format.ts).
    expect(notYet.en).toBe('The review has not started yet. Cora starts it with `{cmd} review` once the team has assessed itself.');
    expect((await vote({ id: 'U_ANNA' })).panel).toBe('team');
    await service.saveAnswer({ tenant: 'T1', roundId: round.id, factorId: 'f01', actor: { id: 'U_ANNA' }, texts: { 'f01-q1': 'Lagets svar' }, evidence: [] });

    await service.startReview('T1', round.id, COORD);
    const locked = await code(vote({ id: 'U_ANNA' }, 'in-place'));
    expect(locked.code).toBe('SELF_ASSESSMENT_LOCKED');
    expect(locked.sv).toBe('Självutvärderingen är låst medan granskningsgruppen granskar. Fråga Cora om något behöver ändras.');
    const cannot = await code(service.saveAnswer({ tenant: 'T1', roundId: round.id, factorId: 'f01', actor: REVIEWER, texts: { 'f01-q1': 'x' }, evidence: [] }));
    expect(cannot.code).toBe('REVIEWERS_CANNOT_EDIT_TEAM');
    expect(cannot.en).toContain("As a reviewer you can't change the team's answers");
    const notPanel = await code(service.saveFindings({ tenant: 'T1', roundId: round.id, factorId: 'f01', actor: { id: 'U_ANNA' }, recommendations: 'x' }));
    expect(notPanel.code).toBe('NOT_REVIEWER');

    const peerVote = await vote(REVIEWER, 'in-place');
    expect(peerVote.panel).toBe('peer');
    expect(peerVote.tally.eligible).toBe(2);
    await vote(LEAD, 'partly');
    await service.saveFindings({ tenant: 'T1', roundId: round.id, factorId: 'f01', actor: LEAD, findings: 'Svagt förankrat', recommendations: 'Förankra i ledningen' });
    await service.saveFindings({ tenant: 'T1', roundId: round.id, factorId: 'f01', actor: LEAD, findings: '' }); // clears findings only

    expect(await store.getMemberVote('T1', round.id, 'f01', 'U_ANNA')).toBe('partly');
    expect(await store.getMemberVote('T1', round.id, peerFactorId('f01'), REVIEWER.id)).toBe('in-place');
    expect(await service.myVote(round, 'f01', REVIEWER.id)).toBeNull(); // `round` predates the invitation
    const now = await service.getRound('T1', round.id);
    expect(await service.myVote(now, 'f01', REVIEWER.id)).toBe('in-place');

    const state = await service.state('T1', round.id);
    const peer = state.peer!.factors.find((f) => f.factorId === 'f01')!;
    expect(peer.tally.counts).toMatchObject({ 'in-place': 1, partly: 1 });
    expect(peer.findings).toEqual([]);
    expect(peer.recommendations).toEqual(['Förankra i ledningen']);
    expect(state.tallies.find((x) => x.factorId === 'f01')!.voters).toBe(1); // the team's tally is the team's

    const view = buildDigest(state, { kind: 'status', now: Date.now() });
    const line = view.factors.find((f) => f.factorId === 'f01')!;
    expect(line.peer).toMatchObject({ verdict: 'partly', voters: 2, eligible: 2, recommendations: ['Förankra i ledningen'] });
    expect(line.line.startsWith('Självutvärdering: Stämmer delvis · Granskningsgruppen: Stämmer delvis (2 av 2)')).toBe(true);
    expect(view.sections?.map((s) => s.title)).toEqual(['Granskningsgruppens rekommendationer']);

    // After the close, the plan's goals follow the panel's verdict.
    await service.closeRound('T1', round.id, COORD);
    const goals = planGoals(await service.state('T1', round.id));
    expect(goals.find((g) => g.factorId === 'f01')).toMatchObject({ verdict: 'partly', source: 'peer' });
  });
});
