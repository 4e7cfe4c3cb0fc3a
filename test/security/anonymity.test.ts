// Anonymous rounds stay anonymous against the coordinator and the admin (issue 14, item 2), driven with real HMAC-signed
// Slack requests and real Bot Framework activities over real Redis: no per-member value in delivery markers or exports,
// no per-member labels, order or times in reports, nothing live that two downloads could tell apart, nothing below the
// thresholds anywhere (card, digest, comparison), and thresholds of 5 and 10 that never go below 3 and never change.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/core/i18n.js';
import type { Round } from '../../src/core/model.js';
import { RoundSettingsSchema } from '../../src/core/settings.js';
import { CHANNEL as TEAMS_CHANNEL, PEOPLE, TENANT, cardAction, fixture } from '../fixtures/teams/activities.js';
import { fakeConnector, textsOf } from '../fixtures/teams/harness.js';
import { interactionBody, postSigned } from '../helpers/slack-sign.js';
import { submission, submittedValues } from '../helpers/slack.js';
import { errorCode, settings } from '../helpers/world.js';
import { ANNA, BO, CORA, SECRET, TEAM_A, sendCommand, sendRawInteraction, sendVote, startSecApp, type SecApp } from './harness.js';

const CECILIA = 'U0CECILIA';
const DAVID = 'U0DAVID';
const ERIK = 'U0ERIK';
const FRIDA = 'U0FRIDA';
const TEAM = [CORA, ANNA, BO, CECILIA, DAVID, ERIK, FRIDA];
/** Enough people for the default answer threshold of 10. */
const BIG_TEAM = [...TEAM, 'U0GUSTAV', 'U0HANNA', 'U0IDA', 'U0JONAS'];
const NAMES = ['Cora Lind', 'Anna Berg', 'Bo Ek', 'Cecilia Holm', 'David Sund', 'Erik Lund', 'Frida Berg', 'Gustav Ny', 'Hanna Ås', 'Ida Öst', 'Jonas Ro'];
/** An ISO time of day: anonymous exports carry dates only. */
const TIME_OF_DAY = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

let s: SecApp;

async function anonymousRound(channelId: string, extra: Record<string, unknown> = {}, participants = TEAM): Promise<Round> {
  return s.app.service.startRound({
    tenant: TEAM_A,
    platform: 'slack',
    settings: settings({ channelId, participants, anonymous: true, startDate: '2026-01-12', closeDate: '2026-02-23', ...extra }),
    actor: { id: CORA, name: 'Cora Lind' },
  });
}

async function vote(user: string, roundId: string, factorId: string, level: string): Promise<void> {
  // From the round's own channel: a card clicked anywhere else is refused (card-scope.ts).
  const channel = (await s.store.getRound(TEAM_A, roundId))!.channel.id;
  expect((await sendVote(s, { user, roundId, factorId, level, channel })).status).toBe(200);
  await s.slack.settled();
}

/** An answer as the answer modal submits it, a minute after whatever happened before (so times differ). */
async function answer(user: string, round: Round, factorId: string, text: string, evidence = ''): Promise<void> {
  s.clock.advance(60_000);
  const body = {
    type: 'view_submission',
    team: { id: TEAM_A },
    user: { id: user, name: user.toLowerCase() },
    view: {
      id: 'V0ANSWER',
      callback_id: 'assess-answer',
      private_metadata: JSON.stringify({ t: TEAM_A, r: round.id, f: factorId, c: round.channel.id }),
      state: { values: { [`q:${factorId}-q1`]: { value: { type: 'plain_text_input', value: text } }, evidence: { value: { type: 'plain_text_input', value: evidence } } } },
    },
  };
  expect((await postSigned(`${s.base}/slack/events`, interactionBody(body), SECRET, { timestamp: Math.floor(s.clock.now() / 1000) })).status).toBe(200);
  await s.slack.settled();
}

async function command(user: string, text: string, channelId: string): Promise<Record<string, unknown>> {
  s.fake.reset();
  expect((await sendCommand(s, { text, user_id: user, user_name: user.toLowerCase(), channel_id: channelId })).status).toBe(200);
  await s.slack.settled();
  await s.app.scheduler.drain();
  return s.fake.responses[0]?.body ?? {};
}

