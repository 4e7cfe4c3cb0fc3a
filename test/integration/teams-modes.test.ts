// The ways of working on Teams, end to end over real Bot Framework activities and real Redis (the Bot Connector faked
// with nock): reviewers and minimum responses on the start form, a peer review's two phases, the summary with both
// verdicts and the peers' recommendations, an action reminder in a 1:1 chat with its Done button, and the app's removal.
import { storedPlan } from '../helpers/plan.js';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEAMS_MESSAGE_ADVICE, renderDigestCard, validateAdaptiveCard, type AdaptiveCard, type CardAction } from '../../src/cards/adaptive.js';
import { t, tn } from '../../src/core/i18n.js';
import type { DigestView } from '../../src/core/views/digest-model.js';
import { REFERENCE_COLLECTION } from '../../src/platforms/teams/references.js';
import { dropPrefix } from '../helpers/world.js';
import { BOT, CHANNEL, PEOPLE, SERVICE_URL, TENANT, cardAction, channelMessage, fixture, type Person } from '../fixtures/teams/activities.js';
import { cardOf, fakeConnector, startApp, textsOf, type Harness } from '../fixtures/teams/harness.js';
import { renderText } from '../../src/core/text-format.js';
import { teamsDialect } from '../../src/platforms/teams/activity.js';

/** How a channel reader writes the command, as the bot names it there. */
const CHANNEL_DIALECT = teamsDialect({ conversationType: 'channel' });

interface InvokeBody {
  statusCode: number;
  type: string;
  value: AdaptiveCard | { code: string; message: string } | string;
}

function expectValidCard(card: AdaptiveCard): void {
  const { warnings, size } = validateAdaptiveCard(card);
  expect(warnings).toEqual([]);
  expect(size).toBeLessThan(TEAMS_MESSAGE_ADVICE);
}

/** Every Action.Execute in a card (wherever it sits), without their Submit fallbacks. */
function executes(card: unknown): CardAction[] {
  const out: CardAction[] = [];
  const visit = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(visit);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Action.Execute') out.push(o as CardAction);
      for (const [k, v] of Object.entries(o)) if (k !== 'fallback') visit(v);
    }
  };
  visit(card);
  return out;
}

/** The input with this id in a card. */
function input(card: unknown, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  JSON.stringify(card, (_k, v: unknown) => {
    if (!found && v && typeof v === 'object' && (v as { id?: unknown }).id === id && String((v as { type?: unknown }).type).startsWith('Input.')) found = v as Record<string, unknown>;
    return v;
  });
  return found;
}

/** What Teams sends back from the start form: every input's value as a string. */
function startForm(overrides: Record<string, string>): Record<string, unknown> {
  return {
    channelId: CHANNEL,
    channelName: 'mangfald-utvardering',
    title: 'Kollegial granskning 2026',
    packId: 'integrating-cities-diversity',
    locale: 'sv',
    mode: 'peer-review',
    participants: '',
    managers: PEOPLE.cecilia.id,
    reviewers: '',
    pacing: 'all-at-once',
    staggerEveryDays: '2',
    startDate: '2026-03-02',
    closeDate: '2026-04-13',
    timezone: 'Europe/Stockholm',
    reminderDaysBefore: '2',
    reminderTime: '09:00',
    digestWeekday: '1',
    digestTime: '08:00',
    anonymous: 'false',
    minResponses: '3',
    isBaseline: 'false',
    ...overrides,
  };
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
});

afterEach(() => {
  nock.cleanAll();
});

afterAll(() => {
  nock.enableNetConnect();
});

describe('Teams: peer review, action plan and removal', () => {
  let h: Harness;
  let roundId = '';
  const reviewer = PEOPLE.david;

  beforeAll(async () => {
    h = await startApp();
  });

  afterAll(async () => {
    await dropPrefix(h.store);
    await h.app.close();
  });

  it('the start form offers the reviewers (Teams\' people picker) and the minimum responses', async () => {
    const c = fakeConnector();
    await h.post(fixture('conversation-update-bot-added.json'));
    await h.post(channelMessage(PEOPLE.cora, 'assess start'));
    const form = cardOf(c.posts(`${CHANNEL};messageid=`)[0]!);
    expectValidCard(form);
    const reviewers = input(form, 'reviewers');
    expect(reviewers).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: true, label: t('sv', 'cards.form.reviewers'), 'choices.data': { type: 'Data.Query' } });
    expect(input(form, 'minResponses')).toMatchObject({ type: 'Input.Number', min: 3, max: 50, value: 5 });
    expect(input(form, 'minAnswers')).toMatchObject({ type: 'Input.Number', min: 3, max: 100, value: 10 });
    expect(textsOf(form)).toContain(t('sv', 'cards.form.reviewersHint'));
    expect(c.calls.some((x) => x.method === 'GET' && x.path.includes('/pagedmembers'))).toBe(true);
  });

  it('reviewers in a round that is not a peer review, or a minimum out of range, are refused field by field, and nothing starts', async () => {
    fakeConnector();
    const wrongMode = await h.post(cardAction(PEOPLE.cora, 'start', startForm({ mode: 'internal-evaluation', reviewers: reviewer.id })));
    const body = wrongMode.body as InvokeBody;
    expect(body.statusCode).toBe(400);
    expect(body.value).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(`${t('sv', 'cards.form.reviewers')}: ${t('sv', 'cards.form.problems.reviewersNotPeerReview')}`) as string,
    });
    const tooMany = (await h.post(cardAction(PEOPLE.cora, 'start', startForm({ minResponses: '80' })))).body as InvokeBody;
    expect(tooMany.value).toMatchObject({ message: expect.stringContaining(t('sv', 'cards.form.problems.number', { min: 3, max: 50 })) as string });
    const tooFew = (await h.post(cardAction(PEOPLE.cora, 'start', startForm({ minResponses: '2' })))).body as InvokeBody;
    expect(tooFew.value).toMatchObject({ message: expect.stringContaining(t('sv', 'cards.form.problems.number', { min: 3, max: 50 })) as string });
    expect(await h.store.listRounds(TENANT)).toEqual([]);
  });

  it('starts a peer review from the form: the reviewer is left out of "everyone in the channel"', async () => {
    const c = fakeConnector();
    const res = await h.post(cardAction(PEOPLE.cora, 'start', startForm({ reviewers: reviewer.id, minResponses: '3' })));
    expect((res.body as InvokeBody).statusCode).toBe(200);
    await h.teams.flush();
    const [round] = await h.store.listRounds(TENANT);
    roundId = round!.id;
    expect(round).toMatchObject({ mode: 'peer-review', reviewPhase: 'self-assessment', reviewers: [reviewer.id], minResponses: 3, managers: [PEOPLE.cecilia.id] });
    expect([...round!.participants].sort()).toEqual([PEOPLE.cora.id, PEOPLE.anna.id, PEOPLE.bo.id, PEOPLE.cecilia.id].sort());
    expect(round!.names[reviewer.id]).toBe(reviewer.name);
    expect(c.posts(`/v3/conversations/${CHANNEL}/activities`)).toHaveLength(14);
  });

  it('phase one: the team assesses itself; the reviewer cannot vote yet', async () => {
    fakeConnector();
    const votes: [Person, string, string][] = [
      [PEOPLE.cora, 'f01', 'partly'],
      [PEOPLE.anna, 'f01', 'partly'],
      [PEOPLE.bo, 'f01', 'in-place'],
      [PEOPLE.anna, 'f02', 'in-place'],
      [PEOPLE.bo, 'f02', 'in-place'],
    ];
    for (const [who, f, l] of votes) {
      expect(((await h.post(cardAction(who, 'vote', { r: roundId, f, l }))).body as InvokeBody).statusCode).toBe(200);
    }
    const early = (await h.post(cardAction(reviewer, 'vote', { r: roundId, f: 'f01', l: 'in-place' }))).body as InvokeBody;
    expect(early).toMatchObject({ statusCode: 400, value: { code: 'REVIEW_NOT_STARTED', message: renderText(t('sv', 'errors.REVIEW_NOT_STARTED', { coordinator: 'Cora Lindqvist' }), { ...CHANNEL_DIALECT, markup: 'plain' }) } });
    expect((early.value as { message: string }).message).toContain('startar den med @Assess assess review när');
    expect(await h.store.getCounts(TENANT, roundId, 'f01#peer')).toEqual({ 'in-place': 0, partly: 0, 'not-in-place': 0, 'dont-know': 0 });
  });

  it('phase two: the coordinator starts the review; the team is locked out and the reviewer votes and recommends', async () => {
    const c = fakeConnector();
    await h.post(channelMessage(PEOPLE.cora, 'assess review'));
    expect(c.posts(`${CHANNEL};messageid=`).map((x) => x.body.text)).toEqual([renderText(t('sv', 'modes.review.started', { count: 1 }), CHANNEL_DIALECT)]);
    expect((await h.store.getRound(TENANT, roundId))!.reviewPhase).toBe('review');

    const locked = (await h.post(cardAction(PEOPLE.anna, 'vote', { r: roundId, f: 'f01', l: 'in-place' }))).body as InvokeBody;
    expect(locked.value).toMatchObject({ code: 'SELF_ASSESSMENT_LOCKED' });
    for (const [f, l] of [['f01', 'not-in-place'], ['f02', 'in-place']] as const) {
      const res = (await h.post(cardAction(reviewer, 'vote', { r: roundId, f, l }))).body as InvokeBody;
      expect(res.statusCode).toBe(200);
      expect(textsOf(res.value)).toContain(t('sv', 'card.yourVote', { level: t('sv', `levels.${l}`) }));
    }
    expect((await h.store.getCounts(TENANT, roundId, 'f01#peer'))['not-in-place']).toBe(1);
    expect((await h.store.getCounts(TENANT, roundId, 'f01'))['not-in-place']).toBe(0);

    c.clear();
    await h.post(channelMessage(reviewer, 'assess recommend 1 Anta en mångfaldsplan för ledningen.'));
    expect(c.posts(`${CHANNEL};messageid=`).map((x) => x.body.text)).toEqual([t('sv', 'modes.review.recommendationSaved', { factor: '01 · Offentliga åtaganden' })]);
  });

  it('assess review report answers with the follow-up report as a card: a Table of both verdicts, valid for Teams', async () => {
    const c = fakeConnector();
    await h.post(channelMessage(PEOPLE.cora, 'assess review report'));
    const replies = c.posts(`${CHANNEL};messageid=`);
    expect(replies).toHaveLength(1);
    const card = cardOf(replies[0]!);
    expectValidCard(card);
    const table = card.body.find((e) => e.type === 'Table') as unknown as { rows: { cells: { items: { text: string }[] }[] }[] };
    expect(table.rows[1]!.cells.map((x) => x.items[0]!.text)).toEqual(['01 · Offentliga åtaganden', 'Stämmer delvis', 'Stämmer inte (1 av 1)']);
    expect(textsOf(card)).toContain('• Anta en mångfaldsplan för ledningen.');
    expect(JSON.stringify(card)).not.toMatch(/\|---|"# /);
    expect((card.actions ?? []).map((a) => a.url)).toEqual([expect.stringContaining('/followup/'), expect.stringMatching(/\/followup\/.*\?format=md$/)]);
  });

  it('the summary in the channel shows the team and the peers side by side, where they differ and the recommendations', async () => {
    const c = fakeConnector();
    await h.post(channelMessage(PEOPLE.cora, 'assess close confirm'));
    await h.app.scheduler.drain();
    await h.teams.flush();
    const summary = c.posts(`/v3/conversations/${CHANNEL}/activities`);
    expect(summary).toHaveLength(1);
    const card = cardOf(summary[0]!);
    expectValidCard(card);
    const text = textsOf(card);
    expect(text).toContain(t('sv', 'modes.digest.selfAndPeer', { self: 'Stämmer delvis', peer: 'Stämmer inte (1 av 1)' }));
    expect(text).toContain(t('sv', 'modes.digest.differTitle'));
    expect(text).toContain(t('sv', 'modes.digest.differ', { factor: '01 · Offentliga åtaganden', self: 'Stämmer delvis', peer: 'Stämmer inte' }));
    expect(text).toContain(t('sv', 'modes.digest.recommendationsTitle'));
    expect(text).toContain('01 · Offentliga åtaganden: Anta en mångfaldsplan för ledningen.');
    // The manager gets the same summary in a 1:1 chat.
    expect(textsOf(cardOf(c.posts(`a:1on1-${PEOPLE.cecilia.id}/activities`)[0]!))).toContain(t('sv', 'modes.digest.recommendationsTitle'));
  });

  it('an action added to the plan reaches its owner as a 1:1 card through the proactive path, with a Done button', async () => {
    let c = fakeConnector();
    await h.post(channelMessage(PEOPLE.cora, `assess action add 1 ${PEOPLE.anna.id} 2026-05-04 quick Publicera åtagandet på webben`));
    expect(String(c.posts(`${CHANNEL};messageid=`)[0]!.body.text)).toContain('A1');
    const job = (await h.store.listJobs(TENANT, roundId)).find((j) => j.kind === 'action-reminder');
    // Two days before the due date, at the round's reminder time (09:00 Stockholm, summer time).
    expect(new Date(job!.dueAt).toISOString()).toBe('2026-05-02T07:00:00.000Z');

    // Exactly two connector calls, nothing else: the 1:1 chat with Anna is created, then the card goes into it.
    nock.cleanAll();
    const created: Record<string, unknown>[] = [];
    const sent: Record<string, unknown>[] = [];
    const proactive = nock(SERVICE_URL.replace(/\/emea\/$/, ''))
      .post('/emea/v3/conversations', (body: Record<string, unknown>) => (created.push(body), true))
      .reply(201, { id: `a:1on1-${PEOPLE.anna.id}` })
      .post((path) => decodeURIComponent(path).startsWith(`/emea/v3/conversations/a:1on1-${PEOPLE.anna.id}/activities`), (body: Record<string, unknown>) => (sent.push(body), true))
      .reply(200, { id: 'msg-action-1' });
    h.clock.set('2026-05-02T07:00:00Z');
    const result = await h.app.scheduler.drain();
    await h.teams.flush();
    expect(result.failed).toBe(0);
    proactive.done();
    expect(created[0]).toMatchObject({ isGroup: false, bot: { id: BOT }, members: [{ id: PEOPLE.anna.id }], tenantId: TENANT });
    const card = cardOf({ method: 'POST', path: '', body: sent[0]! });
    expectValidCard(card);
    expect(textsOf(card)).toContain(tn('sv', 'modes.reminder.action', 1, { list: 'A1' }));
    expect(textsOf(card)).toContain('01 · Offentliga åtaganden: A1 · Publicera åtagandet på webben – Anna Berg');
    const [done] = executes(card);
    expect(done).toMatchObject({ verb: 'action-done', data: { r: roundId, a: 'A1' }, fallback: { type: 'Action.Submit', data: { verb: 'action-done', a: 'A1' } } });
    // A second run sends nothing again (any call would hit the network, which is closed).
    c = fakeConnector();
    await h.app.scheduler.drain();
    expect(c.calls).toEqual([]);
  });

  it('the Done button: the reviewer (not on the team) is refused; Anna marks it done and the card drops the button', async () => {
    fakeConnector();
    const refused = (await h.post(cardAction(reviewer, 'action-done', { r: roundId, a: 'A1' }, { personal: true }))).body as InvokeBody;
    // Only the plan's coordinator and the action's owner may mark it done (issue #17).
    expect(refused).toMatchObject({ statusCode: 400, value: { code: 'NOT_PLAN_EDITOR' } });
    const garbled = (await h.post(cardAction(PEOPLE.anna, 'action-done', { r: roundId, a: 'DROP TABLE' }, { personal: true }))).body as InvokeBody;
    expect(garbled).toMatchObject({ statusCode: 400, value: { code: 'INVALID_INPUT' } });

    const res = (await h.post(cardAction(PEOPLE.anna, 'action-done', { r: roundId, a: 'A1' }, { personal: true }))).body as InvokeBody;
    expect(res.statusCode).toBe(200);
    const card = res.value as AdaptiveCard;
    expectValidCard(card);
    expect(textsOf(card)).toContain(t('sv', 'modes.plan.markedDone', { id: 'A1', text: 'Publicera åtagandet på webben' }));
    expect(textsOf(card)).toContain('✓ A1');
    expect(executes(card)).toEqual([]);
    const action = (await storedPlan(h.store, TENANT, CHANNEL))!.actions[0]!;
    expect(action).toMatchObject({ id: 'A1', status: 'done', doneBy: PEOPLE.anna.id });
  });

  it('removing the app from the team leaves no conversation reference of it; a personal install stays until it is removed too', async () => {
    const c = fakeConnector();
    // Bo installs the app for himself as well.
    const personalAdd = {
      ...fixture<Record<string, unknown>>('installation-update-remove.json'),
      id: 'f:iu-personal-add',
      action: 'add',
      from: { id: PEOPLE.bo.id, name: PEOPLE.bo.name },
      conversation: { conversationType: 'personal', tenantId: TENANT, id: `a:1on1-${PEOPLE.bo.id}` },
      channelData: { tenant: { id: TENANT } },
    };
    expect((await h.post(personalAdd)).status).toBe(200);
    expect(c.posts(`a:1on1-${PEOPLE.bo.id}/activities`).map((x) => x.body.text)).toEqual([t('sv', 'teams.installedPersonal')]);
    const before = await h.store.listRecords(REFERENCE_COLLECTION);
    expect(Object.keys(before)).toEqual(expect.arrayContaining([`conv|${TENANT}|${CHANNEL}`, `user|${TENANT}|${PEOPLE.anna.id}`, `user|${TENANT}|${PEOPLE.cecilia.id}`]));
    expect(before[`user|${TENANT}|${PEOPLE.anna.id}`]).toMatchObject({ ref: { conversation: { id: `a:1on1-${PEOPLE.anna.id}` } } });

    const res = await h.post(fixture('installation-update-remove.json'));
    expect(res.status).toBe(200);
    const left = await h.store.listRecords(REFERENCE_COLLECTION);
    // Only Bo's own install is left: his 1:1 chat and nothing of the team.
    expect(Object.keys(left).sort()).toEqual([`conv|${TENANT}|a:1on1-${PEOPLE.bo.id}`, `user|${TENANT}|${PEOPLE.bo.id}`]);
    expect(left[`user|${TENANT}|${PEOPLE.bo.id}`]).toMatchObject({ personal: true, teams: [] });
    expect(JSON.stringify(left)).not.toContain(CHANNEL);

    const personalRemove = { ...personalAdd, id: 'f:iu-personal-remove', action: 'remove' };
    expect((await h.post(personalRemove)).status).toBe(200);
    expect(await h.store.listRecords(REFERENCE_COLLECTION)).toEqual({});
  });
});