/** The report behind the round's signed link, fetched from the server as a reader would. */
async function report(roundId: string, format: 'html' | 'csv' | 'md' | 'json'): Promise<string> {
  const url = new URL(s.app.reportLinks.url(TEAM_A, roundId));
  const res = await fetch(`${s.base}${url.pathname}?format=${format}`);
  expect(res.status).toBe(200);
  return res.text();
}

async function allFormats(roundId: string): Promise<{ html: string; csv: string; md: string; json: string }> {
  return { html: await report(roundId, 'html'), csv: await report(roundId, 'csv'), md: await report(roundId, 'md'), json: await report(roundId, 'json') };
}

/** The line under a factor's header in a Slack digest reply. */
function digestLine(reply: Record<string, unknown>, header: string): string | undefined {
  const texts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') texts.push(x);
        else walk(x);
      }
    }
  };
  walk(reply.blocks);
  const lines = texts.join('\n').split('\n');
  const at = lines.indexOf(`*${header}*`);
  return at >= 0 ? lines[at + 1] : undefined;
}

/** Every form a member's identity could take in the store or an export: id, name, keyed hash. */
function identities(round: Round): string[] {
  return [...BIG_TEAM, ...NAMES, ...BIG_TEAM.map((m) => s.app.service.memberKey(round, m))];
}

beforeAll(async () => {
  s = await startSecApp();
  BIG_TEAM.forEach((id, i) => s.fake.addUser(id, NAMES[i]!));
});

afterAll(async () => {
  await s.close();
});

describe('delivery markers', () => {
  it('hold counts only, and a reminder job that fails half-way resumes without a per-member marker', async () => {
    const round = await anonymousRound('C0MARKERS', { minResponses: 3 });
    await vote(ANNA, round.id, 'f01', 'partly');
    await vote(BO, round.id, 'f01', 'in-place');
    s.fake.reset();
    let dms = 0;
    // The third direct message fails once: the job is retried.
    s.fake.failIf = (call) => (call.method === 'chat.postMessage' && /^U/.test(String(call.body.channel)) && ++dms === 3 ? { status: 200, body: { ok: false, error: 'internal_error' } } : null);
    await s.store.scheduleJobs([{ id: `${TEAM_A}:${round.id}:reminder:now`, kind: 'reminder', tenant: TEAM_A, roundId: round.id, dueAt: s.clock.now(), payload: { factorIds: ['f01'] }, attempts: 0 }]);
    await s.app.scheduler.drain();
    expect(s.fake.dms()).toHaveLength(2);
    s.clock.advance(5 * 60_000);
    await s.app.scheduler.drain();
    s.fake.failIf = null;
    // Everyone who had not voted got exactly one reminder; those who had, none.
    const reminded = s.fake.dms().map((c) => String(c.body.channel)).sort();
    expect(reminded).toEqual([CORA, CECILIA, DAVID, ERIK, FRIDA].sort());

    // (They live with the round now: Store.scanMarks reads the round's own markers.)
    const markers = Object.entries(await s.store.scanMarks(TEAM_A, round.id)).filter(([id]) => id.includes(round.id));
    expect(markers.length).toBeGreaterThan(0);
    for (const [id, value] of markers) {
      for (const who of identities(round)) expect(`${id} ${JSON.stringify(value)}`).not.toContain(who);
      expect(id).not.toMatch(/anon-/);
      expect(Object.values(value).every((v) => typeof v === 'number')).toBe(true);
    }

    // Nor does a reminded person's own privacy export show a marker of that round.
    const reply = (await command(CECILIA, 'privacy export', 'C0MARKERS')).text as string;
    const link = /https:\/\/assess\.malmo\.example(\/privacy-export\/\S+)/.exec(reply)![1]!;
    const data = (await (await fetch(`${s.base}${link}`)).json()) as { records: { collection: string; id: string }[] };
    expect(data.records.filter((r) => r.collection === 'sent' && r.id.includes(round.id))).toEqual([]);
  });
});

describe('reports of an anonymous round', () => {
  let round: Round;
  // Written in this order (neither alphabetical nor in the order of the people): neither order nor authors may show.
  const WRITTEN = ['Kappa: budgeten räcker inte', 'Alfa: ingen ansvarig', 'Omega: bara på papperet', 'Delta: ingen uppföljning', 'Beta: webben är inaktuell',
    'Sigma: nämnden vet inte', 'Gamma: bra start', 'Zeta: okänt för personalen', 'Epsilon: finns i årsredovisningen'];
  const WRITERS = [DAVID, ANNA, 'U0JONAS', BO, 'U0IDA', FRIDA, CORA, 'U0HANNA', ERIK];

  beforeAll(async () => {
    // The default answer threshold (10); votes from 3 up, as low as allowed.
    round = await anonymousRound('C0REPORT', { minResponses: 3 }, BIG_TEAM);
    for (const who of BIG_TEAM) await vote(who, round.id, 'f01', who === ANNA ? 'not-in-place' : 'partly');
    for (const who of [ANNA, BO, CECILIA, DAVID]) await vote(who, round.id, 'f04', 'partly');
    for (const [i, text] of WRITTEN.entries()) await answer(WRITERS[i]!, round, 'f01', text);
    // f04: three answers, below the answer threshold.
    for (const [i, who] of [ANNA, BO, CECILIA].entries()) await answer(who, round, 'f04', `Svar om upphandling nr ${i + 1}`);
  });

  it('while open: per-factor counts only, so two downloads around an answer show nobody\'s words', async () => {
    const before = await allFormats(round.id);
    await answer(CECILIA, round, 'f01', 'Cecilias ord, skrivna mellan två nedladdningar', 'https://kommun.example/cecilia');
    const after = await allFormats(round.id);
    for (const [format, body] of [...Object.entries(before), ...Object.entries(after)]) {
      for (const text of [...WRITTEN, 'Cecilias ord', 'kommun.example/cecilia', 'upphandling nr']) expect(body, format).not.toContain(text);
    }
    const f01 = (json: string) => (JSON.parse(json) as { factors: { factorId: string; tally: { voters: number }; answers: unknown[]; evidence: unknown[]; line: unknown }[] }).factors.find((f) => f.factorId === 'f01')!;
    expect(f01(after.json)).toMatchObject({ tally: { voters: 11 }, answers: [], evidence: [] });
    expect(after.md).toContain(t('sv', 'report.answersHeld', { min: 10 }));
  });

  it('after the close: answers unattributed and in text order, no member labels, no times of day, nothing below the answer threshold', async () => {
    await command(CORA, 'close confirm', 'C0REPORT');
    expect((await s.store.getRound(TEAM_A, round.id))!.status).toBe('closed');
    const bodies = await allFormats(round.id);
    const sorted = [...WRITTEN, 'Cecilias ord, skrivna mellan två nedladdningar'].sort();
    for (const [format, body] of Object.entries(bodies)) {
      for (const who of identities(round)) expect(body, `${format} ${who}`).not.toContain(who);
      expect(body, format).not.toMatch(/(Medlem|Member) \d/);
      expect(body, format).not.toMatch(TIME_OF_DAY);
      const at = sorted.map((text) => body.indexOf(text));
      expect(at.every((i) => i >= 0), format).toBe(true);
      expect([...at].sort((a, b) => a - b), format).toEqual(at);
      expect(body, format).not.toContain('upphandling nr');
    }
    const json = JSON.parse(bodies.json) as { generatedAt: string; round: Record<string, unknown>; factors: { factorId: string; votes?: unknown; tally: { counts: Record<string, number> }; answers: { questionId: string; text: string }[] }[] };
    const f01 = json.factors.find((f) => f.factorId === 'f01')!;
    expect(f01.votes).toBeUndefined();
    expect(f01.tally.counts).toEqual({ 'in-place': 0, partly: 10, 'not-in-place': 1, 'dont-know': 0 });
    expect(f01.answers.map((a) => a.text)).toEqual(sorted);
    expect(json.generatedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // A Swedish round: semicolons. No member column; empty cells only pad the row to the width of the plan's block below.
    expect(bodies.csv.replace(/^\ufeff/, '').split('\r\n')[0]).toMatch(/^Omgång;Nr;Faktor-id;Nyckelfaktor;Typ;Detalj;Värde;*$/);
  });
});

describe('below the threshold nothing about a factor shows', () => {
  it('not the answer and link counts or the links in a digest', async () => {
    const round = await anonymousRound('C0DIGEST', { minResponses: 3 });
    for (const who of [ANNA, BO, CECILIA]) await vote(who, round.id, 'f01', 'partly');
    await vote(ANNA, round.id, 'f02', 'in-place');
    await vote(BO, round.id, 'f02', 'in-place');
    await answer(ANNA, round, 'f02', 'Två svar under gränsen', 'https://kommun.example/hemlig-bilaga');
    await answer(BO, round, 'f02', 'Det andra svaret', 'https://kommun.example/annan-bilaga');
    const reply = await command(CORA, 'status', 'C0DIGEST');
    const body = JSON.stringify(reply);
    // The line says that too few have voted, and nothing else: no verdict, no answer or link counts.
    expect(digestLine(reply, '02 · Strategi')).toBe(`${t('sv', 'digest.noVerdict')} · ${t('sv', 'digest.participation', { voted: 2, eligible: 7 })}`);
    expect(body).not.toContain('bilaga');
    expect(body).not.toMatch(/(?<!minst )\d+ (bevislänk|har svarat)/);
  });

  it('not the trend against the baseline on the factor card (Teams)', async () => {
    fakeConnector();
    await fetch(`${s.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixture('conversation-update-bot-added.json')) });
    await s.teams!.flush();
    const team = [PEOPLE.cora.id, PEOPLE.anna.id, PEOPLE.bo.id, PEOPLE.cecilia.id];
    const start = (anonymous: boolean) =>
      s.app.service.startRound({
        tenant: TENANT,
        platform: 'teams',
        settings: settings({ channelId: TEAMS_CHANNEL, participants: team, anonymous, minResponses: 3, startDate: '2026-01-12', closeDate: '2026-02-23' }),
        actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
      });
    const before = await start(false);
    for (const [i, id] of team.entries()) await s.app.service.castVote({ tenant: TENANT, roundId: before.id, factorId: 'f01', actor: { id }, level: 'not-in-place', interactionId: `b-${i}` });
    await s.app.service.closeRound(TENANT, before.id, { id: PEOPLE.cora.id });
    const now = await start(true);
    expect(now.previousRoundId).toBe(before.id);
    nock.cleanAll();
    fakeConnector();
    const res = await fetch(`${s.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cardAction(PEOPLE.anna, 'vote', { r: now.id, f: 'f01', l: 'in-place' })) });
    const invoke = (await res.json()) as { statusCode: number; value: unknown };
    expect(invoke.statusCode).toBe(200);
    const text = textsOf(invoke.value);
    expect(text).toContain(t('sv', 'card.hiddenUntil', { min: 3 }));
    for (const trend of ['up', 'down', 'same'] as const) expect(text).not.toContain(t('sv', `trend.${trend}`, { symbol: '' }).trim());
    expect(text).not.toMatch(/(?<!minst )\d+ (har svarat|bevislänk)/);
    nock.cleanAll();
  });

  it('not the earlier score in the next round\'s comparison, when the earlier round hid the factor', async () => {
    const hidden = await anonymousRound('C0COMPARE', { minResponses: 3 });
    await vote(ANNA, hidden.id, 'f03', 'in-place');
    await vote(BO, hidden.id, 'f03', 'in-place');
    await command(CORA, 'close confirm', 'C0COMPARE');
    const next = await s.app.service.startRound({
      tenant: TEAM_A,
      platform: 'slack',
      settings: settings({ channelId: 'C0COMPARE', participants: TEAM, startDate: '2027-01-11', closeDate: '2027-02-22' }),
      actor: { id: CORA, name: 'Cora Lind' },
    });
    expect(next.previousRoundId).toBe(hidden.id);
    for (const who of [ANNA, BO, CECILIA]) await vote(who, next.id, 'f03', 'not-in-place');
    const json = JSON.parse(await report(next.id, 'json')) as { factors: { factorId: string; comparison: Record<string, unknown> | null }[] };
    expect(json.factors.find((f) => f.factorId === 'f03')!.comparison).toMatchObject({ previous: null, delta: null, trend: 'n/a', verdictBefore: null });
    expect(await report(next.id, 'md')).not.toContain('−100');
  });
});