describe('Teams digest card with the way of working\'s sections', () => {
  it('stays valid and under 80 KB whatever the sections hold, saying how many lines the report has beyond it', () => {
    const long = (i: number) => `${String(i).padStart(2, '0')} · Rekommendation ${i}: ${'mycket lång text om ledningens ansvar och uppföljning '.repeat(12)}`;
    const view: DigestView = {
      locale: 'sv',
      kind: 'final',
      title: 'Sammanfattning: Kollegial granskning',
      subtitle: 'Kollegial utvärdering',
      headline: '3 av 13 nyckelfaktorer på plats · poäng 48/100',
      factors: Array.from({ length: 13 }, (_, i) => ({
        factorId: `f${i}`, header: `${String(i + 1).padStart(2, '0')} · Faktor`, verdictLabel: 'Stämmer delvis', verdict: 'partly' as const,
        line: `Självutvärdering: Stämmer delvis · Kollegor: Stämmer inte (2 av 3) · ${'x'.repeat(400)}`, disputed: false, trend: 'n/a' as const, trendSymbol: '',
        links: ['https://kommun.example/protokoll/2024-05'], linksMore: 0, status: 'closed' as const, hidden: false, distribution: [], distributionLine: '',
        score: 50, agreement: 0.5, voters: 4, eligible: 4, answers: 2, evidence: 1, delta: null,
      })),
      disputedTitle: 'Värt att diskutera', disputed: [], contextTitle: 'Sammanhang', context: [],
      chartAlt: 'Poäng', chartTitle: 'Poäng', reportLinks: [{ label: 'Rapport', url: 'https://assess.kommun.example/reports/x?format=html' }],
      footer: 'Sidfot', score: 48, scoreSoFar: 48, scored: 13, inPlace: 3, total: 13, truncated: false, moreCount: 0,
      fullReportUrl: 'https://assess.kommun.example/reports/x?format=html',
      sections: [
        { title: t('sv', 'modes.digest.differTitle'), lines: Array.from({ length: 13 }, (_, i) => long(i)) },
        { title: t('sv', 'modes.digest.recommendationsTitle'), lines: Array.from({ length: 300 }, (_, i) => long(i)) },
        { title: t('sv', 'modes.digest.planTitle'), lines: Array.from({ length: 11 }, (_, i) => `A${i + 1} · [klicka](https://evil.example) ${'å'.repeat(480)}`) },
      ],
    };
    const card = renderDigestCard(view);
    expectValidCard(card);
    const text = textsOf(card);
    expect(text).toContain(t('sv', 'modes.digest.recommendationsTitle'));
    expect(text).toContain(t('sv', 'modes.digest.planTitle'));
    // What is left out is counted, with a link to the full report.
    expect(text).toMatch(/\[…och \d+ till i hela rapporten\]\(https:\/\/assess\.kommun\.example\/reports\/x\?format=html\)/);
    // People's text stays text: no link of theirs survives as a link.
    expect(JSON.stringify(card)).not.toContain('](https://evil.example)');
    // A small plan is shown whole.
    const small = renderDigestCard({ ...view, factors: view.factors.slice(0, 2), sections: [{ title: 'Handlingsplanen', lines: ['1 åtgärd · 0 klara', 'A1 · Publicera'] }] });
    expectValidCard(small);
    expect(textsOf(small)).toContain('A1 · Publicera');
    expect(textsOf(small)).not.toContain('till i hela rapporten');
  });
});