describe('the thresholds', () => {
  it('default to 5 votes and 10 answers, never below 3, in the start modal and the core', async () => {
    s.fake.addChannel('C0START', [CORA, ANNA, BO]);
    await command(CORA, 'start', 'C0START');
    const view = s.fake.callsTo('views.open')[0]!.body.view as Record<string, unknown>;
    const block = (id: string) => (view.blocks as { block_id: string; element: Record<string, unknown> }[]).find((b) => b.block_id === id)!;
    expect(block('min_responses').element).toMatchObject({ min_value: '3', initial_value: '5' });
    expect(block('min_answers').element).toMatchObject({ min_value: '3', initial_value: '10' });
    const tooLow = await sendRawInteraction(s, submission('view-submission-start', view, submittedValues(view, { min_responses: { value: '2' } })));
    expect(JSON.parse(tooLow.text)).toMatchObject({ response_action: 'errors', errors: { min_responses: t('sv', 'slack.form.errors.number', { min: 3, max: 50 }) } });
    expect(await s.store.activeRoundForChannel(TEAM_A, 'C0START')).toBeNull();
    // Started anonymous with the defaults: the welcome post says what anonymity means.
    s.fake.reset();
    const ok = await sendRawInteraction(s, submission('view-submission-start', view, submittedValues(view, { options: { selected_options: [{ text: { type: 'plain_text', text: 'x' }, value: 'anonymous' }] } })));
    expect(ok.status).toBe(200);
    await s.slack.settled();
    const started = (await s.store.getRound(TEAM_A, (await s.store.activeRoundForChannel(TEAM_A, 'C0START'))!))!;
    expect(started).toMatchObject({ anonymous: true, minResponses: 5, minAnswers: 10 });
    const posted = JSON.stringify(s.fake.callsTo('chat.postMessage').map((c) => c.body));
    expect(posted).toContain(t('sv', 'welcome.anonymous', { min: 5, minAnswers: 10 }));

    expect(RoundSettingsSchema.safeParse(settings({ minResponses: 2 })).success).toBe(false);
    expect(RoundSettingsSchema.parse(settings({ minResponses: 8, minAnswers: 4 }))).toMatchObject({ minResponses: 8, minAnswers: 8 });
  });

  it('are frozen once the round has started; an old round stored with fewer than 3 is read as 3; start again copies them', async () => {
    const round = await anonymousRound('C0FROZEN', { minResponses: 6, minAnswers: 12 });
    for (const change of [{ minResponses: 3 }, { minAnswers: 6 }, { anonymous: false }]) {
      expect(await errorCode(s.store.updateRound(TEAM_A, round.id, (r) => ({ ...r, ...change })))).toBe('INVALID_INPUT');
    }
    expect(await s.store.getRound(TEAM_A, round.id)).toMatchObject({ anonymous: true, minResponses: 6, minAnswers: 12 });
    expect((await s.app.service.settingsForRestart(TEAM_A, 'C0FROZEN', '2027-01-11'))).toMatchObject({ anonymous: true, minResponses: 6, minAnswers: 12 });

    // A round an older release stored with a threshold of 2 and no answer threshold.
    const key = s.store.keys.round(TEAM_A, round.id).round;
    const stored = JSON.parse((await s.store.client.get(key))!) as Record<string, unknown>;
    delete stored.minAnswers;
    await s.store.client.set(key, JSON.stringify({ ...stored, minResponses: 2 }));
    const old = (await s.store.getRound(TEAM_A, round.id))!;
    expect(old.minResponses).toBe(3);
    for (const who of [ANNA, BO]) await vote(who, round.id, 'f01', 'partly');
    // Two votes: shown under a threshold of 2, hidden under the floor of 3.
    expect(digestLine(await command(CORA, 'status', 'C0FROZEN'), '01 · Offentliga åtaganden')).toBe(
      `${t('sv', 'digest.noVerdict')} · ${t('sv', 'digest.participation', { voted: 2, eligible: 7 })}`,
    );
  });
});
